package incident

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/sns"

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
		{
			ID:          StackNotificationsID,
			Title:       "CloudFormation stacks send events to an SNS topic",
			Domain:      secpillar.DomainIncident,
			Severity:    secpillar.SeverityLow,
			References:  []secpillar.Reference{{Framework: "aws-fsbp", ID: "CloudFormation.1"}},
			Scope:       secpillar.ScopeRegional,
			Permissions: []string{"cloudformation:DescribeStacks"},
			Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
				return CheckStackNotifications(ctx, cloudformation.NewFromConfig(cfg))
			},
		},
		{
			ID:       StackNoDriftID,
			Title:    "CloudFormation stacks have not drifted from their templates",
			Domain:   secpillar.DomainIncident,
			Severity: secpillar.SeverityMedium,
			Scope:    secpillar.ScopeRegional,
			Permissions: []string{"cloudformation:DescribeStacks", "cloudformation:DetectStackDrift",
				"cloudformation:DescribeStackDriftDetectionStatus", "cloudformation:DescribeStackResourceDrifts"},
			Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
				return CheckStackDrift(ctx, cloudformation.NewFromConfig(cfg))
			},
		},
		{
			ID:                     StackNotFailedID,
			Title:                  "No CloudFormation stack is stuck in a failed state",
			Domain:                 secpillar.DomainIncident,
			Severity:               secpillar.SeverityMedium,
			Scope:                  secpillar.ScopeRegional,
			Permissions:            []string{"cloudformation:DescribeStacks"},
			RemediationPermissions: []string{"cloudformation:ContinueUpdateRollback"},
			Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
				return CheckStackNotFailed(ctx, cloudformation.NewFromConfig(cfg))
			},
			Remediate: func(ctx context.Context, cfg aws.Config, f secpillar.Finding, opts secpillar.RemediateOptions) (secpillar.Remediation, error) {
				stack, err := findingStack(f, StackNotFailedID)
				if err != nil {
					return secpillar.Remediation{}, err
				}
				return RemediateStackNotFailed(ctx, cloudformation.NewFromConfig(cfg, withRegion(f.Resource.Region)), stack, nil, optsOf(opts))
			},
		},
		{
			ID:                     SecurityAlertRulesID,
			Title:                  "EventBridge rules send security findings and tampering events to a subscribed SNS topic",
			Domain:                 secpillar.DomainIncident,
			Severity:               secpillar.SeverityHigh,
			Scope:                  secpillar.ScopeRegional,
			Permissions:            []string{"events:DescribeEventBus", "events:ListRules", "events:ListTargetsByRule", "sns:ListSubscriptionsByTopic"},
			RemediationPermissions: []string{"events:PutRule", "events:PutTargets", "events:DescribeRule"},
			Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
				f, err := CheckSecurityAlertRules(ctx, eventbridge.NewFromConfig(cfg), sns.NewFromConfig(cfg))
				if err != nil {
					return nil, err
				}
				return []secpillar.Finding{f}, nil
			},
		},
		{
			ID:                     EventBusNotPublicID,
			Title:                  "EventBridge event bus policies are not public",
			Domain:                 secpillar.DomainIncident,
			Severity:               secpillar.SeverityHigh,
			Scope:                  secpillar.ScopeRegional,
			Permissions:            []string{"events:ListEventBuses", "events:DescribeEventBus"},
			RemediationPermissions: []string{"events:PutPermission", "events:RemovePermission"},
			Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
				return CheckEventBusPolicyNotPublic(ctx, eventbridge.NewFromConfig(cfg))
			},
			Remediate: func(ctx context.Context, cfg aws.Config, f secpillar.Finding, opts secpillar.RemediateOptions) (secpillar.Remediation, error) {
				if f.Resource.Type != EventBusResourceType || f.Resource.ID == "" {
					return secpillar.Remediation{}, errors.New("incident: " + EventBusNotPublicID + ": the finding is not about an event bus")
				}
				return RemediateEventBusPolicyNotPublic(ctx, eventbridge.NewFromConfig(cfg, func(o *eventbridge.Options) {
					if f.Resource.Region != "" {
						o.Region = f.Resource.Region
					}
				}), f.Resource.ID, optsOf(opts))
			},
		},
	}
}
