package detective

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/dataprotection"
)

// IDs of the trail bucket controls.
const (
	IDCloudTrailBucketNotPublic     = "detective.cloudtrail-bucket-not-public"
	IDCloudTrailBucketAccessLogging = "detective.cloudtrail-bucket-access-logging"
)

// TrailBucketExposureAPIs are the clients CheckCloudTrailBucketNotPublic
// uses: "public" is decided by the dataprotection package's exposure
// evaluation (account and bucket Block Public Access, ACL, policy).
type TrailBucketExposureAPIs struct {
	CloudTrail TrailsAPI
	S3         dataprotection.S3BucketNotPublicAPI
	S3Control  dataprotection.S3AccountPublicAccessBlockAPI
}

// TrailBucketLoggingAPI is the part of the S3 API that
// CheckCloudTrailBucketAccessLogging calls. *s3.Client satisfies it.
type TrailBucketLoggingAPI interface {
	dataprotection.S3ListBucketsAPI
	dataprotection.S3BucketLoggingReadAPI
}

// TrailBucketLoggingAPIs are the clients CheckCloudTrailBucketAccessLogging
// uses.
type TrailBucketLoggingAPIs struct {
	CloudTrail TrailsAPI
	S3         TrailBucketLoggingAPI
}

// trailBucket finds the bucket of a trail among the caller's buckets; ok
// is false when the bucket belongs to another account (a central log
// archive), which this account cannot inspect.
func trailBucket(ctx context.Context, api dataprotection.S3ListBucketsAPI, t trailRef) (dataprotection.Bucket, bool, error) {
	name := aws.ToString(t.Trail.S3BucketName)
	if name == "" {
		return dataprotection.Bucket{}, false, fmt.Errorf("detective: trail %s: DescribeTrails returned no S3BucketName", t.ARN)
	}
	buckets, err := dataprotection.ListBuckets(ctx, api)
	if err != nil {
		return dataprotection.Bucket{}, false, err
	}
	for _, b := range buckets {
		if b.Name == name {
			return b, true, nil
		}
	}
	return dataprotection.Bucket{Name: name}, false, nil
}

func otherAccountBucket(f *secpillar.Finding, t trailRef, bucket string) {
	f.Status = secpillar.StatusNotApplicable
	f.Reason = fmt.Sprintf("Trail %s delivers to bucket %s, which is not in this account: evaluate it from the account that owns it.", t.Name, bucket)
}

// CheckCloudTrailBucketNotPublic reports, for every trail homed in region,
// whether the S3 bucket it delivers to is public after Block Public Access
// (CloudTrail.6). A bucket in another account is NOT_APPLICABLE here.
func CheckCloudTrailBucketNotPublic(ctx context.Context, apis TrailBucketExposureAPIs, region string) ([]secpillar.Finding, error) {
	if apis.CloudTrail == nil || apis.S3 == nil || apis.S3Control == nil {
		return nil, errors.New("detective: TrailBucketExposureAPIs needs CloudTrail, S3 and S3Control clients")
	}
	accountBPA := map[string]dataprotection.PublicAccessBlock{}
	return perTrail(ctx, apis.CloudTrail, region, IDCloudTrailBucketNotPublic, secpillar.SeverityCritical, func(t trailRef) (secpillar.Finding, error) {
		b, ok, err := trailBucket(ctx, apis.S3, t)
		if err != nil {
			return secpillar.Finding{}, err
		}
		f := secpillar.Finding{Evidence: map[string]string{"bucket": b.Name}}
		if !ok {
			otherAccountBucket(&f, t, b.Name)
			return f, nil
		}
		bpa, seen := accountBPA[t.Account]
		if !seen {
			if bpa, _, err = dataprotection.ReadAccountPublicAccessBlock(ctx, apis.S3Control, t.Account); err != nil {
				return secpillar.Finding{}, err
			}
			accountBPA[t.Account] = bpa
		}
		exp, err := dataprotection.EvaluateBucketExposure(ctx, apis.S3, t.Account, bpa, b, false)
		if err != nil {
			return secpillar.Finding{}, err
		}
		for k, v := range exp.Evidence {
			f.Evidence[k] = v
		}
		f.Evidence["bucket_region"] = b.Region
		if exp.Public {
			f.Status = secpillar.StatusFail
			f.Reason = fmt.Sprintf("Trail %s delivers to bucket %s, which is public (%s): %s", t.Name, b.Name, exp.Access, exp.Reason)
		} else {
			f.Status = secpillar.StatusPass
			f.Reason = fmt.Sprintf("Trail %s delivers to bucket %s, which is not public.", t.Name, b.Name)
		}
		return f, nil
	})
}

