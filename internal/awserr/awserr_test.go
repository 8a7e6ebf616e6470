package awserr_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/smithy-go"

	"github.com/secpillar/secpillar/internal/awserr"
)

func apiErr(code string) error {
	return &smithy.OperationError{ServiceID: "X", OperationName: "Op", Err: &smithy.GenericAPIError{Code: code, Message: "m"}}
}

func TestClassify(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want awserr.Kind
	}{
		{apiErr("AccessDenied"), awserr.AccessDenied},
		{apiErr("AccessDeniedException"), awserr.AccessDenied},
		{apiErr("UnauthorizedOperation"), awserr.AccessDenied},
		{apiErr("AuthorizationError"), awserr.AccessDenied},
		{apiErr("Throttling"), awserr.Throttled},
		{apiErr("ThrottlingException"), awserr.Throttled},
		{apiErr("RequestLimitExceeded"), awserr.Throttled},
		{apiErr("TooManyRequestsException"), awserr.Throttled},
		{apiErr("OptInRequired"), awserr.RegionDisabled},
		{apiErr("ExpiredToken"), awserr.ExpiredCredentials},
		{apiErr("ExpiredTokenException"), awserr.ExpiredCredentials},
		{apiErr("NoSuchBucketPolicy"), awserr.NotFound},
		{apiErr("TrailNotFoundException"), awserr.NotFound},
		{apiErr("ServerSideEncryptionConfigurationNotFoundError"), awserr.NotFound},
		{&iamtypes.NoSuchEntityException{Message: new(string)}, awserr.NotFound},
		{apiErr("ValidationError"), awserr.Unknown},
		{errors.New("plain"), awserr.Unknown},
		{fmt.Errorf("wrapped: %w", context.DeadlineExceeded), awserr.Canceled},
		{nil, awserr.Unknown},
	} {
		if got := awserr.Classify(tc.err); got != tc.want {
			t.Errorf("Classify(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}

func TestAccessDeniedKeepsTheMessage(t *testing.T) {
	err := fmt.Errorf("identity: read password policy: %w", &smithy.GenericAPIError{Code: "AccessDenied",
		Message: "User: arn:aws:iam::111122223333:user/a is not authorized to perform: iam:GetAccountPasswordPolicy with an explicit deny in a service control policy"})
	if !awserr.IsAccessDenied(err) {
		t.Fatal("not classified as access denied")
	}
	if want := "explicit deny in a service control policy"; !strings.Contains(err.Error(), want) {
		t.Errorf("message lost %q: %v", want, err)
	}
}

func TestIsCode(t *testing.T) {
	err := apiErr("NoSuchPublicAccessBlockConfiguration")
	if !awserr.IsCode(err, "NoSuchBucketPolicy", "NoSuchPublicAccessBlockConfiguration") {
		t.Error("IsCode missed a listed code")
	}
	if awserr.IsCode(err, "NoSuchBucketPolicy") || awserr.IsCode(errors.New("x"), "") {
		t.Error("IsCode matched a code not listed")
	}
	if got := awserr.Code(err); got != "NoSuchPublicAccessBlockConfiguration" {
		t.Errorf("Code = %q", got)
	}
}
