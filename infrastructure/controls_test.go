package infrastructure

import (
	"context"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/google/go-cmp/cmp"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/internal/awserr"
	"github.com/secpillar/secpillar/internal/fakeaws"
)

// The infrastructure controls of the catalogue.
var catalogue = []string{
	"infrastructure.nacl-no-admin-ports-open", "infrastructure.sg-no-admin-ports-open", "infrastructure.sg-no-high-risk-ports-open",
	"infrastructure.default-sg-closed", "infrastructure.vpc-peering-routes-least-access", "infrastructure.imdsv2-required",
	"infrastructure.imdsv2-account-default", "infrastructure.launch-template-imdsv2", "infrastructure.vpc-flow-logs",
	"infrastructure.subnet-no-auto-public-ip", "infrastructure.instance-no-public-ip", "infrastructure.cloudfront-viewer-https",
	"infrastructure.cloudfront-origin-https", "infrastructure.cloudfront-no-deprecated-origin-ssl", "infrastructure.cloudfront-viewer-tls-policy",
	"infrastructure.cloudfront-waf", "infrastructure.cloudfront-logging", "infrastructure.cloudfront-s3-origin-oac",
	"infrastructure.cloudfront-default-root-object", "infrastructure.waf-acl-has-rules", "infrastructure.waf-logging",
	"infrastructure.waf-baseline-managed-rules", "infrastructure.alb-waf-associated", "infrastructure.shield-advanced-subscribed",
	"infrastructure.shield-advanced-protections", "infrastructure.inspector-enabled", "infrastructure.inspector-no-critical-findings",
}

func TestControlsCatalogue(t *testing.T) {
	var ids []string
	for _, c := range Controls() {
		ids = append(ids, c.ID)
		if c.Domain != secpillar.DomainInfrastructure || c.Title == "" || c.Severity.Rank() == 0 || c.Check == nil || len(c.Permissions) == 0 {
			t.Errorf("%s: incomplete metadata %+v", c.ID, c)
		}
		if c.Scope != secpillar.ScopeAccount && c.Scope != secpillar.ScopeRegional {
			t.Errorf("%s: scope %q", c.ID, c.Scope)
		}
		if !sort.StringsAreSorted(c.Permissions) {
			t.Errorf("%s: permissions not sorted: %v", c.ID, c.Permissions)
		}
		for _, r := range c.References {
			if r.Framework != "cis-aws-foundations-3.0.0" && r.Framework != "aws-fsbp" {
				t.Errorf("%s: framework %q", c.ID, r.Framework)
			}
		}
	}
	want := slices.Clone(catalogue)
	sort.Strings(want)
	sort.Strings(ids)
	if diff := cmp.Diff(want, ids); diff != "" {
		t.Errorf("catalogue (-want +got):\n%s", diff)
	}
}

// iamPrefix maps the fake's service IDs to IAM action prefixes.
var iamPrefix = map[string]string{
	"EC2": "ec2", "CloudFront": "cloudfront", "WAFV2": "wafv2", "Elastic Load Balancing v2": "elasticloadbalancing", "Shield": "shield",
	"Route 53": "route53", "Global Accelerator": "globalaccelerator", "Inspector2": "inspector2", "STS": "sts", "S3": "s3",
}