// CheckCloudTrailBucketAccessLogging reports, for every trail homed in
// region, whether its S3 bucket has server access logging on (CIS 3.4,
// CloudTrail.7). A bucket in another account is NOT_APPLICABLE here.
func CheckCloudTrailBucketAccessLogging(ctx context.Context, apis TrailBucketLoggingAPIs, region string) ([]secpillar.Finding, error) {
	if apis.CloudTrail == nil || apis.S3 == nil {
		return nil, errors.New("detective: TrailBucketLoggingAPIs needs CloudTrail and S3 clients")
	}
	return perTrail(ctx, apis.CloudTrail, region, IDCloudTrailBucketAccessLogging, secpillar.SeverityLow, func(t trailRef) (secpillar.Finding, error) {
		b, ok, err := trailBucket(ctx, apis.S3, t)
		if err != nil {
			return secpillar.Finding{}, err
		}
		f := secpillar.Finding{Evidence: map[string]string{"bucket": b.Name}}
		if !ok {
			otherAccountBucket(&f, t, b.Name)
			return f, nil
		}
		target, on, err := dataprotection.ReadBucketLogging(ctx, apis.S3, b)
		if err != nil {
			return secpillar.Finding{}, err
		}
		if !on {
			f.Status = secpillar.StatusFail
			f.Reason = fmt.Sprintf("Bucket %s of trail %s has no server access logging: turn it on so access to the logs is itself recorded.", b.Name, t.Name)
			return f, nil
		}
		f.Evidence["logging_target"] = "s3://" + target.Bucket + "/" + target.Prefix
		f.Status = secpillar.StatusPass
		f.Reason = fmt.Sprintf("Bucket %s of trail %s logs access to s3://%s/%s.", b.Name, t.Name, target.Bucket, target.Prefix)
		return f, nil
	})
}

// TrailBucketBlockAPI is the part of the S3 API that
// RemediateCloudTrailBucketNotPublic calls. *s3.Client satisfies it.
type TrailBucketBlockAPI interface {
	dataprotection.S3ListBucketsAPI
	dataprotection.S3BucketPublicAccessBlockRemediationAPI
}

// TrailBucketLoggingRemediationAPI is the part of the S3 API that
// RemediateCloudTrailBucketAccessLogging calls. *s3.Client satisfies it.
type TrailBucketLoggingRemediationAPI interface {
	dataprotection.S3ListBucketsAPI
	dataprotection.S3BucketAccessLoggingRemediationAPI
}

func trailBucketFor(ctx context.Context, ct TrailsAPI, s3api dataprotection.S3ListBucketsAPI, trail string) (trailRef, dataprotection.Bucket, error) {
	ref, err := lookupTrail(ctx, ct, trail)
	if err != nil {
		return ref, dataprotection.Bucket{}, err
	}
	b, ok, err := trailBucket(secpillar.FreshReads(ctx), s3api, ref)
	if err != nil {
		return ref, b, err
	}
	if !ok {
		return ref, b, fmt.Errorf("detective: bucket %s of trail %s is not in this account: change it from the account that owns it", b.Name, ref.ARN)
	}
	return ref, b, nil
}

// RemediateCloudTrailBucketNotPublic blocks public access to the bucket
// of trail (name or ARN) by raising all four bucket-level Block Public
// Access flags, through the dataprotection remediation: it never edits or
// deletes the bucket policy or ACL, and CloudTrail's own service
// principal grant keeps working.
func RemediateCloudTrailBucketNotPublic(ctx context.Context, ct TrailsAPI, s3api TrailBucketBlockAPI, trail string, optFns ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
	_, b, err := trailBucketFor(ctx, ct, s3api, trail)
	if err != nil {
		return secpillar.Remediation{}, err
	}
	rem, err := dataprotection.RemediateS3BucketNotPublic(ctx, s3api, b, optFns...)
	rem.Control = IDCloudTrailBucketNotPublic
	return rem, err
}

// RemediateCloudTrailBucketAccessLogging turns on server access logging
// of the bucket of trail (name or ARN) to target, through the
// dataprotection remediation (a bucket that already logs is left as it
// is).
func RemediateCloudTrailBucketAccessLogging(ctx context.Context, ct TrailsAPI, s3api TrailBucketLoggingRemediationAPI, trail string, target dataprotection.LoggingTarget, optFns ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
	if target.Bucket == "" || strings.Contains(target.Bucket, "/") {
		return secpillar.Remediation{}, fmt.Errorf("detective: logging target bucket %q is not a bucket name", target.Bucket)
	}
	_, b, err := trailBucketFor(ctx, ct, s3api, trail)
	if err != nil {
		return secpillar.Remediation{}, err
	}
	rem, err := dataprotection.RemediateS3BucketAccessLogging(ctx, s3api, b, target, optFns...)
	rem.Control = IDCloudTrailBucketAccessLogging
	return rem, err
}

var (
	_ TrailBucketLoggingAPI            = (*s3.Client)(nil)
	_ TrailBucketBlockAPI              = (*s3.Client)(nil)
	_ TrailBucketLoggingRemediationAPI = (*s3.Client)(nil)
)
