package identity

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/google/go-cmp/cmp"

	"github.com/secpillar/secpillar/internal/fakeaws"
)

func trustOf(principal, condition string) string {
	c := ""
	if condition != "" {
		c = `,"Condition":` + condition
	}
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":` + principal + `,"Action":"sts:AssumeRole"` + c + `}]}`
}

func trustAccount() *fakeaws.Account {
	acct := newAccount()
	f := acct.IAM
	f.AddRole("service", svcTrust, days(1))
	f.AddRole("own", trustOf(`{"AWS":"arn:aws:iam::111122223333:root"}`, ""), days(1))
	f.AddRole("star", trustOf(`"*"`, ""), days(1))
	f.AddRole("star-org", trustOf(`{"AWS":"*"}`, `{"StringEquals":{"aws:PrincipalOrgID":"o-abc123"}}`), days(1))
	f.AddRole("web", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"accounts.google.com"},"Action":"sts:AssumeRoleWithWebIdentity"}]}`, days(1))
	f.AddRole("partner", trustOf(`{"AWS":"arn:aws:iam::444455556666:role/deployer"}`, ""), days(1))
	f.AddRole("partner-ext", trustOf(`{"AWS":"444455556666"}`, `{"StringEquals":{"sts:ExternalId":"s3cr3t"}}`), days(1))
	f.AddRole("sibling", trustOf(`{"AWS":"arn:aws:iam::999900001111:root"}`, ""), days(1))
	return acct
}

func TestCheckRoleTrustNotPublic(t *testing.T) {
	acct := trustAccount()
	fs, err := CheckRoleTrustNotPublic(context.Background(), iam.NewFromConfig(acct.Config()))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"own=PASS", "partner-ext=PASS", "partner=PASS", "service=PASS", "sibling=PASS", "star-org=PASS", "star=FAIL", "web=FAIL"}
	if diff := cmp.Diff(want, statuses(fs)); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}
	for _, ft := range authzFaults {
		t.Run(ft.name, func(t *testing.T) {
			acct := trustAccount()
			ft.setup(acct)
			if _, err := CheckRoleTrustNotPublic(context.Background(), iam.NewFromConfig(acct.Config())); err == nil {
				t.Fatal("want error")
			}
		})
	}
	t.Run("no roles", func(t *testing.T) {
		fs, err := CheckRoleTrustNotPublic(context.Background(), iam.NewFromConfig(newAccount().Config()))
		if err != nil || !cmp.Equal([]string{"account=NOT_APPLICABLE"}, statuses(fs)) {
			t.Fatalf("findings = %v, %v", statuses(fs), err)
		}
	})
	t.Run("nil trust policy", func(t *testing.T) {
		acct := newAccount()
		respond(acct, "IAM", "GetAccountAuthorizationDetails", &iam.GetAccountAuthorizationDetailsOutput{RoleDetailList: []iamtypes.RoleDetail{{
			RoleName: ptr("r"), Arn: ptr("arn:aws:iam::111122223333:role/r")}}}, nil)
		for _, check := range []func() error{
			func() error {
				_, err := CheckRoleTrustNotPublic(context.Background(), iam.NewFromConfig(acct.Config()))
				return err
			},
			func() error {
				_, err := CheckCrossAccountTrustExternalID(context.Background(), iam.NewFromConfig(acct.Config()), nil)
				return err
			},
		} {
			if err := check(); err == nil || !strings.Contains(err.Error(), "role r") {
				t.Errorf("error = %v, want one naming the role", err)
			}
		}
	})
	t.Run("malformed trust policy", func(t *testing.T) {
		acct := newAccount()
		acct.IAM.AddRole("broken", `{"Statement":"nope"}`, days(1))
		if _, err := CheckRoleTrustNotPublic(context.Background(), iam.NewFromConfig(acct.Config())); err == nil || !strings.Contains(err.Error(), "broken") {
			t.Fatalf("error = %v, want one naming the role", err)
		}
	})
}

func TestCheckCrossAccountTrustExternalID(t *testing.T) {
	orgWith := func(a *fakeaws.Account, accounts ...string) {
		a.Organizations.Organization = &orgtypes.Organization{Id: ptr("o-abc123"), FeatureSet: orgtypes.OrganizationFeatureSetAll, MasterAccountId: ptr("999900001111")}
		var list []orgtypes.Account
		for _, id := range accounts {
			list = append(list, orgtypes.Account{Id: ptr(id)})
		}
		respond(a, "Organizations", "ListAccounts", &organizations.ListAccountsOutput{Accounts: list}, nil)
	}
	tests := []struct {
		name     string
		setup    func(a *fakeaws.Account)
		opts     func(*CrossAccountTrustOptions)
		want     []string
		wantNote string
	}{
		{"not in an organization", func(a *fakeaws.Account) {}, nil,
			[]string{"own=PASS", "partner-ext=PASS", "partner=FAIL", "service=PASS", "sibling=FAIL", "star-org=PASS", "star=PASS", "web=PASS"}, "not in an organization"},
		{"organization read: the sibling is internal", func(a *fakeaws.Account) { orgWith(a, "111122223333", "999900001111") }, nil,
			[]string{"own=PASS", "partner-ext=PASS", "partner=FAIL", "service=PASS", "sibling=PASS", "star-org=PASS", "star=PASS", "web=PASS"}, "has 2 accounts"},
		{"accounts cannot be listed: only the management account is internal", func(a *fakeaws.Account) {
			a.Organizations.Organization = &orgtypes.Organization{Id: ptr("o-abc123"), FeatureSet: orgtypes.OrganizationFeatureSetAll, MasterAccountId: ptr("999900001111")}
			a.DenyAccess("Organizations", "ListAccounts", "")
		}, nil, []string{"own=PASS", "partner-ext=PASS", "partner=FAIL", "service=PASS", "sibling=PASS", "star-org=PASS", "star=PASS", "web=PASS"}, "could not be listed"},
		{"organization denied", func(a *fakeaws.Account) { a.DenyAccess("Organizations", "DescribeOrganization", "") }, nil,
			[]string{"own=PASS", "partner-ext=PASS", "partner=FAIL", "service=PASS", "sibling=FAIL", "star-org=PASS", "star=PASS", "web=PASS"}, "could not be read"},
		{"trusted accounts option", func(a *fakeaws.Account) {}, func(o *CrossAccountTrustOptions) { o.TrustedAccounts = []string{"444455556666"} },
			[]string{"own=PASS", "partner-ext=PASS", "partner=PASS", "service=PASS", "sibling=FAIL", "star-org=PASS", "star=PASS", "web=PASS"}, "not in an organization"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			acct := trustAccount()
			tt.setup(acct)
			var opts []func(*CrossAccountTrustOptions)
			if tt.opts != nil {
				opts = append(opts, tt.opts)
			}
			fs, err := CheckCrossAccountTrustExternalID(context.Background(), iam.NewFromConfig(acct.Config()), organizations.NewFromConfig(acct.Config()), opts...)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, statuses(fs)); diff != "" {
				t.Errorf("statuses (-want +got):\n%s", diff)
			}
			for _, f := range fs {
				if !strings.Contains(f.Evidence["organization"], tt.wantNote) || !strings.Contains(f.Reason, tt.wantNote) {
					t.Fatalf("the finding must say how the organization was read (%q): %+v", tt.wantNote, f)
				}
			}
		})
	}
	t.Run("organizations throttled past retries is an error", func(t *testing.T) {
		acct := trustAccount()
		acct.Inject(fakeaws.Fault{Service: "Organizations", Operation: "DescribeOrganization", Code: "InternalFailure", Message: "boom"})
		if _, err := CheckCrossAccountTrustExternalID(context.Background(), iam.NewFromConfig(acct.Config()), organizations.NewFromConfig(acct.Config())); err == nil {
			t.Fatal("want error")
		}
	})
	t.Run("bad trusted account", func(t *testing.T) {
		acct := trustAccount()
		_, err := CheckCrossAccountTrustExternalID(context.Background(), iam.NewFromConfig(acct.Config()), nil, func(o *CrossAccountTrustOptions) { o.TrustedAccounts = []string{"12"} })
		if err == nil || len(acct.Calls()) != 0 {
			t.Fatalf("error = %v, calls %v", err, acct.Calls())
		}
	})
	for _, ft := range authzFaults {
		t.Run(ft.name, func(t *testing.T) {
			acct := trustAccount()
			ft.setup(acct)
			if _, err := CheckCrossAccountTrustExternalID(context.Background(), iam.NewFromConfig(acct.Config()), nil); err == nil {
				t.Fatal("want error")
			}
		})
	}
}

func FuzzTrustVerdict(f *testing.F) {
	f.Add(trustOf(`"*"`, ""), "111122223333")
	f.Add(trustOf(`{"AWS":["arn:aws:iam::444455556666:root","*"]}`, `{"StringLike":{"sts:ExternalId":"a*"}}`), "111122223333")
	f.Add(trustOf(`{"AWS":"444455556666"}`, `{"StringEquals":{"sts:ExternalId":["x","y"]}}`), "")
	f.Add(`{"Statement":{"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::1:root"},"Action":"sts:*"}}`, "111122223333")
	f.Add(`{"Statement":[{"Effect":"Deny","Principal":"*","Action":"*"}]}`, "111122223333")
	f.Add(svcTrust, "111122223333")
	f.Fuzz(func(t *testing.T, doc, own string) {
		internal := map[string]bool{"999900001111": true}
		public, external, err := trustVerdict(url.PathEscape(doc), own, internal)
		if err != nil {
			return
		}
		again, ext2, err := trustVerdict(url.PathEscape(doc), own, internal)
		if err != nil || !cmp.Equal(public, again) || !cmp.Equal(external, ext2) {
			t.Fatal("not deterministic")
		}
		for _, p := range external {
			if strings.Contains(p, own) && own != "" && len(own) == 12 && strings.Contains(p, ":"+own+":") {
				t.Fatalf("own account %s reported external: %v", own, external)
			}
			if strings.Contains(p, "999900001111") {
				t.Fatalf("internal account reported external: %v", external)
			}
		}
	})
}
