package infrastructure

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/google/go-cmp/cmp"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/internal/awserr"
	"github.com/secpillar/secpillar/internal/fakeaws"
)

// statuses maps an evidence key's value to each finding's status.
func statuses(fs []secpillar.Finding, key string) map[string]secpillar.Status {
	out := map[string]secpillar.Status{}
	for _, f := range fs {
		out[f.Evidence[key]] = f.Status
	}
	return out
}

// wantError runs check under fault and wants an error containing want.
func wantError(t *testing.T, name string, setup func(*fakeaws.Account), fault func(*fakeaws.Account), check func(*fakeaws.Account) error, want string) {
	t.Helper()
	t.Run(name, func(t *testing.T) {
		acct := fakeaws.New(testAccount)
		if setup != nil {
			setup(acct)
		}
		fault(acct)
		err := check(acct)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("got %v, want an error containing %q", err, want)
		}
		if strings.Contains(name, "denied") && !awserr.IsAccessDenied(err) {
			t.Errorf("not classified as access denied: %v", err)
		}
	})
}

func respondWith(service, op string, out any) func(*fakeaws.Account) {
	return func(a *fakeaws.Account) {
		a.Inject(fakeaws.Fault{Service: service, Operation: op, Respond: func(context.Context, any) (any, error) { return out, nil }})
	}
}

func seedPeering(acct *fakeaws.Account) {
	r := acct.EC2.Region("us-east-1")
	r.PeeringConnections = []ec2types.VpcPeeringConnection{{
		VpcPeeringConnectionId: aws.String("pcx-1"),
		RequesterVpcInfo:       &ec2types.VpcPeeringConnectionVpcInfo{VpcId: aws.String("vpc-a"), CidrBlock: aws.String("10.0.0.0/16")},
		AccepterVpcInfo:        &ec2types.VpcPeeringConnectionVpcInfo{VpcId: aws.String("vpc-b"), CidrBlock: aws.String("10.1.0.0/16"), CidrBlockSet: []ec2types.CidrBlock{{CidrBlock: aws.String("10.1.0.0/16")}, {CidrBlock: aws.String("10.2.0.0/16")}}},
	}}
	route := func(dest, pcx string) ec2types.Route {
		return ec2types.Route{DestinationCidrBlock: aws.String(dest), VpcPeeringConnectionId: aws.String(pcx)}
	}
	r.RouteTables = []ec2types.RouteTable{
		{OwnerId: aws.String(testAccount), RouteTableId: aws.String("rtb-narrow"), VpcId: aws.String("vpc-a"), Routes: []ec2types.Route{{DestinationCidrBlock: aws.String("10.0.0.0/16"), GatewayId: aws.String("local")}, route("10.1.5.0/24", "pcx-1")}},
		{OwnerId: aws.String(testAccount), RouteTableId: aws.String("rtb-whole"), VpcId: aws.String("vpc-a"), Routes: []ec2types.Route{route("10.1.0.0/16", "pcx-1")}},
		{OwnerId: aws.String(testAccount), RouteTableId: aws.String("rtb-secondary"), VpcId: aws.String("vpc-a"), Routes: []ec2types.Route{route("10.2.0.0/16", "pcx-1")}},
		{OwnerId: aws.String(testAccount), RouteTableId: aws.String("rtb-wider"), VpcId: aws.String("vpc-a"), Routes: []ec2types.Route{route("10.0.0.0/8", "pcx-1")}},
		{OwnerId: aws.String(testAccount), RouteTableId: aws.String("rtb-default"), VpcId: aws.String("vpc-b"), Routes: []ec2types.Route{route("0.0.0.0/0", "pcx-1")}},
		{OwnerId: aws.String(testAccount), RouteTableId: aws.String("rtb-accepter-narrow"), VpcId: aws.String("vpc-b"), Routes: []ec2types.Route{route("10.0.1.0/24", "pcx-1")}},
		{OwnerId: aws.String(testAccount), RouteTableId: aws.String("rtb-blackhole"), VpcId: aws.String("vpc-a"), Routes: []ec2types.Route{route("10.9.1.0/24", "pcx-gone")}},
		{OwnerId: aws.String(testAccount), RouteTableId: aws.String("rtb-none"), VpcId: aws.String("vpc-a"), Routes: []ec2types.Route{{DestinationCidrBlock: aws.String("0.0.0.0/0"), GatewayId: aws.String("igw-1")}}},
	}
}

