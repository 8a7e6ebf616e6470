package fakeaws

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

func volumeNotFound(id string) error {
	return apiError("InvalidVolume.NotFound", fmt.Sprintf("The volume '%s' does not exist.", id))
}

// attachedVolume reports whether a volume exists in the Region: as a
// Volume, or as an EBS mapping of an instance.
func (r *EC2Region) attachedVolume(id string) (size int32, az string, encrypted bool, ok bool) {
	for _, v := range r.Volumes {
		if aws.ToString(v.VolumeId) == id {
			return aws.ToInt32(v.Size), aws.ToString(v.AvailabilityZone), aws.ToBool(v.Encrypted), true
		}
	}
	for _, x := range r.Instances {
		for _, m := range x.BlockDeviceMappings {
			if m.Ebs != nil && aws.ToString(m.Ebs.VolumeId) == id {
				if x.Placement != nil {
					az = aws.ToString(x.Placement.AvailabilityZone)
				}
				return 8, az, false, true
			}
		}
	}
	return 0, "", false, false
}

func tagsFor(specs []ec2types.TagSpecification, rt ec2types.ResourceType) []ec2types.Tag {
	var tags []ec2types.Tag
	for _, ts := range specs {
		if ts.ResourceType == rt || ts.ResourceType == "" {
			tags = append(tags, ts.Tags...)
		}
	}
	return tags
}

func (f *EC2) snapshotLocked(r *EC2Region, volumeID, desc string, tags []ec2types.Tag) (ec2types.Snapshot, error) {
	size, _, enc, ok := r.attachedVolume(volumeID)
	if !ok {
		return ec2types.Snapshot{}, volumeNotFound(volumeID)
	}
	now := f.acct.now()
	s := ec2types.Snapshot{
		SnapshotId: aws.String(r.newID("snap")), VolumeId: aws.String(volumeID), Description: aws.String(desc),
		State: ec2types.SnapshotStatePending, Progress: aws.String("0%"), StartTime: &now, OwnerId: aws.String(f.acct.ID),
		VolumeSize: aws.Int32(size), Encrypted: aws.Bool(enc), Tags: slices.Clone(tags),
	}
	r.Snapshots = append(r.Snapshots, s)
	return s, nil
}

// CreateSnapshot starts a snapshot of a volume; it is "pending" as in AWS.
func (f *EC2) CreateSnapshot(ctx context.Context, in *ec2.CreateSnapshotInput, optFns ...func(*ec2.Options)) (*ec2.CreateSnapshotOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	r := f.regionOf(ctx, optFns)
	if aws.ToString(in.VolumeId) == "" {
		return nil, apiError("MissingParameter", "The request must contain the parameter volumeId")
	}
	s, err := f.snapshotLocked(r, aws.ToString(in.VolumeId), aws.ToString(in.Description), tagsFor(in.TagSpecifications, ec2types.ResourceTypeSnapshot))
	if err != nil {
		return nil, err
	}
	return &ec2.CreateSnapshotOutput{
		SnapshotId: s.SnapshotId, VolumeId: s.VolumeId, Description: s.Description, State: s.State, Progress: s.Progress,
		StartTime: s.StartTime, OwnerId: s.OwnerId, VolumeSize: s.VolumeSize, Encrypted: s.Encrypted, Tags: s.Tags,
	}, nil
}

