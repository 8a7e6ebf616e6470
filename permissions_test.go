package secpillar_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/google/go-cmp/cmp"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/catalogue"
	"github.com/secpillar/secpillar/internal/fakeaws"
)

// unreachablePermission is a declared permission that a check needs in
// some account but that the demo account cannot make it call.
type unreachablePermission struct {
	controls string // a control ID, or an ID prefix ending in "-"
	action   string
	why      string
}

// unreachablePermissions lists them. Keep it short: every entry is a
// permission this test cannot vouch for. An entry that no longer applies
// (the demo now reaches the call) is logged, so that it can be removed.
var unreachablePermissions = []unreachablePermission{
	// Demo gaps: neither the demo account nor the small synthetic one
	// holds such a resource yet. Each entry goes when the demo account
	// gets the resource (the test then logs it as stale).
	{"identity.cross-account-trust-external-id", "organizations:ListAccounts", "the demo account is not an organization's management account"},
	{"infrastructure.cloudfront-", "cloudfront:GetDistributionConfig", "no CloudFront distribution"},
	{"infrastructure.cloudfront-s3-origin-oac", "s3:ListBucket", "no distribution with an S3 origin"},
	{"infrastructure.waf-", "wafv2:GetWebACL", "no web ACL"},
	{"infrastructure.alb-waf-associated", "wafv2:GetWebACLForResource", "no internet-facing ALB"},
	{"infrastructure.shield-advanced-protections", "shield:ListProtections", "no Shield Advanced subscription"},
	{"infrastructure.inspector-no-critical-findings", "inspector2:ListFindings", "Inspector is not enabled"},
	{"dataprotection.kms-key-", "kms:DescribeKey", "no customer managed KMS key"},
	{"dataprotection.kms-key-", "kms:GetKeyRotationStatus", "no customer managed KMS key"},
	{"dataprotection.kms-key-", "kms:GetKeyPolicy", "no customer managed KMS key"},
	{"dataprotection.rds-snapshot-not-public", "rds:DescribeDBSnapshotAttributes", "no manual DB snapshot"},
	{"dataprotection.rds-snapshot-not-public", "rds:DescribeDBClusterSnapshotAttributes", "no manual DB cluster snapshot"},
	{"dataprotection.rds-tls-enforced", "rds:DescribeDBParameters", "no custom DB parameter group"},
	{"dataprotection.rds-tls-enforced", "rds:DescribeDBClusterParameters", "no custom DB cluster parameter group"},
	{"dataprotection.s3-access-point-block-public", "s3:GetAccessPoint", "no access point"},
	{"incident.stack-no-drift", "cloudformation:DetectStackDrift", "no CloudFormation stack"},
	{"incident.stack-no-drift", "cloudformation:DescribeStackDriftDetectionStatus", "no CloudFormation stack"},
	{"incident.stack-no-drift", "cloudformation:DescribeStackResourceDrifts", "no CloudFormation stack"},
	{"incident.security-alert-rules", "events:ListTargetsByRule", "no EventBridge rule"},
	{"incident.security-alert-rules", "sns:ListSubscriptionsByTopic", "no rule targeting an SNS topic"},
}

// unreachable returns the exception for a control's declared action, or
// nil.
func unreachable(control, action string) *unreachablePermission {
	for i, u := range unreachablePermissions {
		matches := u.controls == control || (strings.HasSuffix(u.controls, "-") && strings.HasPrefix(control, u.controls))
		if matches && strings.EqualFold(u.action, action) {
			return &unreachablePermissions[i]
		}
	}
	return nil
}

// calledActions runs fn against acct and returns the IAM actions of the
// calls it made that need a permission, and the nominal actions of those
// that need none (sts:GetCallerIdentity: declaring it is harmless, so it
// counts as used). A call whose service the action table does not know is
// an error.
func calledActions(t *testing.T, acct *fakeaws.Account, fn func()) (needed, free map[string]string) {
	t.Helper()
	acct.ResetCalls()
	fn()
	needed, free = map[string]string{}, map[string]string{} // lower-case action -> action
	for _, c := range acct.Calls() {
		action, need, ok := secpillar.IAMAction(c.Service, c.Operation)
		if !ok {
			t.Errorf("%s.%s: no IAM prefix for the service ID %q in secpillar.IAMAction", c.Service, c.Operation, c.Service)
			continue
		}
		if need {
			needed[strings.ToLower(action)] = action
		} else {
			free[strings.ToLower(c.Service+":"+c.Operation)] = c.Service + ":" + c.Operation
		}
	}
	return needed, free
}

