package dataprotection

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/internal/awserr"
)

// ControlS3BucketPublicAccessBlock is the ID of the control that checks the
// bucket-level S3 Block Public Access flags.
const ControlS3BucketPublicAccessBlock = "dataprotection.s3-bucket-public-access-block"

// S3BucketPublicAccessBlockReadAPI reads a bucket's Block Public Access
// configuration. *s3.Client satisfies it.
type S3BucketPublicAccessBlockReadAPI interface {
	GetPublicAccessBlock(ctx context.Context, in *s3.GetPublicAccessBlockInput, optFns ...func(*s3.Options)) (*s3.GetPublicAccessBlockOutput, error)
}

var _ S3BucketPublicAccessBlockReadAPI = (*s3.Client)(nil)

// S3BucketPublicAccessBlockAPI is the part of the S3 API that
// CheckS3BucketPublicAccessBlock calls. *s3.Client satisfies it.
type S3BucketPublicAccessBlockAPI interface {
	S3ListBucketsAPI
	S3BucketPublicAccessBlockReadAPI
}

var _ S3BucketPublicAccessBlockAPI = (*s3.Client)(nil)

// S3BucketPublicAccessBlockRemediationAPI is what
// RemediateS3BucketPublicAccessBlock calls. *s3.Client satisfies it.
type S3BucketPublicAccessBlockRemediationAPI interface {
	S3BucketPublicAccessBlockReadAPI
	PutPublicAccessBlock(ctx context.Context, in *s3.PutPublicAccessBlockInput, optFns ...func(*s3.Options)) (*s3.PutPublicAccessBlockOutput, error)
}

var _ S3BucketPublicAccessBlockRemediationAPI = (*s3.Client)(nil)

// ReadBucketPublicAccessBlock returns the bucket-level Block Public Access
// flags of b; configured is false when the bucket has none (all off). A
// flag missing from the answer reads as off.
func ReadBucketPublicAccessBlock(ctx context.Context, api S3BucketPublicAccessBlockReadAPI, b Bucket) (p PublicAccessBlock, configured bool, err error) {
	if err := validBucket(b); err != nil {
		return PublicAccessBlock{}, false, err
	}
	out, err := api.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: aws.String(b.Name)}, b.inRegion)
	if err != nil {
		if awserr.IsCode(err, "NoSuchPublicAccessBlockConfiguration") {
			return PublicAccessBlock{}, false, nil
		}
		return PublicAccessBlock{}, false, fmt.Errorf("dataprotection: read public access block of bucket %s: %w", b.Name, err)
	}
	c := out.PublicAccessBlockConfiguration
	if c == nil {
		return PublicAccessBlock{}, false, fmt.Errorf("dataprotection: read public access block of bucket %s: the answer has no PublicAccessBlockConfiguration", b.Name)
	}
	return PublicAccessBlock{
		BlockPublicAcls:       aws.ToBool(c.BlockPublicAcls),
		IgnorePublicAcls:      aws.ToBool(c.IgnorePublicAcls),
		BlockPublicPolicy:     aws.ToBool(c.BlockPublicPolicy),
		RestrictPublicBuckets: aws.ToBool(c.RestrictPublicBuckets),
	}, true, nil
}

// CheckS3BucketPublicAccessBlock reports, per bucket, whether all four
// bucket-level Block Public Access flags are on (S3.8). A bucket without
// a configuration FAILs.
func CheckS3BucketPublicAccessBlock(ctx context.Context, api S3BucketPublicAccessBlockAPI, optFns ...func(*S3BucketOptions)) ([]secpillar.Finding, error) {
	return eachBucket(ctx, api, bucketOptions(optFns), func(b Bucket) (secpillar.Finding, error) {
		p, configured, err := ReadBucketPublicAccessBlock(ctx, api, b)
		if err != nil {
			return secpillar.Finding{}, err
		}
		ev := map[string]string{"configured": bstr(configured), "flags": p.String()}
		const c, sev = ControlS3BucketPublicAccessBlock, secpillar.SeverityHigh
		switch {
		case !configured:
			return fail(c, sev, b.Resource(), "The bucket has no Block Public Access configuration, so all four flags are off; turn all four on.", ev), nil
		case p.All():
			return pass(c, sev, b.Resource(), "All four bucket-level Block Public Access flags are on.", ev), nil
		}
		return fail(c, sev, b.Resource(), "Bucket-level Block Public Access flags are off: "+strings.Join(p.Off(), ", ")+"; turn them on.", ev), nil
	})
}

// RemediateS3BucketPublicAccessBlock turns on every bucket-level Block
// Public Access flag of b that is off, carrying the flags already on
// forward (PutPublicAccessBlock replaces all four), then re-reads. It never
// touches the bucket policy or ACL.
func RemediateS3BucketPublicAccessBlock(ctx context.Context, api S3BucketPublicAccessBlockRemediationAPI, b Bucket, optFns ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
	return raiseBucketPublicAccessBlock(ctx, api, b, ControlS3BucketPublicAccessBlock, secpillar.NewRemediateOptions(optFns...))
}

func raiseBucketPublicAccessBlock(ctx context.Context, api S3BucketPublicAccessBlockRemediationAPI, b Bucket, control string, opts secpillar.RemediateOptions) (secpillar.Remediation, error) {
	ctx = secpillar.FreshReads(ctx) // act on current state, never on a shared read
	cur, _, err := ReadBucketPublicAccessBlock(ctx, api, b)
	if err != nil {
		return secpillar.Remediation{}, err
	}
	r := b.Resource()
	rem := secpillar.Remediation{Control: control, Resource: r}
	want := cur.Raise(PublicAccessBlock{true, true, true, true})
	if want == cur {
		rem.Outcome = secpillar.OutcomeCompliant
		return rem, nil
	}
	rem.Changes = cur.changesTo(want, r, "s3:PutBucketPublicAccessBlock")
	rem.Undo = "Put the previous bucket-level flags back with s3 PutPublicAccessBlock: " + cur.String() + "."
	rem.Notes = []string{"The bucket policy and ACL are left as they are; anonymous access through them stops."}
	if opts.DryRun {
		rem.Outcome = secpillar.OutcomePlanned
		return rem, nil
	}
	if _, err := api.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: aws.String(b.Name), PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{
		BlockPublicAcls:       aws.Bool(want.BlockPublicAcls),
		IgnorePublicAcls:      aws.Bool(want.IgnorePublicAcls),
		BlockPublicPolicy:     aws.Bool(want.BlockPublicPolicy),
		RestrictPublicBuckets: aws.Bool(want.RestrictPublicBuckets),
	}}, b.inRegion); err != nil {
		return rem, fmt.Errorf("dataprotection: put public access block of bucket %s: %w", b.Name, err)
	}
	got, _, err := ReadBucketPublicAccessBlock(ctx, api, b)
	if err != nil {
		return rem, fmt.Errorf("dataprotection: verify public access block of bucket %s: %w", b.Name, err)
	}
	rem.Outcome = outcome(got == want)
	return rem, nil
}
