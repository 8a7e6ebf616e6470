package fakeaws_test

import (
	"context"
	"encoding/csv"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/google/go-cmp/cmp"

	"github.com/secpillar/secpillar/internal/fakeaws"
)

var t0 = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

func newIAMAccount() (*fakeaws.Account, *iam.Client) {
	acct := fakeaws.New("111122223333")
	acct.Now = func() time.Time { return t0 }
	return acct, iam.NewFromConfig(acct.Config())
}

func TestIAMPasswordPolicyReplacedWhole(t *testing.T) {
	acct, c := newIAMAccount()
	ctx := context.Background()
	_, err := c.GetAccountPasswordPolicy(ctx, &iam.GetAccountPasswordPolicyInput{})
	var nse *iamtypes.NoSuchEntityException
	if !errors.As(err, &nse) {
		t.Fatalf("want NoSuchEntityException without a policy, got %v", err)
	}
	if _, err := c.UpdateAccountPasswordPolicy(ctx, &iam.UpdateAccountPasswordPolicyInput{MinimumPasswordLength: aws.Int32(14), RequireSymbols: true, PasswordReusePrevention: aws.Int32(24)}); err != nil {
		t.Fatal(err)
	}
	// A second update without RequireSymbols turns it off: Update replaces.
	if _, err := c.UpdateAccountPasswordPolicy(ctx, &iam.UpdateAccountPasswordPolicyInput{MinimumPasswordLength: aws.Int32(16)}); err != nil {
		t.Fatal(err)
	}
	out, err := c.GetAccountPasswordPolicy(ctx, &iam.GetAccountPasswordPolicyInput{})
	if err != nil {
		t.Fatal(err)
	}
	p := out.PasswordPolicy
	if aws.ToInt32(p.MinimumPasswordLength) != 16 || p.RequireSymbols || p.PasswordReusePrevention != nil {
		t.Errorf("policy = %+v, want length 16 and every other setting back to its default", p)
	}
	if acct.CallCount("IAM", "UpdateAccountPasswordPolicy") != 2 {
		t.Errorf("calls = %v", acct.CallCounts())
	}
}

