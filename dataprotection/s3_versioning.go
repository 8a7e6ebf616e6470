package dataprotection

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/secpillar/secpillar"
)

// IDs of the versioning controls.
const (
	ControlS3BucketVersioning = "dataprotection.s3-bucket-versioning"
	ControlS3BucketMFADelete  = "dataprotection.s3-bucket-mfa-delete"
)

// S3BucketVersioningReadAPI reads a bucket's versioning state.
// *s3.Client satisfies it.
type S3BucketVersioningReadAPI interface {
	GetBucketVersioning(ctx context.Context, in *s3.GetBucketVersioningInput, optFns ...func(*s3.Options)) (*s3.GetBucketVersioningOutput, error)
}

var _ S3BucketVersioningReadAPI = (*s3.Client)(nil)

// S3BucketVersioningAPI is the part of the S3 API that
// CheckS3BucketVersioning and CheckS3BucketMFADelete call. *s3.Client
// satisfies it.
type S3BucketVersioningAPI interface {
	S3ListBucketsAPI
	S3BucketVersioningReadAPI
}

var _ S3BucketVersioningAPI = (*s3.Client)(nil)

// S3BucketVersioningRemediationAPI is what RemediateS3BucketVersioning
// calls. *s3.Client satisfies it.
type S3BucketVersioningRemediationAPI interface {
	S3BucketVersioningReadAPI
	PutBucketVersioning(ctx context.Context, in *s3.PutBucketVersioningInput, optFns ...func(*s3.Options)) (*s3.PutBucketVersioningOutput, error)
}

var _ S3BucketVersioningRemediationAPI = (*s3.Client)(nil)

type versioning struct {
	status    s3types.BucketVersioningStatus // "" = never enabled
	mfaDelete s3types.MFADeleteStatus        // "" = never configured
}

func readVersioning(ctx context.Context, api S3BucketVersioningReadAPI, b Bucket) (versioning, error) {
	if err := validBucket(b); err != nil {
		return versioning{}, err
	}
	out, err := api.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String(b.Name)}, b.inRegion)
	if err != nil {
		return versioning{}, fmt.Errorf("dataprotection: read versioning of bucket %s: %w", b.Name, err)
	}
	switch out.Status {
	case "", s3types.BucketVersioningStatusEnabled, s3types.BucketVersioningStatusSuspended:
	default:
		return versioning{}, fmt.Errorf("dataprotection: read versioning of bucket %s: unknown versioning status %q", b.Name, out.Status)
	}
	switch out.MFADelete {
	case "", s3types.MFADeleteStatusEnabled, s3types.MFADeleteStatusDisabled:
	default:
		return versioning{}, fmt.Errorf("dataprotection: read versioning of bucket %s: unknown MFADelete status %q", b.Name, out.MFADelete)
	}
	return versioning{status: out.Status, mfaDelete: out.MFADelete}, nil
}

func (v versioning) evidence() map[string]string {
	st, mfa := string(v.status), string(v.mfaDelete)
	if st == "" {
		st = "never enabled"
	}
	if mfa == "" {
		mfa = "Disabled"
	}
	return map[string]string{"versioning": st, "mfa_delete": mfa}
}

// CheckS3BucketVersioning reports, per bucket, whether versioning is
// enabled (S3.14). Suspended versioning FAILs.
func CheckS3BucketVersioning(ctx context.Context, api S3BucketVersioningAPI, optFns ...func(*S3BucketOptions)) ([]secpillar.Finding, error) {
	return eachBucket(ctx, api, bucketOptions(optFns), func(b Bucket) (secpillar.Finding, error) {
		v, err := readVersioning(ctx, api, b)
		if err != nil {
			return secpillar.Finding{}, err
		}
		return verdict(v.status == s3types.BucketVersioningStatusEnabled, ControlS3BucketVersioning, secpillar.SeverityLow, b.Resource(),
			"Versioning is enabled.", "Versioning is not enabled; enable it so that overwritten and deleted objects can be recovered.", v.evidence()), nil
	})
}

// CheckS3BucketMFADelete reports, per bucket, whether versioning is
// enabled with MFA delete (CIS 2.1.2). Only the root user can turn MFA
// delete on, with its MFA device, so there is no automatic remediation.
func CheckS3BucketMFADelete(ctx context.Context, api S3BucketVersioningAPI, optFns ...func(*S3BucketOptions)) ([]secpillar.Finding, error) {
	return eachBucket(ctx, api, bucketOptions(optFns), func(b Bucket) (secpillar.Finding, error) {
		v, err := readVersioning(ctx, api, b)
		if err != nil {
			return secpillar.Finding{}, err
		}
		ok := v.status == s3types.BucketVersioningStatusEnabled && v.mfaDelete == s3types.MFADeleteStatusEnabled
		return verdict(ok, ControlS3BucketMFADelete, secpillar.SeverityLow, b.Resource(),
			"Versioning is enabled with MFA delete.",
			"MFA delete is not on; the root user must enable versioning with MFA delete (PutBucketVersioning with its MFA device).", v.evidence()), nil
	})
}

// RemediateS3BucketVersioning enables versioning on b, leaving MFA delete
// as it is, and re-reads to verify.
func RemediateS3BucketVersioning(ctx context.Context, api S3BucketVersioningRemediationAPI, b Bucket, optFns ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
	opts := secpillar.NewRemediateOptions(optFns...)
	ctx = secpillar.FreshReads(ctx) // act on current state, never on a shared read
	v, err := readVersioning(ctx, api, b)
	if err != nil {
		return secpillar.Remediation{}, err
	}
	rem := secpillar.Remediation{Control: ControlS3BucketVersioning, Resource: b.Resource()}
	if v.status == s3types.BucketVersioningStatusEnabled {
		rem.Outcome = secpillar.OutcomeCompliant
		return rem, nil
	}
	rem.Changes = []secpillar.Change{{Resource: b.Resource(), Action: "s3:PutBucketVersioning", Field: "Status", Before: v.evidence()["versioning"], After: "Enabled"}}
	rem.Undo = "Suspend versioning with s3 PutBucketVersioning (Status Suspended); versioning cannot be turned fully off again."
	rem.Notes = []string{"Noncurrent versions are kept and billed; add a lifecycle rule that expires them."}
	if opts.DryRun {
		rem.Outcome = secpillar.OutcomePlanned
		return rem, nil
	}
	if _, err := api.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(b.Name),
		VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatusEnabled}}, b.inRegion); err != nil {
		return rem, fmt.Errorf("dataprotection: enable versioning of bucket %s: %w", b.Name, err)
	}
	got, err := readVersioning(ctx, api, b)
	if err != nil {
		return rem, fmt.Errorf("dataprotection: verify versioning: %w", err)
	}
	rem.Outcome = outcome(got.status == s3types.BucketVersioningStatusEnabled)
	return rem, nil
}
