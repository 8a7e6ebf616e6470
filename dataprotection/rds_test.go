package dataprotection

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
	"github.com/google/go-cmp/cmp"
	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/internal/awserr"
	"github.com/secpillar/secpillar/internal/fakeaws"
)

func rdsInstance(id, engine, group string, enc, minor, public, protect bool) rdstypes.DBInstance {
	return rdstypes.DBInstance{
		DBInstanceIdentifier: aws.String(id), DBInstanceArn: aws.String("arn:aws:rds:eu-west-1:111122223333:db:" + id), Engine: aws.String(engine),
		StorageEncrypted: aws.Bool(enc), AutoMinorVersionUpgrade: aws.Bool(minor), PubliclyAccessible: aws.Bool(public), DeletionProtection: aws.Bool(protect),
		DBParameterGroups: []rdstypes.DBParameterGroupStatus{{DBParameterGroupName: aws.String(group)}},
	}
}

func rdsAccount() (*fakeaws.Account, *rds.Client) {
	a := fakeaws.New(testAccount)
	r := a.RDS.Region("eu-west-1")
	r.Instances = []rdstypes.DBInstance{
		rdsInstance("good-pg", "postgres", "strict-pg", true, true, false, true),
		rdsInstance("bad-mysql", "mysql", "default.mysql8.0", false, false, true, false),
		rdsInstance("loose-pg", "postgres", "loose-pg", true, true, false, false),
		rdsInstance("ora", "oracle-ee", "default.oracle-ee-19", true, true, false, true),
	}
	member := rdsInstance("aurora-1", "aurora-postgresql", "default.aurora-postgresql15", true, false, false, false)
	member.DBClusterIdentifier = aws.String("aurora")
	r.Instances = append(r.Instances, member)
	r.Clusters = []rdstypes.DBCluster{{
		DBClusterIdentifier: aws.String("aurora"), DBClusterArn: aws.String("arn:aws:rds:eu-west-1:111122223333:cluster:aurora"), Engine: aws.String("aurora-postgresql"),
		StorageEncrypted: aws.Bool(true), DeletionProtection: aws.Bool(false), DBClusterParameterGroup: aws.String("aurora-strict"),
	}}
	r.ParameterGroups["strict-pg"] = map[string]string{"rds.force_ssl": "1", "log_connections": "1"}
	r.ParameterGroups["loose-pg"] = map[string]string{"rds.force_ssl": "0", "log_connections": "1", "work_mem": "4096"}
	r.ClusterParameterGroups["aurora-strict"] = map[string]string{"rds.force_ssl": "1"}
	r.Snapshots = []rdstypes.DBSnapshot{
		{DBSnapshotIdentifier: aws.String("manual-public"), DBSnapshotArn: aws.String("arn:aws:rds:eu-west-1:111122223333:snapshot:manual-public"), SnapshotType: aws.String("manual"), Encrypted: aws.Bool(false)},
		{DBSnapshotIdentifier: aws.String("manual-shared"), DBSnapshotArn: aws.String("arn:aws:rds:eu-west-1:111122223333:snapshot:manual-shared"), SnapshotType: aws.String("manual"), Encrypted: aws.Bool(true)},
		{DBSnapshotIdentifier: aws.String("rds:auto"), DBSnapshotArn: aws.String("arn:aws:rds:eu-west-1:111122223333:snapshot:rds:auto"), SnapshotType: aws.String("automated"), Encrypted: aws.Bool(true)},
	}
	r.ClusterSnapshots = []rdstypes.DBClusterSnapshot{
		{DBClusterSnapshotIdentifier: aws.String("cluster-public"), DBClusterSnapshotArn: aws.String("arn:aws:rds:eu-west-1:111122223333:cluster-snapshot:cluster-public"), SnapshotType: aws.String("manual"), StorageEncrypted: aws.Bool(true)},
	}
	r.SnapshotRestore["manual-public"] = []string{"all", "444455556666"}
	r.SnapshotRestore["manual-shared"] = []string{"444455556666"}
	r.SnapshotRestore["cluster-public"] = []string{"all"}
	return a, rds.NewFromConfig(a.Config(func(c *aws.Config) { c.Region = "eu-west-1" }))
}

func rdsVerdicts(fs []secpillar.Finding) map[string]string {
	m := map[string]string{}
	for _, f := range fs {
		parts := strings.SplitN(f.Resource.ID, ":", 7)
		m[parts[len(parts)-1]] = string(f.Status) + ": " + f.Reason
	}
	return m
}

