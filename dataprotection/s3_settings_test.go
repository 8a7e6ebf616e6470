package dataprotection

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/google/go-cmp/cmp"
	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/internal/awserr"
	"github.com/secpillar/secpillar/internal/fakeaws"
)

// verdicts renders findings as bucket (or resource ID) -> "STATUS: reason".
func verdicts(fs []secpillar.Finding) map[string]string {
	m := map[string]string{}
	for _, f := range fs {
		id := strings.TrimPrefix(f.Resource.ID, "arn:aws:s3:::")
		m[id] = string(f.Status) + ": " + f.Reason
	}
	return m
}

func kmsRule(key string, bucketKey bool, blocked ...s3types.EncryptionType) *s3types.ServerSideEncryptionConfiguration {
	r := s3types.ServerSideEncryptionRule{ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAwsKms}, BucketKeyEnabled: aws.Bool(bucketKey)}
	if key != "" {
		r.ApplyServerSideEncryptionByDefault.KMSMasterKeyID = aws.String(key)
	}
	if blocked != nil {
		r.BlockedEncryptionTypes = &s3types.BlockedEncryptionTypes{EncryptionType: blocked}
	}
	return &s3types.ServerSideEncryptionConfiguration{Rules: []s3types.ServerSideEncryptionRule{r}}
}

const keyARN = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"