func lowerSet(actions ...[]string) map[string]bool {
	m := map[string]bool{}
	for _, list := range actions {
		for _, a := range list {
			m[strings.ToLower(a)] = true
		}
	}
	return m
}

// smallSynthetic sizes a synthetic account that has a little of
// everything, so that checks reach what the demo account may not hold.
var smallSynthetic = fakeaws.SyntheticParams{
	Seed: 1, Users: 4, Roles: 4, Policies: 3, Buckets: 4, Regions: 2,
	SecurityGroupsPerRegion: 3, RulesPerGroup: 2, NACLsPerRegion: 2, VolumesPerRegion: 2,
	SnapshotsPerRegion: 2, KeysPerRegion: 2, DatabasesPerRegion: 2, Distributions: 2,
}

// TestControlPermissionsMatchCalls runs every control's Check adapter
// against the demo account and a small synthetic account, in every
// enabled Region for a regional control, and compares the IAM actions of
// the calls made with the control's Permissions: a call not declared is a
// missing permission (the check would fail with access denied under
// PolicyDocument); a declared permission that neither account's run
// needs is not least privilege.
func TestControlPermissionsMatchCalls(t *testing.T) {
	controls := catalogue.All()
	if len(controls) == 0 {
		t.Log("the catalogue is empty: nothing to compare")
		return
	}
	accounts := []struct {
		name string
		acct *fakeaws.Account
	}{
		{"demo", fakeaws.Demo()},
		{"synthetic", fakeaws.Synthetic(smallSynthetic)},
	}
	used, stale := map[unreachablePermission]bool{}, map[unreachablePermission]bool{}
	for _, c := range controls {
		t.Run(c.ID, func(t *testing.T) {
			called, free := map[string]string{}, map[string]string{}
			for _, a := range accounts {
				cfg := a.acct.Config(func(cfg *aws.Config) { cfg.Region = a.acct.EnabledRegions()[0] })
				regions := []string{cfg.Region}
				if c.Scope == secpillar.ScopeRegional {
					regions = a.acct.EnabledRegions()
				}
				for _, region := range regions {
					rc := cfg.Copy()
					rc.Region = region
					needed, noPermission := calledActions(t, a.acct, func() {
						ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
						defer cancel()
						if _, err := c.Check(ctx, rc); err != nil {
							t.Errorf("%s account, %s: check failed: %v", a.name, region, err)
						}
					})
					maps.Copy(called, needed)
					maps.Copy(free, noPermission)
				}
			}
			declared := lowerSet(c.Permissions)
			var missing, unused []string
			for k, a := range called {
				if !declared[k] {
					missing = append(missing, a)
				}
			}
			for _, a := range c.Permissions {
				k := strings.ToLower(a)
				u := unreachable(c.ID, a)
				switch {
				case called[k] != "" || free[k] != "":
					if u != nil {
						stale[*u] = true
					}
				case u != nil:
					used[*u] = true
					t.Logf("%s: not reached by the demo or synthetic account (%s)", a, u.why)
				default:
					unused = append(unused, a)
				}
			}
			sort.Strings(missing)
			if len(missing) > 0 {
				t.Errorf("the check calls %v, missing from Permissions", missing)
			}
			if len(unused) > 0 {
				t.Errorf("Permissions declare %v, never needed against the demo or synthetic account (seed the demo so that the check needs them, or add them to unreachablePermissions with a reason)", unused)
			}
		})
	}
	// Logged, not failed: an entry may name controls of a domain branch
	// that is not merged here, and the demo grows.
	for _, u := range unreachablePermissions {
		switch {
		case stale[u] && !used[u]:
			t.Logf("unreachablePermissions: the checks now reach %s for %s: remove the entry", u.action, u.controls)
		case !used[u] && !stale[u]:
			t.Logf("unreachablePermissions: no control %s declares %s", u.controls, u.action)
		}
	}
}