func TestIAMCredentialReportStates(t *testing.T) {
	acct, c := newIAMAccount()
	ctx := context.Background()
	u := acct.IAM.AddUser("alice", t0.AddDate(-1, 0, 0))
	used := t0.AddDate(0, 0, -3)
	u.SetPassword(t0.AddDate(0, -2, 0), &used)
	u.AddAccessKey("AKIAALICE00000000001", iamtypes.StatusTypeActive, t0.AddDate(0, -6, 0), nil)
	acct.IAM.Root.PasswordEnabled = true
	acct.IAM.Root.MFAActive = true

	_, err := c.GetCredentialReport(ctx, &iam.GetCredentialReportInput{})
	var np *iamtypes.CredentialReportNotPresentException
	if !errors.As(err, &np) {
		t.Fatalf("before generation: want CredentialReportNotPresentException, got %v", err)
	}
	var states []iamtypes.ReportStateType
	for i := 0; i < 3; i++ {
		out, err := c.GenerateCredentialReport(ctx, &iam.GenerateCredentialReportInput{})
		if err != nil {
			t.Fatal(err)
		}
		states = append(states, out.State)
	}
	want := []iamtypes.ReportStateType{iamtypes.ReportStateTypeStarted, iamtypes.ReportStateTypeInprogress, iamtypes.ReportStateTypeComplete}
	if diff := cmp.Diff(want, states); diff != "" {
		t.Errorf("states (-want +got):\n%s", diff)
	}
	out, err := c.GetCredentialReport(ctx, &iam.GetCredentialReportInput{})
	if err != nil {
		t.Fatal(err)
	}
	if !aws.ToTime(out.GeneratedTime).Equal(t0) {
		t.Errorf("GeneratedTime = %v, want %v", out.GeneratedTime, t0)
	}
	recs, err := csv.NewReader(strings.NewReader(string(out.Content))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(fakeaws.CredentialReportColumns, recs[0]); diff != "" {
		t.Errorf("header (-want +got):\n%s", diff)
	}
	if len(recs) != 3 || recs[1][0] != "<root_account>" || recs[1][3] != "not_supported" || recs[1][7] != "true" {
		t.Errorf("root row = %v", recs[1])
	}
	alice := recs[2]
	if alice[0] != "alice" || alice[3] != "true" || alice[4] != "2026-05-29T12:00:00+00:00" || alice[8] != "true" || alice[10] != "N/A" || alice[13] != "false" {
		t.Errorf("alice row = %v", alice)
	}

	// Four hours later the report has expired; Generate builds a new one.
	later := t0.Add(5 * time.Hour)
	acct.Now = func() time.Time { return later }
	_, err = c.GetCredentialReport(ctx, &iam.GetCredentialReportInput{})
	var ex *iamtypes.CredentialReportExpiredException
	if !errors.As(err, &ex) {
		t.Fatalf("after four hours: want CredentialReportExpiredException, got %v", err)
	}
	if out, err := c.GenerateCredentialReport(ctx, &iam.GenerateCredentialReportInput{}); err != nil || out.State != iamtypes.ReportStateTypeStarted {
		t.Fatalf("regenerate = %+v, %v; want STARTED", out, err)
	}

	// While a new report is generated, Get says it is not ready.
	acct.IAM.ExpireCredentialReport()
	if _, err := c.GenerateCredentialReport(ctx, &iam.GenerateCredentialReportInput{}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetCredentialReport(ctx, &iam.GetCredentialReportInput{})
	var nr *iamtypes.CredentialReportNotReadyException
	if !errors.As(err, &nr) {
		t.Fatalf("during generation: want CredentialReportNotReadyException, got %v", err)
	}
}

func TestIAMAuthorizationDetailsEncodedAndPaginated(t *testing.T) {
	acct, c := newIAMAccount()
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999988887777:root"},"Action":"sts:AssumeRole"}]}`
	for _, n := range []string{"a", "b", "c", "d"} {
		r := acct.IAM.AddRole("role-"+n, trust, t0)
		r.AttachedPolicies = []string{"arn:aws:iam::aws:policy/AdministratorAccess"}
		r.InlinePolicies = []fakeaws.NamedDocument{{Name: "inline", Document: `{"Statement":{"Effect":"Allow","Action":"s3:Get+Object","Resource":"*"}}`}}
	}
	acct.IAM.AddUser("u1", t0)
	acct.IAM.AddPolicy("custom", `{"Statement":[{"Effect":"Allow","Action":"ec2:*","Resource":"*"}]}`, t0)

	p := iam.NewGetAccountAuthorizationDetailsPaginator(c, &iam.GetAccountAuthorizationDetailsInput{})
	var roles, users, policies int
	pages := 0
	for p.HasMorePages() {
		out, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		pages++
		users += len(out.UserDetailList)
		policies += len(out.Policies)
		for _, r := range out.RoleDetailList {
			roles++
			doc := aws.ToString(r.AssumeRolePolicyDocument)
			if strings.ContainsAny(doc, `{":`) {
				t.Fatalf("trust policy not URL-encoded: %s", doc)
			}
			dec, err := url.PathUnescape(doc)
			if err != nil || dec != trust {
				t.Fatalf("decoded trust = %q, %v", dec, err)
			}
			in, _ := url.PathUnescape(aws.ToString(r.RolePolicyList[0].PolicyDocument))
			if !strings.Contains(in, "s3:Get+Object") {
				t.Errorf("a literal + must survive PathUnescape: %s", in)
			}
		}
	}
	// 4 roles, 1 user, 1 customer policy, AdministratorAccess (attached).
	if roles != 4 || users != 1 || policies != 2 || pages != 3 {
		t.Errorf("roles %d users %d policies %d pages %d", roles, users, policies, pages)
	}
}

func TestIAMAccessKeysAndMFA(t *testing.T) {
	acct, c := newIAMAccount()
	ctx := context.Background()
	u := acct.IAM.AddUser("bob", t0)
	u.AddAccessKey("AKIABOB0000000000001", iamtypes.StatusTypeActive, t0, nil)
	acct.IAM.AddUserMFA(u, true, t0)
	acct.IAM.Root.MFAActive = true
	acct.IAM.Root.MFASerial = fakeaws.RootVirtualMFASerial(acct.ID)

	if _, err := c.UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{UserName: aws.String("bob"), AccessKeyId: aws.String("AKIABOB0000000000001"), Status: iamtypes.StatusTypeInactive}); err != nil {
		t.Fatal(err)
	}
	keys, err := c.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: aws.String("bob")})
	if err != nil || keys.AccessKeyMetadata[0].Status != iamtypes.StatusTypeInactive {
		t.Fatalf("keys = %+v, %v", keys, err)
	}
	lu, err := c.GetAccessKeyLastUsed(ctx, &iam.GetAccessKeyLastUsedInput{AccessKeyId: aws.String("AKIABOB0000000000001")})
	if err != nil || lu.AccessKeyLastUsed.LastUsedDate != nil || aws.ToString(lu.AccessKeyLastUsed.ServiceName) != "N/A" {
		t.Fatalf("last used = %+v, %v", lu, err)
	}
	v, err := c.ListVirtualMFADevices(ctx, &iam.ListVirtualMFADevicesInput{})
	if err != nil {
		t.Fatal(err)
	}
	var users []string
	for _, d := range v.VirtualMFADevices {
		users = append(users, aws.ToString(d.User.Arn))
	}
	want := []string{"arn:aws:iam::111122223333:root", "arn:aws:iam::111122223333:user/bob"}
	if diff := cmp.Diff(want, users); diff != "" {
		t.Errorf("virtual MFA users (-want +got):\n%s", diff)
	}
	sum, err := c.GetAccountSummary(ctx, &iam.GetAccountSummaryInput{})
	if err != nil || sum.SummaryMap["AccountMFAEnabled"] != 1 || sum.SummaryMap["GlobalEndpointTokenVersion"] != 1 {
		t.Fatalf("summary = %v, %v", sum.SummaryMap, err)
	}
	if _, err := c.SetSecurityTokenServicePreferences(ctx, &iam.SetSecurityTokenServicePreferencesInput{GlobalEndpointTokenVersion: iamtypes.GlobalEndpointTokenVersionV2Token}); err != nil {
		t.Fatal(err)
	}
	sum, _ = c.GetAccountSummary(ctx, &iam.GetAccountSummaryInput{})
	if sum.SummaryMap["GlobalEndpointTokenVersion"] != 2 {
		t.Errorf("token version = %d, want 2", sum.SummaryMap["GlobalEndpointTokenVersion"])
	}
}

