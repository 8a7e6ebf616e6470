package faultmatrix

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	cftypes "github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/internal/fakeaws"
)

// firstFailing returns the first FAIL finding of a control in the clean
// run, if the control exists and has a remediation.
func firstFailing(t *testing.T, cleanRep secpillar.Report, e *env, id string) (secpillar.Control, secpillar.Finding) {
	t.Helper()
	c := controlByID(e.controls, id)
	if c.ID == "" || c.Remediate == nil {
		t.Skipf("%s has no remediation in the catalogue yet", id)
	}
	for _, f := range cleanRep.Findings {
		if f.Control == id && f.Status == secpillar.StatusFail {
			return c, f
		}
	}
	t.Skipf("%s does not fail on the demo account", id)
	return c, secpillar.Finding{}
}

// TestCloudFrontStaleETag: between the remediation's GetDistributionConfig
// and its UpdateDistribution another writer updates the distribution, so
// the remediation's If-Match is stale. The fake refuses the write with
// PreconditionFailed, as CloudFront does. The remediation must either
// report an error (never CHANGED), or re-read and write again keeping the
// other writer's change.
func TestCloudFrontStaleETag(t *testing.T) {
	cleanRep, _ := cleanDemo(t)
	e := newEnv(demo)
	c, f := firstFailing(t, cleanRep, e, "infrastructure.cloudfront-viewer-https")
	acct := e.acct
	var once sync.Once
	const marker = "changed by another writer"
	acct.Inject(fakeaws.Fault{Service: "CloudFront", Operation: "UpdateDistribution", Respond: func(ctx context.Context, params any) (any, error) {
		in := params.(*cloudfront.UpdateDistributionInput)
		once.Do(func() {
			cur, err := ForwardAs(acct, ctx, "CloudFront", "GetDistributionConfig", "us-east-1", &cloudfront.GetDistributionConfigInput{Id: in.Id})
			if err != nil {
				t.Errorf("concurrent writer: read: %v", err)
				return
			}
			got := cur.(*cloudfront.GetDistributionConfigOutput)
			cfg := fakeaws.DeepCopy(got.DistributionConfig).(*cftypes.DistributionConfig)
			cfg.Comment = aws.String(marker)
			if _, err := ForwardAs(acct, ctx, "CloudFront", "UpdateDistribution", "us-east-1", &cloudfront.UpdateDistributionInput{Id: in.Id, IfMatch: got.ETag, DistributionConfig: cfg}); err != nil {
				t.Errorf("concurrent writer: update: %v", err)
			}
		})
		return Forward(acct, ctx, params)
	}})
	cfg := acct.Config(FastRetry())
	res, err := c.Remediate(context.Background(), cfg, f, secpillar.NewRemediateOptions())
	e.noPanics(t)
	final, ferr := ForwardAs(acct, context.Background(), "CloudFront", "GetDistributionConfig", "us-east-1", &cloudfront.GetDistributionConfigInput{Id: aws.String(lastSegment(f.Resource.ID))})
	if ferr != nil {
		t.Fatalf("read back: %v", ferr)
	}
	comment := aws.ToString(final.(*cloudfront.GetDistributionConfigOutput).DistributionConfig.Comment)
	switch {
	case err != nil:
		t.Logf("remediation refused the stale write: %v", err)
		if res.Outcome == secpillar.OutcomeChanged {
			t.Errorf("outcome CHANGED with an error")
		}
	case res.Outcome == secpillar.OutcomeChanged && comment != marker:
		t.Errorf("outcome CHANGED but the other writer's change is gone (Comment %q)", comment)
	default:
		t.Logf("outcome %s, Comment %q", res.Outcome, comment)
	}
}

// TestBucketPolicyChangedBetweenReadAndWrite: right after the remediation
// reads a bucket policy, another writer adds a statement. S3 has no
// conditional PutBucketPolicy, so the remediation must re-read before it
// writes (or verify after): the other writer's statement must survive, or
// the remediation must not claim CHANGED.
func TestBucketPolicyChangedBetweenReadAndWrite(t *testing.T) {
	cleanRep, _ := cleanDemo(t)
	skipKnown(t)
	e := newEnv(demo)
	c, f := firstFailing(t, cleanRep, e, "dataprotection.s3-bucket-deny-insecure-transport")
	acct := e.acct
	bucket := lastSegment(f.Resource.ID)
	const sid = "AddedByAnotherWriter"
	var once sync.Once
	acct.Inject(fakeaws.Fault{Service: "S3", Operation: "GetBucketPolicy", Respond: func(ctx context.Context, params any) (any, error) {
		out, err := Forward(acct, ctx, params)
		once.Do(func() {
			doc := `{"Version":"2012-10-17","Statement":[{"Sid":"` + sid + `","Effect":"Deny","Principal":"*","Action":"s3:DeleteBucket","Resource":"arn:aws:s3:::` + bucket + `"}]}`
			if err == nil {
				p := aws.ToString(out.(*s3.GetBucketPolicyOutput).Policy)
				if i := strings.LastIndex(p, "]"); i > 0 {
					doc = p[:i] + `,{"Sid":"` + sid + `","Effect":"Deny","Principal":"*","Action":"s3:DeleteBucket","Resource":"arn:aws:s3:::` + bucket + `"}` + p[i:]
				}
			}
			if _, perr := ForwardAs(acct, ctx, "S3", "PutBucketPolicy", awsmiddleware.GetRegion(ctx), &s3.PutBucketPolicyInput{Bucket: aws.String(bucket), Policy: aws.String(doc)}); perr != nil {
				t.Errorf("concurrent writer: %v", perr)
			}
		})
		return out, err
	}})
	cfg := acct.Config(FastRetry())
	cfg.Region = regionOf(f)
	res, err := c.Remediate(context.Background(), cfg, f, secpillar.NewRemediateOptions())
	e.noPanics(t)
	final, ferr := ForwardAs(acct, context.Background(), "S3", "GetBucketPolicy", regionOf(f), &s3.GetBucketPolicyInput{Bucket: aws.String(bucket)})
	if ferr != nil {
		t.Fatalf("read back: %v", ferr)
	}
	policy := aws.ToString(final.(*s3.GetBucketPolicyOutput).Policy)
	if err != nil {
		t.Logf("remediation error (acceptable): %v", err)
		return
	}
	if res.Outcome == secpillar.OutcomeChanged && !strings.Contains(policy, sid) {
		t.Errorf("outcome CHANGED but the statement another writer added between the read and the write was dropped:\n%s", policy)
	}
}
