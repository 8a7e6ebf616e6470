package fakeaws

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"
)

func TestEC2SecurityGroupLifecycle(t *testing.T) {
	ctx := context.Background()
	a := New("111122223333")
	r := a.EC2.Region("eu-west-1")
	r.Vpcs = []ec2types.Vpc{{VpcId: aws.String("vpc-1"), IsDefault: aws.Bool(true)}}
	c := ec2.NewFromConfig(a.Config(func(c *aws.Config) { c.Region = "eu-west-1" }))

	sg, err := c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("web"), Description: aws.String("web"), VpcId: aws.String("vpc-1")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("web"), Description: aws.String("web"), VpcId: aws.String("vpc-1")}); ec2ErrCode(err) != "InvalidGroup.Duplicate" {
		t.Fatalf("duplicate group: got %v", err)
	}
	auth, err := c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: sg.GroupId, IpPermissions: []ec2types.IpPermission{{
		IpProtocol: aws.String("tcp"), FromPort: aws.Int32(22), ToPort: aws.Int32(22),
		IpRanges: []ec2types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}, {CidrIp: aws.String("10.0.0.0/8")}}, Ipv6Ranges: []ec2types.Ipv6Range{{CidrIpv6: aws.String("::/0")}},
	}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(auth.SecurityGroupRules) != 3 {
		t.Fatalf("got %d rules, want 3", len(auth.SecurityGroupRules))
	}
	if _, err := c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: sg.GroupId, IpPermissions: []ec2types.IpPermission{{
		IpProtocol: aws.String("tcp"), FromPort: aws.Int32(22), ToPort: aws.Int32(22), IpRanges: []ec2types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}}}}); ec2ErrCode(err) != "InvalidPermission.Duplicate" {
		t.Fatalf("duplicate rule: got %v", err)
	}

	var ids []string
	p := ec2.NewDescribeSecurityGroupRulesPaginator(c, &ec2.DescribeSecurityGroupRulesInput{Filters: []ec2types.Filter{{Name: aws.String("group-id"), Values: []string{*sg.GroupId}}}})
	pages := 0
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, x := range out.SecurityGroupRules {
			ids = append(ids, *x.SecurityGroupRuleId)
		}
	}
	if len(ids) != 4 || pages != 2 {
		t.Fatalf("got %d rules in %d pages, want 4 in 2", len(ids), pages)
	}

	groups, err := c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{*sg.GroupId}})
	if err != nil {
		t.Fatal(err)
	}
	g := groups.SecurityGroups[0]
	if len(g.IpPermissions) != 1 || len(g.IpPermissions[0].IpRanges) != 2 || len(g.IpPermissions[0].Ipv6Ranges) != 1 || len(g.IpPermissionsEgress) != 1 {
		t.Fatalf("derived permissions wrong: %+v", g)
	}

	open := *auth.SecurityGroupRules[0].SecurityGroupRuleId
	if _, err := c.RevokeSecurityGroupEgress(ctx, &ec2.RevokeSecurityGroupEgressInput{GroupId: sg.GroupId, SecurityGroupRuleIds: []string{open}}); ec2ErrCode(err) != "InvalidSecurityGroupRuleId.NotFound" {
		t.Fatalf("revoking an ingress rule as egress: got %v", err)
	}
	rv, err := c.RevokeSecurityGroupIngress(ctx, &ec2.RevokeSecurityGroupIngressInput{GroupId: sg.GroupId, SecurityGroupRuleIds: []string{open}})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{open}, []string{aws.ToString(rv.RevokedSecurityGroupRules[0].SecurityGroupRuleId)}); diff != "" {
		t.Fatalf("revoked (-want +got):\n%s", diff)
	}
	if got := len(a.EC2.Region("eu-west-1").SecurityGroupRules); got != 3 {
		t.Fatalf("%d rules left, want 3", got)
	}
}

func TestEC2LaunchTemplateVersionCarriesSettings(t *testing.T) {
	ctx := context.Background()
	a := New("111122223333")
	r := a.EC2.Region("us-east-1")
	id := r.AddLaunchTemplate("web", &ec2types.ResponseLaunchTemplateData{ImageId: aws.String("ami-1"), InstanceType: ec2types.InstanceTypeT3Micro,
		MetadataOptions: &ec2types.LaunchTemplateInstanceMetadataOptions{HttpTokens: ec2types.LaunchTemplateHttpTokensStateOptional, HttpPutResponseHopLimit: aws.Int32(2)}})
	c := ec2.NewFromConfig(a.Config())
	out, err := c.CreateLaunchTemplateVersion(ctx, &ec2.CreateLaunchTemplateVersionInput{LaunchTemplateId: aws.String(id), SourceVersion: aws.String("$Default"),
		LaunchTemplateData: &ec2types.RequestLaunchTemplateData{MetadataOptions: &ec2types.LaunchTemplateInstanceMetadataOptionsRequest{HttpTokens: ec2types.LaunchTemplateHttpTokensStateRequired, HttpPutResponseHopLimit: aws.Int32(2)}}})
	if err != nil {
		t.Fatal(err)
	}
	d := out.LaunchTemplateVersion.LaunchTemplateData
	if aws.ToString(d.ImageId) != "ami-1" || d.InstanceType != ec2types.InstanceTypeT3Micro || d.MetadataOptions.HttpTokens != "required" || aws.ToInt32(d.MetadataOptions.HttpPutResponseHopLimit) != 2 {
		t.Fatalf("new version lost settings: %+v", d)
	}
	if _, err := c.ModifyLaunchTemplate(ctx, &ec2.ModifyLaunchTemplateInput{LaunchTemplateId: aws.String(id), DefaultVersion: aws.String("2")}); err != nil {
		t.Fatal(err)
	}
	vs, err := c.DescribeLaunchTemplateVersions(ctx, &ec2.DescribeLaunchTemplateVersionsInput{Versions: []string{"$Default"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(vs.LaunchTemplateVersions) != 1 || aws.ToInt64(vs.LaunchTemplateVersions[0].VersionNumber) != 2 {
		t.Fatalf("default versions: %+v", vs.LaunchTemplateVersions)
	}
}

func ec2ErrCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}
