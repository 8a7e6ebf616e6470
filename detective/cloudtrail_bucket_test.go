package detective_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	s3ctypes "github.com/aws/aws-sdk-go-v2/service/s3control/types"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/dataprotection"
	"github.com/secpillar/secpillar/detective"
	"github.com/secpillar/secpillar/internal/fakeaws"
)

const publicPolicy = `{"Version":"2012-10-17","Statement":[{"Sid":"Open","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::trail-bucket/*"}]}`

func bucketAccount(public, logging bool) *fakeaws.Account {
	acct := fakeaws.New(acctID)
	acct.CloudTrail.AddTrail(trail("main", "us-east-1", true))
	b := acct.S3.Bucket("trail-bucket", "eu-west-1")
	if public {
		b.Policy = publicPolicy
	}
	if logging {
		b.Logging = &s3types.LoggingEnabled{TargetBucket: aws.String("access-logs"), TargetPrefix: aws.String("trail/")}
	}
	return acct
}

func exposureAPIs(acct *fakeaws.Account) detective.TrailBucketExposureAPIs {
	cfg := cfgIn(acct, "us-east-1")
	return detective.TrailBucketExposureAPIs{CloudTrail: cloudtrail.NewFromConfig(cfg), S3: s3.NewFromConfig(cfg), S3Control: s3control.NewFromConfig(cfg)}
}

func TestCloudTrailBucketControls(t *testing.T) {
	tests := []struct {
		name         string
		acct         func() *fakeaws.Account
		public, logs secpillar.Status
		publicErr    string
	}{
		{"private and logged", func() *fakeaws.Account { return bucketAccount(false, true) }, secpillar.StatusPass, secpillar.StatusPass, ""},
		{"public, not logged", func() *fakeaws.Account { return bucketAccount(true, false) }, secpillar.StatusFail, secpillar.StatusFail, ""},
		{"public policy neutralised by account BPA", func() *fakeaws.Account {
			a := bucketAccount(true, true)
			a.S3Control.PublicAccessBlock = &s3ctypes.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(true), IgnorePublicAcls: aws.Bool(true),
				BlockPublicPolicy: aws.Bool(true), RestrictPublicBuckets: aws.Bool(true)}
			return a
		}, secpillar.StatusPass, secpillar.StatusPass, ""},
		{"bucket in another account", func() *fakeaws.Account {
			a := bucketAccount(false, false)
			a.S3.Buckets = nil
			return a
		}, secpillar.StatusNotApplicable, secpillar.StatusNotApplicable, ""},
		{"denied", func() *fakeaws.Account {
			a := bucketAccount(false, true)
			a.DenyAccess("S3", "GetBucketPolicy", "")
			return a
		}, "", secpillar.StatusPass, "explicit deny"},
		{"no bucket name", func() *fakeaws.Account {
			a := bucketAccount(false, true)
			a.CloudTrail.Trails[0].Trail.S3BucketName = nil
			return a
		}, "", "", "no S3BucketName"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			acct := tt.acct()
			got, err := detective.CheckCloudTrailBucketNotPublic(ctx, exposureAPIs(acct), "us-east-1")
			if tt.publicErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.publicErr) {
					t.Fatalf("not public: err = %v, want %q", err, tt.publicErr)
				}
			} else if err != nil || len(got) != 1 || got[0].Status != tt.public {
				t.Fatalf("not public: %+v %v, want %s", got, err, tt.public)
			}
			if tt.logs == "" {
				return
			}
			cfg := cfgIn(acct, "us-east-1")
			got, err = detective.CheckCloudTrailBucketAccessLogging(ctx, detective.TrailBucketLoggingAPIs{CloudTrail: cloudtrail.NewFromConfig(cfg), S3: s3.NewFromConfig(cfg)}, "us-east-1")
			if err != nil || len(got) != 1 || got[0].Status != tt.logs {
				t.Fatalf("logging: %+v %v, want %s", got, err, tt.logs)
			}
		})
	}
}

func TestRemediateCloudTrailBuckets(t *testing.T) {
	acct := bucketAccount(true, false)
	cfg := cfgIn(acct, "us-east-1")
	ct, s3c := cloudtrail.NewFromConfig(cfg), s3.NewFromConfig(cfg)
	rem, err := detective.RemediateCloudTrailBucketNotPublic(ctx, ct, s3c, "main", secpillar.DryRun)
	if err != nil || rem.Outcome != secpillar.OutcomePlanned || writes(acct) != 0 || rem.Control != detective.IDCloudTrailBucketNotPublic {
		t.Fatalf("dry run: %+v %v", rem, err)
	}
	rem, err = detective.RemediateCloudTrailBucketNotPublic(ctx, ct, s3c, "main")
	if err != nil || rem.Outcome != secpillar.OutcomeChanged {
		t.Fatalf("block: %+v %v", rem, err)
	}
	if acct.S3.Buckets["trail-bucket"].Policy != publicPolicy {
		t.Error("the bucket policy was changed")
	}
	got, err := detective.CheckCloudTrailBucketNotPublic(ctx, exposureAPIs(acct), "us-east-1")
	if err != nil || got[0].Status != secpillar.StatusPass {
		t.Errorf("after: %+v %v", got, err)
	}
	acct.ResetCalls()
	if rem, err = detective.RemediateCloudTrailBucketNotPublic(ctx, ct, s3c, "main"); err != nil || rem.Outcome != secpillar.OutcomeCompliant || writes(acct) != 0 {
		t.Errorf("second run: %+v %v", rem, err)
	}

	acct.S3.Bucket("access-logs", "eu-west-1")
	target := dataprotection.LoggingTarget{Bucket: "access-logs", Prefix: "cloudtrail/"}
	if _, err := detective.RemediateCloudTrailBucketAccessLogging(ctx, ct, s3c, "main", dataprotection.LoggingTarget{}); err == nil {
		t.Error("empty target: want an error")
	}
	rem, err = detective.RemediateCloudTrailBucketAccessLogging(ctx, ct, s3c, "main", target)
	if err != nil || rem.Outcome != secpillar.OutcomeChanged || rem.Control != detective.IDCloudTrailBucketAccessLogging {
		t.Fatalf("logging: %+v %v", rem, err)
	}
	acct.ResetCalls()
	if rem, err = detective.RemediateCloudTrailBucketAccessLogging(ctx, ct, s3c, "main", target); err != nil || rem.Outcome != secpillar.OutcomeCompliant || writes(acct) != 0 {
		t.Errorf("logging second run: %+v %v", rem, err)
	}

	other := bucketAccount(true, false)
	other.S3.Buckets = nil
	if _, err := detective.RemediateCloudTrailBucketNotPublic(ctx, cloudtrail.NewFromConfig(cfgIn(other, "us-east-1")), s3.NewFromConfig(cfgIn(other, "us-east-1")), "main"); err == nil || !strings.Contains(err.Error(), "not in this account") {
		t.Errorf("other account: %v", err)
	}
}
