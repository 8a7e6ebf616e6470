package fakeaws_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"

	"github.com/secpillar/secpillar/internal/awserr"
	"github.com/secpillar/secpillar/internal/fakeaws"
)

func TestConfigServesRealClients(t *testing.T) {
	acct := fakeaws.New("111122223333")
	client := sts.NewFromConfig(acct.Config())
	out, err := client.GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(out.Account); got != "111122223333" {
		t.Errorf("Account = %q, want 111122223333", got)
	}
	want := []fakeaws.Call{{Service: "STS", Operation: "GetCallerIdentity", Region: "us-east-1"}}
	if diff := cmp.Diff(want, acct.Calls()); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
}

func TestErrorsAreWrappedAsTheSDKDoes(t *testing.T) {
	acct := fakeaws.New("111122223333")
	acct.DenyAccess("EC2", "DescribeRegions", "")
	_, err := ec2.NewFromConfig(acct.Config()).DescribeRegions(context.Background(), &ec2.DescribeRegionsInput{})
	var oe *smithy.OperationError
	if !errors.As(err, &oe) || oe.Service() != "EC2" || oe.Operation() != "DescribeRegions" {
		t.Fatalf("want *smithy.OperationError for EC2.DescribeRegions, got %T %v", err, err)
	}
	var re *awshttp.ResponseError
	if !errors.As(err, &re) || re.HTTPStatusCode() != 403 {
		t.Fatalf("want *awshttp.ResponseError with 403, got %v", err)
	}
	if got := awserr.Classify(err); got != awserr.AccessDenied {
		t.Errorf("Classify = %v, want access denied", got)
	}
}

func TestThrottlingIsRetriedBySDK(t *testing.T) {
	acct := fakeaws.New("111122223333")
	acct.Inject(fakeaws.Fault{Service: "STS", Code: "Throttling", FirstN: 2})
	cfg := acct.Config(func(c *aws.Config) {
		c.Retryer = func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
			})
		}
	})
	if _, err := sts.NewFromConfig(cfg).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatalf("want success after retries, got %v", err)
	}
	if n := acct.CallCount("STS", "GetCallerIdentity"); n != 3 {
		t.Errorf("calls = %d, want 3 (two throttled, one served)", n)
	}
}

func TestOptInRegionRejectsCalls(t *testing.T) {
	acct := fakeaws.New("111122223333")
	_, err := ec2.NewFromConfig(acct.Config(), func(o *ec2.Options) { o.Region = "af-south-1" }).DescribeVpcs(context.Background(), &ec2.DescribeVpcsInput{})
	if !awserr.IsCode(err, "AuthFailure") {
		t.Fatalf("want AuthFailure in a Region not opted in, got %v", err)
	}
}
