package incident_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/google/go-cmp/cmp"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/incident"
	"github.com/secpillar/secpillar/internal/fakeaws"
)

func TestCheckStackNotifications(t *testing.T) {
	tests := []struct {
		name    string
		setup   func(*fakeaws.Account)
		want    map[string]secpillar.Status
		wantErr string
	}{
		{
			name: "with and without topics",
			setup: func(a *fakeaws.Account) {
				a.CloudFormation.AddStack("us-east-1", cfntypes.Stack{StackName: aws.String("a"), NotificationARNs: []string{"arn:aws:sns:us-east-1:111122223333:ops"}})
				a.CloudFormation.AddStack("us-east-1", cfntypes.Stack{StackName: aws.String("b")})
				a.CloudFormation.AddStack("us-east-1", cfntypes.Stack{StackName: aws.String("gone"), StackStatus: cfntypes.StackStatusDeleteComplete})
			},
			want: map[string]secpillar.Status{stackID("a"): secpillar.StatusPass, stackID("b"): secpillar.StatusFail},
		},
		{name: "no stacks", setup: func(*fakeaws.Account) {}, want: map[string]secpillar.Status{}},
		{name: "access denied", setup: func(a *fakeaws.Account) { a.DenyAccess("CloudFormation", "DescribeStacks", "") }, wantErr: "explicit deny"},
		{
			name: "nil StackName",
			setup: func(a *fakeaws.Account) {
				a.Inject(fakeaws.Fault{Service: "CloudFormation", Operation: "DescribeStacks", Respond: func(context.Context, any) (any, error) {
					return &cloudformation.DescribeStacksOutput{Stacks: []cfntypes.Stack{{StackId: aws.String(stackID("x")), StackStatus: cfntypes.StackStatusCreateComplete}}}, nil
				}})
			},
			wantErr: "without a StackName",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			acct, cfg := newAccount(t)
			tt.setup(acct)
			fs, err := incident.CheckStackNotifications(bg, cloudformation.NewFromConfig(cfg))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, statuses(fs)); diff != "" {
				t.Errorf("statuses (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCheckStackNotFailed(t *testing.T) {
	tests := []struct {
		name    string
		setup   func(*fakeaws.Account)
		want    map[string]secpillar.Status
		wantErr string
	}{
		{
			name: "healthy and stuck states",
			setup: func(a *fakeaws.Account) {
				for name, st := range map[string]cfntypes.StackStatus{
					"ok": cfntypes.StackStatusUpdateComplete, "rolled": cfntypes.StackStatusUpdateRollbackComplete,
					"busy": cfntypes.StackStatusUpdateInProgress, "stuck": cfntypes.StackStatusUpdateRollbackFailed,
					"born-dead": cfntypes.StackStatusRollbackComplete, "undeletable": cfntypes.StackStatusDeleteFailed,
				} {
					a.CloudFormation.AddStack("us-east-1", cfntypes.Stack{StackName: aws.String(name), StackStatus: st})
				}
			},
			want: map[string]secpillar.Status{
				stackID("ok"): secpillar.StatusPass, stackID("rolled"): secpillar.StatusPass, stackID("busy"): secpillar.StatusPass,
				stackID("stuck"): secpillar.StatusFail, stackID("born-dead"): secpillar.StatusFail, stackID("undeletable"): secpillar.StatusFail,
			},
		},
		{name: "no stacks", setup: func(*fakeaws.Account) {}, want: map[string]secpillar.Status{}},
		{name: "access denied", setup: func(a *fakeaws.Account) { a.DenyAccess("CloudFormation", "DescribeStacks", "") }, wantErr: "explicit deny"},
		{
			name: "unknown status",
			setup: func(a *fakeaws.Account) {
				a.CloudFormation.AddStack("us-east-1", cfntypes.Stack{StackName: aws.String("x"), StackStatus: "UPDATE_HALF_DONE"})
			},
			wantErr: "UPDATE_HALF_DONE",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			acct, cfg := newAccount(t)
			tt.setup(acct)
			fs, err := incident.CheckStackNotFailed(bg, cloudformation.NewFromConfig(cfg))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, statuses(fs)); diff != "" {
				t.Errorf("statuses (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRemediateStackNotFailed(t *testing.T) {
	acct, cfg := newAccount(t)
	stuck := acct.CloudFormation.AddStack("us-east-1", cfntypes.Stack{StackName: aws.String("stuck"), StackStatus: cfntypes.StackStatusUpdateRollbackFailed, NotificationARNs: []string{"arn:aws:sns:us-east-1:111122223333:ops"}})
	stuck.RollbackPolls = 1
	acct.CloudFormation.AddStack("us-east-1", cfntypes.Stack{StackName: aws.String("dead"), StackStatus: cfntypes.StackStatusRollbackComplete})
	acct.CloudFormation.AddStack("us-east-1", cfntypes.Stack{StackName: aws.String("child"), StackStatus: cfntypes.StackStatusUpdateRollbackFailed, ParentId: aws.String(stackID("stuck")), RootId: aws.String(stackID("stuck"))})
	api := cloudformation.NewFromConfig(cfg)

	t.Run("bad input before any call", func(t *testing.T) {
		acct.ResetCalls()
		if _, err := incident.RemediateStackNotFailed(bg, api, "", nil); err == nil {
			t.Error("empty stack: want error")
		}
		if _, err := incident.RemediateStackNotFailed(bg, api, "stuck", []string{" "}); err == nil {
			t.Error("empty skip: want error")
		}
		if n := len(acct.Calls()); n != 0 {
			t.Errorf("%d calls", n)
		}
	})
	t.Run("dry run", func(t *testing.T) {
		acct.ResetCalls()
		got, err := incident.RemediateStackNotFailed(bg, api, "stuck", []string{"Queue"}, secpillar.DryRun)
		if err != nil {
			t.Fatal(err)
		}
		want := []secpillar.Change{{
			Resource: secpillar.Resource{Type: incident.StackResourceType, ID: stackID("stuck"), Region: "us-east-1", Account: acctID},
			Action:   "cloudformation:ContinueUpdateRollback", Field: "StackStatus", Before: "UPDATE_ROLLBACK_FAILED", After: "UPDATE_ROLLBACK_COMPLETE (skipping Queue)",
		}}
		if got.Outcome != secpillar.OutcomePlanned || got.Undo == "" {
			t.Errorf("got %+v", got)
		}
		if diff := cmp.Diff(want, got.Changes); diff != "" {
			t.Errorf("changes (-want +got):\n%s", diff)
		}
		if n := acct.CallCount("CloudFormation", "ContinueUpdateRollback"); n != 0 {
			t.Errorf("%d writes in dry run", n)
		}
	})
	t.Run("other failed states and nested stacks are refused", func(t *testing.T) {
		for _, name := range []string{"dead", "child"} {
			if _, err := incident.RemediateStackNotFailed(bg, api, name, nil); err == nil {
				t.Errorf("%s: want refusal", name)
			}
		}
		if n := acct.CallCount("CloudFormation", "ContinueUpdateRollback"); n != 0 {
			t.Errorf("%d writes", n)
		}
	})
	t.Run("continues, rollback still running: verify pending", func(t *testing.T) {
		got, err := incident.RemediateStackNotFailed(bg, api, "stuck", nil)
		if err != nil {
			t.Fatal(err)
		}
		if got.Outcome != secpillar.OutcomeVerifyPending {
			t.Errorf("outcome = %s, want VERIFY_PENDING", got.Outcome)
		}
	})
	t.Run("second run: compliant, no write", func(t *testing.T) {
		acct.ResetCalls()
		got, err := incident.RemediateStackNotFailed(bg, api, "stuck", nil)
		if err != nil || got.Outcome != secpillar.OutcomeCompliant {
			t.Fatalf("got %+v, %v", got, err)
		}
		if n := acct.CallCount("CloudFormation", "ContinueUpdateRollback"); n != 0 {
			t.Errorf("%d writes", n)
		}
		if len(stuck.Stack.NotificationARNs) != 1 {
			t.Error("notification ARNs lost")
		}
	})
}

func TestRemediateStackNotFailedThroughControl(t *testing.T) {
	acct, cfg := newAccount(t)
	acct.CloudFormation.AddStack("us-east-1", cfntypes.Stack{StackName: aws.String("stuck"), StackStatus: cfntypes.StackStatusUpdateRollbackFailed})
	s := acct.CloudFormation.AddStack("us-east-1", cfntypes.Stack{StackName: aws.String("again"), StackStatus: cfntypes.StackStatusUpdateRollbackFailed})
	s.RollbackFails = true
	c := control(t, incident.StackNotFailedID)
	fs, err := c.Check(bg, cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fs {
		rem, err := c.Remediate(bg, cfg, f, secpillar.RemediateOptions{})
		switch f.Evidence["stack_name"] {
		case "stuck":
			if err != nil || rem.Outcome != secpillar.OutcomeChanged {
				t.Errorf("stuck: %+v, %v; want CHANGED", rem, err)
			}
		case "again":
			if err == nil || !strings.Contains(err.Error(), "failed again") {
				t.Errorf("again: err = %v, want rollback failed again", err)
			}
		}
	}
}

func fastDrift(o *incident.StackDriftOptions) {
	o.PollInterval = time.Millisecond
	o.MaxPollInterval = 4 * time.Millisecond
}

func TestCheckStackDrift(t *testing.T) {
	modified := cfntypes.StackResourceDrift{LogicalResourceId: aws.String("Bucket"), ResourceType: aws.String("AWS::S3::Bucket"), StackResourceDriftStatus: cfntypes.StackResourceDriftStatusModified}
	deleted := cfntypes.StackResourceDrift{LogicalResourceId: aws.String("Topic"), ResourceType: aws.String("AWS::SNS::Topic"), StackResourceDriftStatus: cfntypes.StackResourceDriftStatusDeleted}
	inSync := cfntypes.StackResourceDrift{LogicalResourceId: aws.String("Role"), ResourceType: aws.String("AWS::IAM::Role"), StackResourceDriftStatus: cfntypes.StackResourceDriftStatusInSync}
	tests := []struct {
		name      string
		setup     func(*fakeaws.Account)
		opts      func(*incident.StackDriftOptions)
		want      map[string]secpillar.Status
		wantDrift string
		wantErr   string
	}{
		{
			name: "in sync, drifted after several polls, failed detection, busy stack",
			setup: func(a *fakeaws.Account) {
				cf := a.CloudFormation
				cf.AddStack("us-east-1", cfntypes.Stack{StackName: aws.String("clean")}).ResourceDrifts = []cfntypes.StackResourceDrift{inSync}
				d := cf.AddStack("us-east-1", cfntypes.Stack{StackName: aws.String("drifted")})
				d.DriftPolls = 3
				d.ResourceDrifts = []cfntypes.StackResourceDrift{inSync, modified, deleted, modified, modified}
				p := cf.AddStack("us-east-1", cfntypes.Stack{StackName: aws.String("partial")})
				p.DriftFailure = "Failed to detect drift on resource Lambda"
				cf.AddStack("us-east-1", cfntypes.Stack{StackName: aws.String("busy"), StackStatus: cfntypes.StackStatusUpdateInProgress})
			},
			opts: fastDrift,
			want: map[string]secpillar.Status{
				stackID("clean"): secpillar.StatusPass, stackID("drifted"): secpillar.StatusFail,
				stackID("partial"): secpillar.StatusFail, stackID("busy"): secpillar.StatusNotApplicable,
			},
			wantDrift: "Bucket (AWS::S3::Bucket): MODIFIED; Bucket (AWS::S3::Bucket): MODIFIED; Bucket (AWS::S3::Bucket): MODIFIED; Topic (AWS::SNS::Topic): DELETED",
		},
		{name: "no stacks", setup: func(*fakeaws.Account) {}, want: map[string]secpillar.Status{}},
		{
			name: "access denied on detection",
			setup: func(a *fakeaws.Account) {
				a.CloudFormation.AddStack("us-east-1", cfntypes.Stack{StackName: aws.String("x")})
				a.DenyAccess("CloudFormation", "DetectStackDrift", "")
			},
			wantErr: "explicit deny",
		},
		{
			name: "never finishes: times out under the deadline",
			setup: func(a *fakeaws.Account) {
				a.CloudFormation.AddStack("us-east-1", cfntypes.Stack{StackName: aws.String("slow")}).DriftPolls = 1 << 30
			},
			opts:    func(o *incident.StackDriftOptions) { fastDrift(o); o.Timeout = 30 * time.Millisecond },
			wantErr: "deadline exceeded",
		},
		{
			name: "nil detection status",
			setup: func(a *fakeaws.Account) {
				a.CloudFormation.AddStack("us-east-1", cfntypes.Stack{StackName: aws.String("x")})
				a.Inject(fakeaws.Fault{Service: "CloudFormation", Operation: "DescribeStackDriftDetectionStatus", Respond: func(context.Context, any) (any, error) {
					return &cloudformation.DescribeStackDriftDetectionStatusOutput{}, nil
				}})
			},
			opts:    fastDrift,
			wantErr: "no DetectionStatus",
		},
		{
			name: "unknown drift status",
			setup: func(a *fakeaws.Account) {
				a.CloudFormation.AddStack("us-east-1", cfntypes.Stack{StackName: aws.String("x")})
				a.Inject(fakeaws.Fault{Service: "CloudFormation", Operation: "DescribeStackDriftDetectionStatus", Respond: func(context.Context, any) (any, error) {
					return &cloudformation.DescribeStackDriftDetectionStatusOutput{DetectionStatus: cfntypes.StackDriftDetectionStatusDetectionComplete, StackDriftStatus: "SIDEWAYS"}, nil
				}})
			},
			opts:    fastDrift,
			wantErr: "SIDEWAYS",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			acct, cfg := newAccount(t)
			tt.setup(acct)
			var opts []func(*incident.StackDriftOptions)
			if tt.opts != nil {
				opts = append(opts, tt.opts)
			}
			fs, err := incident.CheckStackDrift(bg, cloudformation.NewFromConfig(cfg), opts...)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, statuses(fs)); diff != "" {
				t.Errorf("statuses (-want +got):\n%s", diff)
			}
			for _, f := range fs {
				if f.Resource.ID == stackID("drifted") {
					if diff := cmp.Diff(tt.wantDrift, f.Evidence["drifted_resources"]); diff != "" {
						t.Errorf("drifted resources (-want +got):\n%s", diff)
					}
					if f.Evidence["drifted_resources_count"] != "4" {
						t.Errorf("count = %q", f.Evidence["drifted_resources_count"])
					}
				}
			}
		})
	}
}

func TestCheckStackDriftPollsFreshUnderRun(t *testing.T) {
	acct, cfg := newAccount(t)
	acct.CloudFormation.AddStack("us-east-1", cfntypes.Stack{StackName: aws.String("slow")}).DriftPolls = 2
	c := control(t, incident.StackNoDriftID)
	c.Check = func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
		return incident.CheckStackDrift(ctx, cloudformation.NewFromConfig(cfg), fastDrift)
	}
	rep, err := secpillar.Run(bg, cfg, []secpillar.Control{c}, func(o *secpillar.RunOptions) { o.Regions = []string{"us-east-1"} })
	if err != nil || rep.Incomplete {
		t.Fatalf("run: %v %+v", err, rep.Errors)
	}
	if len(rep.Findings) != 1 || rep.Findings[0].Status != secpillar.StatusPass {
		t.Errorf("findings = %+v", rep.Findings)
	}
	if n := acct.CallCount("CloudFormation", "DescribeStackDriftDetectionStatus"); n != 3 {
		t.Errorf("status reads = %d, want 3 (polls must not be shared)", n)
	}
}
