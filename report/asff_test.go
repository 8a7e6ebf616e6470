package report

import (
	"bytes"
	"encoding/json"
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
	}{
		{secpillar.StatusPass, CompliancePassed, "INFORMATIONAL", "ACTIVE"},
		{secpillar.StatusFail, ComplianceFailed, "HIGH", "ACTIVE"},
		{secpillar.StatusError, ComplianceNotAvailable, "HIGH", "ACTIVE"},
		{secpillar.StatusNotApplicable, ComplianceNotAvailable, "INFORMATIONAL", "ARCHIVED"},
	}
	for _, tt := range tests {
		t.Run(string(tt.status), func(t *testing.T) {
			f := secpillar.Finding{Control: "x.y", Status: tt.status, Severity: secpillar.SeverityHigh, Resource: secpillar.AccountResource("111122223333")}
			got := ASFF([]secpillar.Finding{f}, ASFFOptions{Now: fixedNow})[0]
			want := []string{tt.compliance, tt.label, tt.record}
			if diff := cmp.Diff(want, []string{got.Compliance.Status, got.Severity.Label, got.RecordState}); diff != "" {
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
		RecordState:   "ACTIVE",
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
