package fakeaws

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// EC2 fakes Amazon EC2 (and the VPC and EBS APIs it hosts), per Region.
// Resources are kept as SDK types so that Describe calls return them as
// AWS would.
type EC2 struct {
	acct    *Account
	regions map[string]*EC2Region
}

// EC2Region is the EC2 state of one Region. Seeders and tests fill it
// through EC2.Region.
type EC2Region struct {
	Vpcs                   []ec2types.Vpc
	Subnets                []ec2types.Subnet
	SecurityGroups         []ec2types.SecurityGroup // IpPermissions are derived from Rules
	SecurityGroupRules     []ec2types.SecurityGroupRule
	NetworkAcls            []ec2types.NetworkAcl
	RouteTables            []ec2types.RouteTable
	PeeringConnections     []ec2types.VpcPeeringConnection
	FlowLogs               []ec2types.FlowLog
	Instances              []ec2types.Instance
	NetworkInterfaces      []ec2types.NetworkInterface
	Addresses              []ec2types.Address
	LaunchTemplates        []ec2types.LaunchTemplate
	LaunchTemplateVersions []ec2types.LaunchTemplateVersion
	// InstanceAttributes holds DisableApiTermination / DisableApiStop per
	// instance ID.
	InstanceAttributes map[string]InstanceProtection
	// MetadataDefaults is the Region's instance metadata default.
	MetadataDefaults ec2types.InstanceMetadataDefaultsResponse

	Volumes   []ec2types.Volume
	Snapshots []ec2types.Snapshot
	// SnapshotPermissions holds createVolumePermission per snapshot ID.
	SnapshotPermissions map[string][]ec2types.CreateVolumePermission
	Images              []ec2types.Image
	// ImagePermissions holds launchPermission per image ID.
	ImagePermissions       map[string][]ec2types.LaunchPermission
	EBSEncryptionByDefault bool
	EBSDefaultKMSKeyID     string
	// SnapshotBlockPublicAccess is "block-all-sharing",
	// "block-new-sharing" or "unblocked" ("" reads as unblocked).
	SnapshotBlockPublicAccess ec2types.SnapshotBlockPublicAccessState

	nextID int
}

// InstanceProtection is an instance's termination and stop protection.
type InstanceProtection struct {
	DisableAPITermination bool
	DisableAPIStop        bool
}

// Region returns the state of one Region, creating it empty. The caller
// must not use it concurrently with calls to the fake.
func (f *EC2) Region(name string) *EC2Region {
	if f.regions == nil {
		f.regions = map[string]*EC2Region{}
	}
	r := f.regions[name]
	if r == nil {
		r = &EC2Region{InstanceAttributes: map[string]InstanceProtection{}, SnapshotPermissions: map[string][]ec2types.CreateVolumePermission{}, ImagePermissions: map[string][]ec2types.LaunchPermission{}}
		f.regions[name] = r
	}
	return r
}

// regionOf returns the state of the Region a call is for; the account
// lock must be held.
func (f *EC2) regionOf(ctx context.Context, optFns []func(*ec2.Options)) *EC2Region {
	var o ec2.Options
	for _, fn := range optFns {
		fn(&o)
	}
	return f.Region(f.acct.region(ctx, o.Region))
}

// newID returns a fresh resource ID with the given prefix ("sg", "sgr",
// "snap", ...); the account lock must be held.
func (r *EC2Region) newID(prefix string) string {
	r.nextID++
	return prefix + "-" + hex17(r.nextID)
}

// DescribeRegions lists the account's Regions with their opt-in status.
func (f *EC2) DescribeRegions(ctx context.Context, in *ec2.DescribeRegionsInput, optFns ...func(*ec2.Options)) (*ec2.DescribeRegionsOutput, error) {
	out := &ec2.DescribeRegionsOutput{}
	all := in != nil && aws.ToBool(in.AllRegions)
	for _, r := range f.acct.Regions {
		if !all && r.OptInStatus == "not-opted-in" {
			continue
		}
		out.Regions = append(out.Regions, ec2types.Region{
			RegionName:  aws.String(r.Name),
			Endpoint:    aws.String("ec2." + r.Name + ".amazonaws.com"),
			OptInStatus: aws.String(r.OptInStatus),
		})
	}
	return out, nil
}
