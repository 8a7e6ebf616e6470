package incident_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/incident"
	"github.com/secpillar/secpillar/internal/fakeaws"
)

const (
	opsTopic     = "arn:aws:sns:us-east-1:111122223333:security-ops"
	pendingTopic = "arn:aws:sns:us-east-1:111122223333:nobody-confirmed"
	partnerTopic = "arn:aws:sns:us-east-1:999988887777:partner"
	goneTopic    = "arn:aws:sns:us-east-1:111122223333:deleted"
)

// subscriptions answers SNS ListSubscriptionsByTopic from a map of topic
// ARN to subscription ARNs, standing in for the SNS fake.
type subscriptions struct {
	mu   sync.Mutex
	subs map[string][]string
}

func withSubscriptions(acct *fakeaws.Account) *subscriptions {
	s := &subscriptions{subs: map[string][]string{
		opsTopic:     {"PendingConfirmation", opsTopic + ":0b1c"},
		pendingTopic: {"PendingConfirmation"},
	}}
	acct.Inject(fakeaws.Fault{Service: "SNS", Operation: "ListSubscriptionsByTopic", Respond: func(_ context.Context, params any) (any, error) {
		in := params.(*sns.ListSubscriptionsByTopicInput)
		switch aws.ToString(in.TopicArn) {
		case partnerTopic:
			return nil, &smithy.GenericAPIError{Code: "AuthorizationError", Message: "User is not authorized to perform: SNS:ListSubscriptionsByTopic on resource: " + partnerTopic}
		case goneTopic:
			return nil, &snstypes.NotFoundException{Message: aws.String("Topic does not exist")}
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		out := &sns.ListSubscriptionsByTopicOutput{}
		for _, a := range s.subs[aws.ToString(in.TopicArn)] {
			out.Subscriptions = append(out.Subscriptions, snstypes.Subscription{SubscriptionArn: aws.String(a), TopicArn: in.TopicArn})
		}
		return out, nil
	}})
	return s
}

func snsTarget(id, topic string) ebtypes.Target {
	return ebtypes.Target{Id: aws.String(id), Arn: aws.String(topic)}
}

func addAllAlertRules(a *fakeaws.Account, topic string) {
	for _, c := range incident.AlertCategories() {
		a.EventBridge.AddRule("us-east-1", "", "mine-"+string(c), incident.AlertPattern(c), snsTarget("1", topic))
	}
}

func TestCheckSecurityAlertRules(t *testing.T) {
	tests := []struct {
		name       string
		setup      func(*fakeaws.Account)
		wantStatus secpillar.Status
		wantEv     map[string]string
		wantErr    string
	}{
		{
			name: "every category routed, patterns written differently",
			setup: func(a *fakeaws.Account) {
				eb := a.EventBridge
				eb.AddRule("us-east-1", "", "findings", `{"source":["aws.securityhub","aws.guardduty"]}`, snsTarget("lambda", "arn:aws:lambda:us-east-1:111122223333:function:f"), snsTarget("sns", opsTopic))
				eb.AddRule("us-east-1", "", "root", "{\"detail\": {\"userIdentity\": {\"type\": [\"Root\"]}},\n \"detail-type\": [\"AWS Console Sign In via CloudTrail\"]}", snsTarget("sns", opsTopic))
				eb.AddRule("us-east-1", "", "trail", `{"detail":{"eventName":["DeleteTrail","StopLogging","UpdateTrail","PutEventSelectors"]},"source":["aws.cloudtrail"]}`, snsTarget("sns", opsTopic))
				eb.AddRule("us-east-1", "", "nightly", `{"source":["aws.backup"]}`)
			},
			wantStatus: secpillar.StatusPass,
			wantEv: map[string]string{
				"guardduty-findings": "findings -> " + opsTopic, "securityhub-findings": "findings -> " + opsTopic,
				"root-sign-in": "root -> " + opsTopic, "cloudtrail-tampering": "trail -> " + opsTopic,
			},
		},
		{
			name:       "no rules at all",
			setup:      func(*fakeaws.Account) {},
			wantStatus: secpillar.StatusFail,
			wantEv:     map[string]string{"guardduty-findings": "missing", "securityhub-findings": "missing", "root-sign-in": "missing", "cloudtrail-tampering": "missing"},
		},
		{
			name: "narrow, disabled, unsubscribed, unparsable and custom-bus rules do not count",
			setup: func(a *fakeaws.Account) {
				eb := a.EventBridge
				eb.AddRule("us-east-1", "", "high-only", `{"source":["aws.guardduty"],"detail":{"severity":[{"numeric":[">=",7]}]}}`, snsTarget("1", opsTopic))
				eb.AddRule("us-east-1", "", "off", incident.AlertPattern(incident.AlertSecurityHubFindings), snsTarget("1", opsTopic)).Rule.State = ebtypes.RuleStateDisabled
				eb.AddRule("us-east-1", "", "pending", incident.AlertPattern(incident.AlertRootSignIn), snsTarget("1", pendingTopic))
				eb.AddRule("us-east-1", "", "broken", `{"source":`, snsTarget("1", opsTopic))
				eb.Bus("us-east-1", "custom")
				eb.AddRule("us-east-1", "custom", "trail", incident.AlertPattern(incident.AlertCloudTrailTampering), snsTarget("1", opsTopic))
			},
			wantStatus: secpillar.StatusFail,
			wantEv: map[string]string{
				"guardduty-findings": "missing", "securityhub-findings": "missing",
				"root-sign-in":         "pending -> " + pendingTopic + " (no confirmed subscription)",
				"cloudtrail-tampering": "missing", "unparsed_rules": "broken",
			},
		},
		{
			name:    "access denied",
			setup:   func(a *fakeaws.Account) { a.DenyAccess("EventBridge", "ListRules", "") },
			wantErr: "explicit deny",
		},
		{
			name: "access denied on the topic",
			setup: func(a *fakeaws.Account) {
				addAllAlertRules(a, opsTopic)
				a.DenyAccess("SNS", "ListSubscriptionsByTopic", "")
			},
			wantErr: "explicit deny",
		},
		{
			name: "an unreadable topic does not matter when another covers the same events",
			setup: func(a *fakeaws.Account) {
				// Listed first, so its topic is read before the others cover the events.
				a.EventBridge.AddRule("us-east-1", "", "a-to-partner", incident.AlertPattern(incident.AlertGuardDutyFindings), snsTarget("1", partnerTopic))
				addAllAlertRules(a, opsTopic)
			},
			wantStatus: secpillar.StatusPass,
			wantEv: map[string]string{
				"guardduty-findings": "mine-guardduty-findings -> " + opsTopic, "securityhub-findings": "mine-securityhub-findings -> " + opsTopic,
				"root-sign-in": "mine-root-sign-in -> " + opsTopic, "cloudtrail-tampering": "mine-cloudtrail-tampering -> " + opsTopic,
			},
		},
		{
			name: "an unreadable topic is an error when nothing else covers its events",
			setup: func(a *fakeaws.Account) {
				a.EventBridge.AddRule("us-east-1", "", "to-partner", incident.AlertPattern(incident.AlertGuardDutyFindings), snsTarget("1", partnerTopic))
			},
			wantErr: "AuthorizationError",
		},
		{
			name: "a deleted topic delivers to no one",
			setup: func(a *fakeaws.Account) {
				a.EventBridge.AddRule("us-east-1", "", "to-gone", incident.AlertPattern(incident.AlertGuardDutyFindings), snsTarget("1", goneTopic))
			},
			wantStatus: secpillar.StatusFail,
			wantEv: map[string]string{
				"guardduty-findings": "to-gone -> " + goneTopic + " (no confirmed subscription)", "securityhub-findings": "missing",
				"root-sign-in": "missing", "cloudtrail-tampering": "missing",
			},
		},
		{
			name: "nil bus ARN",
			setup: func(a *fakeaws.Account) {
				a.Inject(fakeaws.Fault{Service: "EventBridge", Operation: "DescribeEventBus", Respond: func(context.Context, any) (any, error) {
					return &eventbridge.DescribeEventBusOutput{Name: aws.String("default")}, nil
				}})
			},
			wantErr: "Arn",
		},
		{
			name: "unknown rule state",
			setup: func(a *fakeaws.Account) {
				a.EventBridge.AddRule("us-east-1", "", "x", `{"source":["a"]}`).Rule.State = "HALF_ON"
			},
			wantErr: "HALF_ON",
		},
		{
			name: "repeated page token",
			setup: func(a *fakeaws.Account) {
				a.Inject(fakeaws.Fault{Service: "EventBridge", Operation: "ListRules", Respond: func(context.Context, any) (any, error) {
					return &eventbridge.ListRulesOutput{NextToken: aws.String("again")}, nil
				}})
			},
			wantErr: "twice",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			acct, cfg := newAccount(t)
			withSubscriptions(acct)
			tt.setup(acct)
			f, err := incident.CheckSecurityAlertRules(bg, eventbridge.NewFromConfig(cfg), sns.NewFromConfig(cfg))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if f.Status != tt.wantStatus {
				t.Errorf("status = %s, want %s (%s)", f.Status, tt.wantStatus, f.Reason)
			}
			if diff := cmp.Diff(tt.wantEv, f.Evidence); diff != "" {
				t.Errorf("evidence (-want +got):\n%s", diff)
			}
			if want := "arn:aws:events:us-east-1:111122223333:event-bus/default"; f.Resource.ID != want {
				t.Errorf("resource = %s, want %s", f.Resource.ID, want)
			}
		})
	}
}

