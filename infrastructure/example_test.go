package infrastructure_test

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
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