func TestCheckVPCPeeringRoutes(t *testing.T) {
	acct := fakeaws.New(testAccount)
	seedPeering(acct)
	fs, err := CheckVPCPeeringRoutes(context.Background(), ec2In(acct, "us-east-1"), "us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]secpillar.Status{
		"rtb-narrow": "PASS", "rtb-whole": "FAIL", "rtb-secondary": "FAIL", "rtb-wider": "FAIL", "rtb-default": "FAIL",
		"rtb-accepter-narrow": "PASS", "rtb-blackhole": "FAIL", "rtb-none": "PASS",
	}
	if diff := cmp.Diff(want, statuses(fs, "route_table_id")); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	noPeers := fakeaws.New(testAccount)
	if fs, err := CheckVPCPeeringRoutes(context.Background(), ec2In(noPeers, "us-east-1"), "us-east-1"); err != nil || len(fs) != 0 {
		t.Errorf("empty Region: %v %v", fs, err)
	}
	check := func(a *fakeaws.Account) error {
		_, err := CheckVPCPeeringRoutes(context.Background(), ec2In(a, "us-east-1"), "us-east-1")
		return err
	}
	wantError(t, "access denied", seedPeering, func(a *fakeaws.Account) { a.DenyAccess("EC2", "DescribeRouteTables", "") }, check, "explicit deny")
	wantError(t, "nil destination", seedPeering, respondWith("EC2", "DescribeRouteTables", &ec2.DescribeRouteTablesOutput{RouteTables: []ec2types.RouteTable{{OwnerId: aws.String(testAccount), VpcId: aws.String("vpc-a"), RouteTableId: aws.String("rtb-x"), Routes: []ec2types.Route{{VpcPeeringConnectionId: aws.String("pcx-1")}}}}}), check, "without a destination")
	wantError(t, "nil owner", seedPeering, respondWith("EC2", "DescribeRouteTables", &ec2.DescribeRouteTablesOutput{RouteTables: []ec2types.RouteTable{{RouteTableId: aws.String("rtb-x"), VpcId: aws.String("vpc-a")}}}), check, "no OwnerId")
	wantError(t, "route without target", seedPeering, respondWith("EC2", "DescribeRouteTables", &ec2.DescribeRouteTablesOutput{RouteTables: []ec2types.RouteTable{{RouteTableId: aws.String("rtb-x"), VpcId: aws.String("vpc-a"), OwnerId: aws.String("1"),
		Routes: []ec2types.Route{{DestinationCidrBlock: aws.String("10.1.0.0/16")}}}}}), check, "without a target")
	wantError(t, "peer without CIDR", seedPeering, respondWith("EC2", "DescribeVpcPeeringConnections", &ec2.DescribeVpcPeeringConnectionsOutput{VpcPeeringConnections: []ec2types.VpcPeeringConnection{{VpcPeeringConnectionId: aws.String("pcx-1"),
		RequesterVpcInfo: &ec2types.VpcPeeringConnectionVpcInfo{VpcId: aws.String("vpc-a")}, AccepterVpcInfo: &ec2types.VpcPeeringConnectionVpcInfo{VpcId: aws.String("vpc-b")}}}}), check, "no CIDR block")
	wantError(t, "nil peer info", seedPeering, respondWith("EC2", "DescribeVpcPeeringConnections", &ec2.DescribeVpcPeeringConnectionsOutput{VpcPeeringConnections: []ec2types.VpcPeeringConnection{{VpcPeeringConnectionId: aws.String("pcx-1")}}}), check, "no peer VPC information")
}

