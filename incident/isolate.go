package incident

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/secpillar/secpillar"
)

// ActionIsolateInstance is the Remediation.Control of IsolateInstance.
const ActionIsolateInstance = "incident.isolate-instance"

// InstanceResourceType is the resource type of instance results.
const InstanceResourceType = "AWS::EC2::Instance"

// DefaultIsolationGroupName is the name of the isolation security group
// IsolateInstance creates (once per VPC) when IsolateOptions says none.
const DefaultIsolationGroupName = "secpillar-isolation"

// Tag keys IsolateInstance writes.
const (
	TagCaseID         = "secpillar:case-id"
	TagInstanceID     = "secpillar:instance-id"
	TagVolumeID       = "secpillar:volume-id"
	TagIsolated       = "secpillar:isolated-at"
	TagOriginalGroups = "secpillar:original-groups"
	tagSnapshotPrefix = "secpillar:snapshot:"
)

// DefaultTCPEstablishedTimeout is the idle timeout, in seconds, of a
// tracked established TCP connection unless an interface says otherwise
// (five days): a security group change does not end such a connection.
const DefaultTCPEstablishedTimeout = 432000

// IsolateInstanceEC2API is the part of the EC2 API that IsolateInstance
// calls. *ec2.Client satisfies it.
type IsolateInstanceEC2API interface {
	DescribeInstances(ctx context.Context, in *ec2.DescribeInstancesInput, optFns ...func(*ec2.Options)) (*ec2.DescribeInstancesOutput, error)
	DescribeNetworkInterfaces(ctx context.Context, in *ec2.DescribeNetworkInterfacesInput, optFns ...func(*ec2.Options)) (*ec2.DescribeNetworkInterfacesOutput, error)
	DescribeInstanceAttribute(ctx context.Context, in *ec2.DescribeInstanceAttributeInput, optFns ...func(*ec2.Options)) (*ec2.DescribeInstanceAttributeOutput, error)
	DescribeSecurityGroups(ctx context.Context, in *ec2.DescribeSecurityGroupsInput, optFns ...func(*ec2.Options)) (*ec2.DescribeSecurityGroupsOutput, error)
	DescribeSecurityGroupRules(ctx context.Context, in *ec2.DescribeSecurityGroupRulesInput, optFns ...func(*ec2.Options)) (*ec2.DescribeSecurityGroupRulesOutput, error)
	CreateSnapshot(ctx context.Context, in *ec2.CreateSnapshotInput, optFns ...func(*ec2.Options)) (*ec2.CreateSnapshotOutput, error)
	CreateTags(ctx context.Context, in *ec2.CreateTagsInput, optFns ...func(*ec2.Options)) (*ec2.CreateTagsOutput, error)
	ModifyInstanceAttribute(ctx context.Context, in *ec2.ModifyInstanceAttributeInput, optFns ...func(*ec2.Options)) (*ec2.ModifyInstanceAttributeOutput, error)
	CreateSecurityGroup(ctx context.Context, in *ec2.CreateSecurityGroupInput, optFns ...func(*ec2.Options)) (*ec2.CreateSecurityGroupOutput, error)
	RevokeSecurityGroupIngress(ctx context.Context, in *ec2.RevokeSecurityGroupIngressInput, optFns ...func(*ec2.Options)) (*ec2.RevokeSecurityGroupIngressOutput, error)
	RevokeSecurityGroupEgress(ctx context.Context, in *ec2.RevokeSecurityGroupEgressInput, optFns ...func(*ec2.Options)) (*ec2.RevokeSecurityGroupEgressOutput, error)
	ModifyNetworkInterfaceAttribute(ctx context.Context, in *ec2.ModifyNetworkInterfaceAttributeInput, optFns ...func(*ec2.Options)) (*ec2.ModifyNetworkInterfaceAttributeOutput, error)
}

var _ IsolateInstanceEC2API = (*ec2.Client)(nil)

// IsolateInstanceAutoScalingAPI is the part of the Auto Scaling API that
// IsolateInstance calls. *autoscaling.Client satisfies it.
type IsolateInstanceAutoScalingAPI interface {
	DescribeAutoScalingInstances(ctx context.Context, in *autoscaling.DescribeAutoScalingInstancesInput, optFns ...func(*autoscaling.Options)) (*autoscaling.DescribeAutoScalingInstancesOutput, error)
	DetachInstances(ctx context.Context, in *autoscaling.DetachInstancesInput, optFns ...func(*autoscaling.Options)) (*autoscaling.DetachInstancesOutput, error)
}

