package dataprotection

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
	"github.com/secpillar/secpillar"
)

// IDs of the RDS database controls.
const (
	ControlRDSStorageEncrypted   = "dataprotection.rds-storage-encrypted"
	ControlRDSAutoMinorUpgrade   = "dataprotection.rds-auto-minor-upgrade"
	ControlRDSNotPublic          = "dataprotection.rds-not-public"
	ControlRDSDeletionProtection = "dataprotection.rds-deletion-protection"
)

// RDS resource types.
const (
	RDSInstanceResourceType = "AWS::RDS::DBInstance"
	RDSClusterResourceType  = "AWS::RDS::DBCluster"
)

// RDSInstancesAPI lists DB instances. *rds.Client satisfies it.
type RDSInstancesAPI interface {
	DescribeDBInstances(ctx context.Context, in *rds.DescribeDBInstancesInput, optFns ...func(*rds.Options)) (*rds.DescribeDBInstancesOutput, error)
}

var _ RDSInstancesAPI = (*rds.Client)(nil)

// RDSDatabasesAPI lists DB instances and clusters. *rds.Client satisfies it.
type RDSDatabasesAPI interface {
	RDSInstancesAPI
	DescribeDBClusters(ctx context.Context, in *rds.DescribeDBClustersInput, optFns ...func(*rds.Options)) (*rds.DescribeDBClustersOutput, error)
}

var _ RDSDatabasesAPI = (*rds.Client)(nil)

// RDSInstanceRemediationAPI is what the DB instance remediations call.
// *rds.Client satisfies it.
type RDSInstanceRemediationAPI interface {
	RDSInstancesAPI
	ModifyDBInstance(ctx context.Context, in *rds.ModifyDBInstanceInput, optFns ...func(*rds.Options)) (*rds.ModifyDBInstanceOutput, error)
}

var _ RDSInstanceRemediationAPI = (*rds.Client)(nil)

// RDSDeletionProtectionRemediationAPI is what
// RemediateRDSDeletionProtection calls. *rds.Client satisfies it.
type RDSDeletionProtectionRemediationAPI interface {
	RDSDatabasesAPI
	ModifyDBInstance(ctx context.Context, in *rds.ModifyDBInstanceInput, optFns ...func(*rds.Options)) (*rds.ModifyDBInstanceOutput, error)
	ModifyDBCluster(ctx context.Context, in *rds.ModifyDBClusterInput, optFns ...func(*rds.Options)) (*rds.ModifyDBClusterOutput, error)
}

var _ RDSDeletionProtectionRemediationAPI = (*rds.Client)(nil)

// Database names a DB instance or a DB cluster of the client's Region.
type Database struct {
	Identifier string
	Cluster    bool
}

// rdsDB is a DB instance or cluster as the checks use it.
type rdsDB struct {
	Database
	arn, engine, region string
	member              bool   // an instance that belongs to a cluster
	cluster             string // the cluster a member instance belongs to
	encrypted           *bool
	autoMinor           *bool
	public              *bool
	deletionProtection  *bool
	paramGroups         []string // instance parameter groups, or the cluster parameter group
	tags                []rdstypes.Tag
}

func (d rdsDB) resource() secpillar.Resource {
	t := RDSInstanceResourceType
	if d.Cluster {
		t = RDSClusterResourceType
	}
	return secpillar.Resource{Type: t, ID: d.arn, Region: d.region}
}

func (d rdsDB) kind() string {
	if d.Cluster {
		return "cluster"
	}
	return "instance"
}

func regionOfARN(arn string) string {
	if parts := strings.SplitN(arn, ":", 6); len(parts) == 6 {
		return parts[3]
	}
	return ""
}

func instanceOf(i rdstypes.DBInstance) (rdsDB, error) {
	id, arn := aws.ToString(i.DBInstanceIdentifier), aws.ToString(i.DBInstanceArn)
	if id == "" || arn == "" {
		return rdsDB{}, errors.New("dataprotection: describe DB instances: an instance without an identifier or ARN")
	}
	d := rdsDB{Database: Database{Identifier: id}, arn: arn, engine: aws.ToString(i.Engine), region: regionOfARN(arn),
		member: aws.ToString(i.DBClusterIdentifier) != "", cluster: aws.ToString(i.DBClusterIdentifier), encrypted: i.StorageEncrypted, autoMinor: i.AutoMinorVersionUpgrade,
		public: i.PubliclyAccessible, deletionProtection: i.DeletionProtection, tags: i.TagList}
	for _, g := range i.DBParameterGroups {
		d.paramGroups = append(d.paramGroups, aws.ToString(g.DBParameterGroupName))
	}
	return d, nil
}

