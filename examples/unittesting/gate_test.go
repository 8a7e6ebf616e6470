package unittesting

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/smithy-go"
)

// summary fakes the one IAM method CheckRootMFA calls.
type summary struct {
	values map[string]int32
	err    error
}

func (s summary) GetAccountSummary(ctx context.Context, in *iam.GetAccountSummaryInput, optFns ...func(*iam.Options)) (*iam.GetAccountSummaryOutput, error) {
	if s.err != nil {
		return nil, s.err
	}
	return &iam.GetAccountSummaryOutput{SummaryMap: s.values}, nil
}

func TestDeployGate(t *testing.T) {
	for _, tc := range []struct {
		name    string
		api     summary
		wantErr bool
	}{
		{"root has MFA", summary{values: map[string]int32{"AccountMFAEnabled": 1, "AccountAccessKeysPresent": 0, "AccountPasswordPresent": 1}}, false},
		{"root has a password and no MFA", summary{values: map[string]int32{"AccountMFAEnabled": 0, "AccountAccessKeysPresent": 0, "AccountPasswordPresent": 1}}, true},
		{"cannot read the summary", summary{err: &smithy.GenericAPIError{Code: "AccessDenied", Message: "denied"}}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := DeployGate(context.Background(), tc.api)
			if (err != nil) != tc.wantErr {
				t.Fatalf("DeployGate() = %v, want error: %v", err, tc.wantErr)
			}
			var ae smithy.APIError
			if tc.api.err != nil && !errors.As(err, &ae) {
				t.Errorf("the API error is not kept in the chain: %v", err)
			}
		})
	}
}

func ExampleDeployGate() {
	api := summary{values: map[string]int32{"AccountMFAEnabled": 0, "AccountAccessKeysPresent": 0, "AccountPasswordPresent": 1}}
	fmt.Println(DeployGate(context.Background(), api) != nil)
	// Output: true
}
