package secpillar_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/google/go-cmp/cmp"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/internal/fakeaws"
)

// orgControls are two test controls: an account-wide one that reports the
// caller's account, and a regional one that lists the Regions.
func orgControls() []secpillar.Control {
	return []secpillar.Control{
		{
			ID: "identity.test-caller", Title: "caller", Domain: secpillar.DomainIdentity, Severity: secpillar.SeverityHigh,
			Scope: secpillar.ScopeAccount, Permissions: []string{},
			Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
				id, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
				if err != nil {
					return nil, err
				}
				return []secpillar.Finding{{Status: secpillar.StatusPass, Resource: secpillar.AccountResource(""),
					Evidence: map[string]string{"caller": aws.ToString(id.Account)}}}, nil
			},
		},
		{
			ID: "infrastructure.test-regions", Title: "regions", Domain: secpillar.DomainInfrastructure, Severity: secpillar.SeverityLow,
			Scope: secpillar.ScopeRegional, Permissions: []string{"ec2:DescribeRegions"},
			Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
				if _, err := ec2.NewFromConfig(cfg).DescribeRegions(ctx, &ec2.DescribeRegionsInput{}); err != nil {
					return nil, err
				}
				return []secpillar.Finding{{Status: secpillar.StatusFail, Resource: secpillar.AccountResource("")}}, nil
			},
		},
	}
}

// testOrg is a management account and its members:
//   - 111111111111 the management account (its role trusts itself)
//   - 222222222222 a member whose role trusts the management account
//   - 333333333333 a member whose role requires the external ID "ext-1"
//   - 444444444444 a member without the role (AssumeRole is denied)
//   - 555555555555 a SUSPENDED member (skipped)
type testOrg struct {
	root    *fakeaws.Account
	members map[string]*fakeaws.Account
	cfg     aws.Config
}

func newTestOrg() testOrg {
	o := testOrg{root: fakeaws.New("111111111111"), members: map[string]*fakeaws.Account{}}
	var ms []*fakeaws.Account
	for _, id := range []string{"222222222222", "333333333333", "444444444444", "555555555555"} {
		m := fakeaws.New(id)
		o.members[id] = m
		ms = append(ms, m)
	}
	o.root.AddAuditRole("SecPillarAudit", o.root.ID, "")
	o.members["222222222222"].AddAuditRole("SecPillarAudit", o.root.ID, "")
	o.members["333333333333"].AddAuditRole("SecPillarAudit", o.root.ID, "ext-1")
	o.members["555555555555"].AddAuditRole("SecPillarAudit", o.root.ID, "")
	// The second member has one more Region enabled.
	o.members["333333333333"].Regions[3].OptInStatus = "opted-in"
	fakeaws.SeedOrganization(o.root, ms...)
	for i := range o.root.Organizations.Accounts {
		if aws.ToString(o.root.Organizations.Accounts[i].Id) == "555555555555" {
			o.root.Organizations.Accounts[i].State = orgtypes.AccountStateSuspended
			o.root.Organizations.Accounts[i].Status = orgtypes.AccountStatusSuspended
		}
	}
	o.cfg = fakeaws.OrgConfig(o.root, ms...)
	return o
}

