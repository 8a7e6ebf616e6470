package detective

import (
	"context"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	"github.com/aws/aws-sdk-go-v2/service/macie2"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/sns"

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
	out := []secpillar.Control{
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
		{
			ID:          IDConfigRecorderEnabled,
			Title:       "AWS Config records all resources, including global ones, with healthy delivery",
			Domain:      secpillar.DomainDetective,
			Severity:    secpillar.SeverityMedium,
			References:  refs(cis, "3.3", fsbp, "Config.1"),
			Scope:       secpillar.ScopeRegional,
			Permissions: []string{"config:DescribeConfigurationRecorders", "config:DescribeConfigurationRecorderStatus", "config:DescribeDeliveryChannels", "config:DescribeDeliveryChannelStatus"},
			RemediationPermissions: []string{"config:DescribeConfigurationRecorders", "config:DescribeConfigurationRecorderStatus", "config:DescribeDeliveryChannels",
				"config:DescribeDeliveryChannelStatus", "config:PutConfigurationRecorder", "config:PutDeliveryChannel", "config:StartConfigurationRecorder", "iam:PassRole"},
			Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
				return one(CheckConfigRecorder(ctx, configservice.NewFromConfig(cfg), cfg.Region))
			},
			// The adapter fixes a recorder that exists or creates one with
			// the service-linked role; it never invents a delivery bucket.
			Remediate: func(ctx context.Context, cfg aws.Config, f secpillar.Finding, o secpillar.RemediateOptions) (secpillar.Remediation, error) {
				return RemediateConfigRecorder(ctx, configservice.NewFromConfig(inFindingRegion(cfg, f)), ConfigRecorderTarget{AccountID: f.Resource.Account}, withOptions(o))
			},
		},
		{
			ID:                     IDSecurityHubEnabled,
			Title:                  "Security Hub is enabled",
			Domain:                 secpillar.DomainDetective,
			Severity:               secpillar.SeverityMedium,
			References:             refs(cis, "4.16"),
			Scope:                  secpillar.ScopeRegional,
			Permissions:            []string{"securityhub:DescribeHub"},
			RemediationPermissions: []string{"securityhub:DescribeHub", "securityhub:EnableSecurityHub"},
			Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
				return one(CheckSecurityHubEnabled(ctx, securityhub.NewFromConfig(cfg), cfg.Region))
			},
			Remediate: func(ctx context.Context, cfg aws.Config, f secpillar.Finding, o secpillar.RemediateOptions) (secpillar.Remediation, error) {
				return RemediateSecurityHubEnabled(ctx, securityhub.NewFromConfig(inFindingRegion(cfg, f)), withOptions(o))
			},
		},
		{
			ID:                     IDGuardDutyEnabled,
			Title:                  "GuardDuty has an enabled detector",
			Domain:                 secpillar.DomainDetective,
			Severity:               secpillar.SeverityHigh,
			References:             refs(fsbp, "GuardDuty.1"),
			Scope:                  secpillar.ScopeRegional,
			Permissions:            []string{"guardduty:ListDetectors", "guardduty:GetDetector"},
			RemediationPermissions: []string{"guardduty:ListDetectors", "guardduty:GetDetector", "guardduty:CreateDetector", "guardduty:UpdateDetector"},
			Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
				return one(CheckGuardDutyEnabled(ctx, guardduty.NewFromConfig(cfg), cfg.Region))
			},
			Remediate: func(ctx context.Context, cfg aws.Config, f secpillar.Finding, o secpillar.RemediateOptions) (secpillar.Remediation, error) {
				return RemediateGuardDutyEnabled(ctx, guardduty.NewFromConfig(inFindingRegion(cfg, f)), withOptions(o))
			},
		},
		{
			ID:                     IDGuardDutyProtectionPlans,
			Title:                  "GuardDuty protection plans (S3, EKS, RDS, Lambda, malware, runtime) are on",
			Domain:                 secpillar.DomainDetective,
			Severity:               secpillar.SeverityMedium,
			References:             refs(fsbp, "GuardDuty.5", fsbp, "GuardDuty.6", fsbp, "GuardDuty.7", fsbp, "GuardDuty.8", fsbp, "GuardDuty.9", fsbp, "GuardDuty.10", fsbp, "GuardDuty.11", fsbp, "GuardDuty.12", fsbp, "GuardDuty.13"),
			Scope:                  secpillar.ScopeRegional,
			Permissions:            []string{"guardduty:ListDetectors", "guardduty:GetDetector"},
			RemediationPermissions: []string{"guardduty:ListDetectors", "guardduty:GetDetector", "guardduty:UpdateDetector"},
			Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
				return one(CheckGuardDutyProtectionPlans(ctx, guardduty.NewFromConfig(cfg), cfg.Region))
			},
			Remediate: func(ctx context.Context, cfg aws.Config, f secpillar.Finding, o secpillar.RemediateOptions) (secpillar.Remediation, error) {
				return RemediateGuardDutyProtectionPlans(ctx, guardduty.NewFromConfig(inFindingRegion(cfg, f)), withOptions(o))
			},
		},
		{
			ID:          IDGuardDutyNoHighFindings,
			Title:       "GuardDuty has no unarchived high-severity findings",
			Domain:      secpillar.DomainDetective,
			Severity:    secpillar.SeverityHigh,
			Scope:       secpillar.ScopeRegional,
			Permissions: []string{"guardduty:ListDetectors", "guardduty:ListFindings"},
			Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
				return one(CheckGuardDutyNoHighFindings(ctx, guardduty.NewFromConfig(cfg), cfg.Region))
			},
		},
		{
			ID:                     IDMacieEnabled,
			Title:                  "Macie is enabled for sensitive data discovery",
			Domain:                 secpillar.DomainDetective,
			Severity:               secpillar.SeverityMedium,
			References:             refs(cis, "2.1.3"),
			Scope:                  secpillar.ScopeRegional,
			Permissions:            []string{"macie2:GetMacieSession"},
			RemediationPermissions: []string{"macie2:GetMacieSession", "macie2:EnableMacie", "macie2:UpdateMacieSession"},
			Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
				return one(CheckMacieEnabled(ctx, macie2.NewFromConfig(cfg), cfg.Region))
			},
			Remediate: func(ctx context.Context, cfg aws.Config, f secpillar.Finding, o secpillar.RemediateOptions) (secpillar.Remediation, error) {
				return RemediateMacieEnabled(ctx, macie2.NewFromConfig(inFindingRegion(cfg, f)), withOptions(o))
			},
		},
		{
			ID:                     IDLogGroupRetention,
			Title:                  "CloudWatch log groups keep logs for at least a year",
			Domain:                 secpillar.DomainDetective,
			Severity:               secpillar.SeverityMedium,
			References:             refs(fsbp, "CloudWatch.16"),
			Scope:                  secpillar.ScopeRegional,
			Permissions:            []string{"logs:DescribeLogGroups"},
			RemediationPermissions: []string{"logs:DescribeLogGroups", "logs:PutRetentionPolicy"},
			Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
				return CheckLogGroupRetention(ctx, cloudwatchlogs.NewFromConfig(cfg), cfg.Region)
			},
			Remediate: func(ctx context.Context, cfg aws.Config, f secpillar.Finding, o secpillar.RemediateOptions) (secpillar.Remediation, error) {
				if f.Resource.Type != LogGroupResourceType {
					return secpillar.Remediation{}, fmt.Errorf("detective: %s: finding is about %s %q, not a log group", IDLogGroupRetention, f.Resource.Type, f.Resource.ID)
				}
				return RemediateLogGroupRetention(ctx, cloudwatchlogs.NewFromConfig(inFindingRegion(cfg, f)), f.Resource.ID, 0, withOptions(o))
			},
		},
		{
			ID:                     IDCloudTrailBucketNotPublic,
			Title:                  "The S3 bucket of each CloudTrail trail is not public",
			Domain:                 secpillar.DomainDetective,
			Severity:               secpillar.SeverityCritical,
			References:             refs(fsbp, "CloudTrail.6"),
			Scope:                  secpillar.ScopeRegional,
			Permissions:            []string{"cloudtrail:DescribeTrails", "s3:ListAllMyBuckets", "s3:GetAccountPublicAccessBlock", "s3:GetBucketPublicAccessBlock", "s3:GetBucketAcl", "s3:GetBucketPolicy"},
			RemediationPermissions: []string{"cloudtrail:DescribeTrails", "s3:ListAllMyBuckets", "s3:GetBucketPublicAccessBlock", "s3:PutBucketPublicAccessBlock"},
			Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
				return CheckCloudTrailBucketNotPublic(ctx, TrailBucketExposureAPIs{CloudTrail: cloudtrail.NewFromConfig(cfg), S3: s3.NewFromConfig(cfg), S3Control: s3control.NewFromConfig(cfg)}, cfg.Region)
			},
			Remediate: func(ctx context.Context, cfg aws.Config, f secpillar.Finding, o secpillar.RemediateOptions) (secpillar.Remediation, error) {
				if err := trailFinding(IDCloudTrailBucketNotPublic, f); err != nil {
					return secpillar.Remediation{}, err
				}
				return RemediateCloudTrailBucketNotPublic(ctx, cloudtrail.NewFromConfig(cfg), s3.NewFromConfig(cfg), f.Resource.ID, withOptions(o))
			},
		},
		{
			ID:                     IDCloudTrailBucketAccessLogging,
			Title:                  "The S3 bucket of each CloudTrail trail has server access logging",
			Domain:                 secpillar.DomainDetective,
			Severity:               secpillar.SeverityLow,
			References:             refs(cis, "3.4", fsbp, "CloudTrail.7"),
			Scope:                  secpillar.ScopeRegional,
			Permissions:            []string{"cloudtrail:DescribeTrails", "s3:ListAllMyBuckets", "s3:GetBucketLogging"},
			RemediationPermissions: []string{"cloudtrail:DescribeTrails", "s3:ListAllMyBuckets", "s3:GetBucketLogging", "s3:PutBucketLogging"},
			Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
				return CheckCloudTrailBucketAccessLogging(ctx, TrailBucketLoggingAPIs{CloudTrail: cloudtrail.NewFromConfig(cfg), S3: s3.NewFromConfig(cfg)}, cfg.Region)
			},
		},
	}
	out = append(out, alarmControls()...)
	return out
}

