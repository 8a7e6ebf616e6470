package dataprotection

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/secpillar/secpillar"
)

// IDs of the EBS and AMI controls.
const (
	ControlEBSDefaultEncryption         = "dataprotection.ebs-default-encryption"
	ControlEBSVolumeEncrypted           = "dataprotection.ebs-volume-encrypted"
	ControlEBSSnapshotNotPublic         = "dataprotection.ebs-snapshot-not-public"
	ControlEBSSnapshotBlockPublicAccess = "dataprotection.ebs-snapshot-block-public-access"
	ControlAMINotPublic                 = "dataprotection.ami-not-public"
)

const (
	regionalSettingReasonSuffix = " in this Region"
	// snapshotBlockPublicAccessDefaultMode is what the remediation turns
	// on: public permissions are kept but have no effect while it is on.
	snapshotBlockPublicAccessDefaultMode = ec2types.SnapshotBlockPublicAccessStateBlockAllSharing
)

// EBSDefaultEncryptionAPI reads the Region's EBS encryption default.
// *ec2.Client satisfies it.
type EBSDefaultEncryptionAPI interface {
	GetEbsEncryptionByDefault(ctx context.Context, in *ec2.GetEbsEncryptionByDefaultInput, optFns ...func(*ec2.Options)) (*ec2.GetEbsEncryptionByDefaultOutput, error)
}

var _ EBSDefaultEncryptionAPI = (*ec2.Client)(nil)

// EBSDefaultEncryptionRemediationAPI is what RemediateEBSDefaultEncryption
// calls. *ec2.Client satisfies it.
type EBSDefaultEncryptionRemediationAPI interface {
	EBSDefaultEncryptionAPI
	EnableEbsEncryptionByDefault(ctx context.Context, in *ec2.EnableEbsEncryptionByDefaultInput, optFns ...func(*ec2.Options)) (*ec2.EnableEbsEncryptionByDefaultOutput, error)
}

var _ EBSDefaultEncryptionRemediationAPI = (*ec2.Client)(nil)

// EBSVolumesAPI lists volumes. *ec2.Client satisfies it.
type EBSVolumesAPI interface {
	DescribeVolumes(ctx context.Context, in *ec2.DescribeVolumesInput, optFns ...func(*ec2.Options)) (*ec2.DescribeVolumesOutput, error)
}

var _ EBSVolumesAPI = (*ec2.Client)(nil)

// EBSSnapshotNotPublicAPI is what CheckEBSSnapshotNotPublic calls.
// *ec2.Client satisfies it.
type EBSSnapshotNotPublicAPI interface {
	DescribeSnapshots(ctx context.Context, in *ec2.DescribeSnapshotsInput, optFns ...func(*ec2.Options)) (*ec2.DescribeSnapshotsOutput, error)
}

var _ EBSSnapshotNotPublicAPI = (*ec2.Client)(nil)

// EBSSnapshotNotPublicRemediationAPI is what RemediateEBSSnapshotNotPublic
// calls. *ec2.Client satisfies it.
type EBSSnapshotNotPublicRemediationAPI interface {
	DescribeSnapshotAttribute(ctx context.Context, in *ec2.DescribeSnapshotAttributeInput, optFns ...func(*ec2.Options)) (*ec2.DescribeSnapshotAttributeOutput, error)
	ModifySnapshotAttribute(ctx context.Context, in *ec2.ModifySnapshotAttributeInput, optFns ...func(*ec2.Options)) (*ec2.ModifySnapshotAttributeOutput, error)
}

var _ EBSSnapshotNotPublicRemediationAPI = (*ec2.Client)(nil)

// EBSSnapshotBlockPublicAccessAPI reads the Region's snapshot block public
// access state. *ec2.Client satisfies it.
type EBSSnapshotBlockPublicAccessAPI interface {
	GetSnapshotBlockPublicAccessState(ctx context.Context, in *ec2.GetSnapshotBlockPublicAccessStateInput, optFns ...func(*ec2.Options)) (*ec2.GetSnapshotBlockPublicAccessStateOutput, error)
}

