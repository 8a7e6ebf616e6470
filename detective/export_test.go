package detective_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	shtypes "github.com/aws/aws-sdk-go-v2/service/securityhub/types"
	"github.com/google/go-cmp/cmp"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/detective"
	"github.com/secpillar/secpillar/internal/fakeaws"
	"github.com/secpillar/secpillar/report"
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

var exportNow = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func TestExportToSecurityHubRoundTrip(t *testing.T) {
	acct := fakeaws.New(acctID)
	acct.SecurityHub.Region("eu-west-1").Enabled = true
	api := securityhub.NewFromConfig(cfgIn(acct, "eu-west-1"))
	findings := exportFindings(250)
	// One failed finding with fields far over the limits.
	findings[9].Reason = strings.Repeat("é", 5000)
	findings[9].Resource.ID = "arn:aws:cloudtrail:eu-west-1:" + acctID + ":trail/" + strings.Repeat("x", 700)
	for i := 0; i < 80; i++ {
		findings[9].Evidence[fmt.Sprintf("k%02d", i)] = strings.Repeat("v", 3000)
	}
	// One finding of another account, which Security Hub refuses.
	findings[11].Resource.Account = "999988887777"
	opts := report.ASFFOptions{Region: "eu-west-1", Controls: detective.Controls(), Now: exportNow}
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
	// The export sends exactly what report.ASFF makes: the same Ids as a
	// file written with report.WriteASFF.
	asff := report.ASFF(findings, opts)
	for i, j := 0, 0; i < len(asff); i++ {
		if i == 11 {
			continue
		}
		if aws.ToString(got[j].Id) != asff[i].Id {
			t.Errorf("stored finding %d has Id %q, report.ASFF gives %q", j, aws.ToString(got[j].Id), asff[i].Id)
		}
		j++
	}
	long := got[9]
	if n := len(aws.ToString(long.Description)); n > report.ASFFMaxDescription || n < report.ASFFMaxDescription-3 || !strings.HasSuffix(aws.ToString(long.Description), "…") {
		t.Errorf("long description: %d bytes, want cut to %d with an ellipsis", n, report.ASFFMaxDescription)
	}
	if len(aws.ToString(long.Id)) > report.ASFFMaxID || len(aws.ToString(long.Resources[0].Id)) > report.ASFFMaxID ||
		len(long.ProductFields) > report.ASFFMaxProductFields || long.ProductFields["secpillar/EvidenceOmitted"] != "34" ||
		len(aws.ToString(long.Remediation.Recommendation.Text)) > report.ASFFMaxRecommendation {
		t.Errorf("long finding not bounded: id %d, resource id %d, fields %d (omitted %q), recommendation %d", len(aws.ToString(long.Id)),
			len(aws.ToString(long.Resources[0].Id)), len(long.ProductFields), long.ProductFields["secpillar/EvidenceOmitted"], len(aws.ToString(long.Remediation.Recommendation.Text)))
	}
	first := got[1]
	want := []string{"CIS AWS Foundations Benchmark v3.0.0/3.2", "AWS Foundational Security Best Practices/CloudTrail.4"}
	if diff := cmp.Diff(want, first.Compliance.RelatedRequirements); diff != "" {
		t.Errorf("requirements (-want +got):\n%s", diff)
	}
	if first.Compliance.Status != shtypes.ComplianceStatusFailed || first.Severity.Label != shtypes.SeverityLabelMedium || aws.ToString(first.Title) != "CloudTrail log file validation is enabled" ||
		aws.ToString(first.Resources[0].Type) != "AwsCloudTrailTrail" || aws.ToString(first.UpdatedAt) != "2026-01-02T03:04:05.000Z" ||
		first.Workflow.Status != shtypes.WorkflowStatusNew || aws.ToString(first.Remediation.Recommendation.Text) != findings[1].Reason ||
		aws.ToString(first.ProductArn) != "arn:aws:securityhub:eu-west-1:"+acctID+":product/"+acctID+"/default" {
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

// An account-level finding made without its account (as a check called
// directly makes it) is exported with ASFFOptions.AccountID.
func TestExportAccountID(t *testing.T) {
	acct := fakeaws.New(acctID)
	acct.SecurityHub.Region("eu-west-1").Enabled = true
	api := securityhub.NewFromConfig(cfgIn(acct, "eu-west-1"))
	f := secpillar.Finding{Control: detective.IDSecurityHubEnabled, Status: secpillar.StatusFail, Resource: secpillar.AccountResource(""), Reason: "Enable it."}
	res, err := detective.ExportToSecurityHub(ctx, api, []secpillar.Finding{f}, report.ASFFOptions{Region: "eu-west-1", AccountID: acctID, Controls: detective.Controls(), Now: exportNow})
	if err != nil || res.Imported != 1 {
		t.Fatalf("export: %+v, %v", res, err)
	}
	stored := acct.SecurityHub.Region("eu-west-1").Findings[0]
	if aws.ToString(stored.AwsAccountId) != acctID || aws.ToString(stored.Resources[0].Id) != "AWS::::Account:"+acctID || stored.Severity.Label == "" {
		t.Errorf("stored = %+v", stored)
	}
}

// sizeHub records the size of each BatchImportFindings request and
// accepts every finding.
type sizeHub struct{ counts, bytes []int }

func (h *sizeHub) BatchImportFindings(ctx context.Context, in *securityhub.BatchImportFindingsInput, optFns ...func(*securityhub.Options)) (*securityhub.BatchImportFindingsOutput, error) {
	b, err := json.Marshal(in.Findings)
	if err != nil {
		return nil, err
	}
	h.counts, h.bytes = append(h.counts, len(in.Findings)), append(h.bytes, len(b))
	return &securityhub.BatchImportFindingsOutput{SuccessCount: aws.Int32(int32(len(in.Findings))), FailedCount: aws.Int32(0)}, nil
}

func TestExportBatchBytes(t *testing.T) {
	findings := exportFindings(100)
	for i := range findings {
		for k := 0; k < 60; k++ {
			findings[i].Evidence[fmt.Sprintf("k%02d", k)] = strings.Repeat("v", 3000)
		}
	}
	hub := &sizeHub{}
	res, err := detective.ExportToSecurityHub(ctx, hub, findings, report.ASFFOptions{Region: "eu-west-1", Now: exportNow})
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for i, n := range hub.bytes {
		if n > report.MaxBatchImportBytes {
			t.Errorf("request %d: %d bytes, more than %d", i, n, report.MaxBatchImportBytes)
		}
		total += hub.counts[i]
	}
	if len(hub.counts) < 2 || total != 100 || res.Imported != 100 || res.Calls != len(hub.counts) {
		t.Errorf("requests %v (%v bytes), result %+v: want 100 findings over several requests", hub.counts, hub.bytes, res)
	}
}

func TestExportErrors(t *testing.T) {
	noAcct := exportFindings(1)
	noAcct[0].Resource = secpillar.AccountResource("")
	with := func(fn func(*secpillar.Finding)) []secpillar.Finding {
		f := exportFindings(1)
		fn(&f[0])
		return f
	}
	tests := []struct {
		name     string
		findings []secpillar.Finding
		opts     report.ASFFOptions
		wants    string
	}{
		{"no Region", exportFindings(1), report.ASFFOptions{}, "Region is empty"},
		{"product in another Region", exportFindings(1), report.ASFFOptions{Region: "eu-west-1", ProductARN: report.DefaultProductARN("us-east-1", acctID)}, "not a Security Hub product in eu-west-1"},
		{"malformed AccountID", noAcct, report.ASFFOptions{Region: "eu-west-1", AccountID: "1234"}, `AccountID "1234"`},
		{"no account", noAcct, report.ASFFOptions{Region: "eu-west-1"}, "ASFFOptions.AccountID"},
		{"no control", with(func(f *secpillar.Finding) { f.Control = "" }), report.ASFFOptions{Region: "eu-west-1"}, "no control ID"},
		{"unknown status", with(func(f *secpillar.Finding) { f.Status = "MAYBE" }), report.ASFFOptions{Region: "eu-west-1"}, `unknown status "MAYBE"`},
		{"unknown severity", with(func(f *secpillar.Finding) { f.Severity = "SEVERE" }), report.ASFFOptions{Region: "eu-west-1"}, `unknown severity "SEVERE"`},
		{"failed without severity", with(func(f *secpillar.Finding) { f.Status, f.Severity = secpillar.StatusFail, "" }), report.ASFFOptions{Region: "eu-west-1"}, "without a severity"},
		{"resource without ID", with(func(f *secpillar.Finding) { f.Resource.ID = "" }), report.ASFFOptions{Region: "eu-west-1"}, "no ID"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			acct := fakeaws.New(acctID)
			acct.SecurityHub.Region("eu-west-1").Enabled = true
			api := securityhub.NewFromConfig(cfgIn(acct, "eu-west-1"))
			res, err := detective.ExportToSecurityHub(ctx, api, tt.findings, tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.wants) {
				t.Errorf("err = %v, want it to contain %q", err, tt.wants)
			}
			if n := acct.CallCount("SecurityHub", ""); n != 0 || res.Calls != 0 {
				t.Errorf("%d calls before refusing bad input", n)
			}
		})
	}

	// A failed finding without its own severity takes its control's.
	f := exportFindings(2)[1]
	f.Severity = ""
	acct := fakeaws.New(acctID)
	acct.SecurityHub.Region("eu-west-1").Enabled = true
	api := securityhub.NewFromConfig(cfgIn(acct, "eu-west-1"))
	if _, err := detective.ExportToSecurityHub(ctx, api, []secpillar.Finding{f}, report.ASFFOptions{Region: "eu-west-1", Controls: detective.Controls()}); err != nil {
		t.Errorf("severity from the catalogue: %v", err)
	}

	acct = fakeaws.New(acctID)
	api = securityhub.NewFromConfig(cfgIn(acct, "eu-west-1"))
	if _, err := detective.ExportToSecurityHub(ctx, api, noAcct, report.ASFFOptions{Region: "eu-west-1", AccountID: acctID}); err == nil || !strings.Contains(err.Error(), "not subscribed") {
		t.Errorf("hub off: %v", err)
	}
	acct.SecurityHub.Region("eu-west-1").Enabled = true
	acct.DenyAccess("SecurityHub", "BatchImportFindings", "")
	res, err := detective.ExportToSecurityHub(ctx, api, exportFindings(150), report.ASFFOptions{Region: "eu-west-1"})
	if err == nil || res.Calls != 1 || res.Imported != 0 {
		t.Errorf("denied: %+v %v", res, err)
	}
}

func TestFakeRejectsOversizedBatches(t *testing.T) {
	acct := fakeaws.New(acctID)
	acct.SecurityHub.Region("us-east-1").Enabled = true
	asff := report.SecurityHubFindings(report.ASFF(exportFindings(101), report.ASFFOptions{Region: "us-east-1"}))
	_, err := securityhub.NewFromConfig(acct.Config()).BatchImportFindings(ctx, &securityhub.BatchImportFindingsInput{Findings: asff})
	if err == nil || !strings.Contains(err.Error(), "1 to 100") {
		t.Errorf("101 findings: %v", err)
	}
}
