package identity

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/google/go-cmp/cmp"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/internal/fakeaws"
)

const (
	adminDoc    = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
	deniedAdmin = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"*","Resource":"*"}]}`
	s3Wildcard  = `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["S3:*","ec2:DescribeInstances"],"Resource":"*"}}`
	narrowDoc   = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject"],"Resource":"arn:aws:s3:::b/*"}]}`
	passRoleDoc = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:PassRole","ec2:RunInstances"],"Resource":"*"}]}`
	svcTrust    = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
)

// policiesAccount holds users, a group and roles with policies of every
// kind.
func policiesAccount() *fakeaws.Account {
	acct := newAccount()
	f := acct.IAM
	admin := f.AddPolicy("Admin", adminDoc, days(100))
	f.AddPolicy("Unattached", adminDoc, days(100))
	cancelled := f.AddPolicy("Cancelled", deniedAdmin, days(100))
	wild := f.AddPolicy("S3Everything", s3Wildcard, days(100))
	narrow := f.AddPolicy("Narrow", narrowDoc, days(100))
	pass := f.AddPolicy("PassRole", passRoleDoc, days(100))

	grouped := f.AddUser("grouped", days(10))
	grouped.GroupNames = []string{"team"}
	direct := f.AddUser("direct", days(10))
	direct.AttachedPolicies = []string{aws.ToString(narrow.Policy.Arn)}
	inline := f.AddUser("inline", days(10))
	inline.InlinePolicies = []fakeaws.NamedDocument{{Name: "everything", Document: adminDoc}}

	f.Groups = append(f.Groups, &fakeaws.IAMGroup{
		Group:            iamtypes.Group{GroupName: aws.String("team"), Arn: aws.String("arn:aws:iam::111122223333:group/team"), GroupId: aws.String("AGPATEAM")},
		AttachedPolicies: []string{aws.ToString(admin.Policy.Arn), aws.ToString(cancelled.Policy.Arn)},
	})
	r := f.AddRole("deployer", svcTrust, days(10))
	r.AttachedPolicies = []string{aws.ToString(pass.Policy.Arn), aws.ToString(wild.Policy.Arn)}
	f.AddRole("reader", svcTrust, days(10)).AttachedPolicies = []string{aws.ToString(narrow.Policy.Arn)}
	slr := f.AddRole("AWSServiceRoleForX", svcTrust, days(10))
	slr.Role.Path = aws.String("/aws-service-role/x.amazonaws.com/")
	slr.AttachedPolicies = []string{aws.ToString(pass.Policy.Arn)}
	return acct
}

// authzFaults are the failure modes every authorization-details check must
// turn into an error.
var authzFaults = []struct {
	name  string
	setup func(a *fakeaws.Account)
}{
	{"access denied", func(a *fakeaws.Account) { a.DenyAccess("IAM", "GetAccountAuthorizationDetails", "") }},
	{"truncated page without marker", func(a *fakeaws.Account) {
		respond(a, "IAM", "GetAccountAuthorizationDetails", &iam.GetAccountAuthorizationDetailsOutput{IsTruncated: true}, nil)
	}},
	{"the same marker twice", func(a *fakeaws.Account) {
		respond(a, "IAM", "GetAccountAuthorizationDetails", &iam.GetAccountAuthorizationDetailsOutput{IsTruncated: true, Marker: aws.String("again")}, nil)
	}},
	{"policy without ARN", func(a *fakeaws.Account) {
		respond(a, "IAM", "GetAccountAuthorizationDetails", &iam.GetAccountAuthorizationDetailsOutput{Policies: []iamtypes.ManagedPolicyDetail{{PolicyName: aws.String("x")}}}, nil)
	}},
	{"user without name", func(a *fakeaws.Account) {
		respond(a, "IAM", "GetAccountAuthorizationDetails", &iam.GetAccountAuthorizationDetailsOutput{UserDetailList: []iamtypes.UserDetail{{Arn: aws.String("arn:aws:iam::111122223333:user/x")}}}, nil)
	}},
}