// TestControlsAgainstDemo runs every check against the demo account, as
// Run would (account controls once, regional ones per Region), and
// compares the calls made with the declared Permissions.
func TestControlsAgainstDemo(t *testing.T) {
	ctx := context.Background()
	statuses := map[secpillar.Status]int{}
	for _, c := range Controls() {
		acct := fakeaws.Demo()
		regions := acct.EnabledRegions()
		if c.Scope == secpillar.ScopeAccount {
			regions = []string{"us-east-1"}
		}
		n := 0
		for _, region := range regions {
			fs, err := c.Check(ctx, acct.Config(func(cfg *aws.Config) { cfg.Region = region }))
			if err != nil {
				t.Errorf("%s in %s: %v", c.ID, region, err)
				continue
			}
			for _, f := range fs {
				statuses[f.Status]++
				if f.Control != c.ID || f.Reason == "" || f.Resource.ID == "" || f.Resource.Type == "" {
					t.Errorf("%s: malformed finding %+v", c.ID, f)
				}
			}
			n += len(fs)
		}
		if n == 0 {
			t.Errorf("%s: no findings on the demo account", c.ID)
		}
		var called []string
		for _, op := range acct.Operations() {
			svc, name, _ := strings.Cut(op, ".")
			action := iamPrefix[svc] + ":" + name
			if action == "s3:HeadBucket" {
				action = "s3:ListBucket"
			}
			called = append(called, action)
		}
		for _, a := range called {
			if !slices.Contains(c.Permissions, a) {
				t.Errorf("%s calls %s, which Permissions %v does not list", c.ID, a, c.Permissions)
			}
		}
		for _, p := range c.Permissions {
			if !slices.Contains(called, p) {
				t.Errorf("%s lists %s but the demo run never called it", c.ID, p)
			}
		}
	}
	if statuses[secpillar.StatusPass] == 0 || statuses[secpillar.StatusFail] == 0 {
		t.Errorf("the demo should have passes and failures: %v", statuses)
	}
}

// TestDemoVerdicts pins a few demo results so that the demo keeps
// showing both outcomes.
func TestDemoVerdicts(t *testing.T) {
	ctx := context.Background()
	acct := fakeaws.Demo()
	got := map[string]map[secpillar.Status]int{}
	for _, c := range Controls() {
		for _, region := range []string{"us-east-1", "eu-west-1"} {
			if c.Scope == secpillar.ScopeAccount && region != "us-east-1" {
				continue
			}
			fs, err := c.Check(ctx, acct.Config(func(cfg *aws.Config) { cfg.Region = region }))
			if err != nil {
				t.Fatalf("%s: %v", c.ID, err)
			}
			if got[c.ID] == nil {
				got[c.ID] = map[secpillar.Status]int{}
			}
			for _, f := range fs {
				got[c.ID][f.Status]++
			}
		}
	}
	for _, id := range []string{ControlSGNoAdminPortsOpen, ControlNACLNoAdminPortsOpen, ControlDefaultSGClosed, ControlVPCFlowLogs, ControlIMDSv2Required, ControlIMDSv2AccountDefault,
		ControlLaunchTemplateIMDSv2, ControlSubnetNoAutoPublicIP, ControlInstanceNoPublicIP, ControlVPCPeeringRoutesLeastAccess, ControlCloudFrontViewerHTTPS,
		ControlCloudFrontLogging, ControlWAFLogging, ControlWAFBaselineManagedRules, ControlALBWAFAssociated, ControlInspectorEnabled, ControlInspectorNoCriticalFindings} {
		if got[id][secpillar.StatusPass] == 0 || got[id][secpillar.StatusFail] == 0 {
			t.Errorf("%s: demo gives %v, want both PASS and FAIL", id, got[id])
		}
	}
}

// TestControlsOnEmptyAccount: nothing configured is an answer, not an
// error; only account-level settings produce findings.
func TestControlsOnEmptyAccount(t *testing.T) {
	ctx := context.Background()
	for _, c := range Controls() {
		acct := fakeaws.New(testAccount)
		fs, err := c.Check(ctx, acct.Config(func(cfg *aws.Config) { cfg.Region = "eu-west-1" }))
		if err != nil {
			t.Errorf("%s: %v", c.ID, err)
			continue
		}
		for _, f := range fs {
			if f.Resource.Type != secpillar.AccountResourceType {
				t.Errorf("%s: unexpected finding %+v on an empty account", c.ID, f)
			}
			if f.Status == secpillar.StatusPass {
				t.Errorf("%s: PASS on an empty account: %+v", c.ID, f)
			}
		}
	}
}

