package fakeaws_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logstypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	cfgtypes "github.com/aws/aws-sdk-go-v2/service/configservice/types"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	"github.com/aws/aws-sdk-go-v2/service/macie2"
	macietypes "github.com/aws/aws-sdk-go-v2/service/macie2/types"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	shtypes "github.com/aws/aws-sdk-go-v2/service/securityhub/types"

	"github.com/secpillar/secpillar/internal/fakeaws"
)

func in(acct *fakeaws.Account, region string) aws.Config {
	return acct.Config(func(c *aws.Config) { c.Region = region })
}

func TestCloudTrailShadowTrails(t *testing.T) {
	ctx := context.Background()
	acct := fakeaws.New("111122223333")
	acct.CloudTrail.AddTrail(fakeaws.CloudTrailTrail{Trail: cttypes.Trail{Name: aws.String("multi"), HomeRegion: aws.String("eu-west-1"), IsMultiRegionTrail: aws.Bool(true), IncludeGlobalServiceEvents: aws.Bool(true)}})
	acct.CloudTrail.AddTrail(fakeaws.CloudTrailTrail{Trail: cttypes.Trail{Name: aws.String("single"), HomeRegion: aws.String("eu-west-1"), IsMultiRegionTrail: aws.Bool(false)}})
	us := cloudtrail.NewFromConfig(in(acct, "us-east-1"))
	out, err := us.DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{})
	if err != nil || len(out.TrailList) != 1 || aws.ToString(out.TrailList[0].Name) != "multi" {
		t.Fatalf("us-east-1 sees %+v %v, want the multi-Region shadow only", out, err)
	}
	out, _ = us.DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{IncludeShadowTrails: aws.Bool(false)})
	if len(out.TrailList) != 0 {
		t.Errorf("without shadows: %d trails", len(out.TrailList))
	}
	arn := "arn:aws:cloudtrail:eu-west-1:111122223333:trail/multi"
	var nf *cttypes.TrailNotFoundException
	if _, err := us.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: aws.String("multi")}); !errors.As(err, &nf) {
		t.Errorf("shadow by name: %v, want TrailNotFoundException", err)
	}
	if _, err := us.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: aws.String(arn)}); err != nil {
		t.Errorf("shadow by ARN: %v", err)
	}
	var hr *cttypes.InvalidHomeRegionException
	if _, err := us.UpdateTrail(ctx, &cloudtrail.UpdateTrailInput{Name: aws.String(arn), EnableLogFileValidation: aws.Bool(true)}); !errors.As(err, &hr) {
		t.Errorf("update outside the home Region: %v, want InvalidHomeRegionException", err)
	}
	eu := cloudtrail.NewFromConfig(in(acct, "eu-west-1"))
	sel, err := eu.GetEventSelectors(ctx, &cloudtrail.GetEventSelectorsInput{TrailName: aws.String("single")})
	if err != nil || len(sel.EventSelectors) != 1 || !aws.ToBool(sel.EventSelectors[0].IncludeManagementEvents) {
		t.Errorf("default selector: %+v %v", sel, err)
	}
	var pc *cttypes.InvalidParameterCombinationException
	if _, err := eu.PutEventSelectors(ctx, &cloudtrail.PutEventSelectorsInput{TrailName: aws.String("single")}); !errors.As(err, &pc) {
		t.Errorf("no selectors: %v", err)
	}
	if _, err := eu.CreateTrail(ctx, &cloudtrail.CreateTrailInput{Name: aws.String("single"), S3BucketName: aws.String("b")}); err == nil {
		t.Error("duplicate trail: want an error")
	}
}

func TestLogsAlarmsConfigGuardDutyMacieHub(t *testing.T) {
	ctx := context.Background()
	acct := fakeaws.New("111122223333")
	logs := cloudwatchlogs.NewFromConfig(in(acct, "eu-west-1"))
	var nf *logstypes.ResourceNotFoundException
	if _, err := logs.DescribeMetricFilters(ctx, &cloudwatchlogs.DescribeMetricFiltersInput{LogGroupName: aws.String("nope")}); !errors.As(err, &nf) {
		t.Errorf("filters of a missing group: %v", err)
	}
	acct.Logs.AddLogGroup("eu-west-1", "g", 30)
	if _, err := logs.PutRetentionPolicy(ctx, &cloudwatchlogs.PutRetentionPolicyInput{LogGroupName: aws.String("g"), RetentionInDays: aws.Int32(42)}); err == nil {
		t.Error("retention 42: want an error")
	}
	cw := cloudwatch.NewFromConfig(in(acct, "eu-west-1"))
	if _, err := cw.PutMetricAlarm(ctx, &cloudwatch.PutMetricAlarmInput{AlarmName: aws.String("a"), MetricName: aws.String("m"), Namespace: aws.String("n"),
		Statistic: "Sum", Period: aws.Int32(300), EvaluationPeriods: aws.Int32(1), ComparisonOperator: "GreaterThanOrEqualToThreshold",
		AlarmActions: []string{"arn:aws:sns:us-east-1:111122223333:t"}}); err == nil {
		t.Error("action in another Region: want an error")
	}
	cfg := configservice.NewFromConfig(in(acct, "eu-west-1"))
	var nac *cfgtypes.NoAvailableConfigurationRecorderException
	if _, err := cfg.PutDeliveryChannel(ctx, &configservice.PutDeliveryChannelInput{DeliveryChannel: &cfgtypes.DeliveryChannel{S3BucketName: aws.String("b")}}); !errors.As(err, &nac) {
		t.Errorf("channel without recorder: %v", err)
	}
	gd := guardduty.NewFromConfig(in(acct, "eu-west-1"))
	if out, err := gd.ListDetectors(ctx, &guardduty.ListDetectorsInput{}); err != nil || len(out.DetectorIds) != 0 {
		t.Errorf("no detector: %+v %v", out, err)
	}
	var ad *macietypes.AccessDeniedException
	if _, err := macie2.NewFromConfig(in(acct, "eu-west-1")).GetMacieSession(ctx, &macie2.GetMacieSessionInput{}); !errors.As(err, &ad) {
		t.Errorf("Macie off: %v, want AccessDeniedException", err)
	}
	var ia *shtypes.InvalidAccessException
	if _, err := securityhub.NewFromConfig(in(acct, "eu-west-1")).DescribeHub(ctx, &securityhub.DescribeHubInput{}); !errors.As(err, &ia) {
		t.Errorf("hub off: %v, want InvalidAccessException", err)
	}
}