func TestPolicyChecks(t *testing.T) {
	tests := []struct {
		name  string
		check func(context.Context, AuthorizationDetailsAPI) ([]secpillar.Finding, error)
		want  []string
	}{
		{"permissions via groups", CheckUserPermissionsViaGroups, []string{"direct=FAIL", "grouped=PASS", "inline=FAIL"}},
		{"no admin policies", CheckNoAdminPolicies, []string{"Admin=FAIL", "Cancelled=PASS", "Narrow=PASS", "PassRole=PASS", "S3Everything=PASS", "Unattached=NOT_APPLICABLE", "inline=FAIL"}},
		{"no wildcard service actions", CheckNoWildcardServiceActions, []string{"Admin=PASS", "Cancelled=PASS", "Narrow=PASS", "PassRole=PASS", "S3Everything=FAIL", "Unattached=PASS"}},
		{"no privilege escalation", CheckNoPrivilegeEscalation, []string{"AWSServiceRoleForX=NOT_APPLICABLE", "deployer=FAIL", "direct=PASS", "grouped=PASS", "inline=FAIL", "reader=PASS", "team=PASS"}}, // team: Cancelled denies everything,
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			acct := policiesAccount()
			fs, err := tt.check(context.Background(), iam.NewFromConfig(acct.Config()))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, statuses(fs)); diff != "" {
				t.Errorf("statuses (-want +got):\n%s", diff)
			}
			for _, f := range fs {
				if f.Status == secpillar.StatusFail && f.Reason == "" {
					t.Errorf("FAIL without reason: %+v", f)
				}
			}
		})
		t.Run(tt.name+", empty account", func(t *testing.T) {
			fs, err := tt.check(context.Background(), iam.NewFromConfig(newAccount().Config()))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]string{"account=NOT_APPLICABLE"}, statuses(fs)); diff != "" {
				t.Errorf("statuses (-want +got):\n%s", diff)
			}
		})
		for _, ft := range authzFaults {
			t.Run(tt.name+", "+ft.name, func(t *testing.T) {
				acct := policiesAccount()
				ft.setup(acct)
				if fs, err := tt.check(context.Background(), iam.NewFromConfig(acct.Config())); err == nil {
					t.Fatalf("want error, got %v", statuses(fs))
				}
			})
		}
	}
}

func TestPolicyChecksRejectBadDocuments(t *testing.T) {
	bad := []struct {
		name string
		out  *iam.GetAccountAuthorizationDetailsOutput
	}{
		{"no default version", &iam.GetAccountAuthorizationDetailsOutput{Policies: []iamtypes.ManagedPolicyDetail{{
			Arn: aws.String("arn:aws:iam::111122223333:policy/p"), PolicyName: aws.String("p"), AttachmentCount: aws.Int32(1)}}}},
		{"nil document", &iam.GetAccountAuthorizationDetailsOutput{Policies: []iamtypes.ManagedPolicyDetail{{
			Arn: aws.String("arn:aws:iam::111122223333:policy/p"), PolicyName: aws.String("p"), AttachmentCount: aws.Int32(1),
			PolicyVersionList: []iamtypes.PolicyVersion{{IsDefaultVersion: true, VersionId: aws.String("v1")}}}}}},
		{"not URL-encoded JSON", &iam.GetAccountAuthorizationDetailsOutput{Policies: []iamtypes.ManagedPolicyDetail{{
			Arn: aws.String("arn:aws:iam::111122223333:policy/p"), PolicyName: aws.String("p"), AttachmentCount: aws.Int32(1),
			PolicyVersionList: []iamtypes.PolicyVersion{{IsDefaultVersion: true, VersionId: aws.String("v1"), Document: aws.String("%7Bnot json")}}}}}},
	}
	for _, b := range bad {
		for _, check := range []func(context.Context, AuthorizationDetailsAPI) ([]secpillar.Finding, error){CheckNoAdminPolicies, CheckNoWildcardServiceActions} {
			acct := newAccount()
			respond(acct, "IAM", "GetAccountAuthorizationDetails", b.out, nil)
			_, err := check(context.Background(), iam.NewFromConfig(acct.Config()))
			if err == nil || !strings.Contains(err.Error(), "policy/p") {
				t.Errorf("%s: error = %v, want one naming the policy", b.name, err)
			}
		}
	}
}

