package report

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/secpillar/secpillar"
)

func TestWriteJSONLinesGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteJSONLines(&buf, sampleFindings()); err != nil {
		t.Fatal(err)
	}
	golden(t, "jsonl", buf.Bytes())
}

func TestWriteOCSFGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteOCSF(&buf, sampleFindings(), OCSFOptions{Now: fixedNow, ProductVersion: "0.1.0", Controls: sampleControls}); err != nil {
		t.Fatal(err)
	}
	golden(t, "ocsf", buf.Bytes())
}

func TestWriteTableGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteTable(&buf, sampleFindings()); err != nil {
		t.Fatal(err)
	}
	golden(t, "table", buf.Bytes())
}

func TestWriteTableFailedOnlyNarrow(t *testing.T) {
	var buf bytes.Buffer
	err := WriteTable(&buf, sampleFindings(), func(o *TableOptions) {
		o.FailedOnly = true
		o.ResourceWidth = 20
		o.ReasonWidth = 30
	})
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "table-failed", buf.Bytes())
}

func TestWriteSummaryGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteSummary(&buf, Summarize(sampleFindings())); err != nil {
		t.Fatal(err)
	}
	golden(t, "summary", buf.Bytes())
}

func TestSummarize(t *testing.T) {
	s := Summarize(sampleFindings())
	want := Counts{Pass: 1, Fail: 2, Error: 1, NotApplicable: 1}
	if diff := cmp.Diff(want, s.Total); diff != "" {
		t.Errorf("total (-want +got):\n%s", diff)
	}
	var domains []string
	for _, d := range s.Domains {
		domains = append(domains, d.Domain)
	}
	if diff := cmp.Diff([]string{"identity", "detective", "infrastructure", "dataprotection"}, domains); diff != "" {
		t.Errorf("domain order (-want +got):\n%s", diff)
	}
	if got := s.Failed["CRITICAL"]; got != 1 {
		t.Errorf("failed CRITICAL = %d, want 1", got)
	}
}

func TestParseFormat(t *testing.T) {
	for _, s := range []string{"table", "JSON", " ocsf ", "asff"} {
		if _, err := ParseFormat(s); err != nil {
			t.Errorf("ParseFormat(%q): %v", s, err)
		}
	}
	if _, err := ParseFormat("csv"); err == nil {
		t.Error("ParseFormat(csv) succeeded, want an error")
	}
}

func TestWriteEveryFormat(t *testing.T) {
	for _, f := range Formats {
		t.Run(string(f), func(t *testing.T) {
			var buf bytes.Buffer
			if err := Write(&buf, f, sampleFindings(), Options{ASFF: ASFFOptions{Now: fixedNow}, OCSF: OCSFOptions{Now: fixedNow}}); err != nil {
				t.Fatal(err)
			}
			if buf.Len() == 0 {
				t.Error("no output")
			}
		})
	}
	if err := Write(&bytes.Buffer{}, "xml", nil, Options{}); err == nil {
		t.Error("Write(xml) succeeded, want an error")
	}
}

func TestWriteReportTableGolden(t *testing.T) {
	rep := secpillar.Report{
		Account: "123456789012", Regions: []string{"ap-southeast-2", "eu-west-1", "us-east-1"}, SkippedRegions: []string{"af-south-1"},
		Findings: sampleFindings(), Incomplete: true,
		Errors: []secpillar.RunError{{Control: "detective.guardduty-enabled", Region: "ap-southeast-2", Error: "operation error GuardDuty: ListDetectors, AccessDeniedException: not authorized"}},
	}
	var buf bytes.Buffer
	if err := WriteReport(&buf, FormatTable, rep, Options{}); err != nil {
		t.Fatal(err)
	}
	golden(t, "report-table", buf.Bytes())

	buf.Reset()
	if err := WriteReport(&buf, FormatJSON, rep, Options{}); err != nil {
		t.Fatal(err)
	}
	if got := bytes.Count(buf.Bytes(), []byte("\n")); got != len(rep.Findings) {
		t.Errorf("json: %d lines, want %d", got, len(rep.Findings))
	}
}

func TestWriteOrgReportTableGolden(t *testing.T) {
	in := sampleFindings()
	other := in[1]
	other.Resource = secpillar.AccountResource("210987654321")
	rep := secpillar.OrgReport{
		Accounts: []secpillar.AccountReport{
			{Account: "123456789012", Name: "management", Report: secpillar.Report{Account: "123456789012", Regions: []string{"us-east-1"}, Findings: in[:3]}},
			{Account: "210987654321", Name: "production", Report: secpillar.Report{Account: "210987654321", Regions: []string{"us-east-1", "eu-west-1"}, Findings: []secpillar.Finding{other}}},
			{Account: "456789012345", Name: "sandbox", Error: "assume role arn:aws:iam::456789012345:role/SecPillarAudit: AccessDenied",
				Report: secpillar.Report{Account: "456789012345", Incomplete: true, Findings: []secpillar.Finding{{Control: "identity.root-mfa-enabled", Status: secpillar.StatusError, Severity: secpillar.SeverityCritical, Resource: secpillar.AccountResource("456789012345"), Reason: "The account could not be scanned: AccessDenied"}}}},
		},
		Skipped:    []secpillar.SkippedAccount{{Account: "567890123456", Name: "retired", State: "SUSPENDED"}},
		Incomplete: true,
	}
	var buf bytes.Buffer
	if err := WriteOrgReport(&buf, FormatTable, rep, Options{}); err != nil {
		t.Fatal(err)
	}
	golden(t, "org-table", buf.Bytes())

	buf.Reset()
	if err := WriteOrgReport(&buf, FormatJSON, rep, Options{}); err != nil {
		t.Fatal(err)
	}
	if got := bytes.Count(buf.Bytes(), []byte("\n")); got != 5 {
		t.Errorf("json: %d lines, want 5", got)
	}
}

func TestOCSFStatusAndSeverity(t *testing.T) {
	tests := []struct {
		status   secpillar.Status
		severity secpillar.Severity
		statusID int
		caption  string
		sevID    int
	}{
		{secpillar.StatusFail, secpillar.SeverityCritical, 1, "New", 5},
		{secpillar.StatusPass, secpillar.SeverityHigh, 4, "Resolved", 4},
		{secpillar.StatusNotApplicable, secpillar.SeverityMedium, 99, "Not Applicable", 3},
		{secpillar.StatusError, secpillar.SeverityLow, 0, "Unknown", 2},
		{secpillar.StatusFail, "", 1, "New", 0},
	}
	for _, tt := range tests {
		t.Run(string(tt.status)+"/"+string(tt.severity), func(t *testing.T) {
			f := secpillar.Finding{Control: "a.b", Status: tt.status, Severity: tt.severity, Resource: secpillar.AccountResource("111122223333")}
			got := OCSF([]secpillar.Finding{f}, OCSFOptions{Now: fixedNow})[0]
			want := []any{tt.statusID, tt.caption, string(tt.status), tt.sevID}
			if diff := cmp.Diff(want, []any{got.StatusID, got.Status, got.StatusCode, got.SeverityID}); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if got.ClassUID != 2004 || got.CategoryUID != 2 || got.TypeUID != 200401 || got.Time != fixedNow.UnixMilli() {
				t.Errorf("class %d, category %d, type %d, time %d", got.ClassUID, got.CategoryUID, got.TypeUID, got.Time)
			}
		})
	}
}
