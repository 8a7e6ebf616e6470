package identity

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

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

// one adapts a check of one account-level setting.
func one(f secpillar.Finding, err error) ([]secpillar.Finding, error) {
	if err != nil {
		return nil, err
	}
	return []secpillar.Finding{f}, nil
}

// with hands RemediateOptions to a typed Remediate function.
func with(o secpillar.RemediateOptions) func(*secpillar.RemediateOptions) {
	return func(p *secpillar.RemediateOptions) { *p = o }
}

// accountFinding rejects a finding that is not an account-level finding of
// control id.
func accountFinding(id string, f secpillar.Finding) error {
	if f.Control != id {
		return fmt.Errorf("identity: %s cannot remediate a finding of control %q", id, f.Control)
	}
	if f.Resource.Type != secpillar.AccountResourceType {
		return fmt.Errorf("identity: %s cannot remediate resource %q of type %q (want an account)", id, f.Resource.ID, f.Resource.Type)
	}
	return nil
}

// retarget names the finding's account resource in a remediation of an
// account-level setting.
func retarget(rem secpillar.Remediation, res secpillar.Resource) secpillar.Remediation {
	rem.Resource = res
	for i := range rem.Changes {
		if rem.Changes[i].Resource.Type == secpillar.AccountResourceType {
			rem.Changes[i].Resource = res
		}
	}
	return rem
}

// Controls returns the identity catalogue.
func Controls() []secpillar.Control {
	return []secpillar.Control{
		{
			ID:          ControlRootMFAEnabled,
			Title:       "The root user has MFA, or no credentials at all",
			Domain:      secpillar.DomainIdentity,
			Severity:    secpillar.SeverityCritical,
			References:  refs(cis, "1.5", fsbp, "IAM.9"),
			Scope:       secpillar.ScopeAccount,
			Permissions: []string{"iam:GetAccountSummary"},
			Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
				return one(CheckRootMFA(ctx, iam.NewFromConfig(cfg)))
			},
		},
		{
			ID:                     ControlPasswordPolicy,
			Title:                  "The IAM password policy requires at least 14 characters and prevents reuse of 24 passwords",
			Domain:                 secpillar.DomainIdentity,
			Severity:               secpillar.SeverityMedium,
			References:             refs(cis, "1.8", cis, "1.9", fsbp, "IAM.7"),
			Scope:                  secpillar.ScopeAccount,
			Permissions:            []string{"iam:GetAccountPasswordPolicy"},
			RemediationPermissions: []string{"iam:GetAccountPasswordPolicy", "iam:UpdateAccountPasswordPolicy"},
			Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
				return one(CheckPasswordPolicy(ctx, iam.NewFromConfig(cfg)))
			},
			Remediate: func(ctx context.Context, cfg aws.Config, f secpillar.Finding, o secpillar.RemediateOptions) (secpillar.Remediation, error) {
				if err := accountFinding(ControlPasswordPolicy, f); err != nil {
					return secpillar.Remediation{}, err
				}
				rem, err := RemediatePasswordPolicy(ctx, iam.NewFromConfig(cfg), PasswordPolicyOptions{}, with(o))
				return retarget(rem, f.Resource), err
			},
		},
	}
}