func TestCheckSupportRole(t *testing.T) {
	acct := policiesAccount()
	f, err := CheckSupportRole(context.Background(), iam.NewFromConfig(acct.Config()))
	if err != nil || f.Status != secpillar.StatusFail {
		t.Fatalf("finding = %+v, %v; want FAIL", f, err)
	}
	acct.IAM.AddRole("helpdesk", svcTrust, days(1)).AttachedPolicies = []string{SupportPolicyARN}
	f, err = CheckSupportRole(context.Background(), iam.NewFromConfig(acct.Config()))
	if err != nil || f.Status != secpillar.StatusPass || f.Evidence["support_roles"] != "helpdesk" {
		t.Fatalf("finding = %+v, %v; want PASS naming helpdesk", f, err)
	}
	for _, ft := range authzFaults {
		acct := policiesAccount()
		ft.setup(acct)
		if _, err := CheckSupportRole(context.Background(), iam.NewFromConfig(acct.Config())); err == nil {
			t.Errorf("%s: want error", ft.name)
		}
	}
}

func TestRemediateSupportRole(t *testing.T) {
	ctx := context.Background()
	t.Run("creates, then is compliant", func(t *testing.T) {
		acct := newAccount()
		api := iam.NewFromConfig(acct.Config())
		plan, err := RemediateSupportRole(ctx, api, "", "222233334444", secpillar.DryRun)
		if err != nil || plan.Outcome != secpillar.OutcomePlanned || len(plan.Changes) != 2 {
			t.Fatalf("plan = %+v, %v", plan, err)
		}
		if len(acct.IAM.Roles) != 0 || acct.CallCount("IAM", "CreateRole") != 0 {
			t.Fatal("dry run wrote")
		}
		rem, err := RemediateSupportRole(ctx, api, "", "222233334444")
		if err != nil || rem.Outcome != secpillar.OutcomeChanged || rem.Resource.ID != "arn:aws:iam::111122223333:role/"+DefaultSupportRoleName {
			t.Fatalf("remediation = %+v, %v", rem, err)
		}
		trust := aws.ToString(acct.IAM.Roles[0].Role.AssumeRolePolicyDocument)
		if !strings.Contains(trust, `"AWS":"arn:aws:iam::222233334444:root"`) {
			t.Errorf("trust = %s", trust)
		}
		f, err := CheckSupportRole(ctx, api)
		if err != nil || f.Status != secpillar.StatusPass {
			t.Errorf("check after = %+v, %v", f, err)
		}
		again, err := RemediateSupportRole(ctx, api, "", "222233334444")
		if err != nil || again.Outcome != secpillar.OutcomeCompliant || acct.CallCount("IAM", "CreateRole") != 1 || acct.CallCount("IAM", "AttachRolePolicy") != 1 {
			t.Fatalf("second run = %+v, %v, calls %v", again, err, acct.CallCounts())
		}
	})
	t.Run("existing role keeps its trust and policies", func(t *testing.T) {
		acct := newAccount()
		r := acct.IAM.AddRole("helpdesk", svcTrust, days(5))
		r.AttachedPolicies = []string{"arn:aws:iam::aws:policy/ReadOnlyAccess"}
		rem, err := RemediateSupportRole(ctx, iam.NewFromConfig(acct.Config()), "helpdesk", "arn:aws:iam::222233334444:role/responder")
		if err != nil || rem.Outcome != secpillar.OutcomeChanged || len(rem.Changes) != 1 {
			t.Fatalf("remediation = %+v, %v", rem, err)
		}
		if aws.ToString(r.Role.AssumeRolePolicyDocument) != svcTrust {
			t.Error("trust policy changed")
		}
		if diff := cmp.Diff([]string{"arn:aws:iam::aws:policy/ReadOnlyAccess", SupportPolicyARN}, r.AttachedPolicies); diff != "" {
			t.Errorf("policies (-want +got):\n%s", diff)
		}
	})
	t.Run("bad input before any call", func(t *testing.T) {
		acct := newAccount()
		for _, in := range [][2]string{{"", "nope"}, {"", "12345"}, {"bad name!", "222233334444"}, {"", "arn:aws:s3:::bucket"}} {
			if _, err := RemediateSupportRole(ctx, iam.NewFromConfig(acct.Config()), in[0], in[1]); err == nil {
				t.Errorf("%q: want error", in)
			}
		}
		if len(acct.Calls()) != 0 {
			t.Errorf("calls: %v", acct.Calls())
		}
	})
	t.Run("create denied", func(t *testing.T) {
		acct := newAccount()
		acct.DenyAccess("IAM", "CreateRole", "")
		if _, err := RemediateSupportRole(ctx, iam.NewFromConfig(acct.Config()), "", "222233334444"); err == nil {
			t.Fatal("want error")
		}
	})
}
