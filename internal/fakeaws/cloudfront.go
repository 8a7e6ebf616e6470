package fakeaws

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	cftypes "github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// CloudFront fakes Amazon CloudFront. Every distribution carries an ETag
// that changes on every update; an update whose IfMatch is not the current
// ETag fails with PreconditionFailed, as in AWS.
type CloudFront struct {
	acct *Account

	Distributions []*CloudFrontDistribution
	nextID        int
}

// CloudFrontDistribution is one distribution and its configuration.
type CloudFrontDistribution struct {
	ID           string
	ARN          string
	DomainName   string
	Status       string // "Deployed" or "InProgress"
	ETag         string
	LastModified time.Time
	Config       cftypes.DistributionConfig
}

// AddDistribution adds a deployed distribution with cfg and returns it.
// Seeders and tests use it; the account lock must not be held by another
// goroutine.
func (f *CloudFront) AddDistribution(cfg cftypes.DistributionConfig) *CloudFrontDistribution {
	f.nextID++
	id := fmt.Sprintf("E%013X", f.nextID)
	if cfg.CallerReference == nil {
		cfg.CallerReference = aws.String("ref-" + id)
	}
	d := &CloudFrontDistribution{
		ID: id, ARN: "arn:aws:cloudfront::" + f.acct.ID + ":distribution/" + id,
		DomainName: fmt.Sprintf("d%012x.cloudfront.net", f.nextID), Status: "Deployed",
		LastModified: f.acct.now(), Config: cfg,
	}
	d.ETag = f.newETag()
	f.Distributions = append(f.Distributions, d)
	return d
}

func (f *CloudFront) newETag() string {
	f.nextID++
	return "E" + strconv.FormatInt(int64(f.nextID)*7919, 36) + "TAG"
}

func (f *CloudFront) find(id *string) (*CloudFrontDistribution, error) {
	for _, d := range f.Distributions {
		if d.ID == aws.ToString(id) {
			return d, nil
		}
	}
	return nil, &cftypes.NoSuchDistribution{Message: aws.String("The specified distribution does not exist.")}
}

func (d *CloudFrontDistribution) config() (*cftypes.DistributionConfig, error) {
	return deepCopyJSON(&d.Config)
}

func (d *CloudFrontDistribution) summary() (cftypes.DistributionSummary, error) {
	c, err := d.config()
	if err != nil {
		return cftypes.DistributionSummary{}, err
	}
	return cftypes.DistributionSummary{
		ARN: aws.String(d.ARN), Id: aws.String(d.ID), DomainName: aws.String(d.DomainName), Status: aws.String(d.Status),
		LastModifiedTime: aws.Time(d.LastModified), ETag: aws.String(d.ETag),
		Aliases: c.Aliases, CacheBehaviors: c.CacheBehaviors, Comment: c.Comment, CustomErrorResponses: c.CustomErrorResponses,
		DefaultCacheBehavior: c.DefaultCacheBehavior, Enabled: c.Enabled, HttpVersion: c.HttpVersion, IsIPV6Enabled: c.IsIPV6Enabled,
		Origins: c.Origins, OriginGroups: c.OriginGroups, PriceClass: c.PriceClass, Restrictions: c.Restrictions, Staging: c.Staging,
		ViewerCertificate: c.ViewerCertificate, WebACLId: aws.String(aws.ToString(c.WebACLId)),
	}, nil
}

// ListDistributions lists distribution summaries, paginated by Marker.
func (f *CloudFront) ListDistributions(ctx context.Context, in *cloudfront.ListDistributionsInput, optFns ...func(*cloudfront.Options)) (*cloudfront.ListDistributionsOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	if in == nil {
		in = &cloudfront.ListDistributionsInput{}
	}
	items, next, err := page(f.acct, f.Distributions, in.Marker, aws.ToInt32(in.MaxItems))
	if err != nil {
		return nil, err
	}
	list := &cftypes.DistributionList{Marker: aws.String(aws.ToString(in.Marker)), MaxItems: aws.Int32(int32(f.acct.pageSize())), IsTruncated: aws.Bool(next != nil), NextMarker: next, Quantity: aws.Int32(int32(len(items)))}
	for _, d := range items {
		s, err := d.summary()
		if err != nil {
			return nil, err
		}
		list.Items = append(list.Items, s)
	}
	return &cloudfront.ListDistributionsOutput{DistributionList: list}, nil
}

