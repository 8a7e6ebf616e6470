package dataprotection

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	s3ctypes "github.com/aws/aws-sdk-go-v2/service/s3control/types"
	"github.com/google/go-cmp/cmp"
	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/internal/awserr"
	"github.com/secpillar/secpillar/internal/fakeaws"
	"github.com/secpillar/secpillar/internal/policy"
)

const (
	tlsDenyOtherSid = `{"Version":"2012-10-17","Statement":[{"Sid":"AllowSSLRequestsOnly","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::%s","arn:aws:s3:::%s/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`
	tlsDenyPutOnly  = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::%s/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`
	tlsDenyNarrowed = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::%s","arn:aws:s3:::%s/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"},"StringEquals":{"aws:SourceVpce":"vpce-1"}}}]}`
	otherStatements = `{
  "Version": "2012-10-17",
  "Id": "keep-me",
  "Statement": [
    {"Sid": "ReadForPartner", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::%s/*"},
    {"Sid":"DenyUnencrypted","Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::%s/*","Condition":{"Null":{"s3:x-amz-server-side-encryption":"true"}}}
  ]
}`
)

func TestCheckS3BucketDenyInsecureTransport(t *testing.T) {
	a := fakeaws.New(testAccount)
	a.S3.Bucket("none", "us-east-1")
	a.S3.Bucket("other-sid", "eu-west-1").Policy = policyFor(tlsDenyOtherSid, "other-sid")
	a.S3.Bucket("put-only", "eu-west-1").Policy = policyFor(tlsDenyPutOnly, "put-only")
	a.S3.Bucket("narrowed", "eu-west-1").Policy = policyFor(tlsDenyNarrowed, "narrowed")
	a.S3.Bucket("unrelated", "ap-southeast-2").Policy = policyFor(otherStatements, "unrelated")
	got, err := CheckS3BucketDenyInsecureTransport(context.Background(), s3.NewFromConfig(a.Config()))
	if err != nil {
		t.Fatal(err)
	}
	const noDeny = "FAIL: The bucket policy does not deny requests over plain HTTP; add a Deny of s3:* for every principal when aws:SecureTransport is false."
	want := map[string]string{
		"none":      "FAIL: The bucket has no policy, so requests over plain HTTP are allowed; add a Deny for aws:SecureTransport false.",
		"other-sid": "PASS: The bucket policy denies requests that do not use TLS.",
		"put-only":  noDeny,
		"narrowed":  noDeny,
		"unrelated": noDeny,
	}
	if diff := cmp.Diff(want, verdicts(got)); diff != "" {
		t.Errorf("verdicts (-want +got):\n%s", diff)
	}

	a.DenyAccess("S3", "GetBucketPolicy", "eu-west-1")
	if _, err := CheckS3BucketDenyInsecureTransport(context.Background(), s3.NewFromConfig(a.Config())); !awserr.IsAccessDenied(err) {
		t.Errorf("err = %v, want access denied", err)
	}
}

