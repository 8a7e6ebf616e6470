package infrastructure

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/globalaccelerator"
	"github.com/aws/aws-sdk-go-v2/service/inspector2"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/shield"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/wafv2"

	"github.com/secpillar/secpillar"
)

// The IDs of the infrastructure controls.
const (
	ControlSGNoAdminPortsOpen    = "infrastructure.sg-no-admin-ports-open"
	ControlSGNoHighRiskPortsOpen = "infrastructure.sg-no-high-risk-ports-open"
)

const (
	cis  = "cis-aws-foundations-3.0.0"
	fsbp = "aws-fsbp"
)

func refs(pairs ...string) []secpillar.Reference {
	out := make([]secpillar.Reference, 0, len(pairs)/2)
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, secpillar.Reference{Framework: pairs[i], ID: pairs[i+1]})
	}
	return out
}

// inRegion returns cfg for region (cfg itself when region is empty).
func inRegion(cfg aws.Config, region string) aws.Config {
	if region == "" {
		return cfg
	}
	c := cfg.Copy()
	c.Region = region
	return c
}

// withOptions hands a catalogue adapter's options to a typed function.
func withOptions(o secpillar.RemediateOptions) func(*secpillar.RemediateOptions) {
	return func(r *secpillar.RemediateOptions) { *r = o }
}

// globalConfig returns cfg for the global services whose endpoint lives
// in us-east-1 (CloudFront, Shield, Route 53).
func globalConfig(cfg aws.Config) aws.Config { return inRegion(cfg, "us-east-1") }

// distributionTarget returns the distribution ID of a CloudFront finding.
func distributionTarget(f secpillar.Finding) (string, error) {
	a, err := arn.Parse(f.Resource.ID)
	if err != nil || a.Service != "cloudfront" || !strings.HasPrefix(a.Resource, "distribution/") {
		return "", fmt.Errorf("infrastructure: finding for %s cannot be remediated: %q is not a CloudFront distribution ARN", f.Control, f.Resource.ID)
	}
	return strings.TrimPrefix(a.Resource, "distribution/"), nil
}

// ec2Target returns the Region and ID of the EC2 resource of a finding,
// whose Resource.ID is an EC2 ARN of typ.
func ec2Target(f secpillar.Finding, typ string) (string, string, error) {
	region, id, err := ec2ResourceFromARN(f.Resource.ID, typ)
	if err != nil {
		return "", "", fmt.Errorf("infrastructure: finding for %s cannot be remediated: %w", f.Control, err)
	}
	if region == "" {
		region = f.Resource.Region
	}
	return region, id, nil
}