var _ IsolateInstanceAutoScalingAPI = (*autoscaling.Client)(nil)

// IsolateInstanceELBAPI is the part of the Elastic Load Balancing v2 API
// that IsolateInstance calls. *elasticloadbalancingv2.Client satisfies it.
type IsolateInstanceELBAPI interface {
	DescribeTargetGroups(ctx context.Context, in *elbv2.DescribeTargetGroupsInput, optFns ...func(*elbv2.Options)) (*elbv2.DescribeTargetGroupsOutput, error)
	DescribeTargetHealth(ctx context.Context, in *elbv2.DescribeTargetHealthInput, optFns ...func(*elbv2.Options)) (*elbv2.DescribeTargetHealthOutput, error)
	DeregisterTargets(ctx context.Context, in *elbv2.DeregisterTargetsInput, optFns ...func(*elbv2.Options)) (*elbv2.DeregisterTargetsOutput, error)
}

var _ IsolateInstanceELBAPI = (*elbv2.Client)(nil)

// IsolationClients are the clients IsolateInstance needs, all for the
// instance's Region.
type IsolationClients struct {
	EC2         IsolateInstanceEC2API
	AutoScaling IsolateInstanceAutoScalingAPI
	ELB         IsolateInstanceELBAPI
}

// IsolateOptions tunes IsolateInstance. The zero value applies every step,
// with the group DefaultIsolationGroupName and AWS's connection tracking
// timeouts.
type IsolateOptions struct {
	// DryRun makes no write and returns every planned change.
	DryRun bool
	// IsolationGroupName names the isolation security group (one per
	// VPC); "" means DefaultIsolationGroupName.
	IsolationGroupName string
	// ShortConnectionTracking also sets every interface's connection
	// tracking timeouts to their minimum (TCP established 60 s, UDP stream
	// 60 s, UDP 30 s), so that idle tracked connections end within a
	// minute instead of up to five days.
	ShortConnectionTracking bool
	// Now is the clock of the isolation tag; nil means time.Now.
	Now func() time.Time
}

// IsolateDryRun is an option for IsolateInstance that turns on DryRun.
func IsolateDryRun(o *IsolateOptions) { o.DryRun = true }

// TargetRegistration is one target group registration of the instance.
type TargetRegistration struct {
	TargetGroupARN string `json:"target_group_arn"`
	TargetID       string `json:"target_id"`
	Port           int32  `json:"port,omitempty"`
}

// Isolation is the result of IsolateInstance: the remediation record
// (changes, undo, caveats) and what was captured and replaced, so that the
// isolation can be reversed.
type Isolation struct {
	secpillar.Remediation
	CaseID string `json:"case_id"`
	// Metadata is the instance as it was found (state, type, image, VPC,
	// subnet, addresses, profile, key pair, launch time, tags).
	Metadata map[string]string `json:"metadata"`
	// Snapshots maps each attached volume to its evidence snapshot.
	Snapshots map[string]string `json:"snapshots"`
	// IsolationGroup is the isolation security group's ID ("" in a dry
	// run that would create it).
	IsolationGroup string `json:"isolation_group,omitempty"`
	// ReplacedGroups maps each network interface to the security groups
	// it had before isolation.
	ReplacedGroups map[string][]string `json:"replaced_groups"`
	// AutoScalingGroup is the group the instance was detached from.
	AutoScalingGroup string `json:"auto_scaling_group,omitempty"`
	// Deregistered lists the target group registrations removed.
	Deregistered []TargetRegistration `json:"deregistered,omitempty"`
}

var (
	instanceIDPattern = regexp.MustCompile(`^i-[0-9a-f]{8}([0-9a-f]{9})?$`)
	caseIDPattern     = regexp.MustCompile(`^[\w.:/=+@-]{1,200}$`)
)

