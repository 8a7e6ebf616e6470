package dataprotection

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/google/go-cmp/cmp"
	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/internal/awserr"
	"github.com/secpillar/secpillar/internal/fakeaws"
	"github.com/secpillar/secpillar/internal/policy"
)

const publicReadPolicy = `{"Version":"2012-10-17","Statement":[{"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::%s/*"}]}`

func policyFor(tmpl, bucket string) string { return strings.ReplaceAll(tmpl, "%s", bucket) }

func groupGrant(group string, p s3types.Permission) s3types.Grant {
	return s3types.Grant{Grantee: &s3types.Grantee{Type: s3types.TypeGroup, URI: aws.String("http://acs.amazonaws.com/groups/" + group)}, Permission: p}
}

func s3bpa(a, b, c, d bool) *s3types.PublicAccessBlockConfiguration {
	return &s3types.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(a), IgnorePublicAcls: aws.Bool(b), BlockPublicPolicy: aws.Bool(c), RestrictPublicBuckets: aws.Bool(d)}
}

func TestCheckS3BucketNotPublic(t *testing.T) {
	tests := []struct {
		name    string
		setup   func(a *fakeaws.Account)
		opts    func(*S3BucketNotPublicOptions)
		want    map[string]string
		wantEv  map[string]map[string]string
		wantErr string
	}{
		{
			name: "layers without block public access",
			setup: func(a *fakeaws.Account) {
				a.S3.Bucket("pol", "us-east-1").Policy = policyFor(publicReadPolicy, "pol")
				a.S3.Bucket("acl-read", "eu-west-1").ACL = &fakeaws.S3ACL{Grants: []s3types.Grant{groupGrant("global/AllUsers", s3types.PermissionRead)}}
				a.S3.Bucket("acl-write", "eu-west-1").ACL = &fakeaws.S3ACL{Grants: []s3types.Grant{groupGrant("global/AuthenticatedUsers", s3types.PermissionWrite)}}
				a.S3.Bucket("logs", "eu-west-1").ACL = &fakeaws.S3ACL{Grants: []s3types.Grant{groupGrant("s3/LogDelivery", s3types.PermissionWrite)}}
				a.S3.Bucket("vpce", "ap-southeast-2").Policy = `{"Statement":{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1a2b3c4d"}}}}`
				a.S3.Bucket("negated", "ap-southeast-2").Policy = `{"Statement":{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:PutObject","Resource":"*","Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-1a2b3c4d"}}}}`
				a.S3.Bucket("private", "us-east-1")
			},
			want: map[string]string{
				"pol":       "FAIL: The bucket is public (read): its policy lets anyone in through statement PublicRead; turn on Block Public Access and remove the public grants.",
				"acl-read":  "FAIL: The bucket is public (read): its ACL grants AllUsers:READ; turn on Block Public Access and remove the public grants.",
				"acl-write": "FAIL: The bucket is public (write): its ACL grants AuthenticatedUsers:WRITE; turn on Block Public Access and remove the public grants.",
				"logs":      "PASS: The bucket is not public: no public ACL grant or policy statement is in effect.",
				"vpce":      "PASS: The bucket is not public: no public ACL grant or policy statement is in effect.",
				"negated":   "FAIL: The bucket is public (write): its policy lets anyone in through statement #0; turn on Block Public Access and remove the public grants.",
				"private":   "PASS: The bucket is not public: no public ACL grant or policy statement is in effect.",
			},
		},
		{
			name: "bucket-level restrict and ignore neutralise",
			setup: func(a *fakeaws.Account) {
				b := a.S3.Bucket("neutral", "us-east-1")
				b.Policy = policyFor(publicReadPolicy, "neutral")
				b.ACL = &fakeaws.S3ACL{Grants: []s3types.Grant{groupGrant("global/AllUsers", s3types.PermissionRead)}}
				b.PublicAccessBlock = s3bpa(false, true, false, true)
			},
			want: map[string]string{
				"neutral": "PASS: The bucket is not public: IgnorePublicAcls at bucket level neutralises any public ACL and RestrictPublicBuckets at bucket level neutralises any public policy.",
			},
			wantEv: map[string]map[string]string{"neutral": {
				"account_bpa": "BlockPublicAcls=false,IgnorePublicAcls=false,BlockPublicPolicy=false,RestrictPublicBuckets=false",
				"bucket_bpa":  "BlockPublicAcls=false,IgnorePublicAcls=true,BlockPublicPolicy=false,RestrictPublicBuckets=true",
				"acl":         "not read: IgnorePublicAcls is on (at bucket level)",
				"policy":      "not read: RestrictPublicBuckets is on (at bucket level)",
			}},
		},
		{
			name: "inspect neutralised layers",
			setup: func(a *fakeaws.Account) {
				b := a.S3.Bucket("neutral", "us-east-1")
				b.Policy = policyFor(publicReadPolicy, "neutral")
				a.S3Control.PublicAccessBlock = bpa(false, false, false, true)
			},
			opts: func(o *S3BucketNotPublicOptions) { o.InspectNeutralised = true },
			want: map[string]string{
				"neutral": "PASS: The bucket is not public: its public policy is restricted to the account and AWS services (RestrictPublicBuckets at account level).",
			},
			wantEv: map[string]map[string]string{"neutral": {
				"account_bpa": "BlockPublicAcls=false,IgnorePublicAcls=false,BlockPublicPolicy=false,RestrictPublicBuckets=true",
				"bucket_bpa":  "BlockPublicAcls=false,IgnorePublicAcls=false,BlockPublicPolicy=false,RestrictPublicBuckets=false",
				"acl":         "not public",
				"policy":      "public: " + publicReasons(t, policyFor(publicReadPolicy, "neutral")),
			}},
		},
		{
			name: "block public acls alone does not neutralise an existing grant",
			setup: func(a *fakeaws.Account) {
				b := a.S3.Bucket("old-grant", "us-east-1")
				b.ACL = &fakeaws.S3ACL{Grants: []s3types.Grant{groupGrant("global/AllUsers", s3types.PermissionFullControl)}}
				b.PublicAccessBlock = s3bpa(true, false, true, false)
			},
			want: map[string]string{
				"old-grant": "FAIL: The bucket is public (read,write): its ACL grants AllUsers:FULL_CONTROL; turn on Block Public Access and remove the public grants.",
			},
		},
		{
			name: "malformed policy",
			setup: func(a *fakeaws.Account) {
				a.S3.Bucket("bad", "us-east-1").Policy = `{"Statement":[{"Effect":"Maybe"}]}`
			},
			wantErr: "policy of bucket bad",
		},
		{
			name:    "policy access denied",
			setup:   func(a *fakeaws.Account) { a.S3.Bucket("b", "us-east-1"); a.DenyAccess("S3", "GetBucketPolicy", "") },
			wantErr: "explicit deny",
		},
		{
			name: "account flags access denied",
			setup: func(a *fakeaws.Account) {
				a.S3.Bucket("b", "us-east-1")
				a.DenyAccess("S3 Control", "GetPublicAccessBlock", "")
			},
			wantErr: "explicit deny",
		},
		{
			name: "grant without grantee",
			setup: func(a *fakeaws.Account) {
				a.S3.Bucket("b", "us-east-1").ACL = &fakeaws.S3ACL{Grants: []s3types.Grant{{Permission: s3types.PermissionRead}}}
			},
			wantErr: "a grant without a grantee",
		},
		{
			name: "policy answer without a policy",
			setup: func(a *fakeaws.Account) {
				a.S3.Bucket("b", "us-east-1")
				a.Inject(fakeaws.Fault{Service: "S3", Operation: "GetBucketPolicy", Respond: func(context.Context, any) (any, error) { return &s3.GetBucketPolicyOutput{}, nil }})
			},
			wantErr: "no Policy",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := fakeaws.New(testAccount)
			tt.setup(a)
			cfg := a.Config()
			var opts []func(*S3BucketNotPublicOptions)
			if tt.opts != nil {
				opts = append(opts, tt.opts)
			}
			got, err := CheckS3BucketNotPublic(context.Background(), s3.NewFromConfig(cfg), s3control.NewFromConfig(cfg), testAccount, opts...)
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
			for _, f := range got {
				name := strings.TrimPrefix(f.Resource.ID, "arn:aws:s3:::")
				if want, ok := tt.wantEv[name]; ok {
					if diff := cmp.Diff(want, f.Evidence); diff != "" {
						t.Errorf("%s evidence (-want +got):\n%s", name, diff)
					}
				}
				if name == "acl-write" && f.Severity != secpillar.SeverityCritical {
					t.Errorf("public write severity = %s, want CRITICAL", f.Severity)
				}
			}
		})
	}
}

