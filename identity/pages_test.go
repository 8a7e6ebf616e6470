package identity

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/secpillar/secpillar/internal/fakeaws"
)

// TestRepeatedTokensAreErrors calls the typed checks directly, without
// Run's page guard: the SDK paginators stop silently on a repeated token,
// so the checks must catch it themselves.
func TestRepeatedTokensAreErrors(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name  string
		setup func(a *fakeaws.Account)
		run   func(a *fakeaws.Account) error
	}{
		{"virtual MFA devices", func(a *fakeaws.Account) {
			a.IAM.Root.MFAActive = true
			respond(a, "IAM", "ListVirtualMFADevices", &iam.ListVirtualMFADevicesOutput{IsTruncated: true, Marker: aws.String("same")}, nil)
		}, func(a *fakeaws.Account) error {
			_, err := CheckRootHardwareMFA(ctx, iam.NewFromConfig(a.Config()))
			return err
		}},
		{"server certificates", func(a *fakeaws.Account) {
			respond(a, "IAM", "ListServerCertificates", &iam.ListServerCertificatesOutput{IsTruncated: true, Marker: aws.String("same")}, nil)
		}, func(a *fakeaws.Account) error {
			_, err := CheckExpiredCertificates(ctx, iam.NewFromConfig(a.Config()))
			return err
		}},
		{"server certificates truncated without marker", func(a *fakeaws.Account) {
			respond(a, "IAM", "ListServerCertificates", &iam.ListServerCertificatesOutput{IsTruncated: true}, nil)
		}, func(a *fakeaws.Account) error {
			_, err := CheckExpiredCertificates(ctx, iam.NewFromConfig(a.Config()))
			return err
		}},
		{"analyzers", func(a *fakeaws.Account) {
			respond(a, "AccessAnalyzer", "ListAnalyzers", &accessanalyzer.ListAnalyzersOutput{NextToken: aws.String("same")}, nil)
		}, func(a *fakeaws.Account) error {
			_, err := CheckAccessAnalyzer(ctx, accessanalyzer.NewFromConfig(a.Config()))
			return err
		}},
		{"access keys", func(a *fakeaws.Account) {
			a.IAM.AddUser("u", days(1))
			respond(a, "IAM", "ListAccessKeys", &iam.ListAccessKeysOutput{IsTruncated: true, Marker: aws.String("same"),
				AccessKeyMetadata: []iamtypes.AccessKeyMetadata{}}, nil)
		}, func(a *fakeaws.Account) error {
			_, err := RemediateAccessKeysRotated(ctx, iam.NewFromConfig(a.Config()), []string{"u"}, UserCredentialOptions{})
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			acct := newAccount()
			tt.setup(acct)
			err := tt.run(acct)
			if err == nil || !(strings.Contains(err.Error(), "came back twice") || strings.Contains(err.Error(), "without a marker")) {
				t.Fatalf("error = %v, want a pagination error", err)
			}
		})
	}
}