func seedFlowLogs(acct *fakeaws.Account) {
	r := acct.EC2.Region("eu-west-1")
	for _, v := range []string{"vpc-logged", "vpc-none", "vpc-accept", "vpc-failing"} {
		r.Vpcs = append(r.Vpcs, ec2types.Vpc{VpcId: aws.String(v), OwnerId: aws.String(testAccount)})
	}
	fl := func(id, vpc string, traffic ec2types.TrafficType, deliver string) ec2types.FlowLog {
		return ec2types.FlowLog{FlowLogId: aws.String(id), ResourceId: aws.String(vpc), TrafficType: traffic, FlowLogStatus: aws.String("ACTIVE"), DeliverLogsStatus: aws.String(deliver)}
	}
	r.FlowLogs = []ec2types.FlowLog{
		fl("fl-1", "vpc-logged", ec2types.TrafficTypeReject, "SUCCESS"),
		fl("fl-2", "vpc-accept", ec2types.TrafficTypeAccept, "SUCCESS"),
		fl("fl-3", "vpc-failing", ec2types.TrafficTypeAll, "FAILED"),
	}
}

func TestCheckVPCFlowLogs(t *testing.T) {
	acct := fakeaws.New(testAccount)
	seedFlowLogs(acct)
	fs, err := CheckVPCFlowLogs(context.Background(), ec2In(acct, "eu-west-1"), "eu-west-1")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]secpillar.Status{"vpc-logged": "PASS", "vpc-none": "FAIL", "vpc-accept": "FAIL", "vpc-failing": "FAIL"}
	if diff := cmp.Diff(want, statuses(fs, "vpc_id")); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	check := func(a *fakeaws.Account) error {
		_, err := CheckVPCFlowLogs(context.Background(), ec2In(a, "eu-west-1"), "eu-west-1")
		return err
	}
	wantError(t, "access denied", seedFlowLogs, func(a *fakeaws.Account) { a.DenyAccess("EC2", "DescribeFlowLogs", "") }, check, "explicit deny")
	wantError(t, "nil owner", seedFlowLogs, respondWith("EC2", "DescribeVpcs", &ec2.DescribeVpcsOutput{Vpcs: []ec2types.Vpc{{VpcId: aws.String("vpc-none")}}}), check, "no OwnerId")
	wantError(t, "nil status", seedFlowLogs, respondWith("EC2", "DescribeFlowLogs", &ec2.DescribeFlowLogsOutput{FlowLogs: []ec2types.FlowLog{{FlowLogId: aws.String("fl-9"), ResourceId: aws.String("vpc-none"), TrafficType: "ALL"}}}), check, "no FlowLogStatus")
	wantError(t, "unknown traffic type", seedFlowLogs, respondWith("EC2", "DescribeFlowLogs", &ec2.DescribeFlowLogsOutput{FlowLogs: []ec2types.FlowLog{{FlowLogId: aws.String("fl-9"), ResourceId: aws.String("vpc-none"), TrafficType: "SOME", FlowLogStatus: aws.String("ACTIVE")}}}), check, `unknown TrafficType "SOME"`)
}

