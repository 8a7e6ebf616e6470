package detective_test

import (
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/detective"
	"github.com/secpillar/secpillar/internal/fakeaws"
)

var iamPrefix = map[string]string{
	"CloudTrail": "cloudtrail", "CloudWatch": "cloudwatch", "CloudWatch Logs": "logs", "Config Service": "config",
	"GuardDuty": "guardduty", "SecurityHub": "securityhub", "Macie2": "macie2", "SNS": "sns", "S3": "s3", "S3 Control": "s3",
}

func TestCatalogue(t *testing.T) {
	controls := detective.Controls()
	seen := map[string]bool{}
	for _, c := range controls {
		if seen[c.ID] {
			t.Errorf("duplicate control %s", c.ID)
		}
		seen[c.ID] = true
		if !strings.HasPrefix(c.ID, "detective.") || c.Title == "" || c.Domain != secpillar.DomainDetective || c.Severity.Rank() == 0 || c.Check == nil || len(c.Permissions) == 0 {
			t.Errorf("control %s is incomplete: %+v", c.ID, c)
		}
		if c.Scope != secpillar.ScopeAccount && c.Scope != secpillar.ScopeRegional {
			t.Errorf("%s: scope %q", c.ID, c.Scope)
		}
	}
	for _, id := range []string{
		"detective.cloudtrail-multi-region", "detective.cloudtrail-log-validation", "detective.cloudtrail-kms-encrypted",
		"detective.cloudtrail-cloudwatch-logs", "detective.cloudtrail-s3-write-events", "detective.cloudtrail-s3-read-events",
		"detective.config-recorder-enabled", "detective.securityhub-enabled", "detective.guardduty-enabled",
		"detective.guardduty-protection-plans", "detective.guardduty-no-high-findings", "detective.macie-enabled",
		"detective.log-group-retention", "detective.cloudtrail-bucket-not-public", "detective.cloudtrail-bucket-access-logging",
		"detective.alarm-unauthorized-api-calls", "detective.alarm-console-signin-without-mfa", "detective.alarm-root-usage",
		"detective.alarm-iam-policy-changes", "detective.alarm-cloudtrail-changes", "detective.alarm-console-auth-failures",
		"detective.alarm-cmk-disable-or-deletion", "detective.alarm-s3-bucket-policy-changes", "detective.alarm-config-changes",
		"detective.alarm-security-group-changes", "detective.alarm-nacl-changes", "detective.alarm-network-gateway-changes",
		"detective.alarm-route-table-changes", "detective.alarm-vpc-changes", "detective.alarm-organizations-changes",
	} {
		if !seen[id] {
			t.Errorf("control %s missing from Controls()", id)
		}
	}
}

// TestPermissionsMatchCalls runs every check against the demo account and
// compares the IAM actions of the calls it made with its Permissions.
func TestPermissionsMatchCalls(t *testing.T) {
	for _, c := range detective.Controls() {
		t.Run(c.ID, func(t *testing.T) {
			acct := fakeaws.Demo()
			regions := []string{"us-east-1"}
			if c.Scope == secpillar.ScopeRegional {
				regions = acct.EnabledRegions()
			}
			for _, r := range regions {
				if _, err := c.Check(ctx, cfgIn(acct, r)); err != nil {
					t.Fatalf("%s: %v", r, err)
				}
			}
			got := map[string]bool{}
			for _, call := range acct.Calls() {
				p, ok := iamPrefix[call.Service]
				if !ok {
					t.Fatalf("call to unmapped service %s", call.Service)
				}
				op := call.Operation
				switch call.Service + "." + op {
				case "S3.ListBuckets":
					op = "ListAllMyBuckets"
				case "S3.GetPublicAccessBlock":
					op = "GetBucketPublicAccessBlock"
				case "S3 Control.GetPublicAccessBlock":
					op = "GetAccountPublicAccessBlock"
				}
				got[p+":"+op] = true
			}
			var calls []string
			for k := range got {
				calls = append(calls, k)
			}
			sort.Strings(calls)
			want := append([]string(nil), c.Permissions...)
			sort.Strings(want)
			if diff := cmp.Diff(want, calls); diff != "" {
				t.Errorf("Permissions vs calls (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDemoHasPassAndFail(t *testing.T) {
	acct := fakeaws.Demo()
	rep, err := secpillar.Run(ctx, acct.Config(), detective.Controls(), func(o *secpillar.RunOptions) { o.Concurrency = 1 })
	if err != nil {
		t.Fatal(err)
	}
	count := map[secpillar.Status]int{}
	regions := map[string]map[secpillar.Status]bool{}
	byControl := map[string]secpillar.Status{}
	for _, f := range rep.Findings {
		count[f.Status]++
		if regions[f.Resource.Region] == nil {
			regions[f.Resource.Region] = map[secpillar.Status]bool{}
		}
		regions[f.Resource.Region][f.Status] = true
		if f.Status == secpillar.StatusError {
			t.Errorf("%s in %s: %s", f.Control, f.Resource.Region, f.Reason)
		}
		if byControl[f.Control] != secpillar.StatusFail {
			byControl[f.Control] = f.Status
		}
	}
	if count[secpillar.StatusPass] == 0 || count[secpillar.StatusFail] == 0 {
		t.Errorf("counts %v: want passes and fails", count)
	}
	for _, r := range []string{"us-east-1", "eu-west-1"} {
		if !regions[r][secpillar.StatusPass] || !regions[r][secpillar.StatusFail] {
			t.Errorf("%s: %v, want passes and fails", r, regions[r])
		}
	}
	want := map[string]secpillar.Status{
		"detective.cloudtrail-multi-region": secpillar.StatusPass, "detective.cloudtrail-s3-write-events": secpillar.StatusPass,
		"detective.cloudtrail-s3-read-events": secpillar.StatusFail, "detective.alarm-unauthorized-api-calls": secpillar.StatusPass,
		"detective.alarm-root-usage": secpillar.StatusFail, "detective.alarm-console-auth-failures": secpillar.StatusFail,
		"detective.alarm-vpc-changes": secpillar.StatusFail, "detective.alarm-iam-policy-changes": secpillar.StatusPass,
		"detective.guardduty-no-high-findings": secpillar.StatusFail,
	}
	for id, st := range want {
		if byControl[id] != st {
			t.Errorf("%s = %s, want %s", id, byControl[id], st)
		}
	}
}

func TestSyntheticAccountRuns(t *testing.T) {
	acct := fakeaws.Synthetic(fakeaws.SyntheticParams{Seed: 7, Regions: 3})
	rep, err := secpillar.Run(ctx, acct.Config(), detective.Controls(), func(o *secpillar.RunOptions) { o.Concurrency = 1 })
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range rep.Findings {
		if f.Status == secpillar.StatusError {
			t.Errorf("%s in %s: %s", f.Control, f.Resource.Region, f.Reason)
		}
	}
}
