package report

import (
	"encoding/json"
	"testing"
	"unicode/utf8"

	"github.com/secpillar/secpillar"
)

// FuzzASFFLimits checks that whatever a finding holds, its ASFF form
// stays within Security Hub's limits, keeps valid UTF-8 valid, and
// encodes as JSON.
func FuzzASFFLimits(f *testing.F) {
	f.Add("identity.root-mfa-enabled", "arn:aws:s3:::b", "The root user has no MFA.", "key", "value")
	f.Add("x", "AWS::::Account:123456789012", "é€😀", "ü", "\x00\xff")
	f.Fuzz(func(t *testing.T, control, id, reason, key, value string) {
		fd := secpillar.Finding{
			Control: control, Status: secpillar.StatusFail, Severity: secpillar.SeverityHigh,
			Resource: secpillar.Resource{Type: "AWS::S3::Bucket", ID: id, Account: "111122223333"},
			Reason:   reason, Evidence: map[string]string{key: value, key + "2": reason},
		}
		got := ASFF([]secpillar.Finding{fd}, ASFFOptions{Now: fixedNow, Controls: []secpillar.Control{{ID: control, Title: reason}}})[0]
		valid := true
		for _, in := range []string{control, id, reason, key, value} {
			valid = valid && utf8.ValidString(in)
		}
		limit := func(name, v string, max int) {
			if len(v) > max {
				t.Errorf("%s: %d bytes, max %d", name, len(v), max)
			}
			if valid && !utf8.ValidString(v) {
				t.Errorf("%s: valid input became invalid UTF-8", name)
			}
		}
		limit("Id", got.Id, ASFFMaxID)
		limit("GeneratorId", got.GeneratorId, ASFFMaxID)
		limit("Title", got.Title, ASFFMaxTitle)
		limit("Description", got.Description, ASFFMaxDescription)
		limit("Resources[0].Id", got.Resources[0].Id, ASFFMaxID)
		if got.Remediation != nil {
			limit("Remediation", got.Remediation.Recommendation.Text, ASFFMaxRecommendation)
		}
		if len(got.ProductFields) > ASFFMaxProductFields {
			t.Errorf("%d ProductFields", len(got.ProductFields))
		}
		for k, v := range got.ProductFields {
			limit("ProductFields key", k, ASFFMaxFieldKey)
			limit("ProductFields value", v, ASFFMaxFieldValue)
		}
		if _, err := json.Marshal(got); err != nil {
			t.Fatal(err)
		}
	})
}
