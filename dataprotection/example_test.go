package dataprotection_test

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	s3ctypes "github.com/aws/aws-sdk-go-v2/service/s3control/types"
	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/dataprotection"
	"github.com/secpillar/secpillar/internal/fakeaws"
)

// The account-level Block Public Access check, then its remediation, which
// only ever raises flags.
func ExampleCheckS3AccountPublicAccessBlock() {
	acct := fakeaws.New("111122223333")
	client := s3control.NewFromConfig(acct.Config())
	ctx := context.Background()

	f, err := dataprotection.CheckS3AccountPublicAccessBlock(ctx, client, "111122223333")
	if err != nil {
		panic(err)
	}
	fmt.Println(f.Status, f.Reason)

	plan, err := dataprotection.RemediateS3AccountPublicAccessBlock(ctx, client, "111122223333", secpillar.DryRun)
	if err != nil {
		panic(err)
	}
	fmt.Println(plan.Outcome, len(plan.Changes), "changes")

	done, err := dataprotection.RemediateS3AccountPublicAccessBlock(ctx, client, "111122223333")
	if err != nil {
		panic(err)
	}
	fmt.Println(done.Outcome)
	// Output:
	// FAIL The account has no S3 Block Public Access configuration, so all four flags are off; turn all four on.
	// PLANNED 4 changes
	// CHANGED
}

// A public bucket policy neutralised by RestrictPublicBuckets at account
// level passes, with the evidence; the policy itself is never changed.
func ExampleCheckS3BucketNotPublic() {
	acct := fakeaws.New("111122223333")
	acct.S3Control.PublicAccessBlock = &s3ctypes.PublicAccessBlockConfiguration{RestrictPublicBuckets: aws.Bool(true)}
	acct.S3.Bucket("reports", "eu-west-1").Policy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::reports/*"}]}`
	acct.S3.Bucket("site", "us-east-1").ACL = &fakeaws.S3ACL{Grants: []s3types.Grant{{
		Grantee:    &s3types.Grantee{Type: s3types.TypeGroup, URI: aws.String("http://acs.amazonaws.com/groups/global/AllUsers")},
		Permission: s3types.PermissionRead,
	}}}
	cfg := acct.Config()
	fs, err := dataprotection.CheckS3BucketNotPublic(context.Background(), s3.NewFromConfig(cfg), s3control.NewFromConfig(cfg), "111122223333")
	if err != nil {
		panic(err)
	}
	for _, f := range fs {
		fmt.Println(f.Resource.ID, f.Status, f.Evidence["policy"])
	}
	// Output:
	// arn:aws:s3:::reports PASS not read: RestrictPublicBuckets is on (at account level)
	// arn:aws:s3:::site FAIL not read: RestrictPublicBuckets is on (at account level)
}

// The TLS-only statement is merged into the existing policy by its own
// Sid; a second run changes nothing.
func ExampleRemediateS3BucketDenyInsecureTransport() {
	acct := fakeaws.New("111122223333")
	acct.S3.Bucket("data", "eu-west-1").Policy = `{"Version":"2012-10-17","Statement":[{"Sid":"Partner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::data/*"}]}`
	client := s3.NewFromConfig(acct.Config())
	b := dataprotection.Bucket{Name: "data", Region: "eu-west-1"}

	first, err := dataprotection.RemediateS3BucketDenyInsecureTransport(context.Background(), client, b)
	if err != nil {
		panic(err)
	}
	second, err := dataprotection.RemediateS3BucketDenyInsecureTransport(context.Background(), client, b)
	if err != nil {
		panic(err)
	}
	fmt.Println(first.Outcome, second.Outcome)
	fmt.Println(acct.S3.Buckets["data"].Policy)
	// Output:
	// CHANGED COMPLIANT
	// {"Version":"2012-10-17","Statement":[{"Sid":"Partner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::data/*"},{"Sid":"SecpillarDenyInsecureTransport","Effect":"Deny","Principal":{"AWS":"*"},"Action":"s3:*","Resource":["arn:aws:s3:::data","arn:aws:s3:::data/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}
}

// Public snapshots are found with one call per Region.
func ExampleCheckEBSSnapshotNotPublic() {
	acct := fakeaws.New("111122223333")
	r := acct.EC2.Region("eu-west-1")
	r.Snapshots = []ec2types.Snapshot{{SnapshotId: aws.String("snap-0123456789abcdef0"), OwnerId: aws.String("111122223333")}}
	r.SnapshotPermissions["snap-0123456789abcdef0"] = []ec2types.CreateVolumePermission{{Group: ec2types.PermissionGroupAll}}
	client := ec2.NewFromConfig(acct.Config(func(c *aws.Config) { c.Region = "eu-west-1" }))
	fs, err := dataprotection.CheckEBSSnapshotNotPublic(context.Background(), client, "eu-west-1")
	if err != nil {
		panic(err)
	}
	fmt.Println(fs[0].Status, fs[0].Resource.ID, acct.CallCount("EC2", "DescribeSnapshots"), "call")
	// Output:
	// FAIL arn:aws:ec2:eu-west-1::snapshot/snap-0123456789abcdef0 1 call
}

// Automatic rotation for customer managed keys; AWS managed keys are
// NOT_APPLICABLE without a rotation read.
func ExampleCheckKMSKeyRotation() {
	acct := fakeaws.New("111122223333")
	acct.KMS.AddKey("us-east-1", "key-1", kmstypes.KeyManagerTypeCustomer, kmstypes.KeyStateEnabled)
	acct.KMS.AddKey("us-east-1", "key-2", kmstypes.KeyManagerTypeAws, kmstypes.KeyStateEnabled)
	fs, err := dataprotection.CheckKMSKeyRotation(context.Background(), kms.NewFromConfig(acct.Config()))
	if err != nil {
		panic(err)
	}
	for _, f := range fs {
		fmt.Println(f.Resource.ID, f.Status)
	}
	// Output:
	// arn:aws:kms:us-east-1:111122223333:key/key-1 FAIL
	// arn:aws:kms:us-east-1:111122223333:key/key-2 NOT_APPLICABLE
}