var _ EBSSnapshotBlockPublicAccessAPI = (*ec2.Client)(nil)

// EBSSnapshotBlockPublicAccessRemediationAPI is what
// RemediateEBSSnapshotBlockPublicAccess calls. *ec2.Client satisfies it.
type EBSSnapshotBlockPublicAccessRemediationAPI interface {
	EBSSnapshotBlockPublicAccessAPI
	EnableSnapshotBlockPublicAccess(ctx context.Context, in *ec2.EnableSnapshotBlockPublicAccessInput, optFns ...func(*ec2.Options)) (*ec2.EnableSnapshotBlockPublicAccessOutput, error)
}

var _ EBSSnapshotBlockPublicAccessRemediationAPI = (*ec2.Client)(nil)

// AMINotPublicAPI is what CheckAMINotPublic calls. *ec2.Client satisfies it.
type AMINotPublicAPI interface {
	DescribeImages(ctx context.Context, in *ec2.DescribeImagesInput, optFns ...func(*ec2.Options)) (*ec2.DescribeImagesOutput, error)
}

var _ AMINotPublicAPI = (*ec2.Client)(nil)

// AMINotPublicRemediationAPI is what RemediateAMINotPublic calls.
// *ec2.Client satisfies it.
type AMINotPublicRemediationAPI interface {
	DescribeImageAttribute(ctx context.Context, in *ec2.DescribeImageAttributeInput, optFns ...func(*ec2.Options)) (*ec2.DescribeImageAttributeOutput, error)
	ModifyImageAttribute(ctx context.Context, in *ec2.ModifyImageAttributeInput, optFns ...func(*ec2.Options)) (*ec2.ModifyImageAttributeOutput, error)
}

var _ AMINotPublicRemediationAPI = (*ec2.Client)(nil)

// regionResource is the Resource of a Region-wide account setting.
func regionResource(accountID, region string) secpillar.Resource {
	r := secpillar.AccountResource(accountID)
	r.Region = region
	return r
}

func readEBSDefault(ctx context.Context, api EBSDefaultEncryptionAPI) (bool, error) {
	out, err := api.GetEbsEncryptionByDefault(ctx, &ec2.GetEbsEncryptionByDefaultInput{})
	if err != nil {
		return false, fmt.Errorf("dataprotection: read EBS encryption default: %w", err)
	}
	if out.EbsEncryptionByDefault == nil {
		return false, errors.New("dataprotection: read EBS encryption default: the answer has no EbsEncryptionByDefault")
	}
	return *out.EbsEncryptionByDefault, nil
}

// CheckEBSDefaultEncryption reports whether new EBS volumes in the client's
// Region are encrypted by default (CIS 2.2.1, EC2.7). region names the
// Region in the finding.
func CheckEBSDefaultEncryption(ctx context.Context, api EBSDefaultEncryptionAPI, region string) (secpillar.Finding, error) {
	on, err := readEBSDefault(ctx, api)
	if err != nil {
		return secpillar.Finding{}, err
	}
	return verdict(on, ControlEBSDefaultEncryption, secpillar.SeverityMedium, regionResource("", region),
		"EBS encryption by default is on"+regionalSettingReasonSuffix+".", "EBS encryption by default is off"+regionalSettingReasonSuffix+"; turn it on.",
		map[string]string{"ebs_encryption_by_default": bstr(on)}), nil
}

