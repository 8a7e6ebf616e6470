package dataprotection

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/google/go-cmp/cmp"
	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/internal/awserr"
	"github.com/secpillar/secpillar/internal/fakeaws"
)

func ec2Account() (*fakeaws.Account, *ec2.Client) {
	a := fakeaws.New(testAccount)
	r := a.EC2.Region("eu-west-1")
	attached := []ec2types.VolumeAttachment{{InstanceId: aws.String("i-1"), State: ec2types.VolumeAttachmentStateAttached}}
	r.Volumes = []ec2types.Volume{
		{VolumeId: aws.String("vol-enc"), Encrypted: aws.Bool(true), Attachments: attached},
		{VolumeId: aws.String("vol-plain"), Encrypted: aws.Bool(false), Attachments: attached},
		{VolumeId: aws.String("vol-spare"), Encrypted: aws.Bool(false)},
	}
	r.Snapshots = []ec2types.Snapshot{
		{SnapshotId: aws.String("snap-public"), OwnerId: aws.String(testAccount), VolumeId: aws.String("vol-plain"), Encrypted: aws.Bool(false)},
		{SnapshotId: aws.String("snap-shared"), OwnerId: aws.String(testAccount)},
		{SnapshotId: aws.String("snap-private"), OwnerId: aws.String(testAccount)},
	}
	r.SnapshotPermissions["snap-public"] = []ec2types.CreateVolumePermission{{Group: ec2types.PermissionGroupAll}, {UserId: aws.String("444455556666")}}
	r.SnapshotPermissions["snap-shared"] = []ec2types.CreateVolumePermission{{UserId: aws.String("444455556666")}}
	r.Images = []ec2types.Image{
		{ImageId: aws.String("ami-public"), OwnerId: aws.String(testAccount), Name: aws.String("golden")},
		{ImageId: aws.String("ami-private"), OwnerId: aws.String(testAccount), Name: aws.String("internal")},
	}
	r.ImagePermissions["ami-public"] = []ec2types.LaunchPermission{{Group: ec2types.PermissionGroupAll}, {OrganizationArn: aws.String("arn:aws:organizations::111122223333:organization/o-abc")}}
	return a, ec2.NewFromConfig(a.Config(func(c *aws.Config) { c.Region = "eu-west-1" }))
}