// Controls returns the infrastructure catalogue.
func Controls() []secpillar.Control {
	return []secpillar.Control{
		{
			ID:                     ControlSGNoAdminPortsOpen,
			Title:                  "Security groups allow no ingress from 0.0.0.0/0 or ::/0 to remote administration ports (22, 3389) or all ports",
			Domain:                 secpillar.DomainInfrastructure,
			Severity:               secpillar.SeverityHigh,
			References:             refs(cis, "5.2", cis, "5.3", fsbp, "EC2.13", fsbp, "EC2.14"),
			Scope:                  secpillar.ScopeRegional,
			Permissions:            []string{"ec2:DescribeSecurityGroupRules", "ec2:DescribeSecurityGroups"},
			RemediationPermissions: []string{"ec2:DescribeSecurityGroupRules", "ec2:RevokeSecurityGroupIngress"},
			Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
				return CheckSecurityGroupAdminPorts(ctx, ec2.NewFromConfig(cfg))
			},
			Remediate: func(ctx context.Context, cfg aws.Config, f secpillar.Finding, o secpillar.RemediateOptions) (secpillar.Remediation, error) {
				region, _, err := ec2Target(f, "security-group")
				if err != nil {
					return secpillar.Remediation{}, err
				}
				return RemediateSecurityGroupAdminPorts(ctx, ec2.NewFromConfig(inRegion(cfg, region)), f.Resource.ID, nil, withOptions(o))
			},
		},
		{
			ID:                     ControlSGNoHighRiskPortsOpen,
			Title:                  "Security groups allow no ingress from 0.0.0.0/0 or ::/0 to high-risk ports",
			Domain:                 secpillar.DomainInfrastructure,
			Severity:               secpillar.SeverityHigh,
			References:             refs(fsbp, "EC2.19", fsbp, "EC2.18"),
			Scope:                  secpillar.ScopeRegional,
			Permissions:            []string{"ec2:DescribeSecurityGroupRules", "ec2:DescribeSecurityGroups"},
			RemediationPermissions: []string{"ec2:DescribeSecurityGroupRules", "ec2:RevokeSecurityGroupIngress"},
			Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
				return CheckSecurityGroupHighRiskPorts(ctx, ec2.NewFromConfig(cfg))
			},
			Remediate: func(ctx context.Context, cfg aws.Config, f secpillar.Finding, o secpillar.RemediateOptions) (secpillar.Remediation, error) {
				region, _, err := ec2Target(f, "security-group")
				if err != nil {
					return secpillar.Remediation{}, err
				}
				return RemediateSecurityGroupHighRiskPorts(ctx, ec2.NewFromConfig(inRegion(cfg, region)), f.Resource.ID, nil, withOptions(o))
			},
		},
		{
			ID:                     ControlDefaultSGClosed,
			Title:                  "Default security groups have no inbound or outbound rules",
			Domain:                 secpillar.DomainInfrastructure,
			Severity:               secpillar.SeverityHigh,
			References:             refs(cis, "5.4", fsbp, "EC2.2"),
			Scope:                  secpillar.ScopeRegional,
			Permissions:            []string{"ec2:DescribeSecurityGroupRules", "ec2:DescribeSecurityGroups"},
			RemediationPermissions: []string{"ec2:DescribeSecurityGroupRules", "ec2:DescribeSecurityGroups", "ec2:RevokeSecurityGroupEgress", "ec2:RevokeSecurityGroupIngress"},
			Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
				return CheckDefaultSecurityGroupsClosed(ctx, ec2.NewFromConfig(cfg))
			},
			Remediate: func(ctx context.Context, cfg aws.Config, f secpillar.Finding, o secpillar.RemediateOptions) (secpillar.Remediation, error) {
				region, _, err := ec2Target(f, "security-group")
				if err != nil {
					return secpillar.Remediation{}, err
				}
				return RemediateDefaultSecurityGroup(ctx, ec2.NewFromConfig(inRegion(cfg, region)), f.Resource.ID, withOptions(o))
			},
		},
		{
			ID:                     ControlNACLNoAdminPortsOpen,
			Title:                  "Network ACLs allow no ingress from 0.0.0.0/0 or ::/0 to remote administration ports",
			Domain:                 secpillar.DomainInfrastructure,
			Severity:               secpillar.SeverityMedium,
			References:             refs(cis, "5.1", fsbp, "EC2.21"),
			Scope:                  secpillar.ScopeRegional,
			Permissions:            []string{"ec2:DescribeNetworkAcls"},
			RemediationPermissions: []string{"ec2:DeleteNetworkAclEntry", "ec2:DescribeNetworkAcls"},
			Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
				return CheckNetworkACLAdminPorts(ctx, ec2.NewFromConfig(cfg), cfg.Region)
			},
			Remediate: func(ctx context.Context, cfg aws.Config, f secpillar.Finding, o secpillar.RemediateOptions) (secpillar.Remediation, error) {
				region, _, err := ec2Target(f, "network-acl")
				if err != nil {
					return secpillar.Remediation{}, err
				}
				return RemediateNetworkACLAdminPorts(ctx, ec2.NewFromConfig(inRegion(cfg, region)), f.Resource.ID, nil, withOptions(o))
			},
		},
		{
			ID:          ControlVPCPeeringRoutesLeastAccess,
			Title:       "Routes to VPC peering connections are no wider than needed",
			Domain:      secpillar.DomainInfrastructure,
			Severity:    secpillar.SeverityMedium,
			References:  refs(cis, "5.5"),
			Scope:       secpillar.ScopeRegional,
			Permissions: []string{"ec2:DescribeRouteTables", "ec2:DescribeVpcPeeringConnections"},
			Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
				return CheckVPCPeeringRoutes(ctx, ec2.NewFromConfig(cfg), cfg.Region)
			},
		},
		{
			// The remediation needs a destination and a role from the
			// caller: RemediateVPCFlowLogs has no catalogue adapter.
			ID:                     ControlVPCFlowLogs,
			Title:                  "Every VPC has an active flow log capturing rejected traffic",
			Domain:                 secpillar.DomainInfrastructure,
			Severity:               secpillar.SeverityMedium,
			References:             refs(cis, "3.7", fsbp, "EC2.6"),
			Scope:                  secpillar.ScopeRegional,
			Permissions:            []string{"ec2:DescribeFlowLogs", "ec2:DescribeVpcs"},
			RemediationPermissions: []string{"ec2:CreateFlowLogs", "ec2:DescribeFlowLogs", "iam:PassRole"},
			Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
				return CheckVPCFlowLogs(ctx, ec2.NewFromConfig(cfg), cfg.Region)
			},
		},
		{
			ID:                     ControlSubnetNoAutoPublicIP,
			Title:                  "Subnets do not assign public IPv4 addresses on launch",
			Domain:                 secpillar.DomainInfrastructure,
			Severity:               secpillar.SeverityMedium,
			References:             refs(fsbp, "EC2.15"),
			Scope:                  secpillar.ScopeRegional,
			Permissions:            []string{"ec2:DescribeSubnets"},
			RemediationPermissions: []string{"ec2:DescribeSubnets", "ec2:ModifySubnetAttribute"},
			Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
				return CheckSubnetAutoAssignPublicIP(ctx, ec2.NewFromConfig(cfg))
			},
			Remediate: func(ctx context.Context, cfg aws.Config, f secpillar.Finding, o secpillar.RemediateOptions) (secpillar.Remediation, error) {
				region, _, err := ec2Target(f, "subnet")
				if err != nil {
					return secpillar.Remediation{}, err
				}
				return RemediateSubnetAutoAssignPublicIP(ctx, ec2.NewFromConfig(inRegion(cfg, region)), f.Resource.ID, withOptions(o))
			},
		},
		{
			ID:          ControlInstanceNoPublicIP,
			Title:       "EC2 instances have no public IPv4 address",
			Domain:      secpillar.DomainInfrastructure,
			Severity:    secpillar.SeverityHigh,
			References:  refs(fsbp, "EC2.9"),
			Scope:       secpillar.ScopeRegional,
			Permissions: []string{"ec2:DescribeInstances"},
			Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
				return CheckInstancePublicIP(ctx, ec2.NewFromConfig(cfg), cfg.Region)
			},
		},
		{
			ID:                     ControlIMDSv2Required,
			Title:                  "EC2 instances require IMDSv2",
			Domain:                 secpillar.DomainInfrastructure,
			Severity:               secpillar.SeverityHigh,
			References:             refs(cis, "5.6", fsbp, "EC2.8"),
			Scope:                  secpillar.ScopeRegional,
			Permissions:            []string{"ec2:DescribeInstances"},
			RemediationPermissions: []string{"ec2:DescribeInstances", "ec2:ModifyInstanceMetadataOptions"},
			Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
				return CheckInstancesIMDSv2(ctx, ec2.NewFromConfig(cfg), cfg.Region)
			},
			Remediate: func(ctx context.Context, cfg aws.Config, f secpillar.Finding, o secpillar.RemediateOptions) (secpillar.Remediation, error) {
				region, _, err := ec2Target(f, "instance")
				if err != nil {
					return secpillar.Remediation{}, err
				}
				return RemediateInstanceIMDSv2(ctx, ec2.NewFromConfig(inRegion(cfg, region)), f.Resource.ID, withOptions(o))
			},
		},
		{
			ID:                     ControlIMDSv2AccountDefault,
			Title:                  "The Region's instance metadata default requires IMDSv2",
			Domain:                 secpillar.DomainInfrastructure,
			Severity:               secpillar.SeverityMedium,
			Scope:                  secpillar.ScopeRegional,
			Permissions:            []string{"ec2:GetInstanceMetadataDefaults"},
			RemediationPermissions: []string{"ec2:GetInstanceMetadataDefaults", "ec2:ModifyInstanceMetadataDefaults"},
			Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
				f, err := CheckIMDSv2AccountDefault(ctx, ec2.NewFromConfig(cfg), "")
				if err != nil {
					return nil, err
				}
				return []secpillar.Finding{f}, nil
			},
			Remediate: func(ctx context.Context, cfg aws.Config, f secpillar.Finding, o secpillar.RemediateOptions) (secpillar.Remediation, error) {
				if f.Resource.Region == "" {
					return secpillar.Remediation{}, fmt.Errorf("infrastructure: finding for %s names no Region", f.Control)
				}
				return RemediateIMDSv2AccountDefault(ctx, ec2.NewFromConfig(inRegion(cfg, f.Resource.Region)), f.Resource.Account, withOptions(o))
			},
		},
		{
			ID:                     ControlLaunchTemplateIMDSv2,
			Title:                  "Launch templates require IMDSv2",
			Domain:                 secpillar.DomainInfrastructure,
			Severity:               secpillar.SeverityMedium,
			References:             refs(fsbp, "EC2.170"),
			Scope:                  secpillar.ScopeRegional,
			Permissions:            []string{"ec2:DescribeLaunchTemplateVersions", "ec2:DescribeLaunchTemplates"},
			RemediationPermissions: []string{"ec2:CreateLaunchTemplateVersion", "ec2:DescribeLaunchTemplateVersions", "ec2:ModifyLaunchTemplate"},
			Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
				return CheckLaunchTemplatesIMDSv2(ctx, ec2.NewFromConfig(cfg), cfg.Region)
			},
			Remediate: func(ctx context.Context, cfg aws.Config, f secpillar.Finding, o secpillar.RemediateOptions) (secpillar.Remediation, error) {
				region, _, err := ec2Target(f, "launch-template")
				if err != nil {
					return secpillar.Remediation{}, err
				}
				return RemediateLaunchTemplateIMDSv2(ctx, ec2.NewFromConfig(inRegion(cfg, region)), f.Resource.ID, withOptions(o))
			},
		},
		{
			ID:                     ControlCloudFrontViewerHTTPS,
			Title:                  "CloudFront distributions require HTTPS between viewers and CloudFront",
			Domain:                 secpillar.DomainInfrastructure,
			Severity:               secpillar.SeverityMedium,
			References:             refs(fsbp, "CloudFront.3"),
			Scope:                  secpillar.ScopeAccount,
			Permissions:            []string{"cloudfront:ListDistributions"},
			RemediationPermissions: []string{"cloudfront:GetDistributionConfig", "cloudfront:UpdateDistribution"},
			Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
				return CheckCloudFrontViewerHTTPS(ctx, cloudfront.NewFromConfig(globalConfig(cfg)))
			},
			Remediate: func(ctx context.Context, cfg aws.Config, f secpillar.Finding, o secpillar.RemediateOptions) (secpillar.Remediation, error) {
				_, err := distributionTarget(f)
				if err != nil {
					return secpillar.Remediation{}, err
				}
				return RemediateCloudFrontViewerHTTPS(ctx, cloudfront.NewFromConfig(globalConfig(cfg)), f.Resource.ID, withOptions(o))
			},
		},
		{
			ID:                     ControlCloudFrontOriginHTTPS,
			Title:                  "CloudFront distributions reach custom origins over HTTPS",
			Domain:                 secpillar.DomainInfrastructure,
			Severity:               secpillar.SeverityMedium,
			References:             refs(fsbp, "CloudFront.9"),
			Scope:                  secpillar.ScopeAccount,
			Permissions:            []string{"cloudfront:ListDistributions"},
			RemediationPermissions: []string{"cloudfront:GetDistributionConfig", "cloudfront:UpdateDistribution"},
			Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
				return CheckCloudFrontOriginHTTPS(ctx, cloudfront.NewFromConfig(globalConfig(cfg)))
			},
			Remediate: func(ctx context.Context, cfg aws.Config, f secpillar.Finding, o secpillar.RemediateOptions) (secpillar.Remediation, error) {
				_, err := distributionTarget(f)
				if err != nil {
					return secpillar.Remediation{}, err
				}
				return RemediateCloudFrontOriginHTTPS(ctx, cloudfront.NewFromConfig(globalConfig(cfg)), f.Resource.ID, withOptions(o))
			},
		},
		{
			ID:                     ControlCloudFrontNoDeprecatedOriginSSL,
			Title:                  "CloudFront distributions use no deprecated SSL/TLS protocols to custom origins",
			Domain:                 secpillar.DomainInfrastructure,
			Severity:               secpillar.SeverityMedium,
			References:             refs(fsbp, "CloudFront.10"),
			Scope:                  secpillar.ScopeAccount,
			Permissions:            []string{"cloudfront:ListDistributions"},
			RemediationPermissions: []string{"cloudfront:GetDistributionConfig", "cloudfront:UpdateDistribution"},
			Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
				return CheckCloudFrontNoDeprecatedOriginSSL(ctx, cloudfront.NewFromConfig(globalConfig(cfg)))
			},
			Remediate: func(ctx context.Context, cfg aws.Config, f secpillar.Finding, o secpillar.RemediateOptions) (secpillar.Remediation, error) {
				_, err := distributionTarget(f)
				if err != nil {
					return secpillar.Remediation{}, err
				}
				return RemediateCloudFrontNoDeprecatedOriginSSL(ctx, cloudfront.NewFromConfig(globalConfig(cfg)), f.Resource.ID, withOptions(o))
			},
		},
		{
			ID:                     ControlCloudFrontViewerTLSPolicy,
			Title:                  "CloudFront distributions use the TLSv1.2_2021 viewer security policy or newer",
			Domain:                 secpillar.DomainInfrastructure,
			Severity:               secpillar.SeverityMedium,
			References:             refs(fsbp, "CloudFront.15"),
			Scope:                  secpillar.ScopeAccount,
			Permissions:            []string{"cloudfront:ListDistributions"},
			RemediationPermissions: []string{"cloudfront:GetDistributionConfig", "cloudfront:UpdateDistribution"},
			Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
				return CheckCloudFrontViewerTLSPolicy(ctx, cloudfront.NewFromConfig(globalConfig(cfg)))
			},
			Remediate: func(ctx context.Context, cfg aws.Config, f secpillar.Finding, o secpillar.RemediateOptions) (secpillar.Remediation, error) {
				_, err := distributionTarget(f)
				if err != nil {
					return secpillar.Remediation{}, err
				}
				return RemediateCloudFrontViewerTLSPolicy(ctx, cloudfront.NewFromConfig(globalConfig(cfg)), f.Resource.ID, "", withOptions(o))
			},
		},
		{
			// RemediateCloudFrontWAF needs the caller's web ACL: no adapter.
			ID:          ControlCloudFrontWAF,
			Title:       "CloudFront distributions are associated with an AWS WAF web ACL",
			Domain:      secpillar.DomainInfrastructure,
			Severity:    secpillar.SeverityMedium,
			References:  refs(fsbp, "CloudFront.6"),
			Scope:       secpillar.ScopeAccount,
			Permissions: []string{"cloudfront:ListDistributions"},
			Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
				return CheckCloudFrontWAF(ctx, cloudfront.NewFromConfig(globalConfig(cfg)))
			},
		},
		{
			// RemediateCloudFrontLogging needs the caller's log bucket: no adapter.
			ID:          ControlCloudFrontLogging,
			Title:       "CloudFront distributions have access logging on",
			Domain:      secpillar.DomainInfrastructure,
			Severity:    secpillar.SeverityMedium,
			References:  refs(fsbp, "CloudFront.5"),
			Scope:       secpillar.ScopeAccount,
			Permissions: []string{"cloudfront:GetDistributionConfig", "cloudfront:ListDistributions"},
			Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
				return CheckCloudFrontLogging(ctx, cloudfront.NewFromConfig(globalConfig(cfg)))
			},
		},
		{
			ID:          ControlCloudFrontS3OriginOAC,
			Title:       "CloudFront S3 origins use origin access control and exist",
			Domain:      secpillar.DomainInfrastructure,
			Severity:    secpillar.SeverityMedium,
			References:  refs(fsbp, "CloudFront.13", fsbp, "CloudFront.12"),
			Scope:       secpillar.ScopeAccount,
			Permissions: []string{"cloudfront:ListDistributions", "s3:ListBucket"},
			Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
				return CheckCloudFrontS3OriginOAC(ctx, cloudfront.NewFromConfig(globalConfig(cfg)), s3.NewFromConfig(cfg))
			},
		},
		{
			ID:                     ControlCloudFrontDefaultRootObject,
			Title:                  "CloudFront distributions have a default root object",
			Domain:                 secpillar.DomainInfrastructure,
			Severity:               secpillar.SeverityHigh,
			References:             refs(fsbp, "CloudFront.1"),
			Scope:                  secpillar.ScopeAccount,
			Permissions:            []string{"cloudfront:GetDistributionConfig", "cloudfront:ListDistributions"},
			RemediationPermissions: []string{"cloudfront:GetDistributionConfig", "cloudfront:UpdateDistribution"},
			Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
				return CheckCloudFrontDefaultRootObject(ctx, cloudfront.NewFromConfig(globalConfig(cfg)))
			},
			Remediate: func(ctx context.Context, cfg aws.Config, f secpillar.Finding, o secpillar.RemediateOptions) (secpillar.Remediation, error) {
				_, err := distributionTarget(f)
				if err != nil {
					return secpillar.Remediation{}, err
				}
				return RemediateCloudFrontDefaultRootObject(ctx, cloudfront.NewFromConfig(globalConfig(cfg)), f.Resource.ID, "", withOptions(o))
			},
		},
		{
			ID:          ControlWAFACLHasRules,
			Title:       "AWS WAF web ACLs have rules, and every rule emits CloudWatch metrics",
			Domain:      secpillar.DomainInfrastructure,
			Severity:    secpillar.SeverityMedium,
			References:  refs(fsbp, "WAF.10", fsbp, "WAF.12"),
			Scope:       secpillar.ScopeRegional,
			Permissions: []string{"wafv2:GetWebACL", "wafv2:ListWebACLs"},
			Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
				return CheckWebACLRules(ctx, wafv2.NewFromConfig(cfg), cfg.Region)
			},
		},
		{
			// RemediateWebACLLogging needs the caller's destination: no adapter.
			ID:                     ControlWAFLogging,
			Title:                  "AWS WAF web ACLs have logging on",
			Domain:                 secpillar.DomainInfrastructure,
			Severity:               secpillar.SeverityMedium,
			References:             refs(fsbp, "WAF.11"),
			Scope:                  secpillar.ScopeRegional,
			Permissions:            []string{"wafv2:ListLoggingConfigurations", "wafv2:ListWebACLs"},
			RemediationPermissions: []string{"wafv2:GetLoggingConfiguration", "wafv2:PutLoggingConfiguration"},
			Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
				return CheckWebACLLogging(ctx, wafv2.NewFromConfig(cfg), cfg.Region)
			},
		},
		{
			ID:          ControlWAFBaselineManagedRules,
			Title:       "AWS WAF web ACLs include the AWS managed common and known-bad-inputs rule groups",
			Domain:      secpillar.DomainInfrastructure,
			Severity:    secpillar.SeverityMedium,
			Scope:       secpillar.ScopeRegional,
			Permissions: []string{"wafv2:GetWebACL", "wafv2:ListWebACLs"},
			Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
				return CheckWebACLBaselineRules(ctx, wafv2.NewFromConfig(cfg), cfg.Region)
			},
		},
		{
			// RemediateALBWebACL needs the caller's web ACL: no adapter.
			ID:                     ControlALBWAFAssociated,
			Title:                  "Internet-facing application load balancers have an AWS WAF web ACL",
			Domain:                 secpillar.DomainInfrastructure,
			Severity:               secpillar.SeverityMedium,
			Scope:                  secpillar.ScopeRegional,
			Permissions:            []string{"elasticloadbalancing:DescribeLoadBalancers", "wafv2:GetWebACLForResource"},
			RemediationPermissions: []string{"elasticloadbalancing:SetWebACL", "wafv2:AssociateWebACL", "wafv2:GetWebACLForResource"},
			Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
				return CheckALBWebACL(ctx, elb.NewFromConfig(cfg), wafv2.NewFromConfig(cfg))
			},
		},
		{
			ID:          ControlShieldAdvancedSubscribed,
			Title:       "Shield Advanced is subscribed (checked only: subscribing is a paid commitment)",
			Domain:      secpillar.DomainInfrastructure,
			Severity:    secpillar.SeverityMedium,
			Scope:       secpillar.ScopeAccount,
			Permissions: []string{"shield:GetSubscriptionState"},
			Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
				f, err := CheckShieldAdvancedSubscription(ctx, shield.NewFromConfig(globalConfig(cfg)), "")
				if err != nil {
					return nil, err
				}
				return []secpillar.Finding{f}, nil
			},
		},
		{
			// Regional: each Region's ALBs and Elastic IPs; the global
			// resources (CloudFront, Route 53, Global Accelerator) are
			// evaluated in us-east-1 only.
			ID:                     ControlShieldAdvancedProtections,
			Title:                  "Shield Advanced protects CloudFront distributions, internet-facing ALBs, Elastic IPs, Route 53 zones and accelerators",
			Domain:                 secpillar.DomainInfrastructure,
			Severity:               secpillar.SeverityMedium,
			Scope:                  secpillar.ScopeRegional,
			Permissions:            []string{"cloudfront:ListDistributions", "ec2:DescribeAddresses", "elasticloadbalancing:DescribeLoadBalancers", "globalaccelerator:ListAccelerators", "route53:ListHostedZones", "shield:GetSubscriptionState", "shield:ListProtections", "sts:GetCallerIdentity"},
			RemediationPermissions: []string{"shield:CreateProtection", "shield:GetSubscriptionState", "shield:ListProtections"},
			Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
				id, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
				if err != nil {
					return nil, fmt.Errorf("infrastructure: read the account ID: %w", err)
				}
				src := ShieldResourceSources{LoadBalancers: elb.NewFromConfig(cfg), Addresses: ec2.NewFromConfig(cfg), Region: cfg.Region, Account: aws.ToString(id.Account)}
				if cfg.Region == "us-east-1" {
					src.Distributions = cloudfront.NewFromConfig(cfg)
					src.HostedZones = route53.NewFromConfig(cfg)
					src.Accelerators = globalaccelerator.NewFromConfig(inRegion(cfg, "us-west-2"))
				}
				return CheckShieldAdvancedProtections(ctx, shield.NewFromConfig(globalConfig(cfg)), src)
			},
			Remediate: func(ctx context.Context, cfg aws.Config, f secpillar.Finding, o secpillar.RemediateOptions) (secpillar.Remediation, error) {
				return RemediateShieldProtection(ctx, shield.NewFromConfig(globalConfig(cfg)), f.Resource.ID, withOptions(o))
			},
		},
		{
			ID:                     ControlInspectorEnabled,
			Title:                  "Amazon Inspector scans EC2, ECR, Lambda and Lambda code",
			Domain:                 secpillar.DomainInfrastructure,
			Severity:               secpillar.SeverityHigh,
			References:             refs(fsbp, "Inspector.1", fsbp, "Inspector.2", fsbp, "Inspector.3", fsbp, "Inspector.4"),
			Scope:                  secpillar.ScopeRegional,
			Permissions:            []string{"inspector2:BatchGetAccountStatus"},
			RemediationPermissions: []string{"inspector2:BatchGetAccountStatus", "inspector2:Enable", "iam:CreateServiceLinkedRole"},
			Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
				f, err := CheckInspectorEnabled(ctx, inspector2.NewFromConfig(cfg))
				if err != nil {
					return nil, err
				}
				return []secpillar.Finding{f}, nil
			},
			Remediate: func(ctx context.Context, cfg aws.Config, f secpillar.Finding, o secpillar.RemediateOptions) (secpillar.Remediation, error) {
				if f.Resource.Region == "" {
					return secpillar.Remediation{}, fmt.Errorf("infrastructure: finding for %s names no Region", f.Control)
				}
				return RemediateInspectorEnabled(ctx, inspector2.NewFromConfig(inRegion(cfg, f.Resource.Region)), nil, withOptions(o))
			},
		},
		{
			ID:          ControlInspectorNoCriticalFindings,
			Title:       "Amazon Inspector has no active critical finding",
			Domain:      secpillar.DomainInfrastructure,
			Severity:    secpillar.SeverityCritical,
			Scope:       secpillar.ScopeRegional,
			Permissions: []string{"inspector2:BatchGetAccountStatus", "inspector2:ListFindings"},
			Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
				f, err := CheckInspectorCriticalFindings(ctx, inspector2.NewFromConfig(cfg))
				if err != nil {
					return nil, err
				}
				return []secpillar.Finding{f}, nil
			},
		},
	}
}