// GetDistributionConfig returns a distribution's configuration and ETag.
func (f *CloudFront) GetDistributionConfig(ctx context.Context, in *cloudfront.GetDistributionConfigInput, optFns ...func(*cloudfront.Options)) (*cloudfront.GetDistributionConfigOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	d, err := f.find(in.Id)
	if err != nil {
		return nil, err
	}
	c, err := d.config()
	if err != nil {
		return nil, err
	}
	return &cloudfront.GetDistributionConfigOutput{DistributionConfig: c, ETag: aws.String(d.ETag)}, nil
}

// GetDistribution returns a distribution and its ETag.
func (f *CloudFront) GetDistribution(ctx context.Context, in *cloudfront.GetDistributionInput, optFns ...func(*cloudfront.Options)) (*cloudfront.GetDistributionOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	d, err := f.find(in.Id)
	if err != nil {
		return nil, err
	}
	c, err := d.config()
	if err != nil {
		return nil, err
	}
	return &cloudfront.GetDistributionOutput{ETag: aws.String(d.ETag), Distribution: &cftypes.Distribution{
		ARN: aws.String(d.ARN), Id: aws.String(d.ID), DomainName: aws.String(d.DomainName), Status: aws.String(d.Status),
		LastModifiedTime: aws.Time(d.LastModified), DistributionConfig: c, InProgressInvalidationBatches: aws.Int32(0),
	}}, nil
}

// UpdateDistribution replaces a distribution's whole configuration. IfMatch
// must be the current ETag (InvalidIfMatchVersion when missing,
// PreconditionFailed when stale); the CallerReference cannot change. The
// distribution gets a new ETag.
func (f *CloudFront) UpdateDistribution(ctx context.Context, in *cloudfront.UpdateDistributionInput, optFns ...func(*cloudfront.Options)) (*cloudfront.UpdateDistributionOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	d, err := f.find(in.Id)
	if err != nil {
		return nil, err
	}
	if aws.ToString(in.IfMatch) == "" {
		return nil, &cftypes.InvalidIfMatchVersion{Message: aws.String("The If-Match version is missing or not valid for the resource.")}
	}
	if *in.IfMatch != d.ETag {
		return nil, &cftypes.PreconditionFailed{Message: aws.String("The precondition given in one or more of the request-header fields evaluated to false.")}
	}
	if in.DistributionConfig == nil {
		return nil, &cftypes.InvalidArgument{Message: aws.String("DistributionConfig is required")}
	}
	if aws.ToString(in.DistributionConfig.CallerReference) != aws.ToString(d.Config.CallerReference) {
		return nil, &cftypes.IllegalUpdate{Message: aws.String("The CallerReference cannot be changed.")}
	}
	c, err := deepCopyJSON(in.DistributionConfig)
	if err != nil {
		return nil, err
	}
	d.Config = *c
	d.ETag = f.newETag()
	d.LastModified = f.acct.now()
	out, err := d.config()
	if err != nil {
		return nil, err
	}
	return &cloudfront.UpdateDistributionOutput{ETag: aws.String(d.ETag), Distribution: &cftypes.Distribution{
		ARN: aws.String(d.ARN), Id: aws.String(d.ID), DomainName: aws.String(d.DomainName), Status: aws.String("InProgress"),
		LastModifiedTime: aws.Time(d.LastModified), DistributionConfig: out,
	}}, nil
}

// HeadBucket answers whether a bucket exists and can be reached from the
// call's Region: 200 with its Region, NotFound for a bucket that does not
// exist, MovedPermanently (HeadBucket has no body, so the code comes from
// the status) for one in another Region. It lives here because the
// CloudFront origin checks are its first user; it belongs with the other
// S3 operations in s3.go.
func (f *S3) HeadBucket(ctx context.Context, in *s3.HeadBucketInput, optFns ...func(*s3.Options)) (*s3.HeadBucketOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	b := f.Buckets[aws.ToString(in.Bucket)]
	if b == nil {
		return nil, &s3types.NotFound{Message: aws.String("Not Found")}
	}
	if r := f.callRegion(ctx, optFns); r != b.Region {
		return nil, apiError("MovedPermanently", "Moved Permanently")
	}
	return &s3.HeadBucketOutput{BucketRegion: aws.String(b.Region)}, nil
}
