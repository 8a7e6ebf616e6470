package policy

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func mustParse(t testing.TB, doc string) *Document {
	t.Helper()
	d, err := Parse(doc)
	if err != nil {
		t.Fatalf("Parse(%s): %v", doc, err)
	}
	return d
}

func TestIsAdmin(t *testing.T) {
	tests := []struct {
		name, doc  string
		want       bool
		wantReason string
	}{
		{"star star", `{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`, true, `statement 0 allows every action on Resource "*"`},
		{"star colon star", `{"Statement":[{"Sid":"Admin","Effect":"Allow","Action":["s3:GetObject","*:*"],"Resource":["arn:aws:s3:::b","*"]}]}`, true, `statement 0 (Sid "Admin") allows every action on Resource "*"`},
		{"NotAction on star", `{"Statement":[{"Effect":"Allow","NotAction":["iam:*","organizations:*"],"Resource":"*"}]}`, true, `statement 0 allows every action except ["iam:*", "organizations:*"] (NotAction) on Resource "*"`},
		{"star on NotResource", `{"Statement":[{"Effect":"Allow","Action":"*","NotResource":"arn:aws:s3:::secret"}]}`, true, `statement 0 allows every action on every resource except ["arn:aws:s3:::secret"] (NotResource)`},
		{"no resource element", `{"Statement":[{"Effect":"Allow","Action":"*"}]}`, true, `statement 0 allows every action on every resource (no Resource element)`},
		{"conditional allow still admin", `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}`, true, `statement 0 allows every action on Resource "*", with conditions that were not evaluated`},
		{"case of action", `{"Statement":[{"Effect":"Allow","Action":"**","Resource":"*"}]}`, true, `statement 0 allows every action on Resource "*"`},
		{"service wildcard is not admin", `{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`, false, "no statement allows every action on every resource"},
		{"star on one resource", `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::b"}]}`, false, "no statement allows every action on every resource"},
		{"NotAction on one resource", `{"Statement":[{"Effect":"Allow","NotAction":"iam:*","Resource":"arn:aws:s3:::b/*"}]}`, false, "no statement allows every action on every resource"},
		{"deny star star", `{"Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}`, false, "statement 0 denies every action on every resource unconditionally"},
		{"cancelled by deny", `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Sid":"Stop","Effect":"Deny","Action":"*:*","Resource":"*"}]}`, false, `statement 1 (Sid "Stop") denies every action on every resource unconditionally`},
		{"cancelled by deny with empty NotAction", `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","NotAction":[],"Resource":"*"}]}`, false, `statement 1 denies every action on every resource unconditionally`},
		{"conditional deny does not cancel", `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"false"}}}]}`, true, `statement 0 allows every action on Resource "*"`},
		{"partial deny does not cancel", `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"iam:*","Resource":"*"}]}`, true, `statement 0 allows every action on Resource "*"`},
		{"deny on one resource does not cancel", `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"*","Resource":"arn:aws:s3:::b"}]}`, true, `statement 0 allows every action on Resource "*"`},
		{"deny with NotPrincipal does not cancel", `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"*","Resource":"*"}]}`, true, `statement 0 allows every action on Resource "*"`},
		{"deny for one principal does not cancel", `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::111122223333:user/u"},"Action":"*","Resource":"*"}]}`, true, `statement 0 allows every action on Resource "*"`},
		{"deny for principal star cancels", `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*"}]}`, false, `statement 1 denies every action on every resource unconditionally`},
		{"deny with empty NotResource cancels", `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"*","NotResource":[]}]}`, false, `statement 1 denies every action on every resource unconditionally`},
		{"deny with NotResource does not cancel", `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"*","NotResource":"arn:aws:s3:::b"}]}`, true, `statement 0 allows every action on Resource "*"`},
		{"deny without resource cancels", `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"*"}]}`, false, `statement 1 denies every action on every resource unconditionally`},
		{"empty", `{"Statement":[]}`, false, "no statement allows every action on every resource"},
		{"NotResource star grants nothing", `{"Statement":[{"Effect":"Allow","Action":"*","NotResource":"*"}]}`, false, "no statement allows every action on every resource"},
		{"NotAction star grants nothing", `{"Statement":[{"Effect":"Allow","NotAction":["s3:GetObject","*"],"Resource":"*"}]}`, false, "no statement allows every action on every resource"},
		{"empty resource list", `{"Statement":[{"Effect":"Allow","Action":"*","Resource":[]}]}`, false, "no statement allows every action on every resource"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, reason := IsAdmin(mustParse(t, tt.doc))
			if got != tt.want || reason != tt.wantReason {
				t.Errorf("IsAdmin = %v, %q; want %v, %q", got, reason, tt.want, tt.wantReason)
			}
		})
	}
	if got, _ := IsAdmin(nil); got {
		t.Error("IsAdmin(nil) = true")
	}
}