func TestS3BucketSettingChecks(t *testing.T) {
	type check func(ctx context.Context, api *s3.Client) ([]secpillar.Finding, error)
	tests := []struct {
		name    string
		setup   func(a *fakeaws.Account)
		check   check
		want    map[string]string
		wantErr string
	}{
		{
			name: "bucket public access block",
			setup: func(a *fakeaws.Account) {
				a.S3.Bucket("all-on", "us-east-1").PublicAccessBlock = &s3types.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(true), IgnorePublicAcls: aws.Bool(true), BlockPublicPolicy: aws.Bool(true), RestrictPublicBuckets: aws.Bool(true)}
				a.S3.Bucket("half", "eu-west-1").PublicAccessBlock = &s3types.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(true), BlockPublicPolicy: aws.Bool(true)}
				a.S3.Bucket("none", "ap-southeast-2")
			},
			check: func(ctx context.Context, api *s3.Client) ([]secpillar.Finding, error) {
				return CheckS3BucketPublicAccessBlock(ctx, api)
			},
			want: map[string]string{
				"all-on": "PASS: All four bucket-level Block Public Access flags are on.",
				"half":   "FAIL: Bucket-level Block Public Access flags are off: IgnorePublicAcls, RestrictPublicBuckets; turn them on.",
				"none":   "FAIL: The bucket has no Block Public Access configuration, so all four flags are off; turn all four on.",
			},
		},
		{
			name: "versioning",
			setup: func(a *fakeaws.Account) {
				a.S3.Bucket("on", "us-east-1").Versioning = s3types.BucketVersioningStatusEnabled
				a.S3.Bucket("suspended", "eu-west-1").Versioning = s3types.BucketVersioningStatusSuspended
				a.S3.Bucket("never", "eu-west-1")
			},
			check: func(ctx context.Context, api *s3.Client) ([]secpillar.Finding, error) {
				return CheckS3BucketVersioning(ctx, api)
			},
			want: map[string]string{
				"on":        "PASS: Versioning is enabled.",
				"suspended": "FAIL: Versioning is not enabled; enable it so that overwritten and deleted objects can be recovered.",
				"never":     "FAIL: Versioning is not enabled; enable it so that overwritten and deleted objects can be recovered.",
			},
		},
		{
			name: "mfa delete",
			setup: func(a *fakeaws.Account) {
				b := a.S3.Bucket("mfa", "us-east-1")
				b.Versioning, b.MFADelete = s3types.BucketVersioningStatusEnabled, s3types.MFADeleteStatusEnabled
				a.S3.Bucket("plain", "us-east-1").Versioning = s3types.BucketVersioningStatusEnabled
				a.S3.Bucket("never", "eu-west-1")
			},
			check: func(ctx context.Context, api *s3.Client) ([]secpillar.Finding, error) {
				return CheckS3BucketMFADelete(ctx, api)
			},
			want: map[string]string{
				"mfa":   "PASS: Versioning is enabled with MFA delete.",
				"plain": "FAIL: MFA delete is not on; the root user must enable versioning with MFA delete (PutBucketVersioning with its MFA device).",
				"never": "FAIL: MFA delete is not on; the root user must enable versioning with MFA delete (PutBucketVersioning with its MFA device).",
			},
		},
		{
			name: "unknown versioning status",
			setup: func(a *fakeaws.Account) {
				a.S3.Bucket("odd", "us-east-1").Versioning = "Paused"
			},
			check: func(ctx context.Context, api *s3.Client) ([]secpillar.Finding, error) {
				return CheckS3BucketVersioning(ctx, api)
			},
			wantErr: `unknown versioning status "Paused"`,
		},
		{
			name: "acls disabled",
			setup: func(a *fakeaws.Account) {
				a.S3.Bucket("enforced", "us-east-1").Ownership = s3types.ObjectOwnershipBucketOwnerEnforced
				a.S3.Bucket("preferred", "us-east-1").Ownership = s3types.ObjectOwnershipBucketOwnerPreferred
				a.S3.Bucket("legacy", "eu-west-1")
			},
			check: func(ctx context.Context, api *s3.Client) ([]secpillar.Finding, error) {
				return CheckS3BucketACLsDisabled(ctx, api)
			},
			want: map[string]string{
				"enforced":  "PASS: ACLs are disabled (object ownership BucketOwnerEnforced).",
				"preferred": "FAIL: ACLs are enabled; set object ownership to BucketOwnerEnforced after moving any access granted by ACLs into the bucket policy.",
				"legacy":    "FAIL: ACLs are enabled; set object ownership to BucketOwnerEnforced after moving any access granted by ACLs into the bucket policy.",
			},
		},
		{
			name: "access logging",
			setup: func(a *fakeaws.Account) {
				a.S3.Bucket("logs", "us-east-1")
				a.S3.Bucket("logged", "us-east-1").Logging = &s3types.LoggingEnabled{TargetBucket: aws.String("logs"), TargetPrefix: aws.String("logged/")}
			},
			check: func(ctx context.Context, api *s3.Client) ([]secpillar.Finding, error) {
				return CheckS3BucketAccessLogging(ctx, api)
			},
			want: map[string]string{
				"logs":   "FAIL: Server access logging is off; send the logs to a dedicated logging bucket in the same Region.",
				"logged": "PASS: Server access logging is on.",
			},
		},
		{
			name: "logging without a target bucket",
			setup: func(a *fakeaws.Account) {
				a.S3.Bucket("b", "us-east-1")
				a.Inject(fakeaws.Fault{Service: "S3", Operation: "GetBucketLogging", Respond: func(context.Context, any) (any, error) {
					return &s3.GetBucketLoggingOutput{LoggingEnabled: &s3types.LoggingEnabled{}}, nil
				}})
			},
			check: func(ctx context.Context, api *s3.Client) ([]secpillar.Finding, error) {
				return CheckS3BucketAccessLogging(ctx, api)
			},
			wantErr: "no TargetBucket",
		},
		{
			name: "sse-kms",
			setup: func(a *fakeaws.Account) {
				a.S3.Bucket("sse-s3", "us-east-1")
				a.S3.Bucket("kms-bk", "us-east-1").Encryption = kmsRule(keyARN, true)
				a.S3.Bucket("kms-nobk", "eu-west-1").Encryption = kmsRule(keyARN, false)
				a.S3.Bucket("dsse", "eu-west-1").Encryption = &s3types.ServerSideEncryptionConfiguration{Rules: []s3types.ServerSideEncryptionRule{{ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAwsKmsDsse}}}}
			},
			check: func(ctx context.Context, api *s3.Client) ([]secpillar.Finding, error) {
				return CheckS3BucketSSEKMS(ctx, api)
			},
			want: map[string]string{
				"sse-s3":   "FAIL: Default encryption is SSE-S3; set SSE-KMS with a bucket key.",
				"kms-bk":   "PASS: Default encryption is aws:kms with a bucket key where it applies.",
				"kms-nobk": "FAIL: Default encryption is SSE-KMS without a bucket key; enable the bucket key to cut KMS requests and cost.",
				"dsse":     "PASS: Default encryption is aws:kms:dsse with a bucket key where it applies.",
			},
		},
		{
			name: "sse-kms with a named key",
			setup: func(a *fakeaws.Account) {
				a.S3.Bucket("by-id", "us-east-1").Encryption = kmsRule("1234abcd-12ab-34cd-56ef-1234567890ab", true)
				a.S3.Bucket("other", "us-east-1").Encryption = kmsRule("arn:aws:kms:us-east-1:111122223333:key/other", true)
				a.S3.Bucket("managed", "us-east-1").Encryption = kmsRule("", true)
			},
			check: func(ctx context.Context, api *s3.Client) ([]secpillar.Finding, error) {
				return CheckS3BucketSSEKMS(ctx, api, func(o *S3BucketSSEKMSOptions) { o.KMSKeyID = keyARN })
			},
			want: map[string]string{
				"by-id":   "PASS: Default encryption is aws:kms with a bucket key where it applies.",
				"other":   "FAIL: Default encryption uses arn:aws:kms:us-east-1:111122223333:key/other, not the required key " + keyARN + ".",
				"managed": "FAIL: Default encryption uses the AWS managed key aws/s3, not the required key " + keyARN + ".",
			},
		},
		{
			name: "encryption not configured",
			setup: func(a *fakeaws.Account) {
				a.S3.Bucket("b", "us-east-1")
				a.Inject(fakeaws.Fault{Service: "S3", Operation: "GetBucketEncryption", Code: "ServerSideEncryptionConfigurationNotFoundError"})
			},
			check: func(ctx context.Context, api *s3.Client) ([]secpillar.Finding, error) {
				return CheckS3BucketSSEKMS(ctx, api)
			},
			want: map[string]string{"b": "FAIL: The bucket has no default encryption rule; set SSE-KMS with a bucket key."},
		},
		{
			name: "encryption answer without configuration",
			setup: func(a *fakeaws.Account) {
				a.S3.Bucket("b", "us-east-1")
				a.Inject(fakeaws.Fault{Service: "S3", Operation: "GetBucketEncryption", Respond: func(context.Context, any) (any, error) {
					return &s3.GetBucketEncryptionOutput{}, nil
				}})
			},
			check: func(ctx context.Context, api *s3.Client) ([]secpillar.Finding, error) {
				return CheckS3BucketSSEKMS(ctx, api)
			},
			wantErr: "no ServerSideEncryptionConfiguration",
		},
		{
			name: "sse-c blocked",
			setup: func(a *fakeaws.Account) {
				a.S3.Bucket("blocked", "us-east-1").Encryption = kmsRule("", true, s3types.EncryptionTypeSseC)
				a.S3.Bucket("none-blocked", "us-east-1").Encryption = kmsRule("", true, s3types.EncryptionTypeNone)
				a.S3.Bucket("default", "eu-west-1")
			},
			check: func(ctx context.Context, api *s3.Client) ([]secpillar.Finding, error) {
				return CheckS3BucketSSECBlocked(ctx, api)
			},
			want: map[string]string{
				"blocked":      "PASS: Uploads encrypted with customer-provided keys (SSE-C) are blocked.",
				"none-blocked": "FAIL: Uploads with customer-provided keys (SSE-C) are allowed; block SSE-C in the default encryption rule unless a workload needs it.",
				"default":      "FAIL: Uploads with customer-provided keys (SSE-C) are allowed; block SSE-C in the default encryption rule unless a workload needs it.",
			},
		},
		{
			name: "selected buckets only",
			setup: func(a *fakeaws.Account) {
				a.S3.Bucket("wanted", "eu-west-1")
				a.S3.Bucket("wanted-not", "eu-west-1")
			},
			check: func(ctx context.Context, api *s3.Client) ([]secpillar.Finding, error) {
				return CheckS3BucketVersioning(ctx, api, func(o *S3BucketOptions) { o.Buckets = []string{"wanted"} })
			},
			want: map[string]string{"wanted": "FAIL: Versioning is not enabled; enable it so that overwritten and deleted objects can be recovered."},
		},
		{
			name:  "selected bucket missing",
			setup: func(a *fakeaws.Account) { a.S3.Bucket("b", "eu-west-1") },
			check: func(ctx context.Context, api *s3.Client) ([]secpillar.Finding, error) {
				return CheckS3BucketVersioning(ctx, api, func(o *S3BucketOptions) { o.Buckets = []string{"gone"} })
			},
			wantErr: "bucket gone not found",
		},
		{
			name:  "list access denied",
			setup: func(a *fakeaws.Account) { a.S3.Bucket("b", "eu-west-1"); a.DenyAccess("S3", "ListBuckets", "") },
			check: func(ctx context.Context, api *s3.Client) ([]secpillar.Finding, error) {
				return CheckS3BucketVersioning(ctx, api)
			},
			wantErr: "explicit deny",
		},
		{
			name: "read access denied",
			setup: func(a *fakeaws.Account) {
				a.S3.Bucket("b", "eu-west-1")
				a.DenyAccess("S3", "GetBucketOwnershipControls", "eu-west-1")
			},
			check: func(ctx context.Context, api *s3.Client) ([]secpillar.Finding, error) {
				return CheckS3BucketACLsDisabled(ctx, api)
			},
			wantErr: "explicit deny",
		},
		{
			name: "bucket without a region",
			setup: func(a *fakeaws.Account) {
				a.Inject(fakeaws.Fault{Service: "S3", Operation: "ListBuckets", Respond: func(context.Context, any) (any, error) {
					return &s3.ListBucketsOutput{Buckets: []s3types.Bucket{{Name: aws.String("b")}}}, nil
				}})
			},
			check: func(ctx context.Context, api *s3.Client) ([]secpillar.Finding, error) {
				return CheckS3BucketVersioning(ctx, api)
			},
			wantErr: `bucket "b" has no BucketRegion`,
		},
		{
			name: "repeated continuation token",
			setup: func(a *fakeaws.Account) {
				a.Inject(fakeaws.Fault{Service: "S3", Operation: "ListBuckets", Respond: func(context.Context, any) (any, error) {
					return &s3.ListBucketsOutput{ContinuationToken: aws.String("same")}, nil
				}})
			},
			check: func(ctx context.Context, api *s3.Client) ([]secpillar.Finding, error) {
				return CheckS3BucketVersioning(ctx, api)
			},
			wantErr: "came back twice",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := fakeaws.New(testAccount)
			tt.setup(a)
			got, err := tt.check(context.Background(), s3.NewFromConfig(a.Config()))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
				}
				if strings.Contains(tt.name, "denied") && !awserr.IsAccessDenied(err) {
					t.Errorf("err = %v, want access denied", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, verdicts(got)); diff != "" {
				t.Errorf("verdicts (-want +got):\n%s", diff)
			}
		})
	}
}

