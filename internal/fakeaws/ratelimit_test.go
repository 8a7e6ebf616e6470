package fakeaws

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/secpillar/secpillar/internal/awserr"
)

func TestLimitRequestsThrottlesBeyondTheBucket(t *testing.T) {
	ctx := context.Background()
	a := New("111122223333")
	a.LimitRequests(AWSRequestRates)
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	a.limiter.now = func() time.Time { return clock }

	call := func(region string) error {
		_, err := a.Invoke(ctx, "EC2", "DescribeVpcs", region, &ec2.DescribeVpcsInput{})
		return err
	}
	for i := range 100 { // the non-mutating bucket holds 100
		if err := call("us-east-1"); err != nil {
			t.Fatalf("call %d: %v", i+1, err)
		}
	}
	err := call("us-east-1")
	if !awserr.IsThrottled(err) || awserr.Code(err) != "RequestLimitExceeded" {
		t.Fatalf("call 101: %v, want RequestLimitExceeded", err)
	}
	if err := call("eu-west-1"); err != nil {
		t.Errorf("another Region has its own bucket: %v", err)
	}
	clock = clock.Add(time.Second) // refills 20
	for i := range 20 {
		if err := call("us-east-1"); err != nil {
			t.Fatalf("after a second, call %d: %v", i+1, err)
		}
	}
	if err := call("us-east-1"); !awserr.IsThrottled(err) {
		t.Errorf("21st call after a second: %v, want throttled", err)
	}
	if n := a.Throttled(); n != 2 {
		t.Errorf("Throttled = %d, want 2", n)
	}

	// IAM is global: one bucket whatever the Region the client names.
	for i := range 40 {
		region := "us-east-1"
		if i%2 == 1 {
			region = "eu-west-1"
		}
		if _, err := a.Invoke(ctx, "IAM", "GetAccountSummary", region, &iam.GetAccountSummaryInput{}); err != nil {
			t.Fatalf("IAM call %d: %v", i+1, err)
		}
	}
	if _, err := a.Invoke(ctx, "IAM", "GetAccountSummary", "ap-southeast-2", &iam.GetAccountSummaryInput{}); awserr.Code(err) != "Throttling" {
		t.Errorf("41st IAM call: %v, want Throttling", err)
	}

	a.LimitRequests(nil)
	if err := call("us-east-1"); err != nil {
		t.Errorf("limit off: %v", err)
	}
}

func TestPageSizeOutsideTheDocumentedRangeIsAnError(t *testing.T) {
	ctx := context.Background()
	a := New("111122223333")
	for _, tc := range []struct {
		service, op string
		params      any
		wantCode    string
	}{
		{"EC2", "DescribeNetworkAcls", &ec2.DescribeNetworkAclsInput{MaxResults: aws.Int32(1000)}, "InvalidParameterValue"},
		{"EC2", "DescribeNetworkAcls", &ec2.DescribeNetworkAclsInput{MaxResults: aws.Int32(100)}, ""},
		{"EC2", "DescribeNetworkAcls", &ec2.DescribeNetworkAclsInput{}, ""},
		{"EC2", "DescribeVpcs", &ec2.DescribeVpcsInput{MaxResults: aws.Int32(4)}, "InvalidParameterValue"},
		{"IAM", "ListUsers", &iam.ListUsersInput{MaxItems: aws.Int32(1001)}, "ValidationError"},
		{"IAM", "ListUsers", &iam.ListUsersInput{MaxItems: aws.Int32(1000)}, ""},
		{"RDS", "DescribeDBInstances", &rds.DescribeDBInstancesInput{MaxRecords: aws.Int32(10)}, "InvalidParameterValue"},
		{"S3", "ListBuckets", &s3.ListBucketsInput{MaxBuckets: aws.Int32(20000)}, "InvalidArgument"},
	} {
		_, err := a.Invoke(ctx, tc.service, tc.op, "us-east-1", tc.params)
		if got := awserr.Code(err); got != tc.wantCode {
			t.Errorf("%s.%s %+v: code %q (%v), want %q", tc.service, tc.op, tc.params, got, err, tc.wantCode)
		}
	}
}
