package infrastructure_test

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	cftypes "github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/infrastructure"
	"github.com/secpillar/secpillar/internal/fakeaws"
)

// exampleAccount is an account with one security group that lets the
// internet reach SSH, and HTTPS.
func exampleAccount() (*fakeaws.Account, string) {
	acct := fakeaws.New("111122223333")
	r := acct.EC2.Region("eu-west-1")
	id := r.AddSecurityGroup(acct.ID, "eu-west-1", ec2types.SecurityGroup{GroupName: aws.String("web"), VpcId: aws.String("vpc-1")})
	for _, port := range []int32{22, 443} {
		r.AddSecurityGroupRule(acct.ID, "eu-west-1", ec2types.SecurityGroupRule{GroupId: aws.String(id), IpProtocol: aws.String("tcp"),
			FromPort: aws.Int32(port), ToPort: aws.Int32(port), CidrIpv4: aws.String("0.0.0.0/0")})
	}
	return acct, id
}

func ExampleCheckSecurityGroupAdminPorts() {
	acct, _ := exampleAccount()
	client := ec2.NewFromConfig(acct.Config(func(c *aws.Config) { c.Region = "eu-west-1" }))

	findings, err := infrastructure.CheckSecurityGroupAdminPorts(context.Background(), client)
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	for _, f := range findings {
		fmt.Println(f.Status, f.Evidence["group_id"], "open ports:", f.Evidence["open_ports"])
	}
	// Output:
	// FAIL sg-00000000000000001 open ports: 22
}

func ExampleRemediateSecurityGroupAdminPorts() {
	acct, id := exampleAccount()
	client := ec2.NewFromConfig(acct.Config(func(c *aws.Config) { c.Region = "eu-west-1" }))
	ctx := context.Background()

	plan, err := infrastructure.RemediateSecurityGroupAdminPorts(ctx, client, id, nil, secpillar.DryRun)
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(plan.Outcome)
	for _, c := range plan.Changes {
		fmt.Println(c.Action, c.Field, c.Before, "->", c.After)
	}
	done, err := infrastructure.RemediateSecurityGroupAdminPorts(ctx, client, id, nil)
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(done.Outcome)
	again, _ := infrastructure.RemediateSecurityGroupAdminPorts(ctx, client, id, nil)
	fmt.Println(again.Outcome)
	// Output:
	// PLANNED
	// ec2:RevokeSecurityGroupIngress ingress rule sgr-00000000000000002 tcp 22 from 0.0.0.0/0 -> revoked
	// CHANGED
	// COMPLIANT
}

// staticRules is a hand-written fake of SecurityGroupPortsAPI, the way a
// caller's unit test can fake the small interface without any AWS SDK
// client.
type staticRules struct {
	groups []ec2types.SecurityGroup
	rules  []ec2types.SecurityGroupRule
}

func (s staticRules) DescribeSecurityGroups(context.Context, *ec2.DescribeSecurityGroupsInput, ...func(*ec2.Options)) (*ec2.DescribeSecurityGroupsOutput, error) {
	return &ec2.DescribeSecurityGroupsOutput{SecurityGroups: s.groups}, nil
}

func (s staticRules) DescribeSecurityGroupRules(context.Context, *ec2.DescribeSecurityGroupRulesInput, ...func(*ec2.Options)) (*ec2.DescribeSecurityGroupRulesOutput, error) {
	return &ec2.DescribeSecurityGroupRulesOutput{SecurityGroupRules: s.rules}, nil
}

func ExampleCheckSecurityGroupHighRiskPorts_handWrittenFake() {
	api := staticRules{
		groups: []ec2types.SecurityGroup{{GroupId: aws.String("sg-1"), GroupName: aws.String("db"), SecurityGroupArn: aws.String("arn:aws:ec2:eu-west-1:111122223333:security-group/sg-1")}},
		rules: []ec2types.SecurityGroupRule{{SecurityGroupRuleId: aws.String("sgr-1"), GroupId: aws.String("sg-1"), IsEgress: aws.Bool(false),
			IpProtocol: aws.String("tcp"), FromPort: aws.Int32(5432), ToPort: aws.Int32(5432), CidrIpv6: aws.String("::/0")}},
	}
	findings, err := infrastructure.CheckSecurityGroupHighRiskPorts(context.Background(), api)
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(findings[0].Status, findings[0].Evidence["open_rules"], findings[0].Evidence["open_ports"])
	// Output:
	// FAIL sgr-1 5432
}