// RemediateEBSDefaultEncryption turns EBS encryption by default on in the
// client's Region and re-reads. Existing volumes are not changed.
func RemediateEBSDefaultEncryption(ctx context.Context, api EBSDefaultEncryptionRemediationAPI, region string, optFns ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
	opts := secpillar.NewRemediateOptions(optFns...)
	ctx = secpillar.FreshReads(ctx) // act on current state, never on a shared read
	on, err := readEBSDefault(ctx, api)
	if err != nil {
		return secpillar.Remediation{}, err
	}
	r := regionResource("", region)
	rem := secpillar.Remediation{Control: ControlEBSDefaultEncryption, Resource: r}
	if on {
		rem.Outcome = secpillar.OutcomeCompliant
		return rem, nil
	}
	rem.Changes = []secpillar.Change{{Resource: r, Action: "ec2:EnableEbsEncryptionByDefault", Field: "EbsEncryptionByDefault", Before: "false", After: "true"}}
	rem.Undo = "Turn it off again with ec2 DisableEbsEncryptionByDefault."
	rem.Notes = []string{"Only new volumes are encrypted; instance types without EBS encryption support can no longer launch with EBS volumes."}
	if opts.DryRun {
		rem.Outcome = secpillar.OutcomePlanned
		return rem, nil
	}
	if _, err := api.EnableEbsEncryptionByDefault(ctx, &ec2.EnableEbsEncryptionByDefaultInput{}); err != nil {
		return rem, fmt.Errorf("dataprotection: enable EBS encryption by default: %w", err)
	}
	on, err = readEBSDefault(ctx, api)
	if err != nil {
		return rem, err
	}
	rem.Outcome = outcome(on)
	return rem, nil
}

// listVolumes lists every volume of the client's Region.
func listVolumes(ctx context.Context, api EBSVolumesAPI) ([]ec2types.Volume, error) {
	p := ec2.NewDescribeVolumesPaginator(api, &ec2.DescribeVolumesInput{})
	var out []ec2types.Volume
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("dataprotection: describe volumes: %w", err)
		}
		for _, v := range page.Volumes {
			if aws.ToString(v.VolumeId) == "" {
				return nil, errors.New("dataprotection: describe volumes: a volume without an ID")
			}
			out = append(out, v)
		}
	}
	return out, nil
}

func volumeResource(accountID, region, id string) secpillar.Resource {
	return secpillar.Resource{Type: "AWS::EC2::Volume", ID: "arn:aws:ec2:" + region + ":" + accountID + ":volume/" + id, Region: region, Account: accountID}
}

// CheckEBSVolumeEncrypted reports whether every attached EBS volume in the
// client's Region is encrypted (EC2.3). Volumes that are not attached are
// NOT_APPLICABLE. accountID and region build the volumes' ARNs.
func CheckEBSVolumeEncrypted(ctx context.Context, api EBSVolumesAPI, accountID, region string) ([]secpillar.Finding, error) {
	if err := validAccountID(accountID); err != nil {
		return nil, err
	}
	vols, err := listVolumes(ctx, api)
	if err != nil {
		return nil, err
	}
	const c, sev = ControlEBSVolumeEncrypted, secpillar.SeverityMedium
	out := make([]secpillar.Finding, 0, len(vols))
	for _, v := range vols {
		r := volumeResource(accountID, region, *v.VolumeId)
		if v.Encrypted == nil {
			return nil, fmt.Errorf("dataprotection: volume %s: the answer does not say whether it is encrypted", *v.VolumeId)
		}
		ev := map[string]string{"encrypted": bstr(*v.Encrypted), "attachments": fmt.Sprint(len(v.Attachments))}
		if len(v.Attachments) == 0 {
			out = append(out, notApplicable(c, sev, r, "The volume is not attached.", ev))
			continue
		}
		out = append(out, verdict(*v.Encrypted, c, sev, r, "The attached volume is encrypted.",
			"The attached volume is not encrypted; snapshot it, copy the snapshot with encryption and replace the volume.", ev))
	}
	return out, nil
}

