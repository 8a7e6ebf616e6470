package fakeaws

import (
	"context"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
)

// RDS fakes Amazon RDS, per Region.
type RDS struct {
	acct    *Account
	regions map[string]*RDSRegion
}

// RDSRegion is the RDS state of one Region. Resources are SDK types, as
// Describe calls return them.
type RDSRegion struct {
	Instances        []rdstypes.DBInstance
	Clusters         []rdstypes.DBCluster
	Snapshots        []rdstypes.DBSnapshot
	ClusterSnapshots []rdstypes.DBClusterSnapshot
	// SnapshotRestore holds the "restore" attribute (account IDs, or
	// "all" for public) per instance or cluster snapshot identifier.
	SnapshotRestore map[string][]string
	// ParameterGroups and ClusterParameterGroups hold the parameters that
	// differ from the engine default, per group name. Groups named
	// "default.*" cannot be modified, as in AWS.
	ParameterGroups        map[string]map[string]string
	ClusterParameterGroups map[string]map[string]string
}

// Region returns the state of one Region, creating it empty.
func (f *RDS) Region(name string) *RDSRegion {
	if f.regions == nil {
		f.regions = map[string]*RDSRegion{}
	}
	r := f.regions[name]
	if r == nil {
		r = &RDSRegion{SnapshotRestore: map[string][]string{}, ParameterGroups: map[string]map[string]string{}, ClusterParameterGroups: map[string]map[string]string{}}
		f.regions[name] = r
	}
	return r
}

func (f *RDS) regionOf(ctx context.Context, optFns []func(*rds.Options)) *RDSRegion {
	var o rds.Options
	for _, fn := range optFns {
		fn(&o)
	}
	return f.Region(f.acct.region(ctx, o.Region))
}

// DescribeDBInstances lists the Region's DB instances, or one.
func (f *RDS) DescribeDBInstances(ctx context.Context, in *rds.DescribeDBInstancesInput, optFns ...func(*rds.Options)) (*rds.DescribeDBInstancesOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	var all []rdstypes.DBInstance
	for _, d := range f.regionOf(ctx, optFns).Instances {
		if in.DBInstanceIdentifier == nil || aws.ToString(d.DBInstanceIdentifier) == *in.DBInstanceIdentifier {
			all = append(all, d)
		}
	}
	if in.DBInstanceIdentifier != nil && len(all) == 0 {
		return nil, &rdstypes.DBInstanceNotFoundFault{Message: aws.String("DBInstance " + *in.DBInstanceIdentifier + " not found.")}
	}
	items, next, err := page(f.acct, all, in.Marker, aws.ToInt32(in.MaxRecords))
	if err != nil {
		return nil, err
	}
	return &rds.DescribeDBInstancesOutput{DBInstances: items, Marker: next}, nil
}

// DescribeDBClusters lists the Region's DB clusters, or one.
func (f *RDS) DescribeDBClusters(ctx context.Context, in *rds.DescribeDBClustersInput, optFns ...func(*rds.Options)) (*rds.DescribeDBClustersOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	var all []rdstypes.DBCluster
	for _, d := range f.regionOf(ctx, optFns).Clusters {
		if in.DBClusterIdentifier == nil || aws.ToString(d.DBClusterIdentifier) == *in.DBClusterIdentifier {
			all = append(all, d)
		}
	}
	if in.DBClusterIdentifier != nil && len(all) == 0 {
		return nil, &rdstypes.DBClusterNotFoundFault{Message: aws.String("DBCluster " + *in.DBClusterIdentifier + " not found.")}
	}
	items, next, err := page(f.acct, all, in.Marker, aws.ToInt32(in.MaxRecords))
	if err != nil {
		return nil, err
	}
	return &rds.DescribeDBClustersOutput{DBClusters: items, Marker: next}, nil
}