func ExampleCheckNetworkACLAdminPorts() {
	acct := fakeaws.New("111122223333")
	entry := func(n int32, action ec2types.RuleAction, port int32) ec2types.NetworkAclEntry {
		return ec2types.NetworkAclEntry{RuleNumber: aws.Int32(n), Egress: aws.Bool(false), RuleAction: action, Protocol: aws.String("6"),
			PortRange: &ec2types.PortRange{From: aws.Int32(port), To: aws.Int32(port)}, CidrBlock: aws.String("0.0.0.0/0")}
	}
	acct.EC2.Region("us-east-1").NetworkAcls = []ec2types.NetworkAcl{{
		NetworkAclId: aws.String("acl-1"), OwnerId: aws.String(acct.ID),
		// 22 is denied by rule 90 before rule 100 allows it; 3389 is open.
		Entries: []ec2types.NetworkAclEntry{entry(90, ec2types.RuleActionDeny, 22), entry(100, ec2types.RuleActionAllow, 22), entry(110, ec2types.RuleActionAllow, 3389)},
	}}
	findings, err := infrastructure.CheckNetworkACLAdminPorts(context.Background(), ec2.NewFromConfig(acct.Config()), "us-east-1")
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(findings[0].Status, "entries", findings[0].Evidence["open_entries"], "ports", findings[0].Evidence["open_ports"])
	// Output:
	// FAIL entries 110 ports 3389
}

func ExampleRemediateCloudFrontViewerHTTPS() {
	acct := fakeaws.New("111122223333")
	d := acct.CloudFront.AddDistribution(cftypes.DistributionConfig{
		Comment: aws.String("site"), Enabled: aws.Bool(true),
		DefaultCacheBehavior: &cftypes.DefaultCacheBehavior{TargetOriginId: aws.String("app"), ViewerProtocolPolicy: cftypes.ViewerProtocolPolicyAllowAll},
		Origins: &cftypes.Origins{Quantity: aws.Int32(1), Items: []cftypes.Origin{{Id: aws.String("app"), DomainName: aws.String("app.example.com"),
			CustomOriginConfig: &cftypes.CustomOriginConfig{HTTPPort: aws.Int32(80), HTTPSPort: aws.Int32(443), OriginProtocolPolicy: cftypes.OriginProtocolPolicyHttpsOnly}}}},
	})
	client := cloudfront.NewFromConfig(acct.Config())

	rem, err := infrastructure.RemediateCloudFrontViewerHTTPS(context.Background(), client, d.ID)
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(rem.Outcome)
	for _, c := range rem.Changes {
		fmt.Println(c.Action, c.Field, c.Before, "->", c.After)
	}
	// Output:
	// CHANGED
	// cloudfront:UpdateDistribution DefaultCacheBehavior.ViewerProtocolPolicy allow-all -> redirect-to-https
}

func ExampleRemediateLaunchTemplateIMDSv2() {
	acct := fakeaws.New("111122223333")
	id := acct.EC2.Region("us-east-1").AddLaunchTemplate("web", &ec2types.ResponseLaunchTemplateData{
		ImageId:         aws.String("ami-0123456789abcdef0"),
		MetadataOptions: &ec2types.LaunchTemplateInstanceMetadataOptions{HttpTokens: ec2types.LaunchTemplateHttpTokensStateOptional, HttpPutResponseHopLimit: aws.Int32(2)},
	})
	client := ec2.NewFromConfig(acct.Config())

	rem, err := infrastructure.RemediateLaunchTemplateIMDSv2(context.Background(), client, id)
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(rem.Outcome)
	for _, c := range rem.Changes {
		fmt.Println(c.Action, c.Field, c.Before, "->", c.After)
	}
	fmt.Println(rem.Undo)
	// Output:
	// CHANGED
	// ec2:CreateLaunchTemplateVersion MetadataOptions.HttpTokens optional (version 1) -> required (version 2)
	// ec2:ModifyLaunchTemplate DefaultVersion 1 -> 2
	// Make version 1 the default again with ec2:ModifyLaunchTemplate on lt-00000000000000001.
}

func ExampleControls() {
	n := map[secpillar.Scope]int{}
	for _, c := range infrastructure.Controls() {
		n[c.Scope]++
	}
	fmt.Println(len(infrastructure.Controls()), "controls:", n[secpillar.ScopeRegional], "regional,", n[secpillar.ScopeAccount], "account-wide")
	// Output:
	// 27 controls: 18 regional, 9 account-wide
}