// IsolateInstance contains a suspect EC2 instance, evidence first, in this
// order: capture its metadata; snapshot every attached EBS volume, each
// snapshot tagged with the case and instance; turn on termination and stop
// protection; detach it from its Auto Scaling group (decrementing the
// desired capacity, so that no replacement is launched and the group does
// not terminate it) and deregister it from every target group; put an
// isolation security group with no rules (created if absent, its default
// egress rule revoked) on every network interface, recording the groups it
// replaces in a tag on the interface; tag the instance with the case.
//
// It is idempotent: a second run with the same case makes no write and
// reports what the first replaced (from the interface tags). The result
// lists the snapshots, the replaced groups per interface and the removed
// registrations, and Undo says how to restore them; the snapshots are
// evidence and are never deleted.
//
// Security group changes do not end connections already tracked: an
// established TCP connection can outlive the change for up to its idle
// timeout (432000 s, five days, by default). The result says so; use
// ShortConnectionTracking, a network ACL on the subnet, or stop the
// instance once memory is captured, to cut them.
func IsolateInstance(ctx context.Context, c IsolationClients, instanceID, caseID string, optFns ...func(*IsolateOptions)) (Isolation, error) {
	var opts IsolateOptions
	for _, fn := range optFns {
		fn(&opts)
	}
	res := secpillar.Resource{Type: InstanceResourceType, ID: instanceID}
	out := Isolation{
		Remediation: secpillar.Remediation{Control: ActionIsolateInstance, Resource: res},
		CaseID:      caseID, Snapshots: map[string]string{}, ReplacedGroups: map[string][]string{},
	}
	if !instanceIDPattern.MatchString(instanceID) {
		return out, fmt.Errorf("incident: isolate: %q is not an instance ID", instanceID)
	}
	if !caseIDPattern.MatchString(caseID) {
		return out, fmt.Errorf("incident: isolate: case ID %q must be 1-200 letters, digits or _.:/=+@-", caseID)
	}
	if c.EC2 == nil || c.AutoScaling == nil || c.ELB == nil {
		return out, errors.New("incident: isolate: IsolationClients needs EC2, AutoScaling and ELB clients")
	}
	groupName := opts.IsolationGroupName
	if groupName == "" {
		groupName = DefaultIsolationGroupName
	}
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	change := func(action, field, before, after string) {
		out.Changes = append(out.Changes, secpillar.Change{Resource: res, Action: action, Field: field, Before: before, After: after})
	}
	dry := opts.DryRun

	// 1. Capture metadata.
	inst, err := describeInstance(ctx, c.EC2, instanceID)
	if err != nil {
		return out, err
	}
	if inst.State != nil && (inst.State.Name == ec2types.InstanceStateNameTerminated || inst.State.Name == ec2types.InstanceStateNameShuttingDown) {
		return out, fmt.Errorf("incident: isolate %s: the instance is %s", instanceID, inst.State.Name)
	}
	out.Metadata = instanceMetadata(inst)
	vpc := aws.ToString(inst.VpcId)
	if vpc == "" {
		return out, fmt.Errorf("incident: isolate %s: DescribeInstances returned no VpcId (EC2-Classic instances cannot be isolated with security groups)", instanceID)
	}
	tags := map[string]string{}
	for _, t := range inst.Tags {
		tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	sameCase := tags[TagCaseID] == caseID

	// 2. Snapshot every attached EBS volume.
	var instanceTags []ec2types.Tag
	for _, m := range inst.BlockDeviceMappings {
		if m.Ebs == nil {
			continue
		}
		vol := aws.ToString(m.Ebs.VolumeId)
		if vol == "" {
			return out, fmt.Errorf("incident: isolate %s: block device %s has no VolumeId", instanceID, aws.ToString(m.DeviceName))
		}
		if snap := tags[tagSnapshotPrefix+vol]; sameCase && snap != "" {
			out.Snapshots[vol] = snap
			continue
		}
		change("ec2:CreateSnapshot", "volume "+vol+" ("+aws.ToString(m.DeviceName)+")", "no evidence snapshot for case "+caseID, "snapshot tagged "+TagCaseID+"="+caseID)
		if dry {
			out.Snapshots[vol] = "(planned)"
			continue
		}
		s, err := c.EC2.CreateSnapshot(ctx, &ec2.CreateSnapshotInput{
			VolumeId:    aws.String(vol),
			Description: aws.String(fmt.Sprintf("secpillar evidence, case %s: %s of instance %s", caseID, aws.ToString(m.DeviceName), instanceID)),
			TagSpecifications: []ec2types.TagSpecification{{ResourceType: ec2types.ResourceTypeSnapshot, Tags: []ec2types.Tag{
				{Key: aws.String(TagCaseID), Value: aws.String(caseID)},
				{Key: aws.String(TagInstanceID), Value: aws.String(instanceID)},
				{Key: aws.String(TagVolumeID), Value: aws.String(vol)},
			}}},
		})
		if err != nil {
			return out, fmt.Errorf("incident: isolate %s: snapshot volume %s: %w", instanceID, vol, err)
		}
		if aws.ToString(s.SnapshotId) == "" {
			return out, fmt.Errorf("incident: isolate %s: CreateSnapshot of %s returned no SnapshotId", instanceID, vol)
		}
		out.Snapshots[vol] = aws.ToString(s.SnapshotId)
		instanceTags = append(instanceTags, ec2types.Tag{Key: aws.String(tagSnapshotPrefix + vol), Value: s.SnapshotId})
	}
	if len(instanceTags) > 0 {
		// Record the evidence on the instance now, so that a re-run after a
		// later failure does not snapshot again.
		instanceTags = append(instanceTags, ec2types.Tag{Key: aws.String(TagCaseID), Value: aws.String(caseID)})
		if _, err := c.EC2.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{instanceID}, Tags: instanceTags}); err != nil {
			return out, fmt.Errorf("incident: isolate %s: record evidence snapshots: %w", instanceID, err)
		}
	}

	// 3. Termination and stop protection.
	for _, attr := range []ec2types.InstanceAttributeName{ec2types.InstanceAttributeNameDisableApiTermination, ec2types.InstanceAttributeNameDisableApiStop} {
		on, err := instanceProtection(ctx, c.EC2, instanceID, attr)
		if err != nil {
			return out, err
		}
		if on {
			continue
		}
		change("ec2:ModifyInstanceAttribute", string(attr), "false", "true")
		if dry {
			continue
		}
		in := &ec2.ModifyInstanceAttributeInput{InstanceId: aws.String(instanceID)}
		if attr == ec2types.InstanceAttributeNameDisableApiTermination {
			in.DisableApiTermination = &ec2types.AttributeBooleanValue{Value: aws.Bool(true)}
		} else {
			in.DisableApiStop = &ec2types.AttributeBooleanValue{Value: aws.Bool(true)}
		}
		if _, err := c.EC2.ModifyInstanceAttribute(ctx, in); err != nil {
			return out, fmt.Errorf("incident: isolate %s: turn on %s: %w", instanceID, attr, err)
		}
	}

	// 4a. Auto Scaling.
	asg, err := c.AutoScaling.DescribeAutoScalingInstances(ctx, &autoscaling.DescribeAutoScalingInstancesInput{InstanceIds: []string{instanceID}})
	if err != nil {
		return out, fmt.Errorf("incident: isolate %s: read Auto Scaling membership: %w", instanceID, err)
	}
	for _, m := range asg.AutoScalingInstances {
		if aws.ToString(m.InstanceId) != instanceID {
			continue
		}
		name := aws.ToString(m.AutoScalingGroupName)
		if name == "" {
			return out, fmt.Errorf("incident: isolate %s: DescribeAutoScalingInstances returned no AutoScalingGroupName", instanceID)
		}
		state := aws.ToString(m.LifecycleState)
		if strings.HasPrefix(state, "Detach") {
			continue // already leaving the group
		}
		out.AutoScalingGroup = name
		change("autoscaling:DetachInstances", "Auto Scaling group", name+" ("+state+")", "detached, desired capacity decremented")
		if dry {
			continue
		}
		if _, err := c.AutoScaling.DetachInstances(ctx, &autoscaling.DetachInstancesInput{
			AutoScalingGroupName: aws.String(name), InstanceIds: []string{instanceID}, ShouldDecrementDesiredCapacity: aws.Bool(true),
		}); err != nil {
			return out, fmt.Errorf("incident: isolate %s: detach from Auto Scaling group %s (if the group is at its minimum size, lower MinSize with autoscaling:UpdateAutoScalingGroup and run again; the evidence already taken is kept): %w", instanceID, name, err)
		}
	}

	// 4b. Target groups (those of the Auto Scaling group were left by the
	// detach; others are found here).
	regs, err := registrations(ctx, c.ELB, inst)
	if err != nil {
		return out, err
	}
	for _, r := range regs {
		change("elasticloadbalancing:DeregisterTargets", "target group "+r.TargetGroupARN, "registered "+r.TargetID+":"+strconv.Itoa(int(r.Port)), "deregistered")
		out.Deregistered = append(out.Deregistered, r)
		if dry {
			continue
		}
		t := elbtypes.TargetDescription{Id: aws.String(r.TargetID)}
		if r.Port != 0 {
			t.Port = aws.Int32(r.Port)
		}
		if _, err := c.ELB.DeregisterTargets(ctx, &elbv2.DeregisterTargetsInput{TargetGroupArn: aws.String(r.TargetGroupARN), Targets: []elbtypes.TargetDescription{t}}); err != nil {
			return out, fmt.Errorf("incident: isolate %s: deregister from %s: %w", instanceID, r.TargetGroupARN, err)
		}
	}

	// 5. The isolation group.
	sg, err := isolationGroup(ctx, c.EC2, vpc, groupName, caseID, dry, change)
	if err != nil {
		return out, fmt.Errorf("incident: isolate %s: %w", instanceID, err)
	}
	out.IsolationGroup = sg

	// 6. Every interface.
	enis, err := instanceInterfaces(ctx, c.EC2, instanceID)
	if err != nil {
		return out, err
	}
	for _, n := range enis {
		id := aws.ToString(n.NetworkInterfaceId)
		var cur []string
		for _, g := range n.Groups {
			cur = append(cur, aws.ToString(g.GroupId))
		}
		recorded := ""
		for _, t := range n.TagSet {
			if aws.ToString(t.Key) == TagOriginalGroups {
				recorded = aws.ToString(t.Value)
			}
		}
		isolated := sg != "" && slices.Equal(cur, []string{sg})
		switch {
		case isolated && recorded != "":
			out.ReplacedGroups[id] = strings.Split(recorded, ",")
		case isolated:
			out.ReplacedGroups[id] = nil
		default:
			out.ReplacedGroups[id] = cur
			change("ec2:CreateTags", "interface "+id+" tag "+TagOriginalGroups, "", strings.Join(cur, ","))
			change("ec2:ModifyNetworkInterfaceAttribute", "interface "+id+" groups", strings.Join(cur, ","), nonEmpty(sg, "(isolation group)"))
			if !dry {
				if _, err := c.EC2.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{id}, Tags: []ec2types.Tag{{Key: aws.String(TagOriginalGroups), Value: aws.String(strings.Join(cur, ","))}}}); err != nil {
					return out, fmt.Errorf("incident: isolate %s: record groups of %s: %w", instanceID, id, err)
				}
				if _, err := c.EC2.ModifyNetworkInterfaceAttribute(ctx, &ec2.ModifyNetworkInterfaceAttributeInput{NetworkInterfaceId: aws.String(id), Groups: []string{sg}}); err != nil {
					return out, fmt.Errorf("incident: isolate %s: replace groups of %s: %w", instanceID, id, err)
				}
			}
		}
		if opts.ShortConnectionTracking && !shortTracking(n.ConnectionTrackingConfiguration) {
			change("ec2:ModifyNetworkInterfaceAttribute", "interface "+id+" connection tracking", trackingString(n.ConnectionTrackingConfiguration), "TCP established 60 s, UDP stream 60 s, UDP 30 s")
			if !dry {
				if _, err := c.EC2.ModifyNetworkInterfaceAttribute(ctx, &ec2.ModifyNetworkInterfaceAttributeInput{NetworkInterfaceId: aws.String(id),
					ConnectionTrackingSpecification: &ec2types.ConnectionTrackingSpecificationRequest{TcpEstablishedTimeout: aws.Int32(60), UdpStreamTimeout: aws.Int32(60), UdpTimeout: aws.Int32(30)}}); err != nil {
					return out, fmt.Errorf("incident: isolate %s: shorten connection tracking of %s: %w", instanceID, id, err)
				}
			}
		}
	}

	// 7. Tag the instance.
	if tags[TagIsolated] == "" || !sameCase {
		at := now().UTC().Truncate(time.Second).Format(time.RFC3339)
		change("ec2:CreateTags", "instance tags", "", TagCaseID+"="+caseID+", "+TagIsolated+"="+at)
		if !dry {
			if _, err := c.EC2.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{instanceID}, Tags: []ec2types.Tag{
				{Key: aws.String(TagCaseID), Value: aws.String(caseID)}, {Key: aws.String(TagIsolated), Value: aws.String(at)},
			}}); err != nil {
				return out, fmt.Errorf("incident: isolate %s: tag: %w", instanceID, err)
			}
		}
	}

	out.Undo = isolationUndo(out)
	out.Notes = isolationNotes(opts, enis, out)
	switch {
	case len(out.Changes) == 0:
		out.Outcome = secpillar.OutcomeCompliant
		return out, nil
	case dry:
		out.Outcome = secpillar.OutcomePlanned
		return out, nil
	}

	// 8. Verify.
	fresh := secpillar.FreshReads(ctx)
	out.Outcome = secpillar.OutcomeChanged
	after, err := instanceInterfaces(fresh, c.EC2, instanceID)
	if err != nil {
		return out, fmt.Errorf("incident: verify: %w", err)
	}
	for _, n := range after {
		if len(n.Groups) != 1 || aws.ToString(n.Groups[0].GroupId) != sg {
			out.Outcome = secpillar.OutcomeVerifyPending
		}
	}
	for _, attr := range []ec2types.InstanceAttributeName{ec2types.InstanceAttributeNameDisableApiTermination, ec2types.InstanceAttributeNameDisableApiStop} {
		on, err := instanceProtection(fresh, c.EC2, instanceID, attr)
		if err != nil {
			return out, fmt.Errorf("incident: verify: %w", err)
		}
		if !on {
			out.Outcome = secpillar.OutcomeVerifyPending
		}
	}
	return out, nil
}

