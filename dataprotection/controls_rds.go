package dataprotection

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/secpillar/secpillar"
)

func rdsCheck(fn func(ctx context.Context, api *rds.Client) ([]secpillar.Finding, error)) func(context.Context, aws.Config) ([]secpillar.Finding, error) {
	return func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
		return fn(ctx, rds.NewFromConfig(cfg))
	}
}

func rdsDatabaseRemediation(instancesOnly bool, fn func(ctx context.Context, api *rds.Client, db Database, o ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error)) func(context.Context, aws.Config, secpillar.Finding, secpillar.RemediateOptions) (secpillar.Remediation, error) {
	return func(ctx context.Context, cfg aws.Config, f secpillar.Finding, o secpillar.RemediateOptions) (secpillar.Remediation, error) {
		db, err := databaseOf(f)
		if err != nil {
			return secpillar.Remediation{}, err
		}
		if instancesOnly && db.Cluster {
			return secpillar.Remediation{}, errClusterNotSupported(f.Resource.ID)
		}
		return fn(ctx, rds.NewFromConfig(inFindingRegion(cfg, f)), db, withOptions(o))
	}
}

type errClusterNotSupported string

func (e errClusterNotSupported) Error() string {
	return "dataprotection: " + string(e) + " is a cluster; this remediation acts on DB instances only"
}

func rdsControls() []secpillar.Control {
	dbs := []string{"rds:DescribeDBInstances", "rds:DescribeDBClusters"}
	snaps := []string{"rds:DescribeDBSnapshots", "rds:DescribeDBClusterSnapshots"}
	base := func(id, title string, sev secpillar.Severity, refs []secpillar.Reference, perms []string, check func(context.Context, aws.Config) ([]secpillar.Finding, error)) secpillar.Control {
		return secpillar.Control{ID: id, Title: title, Domain: secpillar.DomainDataProtection, Severity: sev, References: refs,
			Scope: secpillar.ScopeRegional, Permissions: perms, Check: check}
	}
	enc := base(ControlRDSStorageEncrypted, "RDS instances and clusters are encrypted at rest", secpillar.SeverityMedium,
		[]secpillar.Reference{cis("2.3.1"), fsbp("RDS.3"), fsbp("RDS.27")}, dbs,
		rdsCheck(func(ctx context.Context, api *rds.Client) ([]secpillar.Finding, error) {
			return CheckRDSStorageEncrypted(ctx, api)
		}))

	minor := base(ControlRDSAutoMinorUpgrade, "RDS instances upgrade minor versions automatically", secpillar.SeverityHigh,
		[]secpillar.Reference{cis("2.3.2"), fsbp("RDS.13")}, []string{"rds:DescribeDBInstances"},
		rdsCheck(func(ctx context.Context, api *rds.Client) ([]secpillar.Finding, error) {
			return CheckRDSAutoMinorUpgrade(ctx, api)
		}))
	minor.RemediationPermissions = []string{"rds:ModifyDBInstance"}
	minor.Remediate = rdsDatabaseRemediation(true, func(ctx context.Context, api *rds.Client, db Database, o ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
		return RemediateRDSAutoMinorUpgrade(ctx, api, db.Identifier, o...)
	})

	public := base(ControlRDSNotPublic, "RDS instances are not publicly accessible", secpillar.SeverityCritical,
		[]secpillar.Reference{cis("2.3.3"), fsbp("RDS.2")}, []string{"rds:DescribeDBInstances"},
		rdsCheck(func(ctx context.Context, api *rds.Client) ([]secpillar.Finding, error) {
			return CheckRDSNotPublic(ctx, api)
		}))
	public.RemediationPermissions = []string{"rds:ModifyDBInstance"}
	public.Remediate = rdsDatabaseRemediation(true, func(ctx context.Context, api *rds.Client, db Database, o ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
		return RemediateRDSNotPublic(ctx, api, db.Identifier, o...)
	})

	snapPublic := base(ControlRDSSnapshotNotPublic, "RDS manual snapshots are not shared with all accounts", secpillar.SeverityCritical,
		[]secpillar.Reference{fsbp("RDS.1")}, append(snaps, "rds:DescribeDBSnapshotAttributes", "rds:DescribeDBClusterSnapshotAttributes"),
		rdsCheck(func(ctx context.Context, api *rds.Client) ([]secpillar.Finding, error) {
			return CheckRDSSnapshotNotPublic(ctx, api)
		}))
	snapPublic.RemediationPermissions = []string{"rds:ModifyDBSnapshotAttribute", "rds:ModifyDBClusterSnapshotAttribute"}
	snapPublic.Remediate = func(ctx context.Context, cfg aws.Config, f secpillar.Finding, o secpillar.RemediateOptions) (secpillar.Remediation, error) {
		s, err := snapshotOf(f)
		if err != nil {
			return secpillar.Remediation{}, err
		}
		return RemediateRDSSnapshotNotPublic(ctx, rds.NewFromConfig(inFindingRegion(cfg, f)), s, withOptions(o))
	}

	snapEnc := base(ControlRDSSnapshotEncrypted, "RDS snapshots are encrypted", secpillar.SeverityMedium,
		[]secpillar.Reference{fsbp("RDS.4")}, snaps,
		rdsCheck(func(ctx context.Context, api *rds.Client) ([]secpillar.Finding, error) {
			return CheckRDSSnapshotEncrypted(ctx, api)
		}))

	protect := base(ControlRDSDeletionProtection, "RDS instances and clusters have deletion protection", secpillar.SeverityLow,
		[]secpillar.Reference{fsbp("RDS.7"), fsbp("RDS.8")}, dbs,
		rdsCheck(func(ctx context.Context, api *rds.Client) ([]secpillar.Finding, error) {
			return CheckRDSDeletionProtection(ctx, api)
		}))
	protect.RemediationPermissions = []string{"rds:ModifyDBInstance", "rds:ModifyDBCluster"}
	protect.Remediate = rdsDatabaseRemediation(false, func(ctx context.Context, api *rds.Client, db Database, o ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
		return RemediateRDSDeletionProtection(ctx, api, db, o...)
	})

	tls := base(ControlRDSTLSEnforced, "RDS parameter groups force TLS connections", secpillar.SeverityMedium,
		[]secpillar.Reference{fsbp("RDS.38"), fsbp("RDS.39")}, append(dbs, "rds:DescribeDBParameters", "rds:DescribeDBClusterParameters"),
		rdsCheck(func(ctx context.Context, api *rds.Client) ([]secpillar.Finding, error) {
			return CheckRDSTLSEnforced(ctx, api)
		}))
	tls.RemediationPermissions = []string{"rds:ModifyDBParameterGroup", "rds:ModifyDBClusterParameterGroup"}
	tls.Remediate = rdsDatabaseRemediation(false, func(ctx context.Context, api *rds.Client, db Database, o ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
		return RemediateRDSTLSEnforced(ctx, api, db, o...)
	})

	return []secpillar.Control{enc, minor, public, snapPublic, snapEnc, protect, tls}
}
