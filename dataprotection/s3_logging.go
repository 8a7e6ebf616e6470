package dataprotection

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/secpillar/secpillar"
)

// ControlS3BucketAccessLogging is the ID of the server access logging
// control.
const ControlS3BucketAccessLogging = "dataprotection.s3-bucket-access-logging"

// S3BucketLoggingReadAPI reads a bucket's server access logging target.
// *s3.Client satisfies it.
type S3BucketLoggingReadAPI interface {
	GetBucketLogging(ctx context.Context, in *s3.GetBucketLoggingInput, optFns ...func(*s3.Options)) (*s3.GetBucketLoggingOutput, error)
}

var _ S3BucketLoggingReadAPI = (*s3.Client)(nil)

// S3BucketAccessLoggingAPI is the part of the S3 API that
// CheckS3BucketAccessLogging calls. *s3.Client satisfies it.
type S3BucketAccessLoggingAPI interface {
	S3ListBucketsAPI
	S3BucketLoggingReadAPI
}

var _ S3BucketAccessLoggingAPI = (*s3.Client)(nil)

// S3BucketAccessLoggingRemediationAPI is what
// RemediateS3BucketAccessLogging calls. *s3.Client satisfies it.
type S3BucketAccessLoggingRemediationAPI interface {
	S3BucketLoggingReadAPI
	PutBucketLogging(ctx context.Context, in *s3.PutBucketLoggingInput, optFns ...func(*s3.Options)) (*s3.PutBucketLoggingOutput, error)
}

var _ S3BucketAccessLoggingRemediationAPI = (*s3.Client)(nil)

// LoggingTarget is where server access logs go: a bucket (in the same
// Region and account as the source) and a key prefix.
type LoggingTarget struct {
	Bucket string
	Prefix string
}

// ReadBucketLogging returns the server access logging target of b; ok is
// false when logging is off.
func ReadBucketLogging(ctx context.Context, api S3BucketLoggingReadAPI, b Bucket) (t LoggingTarget, ok bool, err error) {
	if err := validBucket(b); err != nil {
		return LoggingTarget{}, false, err
	}
	out, err := api.GetBucketLogging(ctx, &s3.GetBucketLoggingInput{Bucket: aws.String(b.Name)}, b.inRegion)
	if err != nil {
		return LoggingTarget{}, false, fmt.Errorf("dataprotection: read logging of bucket %s: %w", b.Name, err)
	}
	if out.LoggingEnabled == nil {
		return LoggingTarget{}, false, nil
	}
	if aws.ToString(out.LoggingEnabled.TargetBucket) == "" {
		return LoggingTarget{}, false, fmt.Errorf("dataprotection: read logging of bucket %s: LoggingEnabled has no TargetBucket", b.Name)
	}
	return LoggingTarget{Bucket: *out.LoggingEnabled.TargetBucket, Prefix: aws.ToString(out.LoggingEnabled.TargetPrefix)}, true, nil
}

// CheckS3BucketAccessLogging reports, per bucket, whether server access
// logging is on (S3.9).
func CheckS3BucketAccessLogging(ctx context.Context, api S3BucketAccessLoggingAPI, optFns ...func(*S3BucketOptions)) ([]secpillar.Finding, error) {
	return eachBucket(ctx, api, bucketOptions(optFns), func(b Bucket) (secpillar.Finding, error) {
		t, ok, err := ReadBucketLogging(ctx, api, b)
		if err != nil {
			return secpillar.Finding{}, err
		}
		if !ok {
			return fail(ControlS3BucketAccessLogging, secpillar.SeverityMedium, b.Resource(),
				"Server access logging is off; send the logs to a dedicated logging bucket in the same Region.", map[string]string{"logging": "off"}), nil
		}
		return pass(ControlS3BucketAccessLogging, secpillar.SeverityMedium, b.Resource(), "Server access logging is on.",
			map[string]string{"logging": "on", "target_bucket": t.Bucket, "target_prefix": t.Prefix}), nil
	})
}

// RemediateS3BucketAccessLogging turns server access logging of b on, to
// target, and re-reads. A bucket that already logs somewhere is left as it
// is. The target must not be b itself (logs about logs never end), and it
// must allow the S3 logging service to write.
func RemediateS3BucketAccessLogging(ctx context.Context, api S3BucketAccessLoggingRemediationAPI, b Bucket, target LoggingTarget, optFns ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
	opts := secpillar.NewRemediateOptions(optFns...)
	ctx = secpillar.FreshReads(ctx) // act on current state, never on a shared read
	if target.Bucket == "" {
		return secpillar.Remediation{}, fmt.Errorf("dataprotection: empty logging target bucket")
	}
	if target.Bucket == b.Name {
		return secpillar.Remediation{}, fmt.Errorf("dataprotection: logging target bucket %q is the bucket itself", target.Bucket)
	}
	_, ok, err := ReadBucketLogging(ctx, api, b)
	if err != nil {
		return secpillar.Remediation{}, err
	}
	rem := secpillar.Remediation{Control: ControlS3BucketAccessLogging, Resource: b.Resource()}
	if ok {
		rem.Outcome = secpillar.OutcomeCompliant
		return rem, nil
	}
	rem.Changes = []secpillar.Change{{Resource: b.Resource(), Action: "s3:PutBucketLogging", Field: "LoggingEnabled", Before: "off", After: "s3://" + target.Bucket + "/" + target.Prefix}}
	rem.Undo = "Turn logging off again with s3 PutBucketLogging and an empty BucketLoggingStatus."
	rem.Notes = []string{"Logs arrive on a best-effort basis, usually within a few hours."}
	if opts.DryRun {
		rem.Outcome = secpillar.OutcomePlanned
		return rem, nil
	}
	if _, err := api.PutBucketLogging(ctx, &s3.PutBucketLoggingInput{Bucket: aws.String(b.Name), BucketLoggingStatus: &s3types.BucketLoggingStatus{
		LoggingEnabled: &s3types.LoggingEnabled{TargetBucket: aws.String(target.Bucket), TargetPrefix: aws.String(target.Prefix)},
	}}, b.inRegion); err != nil {
		return rem, fmt.Errorf("dataprotection: put logging of bucket %s: %w", b.Name, err)
	}
	got, ok, err := ReadBucketLogging(ctx, api, b)
	if err != nil {
		return rem, fmt.Errorf("dataprotection: verify logging: %w", err)
	}
	rem.Outcome = outcome(ok && got == target)
	return rem, nil
}
