package infrastructure

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/internal/pagetoken"
)

// The IDs of the VPC controls.
const (
	ControlVPCPeeringRoutesLeastAccess = "infrastructure.vpc-peering-routes-least-access"
	ControlVPCFlowLogs                 = "infrastructure.vpc-flow-logs"
	ControlSubnetNoAutoPublicIP        = "infrastructure.subnet-no-auto-public-ip"
	ControlInstanceNoPublicIP          = "infrastructure.instance-no-public-ip"
)

// Resource types of the VPC findings.
const (
	RouteTableResourceType = "AWS::EC2::RouteTable"
	VPCResourceType        = "AWS::EC2::VPC"
	SubnetResourceType     = "AWS::EC2::Subnet"
	InstanceResourceType   = "AWS::EC2::Instance"
)

// ---- peering routes -------------------------------------------------------

// VPCPeeringRoutesAPI is the part of the EC2 API that
// CheckVPCPeeringRoutes calls. *ec2.Client satisfies it.
type VPCPeeringRoutesAPI interface {
	DescribeRouteTables(ctx context.Context, in *ec2.DescribeRouteTablesInput, optFns ...func(*ec2.Options)) (*ec2.DescribeRouteTablesOutput, error)
	DescribeVpcPeeringConnections(ctx context.Context, in *ec2.DescribeVpcPeeringConnectionsInput, optFns ...func(*ec2.Options)) (*ec2.DescribeVpcPeeringConnectionsOutput, error)
}

var _ VPCPeeringRoutesAPI = (*ec2.Client)(nil)

func listPeerings(ctx context.Context, api VPCPeeringRoutesAPI) (map[string]ec2types.VpcPeeringConnection, error) {
	out := map[string]ec2types.VpcPeeringConnection{}
	guard := pagetoken.New("infrastructure: list VPC peering connections")
	p := ec2.NewDescribeVpcPeeringConnectionsPaginator(api, &ec2.DescribeVpcPeeringConnectionsInput{}, func(o *ec2.DescribeVpcPeeringConnectionsPaginatorOptions) { o.Limit = 1000 })
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("infrastructure: list VPC peering connections: %w", err)
		}
		for _, pc := range page.VpcPeeringConnections {
			if pc.VpcPeeringConnectionId == nil {
				return nil, errors.New("infrastructure: list VPC peering connections: a connection has no VpcPeeringConnectionId")
			}
			out[*pc.VpcPeeringConnectionId] = pc
		}
		if err := guard.Check(false, page.NextToken); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// peerCIDRs returns the CIDR blocks of the side of pc that is not vpcID.
