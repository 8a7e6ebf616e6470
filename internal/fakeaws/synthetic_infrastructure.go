package fakeaws

import (
	"fmt"
	"math/rand/v2"

	"github.com/aws/aws-sdk-go-v2/aws"
	cftypes "github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// synthInfrastructure adds the infrastructure domain's state to a
// synthetic account; the account lock is held. Per enabled Region: one
// VPC with two subnets and a flow log (most Regions), SecurityGroupsPerRegion
// groups (the first is the VPC's default group) with RulesPerGroup rules
// each, of which a few open an admin or high-risk port to the internet,
// and NACLsPerRegion network ACLs. Distributions are CloudFront
// distributions, a few of them misconfigured.
func synthInfrastructure(a *Account, p SyntheticParams, rng *rand.Rand) {
	ports := []int32{80, 443, 8443, 5432, 3306, 6379, 9200, 22, 3389, 25}
	for ri, region := range a.EnabledRegions() {
		r := a.EC2.Region(region)
		vpc := r.newID("vpc")
		cidr := fmt.Sprintf("10.%d.0.0/16", ri)
		r.Vpcs = append(r.Vpcs, ec2types.Vpc{VpcId: aws.String(vpc), CidrBlock: aws.String(cidr), IsDefault: aws.Bool(false), OwnerId: aws.String(a.ID), State: ec2types.VpcStateAvailable})
		for i := range 2 {
			id := r.newID("subnet")
			r.Subnets = append(r.Subnets, ec2types.Subnet{SubnetId: aws.String(id), VpcId: aws.String(vpc), CidrBlock: aws.String(fmt.Sprintf("10.%d.%d.0/24", ri, i)),
				MapPublicIpOnLaunch: aws.Bool(i == 0 && rng.IntN(2) == 0), OwnerId: aws.String(a.ID), SubnetArn: aws.String("arn:aws:ec2:" + region + ":" + a.ID + ":subnet/" + id)})
		}
		if rng.IntN(4) != 0 {
			r.FlowLogs = append(r.FlowLogs, ec2types.FlowLog{FlowLogId: aws.String(r.newID("fl")), ResourceId: aws.String(vpc), TrafficType: ec2types.TrafficTypeAll,
				LogDestinationType: ec2types.LogDestinationTypeS3, LogDestination: aws.String("arn:aws:s3:::synthetic-flow-logs"), FlowLogStatus: aws.String("ACTIVE"), DeliverLogsStatus: aws.String("SUCCESS")})
		}
		r.SecurityGroups = make([]ec2types.SecurityGroup, 0, p.SecurityGroupsPerRegion)
		r.SecurityGroupRules = make([]ec2types.SecurityGroupRule, 0, p.SecurityGroupsPerRegion*p.RulesPerGroup)
		for g := range p.SecurityGroupsPerRegion {
			name := fmt.Sprintf("app-%04d", g)
			if g == 0 {
				name = "default"
			}
			gid := r.AddSecurityGroup(a.ID, region, ec2types.SecurityGroup{GroupName: aws.String(name), Description: aws.String(name), VpcId: aws.String(vpc)})
			for range p.RulesPerGroup {
				port := ports[rng.IntN(len(ports))]
				rule := ec2types.SecurityGroupRule{GroupId: aws.String(gid), IsEgress: aws.Bool(false), IpProtocol: aws.String("tcp"), FromPort: aws.Int32(port), ToPort: aws.Int32(port)}
				switch n := rng.IntN(20); {
				case n == 0:
					rule.CidrIpv4 = aws.String("0.0.0.0/0") // open to the internet
				case n == 1:
					rule.CidrIpv6 = aws.String("::/0")
				case n < 8:
					rule.ReferencedGroupInfo = &ec2types.ReferencedSecurityGroup{GroupId: aws.String(gid), UserId: aws.String(a.ID)}
				default:
					rule.CidrIpv4 = aws.String(fmt.Sprintf("10.%d.%d.0/24", ri, rng.IntN(256)))
				}
				if port == 80 || port == 443 {
					rule.CidrIpv4, rule.CidrIpv6, rule.ReferencedGroupInfo = aws.String("0.0.0.0/0"), nil, nil
				}
				r.AddSecurityGroupRule(a.ID, region, rule)
			}
		}
		r.NetworkAcls = make([]ec2types.NetworkAcl, 0, p.NACLsPerRegion)
		for n := range p.NACLsPerRegion {
			entries := []ec2types.NetworkAclEntry{
				naclEntry(100, ec2types.RuleActionAllow, "6", 443, 443, "0.0.0.0/0", false),
				naclEntry(32767, ec2types.RuleActionDeny, "-1", 0, 0, "0.0.0.0/0", false), naclEntry(32767, ec2types.RuleActionDeny, "-1", 0, 0, "0.0.0.0/0", true),
			}
			if rng.IntN(5) == 0 {
				entries = append(entries, naclEntry(200, ec2types.RuleActionAllow, "-1", 0, 0, "0.0.0.0/0", false))
			}
			r.NetworkAcls = append(r.NetworkAcls, ec2types.NetworkAcl{NetworkAclId: aws.String(r.newID("acl")), VpcId: aws.String(vpc), IsDefault: aws.Bool(n == 0), OwnerId: aws.String(a.ID), Entries: entries})
		}
	}
	for d := range p.Distributions {
		bad := rng.IntN(4) == 0
		policy, viewer := cftypes.OriginProtocolPolicyHttpsOnly, cftypes.ViewerProtocolPolicyRedirectToHttps
		if bad {
			policy, viewer = cftypes.OriginProtocolPolicyHttpOnly, cftypes.ViewerProtocolPolicyAllowAll
		}
		root := "index.html"
		if bad {
			root = ""
		}
		a.CloudFront.AddDistribution(cftypes.DistributionConfig{
			Comment: aws.String(fmt.Sprintf("site-%d", d)), Enabled: aws.Bool(true), DefaultRootObject: aws.String(root), WebACLId: aws.String(""),
			Logging: &cftypes.LoggingConfig{Enabled: aws.Bool(!bad), Bucket: aws.String("synthetic-logs.s3.amazonaws.com"), Prefix: aws.String(""), IncludeCookies: aws.Bool(false)},
			Origins: &cftypes.Origins{Quantity: aws.Int32(1), Items: []cftypes.Origin{{Id: aws.String("origin"), DomainName: aws.String(fmt.Sprintf("origin-%d.example.com", d)),
				CustomOriginConfig: &cftypes.CustomOriginConfig{HTTPPort: aws.Int32(80), HTTPSPort: aws.Int32(443), OriginProtocolPolicy: policy,
					OriginSslProtocols: &cftypes.OriginSslProtocols{Quantity: aws.Int32(1), Items: []cftypes.SslProtocol{cftypes.SslProtocolTLSv12}}}}}},
			DefaultCacheBehavior: &cftypes.DefaultCacheBehavior{TargetOriginId: aws.String("origin"), ViewerProtocolPolicy: viewer},
			ViewerCertificate:    &cftypes.ViewerCertificate{CloudFrontDefaultCertificate: aws.Bool(true), MinimumProtocolVersion: cftypes.MinimumProtocolVersionTLSv1},
		})
	}
}
