package incident_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/google/go-cmp/cmp"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/incident"
	"github.com/secpillar/secpillar/internal/fakeaws"
)

const (
	orgStatement    = `{"Sid":"Org","Effect":"Allow","Principal":"*","Action":"events:PutEvents","Resource":"arn:aws:events:us-east-1:111122223333:event-bus/default","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc123"}}}`
	publicStatement = `{"Sid":"Anyone","Effect":"Allow","Principal":"*","Action":"events:PutEvents","Resource":"arn:aws:events:us-east-1:111122223333:event-bus/default"}`
	partnerStmt     = `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"events:PutEvents","Resource":"*"}`
	anonNoSid       = `{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"events:*","Resource":"*","Condition":{"StringNotEquals":{"aws:SourceAccount":"1"}}}`
)

func busARN(name string) string { return "arn:aws:events:us-east-1:111122223333:event-bus/" + name }

func doc(stmts ...string) string {
	return `{"Version":"2012-10-17","Statement":[` + strings.Join(stmts, ",") + `]}`
}

func TestCheckEventBusPolicyNotPublic(t *testing.T) {
	tests := []struct {
		name    string
		setup   func(*fakeaws.Account)
		want    map[string]secpillar.Status
		wantEv  string
		wantErr string
	}{
		{
			name: "no policy, restricted, public",
			setup: func(a *fakeaws.Account) {
				a.EventBridge.Bus("us-east-1", "default").Policy = doc(orgStatement, partnerStmt)
				a.EventBridge.Bus("us-east-1", "orders")
				a.EventBridge.Bus("us-east-1", "open").Policy = doc(orgStatement, publicStatement, anonNoSid)
				a.EventBridge.Bus("us-east-1", "x1")
				a.EventBridge.Bus("us-east-1", "x2")
			},
			want: map[string]secpillar.Status{
				busARN("default"): secpillar.StatusPass, busARN("orders"): secpillar.StatusPass, busARN("open"): secpillar.StatusFail,
				busARN("x1"): secpillar.StatusPass, busARN("x2"): secpillar.StatusPass,
			},
			wantEv: "Anyone,#2",
		},
		{name: "only the default bus, no policy", setup: func(*fakeaws.Account) {}, want: map[string]secpillar.Status{busARN("default"): secpillar.StatusPass}},
		{name: "access denied", setup: func(a *fakeaws.Account) { a.DenyAccess("EventBridge", "ListEventBuses", "") }, wantErr: "explicit deny"},
		{
			name: "malformed policy is an error",
			setup: func(a *fakeaws.Account) {
				a.EventBridge.Bus("us-east-1", "default").Policy = `{"Statement":[{"Effect":"Maybe"}]}`
			},
			wantErr: "default",
		},
		{
			name: "a policy missing from the list is read from the bus",
			setup: func(a *fakeaws.Account) {
				a.EventBridge.Bus("us-east-1", "default").Policy = doc(publicStatement)
				a.Inject(fakeaws.Fault{Service: "EventBridge", Operation: "ListEventBuses", Respond: func(context.Context, any) (any, error) {
					return &eventbridge.ListEventBusesOutput{EventBuses: []ebtypes.EventBus{{Name: aws.String("default"), Arn: aws.String(busARN("default"))}}}, nil
				}})
			},
			want:   map[string]secpillar.Status{busARN("default"): secpillar.StatusFail},
			wantEv: "Anyone",
		},
		{
			name: "nil Arn",
			setup: func(a *fakeaws.Account) {
				a.Inject(fakeaws.Fault{Service: "EventBridge", Operation: "ListEventBuses", Respond: func(context.Context, any) (any, error) {
					return &eventbridge.ListEventBusesOutput{EventBuses: []ebtypes.EventBus{{Name: aws.String("default")}}}, nil
				}})
			},
			wantErr: "no Arn",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			acct, cfg := newAccount(t)
			tt.setup(acct)
			fs, err := incident.CheckEventBusPolicyNotPublic(bg, eventbridge.NewFromConfig(cfg))
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
				if f.Status == secpillar.StatusFail && f.Evidence["public_statements"] != tt.wantEv {
					t.Errorf("public statements = %q, want %q", f.Evidence["public_statements"], tt.wantEv)
				}
			}
		})
	}
}

func TestRemediateEventBusPolicyNotPublic(t *testing.T) {
	acct, cfg := newAccount(t)
	open := acct.EventBridge.Bus("us-east-1", "open")
	open.Policy = doc(orgStatement, publicStatement, partnerStmt, anonNoSid)
	only := acct.EventBridge.Bus("us-east-1", "only-public")
	only.Policy = doc(publicStatement)
	api := eventbridge.NewFromConfig(cfg)
	writeOps := []string{"PutPermission", "RemovePermission"}

	t.Run("bad input", func(t *testing.T) {
		acct.ResetCalls()
		for _, in := range []string{"", " ", "arn:aws:sns:us-east-1:1:t"} {
			if _, err := incident.RemediateEventBusPolicyNotPublic(bg, api, in); err == nil {
				t.Errorf("%q: want error", in)
			}
		}
		if len(acct.Calls()) != 0 {
			t.Errorf("calls before validation: %v", acct.Calls())
		}
	})
	t.Run("dry run", func(t *testing.T) {
		rem, err := incident.RemediateEventBusPolicyNotPublic(bg, api, "open", secpillar.DryRun)
		if err != nil {
			t.Fatal(err)
		}
		if rem.Outcome != secpillar.OutcomePlanned || len(rem.Changes) != 3 || !strings.Contains(rem.Undo, publicStatement) {
			t.Errorf("got %+v", rem)
		}
		if n := writes(acct, "EventBridge", writeOps...); n != 0 {
			t.Errorf("%d writes", n)
		}
	})
	t.Run("removes only public statements, keeps the rest byte for byte", func(t *testing.T) {
		rem, err := incident.RemediateEventBusPolicyNotPublic(bg, api, "open")
		if err != nil || rem.Outcome != secpillar.OutcomeChanged {
			t.Fatalf("got %+v, %v", rem, err)
		}
		want := doc(orgStatement, partnerStmt)
		if diff := cmp.Diff(want, open.Policy); diff != "" {
			t.Errorf("policy (-want +got):\n%s", diff)
		}
	})
	t.Run("second run", func(t *testing.T) {
		acct.ResetCalls()
		rem, err := incident.RemediateEventBusPolicyNotPublic(bg, api, busARN("open"))
		if err != nil || rem.Outcome != secpillar.OutcomeCompliant || writes(acct, "EventBridge", writeOps...) != 0 {
			t.Errorf("got %+v, %v", rem, err)
		}
	})
	t.Run("nothing left: the policy is removed, through the adapter", func(t *testing.T) {
		c := control(t, incident.EventBusNotPublicID)
		fs, err := c.Check(bg, cfg)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fs {
			if f.Status != secpillar.StatusFail {
				continue
			}
			rem, err := c.Remediate(bg, cfg, f, secpillar.RemediateOptions{})
			if err != nil || rem.Outcome != secpillar.OutcomeChanged {
				t.Fatalf("got %+v, %v", rem, err)
			}
		}
		if only.Policy != "" || acct.CallCount("EventBridge", "RemovePermission") != 1 {
			t.Errorf("policy = %q, RemovePermission calls = %d", only.Policy, acct.CallCount("EventBridge", "RemovePermission"))
		}
	})
}