func nonEmpty(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}

func describeInstance(ctx context.Context, api IsolateInstanceEC2API, id string) (ec2types.Instance, error) {
	out, err := api.DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{id}})
	if err != nil {
		return ec2types.Instance{}, fmt.Errorf("incident: read instance %s: %w", id, err)
	}
	for _, r := range out.Reservations {
		for _, x := range r.Instances {
			if aws.ToString(x.InstanceId) == id {
				return x, nil
			}
		}
	}
	return ec2types.Instance{}, fmt.Errorf("incident: read instance %s: DescribeInstances did not return it", id)
}

func instanceMetadata(x ec2types.Instance) map[string]string {
	m := map[string]string{
		"instance_id": aws.ToString(x.InstanceId), "instance_type": string(x.InstanceType), "image_id": aws.ToString(x.ImageId),
		"vpc_id": aws.ToString(x.VpcId), "subnet_id": aws.ToString(x.SubnetId), "private_ip": aws.ToString(x.PrivateIpAddress),
		"public_ip": aws.ToString(x.PublicIpAddress), "key_name": aws.ToString(x.KeyName),
	}
	if x.State != nil {
		m["state"] = string(x.State.Name)
	}
	if x.LaunchTime != nil {
		m["launch_time"] = x.LaunchTime.UTC().Format(time.RFC3339)
	}
	if x.IamInstanceProfile != nil {
		m["instance_profile"] = aws.ToString(x.IamInstanceProfile.Arn)
	}
	if x.Placement != nil {
		m["availability_zone"] = aws.ToString(x.Placement.AvailabilityZone)
	}
	var tags []string
	for _, t := range x.Tags {
		tags = append(tags, aws.ToString(t.Key)+"="+aws.ToString(t.Value))
	}
	sort.Strings(tags)
	m["tags"] = strings.Join(tags, ",")
	for k, v := range m {
		if v == "" {
			delete(m, k)
		}
	}
	return m
}

