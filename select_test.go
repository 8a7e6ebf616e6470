package secpillar_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/secpillar/secpillar"
)

func TestSelect(t *testing.T) {
	controls := []secpillar.Control{
		{ID: "identity.root-mfa-enabled", Domain: secpillar.DomainIdentity, References: []secpillar.Reference{{Framework: "cis-aws-foundations-3.0.0", ID: "1.5"}, {Framework: "aws-fsbp", ID: "IAM.9"}}},
		{ID: "identity.password-policy", Domain: secpillar.DomainIdentity, References: []secpillar.Reference{{Framework: "cis-aws-foundations-3.0.0", ID: "1.8"}}},
		{ID: "detective.cloudtrail-log-validation", Domain: secpillar.DomainDetective},
	}
	ids := func(cs []secpillar.Control) []string {
		var out []string
		for _, c := range cs {
			out = append(out, c.ID)
		}
		return out
	}
	for _, tc := range []struct {
		exprs []string
		want  []string
	}{
		{nil, []string{"identity.root-mfa-enabled", "identity.password-policy", "detective.cloudtrail-log-validation"}},
		{[]string{"detective"}, []string{"detective.cloudtrail-log-validation"}},
		{[]string{"identity.root-"}, []string{"identity.root-mfa-enabled"}},
		{[]string{"CIS:1.8"}, []string{"identity.password-policy"}},
		{[]string{"fsbp:iam.9", "detective.cloudtrail-log-validation"}, []string{"identity.root-mfa-enabled", "detective.cloudtrail-log-validation"}},
		{[]string{"cis-aws-foundations-3.0.0:1.5"}, []string{"identity.root-mfa-enabled"}},
	} {
		got, err := secpillar.Select(controls, tc.exprs...)
		if err != nil {
			t.Fatalf("Select(%q): %v", tc.exprs, err)
		}
		if diff := cmp.Diff(tc.want, ids(got)); diff != "" {
			t.Errorf("Select(%q) (-want +got):\n%s", tc.exprs, diff)
		}
	}
	for _, bad := range []string{"identiy", "CIS:9.99", " "} {
		if _, err := secpillar.Select(controls, bad); err == nil || !strings.Contains(err.Error(), "select") {
			t.Errorf("Select(%q): want an error naming the expression, got %v", bad, err)
		}
	}
}
