package fakeaws

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	s3ctypes "github.com/aws/aws-sdk-go-v2/service/s3control/types"
	"github.com/aws/smithy-go"
)

func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func TestS3FakeBehavesLikeS3(t *testing.T) {
	a := New("111122223333")
	a.S3.Bucket("in-eu", "eu-west-1")
	for i := range 7 {
		a.S3.Bucket("b"+string(rune('a'+i)), "us-east-1")
	}
	ctx := context.Background()
	c := s3.NewFromConfig(a.Config())

	// A bucket call sent to the wrong Region is redirected, not answered.
	_, err := c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String("in-eu")})
	if apiCode(err) != "PermanentRedirect" {
		t.Errorf("wrong Region: err = %v, want PermanentRedirect", err)
	}
	_, err = c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String("in-eu")}, func(o *s3.Options) { o.Region = "eu-west-1" })
	if apiCode(err) != "NoSuchBucketPolicy" {
		t.Errorf("no policy: err = %v, want NoSuchBucketPolicy", err)
	}
	_, err = c.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: aws.String("in-eu")}, func(o *s3.Options) { o.Region = "eu-west-1" })
	if apiCode(err) != "NoSuchTagSet" {
		t.Errorf("no tags: err = %v, want NoSuchTagSet", err)
	}

	// Without MaxBuckets, one answer; with it, small pages and a BucketRegion filter.
	out, err := c.ListBuckets(ctx, &s3.ListBucketsInput{})
	if err != nil || len(out.Buckets) != 8 || out.ContinuationToken != nil {
		t.Errorf("unpaginated: %d buckets, token %v, %v", len(out.Buckets), out.ContinuationToken, err)
	}
	n, pages := 0, 0
	p := s3.NewListBucketsPaginator(c, &s3.ListBucketsInput{BucketRegion: aws.String("us-east-1")}, func(o *s3.ListBucketsPaginatorOptions) { o.Limit = 1000 })
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, b := range page.Buckets {
			n++
			if aws.ToString(b.BucketRegion) != "us-east-1" {
				t.Errorf("bucket %s in %s", aws.ToString(b.Name), aws.ToString(b.BucketRegion))
			}
		}
	}
	if n != 7 || pages != 3 {
		t.Errorf("paginated: %d buckets in %d pages, want 7 in 3", n, pages)
	}

	// Account-level Block Public Access: missing, then replaced whole.
	ctl := s3control.NewFromConfig(a.Config())
	_, err = ctl.GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{AccountId: aws.String(a.ID)})
	var nsc *s3ctypes.NoSuchPublicAccessBlockConfiguration
	if !errors.As(err, &nsc) {
		t.Errorf("err = %v, want the modelled NoSuchPublicAccessBlockConfiguration", err)
	}
	if _, err := ctl.PutPublicAccessBlock(ctx, &s3control.PutPublicAccessBlockInput{AccountId: aws.String(a.ID),
		PublicAccessBlockConfiguration: &s3ctypes.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(true)}}); err != nil {
		t.Fatal(err)
	}
	got, err := ctl.GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{AccountId: aws.String(a.ID)})
	if err != nil || !aws.ToBool(got.PublicAccessBlockConfiguration.BlockPublicAcls) || aws.ToBool(got.PublicAccessBlockConfiguration.RestrictPublicBuckets) {
		t.Errorf("after put: %+v, %v", got, err)
	}
	if _, err := ctl.GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{AccountId: aws.String("999999999999")}); err == nil {
		t.Error("another account's configuration: want an error")
	}
}

func TestS3FakeBlocksPublicPolicies(t *testing.T) {
	a := New("111122223333")
	b := a.S3.Bucket("b", "us-east-1")
	b.PublicAccessBlock = s3bpa(false, false, true, false)
	c := s3.NewFromConfig(a.Config())
	public := `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`
	if _, err := c.PutBucketPolicy(context.Background(), &s3.PutBucketPolicyInput{Bucket: aws.String("b"), Policy: aws.String(public)}); apiCode(err) != "AccessDenied" {
		t.Errorf("public policy under BlockPublicPolicy: err = %v, want AccessDenied", err)
	}
	tls := `{"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`
	if _, err := c.PutBucketPolicy(context.Background(), &s3.PutBucketPolicyInput{Bucket: aws.String("b"), Policy: aws.String(tls)}); err != nil {
		t.Errorf("Deny policy: %v", err)
	}
	if _, err := c.PutBucketPolicy(context.Background(), &s3.PutBucketPolicyInput{Bucket: aws.String("b"), Policy: aws.String("{")}); apiCode(err) != "MalformedPolicy" {
		t.Errorf("malformed: err = %v, want MalformedPolicy", err)
	}
}
