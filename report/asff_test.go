package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/secpillar/secpillar"
)

func TestWriteASFFGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteASFF(&buf, sampleFindings(), ASFFOptions{Now: fixedNow, Region: "us-east-1", Controls: sampleControls}); err != nil {
		t.Fatal(err)
	}
	golden(t, "asff", buf.Bytes())
}

func TestASFFStatusMapping(t *testing.T) {
	tests := []struct {
		status     secpillar.Status
		compliance string
		label      string
		record     string
		workflow   string
		fix        string
	}{
		{secpillar.StatusPass, CompliancePassed, "INFORMATIONAL", "ACTIVE", WorkflowResolved, ""},
		{secpillar.StatusFail, ComplianceFailed, "HIGH", "ACTIVE", WorkflowNew, "Do it."},
		{secpillar.StatusError, ComplianceNotAvailable, "HIGH", "ACTIVE", WorkflowNew, ""},
		{secpillar.StatusNotApplicable, ComplianceNotAvailable, "INFORMATIONAL", "ARCHIVED", WorkflowResolved, ""},
	}
	for _, tt := range tests {
		t.Run(string(tt.status), func(t *testing.T) {
			f := secpillar.Finding{Control: "x.y", Status: tt.status, Severity: secpillar.SeverityHigh, Resource: secpillar.AccountResource("111122223333"), Reason: "Do it."}
			got := ASFF([]secpillar.Finding{f}, ASFFOptions{Now: fixedNow})[0]
			fix := ""
			if got.Remediation != nil {
				fix = got.Remediation.Recommendation.Text
			}
			want := []string{tt.compliance, tt.label, tt.record, tt.workflow, tt.fix}
			if diff := cmp.Diff(want, []string{got.Compliance.Status, got.Severity.Label, got.RecordState, got.Workflow.Status, fix}); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if got.FindingProviderFields.Severity != got.Severity {
				t.Errorf("FindingProviderFields.Severity = %+v, want %+v", got.FindingProviderFields.Severity, got.Severity)
			}
		})
	}
}

func TestASFFDeterministicID(t *testing.T) {
	base := secpillar.Finding{Control: "identity.root-mfa-enabled", Status: secpillar.StatusFail, Severity: secpillar.SeverityCritical, Resource: secpillar.AccountResource("111122223333")}
	id := func(f secpillar.Finding) string {
		return ASFF([]secpillar.Finding{f}, ASFFOptions{Now: fixedNow})[0].Id
	}

	again := base
	again.Status = secpillar.StatusPass // a later scan of the same resource
	again.Reason = "fixed"
	if id(base) != id(again) {
		t.Errorf("Id changed with the status: %q, %q", id(base), id(again))
	}
	others := map[string]secpillar.Finding{}
	acct := base
	acct.Resource = secpillar.AccountResource("444455556666")
	others["account"] = acct
	ctl := base
	ctl.Control = "identity.root-hardware-mfa"
	others["control"] = ctl
	res := base
	res.Resource = secpillar.Resource{Type: "AWS::IAM::User", ID: "arn:aws:iam::111122223333:user/alice", Account: "111122223333"}
	others["resource"] = res
	reg := base
	reg.Resource.Region = "eu-west-1"
	others["region"] = reg
	for name, f := range others {
		if id(f) == id(base) {
			t.Errorf("a different %s gives the same Id %q", name, id(f))
		}
	}
	if got := id(base); !strings.HasPrefix(got, "secpillar/identity.root-mfa-enabled/") {
		t.Errorf("Id = %q, want the generator prefix and control first", got)
	}
	// A control or resource too long for the Id limits is cut, but two
	// resources never share an Id.
	long := base
	long.Control = "x." + strings.Repeat("c", 600)
	long.Resource = secpillar.Resource{Type: "AWS::S3::Bucket", ID: "arn:aws:s3:::" + strings.Repeat("b", 600) + "1", Account: "111122223333"}
	other := long
	other.Resource.ID = "arn:aws:s3:::" + strings.Repeat("b", 600) + "2"
	a, b := ASFF([]secpillar.Finding{long, other}, ASFFOptions{Now: fixedNow}), ASFF([]secpillar.Finding{long}, ASFFOptions{Now: fixedNow})
	if a[0].Id == a[1].Id || a[0].Resources[0].Id == a[1].Resources[0].Id || len(a[0].Id) > ASFFMaxID || len(a[0].Resources[0].Id) > ASFFMaxID {
		t.Errorf("long Ids not unique or not bounded: %q, %q", a[0].Id, a[1].Id)
	}
	if a[0].Id != b[0].Id || a[0].Resources[0].Id != b[0].Resources[0].Id {
		t.Errorf("long Ids not stable")
	}
}