func instanceProtection(ctx context.Context, api IsolateInstanceEC2API, id string, attr ec2types.InstanceAttributeName) (bool, error) {
	out, err := api.DescribeInstanceAttribute(ctx, &ec2.DescribeInstanceAttributeInput{InstanceId: aws.String(id), Attribute: attr})
	if err != nil {
		return false, fmt.Errorf("incident: read %s of %s: %w", attr, id, err)
	}
	v := out.DisableApiTermination
	if attr == ec2types.InstanceAttributeNameDisableApiStop {
		v = out.DisableApiStop
	}
	if v == nil || v.Value == nil {
		return false, fmt.Errorf("incident: read %s of %s: DescribeInstanceAttribute returned no value", attr, id)
	}
	return *v.Value, nil
}

func instanceInterfaces(ctx context.Context, api IsolateInstanceEC2API, id string) ([]ec2types.NetworkInterface, error) {
	var out []ec2types.NetworkInterface
	p := ec2.NewDescribeNetworkInterfacesPaginator(api, &ec2.DescribeNetworkInterfacesInput{
		Filters: []ec2types.Filter{{Name: aws.String("attachment.instance-id"), Values: []string{id}}},
	})
	for p.HasMorePages() {
		pg, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("incident: list network interfaces of %s: %w", id, err)
		}
		for _, n := range pg.NetworkInterfaces {
			if aws.ToString(n.NetworkInterfaceId) == "" {
				return nil, fmt.Errorf("incident: list network interfaces of %s: an interface without ID", id)
			}
			out = append(out, n)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("incident: instance %s has no network interface to isolate", id)
	}
	sort.Slice(out, func(i, j int) bool {
		return aws.ToString(out[i].NetworkInterfaceId) < aws.ToString(out[j].NetworkInterfaceId)
	})
	return out, nil
}

