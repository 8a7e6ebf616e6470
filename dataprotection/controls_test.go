package dataprotection

import (
	"context"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/google/go-cmp/cmp"
	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/internal/fakeaws"
)

// catalogueIDs are the dataprotection controls of the catalogue.
var catalogueIDs = []string{
	"dataprotection.kms-key-rotation", "dataprotection.kms-key-not-pending-deletion", "dataprotection.kms-key-policy-not-public",
	"dataprotection.kms-no-decrypt-all-keys", "dataprotection.s3-account-public-access-block", "dataprotection.s3-bucket-public-access-block",
	"dataprotection.s3-bucket-not-public", "dataprotection.s3-bucket-deny-insecure-transport", "dataprotection.s3-bucket-mfa-delete",
	"dataprotection.s3-bucket-cross-account-restricted", "dataprotection.s3-bucket-acls-disabled", "dataprotection.s3-bucket-access-logging",
	"dataprotection.s3-bucket-sse-kms", "dataprotection.s3-bucket-ssec-blocked", "dataprotection.s3-bucket-versioning",
	"dataprotection.s3-access-point-block-public", "dataprotection.rds-storage-encrypted", "dataprotection.rds-auto-minor-upgrade",
	"dataprotection.rds-not-public", "dataprotection.rds-snapshot-not-public", "dataprotection.rds-snapshot-encrypted",
	"dataprotection.rds-deletion-protection", "dataprotection.rds-tls-enforced", "dataprotection.ebs-default-encryption",
	"dataprotection.ebs-volume-encrypted", "dataprotection.ebs-snapshot-not-public", "dataprotection.ebs-snapshot-block-public-access",
	"dataprotection.ami-not-public", "dataprotection.elb-tls-in-transit", "dataprotection.classification-tagged",
}

// withoutRemediation are the controls listed without a remediation, plus the
// ones whose remediation needs a caller's target (a logging bucket, a KMS
// key) and so has no catalogue adapter.
var withoutRemediation = []string{
	ControlKMSNoDecryptAllKeys, ControlS3BucketMFADelete, ControlS3BucketCrossAccountRestricted, ControlS3AccessPointBlockPublic,
	ControlRDSStorageEncrypted, ControlRDSSnapshotEncrypted, ControlEBSVolumeEncrypted, ControlClassificationTagged,
	ControlS3BucketAccessLogging, ControlS3BucketSSEKMS,
}

func TestControlsCatalogue(t *testing.T) {
	var ids []string
	for _, c := range Controls() {
		ids = append(ids, c.ID)
		if c.Title == "" || c.Domain != secpillar.DomainDataProtection || c.Severity.Rank() == 0 || c.Check == nil || len(c.Permissions) == 0 {
			t.Errorf("%s: incomplete metadata %+v", c.ID, c)
		}
		if c.Scope != secpillar.ScopeAccount && c.Scope != secpillar.ScopeRegional {
			t.Errorf("%s: scope %q", c.ID, c.Scope)
		}
		if got, want := c.Remediate != nil, !slices.Contains(withoutRemediation, c.ID); got != want {
			t.Errorf("%s: has a Remediate adapter = %v, want %v", c.ID, got, want)
		}
		if c.Remediate != nil && len(c.RemediationPermissions) == 0 {
			t.Errorf("%s: Remediate without RemediationPermissions", c.ID)
		}
	}
	sort.Strings(ids)
	want := slices.Clone(catalogueIDs)
	sort.Strings(want)
	if diff := cmp.Diff(want, ids); diff != "" {
		t.Errorf("control IDs (-catalogue +Controls()):\n%s", diff)
	}
}

// iamAction maps a recorded call to the IAM action it needs.
func iamAction(c fakeaws.Call) string {
	special := map[string]string{
		"S3.ListBuckets": "s3:ListAllMyBuckets", "S3.GetPublicAccessBlock": "s3:GetBucketPublicAccessBlock",
		"S3.GetBucketEncryption": "s3:GetEncryptionConfiguration", "S3 Control.GetPublicAccessBlock": "s3:GetAccountPublicAccessBlock",
		"S3 Control.ListAccessPoints": "s3:ListAccessPoints", "S3 Control.GetAccessPoint": "s3:GetAccessPoint",
	}
	if a, ok := special[c.Service+"."+c.Operation]; ok {
		return a
	}
	prefix := map[string]string{"S3": "s3", "KMS": "kms", "IAM": "iam", "RDS": "rds", "EC2": "ec2", "STS": "sts", "Elastic Load Balancing v2": "elasticloadbalancing"}[c.Service]
	return prefix + ":" + c.Operation
}