// CreateSnapshots starts crash-consistent snapshots of every EBS volume of
// an instance (the root volume unless ExcludeBootVolume).
func (f *EC2) CreateSnapshots(ctx context.Context, in *ec2.CreateSnapshotsInput, optFns ...func(*ec2.Options)) (*ec2.CreateSnapshotsOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	r := f.regionOf(ctx, optFns)
	if in.InstanceSpecification == nil || aws.ToString(in.InstanceSpecification.InstanceId) == "" {
		return nil, apiError("MissingParameter", "The request must contain the parameter InstanceSpecification.InstanceId")
	}
	id := aws.ToString(in.InstanceSpecification.InstanceId)
	i := r.instanceIndex(id)
	if i < 0 {
		return nil, instanceNotFound(id)
	}
	x := r.Instances[i]
	out := &ec2.CreateSnapshotsOutput{}
	for _, m := range x.BlockDeviceMappings {
		if m.Ebs == nil {
			continue
		}
		if aws.ToBool(in.InstanceSpecification.ExcludeBootVolume) && aws.ToString(m.DeviceName) == aws.ToString(x.RootDeviceName) {
			continue
		}
		tags := tagsFor(in.TagSpecifications, ec2types.ResourceTypeSnapshot)
		s, err := f.snapshotLocked(r, aws.ToString(m.Ebs.VolumeId), aws.ToString(in.Description), tags)
		if err != nil {
			return nil, err
		}
		out.Snapshots = append(out.Snapshots, ec2types.SnapshotInfo{SnapshotId: s.SnapshotId, VolumeId: s.VolumeId, State: s.State, StartTime: s.StartTime, Tags: s.Tags, OwnerId: s.OwnerId, VolumeSize: s.VolumeSize, Encrypted: s.Encrypted, Description: s.Description})
	}
	return out, nil
}

// DescribeInstanceAttribute returns one attribute of an instance; this fake
// answers disableApiTermination, disableApiStop and groupSet.
func (f *EC2) DescribeInstanceAttribute(ctx context.Context, in *ec2.DescribeInstanceAttributeInput, optFns ...func(*ec2.Options)) (*ec2.DescribeInstanceAttributeOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	r := f.regionOf(ctx, optFns)
	id := aws.ToString(in.InstanceId)
	i := r.instanceIndex(id)
	if i < 0 {
		return nil, instanceNotFound(id)
	}
	p := r.InstanceAttributes[id]
	out := &ec2.DescribeInstanceAttributeOutput{InstanceId: aws.String(id)}
	switch in.Attribute {
	case ec2types.InstanceAttributeNameDisableApiTermination:
		out.DisableApiTermination = &ec2types.AttributeBooleanValue{Value: aws.Bool(p.DisableAPITermination)}
	case ec2types.InstanceAttributeNameDisableApiStop:
		out.DisableApiStop = &ec2types.AttributeBooleanValue{Value: aws.Bool(p.DisableAPIStop)}
	case ec2types.InstanceAttributeNameGroupSet:
		out.Groups = slices.Clone(r.Instances[i].SecurityGroups)
	default:
		return nil, apiError("InvalidParameterValue", fmt.Sprintf("Value (%s) for parameter attribute is invalid or not faked", in.Attribute))
	}
	return out, nil
}

// ModifyInstanceAttribute changes one attribute of an instance; this fake
// supports termination and stop protection.
func (f *EC2) ModifyInstanceAttribute(ctx context.Context, in *ec2.ModifyInstanceAttributeInput, optFns ...func(*ec2.Options)) (*ec2.ModifyInstanceAttributeOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	r := f.regionOf(ctx, optFns)
	id := aws.ToString(in.InstanceId)
	if r.instanceIndex(id) < 0 {
		return nil, instanceNotFound(id)
	}
	set := 0
	p := r.InstanceAttributes[id]
	if v := in.DisableApiTermination; v != nil {
		p.DisableAPITermination = aws.ToBool(v.Value)
		set++
	}
	if v := in.DisableApiStop; v != nil {
		p.DisableAPIStop = aws.ToBool(v.Value)
		set++
	}
	if set != 1 {
		return nil, apiError("InvalidParameterCombination", "Exactly one attribute may be modified at a time (this fake supports DisableApiTermination and DisableApiStop)")
	}
	r.InstanceAttributes[id] = p
	return &ec2.ModifyInstanceAttributeOutput{}, nil
}

