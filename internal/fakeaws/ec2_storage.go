package fakeaws

import (
	"context"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// EBS volumes, snapshots, AMIs and the Region's EBS defaults. State lives
// in EC2Region (Volumes, Snapshots, SnapshotPermissions, Images,
// ImagePermissions, EBSEncryptionByDefault, SnapshotBlockPublicAccess).

func dryRunError(dry *bool) error {
	if aws.ToBool(dry) {
		return apiError("DryRunOperation", "Request would have succeeded, but DryRun flag is set.")
	}
	return nil
}

// DescribeVolumes lists the Region's volumes (optionally by ID), paginated.
func (f *EC2) DescribeVolumes(ctx context.Context, in *ec2.DescribeVolumesInput, optFns ...func(*ec2.Options)) (*ec2.DescribeVolumesOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	var all []ec2types.Volume
	for _, v := range f.regionOf(ctx, optFns).Volumes {
		if len(in.VolumeIds) == 0 || slices.Contains(in.VolumeIds, aws.ToString(v.VolumeId)) {
			all = append(all, v)
		}
	}
	items, next, err := page(f.acct, all, in.NextToken, aws.ToInt32(in.MaxResults))
	if err != nil {
		return nil, err
	}
	return &ec2.DescribeVolumesOutput{Volumes: items, NextToken: next}, nil
}

func (r *EC2Region) snapshotPublic(id string) bool {
	return slices.ContainsFunc(r.SnapshotPermissions[id], func(p ec2types.CreateVolumePermission) bool { return p.Group == ec2types.PermissionGroupAll })
}

// DescribeSnapshots lists snapshots: OwnerIds "self" (or the account ID)
// limits them to the account's own; RestorableByUserIds "all" to the
// public ones (those with a createVolumePermission for group all, unless
// block public access is "block-all-sharing").
func (f *EC2) DescribeSnapshots(ctx context.Context, in *ec2.DescribeSnapshotsInput, optFns ...func(*ec2.Options)) (*ec2.DescribeSnapshotsOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	r := f.regionOf(ctx, optFns)
	var all []ec2types.Snapshot
	for _, s := range r.Snapshots {
		id := aws.ToString(s.SnapshotId)
		if len(in.SnapshotIds) > 0 && !slices.Contains(in.SnapshotIds, id) {
			continue
		}
		if len(in.OwnerIds) > 0 && !slices.Contains(in.OwnerIds, "self") && !slices.Contains(in.OwnerIds, aws.ToString(s.OwnerId)) {
			continue
		}
		if slices.Contains(in.RestorableByUserIds, "all") && (!r.snapshotPublic(id) || r.SnapshotBlockPublicAccess == ec2types.SnapshotBlockPublicAccessStateBlockAllSharing) {
			continue
		}
		all = append(all, s)
	}
	items, next, err := page(f.acct, all, in.NextToken, aws.ToInt32(in.MaxResults))
	if err != nil {
		return nil, err
	}
	return &ec2.DescribeSnapshotsOutput{Snapshots: items, NextToken: next}, nil
}

func (r *EC2Region) hasSnapshot(id string) bool {
	return slices.ContainsFunc(r.Snapshots, func(s ec2types.Snapshot) bool { return aws.ToString(s.SnapshotId) == id })
}

// DescribeSnapshotAttribute returns a snapshot's createVolumePermission.
func (f *EC2) DescribeSnapshotAttribute(ctx context.Context, in *ec2.DescribeSnapshotAttributeInput, optFns ...func(*ec2.Options)) (*ec2.DescribeSnapshotAttributeOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	r, id := f.regionOf(ctx, optFns), aws.ToString(in.SnapshotId)
	if !r.hasSnapshot(id) {
		return nil, apiError("InvalidSnapshot.NotFound", "The snapshot '"+id+"' does not exist.")
	}
	if in.Attribute != ec2types.SnapshotAttributeNameCreateVolumePermission {
		return nil, apiError("InvalidParameterValue", "only createVolumePermission is faked")
	}
	return &ec2.DescribeSnapshotAttributeOutput{SnapshotId: aws.String(id), CreateVolumePermissions: slices.Clone(r.SnapshotPermissions[id])}, nil
}

// ModifySnapshotAttribute adds or removes createVolumePermission entries.
func (f *EC2) ModifySnapshotAttribute(ctx context.Context, in *ec2.ModifySnapshotAttributeInput, optFns ...func(*ec2.Options)) (*ec2.ModifySnapshotAttributeOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	if err := dryRunError(in.DryRun); err != nil {
		return nil, err
	}
	r, id := f.regionOf(ctx, optFns), aws.ToString(in.SnapshotId)
	if !r.hasSnapshot(id) {
		return nil, apiError("InvalidSnapshot.NotFound", "The snapshot '"+id+"' does not exist.")
	}
	if in.CreateVolumePermission == nil {
		return nil, apiError("MissingParameter", "CreateVolumePermission is required")
	}
	perms := slices.DeleteFunc(slices.Clone(r.SnapshotPermissions[id]), func(p ec2types.CreateVolumePermission) bool {
		return slices.ContainsFunc(in.CreateVolumePermission.Remove, func(q ec2types.CreateVolumePermission) bool {
			return q.Group == p.Group && aws.ToString(q.UserId) == aws.ToString(p.UserId)
		})
	})
	perms = append(perms, in.CreateVolumePermission.Add...)
	r.SnapshotPermissions[id] = perms
	return &ec2.ModifySnapshotAttributeOutput{}, nil
}

func (r *EC2Region) imagePublic(id string) bool {
	return slices.ContainsFunc(r.ImagePermissions[id], func(p ec2types.LaunchPermission) bool { return p.Group == ec2types.PermissionGroupAll })
}

// DescribeImages lists images: Owners "self" limits them to the account's
// own; ExecutableUsers "all" to the public ones. Public is derived from
// the launch permissions.
func (f *EC2) DescribeImages(ctx context.Context, in *ec2.DescribeImagesInput, optFns ...func(*ec2.Options)) (*ec2.DescribeImagesOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	r := f.regionOf(ctx, optFns)
	var all []ec2types.Image
	for _, img := range r.Images {
		id := aws.ToString(img.ImageId)
		if len(in.ImageIds) > 0 && !slices.Contains(in.ImageIds, id) {
			continue
		}
		if len(in.Owners) > 0 && !slices.Contains(in.Owners, "self") && !slices.Contains(in.Owners, aws.ToString(img.OwnerId)) {
			continue
		}
		if slices.Contains(in.ExecutableUsers, "all") && !r.imagePublic(id) {
			continue
		}
		img.Public = aws.Bool(r.imagePublic(id))
		all = append(all, img)
	}
	items, next, err := page(f.acct, all, in.NextToken, aws.ToInt32(in.MaxResults))
	if err != nil {
		return nil, err
	}
	return &ec2.DescribeImagesOutput{Images: items, NextToken: next}, nil
}

func (r *EC2Region) hasImage(id string) bool {
	return slices.ContainsFunc(r.Images, func(i ec2types.Image) bool { return aws.ToString(i.ImageId) == id })
}

// DescribeImageAttribute returns an image's launchPermission.
func (f *EC2) DescribeImageAttribute(ctx context.Context, in *ec2.DescribeImageAttributeInput, optFns ...func(*ec2.Options)) (*ec2.DescribeImageAttributeOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	r, id := f.regionOf(ctx, optFns), aws.ToString(in.ImageId)
	if !r.hasImage(id) {
		return nil, apiError("InvalidAMIID.NotFound", "The image id '["+id+"]' does not exist")
	}
	if in.Attribute != ec2types.ImageAttributeNameLaunchPermission {
		return nil, apiError("InvalidParameterValue", "only launchPermission is faked")
	}
	return &ec2.DescribeImageAttributeOutput{ImageId: aws.String(id), LaunchPermissions: slices.Clone(r.ImagePermissions[id])}, nil
}

// ModifyImageAttribute adds or removes launchPermission entries.
func (f *EC2) ModifyImageAttribute(ctx context.Context, in *ec2.ModifyImageAttributeInput, optFns ...func(*ec2.Options)) (*ec2.ModifyImageAttributeOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	if err := dryRunError(in.DryRun); err != nil {
		return nil, err
	}
	r, id := f.regionOf(ctx, optFns), aws.ToString(in.ImageId)
	if !r.hasImage(id) {
		return nil, apiError("InvalidAMIID.NotFound", "The image id '["+id+"]' does not exist")
	}
	if in.LaunchPermission == nil {
		return nil, apiError("MissingParameter", "LaunchPermission is required")
	}
	perms := slices.DeleteFunc(slices.Clone(r.ImagePermissions[id]), func(p ec2types.LaunchPermission) bool {
		return slices.ContainsFunc(in.LaunchPermission.Remove, func(q ec2types.LaunchPermission) bool {
			return q.Group == p.Group && aws.ToString(q.UserId) == aws.ToString(p.UserId) &&
				aws.ToString(q.OrganizationArn) == aws.ToString(p.OrganizationArn) && aws.ToString(q.OrganizationalUnitArn) == aws.ToString(p.OrganizationalUnitArn)
		})
	})
	perms = append(perms, in.LaunchPermission.Add...)
	r.ImagePermissions[id] = perms
	return &ec2.ModifyImageAttributeOutput{}, nil
}

// GetEbsEncryptionByDefault returns the Region's EBS encryption default.
func (f *EC2) GetEbsEncryptionByDefault(ctx context.Context, in *ec2.GetEbsEncryptionByDefaultInput, optFns ...func(*ec2.Options)) (*ec2.GetEbsEncryptionByDefaultOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	r := f.regionOf(ctx, optFns)
	return &ec2.GetEbsEncryptionByDefaultOutput{EbsEncryptionByDefault: aws.Bool(r.EBSEncryptionByDefault), SseType: ec2types.SSETypeSseEbs}, nil
}

// EnableEbsEncryptionByDefault turns the Region's EBS encryption default on.
func (f *EC2) EnableEbsEncryptionByDefault(ctx context.Context, in *ec2.EnableEbsEncryptionByDefaultInput, optFns ...func(*ec2.Options)) (*ec2.EnableEbsEncryptionByDefaultOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	if err := dryRunError(in.DryRun); err != nil {
		return nil, err
	}
	r := f.regionOf(ctx, optFns)
	r.EBSEncryptionByDefault = true
	return &ec2.EnableEbsEncryptionByDefaultOutput{EbsEncryptionByDefault: aws.Bool(true)}, nil
}

// GetSnapshotBlockPublicAccessState returns the Region's snapshot block
// public access state ("unblocked" when never set).
func (f *EC2) GetSnapshotBlockPublicAccessState(ctx context.Context, in *ec2.GetSnapshotBlockPublicAccessStateInput, optFns ...func(*ec2.Options)) (*ec2.GetSnapshotBlockPublicAccessStateOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	st := f.regionOf(ctx, optFns).SnapshotBlockPublicAccess
	if st == "" {
		st = ec2types.SnapshotBlockPublicAccessStateUnblocked
	}
	return &ec2.GetSnapshotBlockPublicAccessStateOutput{State: st, ManagedBy: ec2types.ManagedByAccount}, nil
}

// EnableSnapshotBlockPublicAccess sets the Region's snapshot block public
// access to block-all-sharing or block-new-sharing.
func (f *EC2) EnableSnapshotBlockPublicAccess(ctx context.Context, in *ec2.EnableSnapshotBlockPublicAccessInput, optFns ...func(*ec2.Options)) (*ec2.EnableSnapshotBlockPublicAccessOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	if err := dryRunError(in.DryRun); err != nil {
		return nil, err
	}
	switch in.State {
	case ec2types.SnapshotBlockPublicAccessStateBlockAllSharing, ec2types.SnapshotBlockPublicAccessStateBlockNewSharing:
	default:
		return nil, apiError("InvalidParameterValue", "State must be block-all-sharing or block-new-sharing")
	}
	f.regionOf(ctx, optFns).SnapshotBlockPublicAccess = in.State
	return &ec2.EnableSnapshotBlockPublicAccessOutput{State: in.State}, nil
}