// CheckEBSSnapshotNotPublic finds the account's snapshots in the client's
// Region that anyone can restore, with one paginated DescribeSnapshots call
// (OwnerIds self, RestorableByUserIds all) rather than one call per
// snapshot (EC2.1). Each public snapshot FAILs; when there is none, one
// PASS finding stands for the Region.
func CheckEBSSnapshotNotPublic(ctx context.Context, api EBSSnapshotNotPublicAPI, region string) ([]secpillar.Finding, error) {
	p := ec2.NewDescribeSnapshotsPaginator(api, &ec2.DescribeSnapshotsInput{OwnerIds: []string{"self"}, RestorableByUserIds: []string{"all"}})
	const c, sev = ControlEBSSnapshotNotPublic, secpillar.SeverityCritical
	var out []secpillar.Finding
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("dataprotection: describe public snapshots: %w", err)
		}
		for _, s := range page.Snapshots {
			id := aws.ToString(s.SnapshotId)
			if id == "" {
				return nil, errors.New("dataprotection: describe public snapshots: a snapshot without an ID")
			}
			owner := aws.ToString(s.OwnerId)
			r := secpillar.Resource{Type: "AWS::EC2::Snapshot", ID: "arn:aws:ec2:" + region + "::snapshot/" + id, Region: region, Account: owner}
			out = append(out, fail(c, sev, r, "Anyone can create a volume from this snapshot; remove the public createVolumePermission.",
				map[string]string{"volume": aws.ToString(s.VolumeId), "encrypted": bstr(aws.ToBool(s.Encrypted))}))
		}
	}
	if len(out) == 0 {
		out = append(out, pass(c, sev, regionResource("", region), "No snapshot of the account is restorable by everyone"+regionalSettingReasonSuffix+".", nil))
	}
	return out, nil
}

func snapshotPublic(ctx context.Context, api EBSSnapshotNotPublicRemediationAPI, id string) (bool, error) {
	out, err := api.DescribeSnapshotAttribute(ctx, &ec2.DescribeSnapshotAttributeInput{SnapshotId: aws.String(id), Attribute: ec2types.SnapshotAttributeNameCreateVolumePermission})
	if err != nil {
		return false, fmt.Errorf("dataprotection: read permissions of snapshot %s: %w", id, err)
	}
	return slices.ContainsFunc(out.CreateVolumePermissions, func(p ec2types.CreateVolumePermission) bool { return p.Group == ec2types.PermissionGroupAll }), nil
}

// ec2Target splits a snapshot or image reference (an ID such as
// "snap-..." or its ARN) into the ID and the Resource to report.
func ec2Target(ref, prefix, typ string) (string, secpillar.Resource, error) {
	id, r := ref, secpillar.Resource{Type: typ, ID: ref}
	if strings.HasPrefix(ref, "arn:") {
		id = ref[strings.LastIndex(ref, "/")+1:]
		r.Region = regionOfARN(ref)
	}
	if !strings.HasPrefix(id, prefix) || len(id) == len(prefix) {
		return "", r, fmt.Errorf("dataprotection: %q does not name a %s", ref, strings.TrimSuffix(prefix, "-"))
	}
	return id, r, nil
}

// RemediateEBSSnapshotNotPublic removes the public createVolumePermission
// of a snapshot (its ID or ARN, in the client's Region), keeping the
// accounts it is shared with, and re-reads.
func RemediateEBSSnapshotNotPublic(ctx context.Context, api EBSSnapshotNotPublicRemediationAPI, snapshot string, optFns ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
	opts := secpillar.NewRemediateOptions(optFns...)
	ctx = secpillar.FreshReads(ctx) // act on current state, never on a shared read
	id, r, err := ec2Target(snapshot, "snap-", "AWS::EC2::Snapshot")
	if err != nil {
		return secpillar.Remediation{}, err
	}
	pub, err := snapshotPublic(ctx, api, id)
	if err != nil {
		return secpillar.Remediation{}, err
	}
	rem := secpillar.Remediation{Control: ControlEBSSnapshotNotPublic, Resource: r}
	if !pub {
		rem.Outcome = secpillar.OutcomeCompliant
		return rem, nil
	}
	rem.Changes = []secpillar.Change{{Resource: r, Action: "ec2:ModifySnapshotAttribute", Field: "createVolumePermission", Before: "group all", After: "no public permission"}}
	rem.Undo = "Add the group all createVolumePermission again with ec2 ModifySnapshotAttribute."
	if opts.DryRun {
		rem.Outcome = secpillar.OutcomePlanned
		return rem, nil
	}
	if _, err := api.ModifySnapshotAttribute(ctx, &ec2.ModifySnapshotAttributeInput{SnapshotId: aws.String(id), Attribute: ec2types.SnapshotAttributeNameCreateVolumePermission,
		CreateVolumePermission: &ec2types.CreateVolumePermissionModifications{Remove: []ec2types.CreateVolumePermission{{Group: ec2types.PermissionGroupAll}}}}); err != nil {
		return rem, fmt.Errorf("dataprotection: unshare snapshot %s: %w", id, err)
	}
	pub, err = snapshotPublic(ctx, api, id)
	if err != nil {
		return rem, err
	}
	rem.Outcome = outcome(!pub)
	return rem, nil
}