func TestRemediateS3BucketDenyInsecureTransport(t *testing.T) {
	b := Bucket{Name: "data", Region: "eu-west-1"}
	orig := policyFor(otherStatements, "data")
	t.Run("merge keeps every other statement", func(t *testing.T) {
		runRemediationCase(t, remediationCase{
			setup: func(a *fakeaws.Account) { a.S3.Bucket("data", "eu-west-1").Policy = orig },
			run: func(ctx context.Context, api *s3.Client, o ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
				return RemediateS3BucketDenyInsecureTransport(ctx, api, b, o...)
			},
			write: "PutBucketPolicy",
			verify: func(t *testing.T, a *fakeaws.Account) {
				before, _ := policy.Parse(orig)
				after, err := policy.Parse(a.S3.Buckets["data"].Policy)
				if err != nil {
					t.Fatal(err)
				}
				if len(after.Statements) != 3 || after.ID != "keep-me" {
					t.Fatalf("policy after merge: %s", a.S3.Buckets["data"].Policy)
				}
				for i := range before.Statements {
					var x, y any
					json.Unmarshal(before.Statements[i].Raw, &x)
					json.Unmarshal(after.Statements[i].Raw, &y)
					if diff := cmp.Diff(x, y); diff != "" {
						t.Errorf("statement %d changed (-before +after):\n%s", i, diff)
					}
				}
				if after.Statements[2].Sid != DenyInsecureTransportSid {
					t.Errorf("new statement Sid = %q", after.Statements[2].Sid)
				}
			},
		})
	})
	t.Run("no policy creates one", func(t *testing.T) {
		runRemediationCase(t, remediationCase{
			setup: func(a *fakeaws.Account) { a.S3.Bucket("data", "eu-west-1") },
			run: func(ctx context.Context, api *s3.Client, o ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
				return RemediateS3BucketDenyInsecureTransport(ctx, api, b, o...)
			},
			write: "PutBucketPolicy",
			verify: func(t *testing.T, a *fakeaws.Account) {
				d, err := policy.Parse(a.S3.Buckets["data"].Policy)
				if err != nil || len(d.Statements) != 1 {
					t.Errorf("policy %s, %v", a.S3.Buckets["data"].Policy, err)
				}
			},
		})
	})
	t.Run("equivalent statement with another sid", func(t *testing.T) {
		a := fakeaws.New(testAccount)
		a.S3.Bucket("data", "eu-west-1").Policy = policyFor(tlsDenyOtherSid, "data")
		got, err := RemediateS3BucketDenyInsecureTransport(context.Background(), s3.NewFromConfig(a.Config()), b)
		if err != nil || got.Outcome != secpillar.OutcomeCompliant {
			t.Errorf("got %+v, %v; want COMPLIANT", got, err)
		}
		if n := a.CallCount("S3", "PutBucketPolicy"); n != 0 {
			t.Errorf("%d writes", n)
		}
	})
	t.Run("policy changed by another writer is merged again", func(t *testing.T) {
		a := fakeaws.New(testAccount)
		a.S3.Bucket("data", "eu-west-1").Policy = policyFor(otherStatements, "data")
		reads := 0
		a.Inject(fakeaws.Fault{Service: "S3", Operation: "GetBucketPolicy", Respond: func(ctx context.Context, params any) (any, error) {
			reads++
			if reads == 1 { // another writer adds a statement after the first read
				defer func() {
					a.S3.Buckets["data"].Policy = strings.Replace(a.S3.Buckets["data"].Policy, `"Id": "keep-me"`, `"Id": "changed"`, 1)
				}()
			}
			return &s3.GetBucketPolicyOutput{Policy: aws.String(a.S3.Buckets["data"].Policy)}, nil
		}})
		got, err := RemediateS3BucketDenyInsecureTransport(context.Background(), s3.NewFromConfig(a.Config()), b)
		if err != nil || got.Outcome != secpillar.OutcomeChanged {
			t.Fatalf("got %+v, %v; want CHANGED", got, err)
		}
		if p := a.S3.Buckets["data"].Policy; !strings.Contains(p, `"changed"`) || !strings.Contains(p, "ReadForPartner") {
			t.Errorf("the other writer's change was lost: %s", p)
		}
	})
	t.Run("policy that changes on every read is an error, not a write", func(t *testing.T) {
		a := fakeaws.New(testAccount)
		a.S3.Bucket("data", "eu-west-1")
		reads := 0
		a.Inject(fakeaws.Fault{Service: "S3", Operation: "GetBucketPolicy", Respond: func(ctx context.Context, params any) (any, error) {
			reads++
			return &s3.GetBucketPolicyOutput{Policy: aws.String(fmt.Sprintf(`{"Version":"2012-10-17","Id":"v%d","Statement":[]}`, reads))}, nil
		}})
		_, err := RemediateS3BucketDenyInsecureTransport(context.Background(), s3.NewFromConfig(a.Config()), b)
		if err == nil || !strings.Contains(err.Error(), "changed on each") {
			t.Errorf("err = %v; want the policy-keeps-changing error", err)
		}
		if n := a.CallCount("S3", "PutBucketPolicy"); n != 0 {
			t.Errorf("%d writes", n)
		}
	})
	t.Run("malformed policy is an error", func(t *testing.T) {
		a := fakeaws.New(testAccount)
		a.S3.Bucket("data", "eu-west-1").Policy = `{"Statement": 7}`
		if _, err := RemediateS3BucketDenyInsecureTransport(context.Background(), s3.NewFromConfig(a.Config()), b); err == nil {
			t.Error("want an error")
		}
		if n := a.CallCount("S3", "PutBucketPolicy"); n != 0 {
			t.Errorf("%d writes", n)
		}
	})
}

