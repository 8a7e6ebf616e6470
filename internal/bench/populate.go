package bench

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cftypes "github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/secpillar/secpillar/internal/fakeaws"
)

// Fill completes a synthetic account whose domain generators
// (fakeaws/synthetic_<domain>.go) have not been written yet: for each kind
// of resource p asks for and the account has none of, it adds them through
// the fakes' exported seeding helpers, deterministically from p.Seed, with a
// realistic share of non-compliant ones. Kinds a generator already made are
// left alone, so the benchmark uses the domain generators as they land.
// It reports what it filled. Call it before the run.
func Fill(acct *fakeaws.Account, p fakeaws.SyntheticParams) []string {
	rng := rand.New(rand.NewPCG(p.Seed, 0xb0a7))
	now := time.Now().UTC()
	var filled []string
	if len(acct.IAM.Users) == 0 && len(acct.IAM.Roles) == 0 && p.Users+p.Roles+p.Policies > 0 {
		fillIAM(acct, p, rng, now)
		filled = append(filled, "IAM users, roles, policies")
	}
	regions := acct.EnabledRegions()
	ec2Empty := true
	for _, r := range regions {
		if len(acct.EC2.Region(r).SecurityGroups) > 0 || len(acct.EC2.Region(r).Volumes) > 0 {
			ec2Empty = false
		}
	}
	if ec2Empty && p.SecurityGroupsPerRegion+p.NACLsPerRegion+p.VolumesPerRegion+p.SnapshotsPerRegion > 0 {
		for _, r := range regions {
			fillEC2(acct, r, p, rng)
		}
		filled = append(filled, "EC2 VPCs, security groups and rules, NACLs, volumes, snapshots")
	}
	if len(acct.S3.Buckets) == 0 && p.Buckets > 0 {
		for i := 0; i < p.Buckets; i++ {
			b := acct.S3.Bucket(fmt.Sprintf("bench-bucket-%05d", i), regions[i%len(regions)])
			if rng.IntN(10) == 0 {
				b.Policy = `{"Version":"2012-10-17","Statement":[{"Sid":"Public","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::` + b.Name + `/*"}]}`
			}
			if rng.IntN(2) == 0 {
				b.PublicAccessBlock = &s3types.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(true), IgnorePublicAcls: aws.Bool(true), BlockPublicPolicy: aws.Bool(true), RestrictPublicBuckets: aws.Bool(true)}
			}
			if rng.IntN(3) == 0 {
				b.Versioning = s3types.BucketVersioningStatusEnabled
			}
		}
		filled = append(filled, "S3 buckets")
	}
	keysEmpty := true
	for _, r := range regions {
		if len(acct.KMS.Region(r).Keys) > 0 {
			keysEmpty = false
		}
	}
	if keysEmpty && p.KeysPerRegion > 0 {
		for _, r := range regions {
			for i := 0; i < p.KeysPerRegion; i++ {
				id := fmt.Sprintf("%08x-0000-4000-8000-%012x", rng.Uint32(), i)
				k := acct.KMS.AddKey(r, id, kmstypes.KeyManagerTypeCustomer, kmstypes.KeyStateEnabled)
				k.RotationEnabled = rng.IntN(2) == 0
				if k.RotationEnabled {
					k.RotationPeriod = 365
				}
			}
		}
		filled = append(filled, "KMS keys")
	}
	if len(acct.CloudFront.Distributions) == 0 && p.Distributions > 0 {
		for i := 0; i < p.Distributions; i++ {
			policy := cftypes.ViewerProtocolPolicyRedirectToHttps
			if i%3 == 0 {
				policy = cftypes.ViewerProtocolPolicyAllowAll
			}
			origin := fmt.Sprintf("bench-origin-%d", i)
			acct.CloudFront.AddDistribution(cftypes.DistributionConfig{
				CallerReference: aws.String(fmt.Sprintf("bench-%d", i)),
				Comment:         aws.String("benchmark distribution"),
				Enabled:         aws.Bool(true),
				Origins: &cftypes.Origins{Quantity: aws.Int32(1), Items: []cftypes.Origin{{
					Id: aws.String(origin), DomainName: aws.String(origin + ".example.com"),
					CustomOriginConfig: &cftypes.CustomOriginConfig{HTTPPort: aws.Int32(80), HTTPSPort: aws.Int32(443),
						OriginProtocolPolicy: cftypes.OriginProtocolPolicyHttpsOnly,
						OriginSslProtocols:   &cftypes.OriginSslProtocols{Quantity: aws.Int32(1), Items: []cftypes.SslProtocol{cftypes.SslProtocolTLSv12}}},
				}}},
				DefaultCacheBehavior: &cftypes.DefaultCacheBehavior{TargetOriginId: aws.String(origin), ViewerProtocolPolicy: policy},
				ViewerCertificate:    &cftypes.ViewerCertificate{CloudFrontDefaultCertificate: aws.Bool(true), MinimumProtocolVersion: cftypes.MinimumProtocolVersionTLSv1},
				Logging:              &cftypes.LoggingConfig{Enabled: aws.Bool(false), Bucket: aws.String(""), Prefix: aws.String(""), IncludeCookies: aws.Bool(false)},
			})
		}
		filled = append(filled, "CloudFront distributions")
	}
	return filled
}

