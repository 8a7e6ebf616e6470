package identity

import (
	"context"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

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
		t.Errorf("%d controls, want the 23 identity controls of the catalogue", len(seen))
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

// TestRemediationAdaptersDryRun runs every Remediate adapter in dry-run
// mode on the demo account's failed findings: no write may happen, and
// every adapter must plan something (or say why it cannot).
func TestRemediationAdaptersDryRun(t *testing.T) {
	acct := demoAccount()
	inOrg(acct, "ALL", acct.ID) // the demo's management account view
	acct.Organizations.ServiceAccess = nil
	controls := Controls()
	rep, err := secpillar.Run(context.Background(), acct.Config(), controls)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]secpillar.Control{}
	for _, c := range controls {
		byID[c.ID] = c
	}
	acct.ResetCalls()
	planned := map[string]int{}
	for _, f := range rep.Findings {
		c := byID[f.Control]
		if f.Status != secpillar.StatusFail || c.Remediate == nil {
			continue
		}
		rem, err := c.Remediate(context.Background(), acct.Config(), f, secpillar.RemediateOptions{DryRun: true})
		if err != nil {
			t.Errorf("%s %s: %v", f.Control, f.Resource.ID, err)
			continue
		}
		if rem.Outcome != secpillar.OutcomePlanned || len(rem.Changes) == 0 {
			t.Errorf("%s %s: outcome %s with %d changes, want a plan", f.Control, f.Resource.ID, rem.Outcome, len(rem.Changes))
		}
		planned[f.Control]++
		for _, ch := range rem.Changes {
			allowed := false
			for _, p := range c.RemediationPermissions {
				allowed = allowed || p == ch.Action
			}
			if !allowed {
				t.Errorf("%s: change action %s is not in RemediationPermissions", f.Control, ch.Action)
			}
		}
	}
	for _, call := range acct.Calls() {
		op := call.Operation
		if !strings.HasPrefix(op, "Get") && !strings.HasPrefix(op, "List") && !strings.HasPrefix(op, "Describe") {
			t.Errorf("dry run made a write: %s.%s", call.Service, op)
		}
	}
	for _, id := range []string{ControlPasswordPolicy, ControlNoInitialAccessKeys, ControlUnusedCredentialsDisabled, ControlAccessKeysRotated,
		ControlExpiredCertificatesRemoved, ControlAccessAnalyzerEnabled, ControlCentralRootManagement, ControlSTSGlobalTokensV2} {
		if planned[id] == 0 {
			t.Errorf("%s: no remediation planned on the demo", id)
		}
	}
}

// TestControlsCallOnlyTheirPermissionsInAnOrganization repeats the
// permission test from a management account, where the Organizations and
// root access reads succeed.
func TestControlsCallOnlyTheirPermissionsInAnOrganization(t *testing.T) {
	for _, c := range Controls() {
		acct := demoAccount()
		inOrg(acct, "ALL", acct.ID)
		acct.Organizations.ServiceAccess = []orgtypes.EnabledServicePrincipal{{ServicePrincipal: ptr("iam.amazonaws.com")}}
		respond(acct, "Organizations", "ListAccounts", &organizations.ListAccountsOutput{Accounts: []orgtypes.Account{{Id: ptr(acct.ID)}}}, nil)
		if _, err := c.Check(context.Background(), acct.Config()); err != nil {
			t.Errorf("%s: %v", c.ID, err)
			continue
		}
		allowed := map[string]bool{}
		for _, p := range c.Permissions {
			allowed[p] = true
		}
		used := map[string]bool{}
		for _, call := range acct.Calls() {
			a := actionOf(call)
			used[a] = true
			if !allowed[a] {
				t.Errorf("%s: calls %s, not in Permissions", c.ID, a)
			}
		}
		for _, p := range c.Permissions {
			if !used[p] && p != "iam:ListVirtualMFADevices" {
				t.Errorf("%s: Permissions lists %s, which the check did not call", c.ID, p)
			}
		}
	}
}
