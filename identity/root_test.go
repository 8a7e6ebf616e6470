package identity

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/google/go-cmp/cmp"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/internal/fakeaws"
)

func TestCheckRootMFA(t *testing.T) {
	tests := []struct {
		name    string
		setup   func(a *fakeaws.Account)
		want    secpillar.Status
		wantErr bool
	}{
		{name: "mfa", setup: func(a *fakeaws.Account) { a.IAM.Root.PasswordEnabled = true; a.IAM.Root.MFAActive = true }, want: secpillar.StatusPass},
		{name: "no credentials (central root management)", setup: func(a *fakeaws.Account) {}, want: secpillar.StatusPass},
		{name: "password without mfa", setup: func(a *fakeaws.Account) { a.IAM.Root.PasswordEnabled = true }, want: secpillar.StatusFail},
		{name: "keys only without mfa", setup: func(a *fakeaws.Account) { a.IAM.Root.AccessKeys = []fakeaws.RootKey{{Active: true, Rotated: days(10)}} }, want: secpillar.StatusFail},
		{name: "signing certificate without mfa", setup: func(a *fakeaws.Account) { a.IAM.Root.SigningCerts = 1 }, want: secpillar.StatusFail},
		{name: "password presence unknown", setup: func(a *fakeaws.Account) {
			respond(a, "IAM", "GetAccountSummary", &iam.GetAccountSummaryOutput{SummaryMap: map[string]int32{"AccountMFAEnabled": 0, "AccountAccessKeysPresent": 0}}, nil)
		}, want: secpillar.StatusFail},
		{name: "access denied", setup: func(a *fakeaws.Account) { a.DenyAccess("IAM", "GetAccountSummary", "") }, wantErr: true},
		{name: "nil summary map", setup: func(a *fakeaws.Account) {
			respond(a, "IAM", "GetAccountSummary", &iam.GetAccountSummaryOutput{}, nil)
		}, wantErr: true},
		{name: "missing mfa key", setup: func(a *fakeaws.Account) {
			respond(a, "IAM", "GetAccountSummary", &iam.GetAccountSummaryOutput{SummaryMap: map[string]int32{"AccountAccessKeysPresent": 0}}, nil)
		}, wantErr: true},
		{name: "unknown flag value", setup: func(a *fakeaws.Account) {
			respond(a, "IAM", "GetAccountSummary", &iam.GetAccountSummaryOutput{SummaryMap: map[string]int32{"AccountMFAEnabled": 2, "AccountAccessKeysPresent": 0}}, nil)
		}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			acct := newAccount()
			tt.setup(acct)
			f, err := CheckRootMFA(context.Background(), iam.NewFromConfig(acct.Config()))
			if tt.wantErr {
				if err == nil {
					t.Fatalf("want error, got %+v", f)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if f.Status != tt.want || f.Control != ControlRootMFAEnabled || f.Reason == "" {
				t.Errorf("finding = %+v, want status %s", f, tt.want)
			}
		})
	}
}

func TestCheckRootMFAEvidence(t *testing.T) {
	acct := newAccount()
	f, err := CheckRootMFA(context.Background(), iam.NewFromConfig(acct.Config()))
	if err != nil {
		t.Fatal(err)
	}
	want := secpillar.Finding{
		Control:  ControlRootMFAEnabled,
		Status:   secpillar.StatusPass,
		Severity: secpillar.SeverityCritical,
		Resource: secpillar.AccountResource(""),
		Reason:   "The root user has no credentials (no password, access keys or signing certificates), as under centralised root management; it cannot sign in.",
		Evidence: map[string]string{"account_mfa_enabled": "false", "account_access_keys_present": "false", "account_password_present": "false", "account_signing_certificates": "false"},
	}
	if diff := cmp.Diff(want, f); diff != "" {
		t.Errorf("finding (-want +got):\n%s", diff)
	}
}