func TestASFFAccountID(t *testing.T) {
	f := secpillar.Finding{Control: "identity.root-mfa-enabled", Status: secpillar.StatusFail, Severity: secpillar.SeverityCritical, Resource: secpillar.AccountResource("")}
	got := ASFF([]secpillar.Finding{f}, ASFFOptions{Now: fixedNow, Region: "eu-west-1", AccountID: "111122223333"})[0]
	full := f
	full.Resource = secpillar.AccountResource("111122223333")
	want := ASFF([]secpillar.Finding{full}, ASFFOptions{Now: fixedNow, Region: "eu-west-1"})[0]
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("AccountID does not complete the finding (-want +got):\n%s", diff)
	}
	if want.ProductArn != DefaultProductARN("eu-west-1", "111122223333") || want.ProductArn != "arn:aws:securityhub:eu-west-1:111122223333:product/111122223333/default" {
		t.Errorf("ProductArn = %q", want.ProductArn)
	}
	// A finding with its own account keeps it.
	if got := ASFF([]secpillar.Finding{full}, ASFFOptions{Now: fixedNow, AccountID: "444455556666"})[0]; got.AwsAccountId != "111122223333" {
		t.Errorf("AwsAccountId = %q, want the finding's own", got.AwsAccountId)
	}
	if got := ASFF([]secpillar.Finding{f}, ASFFOptions{Now: fixedNow})[0]; got.AwsAccountId != "" {
		t.Errorf("AwsAccountId = %q, want none known", got.AwsAccountId)
	}
}

func TestASFFSeverityFromControl(t *testing.T) {
	f := secpillar.Finding{Control: "identity.root-mfa-enabled", Status: secpillar.StatusFail, Resource: secpillar.AccountResource("111122223333")}
	got := ASFF([]secpillar.Finding{f, {Control: "no.such", Status: secpillar.StatusFail, Resource: f.Resource}}, ASFFOptions{Now: fixedNow, Controls: sampleControls})
	if got[0].Severity.Label != "CRITICAL" || got[1].Severity.Label != "INFORMATIONAL" {
		t.Errorf("labels %q, %q; want the control's CRITICAL, then INFORMATIONAL", got[0].Severity.Label, got[1].Severity.Label)
	}
}

func TestASFFEvidenceOmitted(t *testing.T) {
	for _, n := range []int{48, 49, 80} {
		ev := map[string]string{}
		for i := 0; i < n; i++ {
			ev[fmt.Sprintf("k%02d", i)] = "v"
		}
		f := secpillar.Finding{Control: "a.b", Status: secpillar.StatusFail, Severity: secpillar.SeverityLow, Resource: secpillar.AccountResource("111122223333"), Evidence: ev}
		pf := ASFF([]secpillar.Finding{f}, ASFFOptions{Now: fixedNow})[0].ProductFields
		want := ""
		if n > 48 {
			want = strconv.Itoa(n - 47)
		}
		if len(pf) > ASFFMaxProductFields || pf["secpillar/EvidenceOmitted"] != want {
			t.Errorf("%d evidence keys: %d fields, omitted %q, want %q", n, len(pf), pf["secpillar/EvidenceOmitted"], want)
		}
		if n <= 48 && len(pf) != n+2 {
			t.Errorf("%d evidence keys: %d fields, want all", n, len(pf))
		}
	}
}

