package detective_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logstypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	gdtypes "github.com/aws/aws-sdk-go-v2/service/guardduty/types"
	"github.com/aws/aws-sdk-go-v2/service/macie2"
	macietypes "github.com/aws/aws-sdk-go-v2/service/macie2/types"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/google/go-cmp/cmp"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/detective"
	"github.com/secpillar/secpillar/internal/fakeaws"
)

type checkCase struct {
	name    string
	setup   func(a *fakeaws.Account)
	want    secpillar.Status
	wantErr string
}

func runChecks(t *testing.T, cases []checkCase, check func(*fakeaws.Account) (secpillar.Finding, error)) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			acct := fakeaws.New(acctID)
			tt.setup(acct)
			f, err := check(acct)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if f.Status != tt.want || f.Reason == "" || f.Resource.Region != "eu-west-1" {
				t.Errorf("got %s %q %+v, want %s", f.Status, f.Reason, f.Resource, tt.want)
			}
		})
	}
}

func gdClient(a *fakeaws.Account) *guardduty.Client {
	return guardduty.NewFromConfig(cfgIn(a, "eu-west-1"))
}

func TestGuardDutyChecks(t *testing.T) {
	nilStatus := func(a *fakeaws.Account) {
		a.GuardDuty.EnableDetector("eu-west-1")
		a.Inject(fakeaws.Fault{Service: "GuardDuty", Operation: "GetDetector", Respond: func(context.Context, any) (any, error) {
			return &guardduty.GetDetectorOutput{Status: "PAUSED_FOREVER"}, nil
		}})
	}
	t.Run("enabled", func(t *testing.T) {
		runChecks(t, []checkCase{
			{"pass", func(a *fakeaws.Account) { a.GuardDuty.EnableDetector("eu-west-1") }, secpillar.StatusPass, ""},
			{"no detector", func(*fakeaws.Account) {}, secpillar.StatusFail, ""},
			{"other Region only", func(a *fakeaws.Account) { a.GuardDuty.EnableDetector("us-east-1") }, secpillar.StatusFail, ""},
			{"suspended", func(a *fakeaws.Account) {
				a.GuardDuty.EnableDetector("eu-west-1").Status = gdtypes.DetectorStatusDisabled
			}, secpillar.StatusFail, ""},
			{"denied", func(a *fakeaws.Account) { a.DenyAccess("GuardDuty", "ListDetectors", "") }, "", "explicit deny"},
			{"unknown status", nilStatus, "", `unknown status "PAUSED_FOREVER"`},
		}, func(a *fakeaws.Account) (secpillar.Finding, error) {
			return detective.CheckGuardDutyEnabled(ctx, gdClient(a), "eu-west-1")
		})
	})
	t.Run("plans", func(t *testing.T) {
		runChecks(t, []checkCase{
			{"pass", func(a *fakeaws.Account) { a.GuardDuty.EnableDetector("eu-west-1") }, secpillar.StatusPass, ""},
			{"legacy EKS runtime counts", func(a *fakeaws.Account) {
				d := a.GuardDuty.EnableDetector("eu-west-1", gdtypes.DetectorFeatureResultRuntimeMonitoring)
				d.Features = append(d.Features[:len(d.Features)-1], gdtypes.DetectorFeatureConfigurationResult{Name: gdtypes.DetectorFeatureResultEksRuntimeMonitoring, Status: gdtypes.FeatureStatusEnabled})
			}, secpillar.StatusPass, ""},
			{"one plan off", func(a *fakeaws.Account) {
				a.GuardDuty.EnableDetector("eu-west-1", gdtypes.DetectorFeatureResultRdsLoginEvents)
			}, secpillar.StatusFail, ""},
			{"no detector", func(*fakeaws.Account) {}, secpillar.StatusFail, ""},
			{"denied", func(a *fakeaws.Account) {
				a.GuardDuty.EnableDetector("eu-west-1")
				a.DenyAccess("GuardDuty", "GetDetector", "")
			}, "", "explicit deny"},
			{"unknown feature status", func(a *fakeaws.Account) {
				a.GuardDuty.EnableDetector("eu-west-1").Features[0].Status = "HALF"
			}, "", `unknown status "HALF"`},
		}, func(a *fakeaws.Account) (secpillar.Finding, error) {
			return detective.CheckGuardDutyProtectionPlans(ctx, gdClient(a), "eu-west-1")
		})
	})
	t.Run("high findings", func(t *testing.T) {
		withFindings := func(fs ...fakeaws.GuardDutyFinding) func(*fakeaws.Account) {
			return func(a *fakeaws.Account) { a.GuardDuty.EnableDetector("eu-west-1").Findings = fs }
		}
		runChecks(t, []checkCase{
			{"pass: low and archived high", withFindings(fakeaws.GuardDutyFinding{ID: "1", Severity: 5}, fakeaws.GuardDutyFinding{ID: "2", Severity: 8, Archived: true}), secpillar.StatusPass, ""},
			{"fail", withFindings(fakeaws.GuardDutyFinding{ID: "1", Severity: 7}, fakeaws.GuardDutyFinding{ID: "2", Severity: 8.9}), secpillar.StatusFail, ""},
			{"no detector", func(*fakeaws.Account) {}, secpillar.StatusNotApplicable, ""},
			{"denied", func(a *fakeaws.Account) {
				a.GuardDuty.EnableDetector("eu-west-1")
				a.DenyAccess("GuardDuty", "ListFindings", "")
			}, "", "explicit deny"},
		}, func(a *fakeaws.Account) (secpillar.Finding, error) {
			return detective.CheckGuardDutyNoHighFindings(ctx, gdClient(a), "eu-west-1")
		})
		acct := fakeaws.New(acctID)
		var fs []fakeaws.GuardDutyFinding
		for i := 0; i < 7; i++ {
			fs = append(fs, fakeaws.GuardDutyFinding{ID: string(rune('a' + i)), Severity: 7.5})
		}
		acct.GuardDuty.EnableDetector("eu-west-1").Findings = fs
		f, err := detective.CheckGuardDutyNoHighFindings(ctx, gdClient(acct), "eu-west-1")
		if err != nil || f.Evidence["high_findings"] != "7" {
			t.Errorf("count across pages: %v %v", f.Evidence, err)
		}
	})
}