func readSnapshotBPA(ctx context.Context, api EBSSnapshotBlockPublicAccessAPI) (ec2types.SnapshotBlockPublicAccessState, error) {
	out, err := api.GetSnapshotBlockPublicAccessState(ctx, &ec2.GetSnapshotBlockPublicAccessStateInput{})
	if err != nil {
		return "", fmt.Errorf("dataprotection: read snapshot block public access: %w", err)
	}
	switch out.State {
	case ec2types.SnapshotBlockPublicAccessStateBlockAllSharing, ec2types.SnapshotBlockPublicAccessStateBlockNewSharing, ec2types.SnapshotBlockPublicAccessStateUnblocked:
		return out.State, nil
	case "":
		return "", errors.New("dataprotection: read snapshot block public access: the answer has no State")
	}
	return "", fmt.Errorf("dataprotection: read snapshot block public access: unknown state %q", out.State)
}

// CheckEBSSnapshotBlockPublicAccess reports whether the client's Region
// blocks public sharing of snapshots (block-all-sharing, or
// block-new-sharing which leaves snapshots that are already public as they
// are; see CheckEBSSnapshotNotPublic for those).
func CheckEBSSnapshotBlockPublicAccess(ctx context.Context, api EBSSnapshotBlockPublicAccessAPI, region string) (secpillar.Finding, error) {
	st, err := readSnapshotBPA(ctx, api)
	if err != nil {
		return secpillar.Finding{}, err
	}
	return verdict(st != ec2types.SnapshotBlockPublicAccessStateUnblocked, ControlEBSSnapshotBlockPublicAccess, secpillar.SeverityHigh, regionResource("", region),
		"Public sharing of snapshots is blocked ("+string(st)+")"+regionalSettingReasonSuffix+".",
		"Public sharing of snapshots is not blocked"+regionalSettingReasonSuffix+"; turn on block public access for snapshots.",
		map[string]string{"state": string(st)}), nil
}

// RemediateEBSSnapshotBlockPublicAccess sets the client's Region to
// block-all-sharing when sharing is unblocked, and re-reads. A Region
// already on block-new-sharing is left as it is.
func RemediateEBSSnapshotBlockPublicAccess(ctx context.Context, api EBSSnapshotBlockPublicAccessRemediationAPI, region string, optFns ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
	opts := secpillar.NewRemediateOptions(optFns...)
	ctx = secpillar.FreshReads(ctx) // act on current state, never on a shared read
	st, err := readSnapshotBPA(ctx, api)
	if err != nil {
		return secpillar.Remediation{}, err
	}
	r := regionResource("", region)
	rem := secpillar.Remediation{Control: ControlEBSSnapshotBlockPublicAccess, Resource: r}
	if st != ec2types.SnapshotBlockPublicAccessStateUnblocked {
		rem.Outcome = secpillar.OutcomeCompliant
		return rem, nil
	}
	rem.Changes = []secpillar.Change{{Resource: r, Action: "ec2:EnableSnapshotBlockPublicAccess", Field: "State", Before: string(st), After: string(snapshotBlockPublicAccessDefaultMode)}}
	rem.Undo = "Turn it off with ec2 DisableSnapshotBlockPublicAccess; public permissions reappear as they were."
	rem.Notes = []string{"Snapshots that were public are treated as private while the block is on; their permissions are kept."}
	if opts.DryRun {
		rem.Outcome = secpillar.OutcomePlanned
		return rem, nil
	}
	if _, err := api.EnableSnapshotBlockPublicAccess(ctx, &ec2.EnableSnapshotBlockPublicAccessInput{State: snapshotBlockPublicAccessDefaultMode}); err != nil {
		return rem, fmt.Errorf("dataprotection: enable snapshot block public access: %w", err)
	}
	st, err = readSnapshotBPA(ctx, api)
	if err != nil {
		return rem, err
	}
	rem.Outcome = outcome(st == snapshotBlockPublicAccessDefaultMode)
	return rem, nil
}

