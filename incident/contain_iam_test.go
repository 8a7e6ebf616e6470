package incident_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/google/go-cmp/cmp"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/incident"
	"github.com/secpillar/secpillar/internal/fakeaws"
)

var t0 = time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)

func iamAccount(t *testing.T) (*fakeaws.Account, *iam.Client) {
	acct, cfg := newAccount(t)
	acct.Now = func() time.Time { return t0 }
	alice := acct.IAM.AddUser("alice", t0.AddDate(-1, 0, 0))
	alice.AddAccessKey("AKIAALICE00000000001", iamtypes.StatusTypeActive, t0.AddDate(0, -3, 0), nil)
	alice.AddAccessKey("AKIAALICE00000000002", iamtypes.StatusTypeActive, t0.AddDate(0, -1, 0), nil)
	alice.SetPassword(t0.AddDate(0, -2, 0), nil)
	alice.InlinePolicies = []fakeaws.NamedDocument{{Name: "read-logs", Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"logs:Get*","Resource":"*"}]}`}}
	bob := acct.IAM.AddUser("bob", t0.AddDate(-1, 0, 0))
	bob.AddAccessKey("AKIABOB0000000000001", iamtypes.StatusTypeActive, t0.AddDate(0, -1, 0), nil)
	app := acct.IAM.AddRole("app", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`, t0.AddDate(-1, 0, 0))
	app.InlinePolicies = []fakeaws.NamedDocument{{Name: "s3", Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`}}
	slr := acct.IAM.AddRole("AWSServiceRoleForSupport", `{"Version":"2012-10-17","Statement":[]}`, t0.AddDate(-1, 0, 0))
	slr.Role.Path = aws.String("/aws-service-role/support.amazonaws.com/")
	return acct, iam.NewFromConfig(cfg)
}

func keyStatus(acct *fakeaws.Account, user string) map[string]iamtypes.StatusType {
	m := map[string]iamtypes.StatusType{}
	for _, u := range acct.IAM.Users {
		if aws.ToString(u.User.UserName) == user {
			for _, k := range u.AccessKeys {
				m[aws.ToString(k.AccessKeyId)] = k.Status
			}
		}
	}
	return m
}

var iamWrites = []string{"UpdateAccessKey", "DeleteLoginProfile", "PutUserPolicy", "PutRolePolicy", "DeleteUserPolicy", "DeleteRolePolicy"}

func TestDeactivateAccessKeys(t *testing.T) {
	acct, api := iamAccount(t)
	t.Run("bad input before any call", func(t *testing.T) {
		acct.ResetCalls()
		for _, tc := range []struct {
			user string
			keys []string
		}{{"", nil}, {"a/b", nil}, {"alice", []string{"not-a-key"}}, {"alice", []string{""}}} {
			if _, err := incident.DeactivateAccessKeys(bg, api, tc.user, tc.keys); err == nil {
				t.Errorf("%q %q: want error", tc.user, tc.keys)
			}
		}
		if len(acct.Calls()) != 0 {
			t.Errorf("calls: %v", acct.Calls())
		}
	})
	t.Run("a key the user does not have: error, no write", func(t *testing.T) {
		_, err := incident.DeactivateAccessKeys(bg, api, "alice", []string{"AKIABOB0000000000001"})
		if err == nil || writes(acct, "IAM", iamWrites...) != 0 {
			t.Errorf("err = %v, writes = %d", err, writes(acct, "IAM", iamWrites...))
		}
	})
	t.Run("dry run of one named key", func(t *testing.T) {
		rem, err := incident.DeactivateAccessKeys(bg, api, "alice", []string{"AKIAALICE00000000002"}, secpillar.DryRun)
		if err != nil {
			t.Fatal(err)
		}
		want := []secpillar.Change{{Resource: secpillar.Resource{Type: incident.UserResourceType, ID: "alice"}, Action: "iam:UpdateAccessKey", Field: "AccessKey AKIAALICE00000000002 Status", Before: "Active", After: "Inactive"}}
		if diff := cmp.Diff(want, rem.Changes); diff != "" || rem.Outcome != secpillar.OutcomePlanned {
			t.Errorf("outcome %s, changes (-want +got):\n%s", rem.Outcome, diff)
		}
		if writes(acct, "IAM", iamWrites...) != 0 {
			t.Error("dry run wrote")
		}
	})
	t.Run("one named key", func(t *testing.T) {
		rem, err := incident.DeactivateAccessKeys(bg, api, "alice", []string{"AKIAALICE00000000002"})
		if err != nil || rem.Outcome != secpillar.OutcomeChanged || !strings.Contains(rem.Undo, "Status=Active") {
			t.Fatalf("got %+v, %v", rem, err)
		}
		want := map[string]iamtypes.StatusType{"AKIAALICE00000000001": "Active", "AKIAALICE00000000002": "Inactive"}
		if diff := cmp.Diff(want, keyStatus(acct, "alice")); diff != "" {
			t.Errorf("keys (-want +got):\n%s", diff)
		}
	})
	t.Run("all keys; other users untouched; never deleted", func(t *testing.T) {
		rem, err := incident.DeactivateAccessKeys(bg, api, "alice", nil)
		if err != nil || rem.Outcome != secpillar.OutcomeChanged || len(rem.Changes) != 1 {
			t.Fatalf("got %+v, %v", rem, err)
		}
		if diff := cmp.Diff(map[string]iamtypes.StatusType{"AKIAALICE00000000001": "Inactive", "AKIAALICE00000000002": "Inactive"}, keyStatus(acct, "alice")); diff != "" {
			t.Errorf("alice (-want +got):\n%s", diff)
		}
		if keyStatus(acct, "bob")["AKIABOB0000000000001"] != "Active" {
			t.Error("bob's key changed")
		}
	})
	t.Run("second run: no write", func(t *testing.T) {
		acct.ResetCalls()
		rem, err := incident.DeactivateAccessKeys(bg, api, "alice", nil)
		if err != nil || rem.Outcome != secpillar.OutcomeCompliant || writes(acct, "IAM", iamWrites...) != 0 {
			t.Errorf("got %+v, %v", rem, err)
		}
	})
	t.Run("access denied", func(t *testing.T) {
		f := acct.DenyAccess("IAM", "UpdateAccessKey", "")
		defer acct.Remove(f)
		if _, err := incident.DeactivateAccessKeys(bg, api, "bob", nil); err == nil || !strings.Contains(err.Error(), "explicit deny") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("unknown user", func(t *testing.T) {
		if _, err := incident.DeactivateAccessKeys(bg, api, "mallory", nil); err == nil {
			t.Error("want error")
		}
	})
}

func TestDisableConsoleAccess(t *testing.T) {
	acct, api := iamAccount(t)
	if _, err := incident.DisableConsoleAccess(bg, api, ""); err == nil || len(acct.Calls()) != 0 {
		t.Errorf("empty user: err = %v, calls %d", err, len(acct.Calls()))
	}
	rem, err := incident.DisableConsoleAccess(bg, api, "alice", secpillar.DryRun)
	if err != nil || rem.Outcome != secpillar.OutcomePlanned || writes(acct, "IAM", iamWrites...) != 0 {
		t.Fatalf("dry run: %+v, %v", rem, err)
	}
	if !strings.Contains(rem.Undo, "Cannot be undone") || !strings.Contains(rem.Undo, "new password") {
		t.Errorf("undo = %q, want it to say it cannot be undone but by a new password", rem.Undo)
	}
	rem, err = incident.DisableConsoleAccess(bg, api, "alice")
	if err != nil || rem.Outcome != secpillar.OutcomeChanged {
		t.Fatalf("apply: %+v, %v", rem, err)
	}
	if acct.IAM.Users[0].LoginProfile != nil || len(acct.IAM.Users[0].AccessKeys) != 2 {
		t.Error("password still there, or keys touched")
	}
	acct.ResetCalls()
	rem, err = incident.DisableConsoleAccess(bg, api, "alice")
	if err != nil || rem.Outcome != secpillar.OutcomeCompliant || writes(acct, "IAM", iamWrites...) != 0 {
		t.Errorf("second run: %+v, %v", rem, err)
	}
	if _, err := incident.DisableConsoleAccess(bg, api, "mallory"); err == nil {
		t.Error("unknown user: want an error, not compliant")
	}
}

func inline(acct *fakeaws.Account, kind, name string) map[string]string {
	m := map[string]string{}
	var docs []fakeaws.NamedDocument
	if kind == "role" {
		for _, r := range acct.IAM.Roles {
			if aws.ToString(r.Role.RoleName) == name {
				docs = r.InlinePolicies
			}
		}
	} else {
		for _, u := range acct.IAM.Users {
			if aws.ToString(u.User.UserName) == name {
				docs = u.InlinePolicies
			}
		}
	}
	for _, d := range docs {
		m[d.Name] = d.Document
	}
	return m
}

func TestRevokeRoleSessions(t *testing.T) {
	acct, api := iamAccount(t)
	at := time.Date(2026, 12, 1, 19, 40, 5, 123, time.FixedZone("CET", 3600))
	wantDoc := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":["*"],"Resource":["*"],"Condition":{"DateLessThan":{"aws:TokenIssueTime":"2026-12-01T18:40:05Z"}}}]}`
	if got := incident.RevokeSessionsPolicy(at); got != wantDoc {
		t.Fatalf("policy:\n got %s\nwant %s", got, wantDoc)
	}
	t.Run("bad input and service-linked roles refused before any write", func(t *testing.T) {
		acct.ResetCalls()
		if _, err := incident.RevokeRoleSessionsAt(bg, api, "", at); err == nil {
			t.Error("empty role: want error")
		}
		if _, err := incident.RevokeRoleSessionsAt(bg, api, "app", time.Time{}); err == nil {
			t.Error("zero time: want error")
		}
		if len(acct.Calls()) != 0 {
			t.Errorf("calls: %v", acct.Calls())
		}
		_, err := incident.RevokeRoleSessionsAt(bg, api, "AWSServiceRoleForSupport", at)
		var slr *incident.ServiceLinkedRoleError
		if !errors.As(err, &slr) || slr.Role != "AWSServiceRoleForSupport" {
			t.Errorf("err = %v, want *ServiceLinkedRoleError", err)
		}
		if writes(acct, "IAM", iamWrites...) != 0 {
			t.Error("wrote")
		}
	})
	t.Run("dry run", func(t *testing.T) {
		rem, err := incident.RevokeRoleSessionsAt(bg, api, "app", at, secpillar.DryRun)
		if err != nil || rem.Outcome != secpillar.OutcomePlanned || writes(acct, "IAM", iamWrites...) != 0 {
			t.Fatalf("got %+v, %v", rem, err)
		}
	})
	t.Run("puts exactly the console's policy, keeps other policies, says it takes minutes", func(t *testing.T) {
		rem, err := incident.RevokeRoleSessionsAt(bg, api, "app", at)
		if err != nil || rem.Outcome != secpillar.OutcomeChanged {
			t.Fatalf("got %+v, %v", rem, err)
		}
		got := inline(acct, "role", "app")
		if diff := cmp.Diff(wantDoc, got["AWSRevokeOlderSessions"]); diff != "" || got["s3"] == "" || len(got) != 2 {
			t.Errorf("policies %v; revoke doc (-want +got):\n%s", got, diff)
		}
		if !strings.Contains(strings.Join(rem.Notes, " "), "few minutes") {
			t.Errorf("notes = %q", rem.Notes)
		}
		if !strings.Contains(rem.Undo, "iam:DeleteRolePolicy") {
			t.Errorf("undo = %q", rem.Undo)
		}
	})
	t.Run("same clock again: no write", func(t *testing.T) {
		acct.ResetCalls()
		rem, err := incident.RevokeRoleSessionsAt(bg, api, "app", at)
		if err != nil || rem.Outcome != secpillar.OutcomeCompliant || writes(acct, "IAM", iamWrites...) != 0 {
			t.Errorf("got %+v, %v", rem, err)
		}
	})
	t.Run("later: overwrites the time, still one policy", func(t *testing.T) {
		later := at.Add(time.Hour)
		rem, err := incident.RevokeRoleSessionsAt(bg, api, "app", later)
		if err != nil || rem.Outcome != secpillar.OutcomeChanged || rem.Changes[0].Before != "sessions issued before 2026-12-01T18:40:05Z denied" {
			t.Fatalf("got %+v, %v", rem, err)
		}
		got := inline(acct, "role", "app")
		if len(got) != 2 || got["AWSRevokeOlderSessions"] != incident.RevokeSessionsPolicy(later) {
			t.Errorf("policies = %v", got)
		}
	})
	t.Run("unknown role", func(t *testing.T) {
		if _, err := incident.RevokeRoleSessionsAt(bg, api, "ghost", at); err == nil {
			t.Error("want error")
		}
	})
	t.Run("users too", func(t *testing.T) {
		rem, err := incident.RevokeUserSessionsAt(bg, api, "bob", at)
		if err != nil || rem.Outcome != secpillar.OutcomeChanged || inline(acct, "user", "bob")["AWSRevokeOlderSessions"] != wantDoc {
			t.Errorf("got %+v, %v", rem, err)
		}
	})
}

func TestQuarantine(t *testing.T) {
	acct, api := iamAccount(t)
	t.Run("user: dry run, apply, re-run, preserve", func(t *testing.T) {
		rem, err := incident.QuarantineUser(bg, api, "alice", secpillar.DryRun)
		if err != nil || rem.Outcome != secpillar.OutcomePlanned || writes(acct, "IAM", iamWrites...) != 0 {
			t.Fatalf("dry run %+v, %v", rem, err)
		}
		rem, err = incident.QuarantineUser(bg, api, "alice")
		if err != nil || rem.Outcome != secpillar.OutcomeChanged || !strings.Contains(rem.Undo, incident.QuarantinePolicyName) {
			t.Fatalf("apply %+v, %v", rem, err)
		}
		got := inline(acct, "user", "alice")
		if got[incident.QuarantinePolicyName] != incident.QuarantinePolicy || got["read-logs"] == "" {
			t.Errorf("policies = %v", got)
		}
		acct.ResetCalls()
		rem, err = incident.QuarantineUser(bg, api, "alice")
		if err != nil || rem.Outcome != secpillar.OutcomeCompliant || writes(acct, "IAM", iamWrites...) != 0 {
			t.Errorf("re-run %+v, %v", rem, err)
		}
	})
	t.Run("role; service-linked refused", func(t *testing.T) {
		rem, err := incident.QuarantineRole(bg, api, "app")
		if err != nil || rem.Outcome != secpillar.OutcomeChanged {
			t.Fatalf("%+v, %v", rem, err)
		}
		var slr *incident.ServiceLinkedRoleError
		if _, err := incident.QuarantineRole(bg, api, "AWSServiceRoleForSupport"); !errors.As(err, &slr) {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("a tampered quarantine policy is put back", func(t *testing.T) {
		for _, u := range acct.IAM.Users {
			if aws.ToString(u.User.UserName) == "alice" {
				for i := range u.InlinePolicies {
					if u.InlinePolicies[i].Name == incident.QuarantinePolicyName {
						u.InlinePolicies[i].Document = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
					}
				}
			}
		}
		rem, err := incident.QuarantineUser(bg, api, "alice")
		if err != nil || rem.Outcome != secpillar.OutcomeChanged {
			t.Errorf("%+v, %v", rem, err)
		}
	})
	t.Run("bad input", func(t *testing.T) {
		acct.ResetCalls()
		if _, err := incident.QuarantineUser(bg, api, ""); err == nil || len(acct.Calls()) != 0 {
			t.Error("want error before any call")
		}
	})
}

func TestContainmentVerifyPending(t *testing.T) {
	acct, api := iamAccount(t)
	// Writes are accepted but not visible yet: the re-read disagrees.
	acct.Inject(fakeaws.Fault{Service: "IAM", Operation: "UpdateAccessKey", Respond: func(context.Context, any) (any, error) { return &iam.UpdateAccessKeyOutput{}, nil }})
	acct.Inject(fakeaws.Fault{Service: "IAM", Operation: "PutRolePolicy", Respond: func(context.Context, any) (any, error) { return &iam.PutRolePolicyOutput{}, nil }})
	rem, err := incident.DeactivateAccessKeys(bg, api, "bob", nil)
	if err != nil || rem.Outcome != secpillar.OutcomeVerifyPending {
		t.Errorf("keys: %+v, %v", rem, err)
	}
	rem, err = incident.QuarantineRole(bg, api, "app")
	if err != nil || rem.Outcome != secpillar.OutcomeVerifyPending {
		t.Errorf("quarantine: %+v, %v", rem, err)
	}
}
