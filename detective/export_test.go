package detective_test

import (
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	shtypes "github.com/aws/aws-sdk-go-v2/service/securityhub/types"
	"github.com/google/go-cmp/cmp"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/detective"
	"github.com/secpillar/secpillar/internal/fakeaws"
)

func exportFindings(n int) []secpillar.Finding {
	var out []secpillar.Finding
	for i := 0; i < n; i++ {
		out = append(out, secpillar.Finding{
			Control: detective.IDCloudTrailLogValidation, Status: []secpillar.Status{secpillar.StatusPass, secpillar.StatusFail, secpillar.StatusNotApplicable, secpillar.StatusError}[i%4],
			Severity: secpillar.SeverityMedium,
			Resource: secpillar.Resource{Type: detective.TrailResourceType, ID: fmt.Sprintf("arn:aws:cloudtrail:eu-west-1:%s:trail/t%03d", acctID, i), Region: "eu-west-1", Account: acctID},
			Reason:   "Trail does not validate its log files.", Evidence: map[string]string{"log_file_validation": "false"},
		})
	}
	return out
}

func TestExportToSecurityHubRoundTrip(t *testing.T) {
	acct := fakeaws.New(acctID)
	acct.SecurityHub.Region("eu-west-1").Enabled = true
	api := securityhub.NewFromConfig(cfgIn(acct, "eu-west-1"))
	findings := exportFindings(250)
	// One finding with fields far over the limits.
	findings[7].Reason = strings.Repeat("é", 5000)
	findings[7].Resource.ID = "arn:aws:cloudtrail:eu-west-1:" + acctID + ":trail/" + strings.Repeat("x", 700)
	for i := 0; i < 80; i++ {
		findings[7].Evidence[fmt.Sprintf("k%02d", i)] = strings.Repeat("v", 3000)
	}
	// One finding of another account, which Security Hub refuses.
	findings[11].Resource.Account = "999988887777"
	opts := detective.ASFFOptions{Region: "eu-west-1", Controls: detective.Controls(), Now: func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }}
	res, err := detective.ExportToSecurityHub(ctx, api, findings, opts)
	if err != nil {
		t.Fatal(err)
	}
	if res.Calls != 3 || acct.CallCount("SecurityHub", "BatchImportFindings") != 3 {
		t.Errorf("calls = %d, want 3 batches of at most 100", res.Calls)
	}
	if res.Imported != 249 || len(res.Failed) != 1 || res.Failed[0].Index != 11 || res.Failed[0].Code != "InvalidInput" {
		t.Errorf("result = %+v", res)
	}
	var got []shtypes.AwsSecurityFinding
	p := securityhub.NewGetFindingsPaginator(api, &securityhub.GetFindingsInput{})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, out.Findings...)
	}
	if len(got) != 249 {
		t.Fatalf("stored %d findings, want 249", len(got))
	}
	long := got[7]
	if utf8.RuneCountInString(aws.ToString(long.Description)) != detective.ASFFMaxDescription || len(aws.ToString(long.Id)) > detective.ASFFMaxID || len(long.ProductFields) > detective.ASFFMaxProductFields {
		t.Errorf("long finding not bounded: desc %d, id %d, fields %d", utf8.RuneCountInString(aws.ToString(long.Description)), len(aws.ToString(long.Id)), len(long.ProductFields))
	}
	first := got[1]
	want := []string{"CIS AWS Foundations Benchmark v3.0.0/3.2", "AWS Foundational Security Best Practices/CloudTrail.4"}
	if diff := cmp.Diff(want, first.Compliance.RelatedRequirements); diff != "" {
		t.Errorf("requirements (-want +got):\n%s", diff)
	}
	if first.Compliance.Status != shtypes.ComplianceStatusFailed || first.Severity.Label != shtypes.SeverityLabelMedium || aws.ToString(first.Title) != "CloudTrail log file validation is enabled" ||
		aws.ToString(first.Resources[0].Type) != "AwsCloudTrailTrail" || aws.ToString(first.UpdatedAt) != "2026-01-02T03:04:05.000Z" {
		t.Errorf("finding 1 = %+v", first)
	}
	if got[0].Compliance.Status != shtypes.ComplianceStatusPassed || got[0].Severity.Label != shtypes.SeverityLabelInformational || got[0].Workflow.Status != shtypes.WorkflowStatusResolved {
		t.Errorf("passed finding = %+v", got[0])
	}
	// Exporting again updates in place.
	if _, err := detective.ExportToSecurityHub(ctx, api, findings, opts); err != nil {
		t.Fatal(err)
	}
	if n := len(acct.SecurityHub.Region("eu-west-1").Findings); n != 249 {
		t.Errorf("after re-export %d findings, want 249", n)
	}
}

func TestExportErrors(t *testing.T) {
	acct := fakeaws.New(acctID)
	api := securityhub.NewFromConfig(cfgIn(acct, "eu-west-1"))
	if _, err := detective.ExportToSecurityHub(ctx, api, exportFindings(1), detective.ASFFOptions{}); err == nil || acct.CallCount("SecurityHub", "") != 0 {
		t.Errorf("no Region: %v", err)
	}
	noAcct := exportFindings(1)
	noAcct[0].Resource.Account = ""
	if _, err := detective.ExportToSecurityHub(ctx, api, noAcct, detective.ASFFOptions{Region: "eu-west-1"}); err == nil {
		t.Error("no account: want an error")
	}
	if _, err := detective.ExportToSecurityHub(ctx, api, noAcct, detective.ASFFOptions{Region: "eu-west-1", AccountID: acctID}); err == nil || !strings.Contains(err.Error(), "not subscribed") {
		t.Errorf("hub off: %v", err)
	}
	acct.SecurityHub.Region("eu-west-1").Enabled = true
	acct.DenyAccess("SecurityHub", "BatchImportFindings", "")
	res, err := detective.ExportToSecurityHub(ctx, api, exportFindings(150), detective.ASFFOptions{Region: "eu-west-1"})
	if err == nil || res.Calls != 1 || res.Imported != 0 {
		t.Errorf("denied: %+v %v", res, err)
	}
	if _, err := detective.ToASFF([]secpillar.Finding{{Control: "x", Status: "MAYBE", Resource: secpillar.Resource{Account: acctID}}}, detective.ASFFOptions{Region: "eu-west-1"}); err == nil {
		t.Error("unknown status: want an error")
	}
}

func TestFakeRejectsOversizedBatches(t *testing.T) {
	acct := fakeaws.New(acctID)
	acct.SecurityHub.Region("us-east-1").Enabled = true
	asff, err := detective.ToASFF(exportFindings(101), detective.ASFFOptions{Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = securityhub.NewFromConfig(acct.Config()).BatchImportFindings(ctx, &securityhub.BatchImportFindingsInput{Findings: asff})
	if err == nil || !strings.Contains(err.Error(), "1 to 100") {
		t.Errorf("101 findings: %v", err)
	}
}