func TestGuardDutyRemediations(t *testing.T) {
	acct := fakeaws.New(acctID)
	api := gdClient(acct)
	if _, err := detective.RemediateGuardDutyProtectionPlans(ctx, api); err == nil {
		t.Error("plans without a detector: want an error")
	}
	rem, err := detective.RemediateGuardDutyEnabled(ctx, api, secpillar.DryRun)
	if err != nil || rem.Outcome != secpillar.OutcomePlanned || writes(acct) != 0 {
		t.Fatalf("dry run: %+v %v", rem, err)
	}
	if rem, err = detective.RemediateGuardDutyEnabled(ctx, api); err != nil || rem.Outcome != secpillar.OutcomeChanged {
		t.Fatalf("create: %+v %v", rem, err)
	}
	d := acct.GuardDuty.Region("eu-west-1").Detector
	d.Status = gdtypes.DetectorStatusDisabled
	if rem, err = detective.RemediateGuardDutyEnabled(ctx, api); err != nil || rem.Outcome != secpillar.OutcomeChanged || rem.Changes[0].Action != "guardduty:UpdateDetector" {
		t.Fatalf("resume: %+v %v", rem, err)
	}
	for i := range d.Features {
		if d.Features[i].Name == gdtypes.DetectorFeatureResultLambdaNetworkLogs || d.Features[i].Name == gdtypes.DetectorFeatureResultDnsLogs {
			d.Features[i].Status = gdtypes.FeatureStatusDisabled
		}
	}
	rem, err = detective.RemediateGuardDutyProtectionPlans(ctx, api)
	if err != nil || rem.Outcome != secpillar.OutcomeChanged {
		t.Fatalf("plans: %+v %v", rem, err)
	}
	if diff := cmp.Diff([]string{"LAMBDA_NETWORK_LOGS"}, []string{rem.Changes[0].Field}); diff != "" || len(rem.Changes) != 1 {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
	for _, f := range d.Features {
		if f.Name == gdtypes.DetectorFeatureResultDnsLogs && f.Status != gdtypes.FeatureStatusDisabled {
			t.Error("a plan the control does not require was changed")
		}
	}
	acct.ResetCalls()
	r1, _ := detective.RemediateGuardDutyEnabled(ctx, api)
	r2, _ := detective.RemediateGuardDutyProtectionPlans(ctx, api)
	if r1.Outcome != secpillar.OutcomeCompliant || r2.Outcome != secpillar.OutcomeCompliant || writes(acct) != 0 {
		t.Errorf("second run: %s %s, %d writes", r1.Outcome, r2.Outcome, writes(acct))
	}
}

func TestSecurityHubAndMacie(t *testing.T) {
	t.Run("security hub", func(t *testing.T) {
		runChecks(t, []checkCase{
			{"pass", func(a *fakeaws.Account) { a.SecurityHub.Region("eu-west-1").Enabled = true }, secpillar.StatusPass, ""},
			{"not subscribed", func(*fakeaws.Account) {}, secpillar.StatusFail, ""},
			{"denied", func(a *fakeaws.Account) { a.DenyAccess("SecurityHub", "DescribeHub", "") }, "", "explicit deny"},
			{"nil HubArn", func(a *fakeaws.Account) {
				a.Inject(fakeaws.Fault{Service: "SecurityHub", Operation: "DescribeHub", Respond: func(context.Context, any) (any, error) { return &securityhub.DescribeHubOutput{}, nil }})
			}, "", "no HubArn"},
		}, func(a *fakeaws.Account) (secpillar.Finding, error) {
			return detective.CheckSecurityHubEnabled(ctx, securityhub.NewFromConfig(cfgIn(a, "eu-west-1")), "eu-west-1")
		})
		acct := fakeaws.New(acctID)
		api := securityhub.NewFromConfig(cfgIn(acct, "eu-west-1"))
		if rem, err := detective.RemediateSecurityHubEnabled(ctx, api, secpillar.DryRun); err != nil || rem.Outcome != secpillar.OutcomePlanned || writes(acct) != 0 {
			t.Fatalf("dry run: %+v %v", rem, err)
		}
		if rem, err := detective.RemediateSecurityHubEnabled(ctx, api); err != nil || rem.Outcome != secpillar.OutcomeChanged {
			t.Fatalf("enable: %+v %v", rem, err)
		}
		acct.ResetCalls()
		if rem, err := detective.RemediateSecurityHubEnabled(ctx, api); err != nil || rem.Outcome != secpillar.OutcomeCompliant || writes(acct) != 0 {
			t.Fatalf("second run: %+v %v", rem, err)
		}
	})
	t.Run("macie", func(t *testing.T) {
		runChecks(t, []checkCase{
			{"pass", func(a *fakeaws.Account) { a.Macie2.Status = map[string]macietypes.MacieStatus{"eu-west-1": "ENABLED"} }, secpillar.StatusPass, ""},
			{"paused", func(a *fakeaws.Account) { a.Macie2.Status = map[string]macietypes.MacieStatus{"eu-west-1": "PAUSED"} }, secpillar.StatusFail, ""},
			{"not enabled", func(*fakeaws.Account) {}, secpillar.StatusFail, ""},
			{"really denied", func(a *fakeaws.Account) { a.DenyAccess("Macie2", "GetMacieSession", "") }, "", "explicit deny"},
			{"unknown status", func(a *fakeaws.Account) { a.Macie2.Status = map[string]macietypes.MacieStatus{"eu-west-1": "SLEEPING"} }, "", `unknown status "SLEEPING"`},
		}, func(a *fakeaws.Account) (secpillar.Finding, error) {
			return detective.CheckMacieEnabled(ctx, macie2.NewFromConfig(cfgIn(a, "eu-west-1")), "eu-west-1")
		})
		for _, start := range []macietypes.MacieStatus{"", "PAUSED"} {
			acct := fakeaws.New(acctID)
			acct.Macie2.Status = map[string]macietypes.MacieStatus{"eu-west-1": start}
			api := macie2.NewFromConfig(cfgIn(acct, "eu-west-1"))
			if rem, err := detective.RemediateMacieEnabled(ctx, api, secpillar.DryRun); err != nil || rem.Outcome != secpillar.OutcomePlanned || writes(acct) != 0 {
				t.Fatalf("%q dry run: %+v %v", start, rem, err)
			}
			if rem, err := detective.RemediateMacieEnabled(ctx, api); err != nil || rem.Outcome != secpillar.OutcomeChanged {
				t.Fatalf("%q enable: %+v %v", start, rem, err)
			}
			acct.ResetCalls()
			if rem, err := detective.RemediateMacieEnabled(ctx, api); err != nil || rem.Outcome != secpillar.OutcomeCompliant || writes(acct) != 0 {
				t.Fatalf("%q second run: %+v %v", start, rem, err)
			}
		}
	})
}

func TestLogGroupRetention(t *testing.T) {
	acct := fakeaws.New(acctID)
	acct.Logs.AddLogGroup("eu-west-1", "/app/short", 30)
	acct.Logs.AddLogGroup("eu-west-1", "/app/forever", 0)
	acct.Logs.AddLogGroup("eu-west-1", "/app/year", 400)
	acct.Logs.AddLogGroup("eu-west-1", "/app/week", 7)
	api := cloudwatchlogs.NewFromConfig(cfgIn(acct, "eu-west-1"))
	got, err := detective.CheckLogGroupRetention(ctx, api, "eu-west-1")
	if err != nil {
		t.Fatal(err)
	}
	status := map[string]secpillar.Status{}
	for _, f := range got {
		status[f.Evidence["log_group"]] = f.Status
	}
	want := map[string]secpillar.Status{"/app/short": secpillar.StatusFail, "/app/forever": secpillar.StatusPass, "/app/year": secpillar.StatusPass, "/app/week": secpillar.StatusFail}
	if diff := cmp.Diff(want, status); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}
	got, _ = detective.CheckLogGroupRetention(ctx, api, "eu-west-1", func(o *detective.LogGroupRetentionOptions) { o.MinDays = 14 })
	fails := 0
	for _, f := range got {
		if f.Status == secpillar.StatusFail {
			fails++
		}
	}
	if fails != 1 {
		t.Errorf("MinDays 14: %d fails, want 1", fails)
	}
	if got, err := detective.CheckLogGroupRetention(ctx, cloudwatchlogs.NewFromConfig(cfgIn(acct, "us-east-1")), "us-east-1"); err != nil || got[0].Status != secpillar.StatusNotApplicable {
		t.Errorf("empty Region: %+v %v", got, err)
	}
	denied := fakeaws.New(acctID)
	denied.DenyAccess("CloudWatch Logs", "DescribeLogGroups", "")
	if _, err := detective.CheckLogGroupRetention(ctx, cloudwatchlogs.NewFromConfig(cfgIn(denied, "eu-west-1")), "eu-west-1"); err == nil {
		t.Error("denied: want an error")
	}
	nilName := fakeaws.New(acctID)
	nilName.Inject(fakeaws.Fault{Service: "CloudWatch Logs", Operation: "DescribeLogGroups", Respond: func(context.Context, any) (any, error) {
		return &cloudwatchlogs.DescribeLogGroupsOutput{LogGroups: []logstypes.LogGroup{{}}}, nil
	}})
	if _, err := detective.CheckLogGroupRetention(ctx, cloudwatchlogs.NewFromConfig(cfgIn(nilName, "eu-west-1")), "eu-west-1"); err == nil || !strings.Contains(err.Error(), "without LogGroupName") {
		t.Errorf("nil name: %v", err)
	}

	// Remediation.
	if got := detective.RetentionFor(365); got != 365 {
		t.Errorf("RetentionFor(365) = %d", got)
	}
	if got := detective.RetentionFor(366); got != 400 {
		t.Errorf("RetentionFor(366) = %d", got)
	}
	rem, err := detective.RemediateLogGroupRetention(ctx, api, "/app/short", 0, secpillar.DryRun)
	if err != nil || rem.Outcome != secpillar.OutcomePlanned || writes(acct) != 0 || rem.Changes[0].After != "365" {
		t.Fatalf("dry run: %+v %v", rem, err)
	}
	c := controlByID(t, detective.IDLogGroupRetention)
	shortARN := "arn:aws:logs:eu-west-1:" + acctID + ":log-group:/app/short"
	rem, err = c.Remediate(ctx, cfgIn(acct, "us-east-1"), secpillar.Finding{Resource: secpillar.Resource{Type: detective.LogGroupResourceType, ID: shortARN, Region: "eu-west-1"}}, secpillar.RemediateOptions{})
	if err != nil || rem.Outcome != secpillar.OutcomeChanged {
		t.Fatalf("adapter: %+v %v", rem, err)
	}
	if r := acct.Logs.Region("eu-west-1").LogGroups; aws.ToInt32(r[1].RetentionInDays) != 365 || r[1].RetentionInDays == nil {
		t.Errorf("groups after: %+v", r[1])
	}
	acct.ResetCalls()
	for _, g := range []string{"/app/short", "/app/forever", "/app/year"} {
		if rem, err := detective.RemediateLogGroupRetention(ctx, api, g, 0); err != nil || rem.Outcome != secpillar.OutcomeCompliant {
			t.Errorf("%s: %s %v", g, rem.Outcome, err)
		}
	}
	if writes(acct) != 0 {
		t.Errorf("%d writes on compliant groups", writes(acct))
	}
	if _, err := detective.RemediateLogGroupRetention(ctx, api, "/nope", 0); err == nil {
		t.Error("unknown group: want an error")
	}
	if _, err := detective.RemediateLogGroupRetention(ctx, api, "arn:aws:s3:::x", 0); err == nil {
		t.Error("bad ARN: want an error")
	}
}