func TestRemediateVPCFlowLogs(t *testing.T) {
	ctx := context.Background()
	acct := fakeaws.New(testAccount)
	seedFlowLogs(acct)
	c := ec2In(acct, "eu-west-1")
	dest := FlowLogDestination{Type: ec2types.LogDestinationTypeCloudWatchLogs, ARN: "arn:aws:logs:eu-west-1:111122223333:log-group:flow", RoleARN: "arn:aws:iam::111122223333:role/flow"}
	for _, bad := range []FlowLogDestination{{Type: "s4", ARN: "arn:x"}, {Type: ec2types.LogDestinationTypeCloudWatchLogs, ARN: "arn:x"}, {Type: ec2types.LogDestinationTypeS3, ARN: "bucket"}, {Type: ec2types.LogDestinationTypeS3, ARN: "arn:aws:s3:::b", TrafficType: "ACCEPT"}} {
		if _, err := RemediateVPCFlowLogs(ctx, c, "vpc-none", bad); err == nil {
			t.Errorf("destination %+v accepted", bad)
		}
	}
	if n := len(acct.Calls()); n != 0 {
		t.Fatalf("bad input made %d calls", n)
	}
	rem, err := RemediateVPCFlowLogs(ctx, c, "vpc-none", dest, secpillar.DryRun)
	if err != nil || rem.Outcome != secpillar.OutcomePlanned || acct.CallCount("EC2", "CreateFlowLogs") != 0 {
		t.Fatalf("dry run: %+v %v", rem, err)
	}
	rem, err = RemediateVPCFlowLogs(ctx, c, "vpc-none", dest)
	if err != nil || rem.Outcome != secpillar.OutcomeChanged || !strings.Contains(rem.Undo, "DeleteFlowLogs") {
		t.Fatalf("apply: %+v %v", rem, err)
	}
	rem, err = RemediateVPCFlowLogs(ctx, c, "vpc-none", dest)
	if err != nil || rem.Outcome != secpillar.OutcomeCompliant || acct.CallCount("EC2", "CreateFlowLogs") != 1 {
		t.Fatalf("second run: %+v %v", rem, err)
	}
	// The existing flow logs of other VPCs are untouched.
	if n := len(acct.EC2.Region("eu-west-1").FlowLogs); n != 4 {
		t.Errorf("%d flow logs, want 4", n)
	}
	fl := acct.EC2.Region("eu-west-1").FlowLogs[3]
	if aws.ToString(fl.DeliverLogsPermissionArn) != dest.RoleARN || fl.TrafficType != ec2types.TrafficTypeAll {
		t.Errorf("flow log created as %+v", fl)
	}
	if _, err := RemediateVPCFlowLogs(ctx, c, "vpc-missing", dest); err == nil || !strings.Contains(err.Error(), "InvalidVpcID.NotFound") {
		t.Errorf("missing VPC: %v", err)
	}
}

func seedSubnets(acct *fakeaws.Account) {
	r := acct.EC2.Region("us-east-1")
	for id, public := range map[string]bool{"subnet-public": true, "subnet-private": false} {
		r.Subnets = append(r.Subnets, ec2types.Subnet{SubnetId: aws.String(id), VpcId: aws.String("vpc-1"), MapPublicIpOnLaunch: aws.Bool(public), AssignIpv6AddressOnCreation: aws.Bool(true),
			OwnerId: aws.String(testAccount), SubnetArn: aws.String("arn:aws:ec2:us-east-1:" + testAccount + ":subnet/" + id)})
	}
}

func TestSubnetAutoAssignPublicIP(t *testing.T) {
	ctx := context.Background()
	acct := fakeaws.New(testAccount)
	seedSubnets(acct)
	c := ec2In(acct, "us-east-1")
	fs, err := CheckSubnetAutoAssignPublicIP(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]secpillar.Status{"subnet-public": "FAIL", "subnet-private": "PASS"}, statuses(fs, "subnet_id")); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	check := func(a *fakeaws.Account) error {
		_, err := CheckSubnetAutoAssignPublicIP(ctx, ec2In(a, "us-east-1"))
		return err
	}
	wantError(t, "access denied", seedSubnets, func(a *fakeaws.Account) { a.DenyAccess("EC2", "DescribeSubnets", "") }, check, "explicit deny")
	wantError(t, "nil attribute", nil, respondWith("EC2", "DescribeSubnets", &ec2.DescribeSubnetsOutput{Subnets: []ec2types.Subnet{{SubnetId: aws.String("subnet-1"), SubnetArn: aws.String("arn:aws:ec2:us-east-1:1:subnet/subnet-1")}}}), check, "no MapPublicIpOnLaunch")

	var public secpillar.Finding
	for _, f := range fs {
		if f.Status == secpillar.StatusFail {
			public = f
		}
	}
	control := controlByID(t, ControlSubnetNoAutoPublicIP)
	rem, err := control.Remediate(ctx, acct.Config(), public, secpillar.RemediateOptions{DryRun: true})
	if err != nil || rem.Outcome != secpillar.OutcomePlanned || acct.CallCount("EC2", "ModifySubnetAttribute") != 0 {
		t.Fatalf("dry run: %+v %v", rem, err)
	}
	rem, err = control.Remediate(ctx, acct.Config(), public, secpillar.RemediateOptions{})
	if err != nil || rem.Outcome != secpillar.OutcomeChanged {
		t.Fatalf("apply: %+v %v", rem, err)
	}
	rem, err = RemediateSubnetAutoAssignPublicIP(ctx, c, "subnet-public")
	if err != nil || rem.Outcome != secpillar.OutcomeCompliant || acct.CallCount("EC2", "ModifySubnetAttribute") != 1 {
		t.Fatalf("second run: %+v %v", rem, err)
	}
	for _, s := range acct.EC2.Region("us-east-1").Subnets {
		if !aws.ToBool(s.AssignIpv6AddressOnCreation) {
			t.Errorf("subnet %s lost its IPv6 setting", *s.SubnetId)
		}
	}
	if _, err := RemediateSubnetAutoAssignPublicIP(ctx, c, "vpc-1"); err == nil {
		t.Error("a non-subnet ID was accepted")
	}
}

