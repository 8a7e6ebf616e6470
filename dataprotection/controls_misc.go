package dataprotection

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/secpillar/secpillar"
)

func transitAndClassificationControls() []secpillar.Control {
	return []secpillar.Control{
		{
			ID: ControlELBTLSInTransit, Title: "Load balancer listeners use TLS 1.2+ and HTTP redirects to HTTPS", Domain: secpillar.DomainDataProtection,
			Severity: secpillar.SeverityMedium, References: []secpillar.Reference{fsbp("ELB.1")}, Scope: secpillar.ScopeRegional,
			Permissions:            []string{"elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeListeners", "elasticloadbalancing:DescribeSSLPolicies"},
			RemediationPermissions: []string{"elasticloadbalancing:DescribeListeners", "elasticloadbalancing:DescribeSSLPolicies", "elasticloadbalancing:ModifyListener"},
			Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
				return CheckELBTLSInTransit(ctx, elb.NewFromConfig(cfg))
			},
			// HTTP listeners get the redirect; HTTPS and TLS listeners on an
			// old policy get DefaultTLSPolicy.
			Remediate: func(ctx context.Context, cfg aws.Config, f secpillar.Finding, o secpillar.RemediateOptions) (secpillar.Remediation, error) {
				arn, err := arnOf(f, "elasticloadbalancing")
				if err != nil {
					return secpillar.Remediation{}, err
				}
				api := elb.NewFromConfig(inFindingRegion(cfg, f))
				switch f.Evidence["protocol"] {
				case string(elbtypes.ProtocolEnumHttps), string(elbtypes.ProtocolEnumTls):
					return RemediateELBTLSPolicy(ctx, api, arn, "", withOptions(o))
				}
				return RemediateELBHTTPSRedirect(ctx, api, arn, withOptions(o))
			},
		},
		{
			ID: ControlClassificationTagged, Title: "Buckets, databases and volumes carry a data-classification tag", Domain: secpillar.DomainDataProtection,
			Severity: secpillar.SeverityLow, Scope: secpillar.ScopeRegional,
			Permissions: []string{"sts:GetCallerIdentity", "s3:ListAllMyBuckets", "s3:GetBucketTagging", "rds:DescribeDBInstances", "rds:DescribeDBClusters", "ec2:DescribeVolumes"},
			Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
				acct, err := callerAccount(ctx, cfg)
				if err != nil {
					return nil, err
				}
				return CheckClassificationTagged(ctx, s3.NewFromConfig(cfg), rds.NewFromConfig(cfg), ec2.NewFromConfig(cfg), acct, cfg.Region)
			},
		},
	}
}