func TestS3BucketFindingShape(t *testing.T) {
	a := fakeaws.New(testAccount)
	a.S3.Bucket("kms-nobk", "eu-west-1").Encryption = kmsRule(keyARN, false, s3types.EncryptionTypeSseC)
	got, err := CheckS3BucketSSEKMS(context.Background(), s3.NewFromConfig(a.Config()))
	if err != nil {
		t.Fatal(err)
	}
	want := []secpillar.Finding{{
		Control: ControlS3BucketSSEKMS, Status: secpillar.StatusFail, Severity: secpillar.SeverityMedium,
		Resource: secpillar.Resource{Type: "AWS::S3::Bucket", ID: "arn:aws:s3:::kms-nobk", Region: "eu-west-1"},
		Reason:   "Default encryption is SSE-KMS without a bucket key; enable the bucket key to cut KMS requests and cost.",
		Evidence: map[string]string{"sse_algorithm": "aws:kms", "bucket_key_enabled": "false", "kms_key": keyARN, "blocked_encryption_types": "SSE-C"},
	}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}

// remediationCase runs a remediation three times (dry run, apply, again)
// and checks the write counts.
type remediationCase struct {
	name   string
	setup  func(a *fakeaws.Account)
	run    func(ctx context.Context, api *s3.Client, opts ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error)
	write  string // S3 operation that writes
	verify func(t *testing.T, a *fakeaws.Account)
}

func TestS3BucketSettingRemediations(t *testing.T) {
	b := Bucket{Name: "data", Region: "eu-west-1"}
	tests := []remediationCase{
		{
			name: "bucket public access block keeps flags on",
			setup: func(a *fakeaws.Account) {
				a.S3.Bucket("data", "eu-west-1").PublicAccessBlock = &s3types.PublicAccessBlockConfiguration{BlockPublicPolicy: aws.Bool(true)}
			},
			run: func(ctx context.Context, api *s3.Client, o ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
				return RemediateS3BucketPublicAccessBlock(ctx, api, b, o...)
			},
			write: "PutPublicAccessBlock",
			verify: func(t *testing.T, a *fakeaws.Account) {
				p := a.S3.Buckets["data"].PublicAccessBlock
				if !aws.ToBool(p.BlockPublicAcls) || !aws.ToBool(p.IgnorePublicAcls) || !aws.ToBool(p.BlockPublicPolicy) || !aws.ToBool(p.RestrictPublicBuckets) {
					t.Errorf("flags after remediation: %+v", p)
				}
			},
		},
		{
			name: "versioning keeps mfa delete",
			setup: func(a *fakeaws.Account) {
				bk := a.S3.Bucket("data", "eu-west-1")
				bk.Versioning, bk.MFADelete = s3types.BucketVersioningStatusSuspended, s3types.MFADeleteStatusDisabled
			},
			run: func(ctx context.Context, api *s3.Client, o ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
				return RemediateS3BucketVersioning(ctx, api, b, o...)
			},
			write: "PutBucketVersioning",
			verify: func(t *testing.T, a *fakeaws.Account) {
				if bk := a.S3.Buckets["data"]; bk.Versioning != "Enabled" || bk.MFADelete != "Disabled" {
					t.Errorf("versioning %q mfa %q", bk.Versioning, bk.MFADelete)
				}
			},
		},
		{
			name: "acls disabled",
			setup: func(a *fakeaws.Account) {
				a.S3.Bucket("data", "eu-west-1").Ownership = s3types.ObjectOwnershipObjectWriter
			},
			run: func(ctx context.Context, api *s3.Client, o ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
				return RemediateS3BucketACLsDisabled(ctx, api, b, o...)
			},
			write: "PutBucketOwnershipControls",
			verify: func(t *testing.T, a *fakeaws.Account) {
				if o := a.S3.Buckets["data"].Ownership; o != s3types.ObjectOwnershipBucketOwnerEnforced {
					t.Errorf("ownership %q", o)
				}
			},
		},
		{
			name:  "access logging",
			setup: func(a *fakeaws.Account) { a.S3.Bucket("data", "eu-west-1"); a.S3.Bucket("logs", "eu-west-1") },
			run: func(ctx context.Context, api *s3.Client, o ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
				return RemediateS3BucketAccessLogging(ctx, api, b, LoggingTarget{Bucket: "logs", Prefix: "data/"}, o...)
			},
			write: "PutBucketLogging",
			verify: func(t *testing.T, a *fakeaws.Account) {
				if l := a.S3.Buckets["data"].Logging; l == nil || aws.ToString(l.TargetBucket) != "logs" || aws.ToString(l.TargetPrefix) != "data/" {
					t.Errorf("logging %+v", l)
				}
			},
		},
		{
			name: "sse-kms keeps blocked types and the configured key",
			setup: func(a *fakeaws.Account) {
				a.S3.Bucket("data", "eu-west-1").Encryption = kmsRule(keyARN, false, s3types.EncryptionTypeSseC)
			},
			run: func(ctx context.Context, api *s3.Client, o ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
				return RemediateS3BucketSSEKMS(ctx, api, b, "", o...)
			},
			write: "PutBucketEncryption",
			verify: func(t *testing.T, a *fakeaws.Account) {
				want := kmsRule(keyARN, true, s3types.EncryptionTypeSseC)
				if diff := cmp.Diff(want, a.S3.Buckets["data"].Encryption, cmpS3()); diff != "" {
					t.Errorf("encryption (-want +got):\n%s", diff)
				}
			},
		},
		{
			name: "sse-c blocked keeps the kms rule",
			setup: func(a *fakeaws.Account) {
				a.S3.Bucket("data", "eu-west-1").Encryption = kmsRule(keyARN, true, s3types.EncryptionTypeNone)
			},
			run: func(ctx context.Context, api *s3.Client, o ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
				return RemediateS3BucketSSECBlocked(ctx, api, b, o...)
			},
			write: "PutBucketEncryption",
			verify: func(t *testing.T, a *fakeaws.Account) {
				want := kmsRule(keyARN, true, s3types.EncryptionTypeSseC)
				if diff := cmp.Diff(want, a.S3.Buckets["data"].Encryption, cmpS3()); diff != "" {
					t.Errorf("encryption (-want +got):\n%s", diff)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { runRemediationCase(t, tt) })
	}
}

func runRemediationCase(t *testing.T, tt remediationCase) {
	t.Helper()
	a := fakeaws.New(testAccount)
	tt.setup(a)
	api := s3.NewFromConfig(a.Config())
	ctx := context.Background()
	dry, err := tt.run(ctx, api, secpillar.DryRun)
	if err != nil {
		t.Fatal(err)
	}
	if dry.Outcome != secpillar.OutcomePlanned || len(dry.Changes) == 0 {
		t.Fatalf("dry run = %+v, want PLANNED with changes", dry)
	}
	if n := a.CallCount("S3", tt.write); n != 0 {
		t.Fatalf("dry run made %d writes", n)
	}
	got, err := tt.run(ctx, api)
	if err != nil {
		t.Fatal(err)
	}
	if got.Outcome != secpillar.OutcomeChanged {
		t.Errorf("outcome = %s, want CHANGED", got.Outcome)
	}
	if diff := cmp.Diff(dry.Changes, got.Changes); diff != "" {
		t.Errorf("applied changes differ from planned (-plan +applied):\n%s", diff)
	}
	tt.verify(t, a)
	a.ResetCalls()
	again, err := tt.run(ctx, api)
	if err != nil {
		t.Fatal(err)
	}
	if again.Outcome != secpillar.OutcomeCompliant || len(again.Changes) != 0 {
		t.Errorf("second run = %+v, want COMPLIANT", again)
	}
	if n := a.CallCount("S3", tt.write); n != 0 {
		t.Errorf("second run made %d writes", n)
	}
}

func cmpS3() cmp.Option {
	return cmp.AllowUnexported(s3types.ServerSideEncryptionConfiguration{}, s3types.ServerSideEncryptionRule{}, s3types.ServerSideEncryptionByDefault{}, s3types.BlockedEncryptionTypes{})
}

func TestS3RemediationBadInput(t *testing.T) {
	a := fakeaws.New(testAccount)
	api := s3.NewFromConfig(a.Config())
	ctx := context.Background()
	if _, err := RemediateS3BucketVersioning(ctx, api, Bucket{Name: "x"}); err == nil || !strings.Contains(err.Error(), "empty Region") {
		t.Errorf("err = %v, want empty Region", err)
	}
	if _, err := RemediateS3BucketAccessLogging(ctx, api, Bucket{Name: "x", Region: "us-east-1"}, LoggingTarget{Bucket: "x"}); err == nil || !strings.Contains(err.Error(), "the bucket itself") {
		t.Errorf("err = %v, want refusal to log to itself", err)
	}
	if n := len(a.Calls()); n != 0 {
		t.Errorf("%d calls made before rejecting bad input", n)
	}
	a.S3.Bucket("acl", "us-east-1").ACL = &fakeaws.S3ACL{Grants: []s3types.Grant{{Grantee: &s3types.Grantee{Type: s3types.TypeGroup, URI: aws.String("http://acs.amazonaws.com/groups/global/AllUsers")}, Permission: s3types.PermissionRead}}}
	if _, err := RemediateS3BucketACLsDisabled(ctx, api, Bucket{Name: "acl", Region: "us-east-1"}); !awserr.IsCode(err, "InvalidBucketAclWithObjectOwnership") {
		t.Errorf("err = %v, want InvalidBucketAclWithObjectOwnership", err)
	}
}

// TestBucketChecksNeverPassOnUnreadableData denies, then empties, the
// per-bucket read of every bucket control: denial must be an error, and an
// empty answer must be an error or a FAIL, never a PASS.
func TestBucketChecksNeverPassOnUnreadableData(t *testing.T) {
	reads := map[string]struct {
		op    string
		empty any
	}{
		ControlS3BucketPublicAccessBlock:      {"GetPublicAccessBlock", &s3.GetPublicAccessBlockOutput{}},
		ControlS3BucketNotPublic:              {"GetBucketPolicy", &s3.GetBucketPolicyOutput{}},
		ControlS3BucketDenyInsecureTransport:  {"GetBucketPolicy", &s3.GetBucketPolicyOutput{}},
		ControlS3BucketCrossAccountRestricted: {"GetBucketPolicy", &s3.GetBucketPolicyOutput{}},
		ControlS3BucketMFADelete:              {"GetBucketVersioning", &s3.GetBucketVersioningOutput{}},
		ControlS3BucketVersioning:             {"GetBucketVersioning", &s3.GetBucketVersioningOutput{}},
		ControlS3BucketACLsDisabled:           {"GetBucketOwnershipControls", &s3.GetBucketOwnershipControlsOutput{}},
		ControlS3BucketAccessLogging:          {"GetBucketLogging", &s3.GetBucketLoggingOutput{}},
		ControlS3BucketSSEKMS:                 {"GetBucketEncryption", &s3.GetBucketEncryptionOutput{}},
		ControlS3BucketSSECBlocked:            {"GetBucketEncryption", &s3.GetBucketEncryptionOutput{}},
	}
	for id, r := range reads {
		t.Run(id, func(t *testing.T) {
			a := fakeaws.New(testAccount)
			a.S3.Bucket("b", "eu-west-1")
			cfg := a.Config()
			c := controlByID(t, id)
			deny := a.DenyAccess("S3", r.op, "")
			if _, err := c.Check(context.Background(), cfg); !awserr.IsAccessDenied(err) {
				t.Errorf("denied %s: err = %v, want access denied", r.op, err)
			}
			a.Remove(deny)
			a.Inject(fakeaws.Fault{Service: "S3", Operation: r.op, Respond: func(context.Context, any) (any, error) { return r.empty, nil }})
			fs, err := c.Check(context.Background(), cfg)
			if err == nil {
				for _, f := range fs {
					if f.Status == secpillar.StatusPass {
						t.Errorf("empty %s answer gave PASS: %+v", r.op, f)
					}
				}
			}
		})
	}
}

func TestRemediateS3BucketSSEKMSKeepsDualLayer(t *testing.T) {
	a := fakeaws.New(testAccount)
	a.S3.Bucket("d", "us-east-1").Encryption = &s3types.ServerSideEncryptionConfiguration{Rules: []s3types.ServerSideEncryptionRule{{
		ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAwsKmsDsse, KMSMasterKeyID: aws.String("arn:aws:kms:us-east-1:111122223333:key/old")},
	}}}
	rem, err := RemediateS3BucketSSEKMS(context.Background(), s3.NewFromConfig(a.Config()), Bucket{Name: "d", Region: "us-east-1"}, keyARN)
	if err != nil || rem.Outcome != secpillar.OutcomeChanged {
		t.Fatalf("remediation = %+v, %v", rem, err)
	}
	got := a.S3.Buckets["d"].Encryption.Rules[0]
	if got.ApplyServerSideEncryptionByDefault.SSEAlgorithm != s3types.ServerSideEncryptionAwsKmsDsse || aws.ToString(got.ApplyServerSideEncryptionByDefault.KMSMasterKeyID) != keyARN {
		t.Errorf("rule after remediation: %+v", got.ApplyServerSideEncryptionByDefault)
	}
}