// ModifyNetworkInterfaceAttribute replaces an interface's security groups
// or sets its connection tracking timeouts (one attribute per call, as in
// AWS). The attached instance's view of the interface changes too.
func (f *EC2) ModifyNetworkInterfaceAttribute(ctx context.Context, in *ec2.ModifyNetworkInterfaceAttributeInput, optFns ...func(*ec2.Options)) (*ec2.ModifyNetworkInterfaceAttributeOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	r := f.regionOf(ctx, optFns)
	id := aws.ToString(in.NetworkInterfaceId)
	i := slices.IndexFunc(r.NetworkInterfaces, func(n ec2types.NetworkInterface) bool { return aws.ToString(n.NetworkInterfaceId) == id })
	if i < 0 {
		return nil, apiError("InvalidNetworkInterfaceID.NotFound", fmt.Sprintf("The networkInterface ID '%s' does not exist", id))
	}
	eni := &r.NetworkInterfaces[i]
	switch {
	case len(in.Groups) > 0 && in.ConnectionTrackingSpecification == nil:
		var groups []ec2types.GroupIdentifier
		for _, g := range in.Groups {
			gi := r.groupIndex(g)
			if gi < 0 {
				return nil, sgNotFound(g)
			}
			sg := r.SecurityGroups[gi]
			if aws.ToString(sg.VpcId) != aws.ToString(eni.VpcId) {
				return nil, apiError("InvalidGroup.NotFound", fmt.Sprintf("The security group '%s' does not exist in VPC '%s'", g, aws.ToString(eni.VpcId)))
			}
			groups = append(groups, ec2types.GroupIdentifier{GroupId: sg.GroupId, GroupName: sg.GroupName})
		}
		eni.Groups = groups
		if eni.Attachment != nil {
			if xi := r.instanceIndex(aws.ToString(eni.Attachment.InstanceId)); xi >= 0 {
				x := &r.Instances[xi]
				x.NetworkInterfaces = slices.Clone(x.NetworkInterfaces) // outputs already returned keep their view
				for k := range x.NetworkInterfaces {
					if aws.ToString(x.NetworkInterfaces[k].NetworkInterfaceId) == id {
						x.NetworkInterfaces[k].Groups = slices.Clone(groups)
					}
				}
				if aws.ToInt32(eni.Attachment.DeviceIndex) == 0 {
					x.SecurityGroups = slices.Clone(groups)
				}
			}
		}
	case in.ConnectionTrackingSpecification != nil && len(in.Groups) == 0:
		c := in.ConnectionTrackingSpecification
		check := func(name string, v *int32, lo, hi int32) error {
			if v != nil && (*v < lo || *v > hi) {
				return apiError("InvalidParameterValue", fmt.Sprintf("%s must be between %d and %d", name, lo, hi))
			}
			return nil
		}
		for _, err := range []error{check("TcpEstablishedTimeout", c.TcpEstablishedTimeout, 60, 432000), check("UdpStreamTimeout", c.UdpStreamTimeout, 60, 180), check("UdpTimeout", c.UdpTimeout, 30, 60)} {
			if err != nil {
				return nil, err
			}
		}
		cur := eni.ConnectionTrackingConfiguration
		if cur == nil {
			cur = &ec2types.ConnectionTrackingConfiguration{}
		} else {
			cp := *cur
			cur = &cp
		}
		if c.TcpEstablishedTimeout != nil {
			cur.TcpEstablishedTimeout = aws.Int32(*c.TcpEstablishedTimeout)
		}
		if c.UdpStreamTimeout != nil {
			cur.UdpStreamTimeout = aws.Int32(*c.UdpStreamTimeout)
		}
		if c.UdpTimeout != nil {
			cur.UdpTimeout = aws.Int32(*c.UdpTimeout)
		}
		eni.ConnectionTrackingConfiguration = cur
	default:
		return nil, apiError("InvalidParameterCombination", "Exactly one attribute may be modified at a time (this fake supports Groups and ConnectionTrackingSpecification)")
	}
	return &ec2.ModifyNetworkInterfaceAttributeOutput{}, nil
}

