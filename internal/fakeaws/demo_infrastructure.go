package fakeaws

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	cftypes "github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	inspectortypes "github.com/aws/aws-sdk-go-v2/service/inspector2/types"
	r53types "github.com/aws/aws-sdk-go-v2/service/route53/types"
	shieldtypes "github.com/aws/aws-sdk-go-v2/service/shield/types"
	waftypes "github.com/aws/aws-sdk-go-v2/service/wafv2/types"
)

// seedInfrastructureDemo adds the infrastructure domain's state to the
// demo account; the account lock is held. Some controls pass and some
// fail, in us-east-1, eu-west-1 and ap-southeast-2.
func seedInfrastructureDemo(a *Account) {
	seedDemoNetwork(a, "us-east-1", demoNetwork{
		cidr: "10.0.0.0/16", peerCIDR: "10.1.0.0/16", flowLogs: false, publicSubnet: true,
		openAdmin: []int32{22}, openHighRisk: []int32{3306}, defaultSGRules: true, naclOpen: true,
		imdsOptional: true, publicInstance: true, imdsDefault: "", templateOptional: true,
	})
	seedDemoNetwork(a, "eu-west-1", demoNetwork{
		cidr: "10.1.0.0/16", peerCIDR: "10.0.0.0/16", flowLogs: true, publicSubnet: false,
		openAdmin: []int32{3389}, defaultSGRules: false, naclOpen: false,
		imdsOptional: false, publicInstance: false, imdsDefault: ec2types.HttpTokensStateRequired, templateOptional: false,
	})
	seedDemoNetwork(a, "ap-southeast-2", demoNetwork{
		cidr: "10.2.0.0/16", flowLogs: true, defaultSGRules: true, imdsDefault: ec2types.HttpTokensStateRequired,
	})
	seedDemoEdge(a)
}

type demoNetwork struct {
	cidr, peerCIDR   string
	flowLogs         bool
	publicSubnet     bool
	openAdmin        []int32
	openHighRisk     []int32
	defaultSGRules   bool
	naclOpen         bool
	imdsOptional     bool
	publicInstance   bool
	imdsDefault      ec2types.HttpTokensState
	templateOptional bool
}

func demoRule(group, proto string, from, to int32, cidr string) ec2types.SecurityGroupRule {
	return ec2types.SecurityGroupRule{GroupId: aws.String(group), IsEgress: aws.Bool(false), IpProtocol: aws.String(proto), FromPort: aws.Int32(from), ToPort: aws.Int32(to), CidrIpv4: aws.String(cidr)}
}

func demoEgressAll(group string) ec2types.SecurityGroupRule {
	r := demoRule(group, "-1", -1, -1, "0.0.0.0/0")
	r.IsEgress = aws.Bool(true)
	return r
}

func naclEntry(n int32, action ec2types.RuleAction, proto string, from, to int32, cidr string, egress bool) ec2types.NetworkAclEntry {
	e := ec2types.NetworkAclEntry{RuleNumber: aws.Int32(n), RuleAction: action, Protocol: aws.String(proto), CidrBlock: aws.String(cidr), Egress: aws.Bool(egress)}
	if proto != "-1" {
		e.PortRange = &ec2types.PortRange{From: aws.Int32(from), To: aws.Int32(to)}
	}
	return e
}