func clusterOf(c rdstypes.DBCluster) (rdsDB, error) {
	id, arn := aws.ToString(c.DBClusterIdentifier), aws.ToString(c.DBClusterArn)
	if id == "" || arn == "" {
		return rdsDB{}, errors.New("dataprotection: describe DB clusters: a cluster without an identifier or ARN")
	}
	d := rdsDB{Database: Database{Identifier: id, Cluster: true}, arn: arn, engine: aws.ToString(c.Engine), region: regionOfARN(arn),
		encrypted: c.StorageEncrypted, autoMinor: c.AutoMinorVersionUpgrade, public: c.PubliclyAccessible,
		deletionProtection: c.DeletionProtection, tags: c.TagList}
	if g := aws.ToString(c.DBClusterParameterGroup); g != "" {
		d.paramGroups = []string{g}
	}
	return d, nil
}

func listInstances(ctx context.Context, api RDSInstancesAPI, id string) ([]rdsDB, error) {
	in := &rds.DescribeDBInstancesInput{}
	if id != "" {
		in.DBInstanceIdentifier = aws.String(id)
	}
	p := rds.NewDescribeDBInstancesPaginator(api, in)
	var out []rdsDB
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("dataprotection: describe DB instances: %w", err)
		}
		for _, i := range page.DBInstances {
			d, err := instanceOf(i)
			if err != nil {
				return nil, err
			}
			out = append(out, d)
		}
	}
	return out, nil
}

func listClusters(ctx context.Context, api RDSDatabasesAPI, id string) ([]rdsDB, error) {
	in := &rds.DescribeDBClustersInput{}
	if id != "" {
		in.DBClusterIdentifier = aws.String(id)
	}
	p := rds.NewDescribeDBClustersPaginator(api, in)
	var out []rdsDB
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("dataprotection: describe DB clusters: %w", err)
		}
		for _, c := range page.DBClusters {
			d, err := clusterOf(c)
			if err != nil {
				return nil, err
			}
			out = append(out, d)
		}
	}
	return out, nil
}

// flagFinding evaluates one boolean setting; a nil value is an error
// naming the field.
func flagFinding(d rdsDB, v *bool, field string, want bool, control string, sev secpillar.Severity, passReason, failReason string) (secpillar.Finding, error) {
	if v == nil {
		return secpillar.Finding{}, fmt.Errorf("dataprotection: DB %s %s: the answer has no %s", d.kind(), d.Identifier, field)
	}
	ev := map[string]string{strings.ToLower(field[:1]) + field[1:]: bstr(*v), "engine": d.engine}
	return verdict(*v == want, control, sev, d.resource(), passReason, failReason, ev), nil
}

// CheckRDSStorageEncrypted reports whether every DB cluster and every DB
// instance that is not a cluster member is encrypted at rest (CIS 2.3.1,
// RDS.3, RDS.27). Encryption can only be chosen at creation: restore an
// encrypted copy of a snapshot to fix it.
func CheckRDSStorageEncrypted(ctx context.Context, api RDSDatabasesAPI) ([]secpillar.Finding, error) {
	return eachDatabase(ctx, api, true, func(d rdsDB) (secpillar.Finding, error) {
		return flagFinding(d, d.encrypted, "StorageEncrypted", true, ControlRDSStorageEncrypted, secpillar.SeverityMedium,
			"Storage is encrypted at rest.", "Storage is not encrypted; take a snapshot, copy it with a KMS key and restore from the encrypted copy.")
	})
}

// CheckRDSDeletionProtection reports whether every DB cluster and every DB
// instance that is not a cluster member has deletion protection (RDS.7,
// RDS.8).
func CheckRDSDeletionProtection(ctx context.Context, api RDSDatabasesAPI) ([]secpillar.Finding, error) {
	return eachDatabase(ctx, api, true, func(d rdsDB) (secpillar.Finding, error) {
		return flagFinding(d, d.deletionProtection, "DeletionProtection", true, ControlRDSDeletionProtection, secpillar.SeverityLow,
			"Deletion protection is on.", "Deletion protection is off; turn it on.")
	})
}