// CreateTags adds or overwrites tags on instances, interfaces, security
// groups, volumes and snapshots. Every resource must exist, or nothing is
// tagged.
func (f *EC2) CreateTags(ctx context.Context, in *ec2.CreateTagsInput, optFns ...func(*ec2.Options)) (*ec2.CreateTagsOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	r := f.regionOf(ctx, optFns)
	if len(in.Resources) == 0 || len(in.Tags) == 0 {
		return nil, apiError("MissingParameter", "The request must contain the parameters resourceIdSet and tagSet")
	}
	for _, t := range in.Tags {
		k := aws.ToString(t.Key)
		if k == "" || len(k) > 128 || len(aws.ToString(t.Value)) > 256 || strings.HasPrefix(strings.ToLower(k), "aws:") {
			return nil, apiError("InvalidParameterValue", "Tag key must be 1-128 characters without the aws: prefix, value at most 256")
		}
	}
	var targets []*[]ec2types.Tag
	for _, id := range in.Resources {
		var tp *[]ec2types.Tag
		switch {
		case strings.HasPrefix(id, "i-"):
			if i := r.instanceIndex(id); i >= 0 {
				tp = &r.Instances[i].Tags
			}
		case strings.HasPrefix(id, "eni-"):
			if i := slices.IndexFunc(r.NetworkInterfaces, func(n ec2types.NetworkInterface) bool { return aws.ToString(n.NetworkInterfaceId) == id }); i >= 0 {
				tp = &r.NetworkInterfaces[i].TagSet
			}
		case strings.HasPrefix(id, "sg-"):
			if i := r.groupIndex(id); i >= 0 {
				tp = &r.SecurityGroups[i].Tags
			}
		case strings.HasPrefix(id, "vol-"):
			if i := slices.IndexFunc(r.Volumes, func(v ec2types.Volume) bool { return aws.ToString(v.VolumeId) == id }); i >= 0 {
				tp = &r.Volumes[i].Tags
			}
		case strings.HasPrefix(id, "snap-"):
			if i := slices.IndexFunc(r.Snapshots, func(s ec2types.Snapshot) bool { return aws.ToString(s.SnapshotId) == id }); i >= 0 {
				tp = &r.Snapshots[i].Tags
			}
		}
		if tp == nil {
			return nil, apiError("InvalidID", fmt.Sprintf("The ID '%s' is not valid or does not exist", id))
		}
		targets = append(targets, tp)
	}
	for _, tp := range targets {
		tags := slices.Clone(*tp)
		for _, t := range in.Tags {
			if j := slices.IndexFunc(tags, func(x ec2types.Tag) bool { return aws.ToString(x.Key) == aws.ToString(t.Key) }); j >= 0 {
				tags[j].Value = aws.String(aws.ToString(t.Value))
			} else {
				tags = append(tags, ec2types.Tag{Key: aws.String(aws.ToString(t.Key)), Value: aws.String(aws.ToString(t.Value))})
			}
		}
		*tp = tags
	}
	return &ec2.CreateTagsOutput{}, nil
}

// IncidentInstance describes an instance for AddIncidentInstance.
type IncidentInstance struct {
	VpcID, SubnetID string
	// Groups are the security group IDs of every interface.
	Groups []string
	// Interfaces is the number of network interfaces (at least 1).
	Interfaces int
	// Volumes is the number of EBS volumes (at least 1, the root).
	Volumes int
	Tags    map[string]string
}

