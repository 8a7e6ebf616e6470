package dataprotection

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/secpillar/secpillar"
)

// resourceSuffix returns what follows the last "/" of a finding's ARN.
func resourceSuffix(f secpillar.Finding, prefix string) (string, error) {
	id := f.Resource.ID
	if i := strings.LastIndex(id, "/"); i >= 0 {
		id = id[i+1:]
	}
	if !strings.HasPrefix(id, prefix) {
		return "", fmt.Errorf("dataprotection: finding resource %q does not name a %s resource", f.Resource.ID, strings.TrimSuffix(prefix, "-"))
	}
	return id, nil
}

// regionOfFinding returns the Region of a Region-wide finding.
func regionOfFinding(cfg aws.Config, f secpillar.Finding) string {
	if f.Resource.Region != "" {
		return f.Resource.Region
	}
	return cfg.Region
}

func ebsControls() []secpillar.Control {
	regional := func(id, title string, sev secpillar.Severity, refs []secpillar.Reference, perms []string, check func(context.Context, aws.Config) ([]secpillar.Finding, error)) secpillar.Control {
		return secpillar.Control{ID: id, Title: title, Domain: secpillar.DomainDataProtection, Severity: sev, References: refs,
			Scope: secpillar.ScopeRegional, Permissions: perms, Check: check}
	}
	def := regional(ControlEBSDefaultEncryption, "EBS encryption by default is on in every Region", secpillar.SeverityMedium,
		[]secpillar.Reference{cis("2.2.1"), fsbp("EC2.7")}, []string{"ec2:GetEbsEncryptionByDefault"},
		func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
			return one(CheckEBSDefaultEncryption(ctx, ec2.NewFromConfig(cfg), cfg.Region))
		})
	def.RemediationPermissions = []string{"ec2:EnableEbsEncryptionByDefault"}
	def.Remediate = func(ctx context.Context, cfg aws.Config, f secpillar.Finding, o secpillar.RemediateOptions) (secpillar.Remediation, error) {
		c := inFindingRegion(cfg, f)
		return RemediateEBSDefaultEncryption(ctx, ec2.NewFromConfig(c), regionOfFinding(cfg, f), withOptions(o))
	}

	vol := regional(ControlEBSVolumeEncrypted, "Attached EBS volumes are encrypted", secpillar.SeverityMedium,
		[]secpillar.Reference{fsbp("EC2.3")}, []string{"sts:GetCallerIdentity", "ec2:DescribeVolumes"},
		func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
			acct, err := callerAccount(ctx, cfg)
			if err != nil {
				return nil, err
			}
			return CheckEBSVolumeEncrypted(ctx, ec2.NewFromConfig(cfg), acct, cfg.Region)
		})

	snap := regional(ControlEBSSnapshotNotPublic, "No EBS snapshot is restorable by everyone", secpillar.SeverityCritical,
		[]secpillar.Reference{fsbp("EC2.1")}, []string{"ec2:DescribeSnapshots"},
		func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
			return CheckEBSSnapshotNotPublic(ctx, ec2.NewFromConfig(cfg), cfg.Region)
		})
	snap.RemediationPermissions = []string{"ec2:DescribeSnapshotAttribute", "ec2:ModifySnapshotAttribute"}
	snap.Remediate = func(ctx context.Context, cfg aws.Config, f secpillar.Finding, o secpillar.RemediateOptions) (secpillar.Remediation, error) {
		if _, err := resourceSuffix(f, "snap-"); err != nil {
			return secpillar.Remediation{}, err
		}
		return RemediateEBSSnapshotNotPublic(ctx, ec2.NewFromConfig(inFindingRegion(cfg, f)), f.Resource.ID, withOptions(o))
	}

	bpa := regional(ControlEBSSnapshotBlockPublicAccess, "The Region blocks public sharing of EBS snapshots", secpillar.SeverityHigh,
		nil, []string{"ec2:GetSnapshotBlockPublicAccessState"},
		func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
			return one(CheckEBSSnapshotBlockPublicAccess(ctx, ec2.NewFromConfig(cfg), cfg.Region))
		})
	bpa.RemediationPermissions = []string{"ec2:EnableSnapshotBlockPublicAccess"}
	bpa.Remediate = func(ctx context.Context, cfg aws.Config, f secpillar.Finding, o secpillar.RemediateOptions) (secpillar.Remediation, error) {
		return RemediateEBSSnapshotBlockPublicAccess(ctx, ec2.NewFromConfig(inFindingRegion(cfg, f)), regionOfFinding(cfg, f), withOptions(o))
	}

	ami := regional(ControlAMINotPublic, "No AMI owned by the account is public", secpillar.SeverityHigh,
		nil, []string{"ec2:DescribeImages"},
		func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
			return CheckAMINotPublic(ctx, ec2.NewFromConfig(cfg), cfg.Region)
		})
	ami.RemediationPermissions = []string{"ec2:DescribeImageAttribute", "ec2:ModifyImageAttribute"}
	ami.Remediate = func(ctx context.Context, cfg aws.Config, f secpillar.Finding, o secpillar.RemediateOptions) (secpillar.Remediation, error) {
		if _, err := resourceSuffix(f, "ami-"); err != nil {
			return secpillar.Remediation{}, err
		}
		return RemediateAMINotPublic(ctx, ec2.NewFromConfig(inFindingRegion(cfg, f)), f.Resource.ID, withOptions(o))
	}
	return []secpillar.Control{def, vol, snap, bpa, ami}
}