func TestRunOrganization(t *testing.T) {
	o := newTestOrg()
	var done []string
	rep, err := secpillar.RunOrganization(context.Background(), o.cfg, orgControls(), func(opts *secpillar.OrgOptions) {
		opts.RoleName = "SecPillarAudit"
		opts.ExternalID = "ext-1"
		opts.AccountDone = func(a secpillar.AccountReport) { done = append(done, a.Account) }
	})
	if err != nil {
		t.Fatal(err)
	}

	var accounts []string
	for _, a := range rep.Accounts {
		accounts = append(accounts, a.Account)
	}
	if diff := cmp.Diff([]string{"111111111111", "222222222222", "333333333333", "444444444444"}, accounts); diff != "" {
		t.Errorf("accounts (-want +got):\n%s", diff)
	}
	if len(done) != 4 {
		t.Errorf("AccountDone called for %v, want 4 accounts", done)
	}
	if diff := cmp.Diff([]secpillar.SkippedAccount{{Account: "555555555555", Name: "account-555555555555", State: "SUSPENDED"}}, rep.Skipped); diff != "" {
		t.Errorf("skipped (-want +got):\n%s", diff)
	}
	if !rep.Incomplete {
		t.Error("Incomplete = false with an account that could not be scanned")
	}

	wantRegions := map[string]int{"111111111111": 3, "222222222222": 3, "333333333333": 4}
	for _, a := range rep.Accounts {
		if a.Account == "444444444444" {
			if !strings.Contains(a.Error, "AccessDenied") || !strings.Contains(a.Error, "arn:aws:iam::444444444444:role/SecPillarAudit") {
				t.Errorf("denied account: Error = %q, want AccessDenied naming the role", a.Error)
			}
			if len(a.Report.Findings) != 2 {
				t.Fatalf("denied account: %d findings, want one ERROR per control", len(a.Report.Findings))
			}
			for _, f := range a.Report.Findings {
				if f.Status != secpillar.StatusError || f.Resource.Account != a.Account || !strings.Contains(f.Reason, "could not be scanned") {
					t.Errorf("denied account finding = %+v", f)
				}
			}
			continue
		}
		if a.Error != "" || a.Report.Incomplete {
			t.Errorf("%s: Error %q, incomplete %v", a.Account, a.Error, a.Report.Incomplete)
		}
		if got := len(a.Report.Regions); got != wantRegions[a.Account] {
			t.Errorf("%s: %d Regions, want %d", a.Account, got, wantRegions[a.Account])
		}
		if got, want := len(a.Report.Findings), 1+wantRegions[a.Account]; got != want {
			t.Errorf("%s: %d findings, want %d", a.Account, got, want)
		}
		for _, f := range a.Report.Findings {
			if f.Resource.Account != a.Account {
				t.Errorf("%s: finding in account %q", a.Account, f.Resource.Account)
			}
			if c := f.Evidence["caller"]; c != "" && c != a.Account {
				t.Errorf("%s: the check ran as %s", a.Account, c)
			}
		}
	}

	// Each member answered its own calls; the denied and suspended ones
	// none.
	for id, m := range o.members {
		n := m.CallCount("EC2", "DescribeRegions")
		switch id {
		case "444444444444", "555555555555":
			if len(m.Calls()) != 0 {
				t.Errorf("%s: calls %v, want none", id, m.Operations())
			}
		default:
			if n == 0 {
				t.Errorf("%s: no DescribeRegions call", id)
			}
		}
	}
	if got := o.root.CallCount("STS", "AssumeRole"); got != 4 {
		t.Errorf("%d AssumeRole calls, want one per active account (4)", got)
	}
	if got := len(rep.Findings()); got != 4+5+4+2 {
		t.Errorf("Findings() = %d, want 15", got)
	}
	if diff := cmp.Diff([]string{"444444444444"}, accountIDs(rep.Failed())); diff != "" {
		t.Errorf("Failed (-want +got):\n%s", diff)
	}
}

func accountIDs(as []secpillar.AccountReport) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.Account)
	}
	return out
}