func TestRDSChecks(t *testing.T) {
	const (
		enc      = "PASS: Storage is encrypted at rest."
		noEnc    = "FAIL: Storage is not encrypted; take a snapshot, copy it with a KMS key and restore from the encrypted copy."
		prot     = "PASS: Deletion protection is on."
		noProt   = "FAIL: Deletion protection is off; turn it on."
		minor    = "PASS: Automatic minor version upgrade is on."
		noMinor  = "FAIL: Automatic minor version upgrade is off; turn it on so security patches are applied in the maintenance window."
		private  = "PASS: The instance is not publicly accessible."
		snapPriv = "PASS: The snapshot is not public."
		snapPub  = "FAIL: The snapshot can be restored by any AWS account; remove \"all\" from its restore attribute."
		snapEnc  = "PASS: The snapshot is encrypted."
	)
	tests := []struct {
		name  string
		check func(context.Context, *rds.Client) ([]secpillar.Finding, error)
		want  map[string]string
	}{
		{"storage encrypted", func(ctx context.Context, c *rds.Client) ([]secpillar.Finding, error) {
			return CheckRDSStorageEncrypted(ctx, c)
		},
			map[string]string{"good-pg": enc, "bad-mysql": noEnc, "loose-pg": enc, "ora": enc, "aurora": enc}},
		{"deletion protection", func(ctx context.Context, c *rds.Client) ([]secpillar.Finding, error) {
			return CheckRDSDeletionProtection(ctx, c)
		},
			map[string]string{"good-pg": prot, "bad-mysql": noProt, "loose-pg": noProt, "ora": prot, "aurora": noProt}},
		{"auto minor upgrade", func(ctx context.Context, c *rds.Client) ([]secpillar.Finding, error) {
			return CheckRDSAutoMinorUpgrade(ctx, c)
		},
			map[string]string{"good-pg": minor, "bad-mysql": noMinor, "loose-pg": minor, "ora": minor, "aurora-1": noMinor}},
		{"not public", func(ctx context.Context, c *rds.Client) ([]secpillar.Finding, error) {
			return CheckRDSNotPublic(ctx, c)
		},
			map[string]string{"good-pg": private, "bad-mysql": "FAIL: The instance is publicly accessible; turn PubliclyAccessible off.", "loose-pg": private, "ora": private, "aurora-1": private}},
		{"snapshot not public", func(ctx context.Context, c *rds.Client) ([]secpillar.Finding, error) {
			return CheckRDSSnapshotNotPublic(ctx, c)
		},
			map[string]string{"manual-public": snapPub, "manual-shared": snapPriv, "cluster-public": snapPub}},
		{"snapshot encrypted", func(ctx context.Context, c *rds.Client) ([]secpillar.Finding, error) {
			return CheckRDSSnapshotEncrypted(ctx, c)
		},
			map[string]string{"manual-public": "FAIL: The snapshot is not encrypted; copy it with a KMS key and delete the unencrypted copy once it is no longer needed.",
				"manual-shared": snapEnc, "rds:auto": snapEnc, "cluster-public": snapEnc}},
		{"tls enforced", func(ctx context.Context, c *rds.Client) ([]secpillar.Finding, error) {
			return CheckRDSTLSEnforced(ctx, c)
		},
			map[string]string{
				"good-pg":   "PASS: The parameter group forces TLS (rds.force_ssl=1).",
				"bad-mysql": "FAIL: The default parameter group default.mysql8.0 does not force TLS and cannot be changed; create a custom parameter group with require_secure_transport=1 and attach it.",
				"loose-pg":  "FAIL: The parameter group does not force TLS (rds.force_ssl=0); set it to 1.",
				"ora":       "NOT_APPLICABLE: The engine oracle-ee has no parameter that forces TLS; configure TLS in its option group or client.",
				"aurora":    "PASS: The parameter group forces TLS (rds.force_ssl=1).",
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, api := rdsAccount()
			got, err := tt.check(context.Background(), api)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, rdsVerdicts(got)); diff != "" {
				t.Errorf("verdicts (-want +got):\n%s", diff)
			}
		})
		t.Run(tt.name+"/access denied", func(t *testing.T) {
			a, api := rdsAccount()
			a.DenyAccess("RDS", "", "")
			if _, err := tt.check(context.Background(), api); !awserr.IsAccessDenied(err) {
				t.Errorf("err = %v, want access denied", err)
			}
		})
		t.Run(tt.name+"/nothing there", func(t *testing.T) {
			a := fakeaws.New(testAccount)
			got, err := tt.check(context.Background(), rds.NewFromConfig(a.Config()))
			if err != nil || len(got) != 0 {
				t.Errorf("got %v, %v; want no findings", got, err)
			}
		})
	}
	t.Run("nil fields", func(t *testing.T) {
		a, api := rdsAccount()
		r := a.RDS.Region("eu-west-1")
		r.Instances[0].StorageEncrypted, r.Instances[0].AutoMinorVersionUpgrade = nil, nil
		r.Snapshots[0].Encrypted = nil
		if _, err := CheckRDSStorageEncrypted(context.Background(), api); err == nil || !strings.Contains(err.Error(), "no StorageEncrypted") {
			t.Errorf("err = %v, want missing StorageEncrypted", err)
		}
		if _, err := CheckRDSAutoMinorUpgrade(context.Background(), api); err == nil || !strings.Contains(err.Error(), "no AutoMinorVersionUpgrade") {
			t.Errorf("err = %v, want missing AutoMinorVersionUpgrade", err)
		}
		if _, err := CheckRDSSnapshotEncrypted(context.Background(), api); err == nil {
			t.Error("missing Encrypted: want an error")
		}
		r.Instances[1].DBParameterGroups = nil
		if _, err := CheckRDSTLSEnforced(context.Background(), api); err == nil || !strings.Contains(err.Error(), "no parameter group") {
			t.Errorf("err = %v, want missing parameter group", err)
		}
	})
	t.Run("parameter groups read once each", func(t *testing.T) {
		a, api := rdsAccount()
		r := a.RDS.Region("eu-west-1")
		r.Instances = append(r.Instances, rdsInstance("good-pg-2", "postgres", "strict-pg", true, true, false, true))
		if _, err := CheckRDSTLSEnforced(context.Background(), api); err != nil {
			t.Fatal(err)
		}
		// strict-pg (1 page), loose-pg (1 page: 3 parameters), default.mysql8.0 (1 page)
		if n := a.CallCount("RDS", "DescribeDBParameters"); n != 3 {
			t.Errorf("DescribeDBParameters called %d times, want 3", n)
		}
	})
}