func peerCIDRs(pc ec2types.VpcPeeringConnection, vpcID string) ([]string, error) {
	peer := pc.AccepterVpcInfo
	if pc.AccepterVpcInfo != nil && aws.ToString(pc.AccepterVpcInfo.VpcId) == vpcID {
		peer = pc.RequesterVpcInfo
	}
	if peer == nil {
		return nil, fmt.Errorf("peering connection %s has no peer VPC information", aws.ToString(pc.VpcPeeringConnectionId))
	}
	var out []string
	if peer.CidrBlock != nil {
		out = append(out, *peer.CidrBlock)
	}
	for _, c := range peer.CidrBlockSet {
		if c.CidrBlock != nil && !contains(out, *c.CidrBlock) {
			out = append(out, *c.CidrBlock)
		}
	}
	for _, c := range peer.Ipv6CidrBlockSet {
		if c.Ipv6CidrBlock != nil {
			out = append(out, *c.Ipv6CidrBlock)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("peering connection %s has no CIDR block for the peer VPC", aws.ToString(pc.VpcPeeringConnectionId))
	}
	return out, nil
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// covers reports whether prefix a contains all of prefix b.
func covers(a, b netip.Prefix) bool {
	a, b = a.Masked(), b.Masked()
	return a.Addr().Is4() == b.Addr().Is4() && a.Bits() <= b.Bits() && a.Contains(b.Addr())
}

// hasTarget reports whether a route names where it sends traffic; a route
// without one cannot be judged (it may be a peering route).
func hasTarget(r ec2types.Route) bool {
	for _, t := range []*string{r.GatewayId, r.NatGatewayId, r.InstanceId, r.NetworkInterfaceId, r.TransitGatewayId, r.VpcPeeringConnectionId,
		r.LocalGatewayId, r.CarrierGatewayId, r.EgressOnlyInternetGatewayId, r.CoreNetworkArn, r.OdbNetworkArn} {
		if aws.ToString(t) != "" {
			return true
		}
	}
	return false
}

// CheckVPCPeeringRoutes reports, for every route table of the Region,
// whether a route to a VPC peering connection is wider than needed: to
// 0.0.0.0/0 or ::/0, or to a range that covers the whole CIDR block of the
// peer VPC (CIS 5.5 asks for routes to the specific ranges needed). A
// route to a peering connection the Region no longer knows (a blackhole)
// fails too. region names the Region the client calls, for the ARNs.
func CheckVPCPeeringRoutes(ctx context.Context, api VPCPeeringRoutesAPI, region string) ([]secpillar.Finding, error) {
	peerings, err := listPeerings(ctx, api)
	if err != nil {
		return nil, err
	}
	var out []secpillar.Finding
	guard := pagetoken.New("infrastructure: list route tables")
	p := ec2.NewDescribeRouteTablesPaginator(api, &ec2.DescribeRouteTablesInput{}, func(o *ec2.DescribeRouteTablesPaginatorOptions) { o.Limit = 100 })
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("infrastructure: list route tables: %w", err)
		}
		for _, rt := range page.RouteTables {
			f, err := peeringFinding(rt, peerings, region)
			if err != nil {
				return nil, fmt.Errorf("infrastructure: list route tables: %w", err)
			}
			out = append(out, f)
		}
		if err := guard.Check(false, page.NextToken); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func peeringFinding(rt ec2types.RouteTable, peerings map[string]ec2types.VpcPeeringConnection, region string) (secpillar.Finding, error) {
	id := aws.ToString(rt.RouteTableId)
	if id == "" {
		return secpillar.Finding{}, errors.New("a route table has no RouteTableId")
	}
	vpc := aws.ToString(rt.VpcId)
	owner := aws.ToString(rt.OwnerId)
	if owner == "" || vpc == "" {
		return secpillar.Finding{}, fmt.Errorf("route table %s has no OwnerId or VpcId", id)
	}
	f := secpillar.Finding{Control: ControlVPCPeeringRoutesLeastAccess, Severity: secpillar.SeverityMedium,
		Resource: secpillar.Resource{Type: RouteTableResourceType, ID: ec2ARN(region, owner, "route-table", id), Region: region, Account: owner},
		Evidence: map[string]string{"route_table_id": id, "vpc_id": vpc}}
	var wide, peeringRoutes []string
	for _, r := range rt.Routes {
		if !hasTarget(r) {
			return secpillar.Finding{}, fmt.Errorf("route table %s has a route to %s without a target", id, aws.ToString(r.DestinationCidrBlock)+aws.ToString(r.DestinationIpv6CidrBlock)+aws.ToString(r.DestinationPrefixListId))
		}
		pcx := aws.ToString(r.VpcPeeringConnectionId)
		if pcx == "" {
			continue
		}
		dest := aws.ToString(r.DestinationCidrBlock)
		if dest == "" {
			dest = aws.ToString(r.DestinationIpv6CidrBlock)
		}
		if dest == "" {
			if r.DestinationPrefixListId != nil {
				peeringRoutes = append(peeringRoutes, *r.DestinationPrefixListId+" -> "+pcx)
				continue // a managed prefix list is a list of specific ranges
			}
			return secpillar.Finding{}, fmt.Errorf("route table %s has a route to %s without a destination", id, pcx)
		}
		dp, err := netip.ParsePrefix(dest)
		if err != nil {
			return secpillar.Finding{}, fmt.Errorf("route table %s has a malformed destination %q: %w", id, dest, err)
		}
		peeringRoutes = append(peeringRoutes, dest+" -> "+pcx)
		if dp.Bits() == 0 {
			wide = append(wide, dest+" -> "+pcx+" (all addresses)")
			continue
		}
		pc, ok := peerings[pcx]
		if !ok {
			wide = append(wide, dest+" -> "+pcx+" (unknown peering connection: a blackhole route)")
			continue
		}
		cidrs, err := peerCIDRs(pc, vpc)
		if err != nil {
			return secpillar.Finding{}, err
		}
		for _, c := range cidrs {
			cp, err := netip.ParsePrefix(c)
			if err != nil {
				return secpillar.Finding{}, fmt.Errorf("peering connection %s has a malformed CIDR %q: %w", pcx, c, err)
			}
			if covers(dp, cp) {
				wide = append(wide, dest+" -> "+pcx+" (the peer's whole range "+c+")")
				break
			}
		}
	}
	f.Evidence["peering_routes"] = joinOrNone(peeringRoutes)
	if len(wide) == 0 {
		f.Status = secpillar.StatusPass
		f.Reason = fmt.Sprintf("Route table %s has no peering route wider than needed.", id)
		return f, nil
	}
	f.Status = secpillar.StatusFail
	f.Reason = fmt.Sprintf("Route table %s routes %s; route only the specific subnets that must talk to each other.", id, strings.Join(wide, ", "))
	f.Evidence["wide_routes"] = strings.Join(wide, "; ")
	return f, nil
}

// ---- flow logs ------------------------------------------------------------

// VPCFlowLogsAPI is the part of the EC2 API that CheckVPCFlowLogs calls.
// *ec2.Client satisfies it.
type VPCFlowLogsAPI interface {
	DescribeVpcs(ctx context.Context, in *ec2.DescribeVpcsInput, optFns ...func(*ec2.Options)) (*ec2.DescribeVpcsOutput, error)
	DescribeFlowLogs(ctx context.Context, in *ec2.DescribeFlowLogsInput, optFns ...func(*ec2.Options)) (*ec2.DescribeFlowLogsOutput, error)
}

var _ VPCFlowLogsAPI = (*ec2.Client)(nil)

// VPCFlowLogsRemediationAPI is the part of the EC2 API that
// RemediateVPCFlowLogs calls. *ec2.Client satisfies it.
type VPCFlowLogsRemediationAPI interface {
	DescribeFlowLogs(ctx context.Context, in *ec2.DescribeFlowLogsInput, optFns ...func(*ec2.Options)) (*ec2.DescribeFlowLogsOutput, error)
	CreateFlowLogs(ctx context.Context, in *ec2.CreateFlowLogsInput, optFns ...func(*ec2.Options)) (*ec2.CreateFlowLogsOutput, error)
}

var _ VPCFlowLogsRemediationAPI = (*ec2.Client)(nil)

func listFlowLogs(ctx context.Context, api interface {
	DescribeFlowLogs(ctx context.Context, in *ec2.DescribeFlowLogsInput, optFns ...func(*ec2.Options)) (*ec2.DescribeFlowLogsOutput, error)
}, filters []ec2types.Filter) (map[string][]ec2types.FlowLog, error) {
	out := map[string][]ec2types.FlowLog{}
	guard := pagetoken.New("infrastructure: list flow logs")
	p := ec2.NewDescribeFlowLogsPaginator(api, &ec2.DescribeFlowLogsInput{Filter: filters}, func(o *ec2.DescribeFlowLogsPaginatorOptions) { o.Limit = 1000 })
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("infrastructure: list flow logs: %w", err)
		}
		for _, fl := range page.FlowLogs {
			if fl.ResourceId == nil || fl.FlowLogId == nil {
				return nil, errors.New("infrastructure: list flow logs: a flow log has no FlowLogId or ResourceId")
			}
			out[*fl.ResourceId] = append(out[*fl.ResourceId], fl)
		}
		if err := guard.Check(false, page.NextToken); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// flowLogVerdict returns the IDs of the flow logs that capture rejected
// traffic and deliver, and notes on those that do not.
func flowLogVerdict(logs []ec2types.FlowLog) (good, problems []string, err error) {
	for _, fl := range logs {
		id := aws.ToString(fl.FlowLogId)
		if fl.FlowLogStatus == nil {
			return nil, nil, fmt.Errorf("flow log %s has no FlowLogStatus", id)
		}
		switch fl.TrafficType {
		case ec2types.TrafficTypeAll, ec2types.TrafficTypeReject:
		case ec2types.TrafficTypeAccept:
			problems = append(problems, id+" captures accepted traffic only")
			continue
		case "":
			return nil, nil, fmt.Errorf("flow log %s has no TrafficType", id)
		default:
			return nil, nil, fmt.Errorf("flow log %s has an unknown TrafficType %q", id, fl.TrafficType)
		}
		if *fl.FlowLogStatus != "ACTIVE" {
			problems = append(problems, id+" is "+*fl.FlowLogStatus)
			continue
		}
		if aws.ToString(fl.DeliverLogsStatus) == "FAILED" {
			problems = append(problems, id+" fails to deliver: "+aws.ToString(fl.DeliverLogsErrorMessage))
			continue
		}
		good = append(good, id)
	}
	return good, problems, nil
}

// CheckVPCFlowLogs reports, for every VPC of the Region, whether an
// active flow log captures at least rejected traffic (ALL or REJECT) and
// delivers (CIS 3.7, EC2.6). region names the Region the client calls,
// for the ARNs.
func CheckVPCFlowLogs(ctx context.Context, api VPCFlowLogsAPI, region string) ([]secpillar.Finding, error) {
	logs, err := listFlowLogs(ctx, api, nil)
	if err != nil {
		return nil, err
	}
	var out []secpillar.Finding
	guard := pagetoken.New("infrastructure: list VPCs")
	p := ec2.NewDescribeVpcsPaginator(api, &ec2.DescribeVpcsInput{}, func(o *ec2.DescribeVpcsPaginatorOptions) { o.Limit = 1000 })
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("infrastructure: list VPCs: %w", err)
		}
		for _, v := range page.Vpcs {
			id := aws.ToString(v.VpcId)
			if id == "" {
				return nil, errors.New("infrastructure: list VPCs: a VPC has no VpcId")
			}
			good, problems, err := flowLogVerdict(logs[id])
			if err != nil {
				return nil, fmt.Errorf("infrastructure: VPC %s: %w", id, err)
			}
			owner := aws.ToString(v.OwnerId)
			if owner == "" {
				return nil, fmt.Errorf("infrastructure: list VPCs: VPC %s has no OwnerId", id)
			}
			f := secpillar.Finding{Control: ControlVPCFlowLogs, Severity: secpillar.SeverityMedium,
				Resource: secpillar.Resource{Type: VPCResourceType, ID: ec2ARN(region, owner, "vpc", id), Region: region, Account: owner},
				Evidence: map[string]string{"vpc_id": id, "flow_logs": joinOrNone(good)}}
			switch {
			case len(good) > 0:
				f.Status = secpillar.StatusPass
				f.Reason = fmt.Sprintf("VPC %s has an active flow log capturing rejected traffic.", id)
			case len(problems) > 0:
				f.Status = secpillar.StatusFail
				f.Reason = fmt.Sprintf("VPC %s has no working flow log for rejected traffic (%s); fix or add one.", id, strings.Join(problems, "; "))
			default:
				f.Status = secpillar.StatusFail
				f.Reason = fmt.Sprintf("VPC %s has no flow log; create one that captures at least rejected traffic.", id)
			}
			out = append(out, f)
		}
		if err := guard.Check(false, page.NextToken); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// FlowLogDestination says where RemediateVPCFlowLogs sends a new flow
// log.
type FlowLogDestination struct {
	// Type is "cloud-watch-logs", "s3" or "kinesis-data-firehose".
	Type ec2types.LogDestinationType
	// ARN is the log group, bucket (optionally with a prefix) or delivery
	// stream ARN.
	ARN string
	// RoleARN is the role the service assumes to deliver to CloudWatch
	// Logs (required for cloud-watch-logs).
	RoleARN string
	// TrafficType defaults to ALL.
	TrafficType ec2types.TrafficType
}

func (d FlowLogDestination) validate() error {
	switch d.Type {
	case ec2types.LogDestinationTypeCloudWatchLogs:
		if !strings.HasPrefix(d.RoleARN, "arn:") {
			return fmt.Errorf("infrastructure: flow log destination: RoleARN %q is not an ARN (required for cloud-watch-logs)", d.RoleARN)
		}
	case ec2types.LogDestinationTypeS3, ec2types.LogDestinationTypeKinesisDataFirehose:
	default:
		return fmt.Errorf("infrastructure: flow log destination: unknown Type %q", d.Type)
	}
	if !strings.HasPrefix(d.ARN, "arn:") {
		return fmt.Errorf("infrastructure: flow log destination: ARN %q is not an ARN", d.ARN)
	}
	switch d.TrafficType {
	case "", ec2types.TrafficTypeAll, ec2types.TrafficTypeReject:
	default:
		return fmt.Errorf("infrastructure: flow log destination: TrafficType %q does not capture rejected traffic", d.TrafficType)
	}
	return nil
}

// RemediateVPCFlowLogs creates a flow log for one VPC (its ID or ARN) to
// the given
// destination, unless a working one already captures rejected traffic.
// It creates nothing else (no log group, bucket or role).
func RemediateVPCFlowLogs(ctx context.Context, api VPCFlowLogsRemediationAPI, vpcID string, dest FlowLogDestination, optFns ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
	opts := secpillar.NewRemediateOptions(optFns...)
	vpcID, reported, err := ec2IDOrARN(vpcID, "vpc", "vpc-")
	if err != nil {
		return secpillar.Remediation{}, err
	}
	if err := dest.validate(); err != nil {
		return secpillar.Remediation{}, err
	}
	traffic := dest.TrafficType
	if traffic == "" {
		traffic = ec2types.TrafficTypeAll
	}
	filter := []ec2types.Filter{{Name: aws.String("resource-id"), Values: []string{vpcID}}}
	res := secpillar.Resource{Type: VPCResourceType, ID: reported, Region: regionOfARN(reported), Account: accountOfARN(reported)}
	rem := secpillar.Remediation{Control: ControlVPCFlowLogs, Resource: res}
	logs, err := listFlowLogs(ctx, api, filter)
	if err != nil {
		return rem, err
	}
	good, _, err := flowLogVerdict(logs[vpcID])
	if err != nil {
		return rem, fmt.Errorf("infrastructure: VPC %s: %w", vpcID, err)
	}
	if len(good) > 0 {
		rem.Outcome = secpillar.OutcomeCompliant
		return rem, nil
	}
	rem.Changes = []secpillar.Change{{Resource: res, Action: "ec2:CreateFlowLogs", Field: "flow log", Before: "none", After: fmt.Sprintf("%s traffic to %s %s", traffic, dest.Type, dest.ARN)}}
	rem.Notes = []string{"Flow logs are billed by the destination service (CloudWatch Logs, S3 or Firehose)."}
	if opts.DryRun {
		rem.Outcome = secpillar.OutcomePlanned
		return rem, nil
	}
	in := &ec2.CreateFlowLogsInput{ResourceIds: []string{vpcID}, ResourceType: ec2types.FlowLogsResourceTypeVpc, TrafficType: traffic,
		LogDestinationType: dest.Type, LogDestination: aws.String(dest.ARN)}
	if dest.Type == ec2types.LogDestinationTypeCloudWatchLogs {
		in.DeliverLogsPermissionArn = aws.String(dest.RoleARN)
	}
	out, err := api.CreateFlowLogs(ctx, in)
	if err != nil {
		return rem, fmt.Errorf("infrastructure: create flow log for %s: %w", vpcID, err)
	}
	for _, u := range out.Unsuccessful {
		if u.Error != nil {
			return rem, fmt.Errorf("infrastructure: create flow log for %s: %s: %s", vpcID, aws.ToString(u.Error.Code), aws.ToString(u.Error.Message))
		}
		return rem, fmt.Errorf("infrastructure: create flow log for %s failed", vpcID)
	}
	rem.Undo = fmt.Sprintf("Delete flow log %s with ec2:DeleteFlowLogs.", strings.Join(out.FlowLogIds, ", "))
	logs, err = listFlowLogs(secpillar.FreshReads(ctx), api, filter)
	if err != nil {
		return rem, fmt.Errorf("infrastructure: verify: %w", err)
	}
	good, _, err = flowLogVerdict(logs[vpcID])
	if err != nil {
		return rem, fmt.Errorf("infrastructure: verify: %w", err)
	}
	rem.Outcome = secpillar.OutcomeChanged
	if len(good) == 0 {
		rem.Outcome = secpillar.OutcomeVerifyPending
	}
	return rem, nil
}

// ---- subnets --------------------------------------------------------------

// SubnetsAPI is the part of the EC2 API that CheckSubnetAutoAssignPublicIP
// calls. *ec2.Client satisfies it.
type SubnetsAPI interface {
	DescribeSubnets(ctx context.Context, in *ec2.DescribeSubnetsInput, optFns ...func(*ec2.Options)) (*ec2.DescribeSubnetsOutput, error)
}

var _ SubnetsAPI = (*ec2.Client)(nil)

// SubnetRemediationAPI is the part of the EC2 API that
// RemediateSubnetAutoAssignPublicIP calls. *ec2.Client satisfies it.
type SubnetRemediationAPI interface {
	SubnetsAPI
	ModifySubnetAttribute(ctx context.Context, in *ec2.ModifySubnetAttributeInput, optFns ...func(*ec2.Options)) (*ec2.ModifySubnetAttributeOutput, error)
}

var _ SubnetRemediationAPI = (*ec2.Client)(nil)

func subnetResource(s ec2types.Subnet) secpillar.Resource {
	a := aws.ToString(s.SubnetArn)
	return secpillar.Resource{Type: SubnetResourceType, ID: a, Region: regionOfARN(a), Account: aws.ToString(s.OwnerId)}
}

// CheckSubnetAutoAssignPublicIP reports, for every subnet of the Region,
// whether it assigns a public IPv4 address to interfaces launched in it
// (EC2.15). Default subnets of a default VPC do.
func CheckSubnetAutoAssignPublicIP(ctx context.Context, api SubnetsAPI) ([]secpillar.Finding, error) {
	var out []secpillar.Finding
	guard := pagetoken.New("infrastructure: list subnets")
	p := ec2.NewDescribeSubnetsPaginator(api, &ec2.DescribeSubnetsInput{}, func(o *ec2.DescribeSubnetsPaginatorOptions) { o.Limit = 1000 })
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("infrastructure: list subnets: %w", err)
		}
		for _, s := range page.Subnets {
			id := aws.ToString(s.SubnetId)
			if id == "" || s.SubnetArn == nil {
				return nil, fmt.Errorf("infrastructure: list subnets: subnet %q has no SubnetId or SubnetArn", id)
			}
			if s.MapPublicIpOnLaunch == nil {
				return nil, fmt.Errorf("infrastructure: list subnets: subnet %s has no MapPublicIpOnLaunch", id)
			}
			f := secpillar.Finding{Control: ControlSubnetNoAutoPublicIP, Severity: secpillar.SeverityMedium, Resource: subnetResource(s),
				Evidence: map[string]string{"subnet_id": id, "vpc_id": aws.ToString(s.VpcId), "map_public_ip_on_launch": fmt.Sprint(*s.MapPublicIpOnLaunch), "default_for_az": fmt.Sprint(aws.ToBool(s.DefaultForAz))}}
			if *s.MapPublicIpOnLaunch {
				f.Status = secpillar.StatusFail
				f.Reason = fmt.Sprintf("Subnet %s gives every new interface a public IPv4 address; turn MapPublicIpOnLaunch off and assign public addresses explicitly where needed.", id)
			} else {
				f.Status = secpillar.StatusPass
				f.Reason = fmt.Sprintf("Subnet %s does not assign public IPv4 addresses on launch.", id)
			}
			out = append(out, f)
		}
		if err := guard.Check(false, page.NextToken); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// RemediateSubnetAutoAssignPublicIP turns off MapPublicIpOnLaunch on one
// subnet (its ID or ARN). Running instances keep their addresses.
func RemediateSubnetAutoAssignPublicIP(ctx context.Context, api SubnetRemediationAPI, subnetID string, optFns ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
	opts := secpillar.NewRemediateOptions(optFns...)
	subnetID, _, err := ec2IDOrARN(subnetID, "subnet", "subnet-")
	if err != nil {
		return secpillar.Remediation{}, err
	}
	read := func(ctx context.Context) (ec2types.Subnet, error) {
		out, err := api.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{SubnetIds: []string{subnetID}})
		if err != nil {
			return ec2types.Subnet{}, fmt.Errorf("infrastructure: read subnet %s: %w", subnetID, err)
		}
		if len(out.Subnets) != 1 || out.Subnets[0].MapPublicIpOnLaunch == nil {
			return ec2types.Subnet{}, fmt.Errorf("infrastructure: read subnet %s: no MapPublicIpOnLaunch in the answer", subnetID)
		}
		return out.Subnets[0], nil
	}
	s, err := read(ctx)
	if err != nil {
		return secpillar.Remediation{}, err
	}
	res := subnetResource(s)
	rem := secpillar.Remediation{Control: ControlSubnetNoAutoPublicIP, Resource: res}
	if !*s.MapPublicIpOnLaunch {
		rem.Outcome = secpillar.OutcomeCompliant
		return rem, nil
	}
	rem.Changes = []secpillar.Change{{Resource: res, Action: "ec2:ModifySubnetAttribute", Field: "MapPublicIpOnLaunch", Before: "true", After: "false"}}
	rem.Undo = fmt.Sprintf("Turn MapPublicIpOnLaunch on again with ec2:ModifySubnetAttribute on %s.", subnetID)
	rem.Notes = []string{"Instances already running keep their public addresses; launches that relied on an automatic public address need one assigned explicitly."}
	if opts.DryRun {
		rem.Outcome = secpillar.OutcomePlanned
		return rem, nil
	}
	if _, err := api.ModifySubnetAttribute(ctx, &ec2.ModifySubnetAttributeInput{SubnetId: aws.String(subnetID), MapPublicIpOnLaunch: &ec2types.AttributeBooleanValue{Value: aws.Bool(false)}}); err != nil {
		return rem, fmt.Errorf("infrastructure: turn off MapPublicIpOnLaunch on %s: %w", subnetID, err)
	}
	s, err = read(secpillar.FreshReads(ctx))
	if err != nil {
		return rem, fmt.Errorf("infrastructure: verify: %w", err)
	}
	rem.Outcome = secpillar.OutcomeChanged
	if *s.MapPublicIpOnLaunch {
		rem.Outcome = secpillar.OutcomeVerifyPending
	}
	return rem, nil
}

// ---- instances ------------------------------------------------------------

// InstancesAPI is the part of the EC2 API that lists instances.
// *ec2.Client satisfies it.
type InstancesAPI interface {
	DescribeInstances(ctx context.Context, in *ec2.DescribeInstancesInput, optFns ...func(*ec2.Options)) (*ec2.DescribeInstancesOutput, error)
}

var _ InstancesAPI = (*ec2.Client)(nil)

// ec2Instance is one instance with the owner of its reservation.
type ec2Instance struct {
	inst  ec2types.Instance
	owner string
}

// listInstances walks DescribeInstances once and returns every instance
// that is not terminated (terminated instances are no longer resources).
func listInstances(ctx context.Context, api InstancesAPI) ([]ec2Instance, error) {
	var out []ec2Instance
	guard := pagetoken.New("infrastructure: list instances")
	p := ec2.NewDescribeInstancesPaginator(api, &ec2.DescribeInstancesInput{}, func(o *ec2.DescribeInstancesPaginatorOptions) { o.Limit = 1000 })
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("infrastructure: list instances: %w", err)
		}
		for _, r := range page.Reservations {
			if aws.ToString(r.OwnerId) == "" {
				return nil, fmt.Errorf("infrastructure: list instances: reservation %s has no OwnerId", aws.ToString(r.ReservationId))
			}
			for _, inst := range r.Instances {
				id := aws.ToString(inst.InstanceId)
				if id == "" {
					return nil, errors.New("infrastructure: list instances: an instance has no InstanceId")
				}
				if inst.State == nil || inst.State.Name == "" {
					return nil, fmt.Errorf("infrastructure: list instances: instance %s has no State", id)
				}
				if inst.State.Name == ec2types.InstanceStateNameTerminated {
					continue
				}
				out = append(out, ec2Instance{inst: inst, owner: aws.ToString(r.OwnerId)})
			}
		}
		if err := guard.Check(false, page.NextToken); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (i ec2Instance) resource(region string) secpillar.Resource {
	id := aws.ToString(i.inst.InstanceId)
	return secpillar.Resource{Type: InstanceResourceType, ID: ec2ARN(region, i.owner, "instance", id), Region: region, Account: i.owner}
}

// CheckInstancePublicIP reports, for every instance of the Region that is
// not terminated, whether it has a public IPv4 address (EC2.9), on its
// primary or any other interface. region names the Region the client
// calls, for the ARNs.
func CheckInstancePublicIP(ctx context.Context, api InstancesAPI, region string) ([]secpillar.Finding, error) {
	insts, err := listInstances(ctx, api)
	if err != nil {
		return nil, err
	}
	out := make([]secpillar.Finding, 0, len(insts))
	for _, i := range insts {
		id := aws.ToString(i.inst.InstanceId)
		var public []string
		if ip := aws.ToString(i.inst.PublicIpAddress); ip != "" {
			public = append(public, ip)
		}
		for _, eni := range i.inst.NetworkInterfaces {
			if eni.Association != nil {
				if ip := aws.ToString(eni.Association.PublicIp); ip != "" && !contains(public, ip) {
					public = append(public, ip)
				}
			}
		}
		f := secpillar.Finding{Control: ControlInstanceNoPublicIP, Severity: secpillar.SeverityHigh, Resource: i.resource(region),
			Evidence: map[string]string{"instance_id": id, "state": string(i.inst.State.Name), "public_ips": joinOrNone(public)}}
		if len(public) == 0 {
			f.Status = secpillar.StatusPass
			f.Reason = fmt.Sprintf("Instance %s has no public IPv4 address.", id)
		} else {
			f.Status = secpillar.StatusFail
			f.Reason = fmt.Sprintf("Instance %s has public IPv4 address %s; put it behind a load balancer or NAT and remove the address.", id, strings.Join(public, ", "))
		}
		out = append(out, f)
	}
	return out, nil
}
