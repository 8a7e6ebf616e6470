package dataprotection

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/secpillar/secpillar"
)

// IDs of the RDS snapshot controls.
const (
	ControlRDSSnapshotNotPublic = "dataprotection.rds-snapshot-not-public"
	ControlRDSSnapshotEncrypted = "dataprotection.rds-snapshot-encrypted"
)

// RDS snapshot resource types.
const (
	RDSSnapshotResourceType        = "AWS::RDS::DBSnapshot"
	RDSClusterSnapshotResourceType = "AWS::RDS::DBClusterSnapshot"
)

// RDSSnapshotsAPI lists instance and cluster snapshots. *rds.Client
// satisfies it.
type RDSSnapshotsAPI interface {
	DescribeDBSnapshots(ctx context.Context, in *rds.DescribeDBSnapshotsInput, optFns ...func(*rds.Options)) (*rds.DescribeDBSnapshotsOutput, error)
	DescribeDBClusterSnapshots(ctx context.Context, in *rds.DescribeDBClusterSnapshotsInput, optFns ...func(*rds.Options)) (*rds.DescribeDBClusterSnapshotsOutput, error)
}

var _ RDSSnapshotsAPI = (*rds.Client)(nil)

// RDSSnapshotAttributesAPI reads snapshot sharing. *rds.Client satisfies it.
type RDSSnapshotAttributesAPI interface {
	DescribeDBSnapshotAttributes(ctx context.Context, in *rds.DescribeDBSnapshotAttributesInput, optFns ...func(*rds.Options)) (*rds.DescribeDBSnapshotAttributesOutput, error)
	DescribeDBClusterSnapshotAttributes(ctx context.Context, in *rds.DescribeDBClusterSnapshotAttributesInput, optFns ...func(*rds.Options)) (*rds.DescribeDBClusterSnapshotAttributesOutput, error)
}

var _ RDSSnapshotAttributesAPI = (*rds.Client)(nil)

// RDSSnapshotNotPublicAPI is the part of the RDS API that
// CheckRDSSnapshotNotPublic calls. *rds.Client satisfies it.
type RDSSnapshotNotPublicAPI interface {
	RDSSnapshotsAPI
	RDSSnapshotAttributesAPI
}

var _ RDSSnapshotNotPublicAPI = (*rds.Client)(nil)

// RDSSnapshotNotPublicRemediationAPI is what RemediateRDSSnapshotNotPublic
// calls. *rds.Client satisfies it.
type RDSSnapshotNotPublicRemediationAPI interface {
	RDSSnapshotAttributesAPI
	ModifyDBSnapshotAttribute(ctx context.Context, in *rds.ModifyDBSnapshotAttributeInput, optFns ...func(*rds.Options)) (*rds.ModifyDBSnapshotAttributeOutput, error)
	ModifyDBClusterSnapshotAttribute(ctx context.Context, in *rds.ModifyDBClusterSnapshotAttributeInput, optFns ...func(*rds.Options)) (*rds.ModifyDBClusterSnapshotAttributeOutput, error)
}

var _ RDSSnapshotNotPublicRemediationAPI = (*rds.Client)(nil)

// Snapshot names an RDS instance snapshot or cluster snapshot of the
// client's Region.
type Snapshot struct {
	Identifier string
	Cluster    bool
	// ARN, when known, is reported as the remediation's resource.
	ARN string
}

type rdsSnapshot struct {
	Snapshot
	arn, typ  string
	encrypted *bool
}

func (s rdsSnapshot) resource() secpillar.Resource {
	t := RDSSnapshotResourceType
	if s.Cluster {
		t = RDSClusterSnapshotResourceType
	}
	return secpillar.Resource{Type: t, ID: s.arn, Region: regionOfARN(s.arn)}
}

