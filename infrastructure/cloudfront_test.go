package infrastructure

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	cftypes "github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/internal/fakeaws"
)

// goodDistribution is a configuration that passes every CloudFront check.
func goodDistribution(comment string) cftypes.DistributionConfig {
	return cftypes.DistributionConfig{
		Comment: aws.String(comment), Enabled: aws.Bool(true), DefaultRootObject: aws.String("index.html"),
		WebACLId: aws.String("arn:aws:wafv2:us-east-1:111122223333:global/webacl/edge/1"),
		Logging:  &cftypes.LoggingConfig{Enabled: aws.Bool(true), Bucket: aws.String("logs.s3.amazonaws.com"), Prefix: aws.String("cf/"), IncludeCookies: aws.Bool(false)},
		DefaultCacheBehavior: &cftypes.DefaultCacheBehavior{TargetOriginId: aws.String("app"), ViewerProtocolPolicy: cftypes.ViewerProtocolPolicyRedirectToHttps,
			Compress: aws.Bool(true), CachePolicyId: aws.String("cp-1")},
		CacheBehaviors: &cftypes.CacheBehaviors{Quantity: aws.Int32(1), Items: []cftypes.CacheBehavior{{PathPattern: aws.String("/static/*"), TargetOriginId: aws.String("assets"), ViewerProtocolPolicy: cftypes.ViewerProtocolPolicyHttpsOnly}}},
		Origins: &cftypes.Origins{Quantity: aws.Int32(2), Items: []cftypes.Origin{
			{Id: aws.String("app"), DomainName: aws.String("app.example.com"), CustomOriginConfig: &cftypes.CustomOriginConfig{HTTPPort: aws.Int32(80), HTTPSPort: aws.Int32(443),
				OriginProtocolPolicy: cftypes.OriginProtocolPolicyHttpsOnly, OriginSslProtocols: &cftypes.OriginSslProtocols{Quantity: aws.Int32(1), Items: []cftypes.SslProtocol{"TLSv1.2"}}}},
			{Id: aws.String("assets"), DomainName: aws.String("assets.s3.eu-west-1.amazonaws.com"), OriginAccessControlId: aws.String("oac-1"), S3OriginConfig: &cftypes.S3OriginConfig{OriginAccessIdentity: aws.String("")}},
		}},
		ViewerCertificate: &cftypes.ViewerCertificate{ACMCertificateArn: aws.String("arn:aws:acm:us-east-1:111122223333:certificate/1"), SSLSupportMethod: cftypes.SSLSupportMethodSniOnly, MinimumProtocolVersion: cftypes.MinimumProtocolVersionTLSv122021},
	}
}

// badDistribution fails every CloudFront check.
func badDistribution(comment string) cftypes.DistributionConfig {
	c := goodDistribution(comment)
	c.DefaultRootObject = aws.String("")
	c.WebACLId = aws.String("")
	c.Logging = &cftypes.LoggingConfig{Enabled: aws.Bool(false), Bucket: aws.String(""), Prefix: aws.String(""), IncludeCookies: aws.Bool(false)}
	c.DefaultCacheBehavior.ViewerProtocolPolicy = cftypes.ViewerProtocolPolicyAllowAll
	c.CacheBehaviors.Items[0].ViewerProtocolPolicy = cftypes.ViewerProtocolPolicyAllowAll
	c.Origins.Items[0].CustomOriginConfig.OriginProtocolPolicy = cftypes.OriginProtocolPolicyMatchViewer
	c.Origins.Items[0].CustomOriginConfig.OriginSslProtocols = &cftypes.OriginSslProtocols{Quantity: aws.Int32(3), Items: []cftypes.SslProtocol{"SSLv3", "TLSv1", "TLSv1.2"}}
	c.Origins.Items[1].OriginAccessControlId = aws.String("")
	c.Origins.Items[1].S3OriginConfig = &cftypes.S3OriginConfig{OriginAccessIdentity: aws.String("origin-access-identity/cloudfront/E1")}
	c.ViewerCertificate.MinimumProtocolVersion = cftypes.MinimumProtocolVersionTLSv122019
	return c
}