func TestRunOrganizationAccountFilter(t *testing.T) {
	o := newTestOrg()
	var done []string
	rep, err := secpillar.RunOrganization(context.Background(), o.cfg, orgControls(), func(opts *secpillar.OrgOptions) {
		opts.RoleName = "SecPillarAudit"
		opts.Accounts = []string{"222222222222", "555555555555", "999999999999"}
		opts.AccountDone = func(a secpillar.AccountReport) { done = append(done, a.Account) }
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"222222222222", "999999999999"}, accountIDs(rep.Accounts)); diff != "" {
		t.Errorf("accounts (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"999999999999"}, accountIDs(rep.Failed())); diff != "" {
		t.Errorf("failed (-want +got):\n%s", diff)
	}
	sort.Strings(done)
	if diff := cmp.Diff([]string{"222222222222", "999999999999"}, done); diff != "" {
		t.Errorf("AccountDone (-want +got):\n%s", diff)
	}
	if len(rep.Skipped) != 1 || rep.Skipped[0].Account != "555555555555" {
		t.Errorf("skipped = %+v, want the suspended account", rep.Skipped)
	}
	if n := len(o.members["333333333333"].Calls()); n != 0 {
		t.Errorf("an account outside the filter got %d calls", n)
	}
}

func TestRunOrganizationIsolatesRunFailures(t *testing.T) {
	o := newTestOrg()
	o.members["222222222222"].DenyAccess("EC2", "DescribeRegions", "")
	rep, err := secpillar.RunOrganization(context.Background(), o.cfg, orgControls(), func(opts *secpillar.OrgOptions) {
		opts.RoleName = "SecPillarAudit"
		opts.ExternalID = "ext-1"
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"222222222222", "444444444444"}, accountIDs(rep.Failed())); diff != "" {
		t.Errorf("failed (-want +got):\n%s", diff)
	}
	for _, a := range rep.Failed() {
		if a.Account == "222222222222" && !strings.Contains(a.Error, "list Regions") {
			t.Errorf("Error = %q, want the Region listing failure", a.Error)
		}
	}
}

func TestRunOrganizationUnknownAccountState(t *testing.T) {
	o := newTestOrg()
	o.root.Organizations.Accounts = append(o.root.Organizations.Accounts, orgtypes.Account{Id: aws.String("666666666666"), State: "MIGRATING"})
	rep, err := secpillar.RunOrganization(context.Background(), o.cfg, orgControls(), func(opts *secpillar.OrgOptions) {
		opts.RoleName = "SecPillarAudit"
		opts.Accounts = []string{"666666666666"}
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Accounts) != 1 || !strings.Contains(rep.Accounts[0].Error, `unknown account state "MIGRATING"`) {
		t.Errorf("accounts = %+v, want an error naming the state", rep.Accounts)
	}
}

func TestRunOrganizationAccountConcurrency(t *testing.T) {
	o := newTestOrg()
	var mu sync.Mutex
	active, maxActive := map[string]int{}, 0
	slow := secpillar.Control{
		ID: "identity.test-slow", Title: "slow", Domain: secpillar.DomainIdentity, Severity: secpillar.SeverityLow, Scope: secpillar.ScopeAccount,
		Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
			id, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			if err != nil {
				return nil, err
			}
			acct := aws.ToString(id.Account)
			mu.Lock()
			active[acct]++
			maxActive = max(maxActive, len(active))
			mu.Unlock()
			time.Sleep(20 * time.Millisecond)
			mu.Lock()
			if active[acct]--; active[acct] == 0 {
				delete(active, acct)
			}
			mu.Unlock()
			return nil, nil
		},
	}
	var progress atomic.Int32
	_, err := secpillar.RunOrganization(context.Background(), o.cfg, []secpillar.Control{slow}, func(opts *secpillar.OrgOptions) {
		opts.RoleName = "SecPillarAudit"
		opts.ExternalID = "ext-1"
		opts.AccountConcurrency = 2
		opts.Run.Regions = []string{"us-east-1"}
		opts.Run.Progress = func(secpillar.Progress) { progress.Add(1) }
	})
	if err != nil {
		t.Fatal(err)
	}
	if maxActive > 2 || maxActive == 0 {
		t.Errorf("%d accounts scanned at once, want at most 2", maxActive)
	}
	if got := progress.Load(); got != 3 {
		t.Errorf("%d progress calls, want one per scanned account (3)", got)
	}
}

func TestRunOrganizationCannotStart(t *testing.T) {
	tests := []struct {
		name  string
		cfg   func(testOrg) aws.Config
		opts  func(*secpillar.OrgOptions)
		wants string
	}{
		{"no role", func(o testOrg) aws.Config { return o.cfg }, func(*secpillar.OrgOptions) {}, "RoleName is empty"},
		{"bad role", func(o testOrg) aws.Config { return o.cfg }, func(p *secpillar.OrgOptions) { p.RoleName = "bad role" }, `role name "bad role"`},
		{"bad filter", func(o testOrg) aws.Config { return o.cfg }, func(p *secpillar.OrgOptions) { p.RoleName = "R"; p.Accounts = []string{"12345"} }, `account filter "12345"`},
		{"no region", func(o testOrg) aws.Config { c := o.cfg.Copy(); c.Region = ""; return c }, func(p *secpillar.OrgOptions) { p.RoleName = "R" }, "cfg.Region is empty"},
		{"list denied", func(o testOrg) aws.Config { o.root.DenyAccess("Organizations", "ListAccounts", ""); return o.cfg }, func(p *secpillar.OrgOptions) { p.RoleName = "R" }, "list accounts"},
		{"not an organization", func(testOrg) aws.Config { return fakeaws.New("777777777777").Config() }, func(p *secpillar.OrgOptions) { p.RoleName = "R" }, "AWSOrganizationsNotInUseException"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := newTestOrg()
			_, err := secpillar.RunOrganization(context.Background(), tt.cfg(o), orgControls(), tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.wants) {
				t.Errorf("err = %v, want it to contain %q", err, tt.wants)
			}
			if n := o.root.CallCount("STS", "AssumeRole"); n != 0 {
				t.Errorf("%d AssumeRole calls before failing", n)
			}
		})
	}
}

