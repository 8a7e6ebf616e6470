package dataprotection

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/internal/pagetoken"
)

// S3BucketResourceType is the resource type of bucket findings.
const S3BucketResourceType = "AWS::S3::Bucket"

// listBucketsPageSize is the page size asked of ListBuckets (AWS allows up
// to 10,000).
const listBucketsPageSize = 1000

// S3ListBucketsAPI is the part of the S3 API that every bucket check calls
// to find the buckets and their Regions. *s3.Client satisfies it.
type S3ListBucketsAPI interface {
	ListBuckets(ctx context.Context, in *s3.ListBucketsInput, optFns ...func(*s3.Options)) (*s3.ListBucketsOutput, error)
}

var _ S3ListBucketsAPI = (*s3.Client)(nil)

// S3BucketOptions selects the buckets a bucket check evaluates. The zero
// value evaluates every bucket of the account.
type S3BucketOptions struct {
	// Buckets, when not empty, limits the check to these bucket names. A
	// named bucket that ListBuckets does not return is an error.
	Buckets []string
}

// Bucket is a bucket as ListBuckets names it: its name and its Region.
type Bucket struct {
	Name   string
	Region string
}

// Resource returns the finding resource of the bucket.
func (b Bucket) Resource() secpillar.Resource {
	return secpillar.Resource{Type: S3BucketResourceType, ID: "arn:aws:s3:::" + b.Name, Region: b.Region}
}

// inRegion routes a call to the bucket's Region.
func (b Bucket) inRegion(o *s3.Options) { o.Region = b.Region }

// ListBuckets returns the account's buckets with the Region ListBuckets
// reports for each, paginated. With names, only those buckets are
// returned (one call with a Prefix when there is one name); a named bucket
// that is not found is an error.
func ListBuckets(ctx context.Context, api S3ListBucketsAPI, names ...string) ([]Bucket, error) {
	return listBuckets(ctx, api, names)
}

func listBuckets(ctx context.Context, api S3ListBucketsAPI, names []string) ([]Bucket, error) {
	want, filter := map[string]bool{}, map[string]bool{}
	for _, n := range names {
		if n == "" {
			return nil, fmt.Errorf("dataprotection: empty bucket name")
		}
		want[n], filter[n] = true, true
	}
	in := &s3.ListBucketsInput{}
	if len(names) == 1 {
		in.Prefix = aws.String(names[0])
	}
	p := s3.NewListBucketsPaginator(api, in, func(o *s3.ListBucketsPaginatorOptions) { o.Limit = listBucketsPageSize })
	var out []Bucket
	guard := pagetoken.New("dataprotection: list buckets")
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("dataprotection: list buckets: %w", err)
		}
		if err := guard.Check(false, page.ContinuationToken); err != nil {
			return nil, err
		}
		for _, b := range page.Buckets {
			if b.Name == nil || *b.Name == "" {
				return nil, fmt.Errorf("dataprotection: list buckets: a bucket without a name")
			}
			if len(filter) > 0 && !filter[*b.Name] {
				continue
			}
			if aws.ToString(b.BucketRegion) == "" {
				return nil, fmt.Errorf("dataprotection: list buckets: bucket %q has no BucketRegion", *b.Name)
			}
			delete(want, *b.Name)
			out = append(out, Bucket{Name: *b.Name, Region: *b.BucketRegion})
		}
	}
	if len(want) > 0 {
		var missing []string
		for _, n := range names {
			if want[n] {
				missing = append(missing, n)
			}
		}
		return nil, fmt.Errorf("dataprotection: bucket %s not found in the account", strings.Join(missing, ", "))
	}
	return out, nil
}

// eachBucket lists the selected buckets and evaluates fn for each.
func eachBucket(ctx context.Context, api S3ListBucketsAPI, opts S3BucketOptions, fn func(Bucket) (secpillar.Finding, error)) ([]secpillar.Finding, error) {
	buckets, err := ListBuckets(ctx, api, opts.Buckets...)
	if err != nil {
		return nil, err
	}
	out := make([]secpillar.Finding, 0, len(buckets))
	for _, b := range buckets {
		f, err := fn(b)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

func bucketOptions(optFns []func(*S3BucketOptions)) S3BucketOptions {
	var o S3BucketOptions
	for _, fn := range optFns {
		fn(&o)
	}
	return o
}

// validBucket rejects a bucket without a name or Region before any call.
func validBucket(b Bucket) error {
	if b.Name == "" {
		return fmt.Errorf("dataprotection: empty bucket name")
	}
	if b.Region == "" {
		return fmt.Errorf("dataprotection: bucket %q: empty Region", b.Name)
	}
	return nil
}

// bucketOf returns the bucket of a bucket finding.
func bucketOf(f secpillar.Finding) (Bucket, error) {
	name, ok := strings.CutPrefix(f.Resource.ID, "arn:aws:s3:::")
	if !ok || name == "" || strings.Contains(name, "/") {
		return Bucket{}, fmt.Errorf("dataprotection: finding resource %q is not a bucket ARN", f.Resource.ID)
	}
	b := Bucket{Name: name, Region: f.Resource.Region}
	return b, validBucket(b)
}
