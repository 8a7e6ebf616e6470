package identity

import (
	"context"
	"sort"
	"strings"
	"testing"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/internal/fakeaws"
)

// actionOf maps a recorded call to its IAM action.
func actionOf(c fakeaws.Call) string {
	prefix := map[string]string{"IAM": "iam", "Organizations": "organizations", "AccessAnalyzer": "access-analyzer", "Account": "account", "STS": "sts"}[c.Service]
	return prefix + ":" + c.Operation
}

func TestControlsMetadata(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range Controls() {
		if !strings.HasPrefix(c.ID, "identity.") || seen[c.ID] {
			t.Errorf("bad or duplicate ID %q", c.ID)
		}
		seen[c.ID] = true
		if c.Title == "" || c.Domain != secpillar.DomainIdentity || c.Severity.Rank() == 0 || c.Check == nil || len(c.Permissions) == 0 {
			t.Errorf("%s: incomplete metadata %+v", c.ID, c)
		}
		if c.Remediate != nil && len(c.RemediationPermissions) == 0 {
			t.Errorf("%s: a Remediate adapter without RemediationPermissions", c.ID)
		}
	}
	if len(seen) != 23 {
		t.Errorf("%d controls, want the 23 rows of CONTROLS.md", len(seen))
	}
}

// TestControlsCallOnlyTheirPermissions runs every adapter against the demo
// account and checks that each calls only the actions it declares.
func TestControlsCallOnlyTheirPermissions(t *testing.T) {
	for _, c := range Controls() {
		t.Run(c.ID, func(t *testing.T) {
			acct := demoAccount()
			if _, err := c.Check(context.Background(), acct.Config()); err != nil {
				t.Fatalf("check: %v", err)
			}
			allowed := map[string]bool{}
			for _, p := range c.Permissions {
				allowed[p] = true
			}
			var extra []string
			for _, call := range acct.Calls() {
				if a := actionOf(call); !allowed[a] {
					extra = append(extra, a)
				}
			}
			sort.Strings(extra)
			if len(extra) > 0 {
				t.Errorf("calls outside Permissions: %v", extra)
			}
		})
	}
}
