package detective_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logstypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/google/go-cmp/cmp"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/detective"
	"github.com/secpillar/secpillar/internal/fakeaws"
)

const rootPattern = "{ ($.userIdentity.type = Root) &&\n  ($.eventType != \"AwsServiceEvent\") && ($.userIdentity.invokedBy NOT EXISTS) }"

// chainAccount builds an account whose root-usage chain is complete in
// eu-west-1, with a trail homed there.
func chainAccount() (*fakeaws.Account, string) {
	acct := fakeaws.New(acctID)
	group := acct.Logs.AddLogGroup("eu-west-1", "cloudtrail/management", 365)
	tr := trail("main", "eu-west-1", true)
	tr.Trail.CloudWatchLogsLogGroupArn = aws.String(group)
	tr.Trail.CloudWatchLogsRoleArn = aws.String("arn:aws:iam::" + acctID + ":role/ct-logs")
	acct.CloudTrail.AddTrail(tr)
	acct.Logs.AddMetricFilter("eu-west-1", "cloudtrail/management", "root", rootPattern, "RootCalls", "Security")
	topic := acct.SNS.AddTopic("eu-west-1", "security-alerts", "pending:email:new@example.com", "email:soc@example.com")
	acct.CloudWatch.AddAlarm("eu-west-1", "root-usage", "RootCalls", "Security", topic.ARN)
	return acct, topic.ARN
}

func chainAPIs(acct *fakeaws.Account, region string) detective.AlarmChainAPIs {
	cfg := cfgIn(acct, region)
	return detective.AlarmChainAPIs{CloudTrail: cloudtrail.NewFromConfig(cfg), Logs: cloudwatchlogs.NewFromConfig(cfg), CloudWatch: cloudwatch.NewFromConfig(cfg), SNS: sns.NewFromConfig(cfg)}
}

func TestCheckMetricAlarm(t *testing.T) {
	tests := []struct {
		name    string
		change  func(a *fakeaws.Account, topic string)
		want    secpillar.Status
		reason  string
		wantErr string
	}{
		{"whole chain", func(*fakeaws.Account, string) {}, secpillar.StatusPass, "confirmed subscription", ""},
		{"no trail", func(a *fakeaws.Account, _ string) { a.CloudTrail.Trails = nil }, secpillar.StatusFail, "No multi-Region trail", ""},
		{"trail not logging", func(a *fakeaws.Account, _ string) { a.CloudTrail.Trails[0].Logging = false }, secpillar.StatusFail, "No multi-Region trail", ""},
		{"trail without log group", func(a *fakeaws.Account, _ string) {
			a.CloudTrail.Trails[0].Trail.CloudWatchLogsLogGroupArn = nil
		}, secpillar.StatusFail, "does not deliver to CloudWatch Logs", ""},
		{"filter on another event", func(a *fakeaws.Account, _ string) {
			a.Logs.Region("eu-west-1").MetricFilters[0].FilterPattern = aws.String(`{ $.eventName = ConsoleLogin }`)
		}, secpillar.StatusFail, "No metric filter", ""},
		{"filter needing a field events lack", func(a *fakeaws.Account, _ string) {
			a.Logs.Region("eu-west-1").MetricFilters[0].FilterPattern = aws.String(`{ $.userIdentity.type = Root && $.userIdentity.invokedBy NOT EXISTS && $.userIdentity.sessionContext.mfa = "yes" }`)
		}, secpillar.StatusFail, "No metric filter", ""},
		{"term pattern", func(a *fakeaws.Account, _ string) {
			a.Logs.Region("eu-west-1").MetricFilters[0].FilterPattern = aws.String(`Root`)
		}, secpillar.StatusFail, "No metric filter", ""},
		{"alarm on another namespace", func(a *fakeaws.Account, _ string) {
			a.CloudWatch.Region("eu-west-1").Alarms[0].Namespace = aws.String("Other")
		}, secpillar.StatusFail, "no alarm with an enabled action", ""},
		{"alarm without actions", func(a *fakeaws.Account, _ string) {
			a.CloudWatch.Region("eu-west-1").Alarms[0].AlarmActions = nil
		}, secpillar.StatusFail, "no alarm with an enabled action", ""},
		{"alarm actions disabled", func(a *fakeaws.Account, _ string) {
			a.CloudWatch.Region("eu-west-1").Alarms[0].ActionsEnabled = aws.Bool(false)
		}, secpillar.StatusFail, "no alarm with an enabled action", ""},
		{"only pending subscriptions", func(a *fakeaws.Account, _ string) {
			subs := a.SNS.Region("eu-west-1").Topics[0].Subscriptions
			a.SNS.Region("eu-west-1").Topics[0].Subscriptions = subs[:1]
		}, secpillar.StatusFail, "no SNS topic with a confirmed subscription", ""},
		{"topic deleted", func(a *fakeaws.Account, _ string) { a.SNS.Region("eu-west-1").Topics = nil }, secpillar.StatusFail, "no SNS topic with a confirmed subscription", ""},
		{"log group deleted", func(a *fakeaws.Account, _ string) { a.Logs.Region("eu-west-1").LogGroups = nil }, secpillar.StatusFail, "No metric filter", ""},
		{"alarms denied", func(a *fakeaws.Account, _ string) { a.DenyAccess("CloudWatch", "DescribeAlarms", "") }, "", "", "explicit deny"},
		{"subscriptions denied", func(a *fakeaws.Account, _ string) { a.DenyAccess("SNS", "ListSubscriptionsByTopic", "") }, "", "", "explicit deny"},
		{"nil FilterPattern", func(a *fakeaws.Account, _ string) {
			a.Inject(fakeaws.Fault{Service: "CloudWatch Logs", Operation: "DescribeMetricFilters", Respond: func(context.Context, any) (any, error) {
				return &cloudwatchlogs.DescribeMetricFiltersOutput{MetricFilters: []logstypes.MetricFilter{{FilterName: aws.String("x")}}}, nil
			}})
		}, "", "", "no FilterPattern"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			acct, topic := chainAccount()
			tt.change(acct, topic)
			f, err := detective.CheckMetricAlarm(ctx, chainAPIs(acct, "us-east-1"), detective.AlarmRootUsage)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if f.Status != tt.want || !strings.Contains(f.Reason, tt.reason) || f.Control != "detective.alarm-root-usage" {
				t.Errorf("got %s %q, want %s containing %q", f.Status, f.Reason, tt.want, tt.reason)
			}
		})
	}
	t.Run("other alarms fail on the same account", func(t *testing.T) {
		acct, _ := chainAccount()
		f, err := detective.CheckMetricAlarm(ctx, chainAPIs(acct, "us-east-1"), detective.AlarmVPCChanges)
		if err != nil || f.Status != secpillar.StatusFail {
			t.Errorf("vpc-changes: %s %v", f.Status, err)
		}
	})
	t.Run("bad input", func(t *testing.T) {
		acct, _ := chainAccount()
		if _, err := detective.CheckMetricAlarm(ctx, chainAPIs(acct, "us-east-1"), "nope"); err == nil || len(acct.Calls()) != 0 {
			t.Errorf("unknown alarm: err %v, %d calls", err, len(acct.Calls()))
		}
		if _, err := detective.CheckMetricAlarm(ctx, detective.AlarmChainAPIs{}, detective.AlarmRootUsage); err == nil {
			t.Error("missing clients: want an error")
		}
	})
}

