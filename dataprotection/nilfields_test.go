package dataprotection

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/secpillar/secpillar/internal/fakeaws"
)

// TestNilFieldsAndUnknownValues feeds answers with missing fields or
// values newer than this code to the checks: each must be an error naming
// what is wrong, never a PASS.
func TestNilFieldsAndUnknownValues(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name    string
		service string
		op      string
		answer  any
		check   func(cfg aws.Config) error
		wantErr string
	}{
		{"public snapshot without ID", "EC2", "DescribeSnapshots", &ec2.DescribeSnapshotsOutput{Snapshots: []ec2types.Snapshot{{}}},
			func(cfg aws.Config) error {
				_, err := CheckEBSSnapshotNotPublic(ctx, ec2.NewFromConfig(cfg), "us-east-1")
				return err
			}, "without an ID"},
		{"public image without ID", "EC2", "DescribeImages", &ec2.DescribeImagesOutput{Images: []ec2types.Image{{}}},
			func(cfg aws.Config) error {
				_, err := CheckAMINotPublic(ctx, ec2.NewFromConfig(cfg), "us-east-1")
				return err
			}, "without an ID"},
		{"snapshot block public access without state", "EC2", "GetSnapshotBlockPublicAccessState", &ec2.GetSnapshotBlockPublicAccessStateOutput{},
			func(cfg aws.Config) error {
				_, err := CheckEBSSnapshotBlockPublicAccess(ctx, ec2.NewFromConfig(cfg), "us-east-1")
				return err
			}, "no State"},
		{"volume without ID", "EC2", "DescribeVolumes", &ec2.DescribeVolumesOutput{Volumes: []ec2types.Volume{{Encrypted: aws.Bool(true)}}},
			func(cfg aws.Config) error {
				_, err := CheckEBSVolumeEncrypted(ctx, ec2.NewFromConfig(cfg), testAccount, "us-east-1")
				return err
			}, "without an ID"},
		{"RDS snapshot sharing without result", "RDS", "DescribeDBSnapshotAttributes", &rds.DescribeDBSnapshotAttributesOutput{},
			func(cfg aws.Config) error {
				_, err := CheckRDSSnapshotNotPublic(ctx, rds.NewFromConfig(cfg))
				return err
			}, "no result"},
		{"DB instance without ARN", "RDS", "DescribeDBInstances", &rds.DescribeDBInstancesOutput{DBInstances: []rdstypes.DBInstance{{DBInstanceIdentifier: aws.String("x")}}},
			func(cfg aws.Config) error { _, err := CheckRDSNotPublic(ctx, rds.NewFromConfig(cfg)); return err }, "without an identifier or ARN"},
		{"unknown object ownership", "S3", "GetBucketOwnershipControls", &s3.GetBucketOwnershipControlsOutput{OwnershipControls: &s3types.OwnershipControls{Rules: []s3types.OwnershipControlsRule{{ObjectOwnership: "BucketOwnerOnly"}}}},
			func(cfg aws.Config) error {
				_, err := CheckS3BucketACLsDisabled(ctx, s3.NewFromConfig(cfg))
				return err
			}, `"BucketOwnerOnly"`},
		{"unknown SSE algorithm", "S3", "GetBucketEncryption", &s3.GetBucketEncryptionOutput{ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{Rules: []s3types.ServerSideEncryptionRule{{ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: "aws:quantum"}}}}},
			func(cfg aws.Config) error { _, err := CheckS3BucketSSEKMS(ctx, s3.NewFromConfig(cfg)); return err }, `"aws:quantum"`},
		{"unknown ACL permission", "S3", "GetBucketAcl", &s3.GetBucketAclOutput{Grants: []s3types.Grant{{Grantee: &s3types.Grantee{Type: s3types.TypeGroup, URI: aws.String("http://acs.amazonaws.com/groups/global/AllUsers")}, Permission: "READ_SOME"}}},
			func(cfg aws.Config) error {
				_, err := CheckS3BucketNotPublic(ctx, s3.NewFromConfig(cfg), s3controlClient(cfg), testAccount)
				return err
			}, `"READ_SOME"`},
		{"RDS snapshot without type", "RDS", "DescribeDBSnapshots", &rds.DescribeDBSnapshotsOutput{DBSnapshots: []rdstypes.DBSnapshot{{DBSnapshotIdentifier: aws.String("s1"), DBSnapshotArn: aws.String("arn:aws:rds:us-east-1:111122223333:snapshot:s1")}}},
			func(cfg aws.Config) error {
				_, err := CheckRDSSnapshotNotPublic(ctx, rds.NewFromConfig(cfg))
				return err
			}, "manual or automated"},
		{"RDS snapshot attribute without name", "RDS", "DescribeDBSnapshotAttributes", &rds.DescribeDBSnapshotAttributesOutput{DBSnapshotAttributesResult: &rdstypes.DBSnapshotAttributesResult{DBSnapshotAttributes: []rdstypes.DBSnapshotAttribute{{AttributeValues: []string{"all"}}}}},
			func(cfg aws.Config) error {
				_, err := CheckRDSSnapshotNotPublic(ctx, rds.NewFromConfig(cfg))
				return err
			}, "without a name"},
		{"DB instance without engine", "RDS", "DescribeDBInstances", &rds.DescribeDBInstancesOutput{DBInstances: []rdstypes.DBInstance{{DBInstanceIdentifier: aws.String("x"), DBInstanceArn: aws.String("arn:aws:rds:us-east-1:111122223333:db:x")}}},
			func(cfg aws.Config) error { _, err := CheckRDSTLSEnforced(ctx, rds.NewFromConfig(cfg)); return err }, "does not name its engine"},
		{"unknown ACL grantee type", "S3", "GetBucketAcl", &s3.GetBucketAclOutput{Grants: []s3types.Grant{{Grantee: &s3types.Grantee{Type: "Everyone"}, Permission: s3types.PermissionRead}}},
			func(cfg aws.Config) error {
				_, err := CheckS3BucketNotPublic(ctx, s3.NewFromConfig(cfg), s3controlClient(cfg), testAccount)
				return err
			}, `unknown grantee type "Everyone"`},
		{"unknown KMS key spec", "KMS", "DescribeKey", kmsKeyAnswer("QUANTUM_4096", kmstypes.OriginTypeAwsKms),
			func(cfg aws.Config) error { _, err := CheckKMSKeyRotation(ctx, kms.NewFromConfig(cfg)); return err }, `unknown KeySpec "QUANTUM_4096"`},
		{"unknown KMS key origin", "KMS", "DescribeKey", kmsKeyAnswer(kmstypes.KeySpecSymmetricDefault, "ORBITAL"),
			func(cfg aws.Config) error { _, err := CheckKMSKeyRotation(ctx, kms.NewFromConfig(cfg)); return err }, `unknown Origin "ORBITAL"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := fakeaws.New(testAccount)
			a.S3.Bucket("b", "us-east-1")
			r := a.RDS.Region("us-east-1")
			r.Snapshots = append(r.Snapshots, rdsSnapshotFixture("s1"))
			a.KMS.AddKey("us-east-1", "k1", kmstypes.KeyManagerTypeCustomer, kmstypes.KeyStateEnabled)
			a.Inject(fakeaws.Fault{Service: tt.service, Operation: tt.op, Respond: func(context.Context, any) (any, error) { return tt.answer, nil }})
			err := tt.check(a.Config())
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("err = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func rdsSnapshotFixture(id string) rdstypes.DBSnapshot {
	return rdstypes.DBSnapshot{DBSnapshotIdentifier: aws.String(id), DBSnapshotArn: aws.String("arn:aws:rds:us-east-1:111122223333:snapshot:" + id), SnapshotType: aws.String("manual"), Encrypted: aws.Bool(true)}
}

// kmsKeyAnswer is a DescribeKey answer for an enabled customer-managed key
// with the given spec and origin.
func kmsKeyAnswer(spec kmstypes.KeySpec, origin kmstypes.OriginType) *kms.DescribeKeyOutput {
	return &kms.DescribeKeyOutput{KeyMetadata: &kmstypes.KeyMetadata{KeyId: aws.String("k1"), Arn: aws.String("arn:aws:kms:us-east-1:111122223333:key/k1"),
		KeyManager: kmstypes.KeyManagerTypeCustomer, KeyState: kmstypes.KeyStateEnabled, KeySpec: spec, Origin: origin}}
}

func s3controlClient(cfg aws.Config) *s3control.Client { return s3control.NewFromConfig(cfg) }