func fillIAM(acct *fakeaws.Account, p fakeaws.SyntheticParams, rng *rand.Rand, now time.Time) {
	var arns []string
	for i := 0; i < p.Policies; i++ {
		action := fmt.Sprintf(`["s3:GetObject","s3:ListBucket","logs:PutLogEvents","ec2:Describe%d*"]`, i%7)
		if i%50 == 0 {
			action = `"*"`
		}
		doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":` + action + `,"Resource":"*"}]}`
		pol := acct.IAM.AddPolicy(fmt.Sprintf("bench-policy-%05d", i), doc, now.Add(-time.Duration(rng.IntN(900))*24*time.Hour))
		arns = append(arns, aws.ToString(pol.Policy.Arn))
	}
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	for i := 0; i < p.Roles; i++ {
		r := acct.IAM.AddRole(fmt.Sprintf("bench-role-%05d", i), trust, now.Add(-time.Duration(rng.IntN(900))*24*time.Hour))
		if len(arns) > 0 {
			r.AttachedPolicies = []string{arns[rng.IntN(len(arns))]}
		}
	}
	for i := 0; i < p.Users; i++ {
		created := now.Add(-time.Duration(30+rng.IntN(900)) * 24 * time.Hour)
		u := acct.IAM.AddUser(fmt.Sprintf("bench-user-%05d", i), created)
		if rng.IntN(3) > 0 {
			u.LoginProfile = &iamtypes.LoginProfile{UserName: u.User.UserName, CreateDate: &created}
			if rng.IntN(4) > 0 {
				acct.IAM.AddUserMFA(u, rng.IntN(2) == 0, created.Add(time.Hour))
			}
		}
		if rng.IntN(2) == 0 {
			keyCreated := now.Add(-time.Duration(rng.IntN(400)) * 24 * time.Hour)
			id := fmt.Sprintf("AKIABENCH%011d", i)
			u.AccessKeys = append(u.AccessKeys, iamtypes.AccessKeyMetadata{AccessKeyId: aws.String(id), UserName: u.User.UserName,
				Status: iamtypes.StatusTypeActive, CreateDate: &keyCreated})
			last := keyCreated.Add(time.Duration(rng.IntN(24*30)) * time.Hour)
			u.KeyLastUsed[id] = iamtypes.AccessKeyLastUsed{LastUsedDate: &last, Region: aws.String("us-east-1"), ServiceName: aws.String("s3")}
		}
		if rng.IntN(10) == 0 && len(arns) > 0 {
			u.AttachedPolicies = []string{arns[rng.IntN(len(arns))]}
		}
	}
}