func TestRemediateSecurityAlertRules(t *testing.T) {
	acct, cfg := newAccount(t)
	subs := withSubscriptions(acct)
	// GuardDuty is already covered by a rule of the account's own; it stays.
	acct.EventBridge.AddRule("us-east-1", "", "theirs", incident.AlertPattern(incident.AlertGuardDutyFindings), snsTarget("1", opsTopic))
	events, topics := eventbridge.NewFromConfig(cfg), sns.NewFromConfig(cfg)
	writeOps := []string{"PutRule", "PutTargets"}

	t.Run("bad topic rejected before any call", func(t *testing.T) {
		acct.ResetCalls()
		for _, in := range []string{"", "security-ops", "arn:aws:sqs:us-east-1:111122223333:q"} {
			if _, err := incident.RemediateSecurityAlertRules(bg, events, topics, in); err == nil {
				t.Errorf("%q: want error", in)
			}
		}
		if len(acct.Calls()) != 0 {
			t.Errorf("calls: %v", acct.Calls())
		}
	})
	t.Run("topic in another Region refused before writing", func(t *testing.T) {
		_, err := incident.RemediateSecurityAlertRules(bg, events, topics, "arn:aws:sns:eu-west-1:111122223333:t")
		if err == nil || writes(acct, "EventBridge", writeOps...) != 0 {
			t.Errorf("err = %v, writes = %d", err, writes(acct, "EventBridge", writeOps...))
		}
	})
	t.Run("dry run plans three rules and writes nothing", func(t *testing.T) {
		rem, err := incident.RemediateSecurityAlertRules(bg, events, topics, pendingTopic, secpillar.DryRun)
		if err != nil {
			t.Fatal(err)
		}
		if rem.Outcome != secpillar.OutcomePlanned || len(rem.Changes) != 6 {
			t.Errorf("got %s with %d changes, want PLANNED with 6", rem.Outcome, len(rem.Changes))
		}
		if !strings.Contains(strings.Join(rem.Notes, " "), "no confirmed subscription") {
			t.Errorf("notes = %q, want the unconfirmed topic named", rem.Notes)
		}
		if n := writes(acct, "EventBridge", writeOps...); n != 0 {
			t.Errorf("%d writes in dry run", n)
		}
	})
	t.Run("applies, verifies; the check then passes once confirmed", func(t *testing.T) {
		rem, err := incident.RemediateSecurityAlertRules(bg, events, topics, pendingTopic)
		if err != nil {
			t.Fatal(err)
		}
		if rem.Outcome != secpillar.OutcomeChanged || rem.Undo == "" {
			t.Fatalf("got %+v", rem)
		}
		subs.mu.Lock()
		subs.subs[pendingTopic] = []string{pendingTopic + ":abcd"}
		subs.mu.Unlock()
		f, err := incident.CheckSecurityAlertRules(bg, events, topics)
		if err != nil || f.Status != secpillar.StatusPass {
			t.Fatalf("check after = %+v, %v", f, err)
		}
		if f.Evidence["guardduty-findings"] != "theirs -> "+opsTopic {
			t.Errorf("the account's own rule should still cover GuardDuty: %v", f.Evidence)
		}
	})
	t.Run("second run writes nothing", func(t *testing.T) {
		acct.ResetCalls()
		rem, err := incident.RemediateSecurityAlertRules(bg, events, topics, pendingTopic)
		if err != nil || rem.Outcome != secpillar.OutcomeCompliant {
			t.Fatalf("got %+v, %v", rem, err)
		}
		if n := writes(acct, "EventBridge", writeOps...); n != 0 {
			t.Errorf("%d writes", n)
		}
	})
	t.Run("a tampered rule of ours is put back", func(t *testing.T) {
		acct.ResetCalls()
		_, err := events.PutRule(bg, &eventbridge.PutRuleInput{Name: aws.String(incident.AlertRuleName(incident.AlertRootSignIn)), EventPattern: aws.String(`{"source":["nothing"]}`)})
		if err != nil {
			t.Fatal(err)
		}
		rem, err := incident.RemediateSecurityAlertRules(bg, events, topics, pendingTopic)
		if err != nil || rem.Outcome != secpillar.OutcomeChanged || len(rem.Changes) != 1 {
			t.Fatalf("got %+v, %v", rem, err)
		}
	})
}
