package identity

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/secpillar/secpillar"
)

// TestDemoAccount runs the catalogue on the demo account: some controls
// pass, some fail, across Regions, and nothing errors.
func TestDemoAccount(t *testing.T) {
	acct := demoAccount()
	acct.IAM.ReportReadyAfter = 0 // the real generation states, shared by Run
	rep, err := secpillar.Run(context.Background(), acct.Config(), Controls())
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Errors) > 0 {
		t.Fatalf("errors: %+v", rep.Errors)
	}
	// Seven controls read the credential report; through its STARTED and
	// INPROGRESS states they share it rather than generate seven.
	counts := acct.CallCounts()
	t.Logf("credential report calls: generate %d, get %d", counts["IAM.GenerateCredentialReport"], counts["IAM.GetCredentialReport"])
	if g, r := counts["IAM.GenerateCredentialReport"], counts["IAM.GetCredentialReport"]; g > 3*7 || r > 7 || r == 0 {
		t.Errorf("credential report calls: generate %d, get %d", g, r)
	}
	got := map[string][]string{}
	for _, f := range rep.Findings {
		name := f.Resource.ID[strings.LastIndex(f.Resource.ID, "/")+1:]
		if f.Resource.Type == secpillar.AccountResourceType {
			name = "account"
			if f.Resource.Region != "" && f.Control == ControlAccessAnalyzerEnabled {
				name = f.Resource.Region
			}
		}
		got[f.Control] = append(got[f.Control], fmt.Sprintf("%s=%s", name, f.Status))
	}
	for _, v := range got {
		sort.Strings(v)
	}
	want := map[string][]string{
		ControlRootNoAccessKeys:           {"account=PASS"},
		ControlRootMFAEnabled:             {"account=PASS"},
		ControlRootHardwareMFA:            {"account=FAIL"},
		ControlRootNotUsed:                {"account=FAIL"},
		ControlPasswordPolicy:             {"account=FAIL"},
		ControlConsoleUsersMFA:            {"alice=PASS", "bob=FAIL", "carol=PASS", "ci-bot=NOT_APPLICABLE"},
		ControlNoInitialAccessKeys:        {"alice=PASS", "bob=FAIL", "carol=PASS", "ci-bot=NOT_APPLICABLE"},
		ControlUnusedCredentialsDisabled:  {"alice=PASS", "bob=FAIL", "carol=PASS", "ci-bot=FAIL"},
		ControlSingleActiveAccessKey:      {"alice=PASS", "bob=PASS", "carol=PASS", "ci-bot=FAIL"},
		ControlAccessKeysRotated:          {"alice=PASS", "bob=FAIL", "carol=PASS", "ci-bot=FAIL"},
		ControlUserPermissionsViaGroups:   {"alice=PASS", "bob=PASS", "carol=FAIL", "ci-bot=FAIL"},
		ControlNoAdminPolicies:            {"AdministratorAccess=FAIL", "AWSSupportAccess=PASS", "DeployPipeline=PASS", "DeveloperAccess=PASS", "ReadReports=NOT_APPLICABLE", "SecurityAudit=PASS", "carol=PASS"},
		ControlNoWildcardServiceActions:   {"DeployPipeline=PASS", "DeveloperAccess=FAIL", "ReadReports=PASS"},
		ControlSupportRoleExists:          {"account=PASS"},
		ControlExpiredCertificatesRemoved: {"api=PASS", "legacy-www=FAIL"},
		ControlAccessAnalyzerEnabled:      {"ap-southeast-2=FAIL", "eu-west-1=FAIL", "us-east-1=PASS"},
		ControlOrganizationsMember:        {"account=PASS"},
		ControlCentralRootManagement:      {"account=FAIL"},
		ControlSecurityContactRegistered:  {"account=PASS"},
		ControlSTSGlobalTokensV2:          {"account=FAIL"},
	}
	for id, w := range want {
		sort.Strings(w)
		if diff := cmp.Diff(w, got[id]); diff != "" {
			t.Errorf("%s (-want +got):\n%s", id, diff)
		}
	}
	trust := strings.Join(got[ControlRoleTrustNotPublic], " ")
	if !strings.Contains(trust, "public-reader=FAIL") || !strings.Contains(trust, "vendor-audit=PASS") {
		t.Errorf("role trust: %s", trust)
	}
	ext := strings.Join(got[ControlCrossAccountTrustExternalID], " ")
	if !strings.Contains(ext, "partner-deploy=FAIL") || !strings.Contains(ext, "vendor-audit=PASS") || !strings.Contains(ext, "support=PASS") || !strings.Contains(ext, "security-audit=PASS") {
		t.Errorf("cross-account trust: %s", ext)
	}
	esc := strings.Join(got[ControlNoPrivilegeEscalation], " ")
	for _, w := range []string{"ci-bot=FAIL", "admins=FAIL", "public-reader=FAIL", "AWSServiceRoleForSupport=NOT_APPLICABLE", "order-processor=PASS", "bob=PASS"} {
		if !strings.Contains(esc, w) {
			t.Errorf("privilege escalation: want %s in %s", w, esc)
		}
	}
}
