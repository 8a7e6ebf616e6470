package identity

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/internal/fakeaws"
)

// maxIAMCalls bounds the IAM calls the whole identity catalogue may make on
// an account of 1,000 users, 1,000 roles and 500 policies with pages of
// 100: the authorization details need 26 pages, the credential report a
// few calls, virtual MFA devices and certificates a page or more each.
// Per-user or per-role calls would cost thousands.
const maxIAMCalls = 60

func TestIdentityCatalogueCallCount(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a large account")
	}
	acct := fakeaws.Synthetic(fakeaws.SyntheticParams{Seed: 7, Users: 1000, Roles: 1000, Policies: 500, Regions: 1})
	acct.Now = func() time.Time { return now }
	acct.PageSize = 100 // IAM's default page size; the default 3 would measure the fake, not the code
	acct.IAM.ReportReadyAfter = -1
	// In an organization whose accounts can be listed (the management
	// account's view).
	acct.Organizations.Organization = &orgtypes.Organization{Id: ptr("o-synthetic1"), FeatureSet: orgtypes.OrganizationFeatureSetAll, MasterAccountId: ptr(acct.ID)}
	respond(acct, "Organizations", "ListAccounts", &organizations.ListAccountsOutput{Accounts: []orgtypes.Account{{Id: ptr(acct.ID)}}}, nil)

	rep, err := secpillar.Run(context.Background(), acct.Config(), Controls(), func(o *secpillar.RunOptions) { o.Regions = []string{"us-east-1"} })
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range rep.Errors {
		if e.Control != ControlCentralRootManagement { // needs trusted access; an ERROR is the honest answer here
			t.Errorf("%s: %s", e.Control, e.Error)
		}
	}
	counts := acct.CallCounts()
	iamCalls := acct.CallCount("IAM", "")
	t.Logf("IAM calls: %d (authorization details %d, credential report %d+%d, virtual MFA %d); findings: %d",
		iamCalls, counts["IAM.GetAccountAuthorizationDetails"], counts["IAM.GenerateCredentialReport"], counts["IAM.GetCredentialReport"],
		counts["IAM.ListVirtualMFADevices"], len(rep.Findings))
	if iamCalls > maxIAMCalls {
		t.Errorf("the identity catalogue made %d IAM calls, more than %d: %v", iamCalls, maxIAMCalls, counts)
	}
	// One walk of 2,504 entities is 26 pages. Run's sharing may let a
	// page through twice when two controls ask at the very moment it
	// completes; a second walk would be 52.
	if n := counts["IAM.GetAccountAuthorizationDetails"]; n < 26 || n > 32 {
		t.Errorf("GetAccountAuthorizationDetails calls = %d, want one walk of 26 pages", n)
	}
	for _, op := range []string{"ListUsers", "ListRoles", "GetRole", "ListAccessKeys", "GetAccessKeyLastUsed", "ListMFADevices", "ListAttachedRolePolicies", "ListEntitiesForPolicy"} {
		if n := counts["IAM."+op]; n != 0 {
			t.Errorf("%s called %d times: per-entity reads do not scale", op, n)
		}
	}
}

// BenchmarkIdentityCatalogue runs the whole catalogue on a synthetic
// account of 1,000 users and roles and reports the IAM calls per run.
func BenchmarkIdentityCatalogue(b *testing.B) {
	acct := fakeaws.Synthetic(fakeaws.SyntheticParams{Seed: 7, Users: 1000, Roles: 1000, Policies: 500, Regions: 1})
	acct.Now = func() time.Time { return now }
	acct.PageSize = 100
	acct.IAM.ReportReadyAfter = -1
	controls := Controls()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		acct.ResetCalls()
		if _, err := secpillar.Run(context.Background(), acct.Config(), controls, func(o *secpillar.RunOptions) { o.Regions = []string{"us-east-1"} }); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(acct.CallCount("IAM", "")), "iam-calls/op")
	}
}