func remediationAPIs(acct *fakeaws.Account, region string) detective.AlarmRemediationAPIs {
	cfg := cfgIn(acct, region)
	return detective.AlarmRemediationAPIs{CloudTrail: cloudtrail.NewFromConfig(cfg), Logs: cloudwatchlogs.NewFromConfig(cfg), CloudWatch: cloudwatch.NewFromConfig(cfg), SNS: sns.NewFromConfig(cfg)}
}

func TestRemediateMetricAlarm(t *testing.T) {
	t.Run("creates filter and alarm, then compliant", func(t *testing.T) {
		acct, topic := chainAccount()
		apis := remediationAPIs(acct, "us-east-1")
		rem, err := detective.RemediateMetricAlarm(ctx, apis, detective.AlarmCMKDisableOrDeletion, topic, secpillar.DryRun)
		if err != nil || rem.Outcome != secpillar.OutcomePlanned || writes(acct) != 0 {
			t.Fatalf("dry run: %+v %v, %d writes", rem, err, writes(acct))
		}
		var actions []string
		for _, c := range rem.Changes {
			actions = append(actions, c.Action)
		}
		if diff := cmp.Diff([]string{"logs:PutMetricFilter", "cloudwatch:PutMetricAlarm"}, actions); diff != "" {
			t.Errorf("actions (-want +got):\n%s", diff)
		}
		rem, err = detective.RemediateMetricAlarm(ctx, apis, detective.AlarmCMKDisableOrDeletion, topic)
		if err != nil || rem.Outcome != secpillar.OutcomeChanged {
			t.Fatalf("fix: %+v %v", rem, err)
		}
		f, _ := detective.CheckMetricAlarm(ctx, chainAPIs(acct, "us-east-1"), detective.AlarmCMKDisableOrDeletion)
		if f.Status != secpillar.StatusPass {
			t.Errorf("after: %s %s", f.Status, f.Reason)
		}
		if f, _ := detective.CheckMetricAlarm(ctx, chainAPIs(acct, "us-east-1"), detective.AlarmRootUsage); f.Status != secpillar.StatusPass {
			t.Errorf("existing chain broken: %s", f.Reason)
		}
		if n := len(acct.Logs.Region("eu-west-1").MetricFilters); n != 2 {
			t.Errorf("filters = %d, want the existing one kept and one added", n)
		}
		acct.ResetCalls()
		rem, err = detective.RemediateMetricAlarm(ctx, apis, detective.AlarmCMKDisableOrDeletion, topic)
		if err != nil || rem.Outcome != secpillar.OutcomeCompliant || writes(acct) != 0 {
			t.Errorf("second run: %s %v, %d writes", rem.Outcome, err, writes(acct))
		}
	})
	t.Run("reuses a covering filter", func(t *testing.T) {
		acct, topic := chainAccount()
		acct.CloudWatch.Region("eu-west-1").Alarms = nil
		rem, err := detective.RemediateMetricAlarm(ctx, remediationAPIs(acct, "us-east-1"), detective.AlarmRootUsage, topic)
		if err != nil || rem.Outcome != secpillar.OutcomeChanged || len(rem.Changes) != 1 || acct.CallCount("CloudWatch Logs", "PutMetricFilter") != 0 {
			t.Fatalf("got %+v %v", rem, err)
		}
		if a := acct.CloudWatch.Region("eu-west-1").Alarms[0]; aws.ToString(a.MetricName) != "RootCalls" || aws.ToString(a.Namespace) != "Security" {
			t.Errorf("alarm on %s/%s, want Security/RootCalls", aws.ToString(a.Namespace), aws.ToString(a.MetricName))
		}
	})
	for name, tc := range map[string]struct {
		topic  func(string) string
		change func(*fakeaws.Account)
		want   string
	}{
		"not an ARN":              {func(string) string { return "alerts" }, func(*fakeaws.Account) {}, "not an SNS topic ARN"},
		"topic in another Region": {func(string) string { return "arn:aws:sns:us-east-1:" + acctID + ":x" }, func(*fakeaws.Account) {}, "alarm's Region"},
		"unconfirmed topic": {func(string) string { return "arn:aws:sns:eu-west-1:" + acctID + ":x" }, func(a *fakeaws.Account) {
			a.SNS.AddTopic("eu-west-1", "x", "pending:email:a@example.com")
		}, "no confirmed subscription"},
		"no log group": {func(s string) string { return s }, func(a *fakeaws.Account) { a.CloudTrail.Trails[0].Trail.CloudWatchLogsLogGroupArn = nil }, "does not deliver"},
	} {
		t.Run(name, func(t *testing.T) {
			acct, topic := chainAccount()
			tc.change(acct)
			_, err := detective.RemediateMetricAlarm(ctx, remediationAPIs(acct, "us-east-1"), detective.AlarmVPCChanges, tc.topic(topic))
			if err == nil || !strings.Contains(err.Error(), tc.want) || writes(acct) != 0 {
				t.Errorf("err = %v (want %q), %d writes", err, tc.want, writes(acct))
			}
		})
	}
}