func cfClient(acct *fakeaws.Account) *cloudfront.Client {
	return cloudfront.NewFromConfig(acct.Config())
}

// headBucket is a hand-written BucketExistsAPI: names in missing are not
// found; others exist.
type headBucket struct{ missing map[string]bool }

func (h headBucket) HeadBucket(_ context.Context, in *s3.HeadBucketInput, _ ...func(*s3.Options)) (*s3.HeadBucketOutput, error) {
	if h.missing[aws.ToString(in.Bucket)] {
		return nil, &smithy.GenericAPIError{Code: "NotFound", Message: "Not Found"}
	}
	return &s3.HeadBucketOutput{}, nil
}

func TestCloudFrontChecks(t *testing.T) {
	ctx := context.Background()
	acct := fakeaws.New(testAccount)
	good := acct.CloudFront.AddDistribution(goodDistribution("good"))
	bad := acct.CloudFront.AddDistribution(badDistribution("bad"))
	defaultCert := goodDistribution("default-cert")
	defaultCert.ViewerCertificate = &cftypes.ViewerCertificate{CloudFrontDefaultCertificate: aws.Bool(true), MinimumProtocolVersion: cftypes.MinimumProtocolVersionTLSv1}
	defaultCert.Origins.Items = defaultCert.Origins.Items[:1]
	defaultCert.CacheBehaviors = &cftypes.CacheBehaviors{Quantity: aws.Int32(0)}
	dc := acct.CloudFront.AddDistribution(defaultCert)
	// Four distributions make the list take two pages.
	missing := goodDistribution("missing-bucket")
	missing.Origins.Items[1].DomainName = aws.String("gone.s3.amazonaws.com")
	mb := acct.CloudFront.AddDistribution(missing)
	c := cfClient(acct)
	buckets := headBucket{missing: map[string]bool{"gone": true}}

	checks := map[string]func() ([]secpillar.Finding, error){
		ControlCloudFrontViewerHTTPS:           func() ([]secpillar.Finding, error) { return CheckCloudFrontViewerHTTPS(ctx, c) },
		ControlCloudFrontOriginHTTPS:           func() ([]secpillar.Finding, error) { return CheckCloudFrontOriginHTTPS(ctx, c) },
		ControlCloudFrontNoDeprecatedOriginSSL: func() ([]secpillar.Finding, error) { return CheckCloudFrontNoDeprecatedOriginSSL(ctx, c) },
		ControlCloudFrontViewerTLSPolicy:       func() ([]secpillar.Finding, error) { return CheckCloudFrontViewerTLSPolicy(ctx, c) },
		ControlCloudFrontWAF:                   func() ([]secpillar.Finding, error) { return CheckCloudFrontWAF(ctx, c) },
		ControlCloudFrontLogging:               func() ([]secpillar.Finding, error) { return CheckCloudFrontLogging(ctx, c) },
		ControlCloudFrontS3OriginOAC:           func() ([]secpillar.Finding, error) { return CheckCloudFrontS3OriginOAC(ctx, c, buckets) },
		ControlCloudFrontDefaultRootObject:     func() ([]secpillar.Finding, error) { return CheckCloudFrontDefaultRootObject(ctx, c) },
	}
	want := map[string]map[string]secpillar.Status{}
	for id := range checks {
		want[id] = map[string]secpillar.Status{good.ID: "PASS", bad.ID: "FAIL", dc.ID: "PASS", mb.ID: "PASS"}
	}
	want[ControlCloudFrontViewerTLSPolicy][dc.ID] = "FAIL"
	want[ControlCloudFrontS3OriginOAC][dc.ID] = "NOT_APPLICABLE"
	want[ControlCloudFrontS3OriginOAC][mb.ID] = "FAIL"
	got := map[string]map[string]secpillar.Status{}
	for id, check := range checks {
		fs, err := check()
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		got[id] = statuses(fs, "distribution_id")
		for _, f := range fs {
			if f.Control != id || f.Resource.Type != DistributionResourceType || !strings.HasPrefix(f.Resource.ID, "arn:aws:cloudfront::") {
				t.Errorf("%s: finding %+v", id, f)
			}
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestCloudFrontCheckErrors(t *testing.T) {
	ctx := context.Background()
	list := func(mut func(*cftypes.DistributionSummary)) func(*fakeaws.Account) {
		return func(a *fakeaws.Account) {
			a.Inject(fakeaws.Fault{Service: "CloudFront", Operation: "ListDistributions", Respond: func(context.Context, any) (any, error) {
				c := goodDistribution("x")
				s := cftypes.DistributionSummary{Id: aws.String("E1"), ARN: aws.String("arn:aws:cloudfront::1:distribution/E1"), DefaultCacheBehavior: c.DefaultCacheBehavior,
					CacheBehaviors: c.CacheBehaviors, Origins: c.Origins, ViewerCertificate: c.ViewerCertificate, WebACLId: c.WebACLId}
				mut(&s)
				return &cloudfront.ListDistributionsOutput{DistributionList: &cftypes.DistributionList{Items: []cftypes.DistributionSummary{s}, IsTruncated: aws.Bool(false)}}, nil
			}})
		}
	}
	viewer := func(a *fakeaws.Account) error { _, err := CheckCloudFrontViewerHTTPS(ctx, cfClient(a)); return err }
	origin := func(a *fakeaws.Account) error { _, err := CheckCloudFrontOriginHTTPS(ctx, cfClient(a)); return err }
	ssl := func(a *fakeaws.Account) error {
		_, err := CheckCloudFrontNoDeprecatedOriginSSL(ctx, cfClient(a))
		return err
	}
	tls := func(a *fakeaws.Account) error { _, err := CheckCloudFrontViewerTLSPolicy(ctx, cfClient(a)); return err }
	waf := func(a *fakeaws.Account) error { _, err := CheckCloudFrontWAF(ctx, cfClient(a)); return err }
	logging := func(a *fakeaws.Account) error { _, err := CheckCloudFrontLogging(ctx, cfClient(a)); return err }
	seed := func(a *fakeaws.Account) { a.CloudFront.AddDistribution(goodDistribution("x")) }
	wantError(t, "access denied", seed, func(a *fakeaws.Account) { a.DenyAccess("CloudFront", "ListDistributions", "") }, viewer, "explicit deny")
	wantError(t, "config access denied", seed, func(a *fakeaws.Account) { a.DenyAccess("CloudFront", "GetDistributionConfig", "") }, logging, "explicit deny")
	wantError(t, "nil list", nil, respondWith("CloudFront", "ListDistributions", &cloudfront.ListDistributionsOutput{}), viewer, "no DistributionList")
	wantError(t, "truncated without marker", nil, respondWith("CloudFront", "ListDistributions", &cloudfront.ListDistributionsOutput{DistributionList: &cftypes.DistributionList{IsTruncated: aws.Bool(true)}}), viewer, "no NextMarker")
	wantError(t, "nil default behavior", nil, list(func(s *cftypes.DistributionSummary) { s.DefaultCacheBehavior = nil }), viewer, "no DefaultCacheBehavior")
	wantError(t, "unknown viewer policy", nil, list(func(s *cftypes.DistributionSummary) {
		s.DefaultCacheBehavior = &cftypes.DefaultCacheBehavior{TargetOriginId: aws.String("app"), ViewerProtocolPolicy: "quic-only"}
	}), viewer, `unknown ViewerProtocolPolicy "quic-only"`)
	wantError(t, "nil target origin", nil, list(func(s *cftypes.DistributionSummary) {
		s.DefaultCacheBehavior = &cftypes.DefaultCacheBehavior{ViewerProtocolPolicy: "https-only"}
	}), origin, "no TargetOriginId")
	wantError(t, "origin of no kind", nil, list(func(s *cftypes.DistributionSummary) {
		o := *s.Origins
		o.Items = []cftypes.Origin{{Id: aws.String("app"), DomainName: aws.String("a.example")}}
		s.Origins = &o
	}), origin, "no CustomOriginConfig, S3OriginConfig or VpcOriginConfig")
	wantError(t, "nil origins", nil, list(func(s *cftypes.DistributionSummary) { s.Origins = nil }), origin, "no Origins")
	wantError(t, "nil ssl protocols", nil, list(func(s *cftypes.DistributionSummary) {
		o := *s.Origins
		o.Items = []cftypes.Origin{{Id: aws.String("a"), DomainName: aws.String("a.example"), CustomOriginConfig: &cftypes.CustomOriginConfig{OriginProtocolPolicy: "https-only"}}}
		s.Origins = &o
	}), ssl, "no OriginSslProtocols")
	wantError(t, "nil certificate", nil, list(func(s *cftypes.DistributionSummary) { s.ViewerCertificate = nil }), tls, "no ViewerCertificate")
	wantError(t, "unknown tls policy", nil, list(func(s *cftypes.DistributionSummary) {
		s.ViewerCertificate = &cftypes.ViewerCertificate{MinimumProtocolVersion: "TLSv9"}
	}), tls, `unknown MinimumProtocolVersion "TLSv9"`)
	wantError(t, "nil web ACL", nil, list(func(s *cftypes.DistributionSummary) { s.WebACLId = nil }), waf, "no WebACLId")
	wantError(t, "nil logging", func(a *fakeaws.Account) {
		c := goodDistribution("x")
		c.Logging = nil
		a.CloudFront.AddDistribution(c)
	}, func(*fakeaws.Account) {}, logging, "no Logging.Enabled")
	wantError(t, "bucket lookup fails", seed, func(*fakeaws.Account) {}, func(a *fakeaws.Account) error {
		_, err := CheckCloudFrontS3OriginOAC(ctx, cfClient(a), failingHead{})
		return err
	}, "look up origin bucket")

	empty := fakeaws.New(testAccount)
	if fs, err := CheckCloudFrontLogging(ctx, cfClient(empty)); err != nil || len(fs) != 0 {
		t.Errorf("no distributions: %v %v", fs, err)
	}
}

type failingHead struct{}

func (failingHead) HeadBucket(context.Context, *s3.HeadBucketInput, ...func(*s3.Options)) (*s3.HeadBucketOutput, error) {
	return nil, &smithy.GenericAPIError{Code: "InternalError", Message: "boom"}
}

func TestCloudFrontRemediations(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name    string
		run     func(c *cloudfront.Client, id string, opts ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error)
		changed func(before, after cftypes.DistributionConfig) cftypes.DistributionConfig // what after must equal: before with the owned field fixed
	}{
		{"viewer https", func(c *cloudfront.Client, id string, o ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
			return RemediateCloudFrontViewerHTTPS(ctx, c, id, o...)
		}, func(b, _ cftypes.DistributionConfig) cftypes.DistributionConfig {
			b.DefaultCacheBehavior.ViewerProtocolPolicy = "redirect-to-https"
			b.CacheBehaviors.Items[0].ViewerProtocolPolicy = "redirect-to-https"
			return b
		}},
		{"origin https", func(c *cloudfront.Client, id string, o ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
			return RemediateCloudFrontOriginHTTPS(ctx, c, id, o...)
		}, func(b, _ cftypes.DistributionConfig) cftypes.DistributionConfig {
			b.Origins.Items[0].CustomOriginConfig.OriginProtocolPolicy = "https-only"
			return b
		}},
		{"origin ssl", func(c *cloudfront.Client, id string, o ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
			return RemediateCloudFrontNoDeprecatedOriginSSL(ctx, c, id, o...)
		}, func(b, _ cftypes.DistributionConfig) cftypes.DistributionConfig {
			b.Origins.Items[0].CustomOriginConfig.OriginSslProtocols = &cftypes.OriginSslProtocols{Quantity: aws.Int32(1), Items: []cftypes.SslProtocol{"TLSv1.2"}}
			return b
		}},
		{"viewer tls", func(c *cloudfront.Client, id string, o ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
			return RemediateCloudFrontViewerTLSPolicy(ctx, c, id, "", o...)
		}, func(b, _ cftypes.DistributionConfig) cftypes.DistributionConfig {
			b.ViewerCertificate.MinimumProtocolVersion = "TLSv1.2_2021"
			return b
		}},
		{"waf", func(c *cloudfront.Client, id string, o ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
			return RemediateCloudFrontWAF(ctx, c, id, "arn:aws:wafv2:us-east-1:111122223333:global/webacl/edge/abc", o...)
		}, func(b, _ cftypes.DistributionConfig) cftypes.DistributionConfig {
			b.WebACLId = aws.String("arn:aws:wafv2:us-east-1:111122223333:global/webacl/edge/abc")
			return b
		}},
		{"logging", func(c *cloudfront.Client, id string, o ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
			return RemediateCloudFrontLogging(ctx, c, id, CloudFrontLogTarget{Bucket: "logs.s3.amazonaws.com", Prefix: "edge/"}, o...)
		}, func(b, _ cftypes.DistributionConfig) cftypes.DistributionConfig {
			b.Logging = &cftypes.LoggingConfig{Enabled: aws.Bool(true), Bucket: aws.String("logs.s3.amazonaws.com"), Prefix: aws.String("edge/"), IncludeCookies: aws.Bool(false)}
			return b
		}},
		{"root object", func(c *cloudfront.Client, id string, o ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
			return RemediateCloudFrontDefaultRootObject(ctx, c, id, "", o...)
		}, func(b, _ cftypes.DistributionConfig) cftypes.DistributionConfig {
			b.DefaultRootObject = aws.String("index.html")
			return b
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			acct := fakeaws.New(testAccount)
			d := acct.CloudFront.AddDistribution(badDistribution("bad"))
			before, etag := cloneConfig(t, d.Config), d.ETag
			c := cfClient(acct)

			rem, err := tt.run(c, d.ID, secpillar.DryRun)
			if err != nil || rem.Outcome != secpillar.OutcomePlanned || len(rem.Changes) == 0 || acct.CallCount("CloudFront", "UpdateDistribution") != 0 || d.ETag != etag {
				t.Fatalf("dry run: %+v %v", rem, err)
			}
			rem, err = tt.run(c, d.ID)
			if err != nil || rem.Outcome != secpillar.OutcomeChanged || rem.Undo == "" {
				t.Fatalf("apply: %+v %v", rem, err)
			}
			if d.ETag == etag {
				t.Error("the ETag did not change")
			}
			want := tt.changed(cloneConfig(t, before), d.Config)
			if diff := cmp.Diff(want, d.Config, cmpIgnoreSmithy); diff != "" {
				t.Errorf("only the owned field may change (-want +got):\n%s", diff)
			}
			rem, err = tt.run(c, d.ID)
			if err != nil || rem.Outcome != secpillar.OutcomeCompliant || acct.CallCount("CloudFront", "UpdateDistribution") != 1 {
				t.Fatalf("second run: %+v %v", rem, err)
			}
		})
	}
}

func cloneConfig(t *testing.T, c cftypes.DistributionConfig) cftypes.DistributionConfig {
	t.Helper()
	acct := fakeaws.New(testAccount)
	d := acct.CloudFront.AddDistribution(c)
	out, err := cfClient(acct).GetDistributionConfig(context.Background(), &cloudfront.GetDistributionConfigInput{Id: aws.String(d.ID)})
	if err != nil {
		t.Fatal(err)
	}
	return *out.DistributionConfig
}

// TestCloudFrontRemediationStaleETag: someone else updates the
// distribution between our read and our write. The update is refused
// (PreconditionFailed); the remediation re-reads, recomputes on the new
// configuration (keeping the other writer's change) and succeeds. When it
// keeps happening, it fails clearly after one retry.
func TestCloudFrontRemediationStaleETag(t *testing.T) {
	ctx := context.Background()
	acct := fakeaws.New(testAccount)
	d := acct.CloudFront.AddDistribution(badDistribution("original"))
	interfere := func(ctx context.Context, params any) (any, error) {
		cur, err := acct.CloudFront.GetDistributionConfig(ctx, &cloudfront.GetDistributionConfigInput{Id: aws.String(d.ID)})
		if err != nil {
			return nil, err
		}
		cur.DistributionConfig.Comment = aws.String(aws.ToString(cur.DistributionConfig.Comment) + "+edited")
		if _, err := acct.CloudFront.UpdateDistribution(ctx, &cloudfront.UpdateDistributionInput{Id: aws.String(d.ID), IfMatch: cur.ETag, DistributionConfig: cur.DistributionConfig}); err != nil {
			return nil, err
		}
		return acct.CloudFront.UpdateDistribution(ctx, params.(*cloudfront.UpdateDistributionInput)) // now stale
	}
	acct.Inject(fakeaws.Fault{Service: "CloudFront", Operation: "UpdateDistribution", FirstN: 1, Respond: interfere})
	rem, err := RemediateCloudFrontDefaultRootObject(ctx, cfClient(acct), d.ID, "")
	if err != nil || rem.Outcome != secpillar.OutcomeChanged {
		t.Fatalf("got %+v, %v", rem, err)
	}
	if aws.ToString(d.Config.Comment) != "original+edited" || aws.ToString(d.Config.DefaultRootObject) != "index.html" {
		t.Errorf("config after retry: comment %q, root %q", aws.ToString(d.Config.Comment), aws.ToString(d.Config.DefaultRootObject))
	}
	if n := acct.CallCount("CloudFront", "GetDistributionConfig"); n != 3 {
		t.Errorf("%d reads, want 3 (read, re-read after the stale ETag, verify)", n)
	}

	acct.ClearFaults()
	acct.Inject(fakeaws.Fault{Service: "CloudFront", Operation: "UpdateDistribution", Respond: interfere})
	_, err = RemediateCloudFrontViewerHTTPS(ctx, cfClient(acct), d.ID)
	var pf *cftypes.PreconditionFailed
	if err == nil || !strings.Contains(err.Error(), "changed again") || !errorsAs(err, &pf) {
		t.Fatalf("persistent conflict: %v", err)
	}
	if d.Config.DefaultCacheBehavior.ViewerProtocolPolicy != "allow-all" {
		t.Error("a write went through despite the conflicts")
	}
}

func TestCloudFrontRemediationInputs(t *testing.T) {
	ctx := context.Background()
	acct := fakeaws.New(testAccount)
	d := acct.CloudFront.AddDistribution(badDistribution("x"))
	c := cfClient(acct)
	if _, err := RemediateCloudFrontWAF(ctx, c, d.ID, "arn:aws:wafv2:eu-west-1:1:regional/webacl/a/b"); err == nil {
		t.Error("a REGIONAL web ACL was accepted")
	}
	if _, err := RemediateCloudFrontLogging(ctx, c, d.ID, CloudFrontLogTarget{Bucket: "logs"}); err == nil {
		t.Error("a bucket name without domain was accepted")
	}
	if _, err := RemediateCloudFrontViewerHTTPS(ctx, c, ""); err == nil {
		t.Error("an empty ID was accepted")
	}
	if n := len(acct.Calls()); n != 0 {
		t.Errorf("bad input made %d calls", n)
	}
	if _, err := RemediateCloudFrontViewerHTTPS(ctx, c, "ENOSUCH"); err == nil || !strings.Contains(err.Error(), "NoSuchDistribution") {
		t.Errorf("missing distribution: %v", err)
	}
	def := goodDistribution("default")
	def.ViewerCertificate = &cftypes.ViewerCertificate{CloudFrontDefaultCertificate: aws.Bool(true), MinimumProtocolVersion: "TLSv1"}
	dd := acct.CloudFront.AddDistribution(def)
	if _, err := RemediateCloudFrontViewerTLSPolicy(ctx, c, dd.ID, ""); err == nil || !strings.Contains(err.Error(), "custom certificate") {
		t.Errorf("default certificate: %v", err)
	}
	// The catalogue adapter finds the distribution in the finding's ARN.
	control := controlByID(t, ControlCloudFrontDefaultRootObject)
	fs, err := control.Check(ctx, acct.Config())
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fs {
		if f.Status != secpillar.StatusFail {
			continue
		}
		if rem, err := control.Remediate(ctx, acct.Config(), f, secpillar.RemediateOptions{}); err != nil || rem.Outcome != secpillar.OutcomeChanged {
			t.Errorf("adapter: %+v %v", rem, err)
		}
	}
}

func errorsAs(err error, target any) bool { return errors.As(err, target) }
