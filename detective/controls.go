package detective

import (
	"context"
	"fmt"
	"slices"

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

var trailStatePermissions = []string{"cloudtrail:DescribeTrails", "cloudtrail:GetTrailStatus", "cloudtrail:GetEventSelectors"}

// one adapts a single-finding check to the catalogue's shape.
func one(f secpillar.Finding, err error) ([]secpillar.Finding, error) {
	if err != nil {
		return nil, err
	}
	return []secpillar.Finding{f}, nil
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
		{
			ID:                     IDCloudTrailMultiRegion,
			Title:                  "A multi-Region CloudTrail trail logs all read and write management events",
			Domain:                 secpillar.DomainDetective,
			Severity:               secpillar.SeverityHigh,
			References:             refs(cis, "3.1", fsbp, "CloudTrail.1"),
			Scope:                  secpillar.ScopeAccount,
			Permissions:            trailStatePermissions,
			RemediationPermissions: append(slices.Clone(trailStatePermissions), "cloudtrail:CreateTrail", "cloudtrail:UpdateTrail", "cloudtrail:PutEventSelectors", "cloudtrail:StartLogging"),
			Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
				return one(CheckCloudTrailMultiRegion(ctx, cloudtrail.NewFromConfig(cfg)))
			},
		},
		{
			ID:                     IDCloudTrailKMSEncrypted,
			Title:                  "CloudTrail logs are encrypted with a KMS key",
			Domain:                 secpillar.DomainDetective,
			Severity:               secpillar.SeverityMedium,
			References:             refs(cis, "3.5", fsbp, "CloudTrail.2"),
			Scope:                  secpillar.ScopeRegional,
			Permissions:            []string{"cloudtrail:DescribeTrails"},
			RemediationPermissions: []string{"cloudtrail:DescribeTrails", "cloudtrail:UpdateTrail"},
			Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
				return CheckCloudTrailKMSEncrypted(ctx, cloudtrail.NewFromConfig(cfg), cfg.Region)
			},
		},
		{
			ID:                     IDCloudTrailCloudWatchLogs,
			Title:                  "CloudTrail trails deliver to CloudWatch Logs",
			Domain:                 secpillar.DomainDetective,
			Severity:               secpillar.SeverityLow,
			References:             refs(fsbp, "CloudTrail.5"),
			Scope:                  secpillar.ScopeRegional,
			Permissions:            []string{"cloudtrail:DescribeTrails"},
			RemediationPermissions: []string{"cloudtrail:DescribeTrails", "cloudtrail:UpdateTrail", "iam:PassRole"},
			Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
				return CheckCloudTrailCloudWatchLogs(ctx, cloudtrail.NewFromConfig(cfg), cfg.Region)
			},
		},
		{
			ID:                     IDCloudTrailS3WriteEvents,
			Title:                  "CloudTrail records S3 object-level write events",
			Domain:                 secpillar.DomainDetective,
			Severity:               secpillar.SeverityMedium,
			References:             refs(cis, "3.8", fsbp, "S3.22"),
			Scope:                  secpillar.ScopeAccount,
			Permissions:            trailStatePermissions,
			RemediationPermissions: append(slices.Clone(trailStatePermissions), "cloudtrail:PutEventSelectors"),
			Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
				return one(CheckCloudTrailS3DataEvents(ctx, cloudtrail.NewFromConfig(cfg), S3WriteEvents))
			},
		},
		{
			ID:                     IDCloudTrailS3ReadEvents,
			Title:                  "CloudTrail records S3 object-level read events",
			Domain:                 secpillar.DomainDetective,
			Severity:               secpillar.SeverityMedium,
			References:             refs(cis, "3.9", fsbp, "S3.23"),
			Scope:                  secpillar.ScopeAccount,
			Permissions:            trailStatePermissions,
			RemediationPermissions: append(slices.Clone(trailStatePermissions), "cloudtrail:PutEventSelectors"),
			Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
				return one(CheckCloudTrailS3DataEvents(ctx, cloudtrail.NewFromConfig(cfg), S3ReadEvents))
			},
		},
	}
}

// withOptions passes a catalogue adapter's options to a typed function.
func withOptions(o secpillar.RemediateOptions) func(*secpillar.RemediateOptions) {
	return func(dst *secpillar.RemediateOptions) { *dst = o }
}