// registrations finds every target group registration of the instance:
// by instance ID in instance target groups, by private IP in ip ones.
func registrations(ctx context.Context, api IsolateInstanceELBAPI, x ec2types.Instance) ([]TargetRegistration, error) {
	id := aws.ToString(x.InstanceId)
	ips := map[string]bool{}
	for _, n := range x.NetworkInterfaces {
		for _, a := range n.PrivateIpAddresses {
			ips[aws.ToString(a.PrivateIpAddress)] = true
		}
	}
	if ip := aws.ToString(x.PrivateIpAddress); ip != "" {
		ips[ip] = true
	}
	var out []TargetRegistration
	p := elbv2.NewDescribeTargetGroupsPaginator(api, &elbv2.DescribeTargetGroupsInput{})
	for p.HasMorePages() {
		pg, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("incident: list target groups: %w", err)
		}
		for _, tg := range pg.TargetGroups {
			arn := aws.ToString(tg.TargetGroupArn)
			if tg.TargetType != elbtypes.TargetTypeEnumInstance && tg.TargetType != elbtypes.TargetTypeEnumIp && tg.TargetType != "" {
				continue // lambda and alb targets are not instances
			}
			if tg.VpcId != nil && x.VpcId != nil && *tg.VpcId != *x.VpcId {
				continue
			}
			h, err := api.DescribeTargetHealth(ctx, &elbv2.DescribeTargetHealthInput{TargetGroupArn: aws.String(arn)})
			if err != nil {
				return nil, fmt.Errorf("incident: list targets of %s: %w", arn, err)
			}
			for _, d := range h.TargetHealthDescriptions {
				if d.Target == nil {
					return nil, fmt.Errorf("incident: list targets of %s: a target description without Target", arn)
				}
				tid := aws.ToString(d.Target.Id)
				if tid == id || ips[tid] {
					out = append(out, TargetRegistration{TargetGroupARN: arn, TargetID: tid, Port: aws.ToInt32(d.Target.Port)})
				}
			}
		}
	}
	return out, nil
}