// ModifyDBInstance changes AutoMinorVersionUpgrade, PubliclyAccessible and
// DeletionProtection (applied at once in the fake).
func (f *RDS) ModifyDBInstance(ctx context.Context, in *rds.ModifyDBInstanceInput, optFns ...func(*rds.Options)) (*rds.ModifyDBInstanceOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	r := f.regionOf(ctx, optFns)
	for i := range r.Instances {
		d := &r.Instances[i]
		if aws.ToString(d.DBInstanceIdentifier) != aws.ToString(in.DBInstanceIdentifier) {
			continue
		}
		if in.AutoMinorVersionUpgrade != nil {
			d.AutoMinorVersionUpgrade = aws.Bool(*in.AutoMinorVersionUpgrade)
		}
		if in.PubliclyAccessible != nil {
			d.PubliclyAccessible = aws.Bool(*in.PubliclyAccessible)
		}
		if in.DeletionProtection != nil {
			d.DeletionProtection = aws.Bool(*in.DeletionProtection)
		}
		out := *d
		return &rds.ModifyDBInstanceOutput{DBInstance: &out}, nil
	}
	return nil, &rdstypes.DBInstanceNotFoundFault{Message: aws.String("DBInstance " + aws.ToString(in.DBInstanceIdentifier) + " not found.")}
}

// ModifyDBCluster changes DeletionProtection and AutoMinorVersionUpgrade.
func (f *RDS) ModifyDBCluster(ctx context.Context, in *rds.ModifyDBClusterInput, optFns ...func(*rds.Options)) (*rds.ModifyDBClusterOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	r := f.regionOf(ctx, optFns)
	for i := range r.Clusters {
		d := &r.Clusters[i]
		if aws.ToString(d.DBClusterIdentifier) != aws.ToString(in.DBClusterIdentifier) {
			continue
		}
		if in.DeletionProtection != nil {
			d.DeletionProtection = aws.Bool(*in.DeletionProtection)
		}
		if in.AutoMinorVersionUpgrade != nil {
			d.AutoMinorVersionUpgrade = aws.Bool(*in.AutoMinorVersionUpgrade)
		}
		out := *d
		return &rds.ModifyDBClusterOutput{DBCluster: &out}, nil
	}
	return nil, &rdstypes.DBClusterNotFoundFault{Message: aws.String("DBCluster " + aws.ToString(in.DBClusterIdentifier) + " not found.")}
}

// DescribeDBSnapshots lists the Region's instance snapshots owned by the
// account, optionally of one SnapshotType.
func (f *RDS) DescribeDBSnapshots(ctx context.Context, in *rds.DescribeDBSnapshotsInput, optFns ...func(*rds.Options)) (*rds.DescribeDBSnapshotsOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	var all []rdstypes.DBSnapshot
	for _, s := range f.regionOf(ctx, optFns).Snapshots {
		if in.SnapshotType != nil && aws.ToString(s.SnapshotType) != *in.SnapshotType {
			continue
		}
		all = append(all, s)
	}
	items, next, err := page(f.acct, all, in.Marker, aws.ToInt32(in.MaxRecords))
	if err != nil {
		return nil, err
	}
	return &rds.DescribeDBSnapshotsOutput{DBSnapshots: items, Marker: next}, nil
}

// DescribeDBClusterSnapshots lists the Region's cluster snapshots owned by
// the account, optionally of one SnapshotType.
func (f *RDS) DescribeDBClusterSnapshots(ctx context.Context, in *rds.DescribeDBClusterSnapshotsInput, optFns ...func(*rds.Options)) (*rds.DescribeDBClusterSnapshotsOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	var all []rdstypes.DBClusterSnapshot
	for _, s := range f.regionOf(ctx, optFns).ClusterSnapshots {
		if in.SnapshotType != nil && aws.ToString(s.SnapshotType) != *in.SnapshotType {
			continue
		}
		all = append(all, s)
	}
	items, next, err := page(f.acct, all, in.Marker, aws.ToInt32(in.MaxRecords))
	if err != nil {
		return nil, err
	}
	return &rds.DescribeDBClusterSnapshotsOutput{DBClusterSnapshots: items, Marker: next}, nil
}

func (r *RDSRegion) hasSnapshot(id string, cluster bool) bool {
	if cluster {
		return slices.ContainsFunc(r.ClusterSnapshots, func(s rdstypes.DBClusterSnapshot) bool { return aws.ToString(s.DBClusterSnapshotIdentifier) == id })
	}
	return slices.ContainsFunc(r.Snapshots, func(s rdstypes.DBSnapshot) bool { return aws.ToString(s.DBSnapshotIdentifier) == id })
}