func TestIAMCreateRoleAttachAndList(t *testing.T) {
	acct, c := newIAMAccount()
	ctx := context.Background()
	_, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("support"), AssumeRolePolicyDocument: aws.String(`{"Statement":[]}`)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("support"), PolicyArn: aws.String("arn:aws:iam::aws:policy/AWSSupportAccess")}); err != nil {
		t.Fatal(err)
	}
	ents, err := c.ListEntitiesForPolicy(ctx, &iam.ListEntitiesForPolicyInput{PolicyArn: aws.String("arn:aws:iam::aws:policy/AWSSupportAccess")})
	if err != nil || len(ents.PolicyRoles) != 1 || aws.ToString(ents.PolicyRoles[0].RoleName) != "support" {
		t.Fatalf("entities = %+v, %v", ents, err)
	}
	ap, err := c.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String("support")})
	if err != nil || len(ap.AttachedPolicies) != 1 {
		t.Fatalf("attached = %+v, %v", ap, err)
	}
	_, err = c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("support"), AssumeRolePolicyDocument: aws.String(`{}`)})
	var exists *iamtypes.EntityAlreadyExistsException
	if !errors.As(err, &exists) {
		t.Errorf("duplicate role: want EntityAlreadyExistsException, got %v", err)
	}
	_ = acct
}
