package detective

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"

	"github.com/secpillar/secpillar"
)

const (
	cis  = "cis-aws-foundations-3.0.0"
	fsbp = "aws-fsbp"
)

func refs(pairs ...string) []secpillar.Reference {
	var out []secpillar.Reference
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, secpillar.Reference{Framework: pairs[i], ID: pairs[i+1]})
	}
	return out
}

// trailFinding checks that a finding to remediate is about a trail.
func trailFinding(control string, f secpillar.Finding) error {
	if f.Resource.Type != TrailResourceType || f.Resource.ID == "" {
		return fmt.Errorf("detective: %s: finding is about %s %q, not a CloudTrail trail", control, f.Resource.Type, f.Resource.ID)
	}
	return nil
}

// Controls returns the detective catalogue.
func Controls() []secpillar.Control {
	return []secpillar.Control{
		{
			ID:                     IDCloudTrailLogValidation,
			Title:                  "CloudTrail log file validation is enabled",
			Domain:                 secpillar.DomainDetective,
			Severity:               secpillar.SeverityMedium,
			References:             refs(cis, "3.2", fsbp, "CloudTrail.4"),
			Scope:                  secpillar.ScopeRegional,
			Permissions:            []string{"cloudtrail:DescribeTrails"},
			RemediationPermissions: []string{"cloudtrail:DescribeTrails", "cloudtrail:UpdateTrail"},
			Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
				return CheckCloudTrailLogValidation(ctx, cloudtrail.NewFromConfig(cfg), cfg.Region)
			},
			Remediate: func(ctx context.Context, cfg aws.Config, f secpillar.Finding, o secpillar.RemediateOptions) (secpillar.Remediation, error) {
				if err := trailFinding(IDCloudTrailLogValidation, f); err != nil {
					return secpillar.Remediation{}, err
				}
				return RemediateCloudTrailLogValidation(ctx, cloudtrail.NewFromConfig(cfg), f.Resource.ID, withOptions(o))
			},
		},
	}
}

// withOptions passes a catalogue adapter's options to a typed function.
func withOptions(o secpillar.RemediateOptions) func(*secpillar.RemediateOptions) {
	return func(dst *secpillar.RemediateOptions) { *dst = o }
}