// TestControlsAccessDenied: when every call is denied, every check fails
// with an access-denied error; none reports anything.
func TestControlsAccessDenied(t *testing.T) {
	ctx := context.Background()
	for _, c := range Controls() {
		acct := fakeaws.Demo()
		acct.Inject(fakeaws.Fault{Code: "AccessDeniedException", Message: "explicit deny in a service control policy"})
		fs, err := c.Check(ctx, acct.Config())
		if err == nil || !awserrIsAccessDenied(err) || len(fs) != 0 {
			t.Errorf("%s: got %d findings and %v", c.ID, len(fs), err)
		}
	}
}

func awserrIsAccessDenied(err error) bool { return awserr.IsAccessDenied(err) }

func writes(acct *fakeaws.Account) int {
	n := 0
	for _, c := range acct.Calls() {
		op := c.Operation
		if !strings.HasPrefix(op, "Describe") && !strings.HasPrefix(op, "Get") && !strings.HasPrefix(op, "List") && !strings.HasPrefix(op, "BatchGet") {
			n++
		}
	}
	return n
}

// TestRemediationAdaptersOnDemo runs every catalogue remediation on every
// failed demo finding: the dry run writes nothing, the fix is verified, a
// second run is compliant with no write, and the check then passes for
// that resource.
func TestRemediationAdaptersOnDemo(t *testing.T) {
	ctx := context.Background()
	for _, c := range Controls() {
		if c.Remediate == nil {
			continue
		}
		t.Run(c.ID, func(t *testing.T) {
			acct := fakeaws.Demo()
			regions := acct.EnabledRegions()
			if c.Scope == secpillar.ScopeAccount {
				regions = []string{"us-east-1"}
			}
			fixed := 0
			for _, region := range regions {
				cfg := acct.Config(func(cfg *aws.Config) { cfg.Region = region })
				fs, err := c.Check(ctx, cfg)
				if err != nil {
					t.Fatal(err)
				}
				for _, f := range fs {
					if f.Status != secpillar.StatusFail {
						continue
					}
					if f.Resource.Region == "" && c.Scope == secpillar.ScopeRegional {
						f.Resource.Region = region // as Run fills it in
					}
					before := writes(acct)
					plan, err := c.Remediate(ctx, acct.Config(), f, secpillar.RemediateOptions{DryRun: true})
					if c.ID == ControlCloudFrontViewerTLSPolicy && err != nil && strings.Contains(err.Error(), "default CloudFront certificate") {
						continue // no automatic fix exists for the default certificate
					}
					if err != nil || plan.Outcome != secpillar.OutcomePlanned || len(plan.Changes) == 0 || writes(acct) != before {
						t.Fatalf("dry run for %s: %+v, %v", f.Resource.ID, plan, err)
					}
					rem, err := c.Remediate(ctx, acct.Config(), f, secpillar.RemediateOptions{})
					if err != nil || rem.Outcome != secpillar.OutcomeChanged || rem.Undo == "" {
						t.Fatalf("remediate %s: %+v, %v", f.Resource.ID, rem, err)
					}
					if rem.Resource.ID != f.Resource.ID || rem.Resource.Type != f.Resource.Type || rem.Control != c.ID {
						t.Errorf("the remediation reports %+v, the finding %+v", rem.Resource, f.Resource)
					}
					after := writes(acct)
					again, err := c.Remediate(ctx, acct.Config(), f, secpillar.RemediateOptions{})
					if err != nil || again.Outcome != secpillar.OutcomeCompliant || writes(acct) != after {
						t.Fatalf("second run for %s: %+v, %v", f.Resource.ID, again, err)
					}
					fixed++
				}
				fs, err = c.Check(ctx, cfg)
				if err != nil {
					t.Fatal(err)
				}
				for _, f := range fs {
					if f.Status == secpillar.StatusFail && !(c.ID == ControlCloudFrontViewerTLSPolicy && f.Evidence["default_certificate"] == "true") {
						t.Errorf("still failing after remediation: %+v", f)
					}
				}
			}
			if fixed == 0 {
				t.Errorf("the demo has nothing for %s to fix", c.ID)
			}
		})
	}
}
