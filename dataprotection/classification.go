package dataprotection

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/internal/awserr"
)

// ControlClassificationTagged is the ID of the control that checks data
// stores for a data-classification tag.
const ControlClassificationTagged = "dataprotection.classification-tagged"

// DefaultClassificationTagKey is the tag key CheckClassificationTagged
// looks for when ClassificationOptions.TagKey is empty.
const DefaultClassificationTagKey = "data-classification"

// ClassificationS3API is the part of the S3 API that
// CheckClassificationTagged calls. *s3.Client satisfies it.
type ClassificationS3API interface {
	S3ListBucketsAPI
	GetBucketTagging(ctx context.Context, in *s3.GetBucketTaggingInput, optFns ...func(*s3.Options)) (*s3.GetBucketTaggingOutput, error)
}

var _ ClassificationS3API = (*s3.Client)(nil)

// ClassificationOptions configures CheckClassificationTagged.
type ClassificationOptions struct {
	// TagKey is the tag key that carries the classification (compared
	// case-sensitively, as AWS tags are); "" means
	// DefaultClassificationTagKey.
	TagKey string
	// AllowedValues, when not empty, are the only values accepted (for
	// example public, internal, confidential, restricted).
	AllowedValues []string
}

func (o ClassificationOptions) key() string {
	if o.TagKey == "" {
		return DefaultClassificationTagKey
	}
	return o.TagKey
}

// classify returns the verdict for one resource's tags.
func (o ClassificationOptions) classify(r secpillar.Resource, tags map[string]string) secpillar.Finding {
	const c, sev = ControlClassificationTagged, secpillar.SeverityLow
	k := o.key()
	v, ok := tags[k]
	switch {
	case !ok || v == "":
		return fail(c, sev, r, "The resource has no "+k+" tag; tag it with its data classification.", map[string]string{"tag_key": k})
	case len(o.AllowedValues) > 0 && !slices.Contains(o.AllowedValues, v):
		return fail(c, sev, r, "The "+k+" tag is "+v+", not one of "+strings.Join(o.AllowedValues, ", ")+".", map[string]string{"tag_key": k, "value": v})
	}
	return pass(c, sev, r, "The resource is classified ("+k+"="+v+").", map[string]string{"tag_key": k, "value": v})
}

// CheckClassificationTagged reports whether every bucket, DB instance, DB
// cluster and EBS volume of region carries the classification tag. Each
// bucket is evaluated once, in the Region ListBuckets reports; database and volume tags come with their
// Describe answers at no extra cost. accountID builds volume ARNs.
func CheckClassificationTagged(ctx context.Context, s3api ClassificationS3API, rdsapi RDSDatabasesAPI, ec2api EBSVolumesAPI, accountID, region string, optFns ...func(*ClassificationOptions)) ([]secpillar.Finding, error) {
	var o ClassificationOptions
	for _, fn := range optFns {
		fn(&o)
	}
	if err := validAccountID(accountID); err != nil {
		return nil, err
	}
	if region == "" {
		return nil, fmt.Errorf("dataprotection: empty Region")
	}
	var out []secpillar.Finding
	// One unfiltered list, shared within a run by every Region's pass and
	// every bucket control; each bucket is evaluated in its own Region.
	buckets, err := listBuckets(ctx, s3api, nil)
	if err != nil {
		return nil, err
	}
	for _, b := range buckets {
		if b.Region != region {
			continue
		}
		tags, err := bucketTags(ctx, s3api, b)
		if err != nil {
			return nil, err
		}
		out = append(out, o.classify(b.Resource(), tags))
	}
	dbs, err := listInstances(ctx, rdsapi, "")
	if err != nil {
		return nil, err
	}
	clusters, err := listClusters(ctx, rdsapi, "")
	if err != nil {
		return nil, err
	}
	for _, d := range append(dbs, clusters...) {
		tags := map[string]string{}
		for _, t := range d.tags {
			tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
		}
		out = append(out, o.classify(d.resource(), tags))
	}
	vols, err := listVolumes(ctx, ec2api)
	if err != nil {
		return nil, err
	}
	for _, v := range vols {
		tags := map[string]string{}
		for _, t := range v.Tags {
			tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
		}
		out = append(out, o.classify(volumeResource(accountID, region, *v.VolumeId), tags))
	}
	return out, nil
}

func bucketTags(ctx context.Context, api ClassificationS3API, b Bucket) (map[string]string, error) {
	out, err := api.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: aws.String(b.Name)}, b.inRegion)
	if err != nil {
		if awserr.IsCode(err, "NoSuchTagSet") {
			return map[string]string{}, nil
		}
		return nil, fmt.Errorf("dataprotection: read tags of bucket %s: %w", b.Name, err)
	}
	tags := map[string]string{}
	for _, t := range out.TagSet {
		tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return tags, nil
}