// listSnapshots lists every instance and cluster snapshot the account owns
// (manual and automated) with one unfiltered walk of each API, so that the
// two snapshot controls share their reads.
func listSnapshots(ctx context.Context, api RDSSnapshotsAPI) ([]rdsSnapshot, error) {
	var out []rdsSnapshot
	p := rds.NewDescribeDBSnapshotsPaginator(api, &rds.DescribeDBSnapshotsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("dataprotection: describe DB snapshots: %w", err)
		}
		for _, s := range page.DBSnapshots {
			if aws.ToString(s.DBSnapshotIdentifier) == "" || aws.ToString(s.DBSnapshotArn) == "" {
				return nil, errors.New("dataprotection: describe DB snapshots: a snapshot without an identifier or ARN")
			}
			out = append(out, rdsSnapshot{Snapshot: Snapshot{Identifier: *s.DBSnapshotIdentifier}, arn: *s.DBSnapshotArn, typ: aws.ToString(s.SnapshotType), encrypted: s.Encrypted})
		}
	}
	cp := rds.NewDescribeDBClusterSnapshotsPaginator(api, &rds.DescribeDBClusterSnapshotsInput{})
	for cp.HasMorePages() {
		page, err := cp.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("dataprotection: describe DB cluster snapshots: %w", err)
		}
		for _, s := range page.DBClusterSnapshots {
			if aws.ToString(s.DBClusterSnapshotIdentifier) == "" || aws.ToString(s.DBClusterSnapshotArn) == "" {
				return nil, errors.New("dataprotection: describe DB cluster snapshots: a snapshot without an identifier or ARN")
			}
			out = append(out, rdsSnapshot{Snapshot: Snapshot{Identifier: *s.DBClusterSnapshotIdentifier, Cluster: true}, arn: *s.DBClusterSnapshotArn, typ: aws.ToString(s.SnapshotType), encrypted: s.StorageEncrypted})
		}
	}
	return out, nil
}

// restoreValues returns the accounts a snapshot is shared with ("all" is
// public).
func restoreValues(ctx context.Context, api RDSSnapshotAttributesAPI, s Snapshot) ([]string, error) {
	var attrs []struct {
		name   string
		values []string
	}
	if s.Cluster {
		out, err := api.DescribeDBClusterSnapshotAttributes(ctx, &rds.DescribeDBClusterSnapshotAttributesInput{DBClusterSnapshotIdentifier: aws.String(s.Identifier)})
		if err != nil {
			return nil, fmt.Errorf("dataprotection: read sharing of cluster snapshot %s: %w", s.Identifier, err)
		}
		if out.DBClusterSnapshotAttributesResult == nil {
			return nil, fmt.Errorf("dataprotection: read sharing of cluster snapshot %s: the answer has no result", s.Identifier)
		}
		for _, a := range out.DBClusterSnapshotAttributesResult.DBClusterSnapshotAttributes {
			attrs = append(attrs, struct {
				name   string
				values []string
			}{aws.ToString(a.AttributeName), a.AttributeValues})
		}
	} else {
		out, err := api.DescribeDBSnapshotAttributes(ctx, &rds.DescribeDBSnapshotAttributesInput{DBSnapshotIdentifier: aws.String(s.Identifier)})
		if err != nil {
			return nil, fmt.Errorf("dataprotection: read sharing of snapshot %s: %w", s.Identifier, err)
		}
		if out.DBSnapshotAttributesResult == nil {
			return nil, fmt.Errorf("dataprotection: read sharing of snapshot %s: the answer has no result", s.Identifier)
		}
		for _, a := range out.DBSnapshotAttributesResult.DBSnapshotAttributes {
			attrs = append(attrs, struct {
				name   string
				values []string
			}{aws.ToString(a.AttributeName), a.AttributeValues})
		}
	}
	var vals []string
	for _, a := range attrs {
		if a.name == "" {
			return nil, fmt.Errorf("dataprotection: read sharing of snapshot %s: an attribute without a name", s.Identifier)
		}
		if a.name == "restore" {
			vals = append(vals, a.values...)
		}
	}
	return vals, nil
}

// CheckRDSSnapshotNotPublic reports whether every manual instance and
// cluster snapshot is not shared with all AWS accounts (RDS.1). Automated
// snapshots cannot be shared and are not read.
func CheckRDSSnapshotNotPublic(ctx context.Context, api RDSSnapshotNotPublicAPI) ([]secpillar.Finding, error) {
	snaps, err := listSnapshots(ctx, api)
	if err != nil {
		return nil, err
	}
	var out []secpillar.Finding
	for _, s := range snaps {
		switch s.typ {
		case "manual":
		case "":
			return nil, fmt.Errorf("dataprotection: snapshot %s: the answer does not say whether it is manual or automated", s.Identifier)
		default:
			continue // automated and other snapshots cannot be shared
		}
		vals, err := restoreValues(ctx, api, s.Snapshot)
		if err != nil {
			return nil, err
		}
		ev := map[string]string{"shared_with": fmt.Sprint(vals)}
		out = append(out, verdict(!slices.Contains(vals, "all"), ControlRDSSnapshotNotPublic, secpillar.SeverityCritical, s.resource(),
			"The snapshot is not public.", "The snapshot can be restored by any AWS account; remove \"all\" from its restore attribute.", ev))
	}
	return out, nil
}