var alarmPermissions = append(slices.Clone(trailStatePermissions), "logs:DescribeMetricFilters", "cloudwatch:DescribeAlarms", "sns:ListSubscriptionsByTopic")

var alarmTitles = map[MetricAlarm]string{
	AlarmUnauthorizedAPICalls:    "unauthorized API calls",
	AlarmConsoleSignInWithoutMFA: "console sign-in without MFA",
	AlarmRootUsage:               "use of the root user",
	AlarmIAMPolicyChanges:        "IAM policy changes",
	AlarmCloudTrailChanges:       "CloudTrail configuration changes",
	AlarmConsoleAuthFailures:     "console authentication failures",
	AlarmCMKDisableOrDeletion:    "disabling or scheduled deletion of customer managed keys",
	AlarmS3BucketPolicyChanges:   "S3 bucket policy changes",
	AlarmConfigChanges:           "AWS Config configuration changes",
	AlarmSecurityGroupChanges:    "security group changes",
	AlarmNACLChanges:             "network ACL changes",
	AlarmNetworkGatewayChanges:   "network gateway changes",
	AlarmRouteTableChanges:       "route table changes",
	AlarmVPCChanges:              "VPC changes",
	AlarmOrganizationsChanges:    "AWS Organizations changes",
}

// alarmControls are the fifteen CIS 4.x controls, with their Security Hub
// references from fsbpAlarmID.
func alarmControls() []secpillar.Control {
	var out []secpillar.Control
	for i, m := range MetricAlarms() {
		m := m
		r := refs(cis, fmt.Sprintf("4.%d", i+1))
		if id := fsbpAlarmID(i + 1); id != "" {
			r = append(r, secpillar.Reference{Framework: fsbp, ID: id})
		}
		sev := secpillar.SeverityMedium
		if m == AlarmRootUsage {
			sev = secpillar.SeverityHigh
		}
		out = append(out, secpillar.Control{
			ID:                     m.ControlID(),
			Title:                  "A metric filter and alarm notify a subscribed SNS topic of " + alarmTitles[m],
			Domain:                 secpillar.DomainDetective,
			Severity:               sev,
			References:             r,
			Scope:                  secpillar.ScopeAccount,
			Permissions:            alarmPermissions,
			RemediationPermissions: append(slices.Clone(alarmPermissions), "logs:PutMetricFilter", "cloudwatch:PutMetricAlarm"),
			Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
				f, err := CheckMetricAlarm(ctx, alarmChainAPIs(cfg), m)
				if err != nil {
					return nil, err
				}
				f.Severity = sev
				return []secpillar.Finding{f}, nil
			},
		})
	}
	return out
}