func fillEC2(acct *fakeaws.Account, region string, p fakeaws.SyntheticParams, rng *rand.Rand) {
	r := acct.EC2.Region(region)
	vpc := fmt.Sprintf("vpc-%017x", rng.Uint64()>>4)
	r.Vpcs = append(r.Vpcs, ec2types.Vpc{VpcId: aws.String(vpc), CidrBlock: aws.String("10.0.0.0/16"), OwnerId: aws.String(acct.ID),
		IsDefault: aws.Bool(false), State: ec2types.VpcStateAvailable})
	for i := 0; i < p.SecurityGroupsPerRegion; i++ {
		name := fmt.Sprintf("bench-sg-%04d", i)
		if i == 0 {
			name = "default"
		}
		gid := r.AddSecurityGroup(acct.ID, region, ec2types.SecurityGroup{GroupName: aws.String(name), Description: aws.String("benchmark"),
			VpcId: aws.String(vpc), OwnerId: aws.String(acct.ID)})
		for j := 0; j < p.RulesPerGroup; j++ {
			port := int32([]int{443, 80, 8080, 5432, 22}[j%5])
			cidr := "10.0.0.0/8"
			if rng.IntN(20) == 0 {
				cidr = "0.0.0.0/0"
			}
			r.AddSecurityGroupRule(acct.ID, region, ec2types.SecurityGroupRule{GroupId: aws.String(gid), IpProtocol: aws.String("tcp"),
				FromPort: aws.Int32(port), ToPort: aws.Int32(port), CidrIpv4: aws.String(cidr)})
		}
	}
	for i := 0; i < p.NACLsPerRegion; i++ {
		cidr := "10.0.0.0/8"
		if rng.IntN(10) == 0 {
			cidr = "0.0.0.0/0"
		}
		r.NetworkAcls = append(r.NetworkAcls, ec2types.NetworkAcl{
			NetworkAclId: aws.String(fmt.Sprintf("acl-%017x", rng.Uint64()>>4)), VpcId: aws.String(vpc), OwnerId: aws.String(acct.ID), IsDefault: aws.Bool(i == 0),
			Entries: []ec2types.NetworkAclEntry{
				{RuleNumber: aws.Int32(100), Protocol: aws.String("6"), RuleAction: ec2types.RuleActionAllow, Egress: aws.Bool(false), CidrBlock: aws.String(cidr), PortRange: &ec2types.PortRange{From: aws.Int32(22), To: aws.Int32(22)}},
				{RuleNumber: aws.Int32(32767), Protocol: aws.String("-1"), RuleAction: ec2types.RuleActionDeny, Egress: aws.Bool(false), CidrBlock: aws.String("0.0.0.0/0")},
			},
		})
	}
	for i := 0; i < p.VolumesPerRegion; i++ {
		r.Volumes = append(r.Volumes, ec2types.Volume{VolumeId: aws.String(fmt.Sprintf("vol-%017x", rng.Uint64()>>4)), Size: aws.Int32(8),
			Encrypted: aws.Bool(rng.IntN(4) > 0), State: ec2types.VolumeStateInUse, AvailabilityZone: aws.String(region + "a"), VolumeType: ec2types.VolumeTypeGp3})
	}
	for i := 0; i < p.SnapshotsPerRegion; i++ {
		id := fmt.Sprintf("snap-%017x", rng.Uint64()>>4)
		r.Snapshots = append(r.Snapshots, ec2types.Snapshot{SnapshotId: aws.String(id), OwnerId: aws.String(acct.ID), VolumeSize: aws.Int32(8),
			Encrypted: aws.Bool(rng.IntN(4) > 0), State: ec2types.SnapshotStateCompleted, VolumeId: aws.String("vol-ffffffff")})
		if rng.IntN(50) == 0 {
			r.SnapshotPermissions[id] = []ec2types.CreateVolumePermission{{Group: ec2types.PermissionGroupAll}}
		}
	}
}