func (r *RDSRegion) modifyRestore(id, attr string, add, remove []string) error {
	if attr != "restore" {
		return apiError("InvalidParameterValue", "AttributeName must be restore")
	}
	vals := slices.DeleteFunc(slices.Clone(r.SnapshotRestore[id]), func(v string) bool { return slices.Contains(remove, v) })
	for _, v := range add {
		if !slices.Contains(vals, v) {
			vals = append(vals, v)
		}
	}
	r.SnapshotRestore[id] = vals
	return nil
}

// DescribeDBSnapshotAttributes returns the "restore" attribute of an
// instance snapshot.
func (f *RDS) DescribeDBSnapshotAttributes(ctx context.Context, in *rds.DescribeDBSnapshotAttributesInput, optFns ...func(*rds.Options)) (*rds.DescribeDBSnapshotAttributesOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	r, id := f.regionOf(ctx, optFns), aws.ToString(in.DBSnapshotIdentifier)
	if !r.hasSnapshot(id, false) {
		return nil, &rdstypes.DBSnapshotNotFoundFault{Message: aws.String("DBSnapshot " + id + " not found.")}
	}
	return &rds.DescribeDBSnapshotAttributesOutput{DBSnapshotAttributesResult: &rdstypes.DBSnapshotAttributesResult{
		DBSnapshotIdentifier: aws.String(id),
		DBSnapshotAttributes: []rdstypes.DBSnapshotAttribute{{AttributeName: aws.String("restore"), AttributeValues: slices.Clone(r.SnapshotRestore[id])}},
	}}, nil
}

// ModifyDBSnapshotAttribute adds or removes "restore" values.
func (f *RDS) ModifyDBSnapshotAttribute(ctx context.Context, in *rds.ModifyDBSnapshotAttributeInput, optFns ...func(*rds.Options)) (*rds.ModifyDBSnapshotAttributeOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	r, id := f.regionOf(ctx, optFns), aws.ToString(in.DBSnapshotIdentifier)
	if !r.hasSnapshot(id, false) {
		return nil, &rdstypes.DBSnapshotNotFoundFault{Message: aws.String("DBSnapshot " + id + " not found.")}
	}
	if err := r.modifyRestore(id, aws.ToString(in.AttributeName), in.ValuesToAdd, in.ValuesToRemove); err != nil {
		return nil, err
	}
	return &rds.ModifyDBSnapshotAttributeOutput{}, nil
}

// DescribeDBClusterSnapshotAttributes returns the "restore" attribute of a
// cluster snapshot.
func (f *RDS) DescribeDBClusterSnapshotAttributes(ctx context.Context, in *rds.DescribeDBClusterSnapshotAttributesInput, optFns ...func(*rds.Options)) (*rds.DescribeDBClusterSnapshotAttributesOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	r, id := f.regionOf(ctx, optFns), aws.ToString(in.DBClusterSnapshotIdentifier)
	if !r.hasSnapshot(id, true) {
		return nil, &rdstypes.DBClusterSnapshotNotFoundFault{Message: aws.String("DBClusterSnapshot " + id + " not found.")}
	}
	return &rds.DescribeDBClusterSnapshotAttributesOutput{DBClusterSnapshotAttributesResult: &rdstypes.DBClusterSnapshotAttributesResult{
		DBClusterSnapshotIdentifier: aws.String(id),
		DBClusterSnapshotAttributes: []rdstypes.DBClusterSnapshotAttribute{{AttributeName: aws.String("restore"), AttributeValues: slices.Clone(r.SnapshotRestore[id])}},
	}}, nil
}

// ModifyDBClusterSnapshotAttribute adds or removes "restore" values.
func (f *RDS) ModifyDBClusterSnapshotAttribute(ctx context.Context, in *rds.ModifyDBClusterSnapshotAttributeInput, optFns ...func(*rds.Options)) (*rds.ModifyDBClusterSnapshotAttributeOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	r, id := f.regionOf(ctx, optFns), aws.ToString(in.DBClusterSnapshotIdentifier)
	if !r.hasSnapshot(id, true) {
		return nil, &rdstypes.DBClusterSnapshotNotFoundFault{Message: aws.String("DBClusterSnapshot " + id + " not found.")}
	}
	if err := r.modifyRestore(id, aws.ToString(in.AttributeName), in.ValuesToAdd, in.ValuesToRemove); err != nil {
		return nil, err
	}
	return &rds.ModifyDBClusterSnapshotAttributeOutput{}, nil
}

