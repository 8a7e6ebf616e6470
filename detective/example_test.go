package detective_test

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/detective"
	"github.com/secpillar/secpillar/internal/fakeaws"
	"github.com/secpillar/secpillar/report"
)

// A trail without log file validation fails, and the remediation turns it
// on, dry run first.
func ExampleCheckCloudTrailLogValidation() {
	acct := fakeaws.New("111122223333")
	acct.CloudTrail.AddTrail(fakeaws.CloudTrailTrail{Trail: cttypes.Trail{
		Name: aws.String("management-events"), HomeRegion: aws.String("us-east-1"),
		S3BucketName: aws.String("trail-logs"), IsMultiRegionTrail: aws.Bool(true),
		IncludeGlobalServiceEvents: aws.Bool(true), LogFileValidationEnabled: aws.Bool(false),
	}, Logging: true})
	ctx := context.Background()
	client := cloudtrail.NewFromConfig(acct.Config())

	findings, err := detective.CheckCloudTrailLogValidation(ctx, client, "us-east-1")
	if err != nil {
		panic(err)
	}
	for _, f := range findings {
		fmt.Println(f.Status, f.Resource.ID)
	}
	plan, _ := detective.RemediateCloudTrailLogValidation(ctx, client, "management-events", secpillar.DryRun)
	fmt.Println(plan.Outcome, plan.Changes[0].Field, plan.Changes[0].Before, "->", plan.Changes[0].After)
	done, _ := detective.RemediateCloudTrailLogValidation(ctx, client, "management-events")
	fmt.Println(done.Outcome)
	// Output:
	// FAIL arn:aws:cloudtrail:us-east-1:111122223333:trail/management-events
	// PLANNED LogFileValidationEnabled false -> true
	// CHANGED
}

// The fifteen CIS 4.x alarms pass only when the whole chain exists. Here
// the CMK alarm is missing; the remediation adds the canonical filter and
// an alarm to a topic with a confirmed subscriber.
func ExampleCheckMetricAlarm() {
	acct := fakeaws.New("111122223333")
	group := acct.Logs.AddLogGroup("us-east-1", "cloudtrail", 365)
	acct.CloudTrail.AddTrail(fakeaws.CloudTrailTrail{Trail: cttypes.Trail{
		Name: aws.String("management-events"), HomeRegion: aws.String("us-east-1"), S3BucketName: aws.String("trail-logs"),
		IsMultiRegionTrail: aws.Bool(true), IncludeGlobalServiceEvents: aws.Bool(true), LogFileValidationEnabled: aws.Bool(true),
		CloudWatchLogsLogGroupArn: aws.String(group), CloudWatchLogsRoleArn: aws.String("arn:aws:iam::111122223333:role/trail-to-logs"),
	}, Logging: true})
	topic := acct.SNS.AddTopic("us-east-1", "security-alerts", "email:secops@example.com")
	cfg := acct.Config()
	apis := detective.AlarmRemediationAPIs{CloudTrail: cloudtrail.NewFromConfig(cfg), Logs: cloudwatchlogs.NewFromConfig(cfg), CloudWatch: cloudwatch.NewFromConfig(cfg), SNS: sns.NewFromConfig(cfg)}
	read := detective.AlarmChainAPIs{CloudTrail: apis.CloudTrail, Logs: apis.Logs, CloudWatch: apis.CloudWatch, SNS: apis.SNS}
	ctx := context.Background()

	f, _ := detective.CheckMetricAlarm(ctx, read, detective.AlarmCMKDisableOrDeletion)
	fmt.Println(f.Control, f.Status)
	rem, _ := detective.RemediateMetricAlarm(ctx, apis, detective.AlarmCMKDisableOrDeletion, topic.ARN)
	fmt.Println(rem.Outcome, len(rem.Changes))
	f, _ = detective.CheckMetricAlarm(ctx, read, detective.AlarmCMKDisableOrDeletion)
	fmt.Println(f.Status, f.Evidence["alarm_name"], f.Evidence["confirmed_subscriptions"])
	// Output:
	// detective.alarm-cmk-disable-or-deletion FAIL
	// CHANGED 2
	// PASS secpillar-cmk-disable-or-deletion 1
}

// An in-house scanner can send its findings to Security Hub.
func ExampleExportToSecurityHub() {
	acct := fakeaws.New("111122223333")
	acct.SecurityHub.Region("us-east-1").Enabled = true
	findings := []secpillar.Finding{{
		Control: detective.IDCloudTrailLogValidation, Status: secpillar.StatusFail, Severity: secpillar.SeverityMedium,
		Resource: secpillar.Resource{Type: detective.TrailResourceType, ID: "arn:aws:cloudtrail:us-east-1:111122223333:trail/main", Region: "us-east-1", Account: "111122223333"},
		Reason:   "Trail main does not validate its log files.",
	}}
	res, err := detective.ExportToSecurityHub(context.Background(), securityhub.NewFromConfig(acct.Config()), findings,
		report.ASFFOptions{Region: "us-east-1", Controls: detective.Controls()})
	fmt.Println(res.Imported, len(res.Failed), err)
	// Output:
	// 1 0 <nil>
}
