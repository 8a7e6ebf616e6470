package identity

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/google/go-cmp/cmp"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/internal/fakeaws"
)

// usersAccount has one user per case:
//
//	tidy:    console + MFA, one key 10 days old used yesterday
//	nomfa:   console without MFA, password used 100 days ago
//	initial: console + MFA, key created with the user, never used
//	robot:   no console, two active keys, one 200 days old and idle
//	idle:    no console, one inactive old key
func usersAccount() *fakeaws.Account {
	acct := newAccount()
	f := acct.IAM
	tidy := f.AddUser("tidy", days(300))
	tidy.SetPassword(days(30), ptr(days(1)))
	f.AddUserMFA(tidy, false, days(300))
	tidy.AddAccessKey("AKIATIDY000000000001", iamtypes.StatusTypeActive, days(10), ptr(days(1)))

	nomfa := f.AddUser("nomfa", days(300))
	nomfa.SetPassword(days(300), ptr(days(100)))

	initial := f.AddUser("initial", days(50))
	initial.SetPassword(days(50), ptr(days(2)))
	f.AddUserMFA(initial, true, days(50))
	initial.AddAccessKey("AKIAINITIAL000000001", iamtypes.StatusTypeActive, days(50).Add(2*time.Second), nil)

	robot := f.AddUser("robot", days(400))
	robot.AddAccessKey("AKIAROBOT00000000001", iamtypes.StatusTypeActive, days(200), ptr(days(60)))
	robot.AddAccessKey("AKIAROBOT00000000002", iamtypes.StatusTypeActive, days(20), ptr(days(1)))

	idle := f.AddUser("idle", days(400))
	idle.AddAccessKey("AKIAIDLE000000000001", iamtypes.StatusTypeInactive, days(390), nil)
	return acct
}

func TestUserCredentialChecks(t *testing.T) {
	clock := func(o *UserCredentialOptions) { o.Now = func() time.Time { return now } }
	tests := []struct {
		name  string
		check func(context.Context, CredentialReportAPI, ...func(*UserCredentialOptions)) ([]secpillar.Finding, error)
		opts  func(*UserCredentialOptions)
		want  []string
	}{
		{"console users mfa", CheckConsoleUsersMFA, nil, []string{"idle=NOT_APPLICABLE", "initial=PASS", "nomfa=FAIL", "robot=NOT_APPLICABLE", "tidy=PASS"}},
		{"no initial access keys", CheckNoInitialAccessKeys, nil, []string{"idle=NOT_APPLICABLE", "initial=FAIL", "nomfa=PASS", "robot=NOT_APPLICABLE", "tidy=PASS"}},
		{"unused credentials", CheckUnusedCredentials, nil, []string{"idle=PASS", "initial=FAIL", "nomfa=FAIL", "robot=FAIL", "tidy=PASS"}},
		{"unused credentials, 120 days", CheckUnusedCredentials, func(o *UserCredentialOptions) { o.UnusedDays = 120 }, []string{"idle=PASS", "initial=PASS", "nomfa=PASS", "robot=PASS", "tidy=PASS"}},
		{"single active key", CheckSingleActiveAccessKey, nil, []string{"idle=PASS", "initial=PASS", "nomfa=PASS", "robot=FAIL", "tidy=PASS"}},
		{"keys rotated", CheckAccessKeysRotated, nil, []string{"idle=PASS", "initial=PASS", "nomfa=PASS", "robot=FAIL", "tidy=PASS"}},
		{"keys rotated, 30 days", CheckAccessKeysRotated, func(o *UserCredentialOptions) { o.MaxKeyAge = 30 }, []string{"idle=PASS", "initial=FAIL", "nomfa=PASS", "robot=FAIL", "tidy=PASS"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			acct := usersAccount()
			opts := []func(*UserCredentialOptions){clock}
			if tt.opts != nil {
				opts = append(opts, tt.opts)
			}
			fs, err := tt.check(context.Background(), iam.NewFromConfig(acct.Config()), opts...)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, statuses(fs)); diff != "" {
				t.Errorf("statuses (-want +got):\n%s", diff)
			}
			for _, f := range fs {
				if f.Reason == "" || f.Evidence["report_generated_time"] == "" || f.Resource.Type != "AWS::IAM::User" || f.Resource.Account != testAccount {
					t.Errorf("incomplete finding %+v", f)
				}
			}
		})
		t.Run(tt.name+", no users", func(t *testing.T) {
			fs, err := tt.check(context.Background(), iam.NewFromConfig(newAccount().Config()), clock)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]string{"account=NOT_APPLICABLE"}, statuses(fs)); diff != "" {
				t.Errorf("statuses (-want +got):\n%s", diff)
			}
		})
		for _, ft := range reportFaults {
			t.Run(tt.name+", "+ft.name, func(t *testing.T) {
				acct := usersAccount()
				ft.setup(acct)
				if _, err := tt.check(context.Background(), iam.NewFromConfig(acct.Config()), clock); err == nil {
					t.Fatal("want error")
				}
			})
		}
		t.Run(tt.name+", unknown token", func(t *testing.T) {
			acct := usersAccount()
			badReport(acct, &iam.GetCredentialReportOutput{GeneratedTime: aws.Time(now), Content: []byte(
				"user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date\n" +
					"u,arn:aws:iam::111122223333:user/u,2026-01-01T00:00:00+00:00,yes,N/A,N/A,false,false,N/A,N/A,false,N/A,N/A\n")})
			if _, err := tt.check(context.Background(), iam.NewFromConfig(acct.Config()), clock); err == nil {
				t.Fatal("want error naming password_enabled")
			}
		})
	}
}