func TestServiceWildcards(t *testing.T) {
	tests := []struct {
		name, doc string
		want      []string
	}{
		{"one", `{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}`, []string{"s3:*"}},
		{"sorted deduped lowercased", `{"Statement":[{"Effect":"Allow","Action":["S3:*","iam:*","ec2:Describe*"],"Resource":"arn:aws:s3:::b"},{"Effect":"Allow","Action":["s3:**","kms:*"],"Resource":"*"}]}`, []string{"iam:*", "kms:*", "s3:*"}},
		{"admin is not a service wildcard", `{"Statement":[{"Effect":"Allow","Action":["*","*:*"],"Resource":"*"}]}`, nil},
		{"prefix wildcard is not", `{"Statement":[{"Effect":"Allow","Action":["s3:Get*","s?:*","*3:*"],"Resource":"*"}]}`, nil},
		{"deny statements are not grants", `{"Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*"}]}`, nil},
		{"denied service dropped", `{"Statement":[{"Effect":"Allow","Action":["s3:*","iam:*"],"Resource":"*"},{"Effect":"Deny","Action":"iam:*","Resource":"*"}]}`, []string{"s3:*"}},
		{"denied by NotAction of other services", `{"Statement":[{"Effect":"Allow","Action":["s3:*","iam:*"],"Resource":"*"},{"Effect":"Deny","NotAction":"s3:*","Resource":"*"}]}`, []string{"s3:*"}},
		{"conditional deny keeps it", `{"Statement":[{"Effect":"Allow","Action":"iam:*","Resource":"*"},{"Effect":"Deny","Action":"iam:*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"false"}}}]}`, []string{"iam:*"}},
		{"partial deny keeps it", `{"Statement":[{"Effect":"Allow","Action":"iam:*","Resource":"*"},{"Effect":"Deny","Action":"iam:Delete*","Resource":"*"}]}`, []string{"iam:*"}},
		{"NotAction allow is not listed", `{"Statement":[{"Effect":"Allow","NotAction":"s3:*","Resource":"*"}]}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, ServiceWildcards(mustParse(t, tt.doc))); diff != "" {
				t.Errorf("ServiceWildcards (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPrivilegeEscalations(t *testing.T) {
	names := func(es []Escalation) []string {
		var out []string
		for _, e := range es {
			out = append(out, e.Name)
		}
		return out
	}
	tests := []struct {
		name, doc string
		want      []string
	}{
		{"none", `{"Statement":[{"Effect":"Allow","Action":["s3:GetObject","iam:Get*","iam:List*"],"Resource":"*"}]}`, nil},
		{"create policy version", `{"Statement":[{"Effect":"Allow","Action":"iam:CreatePolicyVersion","Resource":"arn:aws:iam::111122223333:policy/p"}]}`, []string{"iam:CreatePolicyVersion"}},
		{"case-insensitive", `{"Statement":[{"Effect":"Allow","Action":"IAM:createaccesskey","Resource":"*"}]}`, []string{"iam:CreateAccessKey"}},
		{"pass role alone is not a path", `{"Statement":[{"Effect":"Allow","Action":"iam:PassRole","Resource":"*"}]}`, nil},
		{"pass role + run instances across statements", `{"Statement":[{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::111122223333:role/r"},{"Effect":"Allow","Action":"ec2:RunInstances","Resource":"*"}]}`, []string{"iam:PassRole+ec2:RunInstances"}},
		{"lambda paths", `{"Statement":[{"Effect":"Allow","Action":["iam:PassRole","lambda:CreateFunction","lambda:InvokeFunction","lambda:CreateEventSourceMapping"],"Resource":"*"}]}`, []string{"iam:PassRole+lambda:CreateFunction+lambda:InvokeFunction", "iam:PassRole+lambda:CreateFunction+lambda:CreateEventSourceMapping"}},
		{"lambda create without invoke", `{"Statement":[{"Effect":"Allow","Action":["iam:PassRole","lambda:CreateFunction"],"Resource":"*"}]}`, nil},
		{"update assume role needs assume", `{"Statement":[{"Effect":"Allow","Action":"iam:UpdateAssumeRolePolicy","Resource":"*"}]}`, nil},
		{"update assume role + assume", `{"Statement":[{"Effect":"Allow","Action":["iam:UpdateAssumeRolePolicy","sts:AssumeRole"],"Resource":"*"}]}`, []string{"iam:UpdateAssumeRolePolicy+sts:AssumeRole"}},
		{"wildcards", `{"Statement":[{"Effect":"Allow","Action":["iam:Put*Policy","iam:Attach*"],"Resource":"*"}]}`, []string{"iam:AttachUserPolicy", "iam:AttachGroupPolicy", "iam:AttachRolePolicy", "iam:PutUserPolicy", "iam:PutGroupPolicy", "iam:PutRolePolicy"}},
		{"login profiles and groups", `{"Statement":[{"Effect":"Allow","Action":["iam:*LoginProfile","iam:AddUserToGroup","iam:SetDefaultPolicyVersion"],"Resource":"*"}]}`, []string{"iam:SetDefaultPolicyVersion", "iam:CreateLoginProfile", "iam:UpdateLoginProfile", "iam:AddUserToGroup"}},
		{"other pass role paths", `{"Statement":[{"Effect":"Allow","Action":["iam:PassRole","cloudformation:CreateStack","glue:CreateDevEndpoint","datapipeline:CreatePipeline","datapipeline:PutPipelineDefinition","ecs:RegisterTaskDefinition","ecs:RunTask"],"Resource":"*"}]}`,
			[]string{"iam:PassRole+cloudformation:CreateStack", "iam:PassRole+glue:CreateDevEndpoint", "iam:PassRole+datapipeline:CreatePipeline+datapipeline:PutPipelineDefinition", "iam:PassRole+ecs:RegisterTaskDefinition+ecs:RunTask"}},
		{"update function code", `{"Statement":[{"Effect":"Allow","Action":"lambda:UpdateFunctionCode","Resource":"arn:aws:lambda:us-east-1:111122223333:function:f"}]}`, []string{"lambda:UpdateFunctionCode"}},
		{"denied", `{"Statement":[{"Effect":"Allow","Action":"iam:*","Resource":"*"},{"Effect":"Deny","Action":"iam:*","Resource":"*"}]}`, nil},
		{"deny on one resource does not block", `{"Statement":[{"Effect":"Allow","Action":"iam:CreateAccessKey","Resource":"*"},{"Effect":"Deny","Action":"iam:CreateAccessKey","Resource":"arn:aws:iam::111122223333:user/admin"}]}`, []string{"iam:CreateAccessKey"}},
		{"conditional deny does not block", `{"Statement":[{"Effect":"Allow","Action":"iam:CreateAccessKey","Resource":"*"},{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"false"}}}]}`, []string{"iam:CreateAccessKey"}},
		{"NotAction allow", `{"Statement":[{"Effect":"Allow","NotAction":["iam:*","lambda:*","glue:*","ec2:*","cloudformation:*","datapipeline:*","ecs:*","codebuild:*","sagemaker:*"],"Resource":"*"}]}`, nil},
		{"deny statements only", `{"Statement":[{"Effect":"Deny","Action":"iam:CreateAccessKey","Resource":"*"}]}`, nil},
		{"NotResource star grants nothing", `{"Statement":[{"Effect":"Allow","Action":"iam:CreateAccessKey","NotResource":"*"}]}`, nil},
		{"NotResource grants the rest", `{"Statement":[{"Effect":"Allow","Action":"iam:CreateAccessKey","NotResource":"arn:aws:iam::111122223333:user/admin"}]}`, []string{"iam:CreateAccessKey"}},
		{"no resource element", `{"Statement":[{"Effect":"Allow","Action":"iam:CreateAccessKey"}]}`, []string{"iam:CreateAccessKey"}},
		{"empty resource list grants nothing", `{"Statement":[{"Effect":"Allow","Action":"iam:CreateAccessKey","Resource":[]}]}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, names(PrivilegeEscalations(mustParse(t, tt.doc)))); diff != "" {
				t.Errorf("PrivilegeEscalations (-want +got):\n%s", diff)
			}
		})
	}
	// An administrator has every path; Actions are the path's actions.
	all := PrivilegeEscalations(mustParse(t, `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`))
	if len(all) != len(escalationPaths) {
		t.Errorf("admin has %d paths, want %d", len(all), len(escalationPaths))
	}
	if diff := cmp.Diff(Escalation{Name: "iam:PassRole+ec2:RunInstances", Actions: []string{"iam:PassRole", "ec2:RunInstances"}}, all[13]); diff != "" {
		t.Errorf("path 13 (-want +got):\n%s", diff)
	}
	if PrivilegeEscalations(nil) != nil {
		t.Error("PrivilegeEscalations(nil) != nil")
	}
}