// isolationGroup finds or creates the isolation group of a VPC and makes
// sure it has no rule. In a dry run a missing group is planned and ""
// returned.
func isolationGroup(ctx context.Context, api IsolateInstanceEC2API, vpc, name, caseID string, dry bool, change func(action, field, before, after string)) (string, error) {
	out, err := api.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{Filters: []ec2types.Filter{
		{Name: aws.String("vpc-id"), Values: []string{vpc}}, {Name: aws.String("group-name"), Values: []string{name}},
	}})
	if err != nil {
		return "", fmt.Errorf("find isolation group %s in %s: %w", name, vpc, err)
	}
	var id string
	for _, g := range out.SecurityGroups {
		if aws.ToString(g.GroupName) == name && aws.ToString(g.VpcId) == vpc {
			id = aws.ToString(g.GroupId)
		}
	}
	if id == "" {
		change("ec2:CreateSecurityGroup", "isolation group "+name+" in "+vpc, "absent", "created with no rules")
		change("ec2:RevokeSecurityGroupEgress", "isolation group "+name+" default egress rule", "all traffic to 0.0.0.0/0", "none")
		if dry {
			return "", nil
		}
		created, err := api.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{
			GroupName: aws.String(name), VpcId: aws.String(vpc),
			Description: aws.String("secpillar isolation: no inbound or outbound rules"),
			TagSpecifications: []ec2types.TagSpecification{{ResourceType: ec2types.ResourceTypeSecurityGroup, Tags: []ec2types.Tag{
				{Key: aws.String(TagCaseID), Value: aws.String(caseID)},
			}}},
		})
		if err != nil {
			return "", fmt.Errorf("create isolation group %s in %s: %w", name, vpc, err)
		}
		if id = aws.ToString(created.GroupId); id == "" {
			return "", fmt.Errorf("create isolation group %s: CreateSecurityGroup returned no GroupId", name)
		}
	}
	rules, err := groupRules(ctx, api, id)
	if err != nil {
		return "", err
	}
	var in, eg []string
	for _, r := range rules {
		if aws.ToBool(r.IsEgress) {
			eg = append(eg, aws.ToString(r.SecurityGroupRuleId))
		} else {
			in = append(in, aws.ToString(r.SecurityGroupRuleId))
		}
	}
	if len(in) > 0 {
		change("ec2:RevokeSecurityGroupIngress", "isolation group "+id+" inbound rules", strings.Join(in, ","), "none")
		if !dry {
			if _, err := api.RevokeSecurityGroupIngress(ctx, &ec2.RevokeSecurityGroupIngressInput{GroupId: aws.String(id), SecurityGroupRuleIds: in}); err != nil {
				return "", fmt.Errorf("empty isolation group %s: %w", id, err)
			}
		}
	}
	if len(eg) > 0 {
		if len(out.SecurityGroups) > 0 {
			change("ec2:RevokeSecurityGroupEgress", "isolation group "+id+" outbound rules", strings.Join(eg, ","), "none")
		}
		if !dry {
			if _, err := api.RevokeSecurityGroupEgress(ctx, &ec2.RevokeSecurityGroupEgressInput{GroupId: aws.String(id), SecurityGroupRuleIds: eg}); err != nil {
				return "", fmt.Errorf("empty isolation group %s: %w", id, err)
			}
		}
	}
	return id, nil
}