func keyStatuses(acct *fakeaws.Account, user string) map[string]iamtypes.StatusType {
	out := map[string]iamtypes.StatusType{}
	for _, u := range acct.IAM.Users {
		if aws.ToString(u.User.UserName) == user {
			for _, k := range u.AccessKeys {
				out[aws.ToString(k.AccessKeyId)] = k.Status
			}
		}
	}
	return out
}

func TestKeyRemediations(t *testing.T) {
	ctx := context.Background()
	o := UserCredentialOptions{Now: func() time.Time { return now }}
	type remediate func(context.Context, KeyRemediationAPI, []string, UserCredentialOptions, ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error)
	tests := []struct {
		name string
		fn   remediate
		user string
		want map[string]iamtypes.StatusType // after the change
	}{
		{"rotated", RemediateAccessKeysRotated, "robot", map[string]iamtypes.StatusType{"AKIAROBOT00000000001": "Inactive", "AKIAROBOT00000000002": "Active"}},
		{"unused", RemediateUnusedAccessKeys, "robot", map[string]iamtypes.StatusType{"AKIAROBOT00000000001": "Inactive", "AKIAROBOT00000000002": "Active"}},
		{"initial", RemediateInitialAccessKeys, "initial", map[string]iamtypes.StatusType{"AKIAINITIAL000000001": "Inactive"}},
	}
	for _, tt := range tests {
		t.Run(tt.name+", dry run then apply then again", func(t *testing.T) {
			acct := usersAccount()
			api := iam.NewFromConfig(acct.Config())
			before := keyStatuses(acct, tt.user)
			plan, err := tt.fn(ctx, api, []string{tt.user}, o, secpillar.DryRun)
			if err != nil {
				t.Fatal(err)
			}
			if plan.Outcome != secpillar.OutcomePlanned || len(plan.Changes) != 1 || plan.Changes[0].Action != "iam:UpdateAccessKey" {
				t.Errorf("plan = %+v", plan)
			}
			if acct.CallCount("IAM", "UpdateAccessKey") != 0 || !cmp.Equal(before, keyStatuses(acct, tt.user)) {
				t.Fatal("dry run wrote")
			}
			rem, err := tt.fn(ctx, api, []string{tt.user}, o)
			if err != nil {
				t.Fatal(err)
			}
			if rem.Outcome != secpillar.OutcomeChanged || rem.Resource.ID != "arn:aws:iam::111122223333:user/"+tt.user || rem.Undo == "" {
				t.Errorf("remediation = %+v", rem)
			}
			if diff := cmp.Diff(tt.want, keyStatuses(acct, tt.user)); diff != "" {
				t.Errorf("keys (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(map[string]iamtypes.StatusType{"AKIATIDY000000000001": "Active"}, keyStatuses(acct, "tidy")); diff != "" {
				t.Errorf("other users' keys changed (-want +got):\n%s", diff)
			}
			again, err := tt.fn(ctx, api, []string{tt.user}, o)
			if err != nil || again.Outcome != secpillar.OutcomeCompliant {
				t.Fatalf("second run = %+v, %v", again, err)
			}
			if n := acct.CallCount("IAM", "UpdateAccessKey"); n != 1 {
				t.Errorf("UpdateAccessKey calls = %d, want 1", n)
			}
		})
	}
	t.Run("refuses above MaxResources before any write", func(t *testing.T) {
		acct := newAccount()
		var users []string
		for i := 0; i < 3; i++ {
			name := "old" + string(rune('a'+i))
			acct.IAM.AddUser(name, days(500)).AddAccessKey("AKIAOLD0000000000"+string(rune('A'+i))+"00", iamtypes.StatusTypeActive, days(400), nil)
			users = append(users, name)
		}
		_, err := RemediateAccessKeysRotated(ctx, iam.NewFromConfig(acct.Config()), users, o, func(r *secpillar.RemediateOptions) { r.MaxResources = 2 })
		var tooMany *secpillar.TooManyResourcesError
		if !errors.As(err, &tooMany) || tooMany.Count != 3 || tooMany.Max != 2 {
			t.Fatalf("error = %v, want TooManyResourcesError 3 > 2", err)
		}
		if n := acct.CallCount("IAM", "UpdateAccessKey"); n != 0 {
			t.Errorf("%d writes before refusing", n)
		}
	})
	t.Run("bad input", func(t *testing.T) {
		acct := newAccount()
		for _, users := range [][]string{nil, {""}} {
			if _, err := RemediateAccessKeysRotated(ctx, iam.NewFromConfig(acct.Config()), users, o); err == nil {
				t.Errorf("users %q: want error", users)
			}
		}
		if len(acct.Calls()) != 0 {
			t.Errorf("calls before rejecting input: %v", acct.Calls())
		}
	})
	t.Run("write denied", func(t *testing.T) {
		acct := usersAccount()
		acct.DenyAccess("IAM", "UpdateAccessKey", "")
		if _, err := RemediateAccessKeysRotated(ctx, iam.NewFromConfig(acct.Config()), []string{"robot"}, o); err == nil {
			t.Fatal("want error")
		}
	})
	t.Run("unknown user", func(t *testing.T) {
		acct := usersAccount()
		if _, err := RemediateAccessKeysRotated(ctx, iam.NewFromConfig(acct.Config()), []string{"ghost"}, o); err == nil {
			t.Fatal("want error")
		}
	})
	t.Run("adapter takes the user from the finding", func(t *testing.T) {
		acct := usersAccount()
		var c secpillar.Control
		for _, x := range Controls() {
			if x.ID == ControlAccessKeysRotated {
				c = x
			}
		}
		f := secpillar.Finding{Control: ControlAccessKeysRotated, Status: secpillar.StatusFail, Resource: userResource("arn:aws:iam::111122223333:user/robot")}
		rem, err := c.Remediate(ctx, acct.Config(), f, secpillar.RemediateOptions{DryRun: true})
		// The adapter uses the real clock, so the test clock's young key may
		// count as old too; the old one must be there.
		if err != nil || rem.Outcome != secpillar.OutcomePlanned || len(rem.Changes) == 0 || rem.Changes[0].Field[:30] != "AccessKey AKIAROBOT00000000001" {
			t.Fatalf("remediation = %+v, %v", rem, err)
		}
		f.Resource = secpillar.AccountResource(testAccount)
		if _, err := c.Remediate(ctx, acct.Config(), f, secpillar.RemediateOptions{}); err == nil {
			t.Error("an account finding must be refused")
		}
	})
}