// CheckAMINotPublic finds the account's public AMIs in the client's Region
// with one paginated DescribeImages call (Owners self, ExecutableUsers
// all). Each public image FAILs; when there is none, one PASS finding
// stands for the Region.
func CheckAMINotPublic(ctx context.Context, api AMINotPublicAPI, region string) ([]secpillar.Finding, error) {
	p := ec2.NewDescribeImagesPaginator(api, &ec2.DescribeImagesInput{Owners: []string{"self"}, ExecutableUsers: []string{"all"}})
	const c, sev = ControlAMINotPublic, secpillar.SeverityHigh
	var out []secpillar.Finding
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("dataprotection: describe public images: %w", err)
		}
		for _, img := range page.Images {
			id := aws.ToString(img.ImageId)
			if id == "" {
				return nil, errors.New("dataprotection: describe public images: an image without an ID")
			}
			r := secpillar.Resource{Type: "AWS::EC2::Image", ID: "arn:aws:ec2:" + region + "::image/" + id, Region: region, Account: aws.ToString(img.OwnerId)}
			out = append(out, fail(c, sev, r, "Anyone can launch this AMI; remove its public launch permission.", map[string]string{"name": aws.ToString(img.Name)}))
		}
	}
	if len(out) == 0 {
		out = append(out, pass(c, sev, regionResource("", region), "No AMI of the account is public"+regionalSettingReasonSuffix+".", nil))
	}
	return out, nil
}

func imagePublic(ctx context.Context, api AMINotPublicRemediationAPI, id string) (bool, error) {
	out, err := api.DescribeImageAttribute(ctx, &ec2.DescribeImageAttributeInput{ImageId: aws.String(id), Attribute: ec2types.ImageAttributeNameLaunchPermission})
	if err != nil {
		return false, fmt.Errorf("dataprotection: read launch permissions of %s: %w", id, err)
	}
	return slices.ContainsFunc(out.LaunchPermissions, func(p ec2types.LaunchPermission) bool { return p.Group == ec2types.PermissionGroupAll }), nil
}

// RemediateAMINotPublic removes the public launch permission of an image
// (its ID or ARN, in the client's Region), keeping accounts and
// organizations it is shared with, and re-reads.
func RemediateAMINotPublic(ctx context.Context, api AMINotPublicRemediationAPI, image string, optFns ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
	opts := secpillar.NewRemediateOptions(optFns...)
	ctx = secpillar.FreshReads(ctx) // act on current state, never on a shared read
	id, r, err := ec2Target(image, "ami-", "AWS::EC2::Image")
	if err != nil {
		return secpillar.Remediation{}, err
	}
	pub, err := imagePublic(ctx, api, id)
	if err != nil {
		return secpillar.Remediation{}, err
	}
	rem := secpillar.Remediation{Control: ControlAMINotPublic, Resource: r}
	if !pub {
		rem.Outcome = secpillar.OutcomeCompliant
		return rem, nil
	}
	rem.Changes = []secpillar.Change{{Resource: r, Action: "ec2:ModifyImageAttribute", Field: "launchPermission", Before: "group all", After: "no public permission"}}
	rem.Undo = "Add the group all launch permission again with ec2 ModifyImageAttribute."
	if opts.DryRun {
		rem.Outcome = secpillar.OutcomePlanned
		return rem, nil
	}
	if _, err := api.ModifyImageAttribute(ctx, &ec2.ModifyImageAttributeInput{ImageId: aws.String(id),
		LaunchPermission: &ec2types.LaunchPermissionModifications{Remove: []ec2types.LaunchPermission{{Group: ec2types.PermissionGroupAll}}}}); err != nil {
		return rem, fmt.Errorf("dataprotection: unshare image %s: %w", id, err)
	}
	pub, err = imagePublic(ctx, api, id)
	if err != nil {
		return rem, err
	}
	rem.Outcome = outcome(!pub)
	return rem, nil
}