// fsbpAlarmID maps CIS 4.n to Security Hub's CloudWatch.x control: root
// usage (4.3) is CloudWatch.1, unauthorized API calls (4.1) CloudWatch.2,
// sign-in without MFA (4.2) CloudWatch.3, and 4.4-4.14 keep their number;
// 4.15 (Organizations) has none.
func fsbpAlarmID(n int) string {
	switch {
	case n == 3:
		return "CloudWatch.1"
	case n == 1 || n == 2:
		return fmt.Sprintf("CloudWatch.%d", n+1)
	case n >= 4 && n <= 14:
		return fmt.Sprintf("CloudWatch.%d", n)
	}
	return ""
}

func alarmChainAPIs(cfg aws.Config) AlarmChainAPIs {
	return AlarmChainAPIs{CloudTrail: cloudtrail.NewFromConfig(cfg), Logs: cloudwatchlogs.NewFromConfig(cfg), CloudWatch: cloudwatch.NewFromConfig(cfg), SNS: sns.NewFromConfig(cfg)}
}

// inFindingRegion points cfg at the Region of the finding's resource.
func inFindingRegion(cfg aws.Config, f secpillar.Finding) aws.Config {
	if f.Resource.Region != "" {
		cfg = cfg.Copy()
		cfg.Region = f.Resource.Region
	}
	return cfg
}

// withOptions passes a catalogue adapter's options to a typed function.
func withOptions(o secpillar.RemediateOptions) func(*secpillar.RemediateOptions) {
	return func(dst *secpillar.RemediateOptions) { *dst = o }
}
