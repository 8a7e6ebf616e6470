package infrastructure

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/internal/awserr"
)

// BucketExistsAPI is the part of the S3 API that
// CheckCloudFrontS3OriginOAC calls to learn whether an origin bucket
// exists. *s3.Client satisfies it.
type BucketExistsAPI interface {
	HeadBucket(ctx context.Context, in *s3.HeadBucketInput, optFns ...func(*s3.Options)) (*s3.HeadBucketOutput, error)
}

var _ BucketExistsAPI = (*s3.Client)(nil)

// bucketExists answers HeadBucket's question: a bucket that is not found
// does not exist (and anyone could create it and receive the traffic); one
// that is forbidden or in another Region exists.
func bucketExists(ctx context.Context, api BucketExistsAPI, bucket string) (bool, string, error) {
	_, err := api.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(bucket)})
	switch {
	case err == nil:
		return true, "exists", nil
	case awserr.IsNotFound(err):
		return false, "does not exist", nil
	case awserr.IsAccessDenied(err):
		return true, "exists (not readable by this caller)", nil
	case awserr.IsCode(err, "MovedPermanently", "PermanentRedirect", "301"):
		return true, "exists (in another Region)", nil
	}
	return false, "", fmt.Errorf("infrastructure: look up origin bucket %s: %w", bucket, err)
}

// CheckCloudFrontS3OriginOAC reports, for every distribution, whether each
// S3 origin is reached through an origin access control (not a legacy
// origin access identity, and not anonymously; CloudFront.13) and points
// at a bucket that exists (CloudFront.12). A distribution without S3
// origins is NOT_APPLICABLE. Buckets are looked up once each.
func CheckCloudFrontS3OriginOAC(ctx context.Context, api CloudFrontListAPI, buckets BucketExistsAPI) ([]secpillar.Finding, error) {
	ds, err := listDistributions(ctx, api)
	if err != nil {
		return nil, err
	}
	type lookup struct {
		exists bool
		state  string
	}
	seen := map[string]lookup{}
	out := make([]secpillar.Finding, 0, len(ds))
	for _, d := range ds {
		v := summaryView(d)
		origins, err := v.originList()
		if err != nil {
			return nil, fmt.Errorf("infrastructure: %w", err)
		}
		f := secpillar.Finding{Control: ControlCloudFrontS3OriginOAC, Severity: secpillar.SeverityMedium, Resource: distributionResource(*d.ARN),
			Evidence: map[string]string{"distribution_id": *d.Id}}
		var problems, s3origins []string
		for _, o := range origins {
			if !isS3Origin(o) {
				continue
			}
			s3origins = append(s3origins, *o.Id)
			switch {
			case aws.ToString(o.OriginAccessControlId) != "":
			case o.S3OriginConfig != nil && aws.ToString(o.S3OriginConfig.OriginAccessIdentity) != "":
				problems = append(problems, "origin "+*o.Id+" uses a legacy origin access identity")
			default:
				problems = append(problems, "origin "+*o.Id+" has no origin access control, so its bucket must allow anonymous reads")
			}
			bucket := s3BucketOfOrigin(*o.DomainName)
			if bucket == "" {
				return nil, fmt.Errorf("infrastructure: distribution %s origin %s: cannot read a bucket name from %q", *d.Id, *o.Id, *o.DomainName)
			}
			l, ok := seen[bucket]
			if !ok {
				l.exists, l.state, err = bucketExists(ctx, buckets, bucket)
				if err != nil {
					return nil, err
				}
				seen[bucket] = l
			}
			f.Evidence["bucket_"+bucket] = l.state
			if !l.exists {
				problems = append(problems, "origin "+*o.Id+" points at bucket "+bucket+", which does not exist (anyone could create it and serve content)")
			}
		}
		f.Evidence["s3_origins"] = joinOrNone(s3origins)
		switch {
		case len(s3origins) == 0:
			f.Status = secpillar.StatusNotApplicable
			f.Reason = fmt.Sprintf("Distribution %s has no S3 origins.", *d.Id)
		case len(problems) == 0:
			f.Status = secpillar.StatusPass
			f.Reason = fmt.Sprintf("Every S3 origin of distribution %s uses an origin access control and its bucket exists.", *d.Id)
		default:
			f.Status = secpillar.StatusFail
			f.Reason = fmt.Sprintf("Distribution %s: %s; use an origin access control on an existing bucket.", *d.Id, strings.Join(problems, "; "))
		}
		out = append(out, f)
	}
	return out, nil
}