// CheckRDSSnapshotEncrypted reports whether every instance and cluster
// snapshot (manual and automated) is encrypted (RDS.4).
func CheckRDSSnapshotEncrypted(ctx context.Context, api RDSSnapshotsAPI) ([]secpillar.Finding, error) {
	snaps, err := listSnapshots(ctx, api)
	if err != nil {
		return nil, err
	}
	out := make([]secpillar.Finding, 0, len(snaps))
	for _, s := range snaps {
		if s.encrypted == nil {
			return nil, fmt.Errorf("dataprotection: snapshot %s: the answer does not say whether it is encrypted", s.Identifier)
		}
		out = append(out, verdict(*s.encrypted, ControlRDSSnapshotEncrypted, secpillar.SeverityMedium, s.resource(),
			"The snapshot is encrypted.", "The snapshot is not encrypted; copy it with a KMS key and delete the unencrypted copy once it is no longer needed.",
			map[string]string{"encrypted": bstr(*s.encrypted), "snapshot_type": s.typ}))
	}
	return out, nil
}

// RemediateRDSSnapshotNotPublic removes "all" from the restore attribute of
// snapshot s, keeping every account it is shared with, and re-reads.
func RemediateRDSSnapshotNotPublic(ctx context.Context, api RDSSnapshotNotPublicRemediationAPI, s Snapshot, optFns ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
	opts := secpillar.NewRemediateOptions(optFns...)
	ctx = secpillar.FreshReads(ctx) // act on current state, never on a shared read
	if s.Identifier == "" {
		return secpillar.Remediation{}, errors.New("dataprotection: empty snapshot identifier")
	}
	vals, err := restoreValues(ctx, api, s)
	if err != nil {
		return secpillar.Remediation{}, err
	}
	typ, action := RDSSnapshotResourceType, "rds:ModifyDBSnapshotAttribute"
	if s.Cluster {
		typ, action = RDSClusterSnapshotResourceType, "rds:ModifyDBClusterSnapshotAttribute"
	}
	res := secpillar.Resource{Type: typ, ID: s.Identifier}
	if s.ARN != "" {
		res.ID, res.Region = s.ARN, regionOfARN(s.ARN)
	}
	rem := secpillar.Remediation{Control: ControlRDSSnapshotNotPublic, Resource: res}
	if !slices.Contains(vals, "all") {
		rem.Outcome = secpillar.OutcomeCompliant
		return rem, nil
	}
	after := slices.DeleteFunc(slices.Clone(vals), func(v string) bool { return v == "all" })
	rem.Changes = []secpillar.Change{{Resource: rem.Resource, Action: action, Field: "restore", Before: fmt.Sprint(vals), After: fmt.Sprint(after)}}
	rem.Undo = "Add \"all\" to the snapshot's restore attribute again with " + action + "."
	rem.Notes = []string{"Copies that other accounts already made are not affected."}
	if opts.DryRun {
		rem.Outcome = secpillar.OutcomePlanned
		return rem, nil
	}
	if s.Cluster {
		_, err = api.ModifyDBClusterSnapshotAttribute(ctx, &rds.ModifyDBClusterSnapshotAttributeInput{DBClusterSnapshotIdentifier: aws.String(s.Identifier), AttributeName: aws.String("restore"), ValuesToRemove: []string{"all"}})
	} else {
		_, err = api.ModifyDBSnapshotAttribute(ctx, &rds.ModifyDBSnapshotAttributeInput{DBSnapshotIdentifier: aws.String(s.Identifier), AttributeName: aws.String("restore"), ValuesToRemove: []string{"all"}})
	}
	if err != nil {
		return rem, fmt.Errorf("dataprotection: unshare snapshot %s: %w", s.Identifier, err)
	}
	got, err := restoreValues(ctx, api, s)
	if err != nil {
		return rem, err
	}
	rem.Outcome = outcome(!slices.Contains(got, "all"))
	return rem, nil
}

// snapshotOf returns the Snapshot of an RDS snapshot finding's ARN
// (...:snapshot:<id> or ...:cluster-snapshot:<id>).
func snapshotOf(f secpillar.Finding) (Snapshot, error) {
	parts := strings.SplitN(f.Resource.ID, ":", 7)
	if len(parts) != 7 || parts[2] != "rds" || (parts[5] != "snapshot" && parts[5] != "cluster-snapshot") || parts[6] == "" {
		return Snapshot{}, fmt.Errorf("dataprotection: finding resource %q is not an RDS snapshot ARN", f.Resource.ID)
	}
	return Snapshot{Identifier: parts[6], Cluster: parts[5] == "cluster-snapshot", ARN: f.Resource.ID}, nil
}