// AddIncidentInstance adds a running instance with its network interfaces
// (primary IP 10.0.<n>.<k>) and EBS volumes, consistent across Instances,
// NetworkInterfaces and Volumes, and returns its ID. The VPC is added when
// the Region does not have it. Seeders and tests use it.
func (r *EC2Region) AddIncidentInstance(accountID, region string, spec IncidentInstance) string {
	if !slices.ContainsFunc(r.Vpcs, func(v ec2types.Vpc) bool { return aws.ToString(v.VpcId) == spec.VpcID }) {
		r.Vpcs = append(r.Vpcs, ec2types.Vpc{VpcId: aws.String(spec.VpcID), CidrBlock: aws.String("10.0.0.0/16"), OwnerId: aws.String(accountID), State: ec2types.VpcStateAvailable})
	}
	id := r.newID("i")
	az := region + "a"
	var groups []ec2types.GroupIdentifier
	for _, g := range spec.Groups {
		gi := ec2types.GroupIdentifier{GroupId: aws.String(g)}
		if i := r.groupIndex(g); i >= 0 {
			gi.GroupName = r.SecurityGroups[i].GroupName
		}
		groups = append(groups, gi)
	}
	x := ec2types.Instance{
		InstanceId: aws.String(id), InstanceType: ec2types.InstanceTypeT3Micro, ImageId: aws.String("ami-0abcdef1234567890"),
		VpcId: aws.String(spec.VpcID), SubnetId: aws.String(spec.SubnetID), State: &ec2types.InstanceState{Name: ec2types.InstanceStateNameRunning, Code: aws.Int32(16)},
		Placement: &ec2types.Placement{AvailabilityZone: aws.String(az)}, RootDeviceName: aws.String("/dev/xvda"),
		SecurityGroups: slices.Clone(groups), KeyName: aws.String("ops"),
	}
	for k, v := range spec.Tags {
		x.Tags = append(x.Tags, ec2types.Tag{Key: aws.String(k), Value: aws.String(v)})
	}
	slices.SortFunc(x.Tags, func(a, b ec2types.Tag) int { return strings.Compare(aws.ToString(a.Key), aws.ToString(b.Key)) })
	for k := 0; k < max(spec.Interfaces, 1); k++ {
		eni := r.newID("eni")
		ip := fmt.Sprintf("10.0.%d.%d", r.nextID%250, k+10)
		if k == 0 {
			x.PrivateIpAddress = aws.String(ip)
		}
		att := &ec2types.NetworkInterfaceAttachment{AttachmentId: aws.String(r.newID("eni-attach")), InstanceId: aws.String(id), DeviceIndex: aws.Int32(int32(k)), Status: ec2types.AttachmentStatusAttached}
		r.NetworkInterfaces = append(r.NetworkInterfaces, ec2types.NetworkInterface{
			NetworkInterfaceId: aws.String(eni), VpcId: aws.String(spec.VpcID), SubnetId: aws.String(spec.SubnetID), Groups: slices.Clone(groups),
			PrivateIpAddress: aws.String(ip), Attachment: att, Status: ec2types.NetworkInterfaceStatusInUse, AvailabilityZone: aws.String(az),
			OwnerId: aws.String(accountID), InterfaceType: ec2types.NetworkInterfaceTypeInterface,
			PrivateIpAddresses: []ec2types.NetworkInterfacePrivateIpAddress{{PrivateIpAddress: aws.String(ip), Primary: aws.Bool(true)}},
		})
		x.NetworkInterfaces = append(x.NetworkInterfaces, ec2types.InstanceNetworkInterface{
			NetworkInterfaceId: aws.String(eni), VpcId: aws.String(spec.VpcID), SubnetId: aws.String(spec.SubnetID), Groups: slices.Clone(groups),
			PrivateIpAddress: aws.String(ip), Attachment: &ec2types.InstanceNetworkInterfaceAttachment{AttachmentId: att.AttachmentId, DeviceIndex: att.DeviceIndex, Status: att.Status},
			PrivateIpAddresses: []ec2types.InstancePrivateIpAddress{{PrivateIpAddress: aws.String(ip), Primary: aws.Bool(true)}},
		})
	}
	for k := 0; k < max(spec.Volumes, 1); k++ {
		vol := r.newID("vol")
		dev := "/dev/xvda"
		if k > 0 {
			dev = "/dev/sd" + string(rune('f'+k-1))
		}
		x.BlockDeviceMappings = append(x.BlockDeviceMappings, ec2types.InstanceBlockDeviceMapping{DeviceName: aws.String(dev), Ebs: &ec2types.EbsInstanceBlockDevice{VolumeId: aws.String(vol), Status: ec2types.AttachmentStatusAttached}})
		r.Volumes = append(r.Volumes, ec2types.Volume{VolumeId: aws.String(vol), Size: aws.Int32(8), AvailabilityZone: aws.String(az), State: ec2types.VolumeStateInUse,
			Attachments: []ec2types.VolumeAttachment{{InstanceId: aws.String(id), VolumeId: aws.String(vol), Device: aws.String(dev), State: ec2types.VolumeAttachmentStateAttached}}})
	}
	r.Instances = append(r.Instances, x)
	r.InstanceAttributes[id] = InstanceProtection{}
	return id
}
