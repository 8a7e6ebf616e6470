package identity

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/internal/fakeaws"
)

// reportFaults are the failure modes every credential-report check must
// turn into an error.
var reportFaults = []struct {
	name    string
	setup   func(a *fakeaws.Account)
	wantErr string
}{
	{"access denied", func(a *fakeaws.Account) { a.DenyAccess("IAM", "GenerateCredentialReport", "") }, "explicit deny"},
	{"nil content", func(a *fakeaws.Account) { badReport(a, &iam.GetCredentialReportOutput{GeneratedTime: aws.Time(now)}) }, "no Content"},
	{"missing column", func(a *fakeaws.Account) {
		badReport(a, &iam.GetCredentialReportOutput{GeneratedTime: aws.Time(now), Content: []byte("user,arn\n<root_account>,arn:aws:iam::111122223333:root\n")})
	}, `"user_creation_time"`},
}

func TestCheckRootAccessKeys(t *testing.T) {
	tests := []struct {
		name  string
		setup func(a *fakeaws.Account)
		want  secpillar.Status
	}{
		{"no keys", func(a *fakeaws.Account) { a.IAM.Root.PasswordEnabled = true }, secpillar.StatusPass},
		{"no credentials at all", func(a *fakeaws.Account) {}, secpillar.StatusPass},
		{"inactive key", func(a *fakeaws.Account) {
			a.IAM.Root.AccessKeys = []fakeaws.RootKey{{Active: false, Rotated: days(400)}}
		}, secpillar.StatusPass},
		{"active key", func(a *fakeaws.Account) {
			a.IAM.Root.AccessKeys = []fakeaws.RootKey{{Active: false, Rotated: days(400)}, {Active: true, Rotated: days(3)}}
		}, secpillar.StatusFail},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			acct := newAccount()
			tt.setup(acct)
			f, err := CheckRootAccessKeys(context.Background(), iam.NewFromConfig(acct.Config()))
			if err != nil {
				t.Fatal(err)
			}
			if f.Status != tt.want || f.Evidence["report_generated_time"] != "2026-06-01T12:00:00Z" {
				t.Errorf("finding = %+v, want %s with the report time", f, tt.want)
			}
		})
	}
	for _, tt := range reportFaults {
		t.Run(tt.name, func(t *testing.T) {
			acct := newAccount()
			tt.setup(acct)
			_, err := CheckRootAccessKeys(context.Background(), iam.NewFromConfig(acct.Config()))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
	t.Run("no root row", func(t *testing.T) {
		acct := newAccount()
		badReport(acct, &iam.GetCredentialReportOutput{GeneratedTime: aws.Time(now), Content: []byte(strings.Join(fakeaws.CredentialReportColumns, ",") + "\n")})
		if _, err := CheckRootAccessKeys(context.Background(), iam.NewFromConfig(acct.Config())); err == nil || !strings.Contains(err.Error(), "<root_account>") {
			t.Fatalf("error = %v", err)
		}
	})
}

func TestCheckRootHardwareMFA(t *testing.T) {
	tests := []struct {
		name    string
		setup   func(a *fakeaws.Account)
		want    secpillar.Status
		wantErr bool
	}{
		{"hardware", func(a *fakeaws.Account) { a.IAM.Root.PasswordEnabled, a.IAM.Root.MFAActive = true, true }, secpillar.StatusPass, false},
		{"virtual", func(a *fakeaws.Account) {
			a.IAM.Root.PasswordEnabled, a.IAM.Root.MFAActive, a.IAM.Root.MFASerial = true, true, fakeaws.RootVirtualMFASerial(a.ID)
		}, secpillar.StatusFail, false},
		{"virtual among users' devices", func(a *fakeaws.Account) {
			for i := 0; i < 5; i++ {
				a.IAM.AddUserMFA(a.IAM.AddUser("u"+string(rune('a'+i)), days(10)), true, days(5))
			}
			a.IAM.Root.PasswordEnabled, a.IAM.Root.MFAActive, a.IAM.Root.MFASerial = true, true, fakeaws.RootVirtualMFASerial(a.ID)
		}, secpillar.StatusFail, false},
		{"no mfa with password", func(a *fakeaws.Account) { a.IAM.Root.PasswordEnabled = true }, secpillar.StatusFail, false},
		{"no credentials", func(a *fakeaws.Account) {}, secpillar.StatusPass, false},
		{"list denied", func(a *fakeaws.Account) {
			a.IAM.Root.MFAActive = true
			a.DenyAccess("IAM", "ListVirtualMFADevices", "")
		}, "", true},
		{"summary denied", func(a *fakeaws.Account) { a.DenyAccess("IAM", "GetAccountSummary", "") }, "", true},
		{"device without serial", func(a *fakeaws.Account) {
			a.IAM.Root.MFAActive = true
			respond(a, "IAM", "ListVirtualMFADevices", &iam.ListVirtualMFADevicesOutput{VirtualMFADevices: []iamtypes.VirtualMFADevice{{}}}, nil)
		}, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			acct := newAccount()
			tt.setup(acct)
			f, err := CheckRootHardwareMFA(context.Background(), iam.NewFromConfig(acct.Config()))
			if tt.wantErr {
				if err == nil {
					t.Fatalf("want error, got %+v", f)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if f.Status != tt.want {
				t.Errorf("status = %s, want %s (%s)", f.Status, tt.want, f.Reason)
			}
		})
	}
}

func TestCheckRootNotUsed(t *testing.T) {
	tests := []struct {
		name  string
		setup func(a *fakeaws.Account)
		opts  func(*RootReportOptions)
		want  secpillar.Status
	}{
		{"password used recently", func(a *fakeaws.Account) {
			a.IAM.Root.PasswordEnabled, a.IAM.Root.PasswordLastUsed = true, ptr(days(10))
		}, nil, secpillar.StatusFail},
		{"password used long ago", func(a *fakeaws.Account) {
			a.IAM.Root.PasswordEnabled, a.IAM.Root.PasswordLastUsed = true, ptr(days(200))
		}, nil, secpillar.StatusPass},
		{"never used", func(a *fakeaws.Account) { a.IAM.Root.PasswordEnabled = true }, nil, secpillar.StatusPass},
		{"no credentials", func(a *fakeaws.Account) {}, nil, secpillar.StatusPass},
		{"key used recently", func(a *fakeaws.Account) {
			a.IAM.Root.AccessKeys = []fakeaws.RootKey{{Active: true, Rotated: days(500), LastUsed: ptr(days(2))}}
		}, nil, secpillar.StatusFail},
		{"shorter window", func(a *fakeaws.Account) {
			a.IAM.Root.PasswordEnabled, a.IAM.Root.PasswordLastUsed = true, ptr(days(10))
		},
			func(o *RootReportOptions) { o.MaxAge = 5 }, secpillar.StatusPass},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			acct := newAccount()
			tt.setup(acct)
			opts := []func(*RootReportOptions){func(o *RootReportOptions) { o.Now = func() time.Time { return now } }}
			if tt.opts != nil {
				opts = append(opts, tt.opts)
			}
			f, err := CheckRootNotUsed(context.Background(), iam.NewFromConfig(acct.Config()), opts...)
			if err != nil {
				t.Fatal(err)
			}
			if f.Status != tt.want {
				t.Errorf("status = %s, want %s (%s)", f.Status, tt.want, f.Reason)
			}
		})
	}
	for _, tt := range reportFaults {
		t.Run(tt.name, func(t *testing.T) {
			acct := newAccount()
			tt.setup(acct)
			if _, err := CheckRootNotUsed(context.Background(), iam.NewFromConfig(acct.Config())); err == nil {
				t.Fatal("want error")
			}
		})
	}
}