// CheckRDSAutoMinorUpgrade reports whether every DB instance upgrades minor
// versions automatically (CIS 2.3.2, RDS.13).
func CheckRDSAutoMinorUpgrade(ctx context.Context, api RDSInstancesAPI) ([]secpillar.Finding, error) {
	dbs, err := listInstances(ctx, api, "")
	if err != nil {
		return nil, err
	}
	out := make([]secpillar.Finding, 0, len(dbs))
	for _, d := range dbs {
		f, err := flagFinding(d, d.autoMinor, "AutoMinorVersionUpgrade", true, ControlRDSAutoMinorUpgrade, secpillar.SeverityHigh,
			"Automatic minor version upgrade is on.", "Automatic minor version upgrade is off; turn it on so security patches are applied in the maintenance window.")
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

// CheckRDSNotPublic reports whether every DB instance is not publicly
// accessible (CIS 2.3.3, RDS.2). The instances of Aurora and Multi-AZ DB
// clusters are among them, each with its own PubliclyAccessible.
func CheckRDSNotPublic(ctx context.Context, api RDSInstancesAPI) ([]secpillar.Finding, error) {
	dbs, err := listInstances(ctx, api, "")
	if err != nil {
		return nil, err
	}
	out := make([]secpillar.Finding, 0, len(dbs))
	for _, d := range dbs {
		f, err := flagFinding(d, d.public, "PubliclyAccessible", false, ControlRDSNotPublic, secpillar.SeverityCritical,
			"The instance is not publicly accessible.", "The instance is publicly accessible; turn PubliclyAccessible off.")
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

// eachDatabase evaluates fn for every cluster and, with skipMembers, every
// instance that is not a cluster member (else every instance).
func eachDatabase(ctx context.Context, api RDSDatabasesAPI, skipMembers bool, fn func(rdsDB) (secpillar.Finding, error)) ([]secpillar.Finding, error) {
	insts, err := listInstances(ctx, api, "")
	if err != nil {
		return nil, err
	}
	clusters, err := listClusters(ctx, api, "")
	if err != nil {
		return nil, err
	}
	var out []secpillar.Finding
	for _, d := range append(insts, clusters...) {
		if skipMembers && d.member {
			continue
		}
		f, err := fn(d)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

func validDatabase(db Database) error {
	if db.Identifier == "" {
		return errors.New("dataprotection: empty DB identifier")
	}
	return nil
}

// readOne reads one instance or cluster.
func readOne(ctx context.Context, api RDSDatabasesAPI, db Database) (rdsDB, error) {
	var list []rdsDB
	var err error
	if db.Cluster {
		list, err = listClusters(ctx, api, db.Identifier)
	} else {
		list, err = listInstances(ctx, api, db.Identifier)
	}
	if err != nil {
		return rdsDB{}, err
	}
	if len(list) != 1 {
		return rdsDB{}, fmt.Errorf("dataprotection: DB %s: %d answers for one identifier", db.Identifier, len(list))
	}
	return list[0], nil
}

// instanceOnly adapts an RDSInstancesAPI for readOne on instances.
type instanceOnly struct{ RDSInstancesAPI }

func (instanceOnly) DescribeDBClusters(context.Context, *rds.DescribeDBClustersInput, ...func(*rds.Options)) (*rds.DescribeDBClustersOutput, error) {
	return nil, errors.New("dataprotection: clusters are not supported here")
}

// setInstanceFlag is the shared body of the instance remediations.
func setInstanceFlag(ctx context.Context, api RDSInstanceRemediationAPI, id string, control, field string, get func(rdsDB) *bool, want bool, set func(*rds.ModifyDBInstanceInput), opts secpillar.RemediateOptions, undo string, notes ...string) (secpillar.Remediation, error) {
	ctx = secpillar.FreshReads(ctx) // act on current state, never on a shared read
	if err := validDatabase(Database{Identifier: id}); err != nil {
		return secpillar.Remediation{}, err
	}
	d, err := readOne(ctx, instanceOnly{api}, Database{Identifier: id})
	if err != nil {
		return secpillar.Remediation{}, err
	}
	rem := secpillar.Remediation{Control: control, Resource: d.resource()}
	cur := get(d)
	if cur != nil && *cur == want {
		rem.Outcome = secpillar.OutcomeCompliant
		return rem, nil
	}
	if d.member && !strings.HasPrefix(d.engine, "aurora") {
		// The instances of a Multi-AZ DB cluster cannot be modified: RDS
		// takes every change on the cluster.
		return rem, fmt.Errorf("dataprotection: DB instance %s belongs to the Multi-AZ DB cluster %s, whose instances cannot be modified: set %s on the cluster", id, d.cluster, field)
	}
	before := "unset"
	if cur != nil {
		before = bstr(*cur)
	}
	rem.Changes = []secpillar.Change{{Resource: d.resource(), Action: "rds:ModifyDBInstance", Field: field, Before: before, After: bstr(want)}}
	rem.Undo, rem.Notes = undo, notes
	if opts.DryRun {
		rem.Outcome = secpillar.OutcomePlanned
		return rem, nil
	}
	in := &rds.ModifyDBInstanceInput{DBInstanceIdentifier: aws.String(id), ApplyImmediately: aws.Bool(true)}
	set(in)
	if _, err := api.ModifyDBInstance(ctx, in); err != nil {
		return rem, fmt.Errorf("dataprotection: modify DB instance %s: %w", id, err)
	}
	got, err := readOne(ctx, instanceOnly{api}, Database{Identifier: id})
	if err != nil {
		return rem, err
	}
	v := get(got)
	rem.Outcome = outcome(v != nil && *v == want)
	return rem, nil
}

// RemediateRDSAutoMinorUpgrade turns on automatic minor version upgrades of
// the DB instance id and re-reads. An instance of a Multi-AZ DB cluster is
// an error: RDS takes the change on the cluster only.
func RemediateRDSAutoMinorUpgrade(ctx context.Context, api RDSInstanceRemediationAPI, id string, optFns ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
	return setInstanceFlag(ctx, api, id, ControlRDSAutoMinorUpgrade, "AutoMinorVersionUpgrade", func(d rdsDB) *bool { return d.autoMinor }, true,
		func(in *rds.ModifyDBInstanceInput) { in.AutoMinorVersionUpgrade = aws.Bool(true) }, secpillar.NewRemediateOptions(optFns...),
		"Turn AutoMinorVersionUpgrade off with rds ModifyDBInstance.", "Minor upgrades happen in the instance's maintenance window and restart it.")
}

// RemediateRDSNotPublic turns PubliclyAccessible off on the DB instance id,
// applied immediately, and re-reads. An instance of a Multi-AZ DB cluster
// is an error: RDS takes the change on the cluster only.
func RemediateRDSNotPublic(ctx context.Context, api RDSInstanceRemediationAPI, id string, optFns ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
	return setInstanceFlag(ctx, api, id, ControlRDSNotPublic, "PubliclyAccessible", func(d rdsDB) *bool { return d.public }, false,
		func(in *rds.ModifyDBInstanceInput) { in.PubliclyAccessible = aws.Bool(false) }, secpillar.NewRemediateOptions(optFns...),
		"Turn PubliclyAccessible on again with rds ModifyDBInstance.", "Clients outside the VPC lose their connection; the endpoint name stays the same.")
}

// RemediateRDSDeletionProtection turns deletion protection on for db (an
// instance or a cluster) and re-reads.
func RemediateRDSDeletionProtection(ctx context.Context, api RDSDeletionProtectionRemediationAPI, db Database, optFns ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
	opts := secpillar.NewRemediateOptions(optFns...)
	ctx = secpillar.FreshReads(ctx) // act on current state, never on a shared read
	if err := validDatabase(db); err != nil {
		return secpillar.Remediation{}, err
	}
	d, err := readOne(ctx, api, db)
	if err != nil {
		return secpillar.Remediation{}, err
	}
	rem := secpillar.Remediation{Control: ControlRDSDeletionProtection, Resource: d.resource()}
	if aws.ToBool(d.deletionProtection) {
		rem.Outcome = secpillar.OutcomeCompliant
		return rem, nil
	}
	if d.member {
		return rem, fmt.Errorf("dataprotection: DB instance %s belongs to a cluster: set deletion protection on the cluster", db.Identifier)
	}
	action := "rds:ModifyDBInstance"
	if db.Cluster {
		action = "rds:ModifyDBCluster"
	}
	rem.Changes = []secpillar.Change{{Resource: d.resource(), Action: action, Field: "DeletionProtection", Before: "false", After: "true"}}
	rem.Undo = "Turn DeletionProtection off with " + action + " before deleting the database on purpose."
	if opts.DryRun {
		rem.Outcome = secpillar.OutcomePlanned
		return rem, nil
	}
	if db.Cluster {
		_, err = api.ModifyDBCluster(ctx, &rds.ModifyDBClusterInput{DBClusterIdentifier: aws.String(db.Identifier), DeletionProtection: aws.Bool(true), ApplyImmediately: aws.Bool(true)})
	} else {
		_, err = api.ModifyDBInstance(ctx, &rds.ModifyDBInstanceInput{DBInstanceIdentifier: aws.String(db.Identifier), DeletionProtection: aws.Bool(true), ApplyImmediately: aws.Bool(true)})
	}
	if err != nil {
		return rem, fmt.Errorf("dataprotection: set deletion protection of %s: %w", db.Identifier, err)
	}
	got, err := readOne(ctx, api, db)
	if err != nil {
		return rem, err
	}
	rem.Outcome = outcome(aws.ToBool(got.deletionProtection))
	return rem, nil
}

// databaseOf returns the Database of an RDS finding's ARN
// (arn:aws:rds:<region>:<account>:db:<id> or ...:cluster:<id>).
func databaseOf(f secpillar.Finding) (Database, error) {
	parts := strings.SplitN(f.Resource.ID, ":", 7)
	if len(parts) != 7 || parts[2] != "rds" || (parts[5] != "db" && parts[5] != "cluster") || parts[6] == "" {
		return Database{}, fmt.Errorf("dataprotection: finding resource %q is not an RDS instance or cluster ARN", f.Resource.ID)
	}
	return Database{Identifier: parts[6], Cluster: parts[5] == "cluster"}, nil
}