func TestCheckS3BucketNotPublicAccountNeutralisesWithoutBucketReads(t *testing.T) {
	a := fakeaws.New(testAccount)
	a.S3Control.PublicAccessBlock = bpa(true, true, true, true)
	for _, n := range []string{"a", "b", "c", "d"} {
		a.S3.Bucket(n, "eu-west-1").Policy = policyFor(publicReadPolicy, n)
	}
	cfg := a.Config()
	got, err := CheckS3BucketNotPublic(context.Background(), s3.NewFromConfig(cfg), s3control.NewFromConfig(cfg), testAccount)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 4 {
		t.Fatalf("%d findings, want 4", len(got))
	}
	for _, f := range got {
		if f.Status != secpillar.StatusPass {
			t.Errorf("%s: %s, want PASS", f.Resource.ID, f.Status)
		}
	}
	want := map[string]int{"S3 Control.GetPublicAccessBlock": 1, "S3.ListBuckets": 2}
	if diff := cmp.Diff(want, a.CallCounts()); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
}

func TestRemediateS3BucketNotPublicKeepsPolicy(t *testing.T) {
	pol := policyFor(publicReadPolicy, "data")
	runRemediationCase(t, remediationCase{
		setup: func(a *fakeaws.Account) {
			b := a.S3.Bucket("data", "eu-west-1")
			b.Policy = pol
			b.PublicAccessBlock = s3bpa(true, false, false, false)
		},
		run: func(ctx context.Context, api *s3.Client, o ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
			return RemediateS3BucketNotPublic(ctx, api, Bucket{Name: "data", Region: "eu-west-1"}, o...)
		},
		write: "PutPublicAccessBlock",
		verify: func(t *testing.T, a *fakeaws.Account) {
			if got := a.S3.Buckets["data"].Policy; got != pol {
				t.Errorf("policy changed to %s", got)
			}
			if a.CallCount("S3", "PutBucketPolicy")+a.CallCount("S3", "DeleteBucketPolicy") != 0 {
				t.Error("the policy was written")
			}
		},
	})
}

func publicReasons(t *testing.T, doc string) string {
	t.Helper()
	d, err := policy.Parse(doc)
	if err != nil {
		t.Fatal(err)
	}
	var rs []string
	for _, p := range policy.PublicStatements(d, policy.PublicOptions{BucketPolicy: true, Account: testAccount}) {
		rs = append(rs, p.Reason)
	}
	return strings.Join(rs, "; ")
}