func TestEBSChecks(t *testing.T) {
	ctx := context.Background()
	t.Run("default encryption", func(t *testing.T) {
		a, api := ec2Account()
		f, err := CheckEBSDefaultEncryption(ctx, api, "eu-west-1")
		if err != nil || f.Status != secpillar.StatusFail {
			t.Fatalf("off: %+v, %v", f, err)
		}
		a.EC2.Region("eu-west-1").EBSEncryptionByDefault = true
		f, err = CheckEBSDefaultEncryption(ctx, api, "eu-west-1")
		want := secpillar.Finding{Control: ControlEBSDefaultEncryption, Status: secpillar.StatusPass, Severity: secpillar.SeverityMedium,
			Resource: secpillar.Resource{Type: "AWS::::Account", ID: "AWS::::Account:", Region: "eu-west-1"},
			Reason:   "EBS encryption by default is on in this Region.", Evidence: map[string]string{"ebs_encryption_by_default": "true"}}
		if diff := cmp.Diff(want, f); err != nil || diff != "" {
			t.Errorf("on (-want +got):\n%s %v", diff, err)
		}
		a.Inject(fakeaws.Fault{Service: "EC2", Operation: "GetEbsEncryptionByDefault", Respond: func(context.Context, any) (any, error) { return &ec2.GetEbsEncryptionByDefaultOutput{}, nil }})
		if _, err := CheckEBSDefaultEncryption(ctx, api, "eu-west-1"); err == nil {
			t.Error("nil field: want an error")
		}
		a.DenyAccess("EC2", "GetEbsEncryptionByDefault", "")
		if _, err := CheckEBSDefaultEncryption(ctx, api, "eu-west-1"); !awserr.IsAccessDenied(err) {
			t.Errorf("err = %v, want access denied", err)
		}
	})
	t.Run("volumes", func(t *testing.T) {
		a, api := ec2Account()
		got, err := CheckEBSVolumeEncrypted(ctx, api, testAccount, "eu-west-1")
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{
			"vol-enc":   "PASS: The attached volume is encrypted.",
			"vol-plain": "FAIL: The attached volume is not encrypted; snapshot it, copy the snapshot with encryption and replace the volume.",
			"vol-spare": "NOT_APPLICABLE: The volume is not attached.",
		}
		if diff := cmp.Diff(want, kmsVerdicts(got)); diff != "" {
			t.Errorf("verdicts (-want +got):\n%s", diff)
		}
		a.EC2.Region("eu-west-1").Volumes[0].Encrypted = nil
		if _, err := CheckEBSVolumeEncrypted(ctx, api, testAccount, "eu-west-1"); err == nil {
			t.Error("nil Encrypted: want an error")
		}
		a.DenyAccess("EC2", "DescribeVolumes", "")
		if _, err := CheckEBSVolumeEncrypted(ctx, api, testAccount, "eu-west-1"); !awserr.IsAccessDenied(err) {
			t.Errorf("err = %v, want access denied", err)
		}
	})
	t.Run("public snapshots in one call", func(t *testing.T) {
		a, api := ec2Account()
		got, err := CheckEBSSnapshotNotPublic(ctx, api, "eu-west-1")
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{"snap-public": "FAIL: Anyone can create a volume from this snapshot; remove the public createVolumePermission."}
		if diff := cmp.Diff(want, kmsVerdicts(got)); diff != "" {
			t.Errorf("verdicts (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(map[string]int{"EC2.DescribeSnapshots": 1}, a.CallCounts()); diff != "" {
			t.Errorf("calls (-want +got):\n%s", diff)
		}
		a.EC2.Region("eu-west-1").SnapshotPermissions["snap-public"] = nil
		got, err = CheckEBSSnapshotNotPublic(ctx, api, "eu-west-1")
		if err != nil || len(got) != 1 || got[0].Status != secpillar.StatusPass {
			t.Errorf("none public: %+v, %v", got, err)
		}
		a.DenyAccess("EC2", "DescribeSnapshots", "")
		if _, err := CheckEBSSnapshotNotPublic(ctx, api, "eu-west-1"); !awserr.IsAccessDenied(err) {
			t.Errorf("err = %v, want access denied", err)
		}
	})
	t.Run("snapshot block public access", func(t *testing.T) {
		a, api := ec2Account()
		for st, want := range map[ec2types.SnapshotBlockPublicAccessState]secpillar.Status{
			"": secpillar.StatusFail, "unblocked": secpillar.StatusFail, "block-new-sharing": secpillar.StatusPass, "block-all-sharing": secpillar.StatusPass,
		} {
			a.EC2.Region("eu-west-1").SnapshotBlockPublicAccess = st
			f, err := CheckEBSSnapshotBlockPublicAccess(ctx, api, "eu-west-1")
			if err != nil || f.Status != want {
				t.Errorf("%q: %s, %v; want %s", st, f.Status, err, want)
			}
		}
		a.EC2.Region("eu-west-1").SnapshotBlockPublicAccess = "block-some-sharing"
		if _, err := CheckEBSSnapshotBlockPublicAccess(ctx, api, "eu-west-1"); err == nil || !strings.Contains(err.Error(), `"block-some-sharing"`) {
			t.Errorf("err = %v, want the unknown state named", err)
		}
		a.DenyAccess("EC2", "GetSnapshotBlockPublicAccessState", "")
		if _, err := CheckEBSSnapshotBlockPublicAccess(ctx, api, "eu-west-1"); !awserr.IsAccessDenied(err) {
			t.Errorf("err = %v, want access denied", err)
		}
	})
	t.Run("public AMIs in one call", func(t *testing.T) {
		a, api := ec2Account()
		got, err := CheckAMINotPublic(ctx, api, "eu-west-1")
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{"ami-public": "FAIL: Anyone can launch this AMI; remove its public launch permission."}
		if diff := cmp.Diff(want, kmsVerdicts(got)); diff != "" {
			t.Errorf("verdicts (-want +got):\n%s", diff)
		}
		if n := a.CallCount("EC2", "DescribeImages"); n != 1 {
			t.Errorf("%d DescribeImages calls, want 1", n)
		}
		a.DenyAccess("EC2", "DescribeImages", "")
		if _, err := CheckAMINotPublic(ctx, api, "eu-west-1"); !awserr.IsAccessDenied(err) {
			t.Errorf("err = %v, want access denied", err)
		}
	})
}

func TestEBSRemediations(t *testing.T) {
	tests := []struct {
		name   string
		run    func(ctx context.Context, api *ec2.Client, o ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error)
		write  string
		verify func(t *testing.T, r *fakeaws.EC2Region)
	}{
		{"default encryption", func(ctx context.Context, api *ec2.Client, o ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
			return RemediateEBSDefaultEncryption(ctx, api, "eu-west-1", o...)
		}, "EnableEbsEncryptionByDefault", func(t *testing.T, r *fakeaws.EC2Region) {
			if !r.EBSEncryptionByDefault {
				t.Error("still off")
			}
		}},
		{"snapshot keeps shared accounts", func(ctx context.Context, api *ec2.Client, o ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
			return RemediateEBSSnapshotNotPublic(ctx, api, "snap-public", o...)
		}, "ModifySnapshotAttribute", func(t *testing.T, r *fakeaws.EC2Region) {
			want := []ec2types.CreateVolumePermission{{UserId: aws.String("444455556666")}}
			if diff := cmp.Diff(want, r.SnapshotPermissions["snap-public"], cmp.AllowUnexported(ec2types.CreateVolumePermission{})); diff != "" {
				t.Errorf("permissions (-want +got):\n%s", diff)
			}
		}},
		{"snapshot block public access", func(ctx context.Context, api *ec2.Client, o ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
			return RemediateEBSSnapshotBlockPublicAccess(ctx, api, "eu-west-1", o...)
		}, "EnableSnapshotBlockPublicAccess", func(t *testing.T, r *fakeaws.EC2Region) {
			if r.SnapshotBlockPublicAccess != "block-all-sharing" {
				t.Errorf("state %q", r.SnapshotBlockPublicAccess)
			}
		}},
		{"ami keeps organization sharing", func(ctx context.Context, api *ec2.Client, o ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
			return RemediateAMINotPublic(ctx, api, "ami-public", o...)
		}, "ModifyImageAttribute", func(t *testing.T, r *fakeaws.EC2Region) {
			want := []ec2types.LaunchPermission{{OrganizationArn: aws.String("arn:aws:organizations::111122223333:organization/o-abc")}}
			if diff := cmp.Diff(want, r.ImagePermissions["ami-public"], cmp.AllowUnexported(ec2types.LaunchPermission{})); diff != "" {
				t.Errorf("permissions (-want +got):\n%s", diff)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, api := ec2Account()
			ctx := context.Background()
			dry, err := tt.run(ctx, api, secpillar.DryRun)
			if err != nil || dry.Outcome != secpillar.OutcomePlanned || len(dry.Changes) != 1 || a.CallCount("EC2", tt.write) != 0 {
				t.Fatalf("dry run = %+v, %v", dry, err)
			}
			got, err := tt.run(ctx, api)
			if err != nil || got.Outcome != secpillar.OutcomeChanged {
				t.Fatalf("remediation = %+v, %v", got, err)
			}
			tt.verify(t, a.EC2.Region("eu-west-1"))
			a.ResetCalls()
			again, err := tt.run(ctx, api)
			if err != nil || again.Outcome != secpillar.OutcomeCompliant || a.CallCount("EC2", tt.write) != 0 {
				t.Errorf("second run = %+v, %v", again, err)
			}
		})
	}
	_, api := ec2Account()
	if _, err := RemediateEBSSnapshotNotPublic(context.Background(), api, "vol-1"); err == nil {
		t.Error("bad snapshot ID: want an error")
	}
	if _, err := RemediateAMINotPublic(context.Background(), api, ""); err == nil {
		t.Error("empty AMI ID: want an error")
	}
}
