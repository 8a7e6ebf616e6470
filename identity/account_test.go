package identity

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/account"
	accounttypes "github.com/aws/aws-sdk-go-v2/service/account/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/google/go-cmp/cmp"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/internal/fakeaws"
)

func setContact(a *fakeaws.Account, typ accounttypes.AlternateContactType, email string) {
	if a.AccountSvc.AlternateContacts == nil {
		a.AccountSvc.AlternateContacts = map[accounttypes.AlternateContactType]accounttypes.AlternateContact{}
	}
	a.AccountSvc.AlternateContacts[typ] = accounttypes.AlternateContact{AlternateContactType: typ, Name: aws.String("Team"), Title: aws.String("Lead"), EmailAddress: aws.String(email), PhoneNumber: aws.String("+1-555-0100")}
}

func TestCheckSecurityContact(t *testing.T) {
	tests := []struct {
		name    string
		setup   func(a *fakeaws.Account)
		want    secpillar.Status
		wantErr bool
	}{
		{"registered", func(a *fakeaws.Account) { setContact(a, accounttypes.AlternateContactTypeSecurity, "sec@example.com") }, secpillar.StatusPass, false},
		{"only billing", func(a *fakeaws.Account) { setContact(a, accounttypes.AlternateContactTypeBilling, "bill@example.com") }, secpillar.StatusFail, false},
		{"no email", func(a *fakeaws.Account) {
			respond(a, "Account", "GetAlternateContact", &account.GetAlternateContactOutput{AlternateContact: &accounttypes.AlternateContact{Name: aws.String("x")}}, nil)
		}, secpillar.StatusFail, false},
		{"access denied", func(a *fakeaws.Account) { a.DenyAccess("Account", "GetAlternateContact", "") }, "", true},
		{"nil contact", func(a *fakeaws.Account) {
			respond(a, "Account", "GetAlternateContact", &account.GetAlternateContactOutput{}, nil)
		}, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			acct := newAccount()
			tt.setup(acct)
			f, err := CheckSecurityContact(context.Background(), account.NewFromConfig(acct.Config()))
			if tt.wantErr {
				if err == nil {
					t.Fatalf("want error, got %+v", f)
				}
				return
			}
			if err != nil || f.Status != tt.want {
				t.Fatalf("finding = %+v, %v; want %s", f, err, tt.want)
			}
		})
	}
}

func TestRemediateSecurityContact(t *testing.T) {
	ctx := context.Background()
	c := SecurityContact{Name: "Security", Title: "CISO", Email: "security@example.com", Phone: "+1-555-0199"}
	acct := newAccount()
	setContact(acct, accounttypes.AlternateContactTypeBilling, "bill@example.com")
	api := account.NewFromConfig(acct.Config())
	plan, err := RemediateSecurityContact(ctx, api, c, secpillar.DryRun)
	if err != nil || plan.Outcome != secpillar.OutcomePlanned || len(plan.Changes) != 4 || acct.CallCount("Account", "PutAlternateContact") != 0 {
		t.Fatalf("plan = %+v, %v", plan, err)
	}
	rem, err := RemediateSecurityContact(ctx, api, c)
	if err != nil || rem.Outcome != secpillar.OutcomeChanged {
		t.Fatalf("remediation = %+v, %v", rem, err)
	}
	again, err := RemediateSecurityContact(ctx, api, c)
	if err != nil || again.Outcome != secpillar.OutcomeCompliant || acct.CallCount("Account", "PutAlternateContact") != 1 {
		t.Fatalf("second run = %+v, %v", again, err)
	}
	if got := aws.ToString(acct.AccountSvc.AlternateContacts[accounttypes.AlternateContactTypeBilling].EmailAddress); got != "bill@example.com" {
		t.Errorf("billing contact changed: %s", got)
	}
	for _, bad := range []SecurityContact{{}, {Name: "a", Title: "b", Email: "not an address", Phone: "1"}} {
		fresh := newAccount()
		if _, err := RemediateSecurityContact(ctx, account.NewFromConfig(fresh.Config()), bad); err == nil || len(fresh.Calls()) != 0 {
			t.Errorf("%+v: error %v, calls %v", bad, err, fresh.Calls())
		}
	}
}

func TestCheckSTSGlobalTokens(t *testing.T) {
	tests := []struct {
		name    string
		setup   func(a *fakeaws.Account)
		want    secpillar.Status
		wantErr bool
	}{
		{"v2", func(a *fakeaws.Account) { a.IAM.GlobalEndpointTokenVersion = 2 }, secpillar.StatusPass, false},
		{"v1", func(a *fakeaws.Account) { a.IAM.GlobalEndpointTokenVersion = 1 }, secpillar.StatusFail, false},
		{"default is v1", func(a *fakeaws.Account) {}, secpillar.StatusFail, false},
		{"access denied", func(a *fakeaws.Account) { a.DenyAccess("IAM", "GetAccountSummary", "") }, "", true},
		{"key missing", func(a *fakeaws.Account) {
			respond(a, "IAM", "GetAccountSummary", &iam.GetAccountSummaryOutput{SummaryMap: map[string]int32{"Users": 1}}, nil)
		}, "", true},
		{"unknown version", func(a *fakeaws.Account) {
			respond(a, "IAM", "GetAccountSummary", &iam.GetAccountSummaryOutput{SummaryMap: map[string]int32{"GlobalEndpointTokenVersion": 3}}, nil)
		}, "", true},
		{"nil map", func(a *fakeaws.Account) { respond(a, "IAM", "GetAccountSummary", &iam.GetAccountSummaryOutput{}, nil) }, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			acct := newAccount()
			tt.setup(acct)
			f, err := CheckSTSGlobalTokens(context.Background(), iam.NewFromConfig(acct.Config()))
			if tt.wantErr {
				if err == nil {
					t.Fatalf("want error, got %+v", f)
				}
				return
			}
			if err != nil || f.Status != tt.want {
				t.Fatalf("finding = %+v, %v; want %s", f, err, tt.want)
			}
		})
	}
}

func TestRemediateSTSGlobalTokens(t *testing.T) {
	ctx := context.Background()
	acct := newAccount()
	api := iam.NewFromConfig(acct.Config())
	plan, err := RemediateSTSGlobalTokens(ctx, api, secpillar.DryRun)
	want := []secpillar.Change{{Resource: secpillar.AccountResource(""), Action: "iam:SetSecurityTokenServicePreferences", Field: "GlobalEndpointTokenVersion", Before: "v1Token", After: "v2Token"}}
	if err != nil || plan.Outcome != secpillar.OutcomePlanned || !cmp.Equal(want, plan.Changes) || acct.IAM.GlobalEndpointTokenVersion != 0 {
		t.Fatalf("plan = %+v, %v", plan, err)
	}
	rem, err := RemediateSTSGlobalTokens(ctx, api)
	if err != nil || rem.Outcome != secpillar.OutcomeChanged || acct.IAM.GlobalEndpointTokenVersion != 2 {
		t.Fatalf("remediation = %+v, %v", rem, err)
	}
	again, err := RemediateSTSGlobalTokens(ctx, api)
	if err != nil || again.Outcome != secpillar.OutcomeCompliant || acct.CallCount("IAM", "SetSecurityTokenServicePreferences") != 1 {
		t.Fatalf("second run = %+v, %v", again, err)
	}
	denied := newAccount()
	denied.DenyAccess("IAM", "SetSecurityTokenServicePreferences", "")
	if _, err := RemediateSTSGlobalTokens(ctx, iam.NewFromConfig(denied.Config())); err == nil {
		t.Error("want error when the write is denied")
	}
}
