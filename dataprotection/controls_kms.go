package dataprotection

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/secpillar/secpillar"
)

// inFindingRegion returns cfg aimed at the Region of a finding's resource.
func inFindingRegion(cfg aws.Config, f secpillar.Finding) aws.Config {
	if f.Resource.Region != "" {
		cfg = cfg.Copy()
		cfg.Region = f.Resource.Region
	}
	return cfg
}

// arnOf returns the ARN of a finding's resource, checking its service.
func arnOf(f secpillar.Finding, service string) (string, error) {
	if !strings.HasPrefix(f.Resource.ID, "arn:aws:"+service+":") && !strings.HasPrefix(f.Resource.ID, "arn:aws-") {
		return "", fmt.Errorf("dataprotection: finding resource %q is not a %s ARN", f.Resource.ID, service)
	}
	return f.Resource.ID, nil
}

func kmsRemediation(fn func(ctx context.Context, api *kms.Client, keyID string, optFns ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error)) func(context.Context, aws.Config, secpillar.Finding, secpillar.RemediateOptions) (secpillar.Remediation, error) {
	return func(ctx context.Context, cfg aws.Config, f secpillar.Finding, o secpillar.RemediateOptions) (secpillar.Remediation, error) {
		arn, err := arnOf(f, "kms")
		if err != nil {
			return secpillar.Remediation{}, err
		}
		return fn(ctx, kms.NewFromConfig(inFindingRegion(cfg, f)), arn, withOptions(o))
	}
}

func kmsControls() []secpillar.Control {
	list := []string{"kms:ListKeys", "kms:DescribeKey"}
	return []secpillar.Control{
		{
			ID: ControlKMSKeyRotation, Title: "Customer managed symmetric KMS keys rotate automatically", Domain: secpillar.DomainDataProtection,
			Severity: secpillar.SeverityMedium, References: []secpillar.Reference{cis("3.6"), fsbp("KMS.4")}, Scope: secpillar.ScopeRegional,
			Permissions:            append(list, "kms:GetKeyRotationStatus"),
			RemediationPermissions: []string{"kms:EnableKeyRotation"},
			Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
				return CheckKMSKeyRotation(ctx, kms.NewFromConfig(cfg))
			},
			Remediate: kmsRemediation(func(ctx context.Context, api *kms.Client, id string, o ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
				return RemediateKMSKeyRotation(ctx, api, id, o...)
			}),
		},
		{
			ID: ControlKMSKeyNotPendingDeletion, Title: "No customer managed KMS key is scheduled for deletion", Domain: secpillar.DomainDataProtection,
			Severity: secpillar.SeverityHigh, References: []secpillar.Reference{fsbp("KMS.3")}, Scope: secpillar.ScopeRegional,
			Permissions:            list,
			RemediationPermissions: []string{"kms:CancelKeyDeletion"},
			Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
				return CheckKMSKeyNotPendingDeletion(ctx, kms.NewFromConfig(cfg))
			},
			Remediate: kmsRemediation(func(ctx context.Context, api *kms.Client, id string, o ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
				return RemediateKMSKeyNotPendingDeletion(ctx, api, id, o...)
			}),
		},
		{
			ID: ControlKMSKeyPolicyNotPublic, Title: "KMS key policies are not public", Domain: secpillar.DomainDataProtection,
			Severity: secpillar.SeverityCritical, References: []secpillar.Reference{fsbp("KMS.5")}, Scope: secpillar.ScopeRegional,
			Permissions:            append(list, "kms:GetKeyPolicy"),
			RemediationPermissions: []string{"kms:PutKeyPolicy"},
			Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
				return CheckKMSKeyPolicyNotPublic(ctx, kms.NewFromConfig(cfg))
			},
			Remediate: kmsRemediation(func(ctx context.Context, api *kms.Client, id string, o ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
				return RemediateKMSKeyPolicyNotPublic(ctx, api, id, o...)
			}),
		},
		{
			ID: ControlKMSNoDecryptAllKeys, Title: "No IAM policy allows kms:Decrypt or kms:ReEncryptFrom on all keys", Domain: secpillar.DomainDataProtection,
			Severity: secpillar.SeverityMedium, References: []secpillar.Reference{fsbp("KMS.1"), fsbp("KMS.2")}, Scope: secpillar.ScopeAccount,
			Permissions: []string{"iam:GetAccountAuthorizationDetails"},
			Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
				return CheckKMSNoDecryptAllKeys(ctx, iam.NewFromConfig(cfg))
			},
		},
	}
}