func paramList(groups map[string]map[string]string, name string) ([]rdstypes.Parameter, bool) {
	g, ok := groups[name]
	if !ok && !strings.HasPrefix(name, "default.") {
		return nil, false
	}
	keys := make([]string, 0, len(g))
	for k := range g {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var out []rdstypes.Parameter
	for _, k := range keys {
		out = append(out, rdstypes.Parameter{ParameterName: aws.String(k), ParameterValue: aws.String(g[k]), Source: aws.String("user"), IsModifiable: aws.Bool(true), ApplyType: aws.String("dynamic")})
	}
	return out, true
}

// DescribeDBParameters lists the parameters of an instance parameter group
// that differ from the engine default (a "default.*" group has none unless
// seeded).
func (f *RDS) DescribeDBParameters(ctx context.Context, in *rds.DescribeDBParametersInput, optFns ...func(*rds.Options)) (*rds.DescribeDBParametersOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	all, ok := paramList(f.regionOf(ctx, optFns).ParameterGroups, aws.ToString(in.DBParameterGroupName))
	if !ok {
		return nil, &rdstypes.DBParameterGroupNotFoundFault{Message: aws.String("DBParameterGroup not found: " + aws.ToString(in.DBParameterGroupName))}
	}
	items, next, err := page(f.acct, all, in.Marker, aws.ToInt32(in.MaxRecords))
	if err != nil {
		return nil, err
	}
	return &rds.DescribeDBParametersOutput{Parameters: items, Marker: next}, nil
}

// DescribeDBClusterParameters lists the parameters of a cluster parameter
// group that differ from the engine default.
func (f *RDS) DescribeDBClusterParameters(ctx context.Context, in *rds.DescribeDBClusterParametersInput, optFns ...func(*rds.Options)) (*rds.DescribeDBClusterParametersOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	all, ok := paramList(f.regionOf(ctx, optFns).ClusterParameterGroups, aws.ToString(in.DBClusterParameterGroupName))
	if !ok {
		return nil, &rdstypes.DBParameterGroupNotFoundFault{Message: aws.String("DBClusterParameterGroup not found: " + aws.ToString(in.DBClusterParameterGroupName))}
	}
	items, next, err := page(f.acct, all, in.Marker, aws.ToInt32(in.MaxRecords))
	if err != nil {
		return nil, err
	}
	return &rds.DescribeDBClusterParametersOutput{Parameters: items, Marker: next}, nil
}

func modifyParams(groups map[string]map[string]string, name string, params []rdstypes.Parameter) error {
	if strings.HasPrefix(name, "default.") {
		return &rdstypes.InvalidDBParameterGroupStateFault{Message: aws.String("Default parameter groups cannot be modified: " + name)}
	}
	g, ok := groups[name]
	if !ok {
		return &rdstypes.DBParameterGroupNotFoundFault{Message: aws.String("DBParameterGroup not found: " + name)}
	}
	if len(params) == 0 || len(params) > 20 {
		return apiError("InvalidParameterValue", "between 1 and 20 parameters may be modified at a time")
	}
	for _, p := range params {
		g[aws.ToString(p.ParameterName)] = aws.ToString(p.ParameterValue)
	}
	return nil
}

// ModifyDBParameterGroup sets parameters of a custom instance parameter
// group.
func (f *RDS) ModifyDBParameterGroup(ctx context.Context, in *rds.ModifyDBParameterGroupInput, optFns ...func(*rds.Options)) (*rds.ModifyDBParameterGroupOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	if err := modifyParams(f.regionOf(ctx, optFns).ParameterGroups, aws.ToString(in.DBParameterGroupName), in.Parameters); err != nil {
		return nil, err
	}
	return &rds.ModifyDBParameterGroupOutput{DBParameterGroupName: in.DBParameterGroupName}, nil
}

// ModifyDBClusterParameterGroup sets parameters of a custom cluster
// parameter group.
func (f *RDS) ModifyDBClusterParameterGroup(ctx context.Context, in *rds.ModifyDBClusterParameterGroupInput, optFns ...func(*rds.Options)) (*rds.ModifyDBClusterParameterGroupOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	if err := modifyParams(f.regionOf(ctx, optFns).ClusterParameterGroups, aws.ToString(in.DBClusterParameterGroupName), in.Parameters); err != nil {
		return nil, err
	}
	return &rds.ModifyDBClusterParameterGroupOutput{DBClusterParameterGroupName: in.DBClusterParameterGroupName}, nil
}
