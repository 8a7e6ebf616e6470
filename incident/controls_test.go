package incident_test

import (
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/incident"
	"github.com/secpillar/secpillar/internal/fakeaws"
)

var iamPrefix = map[string]string{"CloudFormation": "cloudformation", "EventBridge": "events", "SNS": "sns", "STS": "sts", "EC2": "ec2"}

// TestControlPermissions runs every Check on the demo account and compares
// the operations it called with the control's Permissions.
func TestControlPermissions(t *testing.T) {
	for _, c := range incident.Controls() {
		t.Run(c.ID, func(t *testing.T) {
			acct := fakeaws.Demo()
			if _, err := c.Check(bg, acct.Config()); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, op := range acct.Operations() {
				svc, name, _ := strings.Cut(op, ".")
				got = append(got, iamPrefix[svc]+":"+name)
			}
			want := slices.Clone(c.Permissions)
			sort.Strings(want)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("permissions (-declared +called):\n%s", diff)
			}
		})
	}
}

func TestControlsMetadata(t *testing.T) {
	want := []string{
		"incident.eventbridge-bus-not-public", "incident.security-alert-rules", "incident.stack-no-drift",
		"incident.stack-not-failed", "incident.stack-notifications", "incident.stack-termination-protection",
	}
	var got []string
	for _, c := range incident.Controls() {
		got = append(got, c.ID)
		if c.Domain != secpillar.DomainIncident || c.Title == "" || c.Severity.Rank() == 0 || c.Check == nil || c.Scope != secpillar.ScopeRegional {
			t.Errorf("%s: incomplete metadata %+v", c.ID, c)
		}
		if (c.Remediate == nil) != (len(c.RemediationPermissions) == 0) && c.ID != incident.SecurityAlertRulesID {
			t.Errorf("%s: remediation permissions without adapter or the reverse", c.ID)
		}
	}
	sort.Strings(got)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("control IDs (-want +got):\n%s", diff)
	}
}

// TestDemoAccount runs the catalogue on the demo account: every control
// evaluates, with both passes and failures.
func TestDemoAccount(t *testing.T) {
	acct := fakeaws.Demo()
	rep, err := secpillar.Run(bg, acct.Config(), incident.Controls())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Incomplete {
		t.Fatalf("incomplete: %+v", rep.Errors)
	}
	byControl := map[string]map[secpillar.Status]int{}
	for _, f := range rep.Findings {
		if byControl[f.Control] == nil {
			byControl[f.Control] = map[secpillar.Status]int{}
		}
		byControl[f.Control][f.Status]++
	}
	for _, c := range incident.Controls() {
		if byControl[c.ID][secpillar.StatusPass] == 0 || byControl[c.ID][secpillar.StatusFail] == 0 {
			t.Errorf("%s: %v, want passes and failures", c.ID, byControl[c.ID])
		}
	}
}

// TestRemediationPermissions runs every Remediate adapter on the demo's
// failed findings and checks that it calls only what Permissions and
// RemediationPermissions declare.
func TestRemediationPermissions(t *testing.T) {
	for _, c := range incident.Controls() {
		if c.Remediate == nil {
			continue
		}
		t.Run(c.ID, func(t *testing.T) {
			acct := fakeaws.Demo()
			cfg := acct.Config()
			fs, err := c.Check(bg, cfg)
			if err != nil {
				t.Fatal(err)
			}
			acct.ResetCalls()
			fixed := 0
			for _, f := range fs {
				if f.Status != secpillar.StatusFail {
					continue
				}
				rem, err := c.Remediate(bg, cfg, f, secpillar.RemediateOptions{})
				if err != nil {
					t.Fatalf("%s: %v", f.Resource.ID, err)
				}
				if rem.Outcome == secpillar.OutcomeChanged || rem.Outcome == secpillar.OutcomeVerifyPending {
					fixed++
				}
			}
			if fixed == 0 {
				t.Fatal("nothing remediated on the demo")
			}
			allowed := append(slices.Clone(c.Permissions), c.RemediationPermissions...)
			for _, op := range acct.Operations() {
				svc, name, _ := strings.Cut(op, ".")
				if p := iamPrefix[svc] + ":" + name; !slices.Contains(allowed, p) {
					t.Errorf("called %s, not declared", p)
				}
			}
		})
	}
}
