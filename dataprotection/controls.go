package dataprotection

import (
	"context"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/secpillar/secpillar"
)

func cis(id string) secpillar.Reference {
	return secpillar.Reference{Framework: "cis-aws-foundations-3.0.0", ID: id}
}

func fsbp(id string) secpillar.Reference { return secpillar.Reference{Framework: "aws-fsbp", ID: id} }

// callerAccount returns the account ID of cfg's credentials.
func callerAccount(ctx context.Context, cfg aws.Config) (string, error) {
	out, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return "", fmt.Errorf("dataprotection: read caller identity: %w", err)
	}
	return aws.ToString(out.Account), nil
}

func one(f secpillar.Finding, err error) ([]secpillar.Finding, error) {
	if err != nil {
		return nil, err
	}
	return []secpillar.Finding{f}, nil
}

// Controls returns the dataprotection catalogue.
func Controls() []secpillar.Control {
	return slices.Concat(s3AccountControls(), s3Controls(), kmsControls(), rdsControls(), ebsControls(), transitAndClassificationControls())
}

func s3AccountControls() []secpillar.Control {
	return []secpillar.Control{
		{
			ID:                     ControlS3AccountPublicAccessBlock,
			Title:                  "S3 Block Public Access is on at account level (all four flags)",
			Domain:                 secpillar.DomainDataProtection,
			Severity:               secpillar.SeverityHigh,
			References:             []secpillar.Reference{cis("2.1.4"), fsbp("S3.1")},
			Scope:                  secpillar.ScopeAccount,
			Permissions:            []string{"sts:GetCallerIdentity", "s3:GetAccountPublicAccessBlock"},
			RemediationPermissions: []string{"s3:PutAccountPublicAccessBlock"},
			Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
				acct, err := callerAccount(ctx, cfg)
				if err != nil {
					return nil, err
				}
				return one(CheckS3AccountPublicAccessBlock(ctx, s3control.NewFromConfig(cfg), acct))
			},
			Remediate: func(ctx context.Context, cfg aws.Config, f secpillar.Finding, o secpillar.RemediateOptions) (secpillar.Remediation, error) {
				acct, err := accountOf(f)
				if err != nil {
					return secpillar.Remediation{}, err
				}
				return RemediateS3AccountPublicAccessBlock(ctx, s3control.NewFromConfig(cfg), acct, withOptions(o))
			},
		},
	}
}

// withOptions passes a RemediateOptions value to a typed Remediate function.
func withOptions(o secpillar.RemediateOptions) func(*secpillar.RemediateOptions) {
	return func(p *secpillar.RemediateOptions) { *p = o }
}

// accountOf returns the account ID of an account-level finding.
func accountOf(f secpillar.Finding) (string, error) {
	id := f.Resource.Account
	if id == "" && len(f.Resource.ID) > len(secpillar.AccountResourceType)+1 {
		id = f.Resource.ID[len(secpillar.AccountResourceType)+1:]
	}
	if err := validAccountID(id); err != nil {
		return "", fmt.Errorf("dataprotection: finding %q names no account: %w", f.Resource.ID, err)
	}
	return id, nil
}