// TestRemediationPermissionsCoverCalls applies each remediation adapter to
// the first failed finding of its control on a fresh demo account and
// checks that every call it made is declared in Permissions or
// RemediationPermissions. (One finding cannot show that every declared
// write is needed, so only the missing direction is checked.)
func TestRemediationPermissionsCoverCalls(t *testing.T) {
	accounts := []struct {
		name string
		make func() *fakeaws.Account
	}{
		{"demo", fakeaws.Demo},
		{"synthetic", func() *fakeaws.Account { return fakeaws.Synthetic(smallSynthetic) }},
	}
	for _, c := range catalogue.All() {
		if c.Remediate == nil {
			continue
		}
		t.Run(c.ID, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			for _, a := range accounts {
				acct := a.make()
				cfg := acct.Config(func(cfg *aws.Config) { cfg.Region = acct.EnabledRegions()[0] })
				failed := firstFailure(ctx, t, c, acct, cfg)
				if failed == nil {
					continue
				}
				rc := cfg.Copy()
				if failed.Resource.Region != "" {
					rc.Region = failed.Resource.Region
				}
				called, _ := calledActions(t, acct, func() {
					if _, err := c.Remediate(ctx, rc, *failed, secpillar.RemediateOptions{MaxResources: 1000}); err != nil {
						t.Logf("%s account: remediate %s: %v", a.name, failed.Resource.ID, err)
					}
				})
				declared := lowerSet(c.Permissions, c.RemediationPermissions)
				var missing []string
				for k, action := range called {
					if !declared[k] {
						missing = append(missing, action)
					}
				}
				sort.Strings(missing)
				if len(missing) > 0 {
					t.Errorf("%s account: the remediation calls %v, missing from Permissions and RemediationPermissions", a.name, missing)
				}
				return
			}
			t.Skip("no failed finding to remediate in the demo or synthetic account")
		})
	}
}

// firstFailure returns the first FAIL finding of c's check in acct, with
// its Region filled in, or nil.
func firstFailure(ctx context.Context, t *testing.T, c secpillar.Control, acct *fakeaws.Account, cfg aws.Config) *secpillar.Finding {
	t.Helper()
	regions := []string{cfg.Region}
	if c.Scope == secpillar.ScopeRegional {
		regions = acct.EnabledRegions()
	}
	for _, region := range regions {
		rc := cfg.Copy()
		rc.Region = region
		fs, err := c.Check(ctx, rc)
		if err != nil {
			t.Logf("%s: check failed: %v", region, err)
			return nil
		}
		for i := range fs {
			if fs[i].Status == secpillar.StatusFail {
				// Complete the finding as Run does.
				f := fs[i]
				if f.Control == "" {
					f.Control = c.ID
				}
				if f.Resource.Account == "" {
					f.Resource.Account = acct.ID
				}
				if f.Resource.Region == "" && c.Scope == secpillar.ScopeRegional {
					f.Resource.Region = region
				}
				if f.Resource.Type == secpillar.AccountResourceType {
					f.Resource.ID = secpillar.AccountResourceType + ":" + f.Resource.Account
				}
				return &f
			}
		}
	}
	return nil
}

func TestPolicyDocument(t *testing.T) {
	controls := []secpillar.Control{
		{ID: "a.one", Permissions: []string{"iam:GetAccountSummary", "s3:ListAllMyBuckets"}, RemediationPermissions: []string{"iam:UpdateAccountPasswordPolicy"}},
		{ID: "a.two", Permissions: []string{"IAM:getaccountsummary", "ec2:DescribeSecurityGroups", "iam:GetAccountSummary"}},
		{ID: "a.three"},
	}
	type stmt struct {
		Sid, Effect, Resource string
		Action                []string
	}
	parse := func(doc string) []stmt {
		var d struct {
			Version   string
			Statement []stmt
		}
		if err := json.Unmarshal([]byte(doc), &d); err != nil {
			t.Fatalf("not JSON: %v\n%s", err, doc)
		}
		if d.Version != "2012-10-17" {
			t.Errorf("Version = %q", d.Version)
		}
		return d.Statement
	}
	read := stmt{Sid: "SecPillarRead", Effect: "Allow", Resource: "*",
		Action: []string{"ec2:DescribeRegions", "ec2:DescribeSecurityGroups", "iam:GetAccountSummary", "s3:ListAllMyBuckets"}}

	doc, err := secpillar.PolicyDocument(controls, false)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]stmt{read}, parse(doc)); diff != "" {
		t.Errorf("read-only (-want +got):\n%s", diff)
	}
	doc, err = secpillar.PolicyDocument(controls, true)
	if err != nil {
		t.Fatal(err)
	}
	write := stmt{Sid: "SecPillarRemediate", Effect: "Allow", Resource: "*", Action: []string{"iam:UpdateAccountPasswordPolicy"}}
	if diff := cmp.Diff([]stmt{read, write}, parse(doc)); diff != "" {
		t.Errorf("with remediation (-want +got):\n%s", diff)
	}

	for _, bad := range []string{"iam:*", "GetAccountSummary", "iam: Get", "", "s3:Get*"} {
		_, err := secpillar.PolicyDocument([]secpillar.Control{{ID: "a.bad", Permissions: []string{bad}}}, false)
		if err == nil || !strings.Contains(err.Error(), `"a.bad"`) {
			t.Errorf("permission %q: err = %v, want an error naming the control", bad, err)
		}
	}
}

