package dataprotection

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/internal/awserr"
)

// ControlS3BucketACLsDisabled is the ID of the control that checks that
// bucket ACLs are disabled (object ownership BucketOwnerEnforced).
const ControlS3BucketACLsDisabled = "dataprotection.s3-bucket-acls-disabled"

// S3BucketOwnershipReadAPI reads a bucket's object ownership setting.
// *s3.Client satisfies it.
type S3BucketOwnershipReadAPI interface {
	GetBucketOwnershipControls(ctx context.Context, in *s3.GetBucketOwnershipControlsInput, optFns ...func(*s3.Options)) (*s3.GetBucketOwnershipControlsOutput, error)
}

var _ S3BucketOwnershipReadAPI = (*s3.Client)(nil)

// S3BucketACLsDisabledAPI is the part of the S3 API that
// CheckS3BucketACLsDisabled calls. *s3.Client satisfies it.
type S3BucketACLsDisabledAPI interface {
	S3ListBucketsAPI
	S3BucketOwnershipReadAPI
}

var _ S3BucketACLsDisabledAPI = (*s3.Client)(nil)

// S3BucketACLsDisabledRemediationAPI is what RemediateS3BucketACLsDisabled
// calls. *s3.Client satisfies it.
type S3BucketACLsDisabledRemediationAPI interface {
	S3BucketOwnershipReadAPI
	PutBucketOwnershipControls(ctx context.Context, in *s3.PutBucketOwnershipControlsInput, optFns ...func(*s3.Options)) (*s3.PutBucketOwnershipControlsOutput, error)
}

var _ S3BucketACLsDisabledRemediationAPI = (*s3.Client)(nil)

// readOwnership returns the bucket's object ownership, or "" when it has no
// ownership controls.
func readOwnership(ctx context.Context, api S3BucketOwnershipReadAPI, b Bucket) (s3types.ObjectOwnership, error) {
	if err := validBucket(b); err != nil {
		return "", err
	}
	out, err := api.GetBucketOwnershipControls(ctx, &s3.GetBucketOwnershipControlsInput{Bucket: aws.String(b.Name)}, b.inRegion)
	if err != nil {
		if awserr.IsCode(err, "OwnershipControlsNotFoundError") {
			return "", nil
		}
		return "", fmt.Errorf("dataprotection: read ownership controls of bucket %s: %w", b.Name, err)
	}
	if out.OwnershipControls == nil || len(out.OwnershipControls.Rules) == 0 {
		return "", fmt.Errorf("dataprotection: read ownership controls of bucket %s: the answer has no rules", b.Name)
	}
	o := out.OwnershipControls.Rules[0].ObjectOwnership
	switch o {
	case s3types.ObjectOwnershipBucketOwnerEnforced, s3types.ObjectOwnershipBucketOwnerPreferred, s3types.ObjectOwnershipObjectWriter:
		return o, nil
	}
	return "", fmt.Errorf("dataprotection: read ownership controls of bucket %s: unknown object ownership %q", b.Name, o)
}

// CheckS3BucketACLsDisabled reports, per bucket, whether ACLs are disabled
// by object ownership BucketOwnerEnforced (S3.12).
func CheckS3BucketACLsDisabled(ctx context.Context, api S3BucketACLsDisabledAPI, optFns ...func(*S3BucketOptions)) ([]secpillar.Finding, error) {
	return eachBucket(ctx, api, bucketOptions(optFns), func(b Bucket) (secpillar.Finding, error) {
		o, err := readOwnership(ctx, api, b)
		if err != nil {
			return secpillar.Finding{}, err
		}
		shown := string(o)
		if o == "" {
			shown = "none (ACLs enabled)"
		}
		return verdict(o == s3types.ObjectOwnershipBucketOwnerEnforced, ControlS3BucketACLsDisabled, secpillar.SeverityMedium, b.Resource(),
			"ACLs are disabled (object ownership BucketOwnerEnforced).",
			"ACLs are enabled; set object ownership to BucketOwnerEnforced after moving any access granted by ACLs into the bucket policy.",
			map[string]string{"object_ownership": shown}), nil
	})
}

// RemediateS3BucketACLsDisabled sets object ownership of b to
// BucketOwnerEnforced and re-reads. S3 refuses when the bucket ACL grants
// access to anyone but the owner: move those grants to the policy first.
func RemediateS3BucketACLsDisabled(ctx context.Context, api S3BucketACLsDisabledRemediationAPI, b Bucket, optFns ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
	opts := secpillar.NewRemediateOptions(optFns...)
	ctx = secpillar.FreshReads(ctx) // act on current state, never on a shared read
	cur, err := readOwnership(ctx, api, b)
	if err != nil {
		return secpillar.Remediation{}, err
	}
	rem := secpillar.Remediation{Control: ControlS3BucketACLsDisabled, Resource: b.Resource()}
	if cur == s3types.ObjectOwnershipBucketOwnerEnforced {
		rem.Outcome = secpillar.OutcomeCompliant
		return rem, nil
	}
	before := string(cur)
	if before == "" {
		before = "none"
	}
	rem.Changes = []secpillar.Change{{Resource: b.Resource(), Action: "s3:PutBucketOwnershipControls", Field: "ObjectOwnership", Before: before, After: string(s3types.ObjectOwnershipBucketOwnerEnforced)}}
	rem.Undo = "Put the previous object ownership back with s3 PutBucketOwnershipControls (" + before + "); the ACLs themselves are kept by S3 and apply again."
	rem.Notes = []string{"Access granted only by ACLs (bucket or object) stops; S3 keeps the ACLs and restores them if ownership is changed back."}
	if opts.DryRun {
		rem.Outcome = secpillar.OutcomePlanned
		return rem, nil
	}
	if _, err := api.PutBucketOwnershipControls(ctx, &s3.PutBucketOwnershipControlsInput{Bucket: aws.String(b.Name), OwnershipControls: &s3types.OwnershipControls{
		Rules: []s3types.OwnershipControlsRule{{ObjectOwnership: s3types.ObjectOwnershipBucketOwnerEnforced}},
	}}, b.inRegion); err != nil {
		if awserr.IsCode(err, "InvalidBucketAclWithObjectOwnership") {
			return rem, fmt.Errorf("dataprotection: bucket %s still has ACL grants to others (such as the log delivery group): grant that access in the bucket policy, reset the ACL to private, then retry: %w", b.Name, err)
		}
		return rem, fmt.Errorf("dataprotection: put ownership controls of bucket %s: %w", b.Name, err)
	}
	got, err := readOwnership(ctx, api, b)
	if err != nil {
		return rem, fmt.Errorf("dataprotection: verify ownership controls: %w", err)
	}
	rem.Outcome = outcome(got == s3types.ObjectOwnershipBucketOwnerEnforced)
	return rem, nil
}