func seedDemoNetwork(a *Account, region string, n demoNetwork) {
	r := a.EC2.Region(region)
	id := a.ID
	vpc := r.newID("vpc")
	r.Vpcs = append(r.Vpcs, ec2types.Vpc{VpcId: aws.String(vpc), CidrBlock: aws.String(n.cidr), IsDefault: aws.Bool(true), OwnerId: aws.String(id), State: ec2types.VpcStateAvailable})

	// Subnets: a public one (auto-assigning addresses when asked) and a
	// private one.
	public, private := r.newID("subnet"), r.newID("subnet")
	for _, s := range []struct {
		id   string
		auto bool
		cidr string
	}{{public, n.publicSubnet, n.cidr[:len(n.cidr)-4] + "0/24"}, {private, false, n.cidr[:len(n.cidr)-6] + "1.0/24"}} {
		r.Subnets = append(r.Subnets, ec2types.Subnet{SubnetId: aws.String(s.id), VpcId: aws.String(vpc), CidrBlock: aws.String(s.cidr), MapPublicIpOnLaunch: aws.Bool(s.auto),
			DefaultForAz: aws.Bool(s.auto), OwnerId: aws.String(id), State: ec2types.SubnetStateAvailable,
			SubnetArn: aws.String("arn:aws:ec2:" + region + ":" + id + ":subnet/" + s.id), AvailabilityZone: aws.String(region + "a")})
	}

	// Security groups.
	def := r.AddSecurityGroup(id, region, ec2types.SecurityGroup{GroupName: aws.String("default"), Description: aws.String("default VPC security group"), VpcId: aws.String(vpc)})
	if n.defaultSGRules {
		self := demoRule(def, "-1", -1, -1, "")
		self.CidrIpv4 = nil
		self.ReferencedGroupInfo = &ec2types.ReferencedSecurityGroup{GroupId: aws.String(def), UserId: aws.String(id)}
		r.AddSecurityGroupRule(id, region, self)
		r.AddSecurityGroupRule(id, region, demoEgressAll(def))
	}
	web := r.AddSecurityGroup(id, region, ec2types.SecurityGroup{GroupName: aws.String("web"), Description: aws.String("web tier"), VpcId: aws.String(vpc)})
	r.AddSecurityGroupRule(id, region, demoRule(web, "tcp", 443, 443, "0.0.0.0/0"))
	for _, p := range n.openAdmin {
		rule := demoRule(web, "tcp", p, p, "0.0.0.0/0")
		if p == 3389 {
			rule.CidrIpv4, rule.CidrIpv6 = nil, aws.String("::/0")
		}
		r.AddSecurityGroupRule(id, region, rule)
	}
	r.AddSecurityGroupRule(id, region, demoEgressAll(web))
	db := r.AddSecurityGroup(id, region, ec2types.SecurityGroup{GroupName: aws.String("database"), Description: aws.String("database tier"), VpcId: aws.String(vpc)})
	dbRule := demoRule(db, "tcp", 3306, 3306, "")
	dbRule.CidrIpv4 = nil
	dbRule.ReferencedGroupInfo = &ec2types.ReferencedSecurityGroup{GroupId: aws.String(web), UserId: aws.String(id)}
	r.AddSecurityGroupRule(id, region, dbRule)
	for _, p := range n.openHighRisk {
		r.AddSecurityGroupRule(id, region, demoRule(db, "tcp", p, p, "0.0.0.0/0"))
	}
	bastion := r.AddSecurityGroup(id, region, ec2types.SecurityGroup{GroupName: aws.String("bastion"), Description: aws.String("office SSH"), VpcId: aws.String(vpc)})
	r.AddSecurityGroupRule(id, region, demoRule(bastion, "tcp", 22, 22, "203.0.113.0/24"))

	// Network ACLs: the default one allows everything; a hardened one
	// denies the admin ports first.
	allowAll := []ec2types.NetworkAclEntry{
		naclEntry(100, ec2types.RuleActionAllow, "-1", 0, 0, "0.0.0.0/0", false), naclEntry(100, ec2types.RuleActionAllow, "-1", 0, 0, "0.0.0.0/0", true),
		naclEntry(32767, ec2types.RuleActionDeny, "-1", 0, 0, "0.0.0.0/0", false), naclEntry(32767, ec2types.RuleActionDeny, "-1", 0, 0, "0.0.0.0/0", true),
	}
	hardened := append([]ec2types.NetworkAclEntry{
		naclEntry(50, ec2types.RuleActionDeny, "6", 22, 22, "0.0.0.0/0", false), naclEntry(60, ec2types.RuleActionDeny, "6", 3389, 3389, "0.0.0.0/0", false),
		naclEntry(70, ec2types.RuleActionDeny, "17", 3389, 3389, "0.0.0.0/0", false), naclEntry(80, ec2types.RuleActionDeny, "17", 22, 22, "0.0.0.0/0", false),
	}, allowAll...)
	defEntries := hardened
	if n.naclOpen {
		defEntries = allowAll
	}
	r.NetworkAcls = append(r.NetworkAcls,
		ec2types.NetworkAcl{NetworkAclId: aws.String(r.newID("acl")), VpcId: aws.String(vpc), IsDefault: aws.Bool(true), OwnerId: aws.String(id), Entries: defEntries},
		ec2types.NetworkAcl{NetworkAclId: aws.String(r.newID("acl")), VpcId: aws.String(vpc), IsDefault: aws.Bool(false), OwnerId: aws.String(id), Entries: hardened})

	// Flow logs.
	if n.flowLogs {
		r.FlowLogs = append(r.FlowLogs, ec2types.FlowLog{FlowLogId: aws.String(r.newID("fl")), ResourceId: aws.String(vpc), TrafficType: ec2types.TrafficTypeAll,
			LogDestinationType: ec2types.LogDestinationTypeCloudWatchLogs, LogGroupName: aws.String("/vpc/flow-logs"), FlowLogStatus: aws.String("ACTIVE"),
			DeliverLogsStatus: aws.String("SUCCESS"), CreationTime: aws.Time(a.now().AddDate(0, -6, 0))})
	}

	// Peering: a route to the peer's whole range fails, a narrow one
	// passes.
	if n.peerCIDR != "" {
		pcx := r.newID("pcx")
		r.PeeringConnections = append(r.PeeringConnections, ec2types.VpcPeeringConnection{VpcPeeringConnectionId: aws.String(pcx),
			RequesterVpcInfo: &ec2types.VpcPeeringConnectionVpcInfo{VpcId: aws.String(vpc), CidrBlock: aws.String(n.cidr), OwnerId: aws.String(id), Region: aws.String(region)},
			AccepterVpcInfo:  &ec2types.VpcPeeringConnectionVpcInfo{VpcId: aws.String("vpc-peer" + region[len(region)-1:]), CidrBlock: aws.String(n.peerCIDR), OwnerId: aws.String(id)},
			Status:           &ec2types.VpcPeeringConnectionStateReason{Code: ec2types.VpcPeeringConnectionStateReasonCodeActive}})
		dest := n.peerCIDR
		if !n.publicSubnet {
			dest = n.peerCIDR[:len(n.peerCIDR)-6] + "4.0/24"
		}
		r.RouteTables = append(r.RouteTables, ec2types.RouteTable{RouteTableId: aws.String(r.newID("rtb")), VpcId: aws.String(vpc), OwnerId: aws.String(id), Routes: []ec2types.Route{
			{DestinationCidrBlock: aws.String(n.cidr), GatewayId: aws.String("local"), State: ec2types.RouteStateActive},
			{DestinationCidrBlock: aws.String(dest), VpcPeeringConnectionId: aws.String(pcx), State: ec2types.RouteStateActive},
		}})
	}
	r.RouteTables = append(r.RouteTables, ec2types.RouteTable{RouteTableId: aws.String(r.newID("rtb")), VpcId: aws.String(vpc), OwnerId: aws.String(id), Routes: []ec2types.Route{
		{DestinationCidrBlock: aws.String(n.cidr), GatewayId: aws.String("local"), State: ec2types.RouteStateActive},
		{DestinationCidrBlock: aws.String("0.0.0.0/0"), GatewayId: aws.String("igw-" + hex17(1)), State: ec2types.RouteStateActive},
	}})

	// Instances, their interfaces and an Elastic IP.
	tokens := ec2types.HttpTokensStateRequired
	if n.imdsOptional {
		tokens = ec2types.HttpTokensStateOptional
	}
	for i, name := range []string{"web-1", "app-1"} {
		iid := r.newID("i")
		inst := ec2types.Instance{InstanceId: aws.String(iid), InstanceType: ec2types.InstanceTypeT3Small, ImageId: aws.String("ami-" + hex17(7)),
			State: &ec2types.InstanceState{Name: ec2types.InstanceStateNameRunning, Code: aws.Int32(16)}, VpcId: aws.String(vpc), SubnetId: aws.String(private),
			PrivateIpAddress: aws.String(fmt.Sprintf("%s1.%d", n.cidr[:len(n.cidr)-6], 10+i)), LaunchTime: aws.Time(a.now().AddDate(0, 0, -30)),
			MetadataOptions: &ec2types.InstanceMetadataOptionsResponse{HttpTokens: ec2types.HttpTokensStateRequired, HttpEndpoint: ec2types.InstanceMetadataEndpointStateEnabled,
				HttpPutResponseHopLimit: aws.Int32(2), State: ec2types.InstanceMetadataOptionsStateApplied},
			Tags: []ec2types.Tag{{Key: aws.String("Name"), Value: aws.String(name)}}}
		group := db
		if i == 0 {
			group = web
			inst.MetadataOptions.HttpTokens = tokens
			inst.SubnetId = aws.String(public)
			if n.publicInstance {
				inst.PublicIpAddress = aws.String(fmt.Sprintf("198.51.100.%d", 10+len(r.Instances)))
			}
		}
		eni := r.newID("eni")
		inst.SecurityGroups = []ec2types.GroupIdentifier{{GroupId: aws.String(group), GroupName: aws.String(map[bool]string{true: "web", false: "database"}[i == 0])}}
		inst.NetworkInterfaces = []ec2types.InstanceNetworkInterface{{NetworkInterfaceId: aws.String(eni), Groups: inst.SecurityGroups, SubnetId: inst.SubnetId, VpcId: aws.String(vpc),
			PrivateIpAddress: inst.PrivateIpAddress, Status: ec2types.NetworkInterfaceStatusInUse, OwnerId: aws.String(id)}}
		var assoc *ec2types.NetworkInterfaceAssociation
		if inst.PublicIpAddress != nil {
			// As in AWS, the public address shows on the instance and on
			// its primary interface's association.
			inst.NetworkInterfaces[0].Association = &ec2types.InstanceNetworkInterfaceAssociation{PublicIp: inst.PublicIpAddress, IpOwnerId: aws.String("amazon")}
			assoc = &ec2types.NetworkInterfaceAssociation{PublicIp: inst.PublicIpAddress, IpOwnerId: aws.String("amazon")}
		}
		r.Instances = append(r.Instances, inst)
		r.NetworkInterfaces = append(r.NetworkInterfaces, ec2types.NetworkInterface{NetworkInterfaceId: aws.String(eni), VpcId: aws.String(vpc), SubnetId: inst.SubnetId,
			Groups: inst.SecurityGroups, OwnerId: aws.String(id), Status: ec2types.NetworkInterfaceStatusInUse, PrivateIpAddress: inst.PrivateIpAddress, Association: assoc,
			Attachment: &ec2types.NetworkInterfaceAttachment{InstanceId: aws.String(iid), DeviceIndex: aws.Int32(0), Status: ec2types.AttachmentStatusAttached}})
		r.InstanceAttributes[iid] = InstanceProtection{}
	}
	if n.publicInstance {
		r.Addresses = append(r.Addresses, ec2types.Address{AllocationId: aws.String(r.newID("eipalloc")), PublicIp: aws.String("198.51.100.200"), Domain: ec2types.DomainTypeVpc})
	}
	r.MetadataDefaults = ec2types.InstanceMetadataDefaultsResponse{HttpTokens: n.imdsDefault}
	ltTokens := ec2types.LaunchTemplateHttpTokensStateRequired
	if n.templateOptional {
		ltTokens = ec2types.LaunchTemplateHttpTokensStateOptional
	}
	r.AddLaunchTemplate("web-template", &ec2types.ResponseLaunchTemplateData{ImageId: aws.String("ami-" + hex17(7)), InstanceType: ec2types.InstanceTypeT3Small,
		SecurityGroupIds: []string{web}, MetadataOptions: &ec2types.LaunchTemplateInstanceMetadataOptions{HttpTokens: ltTokens, HttpPutResponseHopLimit: aws.Int32(2)}})

	// Inspector: everything scanned except where noted below.
	ir := a.Inspector2.Region(region)
	for _, t := range []inspectortypes.ResourceScanType{inspectortypes.ResourceScanTypeEc2, inspectortypes.ResourceScanTypeEcr, inspectortypes.ResourceScanTypeLambda, inspectortypes.ResourceScanTypeLambdaCode} {
		ir.Enabled[t] = true
	}
	if n.imdsOptional {
		ir.Enabled[inspectortypes.ResourceScanTypeLambdaCode] = false
		for i, cve := range []string{"CVE-2024-3094", "CVE-2021-44228"} {
			ir.Findings = append(ir.Findings, inspectortypes.Finding{
				FindingArn: aws.String("arn:aws:inspector2:" + region + ":" + id + ":finding/" + hex17(100+i)), AwsAccountId: aws.String(id),
				Severity: inspectortypes.SeverityCritical, Status: inspectortypes.FindingStatusActive, Type: inspectortypes.FindingTypePackageVulnerability,
				Title: aws.String(cve), FirstObservedAt: aws.Time(a.now().AddDate(0, 0, -10)), LastObservedAt: aws.Time(a.now()),
			})
		}
	}
}