func TestRunOrganizationCancelled(t *testing.T) {
	o := newTestOrg()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stop := secpillar.Control{
		ID: "identity.test-cancel", Title: "cancel", Domain: secpillar.DomainIdentity, Severity: secpillar.SeverityLow, Scope: secpillar.ScopeAccount,
		Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
			cancel()
			return nil, ctx.Err()
		},
	}
	rep, err := secpillar.RunOrganization(ctx, o.cfg, []secpillar.Control{stop}, func(p *secpillar.OrgOptions) {
		p.RoleName = "SecPillarAudit"
		p.ExternalID = "ext-1"
		p.AccountConcurrency = 1
		p.Run.Regions = []string{"us-east-1"}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if !rep.Incomplete {
		t.Error("Incomplete = false after cancellation")
	}
	// Every active account is accounted for: scanned, or reported as not
	// scanned.
	if diff := cmp.Diff([]string{"111111111111", "222222222222", "333333333333", "444444444444"}, accountIDs(rep.Accounts)); diff != "" {
		t.Errorf("accounts (-want +got):\n%s", diff)
	}
	for _, a := range rep.Accounts {
		if a.Error == "" {
			t.Errorf("%s: no error after cancellation", a.Account)
		}
	}
}

func TestRunAccount(t *testing.T) {
	o := newTestOrg()
	ctx := context.Background()
	role := func(p *secpillar.OrgOptions) { p.RoleName = "SecPillarAudit"; p.ExternalID = "ext-1" }

	ar, err := secpillar.RunAccount(ctx, o.cfg, "333333333333", orgControls(), role)
	if err != nil {
		t.Fatal(err)
	}
	if ar.Error != "" || ar.Report.Account != "333333333333" || len(ar.Report.Findings) != 5 {
		t.Errorf("report = %+v, want 5 findings in 333333333333", ar)
	}
	if n := o.root.CallCount("Organizations", ""); n != 0 {
		t.Errorf("%d Organizations calls, want none", n)
	}

	ar, err = secpillar.RunAccount(ctx, o.cfg, "444444444444", orgControls(), role)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(ar.Error, "AccessDenied") || len(ar.Report.Findings) != 2 || ar.Report.Findings[0].Status != secpillar.StatusError {
		t.Errorf("denied account report = %+v", ar)
	}

	if _, err := secpillar.RunAccount(ctx, o.cfg, "12", orgControls(), role); err == nil || !strings.Contains(err.Error(), `"12"`) {
		t.Errorf("bad account ID: err = %v", err)
	}
}

// An organization-wide scan of the demo organization: every ACTIVE
// account is scanned through the audit role, the account without the
// role is reported, the suspended one is skipped.
func ExampleRunOrganization() {
	cfg, _ := fakeaws.DemoOrganization()
	rep, err := secpillar.RunOrganization(context.Background(), cfg, orgControls(), func(o *secpillar.OrgOptions) {
		o.RoleName = fakeaws.DemoOrgRole
		o.Run.Regions = []string{"us-east-1"}
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, a := range rep.Accounts {
		if a.Error != "" {
			fmt.Printf("%s %-10s could not be scanned: %d ERROR findings\n", a.Account, a.Name, len(a.Report.Findings))
			continue
		}
		fmt.Printf("%s %-10s %d findings\n", a.Account, a.Name, len(a.Report.Findings))
	}
	for _, s := range rep.Skipped {
		fmt.Printf("%s %-10s skipped: %s\n", s.Account, s.Name, s.State)
	}
	fmt.Println("incomplete:", rep.Incomplete)
	// Output:
	// 123456789012 management 2 findings
	// 234567890123 production 2 findings
	// 345678901234 staging    2 findings
	// 456789012345 sandbox    could not be scanned: 2 ERROR findings
	// 567890123456 retired    skipped: SUSPENDED
	// incomplete: true
}

func TestRunOrganizationCallerDirect(t *testing.T) {
	o := newTestOrg()
	o.root.IAM.Roles = nil // the role is not deployed in the management account
	rep, err := secpillar.RunOrganization(context.Background(), o.cfg, orgControls(), func(p *secpillar.OrgOptions) {
		p.RoleName = "SecPillarAudit"
		p.ExternalID = "ext-1"
		p.CallerDirect = true
		p.Accounts = []string{"111111111111", "222222222222"}
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Failed()) != 0 || len(rep.Accounts) != 2 {
		t.Fatalf("accounts = %+v, want both scanned", rep.Accounts)
	}
	if got := o.root.CallCount("STS", "AssumeRole"); got != 1 {
		t.Errorf("%d AssumeRole calls, want 1 (the member only)", got)
	}
	if got := len(rep.Accounts[0].Report.Findings); got != 4 {
		t.Errorf("management account: %d findings, want 4", got)
	}
}