func instance(id string, state ec2types.InstanceStateName, publicIP string, tokens ec2types.HttpTokensState) ec2types.Instance {
	i := ec2types.Instance{InstanceId: aws.String(id), State: &ec2types.InstanceState{Name: state},
		MetadataOptions: &ec2types.InstanceMetadataOptionsResponse{HttpTokens: tokens, HttpEndpoint: ec2types.InstanceMetadataEndpointStateEnabled, HttpPutResponseHopLimit: aws.Int32(2)}}
	if publicIP != "" {
		i.PublicIpAddress = aws.String(publicIP)
	}
	return i
}

func seedInstances(acct *fakeaws.Account) {
	r := acct.EC2.Region("us-east-1")
	second := instance("i-eni", ec2types.InstanceStateNameRunning, "", ec2types.HttpTokensStateRequired)
	second.NetworkInterfaces = []ec2types.InstanceNetworkInterface{{Association: &ec2types.InstanceNetworkInterfaceAssociation{PublicIp: aws.String("198.51.100.7")}}}
	disabled := instance("i-noimds", ec2types.InstanceStateNameStopped, "", ec2types.HttpTokensStateOptional)
	disabled.MetadataOptions.HttpEndpoint = ec2types.InstanceMetadataEndpointStateDisabled
	r.Instances = []ec2types.Instance{
		instance("i-public", ec2types.InstanceStateNameRunning, "203.0.113.10", ec2types.HttpTokensStateOptional),
		instance("i-private", ec2types.InstanceStateNameRunning, "", ec2types.HttpTokensStateRequired),
		instance("i-gone", ec2types.InstanceStateNameTerminated, "", ec2types.HttpTokensStateOptional),
		second, disabled,
	}
}

func TestCheckInstancePublicIP(t *testing.T) {
	acct := fakeaws.New(testAccount)
	seedInstances(acct)
	fs, err := CheckInstancePublicIP(context.Background(), ec2In(acct, "us-east-1"), "us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]secpillar.Status{"i-public": "FAIL", "i-private": "PASS", "i-eni": "FAIL", "i-noimds": "PASS"}
	if diff := cmp.Diff(want, statuses(fs, "instance_id")); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	check := func(a *fakeaws.Account) error {
		_, err := CheckInstancePublicIP(context.Background(), ec2In(a, "us-east-1"), "us-east-1")
		return err
	}
	wantError(t, "access denied", seedInstances, func(a *fakeaws.Account) { a.DenyAccess("EC2", "DescribeInstances", "") }, check, "explicit deny")
	wantError(t, "nil owner", nil, respondWith("EC2", "DescribeInstances", &ec2.DescribeInstancesOutput{Reservations: []ec2types.Reservation{{Instances: []ec2types.Instance{{InstanceId: aws.String("i-1")}}}}}), check, "no OwnerId")
	wantError(t, "nil state", nil, respondWith("EC2", "DescribeInstances", &ec2.DescribeInstancesOutput{Reservations: []ec2types.Reservation{{OwnerId: aws.String("1"), Instances: []ec2types.Instance{{InstanceId: aws.String("i-1")}}}}}), check, "no State")
}

func controlByID(t *testing.T, id string) secpillar.Control {
	t.Helper()
	for _, c := range Controls() {
		if c.ID == id {
			return c
		}
	}
	t.Fatalf("control %s not in Controls()", id)
	return secpillar.Control{}
}