// seedDemoEdge adds the load balancers, web ACLs, distributions and
// global resources.
func seedDemoEdge(a *Account) {
	id := a.ID
	rule := func(name string, prio int32, metrics bool) waftypes.Rule {
		return waftypes.Rule{Name: aws.String(name), Priority: prio, OverrideAction: &waftypes.OverrideAction{None: &waftypes.NoneAction{}},
			Statement:        &waftypes.Statement{ManagedRuleGroupStatement: &waftypes.ManagedRuleGroupStatement{VendorName: aws.String("AWS"), Name: aws.String(name)}},
			VisibilityConfig: &waftypes.VisibilityConfig{CloudWatchMetricsEnabled: metrics, MetricName: aws.String(name), SampledRequestsEnabled: true}}
	}
	acl := func(name string, rules ...waftypes.Rule) waftypes.WebACL {
		return waftypes.WebACL{Name: aws.String(name), DefaultAction: &waftypes.DefaultAction{Allow: &waftypes.AllowAction{}}, Rules: rules,
			VisibilityConfig: &waftypes.VisibilityConfig{CloudWatchMetricsEnabled: true, MetricName: aws.String(name), SampledRequestsEnabled: true}}
	}
	app := a.WAFv2.AddWebACL(waftypes.ScopeRegional, "us-east-1", acl("app-protection", rule("AWSManagedRulesCommonRuleSet", 1, true), rule("AWSManagedRulesKnownBadInputsRuleSet", 2, true)))
	a.WAFv2.AddWebACL(waftypes.ScopeRegional, "eu-west-1", acl("eu-placeholder"))
	edge := a.WAFv2.AddWebACL(waftypes.ScopeCloudfront, "", acl("edge-protection", rule("AWSManagedRulesCommonRuleSet", 1, false)))
	a.WAFv2.Logging = map[string]waftypes.LoggingConfiguration{
		*app.ACL.ARN: {ResourceArn: app.ACL.ARN, LogDestinationConfigs: []string{"arn:aws:firehose:us-east-1:" + id + ":deliverystream/aws-waf-logs-app"}},
	}

	lbs := a.ELBv2.Region("us-east-1")
	shop := lbs.AddLoadBalancer(id, "us-east-1", elbtypes.LoadBalancer{LoadBalancerName: aws.String("shop-public"), Type: elbtypes.LoadBalancerTypeEnumApplication, Scheme: elbtypes.LoadBalancerSchemeEnumInternetFacing, VpcId: a.EC2.Region("us-east-1").Vpcs[0].VpcId})
	lbs.AddLoadBalancer(id, "us-east-1", elbtypes.LoadBalancer{LoadBalancerName: aws.String("admin-public"), Type: elbtypes.LoadBalancerTypeEnumApplication, Scheme: elbtypes.LoadBalancerSchemeEnumInternetFacing, VpcId: a.EC2.Region("us-east-1").Vpcs[0].VpcId})
	lbs.AddLoadBalancer(id, "us-east-1", elbtypes.LoadBalancer{LoadBalancerName: aws.String("orders-internal"), Type: elbtypes.LoadBalancerTypeEnumApplication, Scheme: elbtypes.LoadBalancerSchemeEnumInternal, VpcId: a.EC2.Region("us-east-1").Vpcs[0].VpcId})
	a.WAFv2.Associations = map[string]string{shop: *app.ACL.ARN}

	// CloudFront: a well-configured site and a legacy one.
	origin := func(id, domain string, policy cftypes.OriginProtocolPolicy, protocols ...cftypes.SslProtocol) cftypes.Origin {
		return cftypes.Origin{Id: aws.String(id), DomainName: aws.String(domain), CustomOriginConfig: &cftypes.CustomOriginConfig{HTTPPort: aws.Int32(80), HTTPSPort: aws.Int32(443),
			OriginProtocolPolicy: policy, OriginSslProtocols: &cftypes.OriginSslProtocols{Items: protocols, Quantity: aws.Int32(int32(len(protocols)))}}}
	}
	www := a.CloudFront.AddDistribution(cftypes.DistributionConfig{
		Comment: aws.String("www"), Enabled: aws.Bool(true), DefaultRootObject: aws.String("index.html"), WebACLId: aws.String(""),
		Logging:              &cftypes.LoggingConfig{Enabled: aws.Bool(true), Bucket: aws.String("demo-cf-logs.s3.amazonaws.com"), Prefix: aws.String("www/"), IncludeCookies: aws.Bool(false)},
		Origins:              &cftypes.Origins{Quantity: aws.Int32(1), Items: []cftypes.Origin{origin("shop", "shop-public.us-east-1.elb.amazonaws.com", cftypes.OriginProtocolPolicyHttpsOnly, cftypes.SslProtocolTLSv12)}},
		DefaultCacheBehavior: &cftypes.DefaultCacheBehavior{TargetOriginId: aws.String("shop"), ViewerProtocolPolicy: cftypes.ViewerProtocolPolicyRedirectToHttps, Compress: aws.Bool(true)},
		ViewerCertificate:    &cftypes.ViewerCertificate{ACMCertificateArn: aws.String("arn:aws:acm:us-east-1:" + id + ":certificate/" + hex17(3)), SSLSupportMethod: cftypes.SSLSupportMethodSniOnly, MinimumProtocolVersion: cftypes.MinimumProtocolVersionTLSv122021},
	})
	www.Config.WebACLId = edge.ACL.ARN
	api := a.CloudFront.AddDistribution(cftypes.DistributionConfig{
		Comment: aws.String("api"), Enabled: aws.Bool(true), DefaultRootObject: aws.String("index.html"), WebACLId: aws.String(""),
		Logging:              &cftypes.LoggingConfig{Enabled: aws.Bool(true), Bucket: aws.String("demo-cf-logs.s3.amazonaws.com"), Prefix: aws.String("api/"), IncludeCookies: aws.Bool(false)},
		Origins:              &cftypes.Origins{Quantity: aws.Int32(1), Items: []cftypes.Origin{origin("api", "api-origin.example.com", cftypes.OriginProtocolPolicyHttpsOnly, cftypes.SslProtocolTLSv12)}},
		DefaultCacheBehavior: &cftypes.DefaultCacheBehavior{TargetOriginId: aws.String("api"), ViewerProtocolPolicy: cftypes.ViewerProtocolPolicyHttpsOnly},
		ViewerCertificate:    &cftypes.ViewerCertificate{ACMCertificateArn: aws.String("arn:aws:acm:us-east-1:" + id + ":certificate/" + hex17(4)), SSLSupportMethod: cftypes.SSLSupportMethodSniOnly, MinimumProtocolVersion: cftypes.MinimumProtocolVersionTLSv122018},
	})
	api.Config.WebACLId = edge.ACL.ARN
	// Static assets from S3: one origin through an origin access control
	// on an existing bucket, one through a legacy origin access identity
	// on a bucket that was deleted (anyone could recreate it).
	assets := a.S3.Bucket("demo-static-assets-"+id, "us-east-1")
	static := a.CloudFront.AddDistribution(cftypes.DistributionConfig{
		Comment: aws.String("static assets"), Enabled: aws.Bool(true), DefaultRootObject: aws.String("index.html"), WebACLId: aws.String(""),
		Logging: &cftypes.LoggingConfig{Enabled: aws.Bool(true), Bucket: aws.String("demo-cf-logs.s3.amazonaws.com"), Prefix: aws.String("static/"), IncludeCookies: aws.Bool(false)},
		Origins: &cftypes.Origins{Quantity: aws.Int32(2), Items: []cftypes.Origin{
			{Id: aws.String("assets"), DomainName: aws.String(assets.Name + ".s3.us-east-1.amazonaws.com"), OriginAccessControlId: aws.String("E2DEMOOAC"), S3OriginConfig: &cftypes.S3OriginConfig{OriginAccessIdentity: aws.String("")}},
			{Id: aws.String("old-assets"), DomainName: aws.String("demo-old-assets-" + id + ".s3.amazonaws.com"), S3OriginConfig: &cftypes.S3OriginConfig{OriginAccessIdentity: aws.String("origin-access-identity/cloudfront/E1DEMOOAI")}},
		}},
		DefaultCacheBehavior: &cftypes.DefaultCacheBehavior{TargetOriginId: aws.String("assets"), ViewerProtocolPolicy: cftypes.ViewerProtocolPolicyRedirectToHttps},
		CacheBehaviors:       &cftypes.CacheBehaviors{Quantity: aws.Int32(1), Items: []cftypes.CacheBehavior{{PathPattern: aws.String("/old/*"), TargetOriginId: aws.String("old-assets"), ViewerProtocolPolicy: cftypes.ViewerProtocolPolicyHttpsOnly}}},
		ViewerCertificate:    &cftypes.ViewerCertificate{ACMCertificateArn: aws.String("arn:aws:acm:us-east-1:" + id + ":certificate/" + hex17(5)), SSLSupportMethod: cftypes.SSLSupportMethodSniOnly, MinimumProtocolVersion: cftypes.MinimumProtocolVersionTLSv122021},
	})
	static.Config.WebACLId = edge.ACL.ARN
	a.CloudFront.AddDistribution(cftypes.DistributionConfig{
		Comment: aws.String("legacy downloads"), Enabled: aws.Bool(true), DefaultRootObject: aws.String(""), WebACLId: aws.String(""),
		Logging:              &cftypes.LoggingConfig{Enabled: aws.Bool(false), Bucket: aws.String(""), Prefix: aws.String(""), IncludeCookies: aws.Bool(false)},
		Origins:              &cftypes.Origins{Quantity: aws.Int32(1), Items: []cftypes.Origin{origin("downloads", "downloads.example.com", cftypes.OriginProtocolPolicyMatchViewer, cftypes.SslProtocolTLSv1, cftypes.SslProtocolTLSv11, cftypes.SslProtocolTLSv12)}},
		DefaultCacheBehavior: &cftypes.DefaultCacheBehavior{TargetOriginId: aws.String("downloads"), ViewerProtocolPolicy: cftypes.ViewerProtocolPolicyAllowAll},
		ViewerCertificate:    &cftypes.ViewerCertificate{CloudFrontDefaultCertificate: aws.Bool(true), MinimumProtocolVersion: cftypes.MinimumProtocolVersionTLSv1},
	})

	a.Route53.HostedZones = []r53types.HostedZone{
		{Id: aws.String("/hostedzone/Z0DEMO" + hex17(1)[12:]), Name: aws.String("example.com."), CallerReference: aws.String("demo-1"), Config: &r53types.HostedZoneConfig{PrivateZone: false}, ResourceRecordSetCount: aws.Int64(12)},
		{Id: aws.String("/hostedzone/Z0DEMO" + hex17(2)[12:]), Name: aws.String("corp.internal."), CallerReference: aws.String("demo-2"), Config: &r53types.HostedZoneConfig{PrivateZone: true}, ResourceRecordSetCount: aws.Int64(4)},
	}
	// Shield Advanced: subscribed, with only the shop load balancer
	// protected.
	a.Shield.Subscribed = true
	a.Shield.Protections = append(a.Shield.Protections, shieldtypes.Protection{Id: aws.String("demo-protection-1"), Name: aws.String("shop-public"), ResourceArn: aws.String(shop),
		ProtectionArn: aws.String("arn:aws:shield::" + id + ":protection/demo-protection-1")})
}
