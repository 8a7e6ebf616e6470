package dataprotection

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/google/go-cmp/cmp"
	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/internal/awserr"
	"github.com/secpillar/secpillar/internal/fakeaws"
)

func TestCheckClassificationTagged(t *testing.T) {
	a := fakeaws.New(testAccount)
	a.S3.Bucket("tagged", "eu-west-1").Tags = map[string]string{"data-classification": "confidential"}
	a.S3.Bucket("untagged", "eu-west-1").Tags = map[string]string{"team": "web"}
	a.S3.Bucket("elsewhere", "us-east-1")
	r := a.RDS.Region("eu-west-1")
	db := rdsInstance("orders", "postgres", "pg", true, true, false, true)
	db.TagList = []rdstypes.Tag{{Key: aws.String("data-classification"), Value: aws.String("top-secret")}}
	r.Instances = []rdstypes.DBInstance{db}
	a.EC2.Region("eu-west-1").Volumes = []ec2types.Volume{{VolumeId: aws.String("vol-1"), Encrypted: aws.Bool(true)}}
	cfg := a.Config(func(c *aws.Config) { c.Region = "eu-west-1" })
	s3c, rdsc, ec2c := s3.NewFromConfig(cfg), rds.NewFromConfig(cfg), ec2.NewFromConfig(cfg)
	got, err := CheckClassificationTagged(context.Background(), s3c, rdsc, ec2c, testAccount, "eu-west-1", func(o *ClassificationOptions) {
		o.AllowedValues = []string{"public", "internal", "confidential"}
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"tagged":   "PASS: The resource is classified (data-classification=confidential).",
		"untagged": "FAIL: The resource has no data-classification tag; tag it with its data classification.",
		"orders":   "FAIL: The data-classification tag is top-secret, not one of public, internal, confidential.",
		"vol-1":    "FAIL: The resource has no data-classification tag; tag it with its data classification.",
	}
	if diff := cmp.Diff(want, shortVerdicts(got)); diff != "" {
		t.Errorf("verdicts (-want +got):\n%s", diff)
	}
	got, err = CheckClassificationTagged(context.Background(), s3c, rdsc, ec2c, testAccount, "eu-west-1", func(o *ClassificationOptions) { o.TagKey = "team" })
	if err != nil || shortVerdicts(got)["untagged"] != "PASS: The resource is classified (team=web)." {
		t.Errorf("custom key: %v, %v", shortVerdicts(got), err)
	}
	a.DenyAccess("S3", "GetBucketTagging", "")
	if _, err := CheckClassificationTagged(context.Background(), s3c, rdsc, ec2c, testAccount, "eu-west-1"); !awserr.IsAccessDenied(err) {
		t.Errorf("err = %v, want access denied", err)
	}
	if _, err := CheckClassificationTagged(context.Background(), s3c, rdsc, ec2c, testAccount, ""); err == nil {
		t.Error("empty Region: want an error")
	}
}

func shortVerdicts(fs []secpillar.Finding) map[string]string {
	m := map[string]string{}
	for _, f := range fs {
		id := f.Resource.ID
		if i := strings.LastIndexAny(id, "/:"); i >= 0 {
			id = id[i+1:]
		}
		m[id] = string(f.Status) + ": " + f.Reason
	}
	return m
}