func TestAlarmControlsShareOneReadSet(t *testing.T) {
	acct, _ := chainAccount()
	var controls []secpillar.Control
	for _, c := range detective.Controls() {
		if strings.HasPrefix(c.ID, "detective.alarm-") {
			controls = append(controls, c)
		}
	}
	if len(controls) != 15 {
		t.Fatalf("%d alarm controls, want 15", len(controls))
	}
	// One at a time: the SDK client sets ResultMetadata on the output
	// that Run's cache shares, which the race detector reports when
	// shared reads run concurrently (reported to the lead).
	rep, err := secpillar.Run(ctx, acct.Config(), controls, func(o *secpillar.RunOptions) {
		o.Regions = []string{"us-east-1"}
		o.Concurrency = 1
	})
	if err != nil {
		t.Fatal(err)
	}
	pass := 0
	for _, f := range rep.Findings {
		if f.Status == secpillar.StatusPass {
			pass++
		}
		if f.Status == secpillar.StatusError {
			t.Errorf("%s: %s", f.Control, f.Reason)
		}
	}
	if pass != 1 {
		t.Errorf("%d alarm controls pass, want 1 (root usage)", pass)
	}
	counts := acct.CallCounts()
	// The CloudTrail reads are identical too, but Run's read cache does
	// not yet see the operation name of CloudTrail calls (that client
	// sets it in a later middleware), so they are not counted here.
	want := map[string]int{
		"CloudWatch Logs.DescribeMetricFilters": 1, "CloudWatch.DescribeAlarms": 1, "SNS.ListSubscriptionsByTopic": 1,
	}
	got := map[string]int{}
	for k := range want {
		got[k] = counts[k]
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("calls for 15 controls (-want +got):\n%s", diff)
	}
}