func TestASFFLimits(t *testing.T) {
	long := strings.Repeat("é", 3000) // two bytes each
	ev := map[string]string{}
	for i := 0; i < 80; i++ {
		ev[strings.Repeat("k", 200)+string(rune('A'+i%26))+strings.Repeat("x", i)] = long
	}
	f := secpillar.Finding{
		Control: "x." + strings.Repeat("c", 600), Status: secpillar.StatusFail, Severity: secpillar.SeverityLow,
		Resource: secpillar.Resource{Type: "AWS::S3::Bucket", ID: "arn:aws:s3:::" + strings.Repeat("b", 600), Account: "111122223333"},
		Reason:   long, Evidence: ev,
	}
	ctl := secpillar.Control{ID: f.Control, Title: long}
	for i := 0; i < 40; i++ {
		ctl.References = append(ctl.References, secpillar.Reference{Framework: "aws-fsbp", ID: strings.Repeat("R", 200)})
	}
	got := ASFF([]secpillar.Finding{f}, ASFFOptions{Now: fixedNow, Controls: []secpillar.Control{ctl}})[0]
	checks := []struct {
		name string
		v    string
		max  int
	}{
		{"Id", got.Id, 512}, {"GeneratorId", got.GeneratorId, 512}, {"Title", got.Title, 256},
		{"Description", got.Description, 1024}, {"Resources[0].Id", got.Resources[0].Id, 512},
		{"Remediation", got.Remediation.Recommendation.Text, 512},
	}
	for _, c := range checks {
		if len(c.v) > c.max || !utf8.ValidString(c.v) {
			t.Errorf("%s: %d bytes (max %d), valid UTF-8 %v", c.name, len(c.v), c.max, utf8.ValidString(c.v))
		}
	}
	if n := len(got.ProductFields); n > 50 {
		t.Errorf("%d ProductFields, max 50", n)
	}
	for k, v := range got.ProductFields {
		if len(k) > 128 || len(v) > 2048 || !utf8.ValidString(v) {
			t.Errorf("ProductFields key %d bytes, value %d bytes", len(k), len(v))
		}
	}
	if n := len(got.Compliance.RelatedRequirements); n > 32 {
		t.Errorf("%d RelatedRequirements, max 32", n)
	}
}

func TestASFFDefaults(t *testing.T) {
	f := secpillar.Finding{Control: "a.b", Status: secpillar.StatusFail, Severity: secpillar.SeverityMedium,
		Resource: secpillar.Resource{Type: "AWS::S3::Bucket", ID: "arn:aws-cn:s3:::b", Region: "cn-north-1"}}
	got := ASFF([]secpillar.Finding{f}, ASFFOptions{Now: fixedNow})[0]
	want := ASFFFinding{
		SchemaVersion: "2018-10-08",
		Id:            got.Id,
		ProductArn:    "arn:aws-cn:securityhub:cn-north-1::product//default",
		GeneratorId:   "secpillar/a.b",
		Types:         []string{"Software and Configuration Checks/AWS Security Best Practices"},
		CreatedAt:     "2026-03-14T09:26:53.000Z",
		UpdatedAt:     "2026-03-14T09:26:53.000Z",
		Severity:      ASFFSeverity{Label: "MEDIUM"},
		Title:         "a.b",
		Description:   "a.b",
		Resources:     []ASFFResource{{Type: "AwsS3Bucket", Id: "arn:aws-cn:s3:::b", Partition: "aws-cn", Region: "cn-north-1"}},
		Compliance:    ASFFCompliance{Status: "FAILED"},
		Workflow:      ASFFWorkflow{Status: "NEW"},
		RecordState:   "ACTIVE",
		ProductName:   "secpillar",
		CompanyName:   "secpillar",
		ProductFields: map[string]string{"secpillar/Control": "a.b", "secpillar/Status": "FAIL"},
		FindingProviderFields: ASFFFindingProviderFields{
			Severity: ASFFSeverity{Label: "MEDIUM"},
			Types:    []string{"Software and Configuration Checks/AWS Security Best Practices"},
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestSecurityHubFindings(t *testing.T) {
	asff := ASFF(sampleFindings(), ASFFOptions{Now: fixedNow, Controls: sampleControls})
	sdk := SecurityHubFindings(asff)
	if len(sdk) != len(asff) {
		t.Fatalf("%d SDK findings for %d ASFF findings", len(sdk), len(asff))
	}
	// The SDK type's fields carry the same names as ASFF: a JSON round
	// trip of the SDK value must give back the plain struct.
	for i := range sdk {
		b, err := json.Marshal(sdk[i])
		if err != nil {
			t.Fatal(err)
		}
		var back ASFFFinding
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(asff[i], back); diff != "" {
			t.Errorf("finding %d (-asff +sdk):\n%s", i, diff)
		}
	}
}

func TestBatches(t *testing.T) {
	in := make([]int, 250)
	var sizes []int
	for _, b := range Batches(in, 0) {
		sizes = append(sizes, len(b))
	}
	if diff := cmp.Diff([]int{100, 100, 50}, sizes); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if got := Batches([]int(nil), 10); len(got) != 0 {
		t.Errorf("Batches(nil) = %v, want none", got)
	}
}