func groupRules(ctx context.Context, api IsolateInstanceEC2API, id string) ([]ec2types.SecurityGroupRule, error) {
	var out []ec2types.SecurityGroupRule
	p := ec2.NewDescribeSecurityGroupRulesPaginator(api, &ec2.DescribeSecurityGroupRulesInput{
		Filters: []ec2types.Filter{{Name: aws.String("group-id"), Values: []string{id}}},
	})
	for p.HasMorePages() {
		pg, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("read rules of isolation group %s: %w", id, err)
		}
		for _, r := range pg.SecurityGroupRules {
			if aws.ToString(r.SecurityGroupRuleId) == "" {
				return nil, fmt.Errorf("read rules of isolation group %s: a rule without ID", id)
			}
			out = append(out, r)
		}
	}
	return out, nil
}

func shortTracking(c *ec2types.ConnectionTrackingConfiguration) bool {
	return c != nil && aws.ToInt32(c.TcpEstablishedTimeout) == 60 && aws.ToInt32(c.UdpStreamTimeout) == 60 && aws.ToInt32(c.UdpTimeout) == 30
}

func trackingString(c *ec2types.ConnectionTrackingConfiguration) string {
	tcp := int32(DefaultTCPEstablishedTimeout)
	if c != nil && c.TcpEstablishedTimeout != nil {
		tcp = *c.TcpEstablishedTimeout
	}
	return fmt.Sprintf("TCP established %d s", tcp)
}

func isolationUndo(o Isolation) string {
	var parts []string
	enis := make([]string, 0, len(o.ReplacedGroups))
	for id := range o.ReplacedGroups {
		enis = append(enis, id)
	}
	sort.Strings(enis)
	for _, id := range enis {
		if g := o.ReplacedGroups[id]; len(g) > 0 {
			parts = append(parts, fmt.Sprintf("put back the groups of %s (%s) with ec2:ModifyNetworkInterfaceAttribute", id, strings.Join(g, ",")))
		}
	}
	if o.AutoScalingGroup != "" {
		parts = append(parts, "attach the instance to Auto Scaling group "+o.AutoScalingGroup+" (autoscaling:AttachInstances)")
	}
	for _, r := range o.Deregistered {
		parts = append(parts, fmt.Sprintf("register %s port %d with %s (elasticloadbalancing:RegisterTargets)", r.TargetID, r.Port, r.TargetGroupARN))
	}
	parts = append(parts, "turn off termination and stop protection if wanted (ec2:ModifyInstanceAttribute); keep the evidence snapshots")
	return "To undo: " + strings.Join(parts, "; ") + "."
}

func isolationNotes(opts IsolateOptions, enis []ec2types.NetworkInterface, o Isolation) []string {
	tcp := DefaultTCPEstablishedTimeout
	for _, n := range enis {
		if c := n.ConnectionTrackingConfiguration; c != nil && c.TcpEstablishedTimeout != nil {
			tcp = max(tcp, int(*c.TcpEstablishedTimeout))
		}
	}
	notes := []string{
		fmt.Sprintf("Security group changes do not end connections already tracked: an established TCP connection can stay open while it is used, and idle for up to %d s (default idle timeout 432000 s, five days). Connections that were untracked (allowed in both directions by 0.0.0.0/0 rules) end at once.", tcp),
	}
	if opts.ShortConnectionTracking {
		notes = append(notes, "Connection tracking timeouts are set to their minimum on every interface, so idle tracked connections end within a minute; an active session keeps going until the instance is stopped or a network ACL on its subnet denies it.")
	} else {
		notes = append(notes, "To cut tracked connections, set IsolateOptions.ShortConnectionTracking, add a network ACL deny on the subnet (it affects every instance there), or stop the instance once memory is captured.")
	}
	if len(o.Snapshots) > 0 {
		notes = append(notes, "Evidence snapshots start pending: wait until they are completed before changing the volumes.")
	}
	if o.AutoScalingGroup != "" {
		notes = append(notes, "The Auto Scaling group's desired capacity was decremented so it does not replace or terminate the instance; raise it again if capacity is needed.")
	}
	if len(o.Deregistered) > 0 {
		notes = append(notes, "Deregistered targets drain for the target group's deregistration delay (300 s by default).")
	}
	return notes
}
