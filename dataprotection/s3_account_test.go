package dataprotection

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	s3ctypes "github.com/aws/aws-sdk-go-v2/service/s3control/types"
	"github.com/google/go-cmp/cmp"
	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/internal/awserr"
	"github.com/secpillar/secpillar/internal/fakeaws"
)

const testAccount = "111122223333"

func bpa(a, b, c, d bool) *s3ctypes.PublicAccessBlockConfiguration {
	return &s3ctypes.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(a), IgnorePublicAcls: aws.Bool(b), BlockPublicPolicy: aws.Bool(c), RestrictPublicBuckets: aws.Bool(d)}
}

func TestCheckS3AccountPublicAccessBlock(t *testing.T) {
	acctRes := secpillar.AccountResource(testAccount)
	tests := []struct {
		name    string
		state   *s3ctypes.PublicAccessBlockConfiguration
		setup   func(a *fakeaws.Account)
		want    secpillar.Finding
		wantErr string
	}{
		{
			name:  "all four on",
			state: bpa(true, true, true, true),
			want: secpillar.Finding{Control: ControlS3AccountPublicAccessBlock, Status: secpillar.StatusPass, Severity: secpillar.SeverityHigh, Resource: acctRes,
				Reason:   "All four account-level S3 Block Public Access flags are on.",
				Evidence: map[string]string{"configured": "true", "flags": "BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true"}},
		},
		{
			name:  "two off",
			state: bpa(true, false, true, false),
			want: secpillar.Finding{Control: ControlS3AccountPublicAccessBlock, Status: secpillar.StatusFail, Severity: secpillar.SeverityHigh, Resource: acctRes,
				Reason:   "Account-level S3 Block Public Access flags are off: IgnorePublicAcls, RestrictPublicBuckets; turn them on.",
				Evidence: map[string]string{"configured": "true", "flags": "BlockPublicAcls=true,IgnorePublicAcls=false,BlockPublicPolicy=true,RestrictPublicBuckets=false"}},
		},
		{
			name: "not configured",
			want: secpillar.Finding{Control: ControlS3AccountPublicAccessBlock, Status: secpillar.StatusFail, Severity: secpillar.SeverityHigh, Resource: acctRes,
				Reason:   "The account has no S3 Block Public Access configuration, so all four flags are off; turn all four on.",
				Evidence: map[string]string{"configured": "false", "flags": "BlockPublicAcls=false,IgnorePublicAcls=false,BlockPublicPolicy=false,RestrictPublicBuckets=false"}},
		},
		{
			name:    "access denied",
			state:   bpa(true, true, true, true),
			setup:   func(a *fakeaws.Account) { a.DenyAccess("S3 Control", "GetPublicAccessBlock", "") },
			wantErr: "explicit deny in a service control policy",
		},
		{
			name: "nil configuration in the answer",
			setup: func(a *fakeaws.Account) {
				a.Inject(fakeaws.Fault{Service: "S3 Control", Operation: "GetPublicAccessBlock", Respond: func(context.Context, any) (any, error) {
					return &s3control.GetPublicAccessBlockOutput{}, nil
				}})
			},
			wantErr: "no PublicAccessBlockConfiguration",
		},
		{
			name:  "nil flags read as off",
			state: &s3ctypes.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(true)},
			setup: func(a *fakeaws.Account) {
				a.Inject(fakeaws.Fault{Service: "S3 Control", Operation: "GetPublicAccessBlock", Respond: func(context.Context, any) (any, error) {
					return &s3control.GetPublicAccessBlockOutput{PublicAccessBlockConfiguration: &s3ctypes.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(true)}}, nil
				}})
			},
			want: secpillar.Finding{Control: ControlS3AccountPublicAccessBlock, Status: secpillar.StatusFail, Severity: secpillar.SeverityHigh, Resource: acctRes,
				Reason:   "Account-level S3 Block Public Access flags are off: IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets; turn them on.",
				Evidence: map[string]string{"configured": "true", "flags": "BlockPublicAcls=true,IgnorePublicAcls=false,BlockPublicPolicy=false,RestrictPublicBuckets=false"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := fakeaws.New(testAccount)
			a.S3Control.PublicAccessBlock = tt.state
			if tt.setup != nil {
				tt.setup(a)
			}
			got, err := CheckS3AccountPublicAccessBlock(context.Background(), s3control.NewFromConfig(a.Config()), testAccount)
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
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("finding (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCheckS3AccountPublicAccessBlockBadInput(t *testing.T) {
	a := fakeaws.New(testAccount)
	_, err := CheckS3AccountPublicAccessBlock(context.Background(), s3control.NewFromConfig(a.Config()), "12x")
	if err == nil || !strings.Contains(err.Error(), `"12x"`) {
		t.Fatalf("err = %v, want one naming the account ID", err)
	}
	if n := len(a.Calls()); n != 0 {
		t.Errorf("%d calls made before rejecting bad input", n)
	}
}

func TestRemediateS3AccountPublicAccessBlock(t *testing.T) {
	acctRes := secpillar.AccountResource(testAccount)
	a := fakeaws.New(testAccount)
	a.S3Control.PublicAccessBlock = bpa(true, false, false, true)
	api := s3control.NewFromConfig(a.Config())
	ctx := context.Background()

	wantChanges := []secpillar.Change{
		{Resource: acctRes, Action: "s3:PutAccountPublicAccessBlock", Field: "IgnorePublicAcls", Before: "false", After: "true"},
		{Resource: acctRes, Action: "s3:PutAccountPublicAccessBlock", Field: "BlockPublicPolicy", Before: "false", After: "true"},
	}
	dry, err := RemediateS3AccountPublicAccessBlock(ctx, api, testAccount, secpillar.DryRun)
	if err != nil {
		t.Fatal(err)
	}
	if dry.Outcome != secpillar.OutcomePlanned {
		t.Errorf("dry run outcome = %s, want PLANNED", dry.Outcome)
	}
	if diff := cmp.Diff(wantChanges, dry.Changes); diff != "" {
		t.Errorf("planned changes (-want +got):\n%s", diff)
	}
	if n := a.CallCount("S3 Control", "PutPublicAccessBlock"); n != 0 {
		t.Fatalf("dry run made %d writes", n)
	}

	got, err := RemediateS3AccountPublicAccessBlock(ctx, api, testAccount)
	if err != nil {
		t.Fatal(err)
	}
	if got.Outcome != secpillar.OutcomeChanged {
		t.Errorf("outcome = %s, want CHANGED", got.Outcome)
	}
	if diff := cmp.Diff(wantChanges, got.Changes); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(bpa(true, true, true, true), a.S3Control.PublicAccessBlock, cmp.AllowUnexported(s3ctypes.PublicAccessBlockConfiguration{})); diff != "" {
		t.Errorf("state (-want +got):\n%s", diff)
	}

	a.ResetCalls()
	again, err := RemediateS3AccountPublicAccessBlock(ctx, api, testAccount)
	if err != nil {
		t.Fatal(err)
	}
	if again.Outcome != secpillar.OutcomeCompliant || len(again.Changes) != 0 {
		t.Errorf("second run = %+v, want COMPLIANT with no changes", again)
	}
	if n := a.CallCount("S3 Control", "PutPublicAccessBlock"); n != 0 {
		t.Errorf("second run made %d writes", n)
	}
}

func TestRemediateS3AccountPublicAccessBlockNotConfigured(t *testing.T) {
	a := fakeaws.New(testAccount)
	api := s3control.NewFromConfig(a.Config())
	got, err := RemediateS3AccountPublicAccessBlock(context.Background(), api, testAccount)
	if err != nil {
		t.Fatal(err)
	}
	if got.Outcome != secpillar.OutcomeChanged || len(got.Changes) != 4 {
		t.Errorf("remediation = %+v, want CHANGED with four changes", got)
	}
	a.DenyAccess("S3 Control", "PutPublicAccessBlock", "")
	a.S3Control.PublicAccessBlock = nil
	if _, err := RemediateS3AccountPublicAccessBlock(context.Background(), api, testAccount); !awserr.IsAccessDenied(err) {
		t.Errorf("err = %v, want access denied", err)
	}
}

func TestS3AccountPublicAccessBlockAdapter(t *testing.T) {
	a := fakeaws.New(testAccount)
	cfg := a.Config()
	c := controlByID(t, ControlS3AccountPublicAccessBlock)
	fs, err := c.Check(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 1 || fs[0].Status != secpillar.StatusFail {
		t.Fatalf("findings = %+v, want one FAIL", fs)
	}
	rem, err := c.Remediate(context.Background(), cfg, fs[0], secpillar.RemediateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rem.Outcome != secpillar.OutcomeChanged {
		t.Errorf("outcome = %s, want CHANGED", rem.Outcome)
	}
	fs, err = c.Check(context.Background(), cfg)
	if err != nil || fs[0].Status != secpillar.StatusPass {
		t.Errorf("after remediation: %+v, %v; want PASS", fs, err)
	}
	if _, err := c.Remediate(context.Background(), cfg, secpillar.Finding{Resource: secpillar.Resource{ID: "arn:aws:s3:::b"}}, secpillar.RemediateOptions{}); err == nil {
		t.Error("remediating a finding with no account: want an error")
	}
}

func controlByID(t *testing.T, id string) secpillar.Control {
	t.Helper()
	for _, c := range Controls() {
		if c.ID == id {
			return c
		}
	}
	t.Fatalf("no control %s in Controls()", id)
	return secpillar.Control{}
}