type rdsRemediationCase struct {
	name   string
	run    func(ctx context.Context, api *rds.Client, o ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error)
	write  string
	verify func(t *testing.T, r *fakeaws.RDSRegion)
}

func TestRDSRemediations(t *testing.T) {
	tests := []rdsRemediationCase{
		{"auto minor upgrade", func(ctx context.Context, api *rds.Client, o ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
			return RemediateRDSAutoMinorUpgrade(ctx, api, "bad-mysql", o...)
		}, "ModifyDBInstance", func(t *testing.T, r *fakeaws.RDSRegion) {
			if d := r.Instances[1]; !aws.ToBool(d.AutoMinorVersionUpgrade) || !aws.ToBool(d.PubliclyAccessible) {
				t.Errorf("instance after remediation: minor %v public %v", aws.ToBool(d.AutoMinorVersionUpgrade), aws.ToBool(d.PubliclyAccessible))
			}
		}},
		{"not public", func(ctx context.Context, api *rds.Client, o ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
			return RemediateRDSNotPublic(ctx, api, "bad-mysql", o...)
		}, "ModifyDBInstance", func(t *testing.T, r *fakeaws.RDSRegion) {
			if d := r.Instances[1]; aws.ToBool(d.PubliclyAccessible) || aws.ToBool(d.AutoMinorVersionUpgrade) {
				t.Errorf("instance after remediation: public %v minor %v", aws.ToBool(d.PubliclyAccessible), aws.ToBool(d.AutoMinorVersionUpgrade))
			}
		}},
		{"deletion protection instance", func(ctx context.Context, api *rds.Client, o ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
			return RemediateRDSDeletionProtection(ctx, api, Database{Identifier: "loose-pg"}, o...)
		}, "ModifyDBInstance", func(t *testing.T, r *fakeaws.RDSRegion) {
			if !aws.ToBool(r.Instances[2].DeletionProtection) {
				t.Error("deletion protection still off")
			}
		}},
		{"deletion protection cluster", func(ctx context.Context, api *rds.Client, o ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
			return RemediateRDSDeletionProtection(ctx, api, Database{Identifier: "aurora", Cluster: true}, o...)
		}, "ModifyDBCluster", func(t *testing.T, r *fakeaws.RDSRegion) {
			if !aws.ToBool(r.Clusters[0].DeletionProtection) {
				t.Error("deletion protection still off")
			}
		}},
		{"snapshot not public keeps other accounts", func(ctx context.Context, api *rds.Client, o ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
			return RemediateRDSSnapshotNotPublic(ctx, api, Snapshot{Identifier: "manual-public"}, o...)
		}, "ModifyDBSnapshotAttribute", func(t *testing.T, r *fakeaws.RDSRegion) {
			if diff := cmp.Diff([]string{"444455556666"}, r.SnapshotRestore["manual-public"]); diff != "" {
				t.Errorf("restore (-want +got):\n%s", diff)
			}
		}},
		{"cluster snapshot not public", func(ctx context.Context, api *rds.Client, o ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
			return RemediateRDSSnapshotNotPublic(ctx, api, Snapshot{Identifier: "cluster-public", Cluster: true}, o...)
		}, "ModifyDBClusterSnapshotAttribute", func(t *testing.T, r *fakeaws.RDSRegion) {
			if len(r.SnapshotRestore["cluster-public"]) != 0 {
				t.Errorf("restore = %v", r.SnapshotRestore["cluster-public"])
			}
		}},
		{"tls in a custom group keeps other parameters", func(ctx context.Context, api *rds.Client, o ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
			return RemediateRDSTLSEnforced(ctx, api, Database{Identifier: "loose-pg"}, o...)
		}, "ModifyDBParameterGroup", func(t *testing.T, r *fakeaws.RDSRegion) {
			want := map[string]string{"rds.force_ssl": "1", "log_connections": "1", "work_mem": "4096"}
			if diff := cmp.Diff(want, r.ParameterGroups["loose-pg"]); diff != "" {
				t.Errorf("parameters (-want +got):\n%s", diff)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, api := rdsAccount()
			ctx := context.Background()
			dry, err := tt.run(ctx, api, secpillar.DryRun)
			if err != nil || dry.Outcome != secpillar.OutcomePlanned || len(dry.Changes) != 1 {
				t.Fatalf("dry run = %+v, %v", dry, err)
			}
			if n := a.CallCount("RDS", tt.write); n != 0 {
				t.Fatalf("dry run made %d writes", n)
			}
			got, err := tt.run(ctx, api)
			if err != nil || got.Outcome != secpillar.OutcomeChanged {
				t.Fatalf("remediation = %+v, %v", got, err)
			}
			tt.verify(t, a.RDS.Region("eu-west-1"))
			a.ResetCalls()
			again, err := tt.run(ctx, api)
			if err != nil || again.Outcome != secpillar.OutcomeCompliant || a.CallCount("RDS", tt.write) != 0 {
				t.Errorf("second run = %+v, %v, %d writes", again, err, a.CallCount("RDS", tt.write))
			}
		})
	}
	t.Run("default parameter group cannot be changed", func(t *testing.T) {
		a, api := rdsAccount()
		_, err := RemediateRDSTLSEnforced(context.Background(), api, Database{Identifier: "bad-mysql"})
		if err == nil || !strings.Contains(err.Error(), "default parameter group default.mysql8.0, which cannot be changed") {
			t.Errorf("err = %v", err)
		}
		if a.CallCount("RDS", "ModifyDBParameterGroup") != 0 {
			t.Error("wrote to a default group")
		}
	})
	t.Run("Multi-AZ DB cluster member is changed on the cluster", func(t *testing.T) {
		a, api := rdsAccount()
		r := a.RDS.Region("eu-west-1")
		m := rdsInstance("maz-1", "mysql", "default.mysql8.0", true, false, true, true)
		m.DBClusterIdentifier = aws.String("maz")
		r.Instances = append(r.Instances, m)
		for name, fix := range map[string]func() (secpillar.Remediation, error){
			"not public": func() (secpillar.Remediation, error) {
				return RemediateRDSNotPublic(context.Background(), api, "maz-1")
			},
			"minor upgrade": func() (secpillar.Remediation, error) {
				return RemediateRDSAutoMinorUpgrade(context.Background(), api, "maz-1", secpillar.DryRun)
			},
		} {
			if _, err := fix(); err == nil || !strings.Contains(err.Error(), "Multi-AZ DB cluster maz") {
				t.Errorf("%s: err = %v, want the Multi-AZ cluster error", name, err)
			}
		}
		if n := a.CallCount("RDS", "ModifyDBInstance"); n != 0 {
			t.Errorf("%d ModifyDBInstance calls", n)
		}
	})
	t.Run("bad input", func(t *testing.T) {
		a, api := rdsAccount()
		if _, err := RemediateRDSNotPublic(context.Background(), api, ""); err == nil {
			t.Error("empty identifier: want an error")
		}
		if _, err := databaseOf(secpillar.Finding{Resource: secpillar.Resource{ID: "arn:aws:s3:::b"}}); err == nil {
			t.Error("bucket ARN: want an error")
		}
		if len(a.Calls()) != 0 {
			t.Error("calls made before rejecting bad input")
		}
	})
}
