package identity

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/internal/fakeaws"
)

func inOrg(a *fakeaws.Account, fs orgtypes.OrganizationFeatureSet, management string) {
	a.Organizations.Organization = &orgtypes.Organization{Id: ptr("o-abc123"), FeatureSet: fs, MasterAccountId: ptr(management),
		Arn: ptr("arn:aws:organizations::" + management + ":organization/o-abc123")}
}

func TestCheckOrganizationsMember(t *testing.T) {
	tests := []struct {
		name    string
		setup   func(a *fakeaws.Account)
		want    secpillar.Status
		wantErr string
	}{
		{"all features", func(a *fakeaws.Account) { inOrg(a, orgtypes.OrganizationFeatureSetAll, "999900001111") }, secpillar.StatusPass, ""},
		{"consolidated billing", func(a *fakeaws.Account) { inOrg(a, orgtypes.OrganizationFeatureSetConsolidatedBilling, "999900001111") }, secpillar.StatusFail, ""},
		{"no organization", func(a *fakeaws.Account) {}, secpillar.StatusFail, ""},
		{"access denied", func(a *fakeaws.Account) { a.DenyAccess("Organizations", "DescribeOrganization", "") }, "", "the organization cannot be read"},
		{"nil organization", func(a *fakeaws.Account) {
			respond(a, "Organizations", "DescribeOrganization", &organizations.DescribeOrganizationOutput{}, nil)
		}, "", "no Organization"},
		{"unknown feature set", func(a *fakeaws.Account) { inOrg(a, "SOME_FEATURES", "999900001111") }, "", `unknown feature set "SOME_FEATURES"`},
		{"missing feature set", func(a *fakeaws.Account) { inOrg(a, "", "999900001111") }, "", "no FeatureSet"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			acct := newAccount()
			tt.setup(acct)
			f, err := CheckOrganizationsMember(context.Background(), organizations.NewFromConfig(acct.Config()))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || f.Status != tt.want {
				t.Fatalf("finding = %+v, %v; want %s", f, err, tt.want)
			}
		})
	}
}

// managementAccount is the management account of an organization with all
// features.
func managementAccount(trustedIAM bool, features ...string) *fakeaws.Account {
	acct := newAccount()
	inOrg(acct, orgtypes.OrganizationFeatureSetAll, testAccount)
	if trustedIAM {
		acct.Organizations.ServiceAccess = []orgtypes.EnabledServicePrincipal{{ServicePrincipal: ptr("iam.amazonaws.com")}}
	}
	acct.Organizations.RootFeatures = features
	return acct
}

func TestCheckCentralRootManagement(t *testing.T) {
	tests := []struct {
		name    string
		acct    func() *fakeaws.Account
		want    secpillar.Status
		wantErr string
	}{
		{"enabled", func() *fakeaws.Account { return managementAccount(true, "RootCredentialsManagement", "RootSessions") }, secpillar.StatusPass, ""},
		{"sessions only", func() *fakeaws.Account { return managementAccount(true, "RootSessions") }, secpillar.StatusFail, ""},
		{"no trusted access", func() *fakeaws.Account { return managementAccount(false) }, secpillar.StatusFail, ""},
		{"no organization", newAccount, secpillar.StatusFail, ""},
		{"member account", func() *fakeaws.Account {
			a := managementAccount(true, "RootCredentialsManagement")
			a.Organizations.Organization.MasterAccountId = ptr("999900001111")
			return a
		}, "", "cannot be read from this account"},
		{"access denied", func() *fakeaws.Account {
			a := managementAccount(true)
			a.DenyAccess("IAM", "ListOrganizationsFeatures", "")
			return a
		}, "", "explicit deny"},
		{"unknown feature", func() *fakeaws.Account {
			a := managementAccount(true)
			respond(a, "IAM", "ListOrganizationsFeatures", &iam.ListOrganizationsFeaturesOutput{EnabledFeatures: []iamtypes.FeatureType{"RootTeleport"}}, nil)
			return a
		}, "", `unknown feature "RootTeleport"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			acct := tt.acct()
			f, err := CheckCentralRootManagement(context.Background(), iam.NewFromConfig(acct.Config()))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || f.Status != tt.want {
				t.Fatalf("finding = %+v, %v; want %s", f, err, tt.want)
			}
		})
	}
}

func TestRemediateCentralRootManagement(t *testing.T) {
	ctx := context.Background()
	t.Run("enables trusted access and the feature, keeps other features", func(t *testing.T) {
		acct := managementAccount(false)
		acct.Organizations.ServiceAccess = []orgtypes.EnabledServicePrincipal{{ServicePrincipal: ptr("config.amazonaws.com")}}
		api, org := iam.NewFromConfig(acct.Config()), organizations.NewFromConfig(acct.Config())
		plan, err := RemediateCentralRootManagement(ctx, api, org, secpillar.DryRun)
		if err != nil || plan.Outcome != secpillar.OutcomePlanned || len(plan.Changes) != 2 {
			t.Fatalf("plan = %+v, %v", plan, err)
		}
		if acct.CallCount("Organizations", "EnableAWSServiceAccess")+acct.CallCount("IAM", "EnableOrganizationsRootCredentialsManagement") != 0 {
			t.Fatal("dry run wrote")
		}
		rem, err := RemediateCentralRootManagement(ctx, api, org)
		if err != nil || rem.Outcome != secpillar.OutcomeChanged {
			t.Fatalf("remediation = %+v, %v", rem, err)
		}
		if len(acct.Organizations.ServiceAccess) != 2 {
			t.Errorf("service access = %+v, want config and iam", acct.Organizations.ServiceAccess)
		}
		f, err := CheckCentralRootManagement(ctx, api)
		if err != nil || f.Status != secpillar.StatusPass {
			t.Errorf("check after = %+v, %v", f, err)
		}
		again, err := RemediateCentralRootManagement(ctx, api, org)
		if err != nil || again.Outcome != secpillar.OutcomeCompliant || acct.CallCount("IAM", "EnableOrganizationsRootCredentialsManagement") != 1 {
			t.Fatalf("second run = %+v, %v", again, err)
		}
	})
	t.Run("keeps root sessions", func(t *testing.T) {
		acct := managementAccount(true, "RootSessions")
		rem, err := RemediateCentralRootManagement(ctx, iam.NewFromConfig(acct.Config()), nil)
		if err != nil || rem.Outcome != secpillar.OutcomeChanged || len(rem.Changes) != 1 {
			t.Fatalf("remediation = %+v, %v", rem, err)
		}
		if got := strings.Join(acct.Organizations.RootFeatures, ","); got != "RootSessions,RootCredentialsManagement" {
			t.Errorf("features = %s", got)
		}
	})
	t.Run("not in an organization", func(t *testing.T) {
		acct := newAccount()
		if _, err := RemediateCentralRootManagement(ctx, iam.NewFromConfig(acct.Config()), organizations.NewFromConfig(acct.Config())); err == nil {
			t.Fatal("want error")
		}
	})
	t.Run("write denied", func(t *testing.T) {
		acct := managementAccount(true)
		acct.DenyAccess("IAM", "EnableOrganizationsRootCredentialsManagement", "")
		if _, err := RemediateCentralRootManagement(ctx, iam.NewFromConfig(acct.Config()), nil); err == nil {
			t.Fatal("want error")
		}
	})
}