// TestControlsOnDemo runs every control in every enabled Region of the demo
// account: no errors, both verdicts in the domain, exactly the declared
// permissions used, and every failed finding's remediation adapter plans
// without error (except where a person must act).
func TestControlsOnDemo(t *testing.T) {
	a := fakeaws.Demo()
	ctx := context.Background()
	statuses := map[secpillar.Status]int{}
	for _, c := range Controls() {
		regions := []string{"us-east-1"}
		if c.Scope == secpillar.ScopeRegional {
			regions = a.EnabledRegions()
		}
		used := map[string]bool{}
		for _, region := range regions {
			cfg := a.Config(func(cfg *aws.Config) { cfg.Region = region })
			a.ResetCalls()
			fs, err := c.Check(ctx, cfg)
			if err != nil {
				t.Fatalf("%s in %s: %v", c.ID, region, err)
			}
			for _, call := range a.Calls() {
				used[iamAction(call)] = true
			}
			for _, f := range fs {
				statuses[f.Status]++
				if f.Control != c.ID {
					t.Errorf("%s: finding for control %s", c.ID, f.Control)
				}
				if f.Status != secpillar.StatusFail || c.Remediate == nil {
					continue
				}
				a.ResetCalls()
				rem, err := c.Remediate(ctx, cfg, f, secpillar.RemediateOptions{DryRun: true})
				if err != nil {
					if c.ID == ControlRDSTLSEnforced && strings.Contains(err.Error(), "default parameter group") ||
						c.ID == ControlELBTLSInTransit && strings.Contains(err.Error(), "TCP") {
						continue // a person must act; the error says what to do
					}
					t.Errorf("%s: dry-run remediation of %s: %v", c.ID, f.Resource.ID, err)
					continue
				}
				if rem.Resource.ID != f.Resource.ID {
					t.Errorf("%s: remediation resource %q, finding resource %q", c.ID, rem.Resource.ID, f.Resource.ID)
				}
				if rem.Outcome != secpillar.OutcomePlanned || len(rem.Changes) == 0 {
					t.Errorf("%s: dry run of %s = %+v, want PLANNED with changes", c.ID, f.Resource.ID, rem)
				}
				for _, call := range a.Calls() {
					if op := call.Operation; strings.HasPrefix(op, "Put") || strings.HasPrefix(op, "Modify") || strings.HasPrefix(op, "Enable") || strings.HasPrefix(op, "Cancel") {
						t.Errorf("%s: dry run called %s.%s", c.ID, call.Service, op)
					}
				}
			}
		}
		var got []string
		for k := range used {
			got = append(got, k)
		}
		sort.Strings(got)
		want := slices.Clone(c.Permissions)
		sort.Strings(want)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: Permissions vs calls on the demo (-declared +called):\n%s", c.ID, diff)
		}
	}
	if statuses[secpillar.StatusPass] == 0 || statuses[secpillar.StatusFail] == 0 {
		t.Errorf("demo verdicts %v, want both PASS and FAIL", statuses)
	}
	t.Logf("demo verdicts: %v", statuses)
}

func TestAdaptersRefuseForeignFindings(t *testing.T) {
	a := fakeaws.New(testAccount)
	cfg := a.Config()
	foreign := map[string]secpillar.Finding{
		"bucket":   {Resource: secpillar.Resource{ID: "arn:aws:kms:us-east-1:111122223333:key/k"}},
		"key":      {Resource: secpillar.Resource{ID: "arn:aws:s3:::b", Region: "us-east-1"}},
		"database": {Resource: secpillar.Resource{ID: "arn:aws:rds:eu-west-1:111122223333:cluster:c", Region: "eu-west-1"}},
		"snapshot": {Resource: secpillar.Resource{ID: "arn:aws:ec2:eu-west-1::image/ami-1", Region: "eu-west-1"}},
	}
	cases := map[string]string{
		ControlS3BucketVersioning: "bucket", ControlKMSKeyRotation: "key", ControlRDSNotPublic: "database", ControlEBSSnapshotNotPublic: "snapshot",
	}
	for id, kind := range cases {
		c := controlByID(t, id)
		if _, err := c.Remediate(context.Background(), cfg, foreign[kind], secpillar.RemediateOptions{}); err == nil {
			t.Errorf("%s: remediating a foreign %s finding: want an error", id, kind)
		}
	}
	if n := len(a.Calls()); n != 0 {
		t.Errorf("%d calls made for findings the adapters cannot act on", n)
	}
}

func TestChecksRideOutThrottling(t *testing.T) {
	a := fakeaws.New(testAccount)
	a.S3.Bucket("b", "eu-west-1").Versioning = "Enabled"
	a.Inject(fakeaws.Fault{Service: "S3", Operation: "GetBucketVersioning", Code: "SlowDown", FirstN: 2})
	cfg := a.Config(func(c *aws.Config) {
		c.Retryer = func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
			})
		}
	})
	fs, err := controlByID(t, ControlS3BucketVersioning).Check(context.Background(), cfg)
	if err != nil || len(fs) != 1 || fs[0].Status != secpillar.StatusPass {
		t.Fatalf("got %v, %v; want one PASS after retries", fs, err)
	}
	if n := a.CallCount("S3", "GetBucketVersioning"); n != 3 {
		t.Errorf("GetBucketVersioning called %d times, want 3 (two throttled)", n)
	}
}
