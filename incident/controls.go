package incident

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"

	"github.com/secpillar/secpillar"
)

// Controls returns the incident catalogue.
func Controls() []secpillar.Control {
	return []secpillar.Control{
		{
			ID:                     StackTerminationProtectionID,
			Title:                  "CloudFormation stacks have termination protection",
			Domain:                 secpillar.DomainIncident,
			Severity:               secpillar.SeverityMedium,
			Scope:                  secpillar.ScopeRegional,
			Permissions:            []string{"cloudformation:DescribeStacks"},
			RemediationPermissions: []string{"cloudformation:UpdateTerminationProtection"},
			Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
				return CheckStackTerminationProtection(ctx, cloudformation.NewFromConfig(cfg))
			},
			Remediate: func(ctx context.Context, cfg aws.Config, f secpillar.Finding, opts secpillar.RemediateOptions) (secpillar.Remediation, error) {
				stack, err := findingStack(f, StackTerminationProtectionID)
				if err != nil {
					return secpillar.Remediation{}, err
				}
				return RemediateStackTerminationProtection(ctx, cloudformation.NewFromConfig(cfg, withRegion(f.Resource.Region)), stack, optsOf(opts))
			},
		},
	}
}
