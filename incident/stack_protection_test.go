package incident_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/google/go-cmp/cmp"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/incident"
	"github.com/secpillar/secpillar/internal/fakeaws"
)

func incidentControls() []secpillar.Control { return incident.Controls() }

func stackID(name string) string { return fakeaws.StackID(acctID, "us-east-1", name) }

func TestCheckStackTerminationProtection(t *testing.T) {
	tests := []struct {
		name    string
		setup   func(*fakeaws.Account)
		want    map[string]secpillar.Status
		wantErr string
	}{
		{
			name: "protected passes, unprotected fails, nested not applicable, deleted skipped",
			setup: func(a *fakeaws.Account) {
				cf := a.CloudFormation
				cf.AddStack("us-east-1", cfntypes.Stack{StackName: aws.String("prod"), EnableTerminationProtection: aws.Bool(true)})
				cf.AddStack("us-east-1", cfntypes.Stack{StackName: aws.String("dev")})
				cf.AddStack("us-east-1", cfntypes.Stack{StackName: aws.String("prod-db"), ParentId: aws.String(stackID("prod")), RootId: aws.String(stackID("prod"))})
				cf.AddStack("us-east-1", cfntypes.Stack{StackName: aws.String("old"), StackStatus: cfntypes.StackStatusDeleteComplete})
				cf.AddStack("us-east-1", cfntypes.Stack{StackName: aws.String("rolled"), StackStatus: cfntypes.StackStatusUpdateRollbackComplete, EnableTerminationProtection: aws.Bool(true)})
				cf.AddStack("eu-west-1", cfntypes.Stack{StackName: aws.String("elsewhere")})
				// Nested, though only RootId says so.
				cf.AddStack("us-east-1", cfntypes.Stack{StackName: aws.String("prod-cache"), RootId: aws.String(stackID("prod")), EnableTerminationProtection: aws.Bool(true)})
			},
			want: map[string]secpillar.Status{
				stackID("prod"):       secpillar.StatusPass,
				stackID("dev"):        secpillar.StatusFail,
				stackID("prod-db"):    secpillar.StatusNotApplicable,
				stackID("prod-cache"): secpillar.StatusNotApplicable,
				stackID("rolled"):     secpillar.StatusPass,
			},
		},
		{name: "no stacks: nothing to report", setup: func(*fakeaws.Account) {}, want: map[string]secpillar.Status{}},
		{
			name:    "access denied is an error",
			setup:   func(a *fakeaws.Account) { a.DenyAccess("CloudFormation", "DescribeStacks", "") },
			wantErr: "explicit deny",
		},
		{
			name: "nil EnableTerminationProtection is an error",
			setup: func(a *fakeaws.Account) {
				s := a.CloudFormation.AddStack("us-east-1", cfntypes.Stack{StackName: aws.String("x")})
				s.Stack.EnableTerminationProtection = nil
			},
			wantErr: "no EnableTerminationProtection",
		},
		{
			name: "nil StackId is an error",
			setup: func(a *fakeaws.Account) {
				a.Inject(fakeaws.Fault{Service: "CloudFormation", Operation: "DescribeStacks", Respond: func(context.Context, any) (any, error) {
					return &cloudformation.DescribeStacksOutput{Stacks: []cfntypes.Stack{{StackName: aws.String("x"), StackStatus: cfntypes.StackStatusCreateComplete}}}, nil
				}})
			},
			wantErr: "without a StackId",
		},
		{
			name: "unknown status is an error naming it",
			setup: func(a *fakeaws.Account) {
				a.CloudFormation.AddStack("us-east-1", cfntypes.Stack{StackName: aws.String("x"), StackStatus: "NEW_FANCY_STATE"})
			},
			wantErr: "NEW_FANCY_STATE",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			acct, cfg := newAccount(t)
			tt.setup(acct)
			fs, err := incident.CheckStackTerminationProtection(bg, cloudformation.NewFromConfig(cfg))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
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

func TestCheckStackTerminationProtectionPaginates(t *testing.T) {
	acct, cfg := newAccount(t)
	for _, n := range []string{"a", "b", "c", "d", "e", "f", "g"} {
		acct.CloudFormation.AddStack("us-east-1", cfntypes.Stack{StackName: aws.String(n)})
	}
	fs, err := incident.CheckStackTerminationProtection(bg, cloudformation.NewFromConfig(cfg))
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 7 {
		t.Errorf("got %d findings, want 7", len(fs))
	}
	if n := acct.CallCount("CloudFormation", "DescribeStacks"); n != 3 {
		t.Errorf("DescribeStacks calls = %d, want 3 pages", n)
	}
	want := secpillar.Finding{
		Control: incident.StackTerminationProtectionID, Status: secpillar.StatusFail, Severity: secpillar.SeverityMedium,
		Resource: secpillar.Resource{Type: incident.StackResourceType, ID: stackID("a"), Region: "us-east-1", Account: acctID},
		Reason:   "Stack a can be deleted in one call: turn on termination protection.",
		Evidence: map[string]string{"stack_name": "a", "stack_status": "CREATE_COMPLETE", "termination_protection": "false"},
	}
	if diff := cmp.Diff(want, fs[0]); diff != "" {
		t.Errorf("finding (-want +got):\n%s", diff)
	}
}

func TestRemediateStackTerminationProtection(t *testing.T) {
	acct, cfg := newAccount(t)
	s := acct.CloudFormation.AddStack("us-east-1", cfntypes.Stack{StackName: aws.String("dev"), NotificationARNs: []string{"arn:aws:sns:us-east-1:111122223333:ops"}})
	acct.CloudFormation.AddStack("us-east-1", cfntypes.Stack{StackName: aws.String("dev-net"), ParentId: aws.String(stackID("dev")), RootId: aws.String(stackID("dev"))})
	api := cloudformation.NewFromConfig(cfg)
	res := secpillar.Resource{Type: incident.StackResourceType, ID: stackID("dev"), Region: "us-east-1", Account: acctID}
	change := []secpillar.Change{{Resource: res, Action: "cloudformation:UpdateTerminationProtection", Field: "EnableTerminationProtection", Before: "false", After: "true"}}

	t.Run("bad input is rejected before any call", func(t *testing.T) {
		acct.ResetCalls()
		for _, in := range []string{"", "arn:aws:s3:::bucket", "arn:nonsense"} {
			if _, err := incident.RemediateStackTerminationProtection(bg, api, in); err == nil {
				t.Errorf("stack %q: want an error", in)
			}
		}
		if n := len(acct.Calls()); n != 0 {
			t.Errorf("%d calls, want none", n)
		}
	})
	t.Run("dry run plans and writes nothing", func(t *testing.T) {
		acct.ResetCalls()
		got, err := incident.RemediateStackTerminationProtection(bg, api, "dev", secpillar.DryRun)
		if err != nil {
			t.Fatal(err)
		}
		if got.Outcome != secpillar.OutcomePlanned {
			t.Errorf("outcome = %s, want PLANNED", got.Outcome)
		}
		if diff := cmp.Diff(change, got.Changes); diff != "" {
			t.Errorf("changes (-want +got):\n%s", diff)
		}
		if n := acct.CallCount("CloudFormation", "UpdateTerminationProtection"); n != 0 {
			t.Errorf("%d writes in a dry run", n)
		}
	})
	t.Run("applies, verifies and keeps other settings", func(t *testing.T) {
		got, err := incident.RemediateStackTerminationProtection(bg, api, "dev")
		if err != nil {
			t.Fatal(err)
		}
		want := secpillar.Remediation{Control: incident.StackTerminationProtectionID, Resource: res, Outcome: secpillar.OutcomeChanged, Changes: change,
			Undo: "Call cloudformation:UpdateTerminationProtection on stack " + stackID("dev") + " with EnableTerminationProtection=false."}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("remediation (-want +got):\n%s", diff)
		}
		if !aws.ToBool(s.Stack.EnableTerminationProtection) || len(s.Stack.NotificationARNs) != 1 {
			t.Errorf("stack after = %+v", s.Stack)
		}
	})
	t.Run("second run writes nothing", func(t *testing.T) {
		acct.ResetCalls()
		got, err := incident.RemediateStackTerminationProtection(bg, api, stackID("dev"))
		if err != nil {
			t.Fatal(err)
		}
		if got.Outcome != secpillar.OutcomeCompliant || len(got.Changes) != 0 {
			t.Errorf("got %+v, want COMPLIANT without changes", got)
		}
		if n := acct.CallCount("CloudFormation", "UpdateTerminationProtection"); n != 0 {
			t.Errorf("%d writes on a second run", n)
		}
	})
	t.Run("nested stack is refused, naming the root", func(t *testing.T) {
		_, err := incident.RemediateStackTerminationProtection(bg, api, "dev-net")
		if err == nil || !strings.Contains(err.Error(), stackID("dev")) {
			t.Errorf("err = %v, want refusal naming the root stack", err)
		}
	})
	t.Run("unknown stack is an error", func(t *testing.T) {
		if _, err := incident.RemediateStackTerminationProtection(bg, api, "nope"); err == nil {
			t.Error("want an error")
		}
	})
}

func TestRemediateStackTerminationProtectionVerifyPending(t *testing.T) {
	acct, cfg := newAccount(t)
	acct.CloudFormation.AddStack("us-east-1", cfntypes.Stack{StackName: aws.String("dev")})
	// The write is accepted but not applied: the re-read still shows it off.
	acct.Inject(fakeaws.Fault{Service: "CloudFormation", Operation: "UpdateTerminationProtection", Respond: func(context.Context, any) (any, error) {
		return &cloudformation.UpdateTerminationProtectionOutput{}, nil
	}})
	got, err := incident.RemediateStackTerminationProtection(bg, cloudformation.NewFromConfig(cfg), "dev")
	if err != nil {
		t.Fatal(err)
	}
	if got.Outcome != secpillar.OutcomeVerifyPending {
		t.Errorf("outcome = %s, want VERIFY_PENDING", got.Outcome)
	}
}

func TestRemediateAllStackTerminationProtection(t *testing.T) {
	acct, cfg := newAccount(t)
	for _, n := range []string{"a", "b", "c", "d"} {
		acct.CloudFormation.AddStack("us-east-1", cfntypes.Stack{StackName: aws.String(n)})
	}
	acct.CloudFormation.AddStack("us-east-1", cfntypes.Stack{StackName: aws.String("ok"), EnableTerminationProtection: aws.Bool(true)})
	api := cloudformation.NewFromConfig(cfg)

	_, err := incident.RemediateAllStackTerminationProtection(bg, api, func(o *secpillar.RemediateOptions) { o.MaxResources = 3 })
	var tooMany *secpillar.TooManyResourcesError
	if !errors.As(err, &tooMany) || tooMany.Count != 4 || tooMany.Max != 3 {
		t.Fatalf("err = %v, want TooManyResourcesError 4 > 3", err)
	}
	if n := acct.CallCount("CloudFormation", "UpdateTerminationProtection"); n != 0 {
		t.Fatalf("%d writes before refusing", n)
	}
	got, err := incident.RemediateAllStackTerminationProtection(bg, api)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 4 {
		t.Fatalf("got %d remediations, want 4", len(got))
	}
	for _, r := range got {
		if r.Outcome != secpillar.OutcomeChanged {
			t.Errorf("%s: outcome %s", r.Resource.ID, r.Outcome)
		}
	}
	again, err := incident.RemediateAllStackTerminationProtection(bg, api)
	if err != nil || len(again) != 0 {
		t.Errorf("second run = %v, %v; want nothing to do", again, err)
	}
}

func TestStackTerminationProtectionControl(t *testing.T) {
	acct, cfg := newAccount(t)
	acct.CloudFormation.AddStack("eu-west-1", cfntypes.Stack{StackName: aws.String("dev")})
	c := control(t, incident.StackTerminationProtectionID)
	cfg.Region = "eu-west-1"
	fs, err := c.Check(bg, cfg)
	if err != nil || len(fs) != 1 || fs[0].Status != secpillar.StatusFail {
		t.Fatalf("Check = %v, %v; want one FAIL", fs, err)
	}
	// The adapter acts in the finding's Region whatever the config says.
	cfg.Region = "us-east-1"
	rem, err := c.Remediate(bg, cfg, fs[0], secpillar.RemediateOptions{})
	if err != nil || rem.Outcome != secpillar.OutcomeChanged {
		t.Fatalf("Remediate = %+v, %v", rem, err)
	}
	if _, err := c.Remediate(bg, cfg, secpillar.Finding{Control: c.ID, Resource: secpillar.AccountResource(acctID)}, secpillar.RemediateOptions{}); err == nil {
		t.Error("want an error for a finding that is not about a stack")
	}
}
