package guardrail

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	s3ctypes "github.com/aws/aws-sdk-go-v2/service/s3control/types"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/internal/fakeaws"
)

// compliantAccount is an account every baseline control passes.
func compliantAccount() *fakeaws.Account {
	acct := fakeaws.New("111122223333")
	acct.IAM.Root = fakeaws.IAMRoot{MFAActive: true, PasswordEnabled: true}
	acct.IAM.PasswordPolicy = &iamtypes.PasswordPolicy{MinimumPasswordLength: aws.Int32(16), PasswordReusePrevention: aws.Int32(24)}
	acct.S3Control.PublicAccessBlock = &s3ctypes.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(true), IgnorePublicAcls: aws.Bool(true), BlockPublicPolicy: aws.Bool(true), RestrictPublicBuckets: aws.Bool(true)}
	r := acct.EC2.Region("eu-west-1")
	r.Vpcs = []ec2types.Vpc{{VpcId: aws.String("vpc-1"), Tags: []ec2types.Tag{{Key: aws.String("owner"), Value: aws.String("payments")}}}}
	return acct
}

func TestEvaluate(t *testing.T) {
	for _, tc := range []struct {
		name      string
		change    func(*fakeaws.Account)
		allowed   bool
		violation string
	}{
		{"compliant", func(*fakeaws.Account) {}, true, ""},
		{"untagged VPC", func(a *fakeaws.Account) { a.EC2.Region("eu-west-1").Vpcs[0].Tags = nil }, false, "acme.vpc-owner-tagged"},
		{"root without MFA", func(a *fakeaws.Account) { a.IAM.Root.MFAActive = false }, false, "identity.root-mfa-enabled"},
		{"cannot read VPCs", func(a *fakeaws.Account) { a.DenyAccess("EC2", "DescribeVpcs", "") }, false, "acme.vpc-owner-tagged"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			acct := compliantAccount()
			tc.change(acct)
			v, err := Evaluate(context.Background(), acct.Config(), []string{"eu-west-1"}, secpillar.SeverityMedium)
			if err != nil {
				t.Fatal(err)
			}
			if v.Allowed != tc.allowed {
				t.Fatalf("Allowed = %v, want %v:\n%s", v.Allowed, tc.allowed, v)
			}
			if tc.violation != "" && !strings.Contains(v.String(), tc.violation) {
				t.Errorf("verdict does not name %s:\n%s", tc.violation, v)
			}
		})
	}
}

func ExampleEvaluate() {
	acct := compliantAccount()
	acct.EC2.Region("eu-west-1").Vpcs[0].Tags = nil
	v, err := Evaluate(context.Background(), acct.Config(), []string{"eu-west-1"}, secpillar.SeverityHigh)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(v.Allowed) // the owner tag control is MEDIUM, below the HIGH threshold
	// Output: true
}