func TestCheckS3BucketCrossAccountRestricted(t *testing.T) {
	a := fakeaws.New(testAccount)
	a.S3.Bucket("partner", "us-east-1").Policy = policyFor(otherStatements, "partner") // 444455556666
	a.S3.Bucket("own", "us-east-1").Policy = `{"Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:role/app","111122223333"]},"Action":"s3:GetObject","Resource":"*"},{"Effect":"Allow","Principal":{"Service":"logging.s3.amazonaws.com"},"Action":"s3:PutObject","Resource":"*"}]}`
	a.S3.Bucket("by-condition", "eu-west-1").Policy = `{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalAccount":["777788889999","111122223333"]}}}}`
	a.S3.Bucket("public", "eu-west-1").Policy = policyFor(publicReadPolicy, "public")
	a.S3.Bucket("deny-only", "eu-west-1").Policy = `{"Statement":{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::999999999999:root"},"Action":"s3:*","Resource":"*"}}`
	a.S3.Bucket("nopolicy", "eu-west-1")
	got, err := CheckS3BucketCrossAccountRestricted(context.Background(), s3.NewFromConfig(a.Config()), testAccount, func(o *S3CrossAccountOptions) {
		o.TrustedAccounts = []string{"777788889999"}
	})
	if err != nil {
		t.Fatal(err)
	}
	const ok = "PASS: The bucket policy grants access only to the owner and trusted accounts."
	want := map[string]string{
		"partner":      "FAIL: The bucket policy grants access outside the trusted accounts to 444455556666; remove those grants or trust those accounts explicitly.",
		"own":          ok,
		"by-condition": ok,
		"public":       "FAIL: The bucket policy grants access outside the trusted accounts to anyone (statement PublicRead); remove those grants or trust those accounts explicitly.",
		"deny-only":    ok,
		"nopolicy":     ok,
	}
	if diff := cmp.Diff(want, verdicts(got)); diff != "" {
		t.Errorf("verdicts (-want +got):\n%s", diff)
	}
	if _, err := CheckS3BucketCrossAccountRestricted(context.Background(), s3.NewFromConfig(a.Config()), testAccount, func(o *S3CrossAccountOptions) {
		o.TrustedAccounts = []string{"partner"}
	}); err == nil || !strings.Contains(err.Error(), `"partner"`) {
		t.Errorf("err = %v, want one naming the bad trusted account", err)
	}
	a.DenyAccess("S3", "GetBucketPolicy", "")
	if _, err := CheckS3BucketCrossAccountRestricted(context.Background(), s3.NewFromConfig(a.Config()), testAccount); !awserr.IsAccessDenied(err) {
		t.Errorf("err = %v, want access denied", err)
	}
}

func TestCheckS3AccessPointBlockPublic(t *testing.T) {
	a := fakeaws.New(testAccount)
	a.S3Control.AccessPoints = []fakeaws.S3AccessPoint{
		{Name: "closed", Bucket: "data", Region: "eu-west-1", NetworkOrigin: s3ctypes.NetworkOriginInternet, PublicAccessBlock: bpa(true, true, true, true)},
		{Name: "open", Bucket: "data", Region: "eu-west-1", NetworkOrigin: s3ctypes.NetworkOriginInternet, PublicAccessBlock: bpa(false, false, true, true)},
		{Name: "elsewhere", Bucket: "other", Region: "us-east-1", NetworkOrigin: s3ctypes.NetworkOriginVpc, VpcID: "vpc-1", PublicAccessBlock: bpa(false, false, false, false)},
	}
	cfg := a.Config(func(c *aws.Config) { c.Region = "eu-west-1" })
	got, err := CheckS3AccessPointBlockPublic(context.Background(), s3control.NewFromConfig(cfg), testAccount, "eu-west-1")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"arn:aws:s3:eu-west-1:111122223333:accesspoint/closed": "PASS: The access point blocks public access (all four flags on).",
		"arn:aws:s3:eu-west-1:111122223333:accesspoint/open":   "FAIL: The access point's Block Public Access flags are off: BlockPublicAcls, IgnorePublicAcls; its flags cannot be changed, so replace it with one that blocks public access.",
	}
	if diff := cmp.Diff(want, verdicts(got)); diff != "" {
		t.Errorf("verdicts (-want +got):\n%s", diff)
	}
	// nil configuration in the answer
	a.Inject(fakeaws.Fault{Service: "S3 Control", Operation: "GetAccessPoint", Respond: func(context.Context, any) (any, error) {
		return &s3control.GetAccessPointOutput{Name: aws.String("closed")}, nil
	}})
	if _, err := CheckS3AccessPointBlockPublic(context.Background(), s3control.NewFromConfig(cfg), testAccount, "eu-west-1"); err == nil || !strings.Contains(err.Error(), "no PublicAccessBlockConfiguration") {
		t.Errorf("err = %v, want missing configuration", err)
	}
	a.DenyAccess("S3 Control", "ListAccessPoints", "eu-west-1")
	if _, err := CheckS3AccessPointBlockPublic(context.Background(), s3control.NewFromConfig(cfg), testAccount, "eu-west-1"); !awserr.IsAccessDenied(err) {
		t.Errorf("err = %v, want access denied", err)
	}
	// not configured: no access points in the Region
	got, err = CheckS3AccessPointBlockPublic(context.Background(), s3control.NewFromConfig(a.Config(func(c *aws.Config) { c.Region = "ap-southeast-2" })), testAccount, "ap-southeast-2")
	if err != nil || len(got) != 0 {
		t.Errorf("empty Region: %v, %v; want no findings", got, err)
	}
}