// The whole catalogue's policy is valid and read-only unless asked.
func TestPolicyDocumentForCatalogue(t *testing.T) {
	doc, err := secpillar.PolicyDocument(catalogue.All(), false)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(doc, "SecPillarRemediate") {
		t.Error("the read-only document has a remediation statement")
	}
	if _, err := secpillar.PolicyDocument(catalogue.All(), true); err != nil {
		t.Fatal(err)
	}
}

func TestIAMAction(t *testing.T) {
	tests := []struct {
		service, op, want string
		needed            bool
	}{
		{"S3", "ListBuckets", "s3:ListAllMyBuckets", true},
		{"S3", "GetPublicAccessBlock", "s3:GetBucketPublicAccessBlock", true},
		{"S3 Control", "GetPublicAccessBlock", "s3:GetAccountPublicAccessBlock", true},
		{"S3", "GetBucketEncryption", "s3:GetEncryptionConfiguration", true},
		{"S3", "GetBucketPolicyStatus", "s3:GetBucketPolicyStatus", true},
		{"Elastic Load Balancing v2", "DescribeListeners", "elasticloadbalancing:DescribeListeners", true},
		{"CloudWatch Logs", "DescribeMetricFilters", "logs:DescribeMetricFilters", true},
		{"Config Service", "DescribeConfigurationRecorders", "config:DescribeConfigurationRecorders", true},
		{"EventBridge", "ListRules", "events:ListRules", true},
		{"AccessAnalyzer", "ListAnalyzers", "access-analyzer:ListAnalyzers", true},
		{"STS", "GetCallerIdentity", "", false},
	}
	for _, tt := range tests {
		got, needed, ok := secpillar.IAMAction(tt.service, tt.op)
		if !ok || got != tt.want || needed != tt.needed {
			t.Errorf("IAMAction(%q, %q) = %q, %v, %v; want %q, %v, true", tt.service, tt.op, got, needed, ok, tt.want, tt.needed)
		}
	}
	if _, _, ok := secpillar.IAMAction("Nope", "X"); ok {
		t.Error("an unknown service is known")
	}
}

// The read-only policy for two controls, ready to attach to the role that
// an organization-wide scan assumes.
func ExamplePolicyDocument() {
	controls := []secpillar.Control{
		{ID: "identity.root-mfa-enabled", Permissions: []string{"iam:GetAccountSummary"}},
		{ID: "dataprotection.s3-account-public-access-block", Permissions: []string{"s3:GetAccountPublicAccessBlock"},
			RemediationPermissions: []string{"s3:PutAccountPublicAccessBlock"}},
	}
	doc, err := secpillar.PolicyDocument(controls, false)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(doc)
	// Output:
	// {
	//   "Version": "2012-10-17",
	//   "Statement": [
	//     {
	//       "Sid": "SecPillarRead",
	//       "Effect": "Allow",
	//       "Action": [
	//         "ec2:DescribeRegions",
	//         "iam:GetAccountSummary",
	//         "s3:GetAccountPublicAccessBlock"
	//       ],
	//       "Resource": "*"
	//     }
	//   ]
	// }
}
