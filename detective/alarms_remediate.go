package detective

import (
	"context"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logstypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/internal/filterpattern"
)

// MetricFilterWriteAPI is the part of the CloudWatch Logs API that
// RemediateMetricAlarm calls. *cloudwatchlogs.Client satisfies it.
type MetricFilterWriteAPI interface {
	MetricFiltersAPI
	PutMetricFilter(ctx context.Context, in *cloudwatchlogs.PutMetricFilterInput, optFns ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.PutMetricFilterOutput, error)
}

var _ MetricFilterWriteAPI = (*cloudwatchlogs.Client)(nil)

// AlarmWriteAPI is the part of the CloudWatch API that
// RemediateMetricAlarm calls. *cloudwatch.Client satisfies it.
type AlarmWriteAPI interface {
	AlarmsAPI
	PutMetricAlarm(ctx context.Context, in *cloudwatch.PutMetricAlarmInput, optFns ...func(*cloudwatch.Options)) (*cloudwatch.PutMetricAlarmOutput, error)
}

var _ AlarmWriteAPI = (*cloudwatch.Client)(nil)

// AlarmRemediationAPIs are the clients RemediateMetricAlarm uses.
type AlarmRemediationAPIs struct {
	CloudTrail TrailStateAPI
	Logs       MetricFilterWriteAPI
	CloudWatch AlarmWriteAPI
	SNS        SubscriptionsAPI
}

func (a AlarmRemediationAPIs) chain() AlarmChainAPIs {
	return AlarmChainAPIs{CloudTrail: a.CloudTrail, Logs: a.Logs, CloudWatch: a.CloudWatch, SNS: a.SNS}
}

// ResourceName returns the name RemediateMetricAlarm gives the filter
// and the alarm it creates ("secpillar-root-usage").
func (m MetricAlarm) ResourceName() string { return "secpillar-" + string(m) }

// RemediateMetricAlarm completes alarm's chain on the log group of the
// account's management trail: it adds a metric filter with the canonical
// pattern (unless a filter there already covers the events) and an alarm
// on its metric (Sum >= 1 over 5 minutes) notifying topicARN. The topic
// must be in the log group's Region and have a confirmed subscription,
// and the trail and its log group must exist (see
// RemediateCloudTrailMultiRegion and RemediateCloudTrailCloudWatchLogs):
// otherwise it returns an error before any write. It writes only its own
// filter and alarm, named by MetricAlarm.ResourceName, and re-reads the
// chain to verify.
func RemediateMetricAlarm(ctx context.Context, apis AlarmRemediationAPIs, alarm MetricAlarm, topicARN string, optFns ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
	opts := secpillar.NewRemediateOptions(optFns...)
	req, err := alarm.requirement()
	if err != nil {
		return secpillar.Remediation{}, err
	}
	topic, err := arn.Parse(topicARN)
	if err != nil || topic.Service != "sns" {
		return secpillar.Remediation{}, fmt.Errorf("detective: topic %q is not an SNS topic ARN", topicARN)
	}
	if err := apis.chain().validate(); err != nil {
		return secpillar.Remediation{}, err
	}
	fresh := secpillar.FreshReads(ctx)
	rem := secpillar.Remediation{Control: alarm.ControlID(), Resource: secpillar.AccountResource("")}
	ch, err := ReadAlarmChains(fresh, apis.chain())
	if err != nil {
		return rem, err
	}
	res, err := ch.evaluate(req)
	if err != nil {
		return rem, err
	}
	if res.pass {
		rem.Outcome = secpillar.OutcomeCompliant
		return rem, nil
	}
	if len(ch.groups) == 0 {
		return rem, fmt.Errorf("detective: %s: %s", alarm.ControlID(), res.reason)
	}
	g := ch.groups[0]
	if topic.Region != g.Region {
		return rem, fmt.Errorf("detective: topic %s is in %s but log group %s is in %s: alarm actions must be in the alarm's Region", topicARN, topic.Region, g.Name, g.Region)
	}
	n, err := confirmedSubscriptions(fresh, apis.SNS, topicARN)
	if err != nil {
		return rem, err
	}
	if n == 0 {
		return rem, fmt.Errorf("detective: topic %s has no confirmed subscription (or does not exist): subscribe and confirm an endpoint first, or the alarm would notify no one", topicARN)
	}

	name := alarm.ResourceName()
	groupRes := secpillar.Resource{Type: "AWS::Logs::LogGroup", ID: aws.ToString(g.Trail.Trail.CloudWatchLogsLogGroupArn), Region: g.Region}
	metric, ns := "", ""
	for _, mf := range g.Filters {
		if mf.FilterPattern == nil {
			continue
		}
		if c, err := filterpattern.Covers(*mf.FilterPattern, req); err == nil && c.Covered && len(mf.MetricTransformations) > 0 {
			metric, ns = aws.ToString(mf.MetricTransformations[0].MetricName), aws.ToString(mf.MetricTransformations[0].MetricNamespace)
			break
		}
	}
	var putFilter *cloudwatchlogs.PutMetricFilterInput
	if metric == "" {
		metric, ns = alarm.metricName(), AlarmMetricNamespace
		putFilter = &cloudwatchlogs.PutMetricFilterInput{
			LogGroupName: aws.String(g.Name), FilterName: aws.String(name), FilterPattern: aws.String(req.Pattern),
			MetricTransformations: []logstypes.MetricTransformation{{MetricName: aws.String(metric), MetricNamespace: aws.String(ns), MetricValue: aws.String("1")}},
		}
		rem.Changes = append(rem.Changes, secpillar.Change{Resource: groupRes, Action: "logs:PutMetricFilter", Field: "MetricFilter " + name, Before: "", After: req.Pattern})
	}
	actions := []string{topicARN}
	for _, a := range g.Alarms {
		if aws.ToString(a.AlarmName) == name {
			for _, act := range a.AlarmActions {
				if !slices.Contains(actions, act) {
					actions = append(actions, act)
				}
			}
		}
	}
	alarmARN := "arn:aws:cloudwatch:" + g.Region + ":" + g.Trail.Account + ":alarm:" + name
	rem.Changes = append(rem.Changes, secpillar.Change{
		Resource: secpillar.Resource{Type: "AWS::CloudWatch::Alarm", ID: alarmARN, Region: g.Region},
		Action:   "cloudwatch:PutMetricAlarm", Field: "Alarm " + name, Before: "", After: fmt.Sprintf("%s/%s Sum >= 1 in 300 s -> %v", ns, metric, actions),
	})
	rem.Undo = fmt.Sprintf("Delete alarm %s (cloudwatch:DeleteAlarms) and, if it was created, metric filter %s on %s (logs:DeleteMetricFilter), in %s.", name, name, g.Name, g.Region)
	if opts.DryRun {
		rem.Outcome = secpillar.OutcomePlanned
		return rem, nil
	}
	if putFilter != nil {
		if _, err := apis.Logs.PutMetricFilter(ctx, putFilter, logsRegion(g.Region)); err != nil {
			return rem, fmt.Errorf("detective: create metric filter %s on %s: %w", name, g.Name, err)
		}
	}
	_, err = apis.CloudWatch.PutMetricAlarm(ctx, &cloudwatch.PutMetricAlarmInput{
		AlarmName: aws.String(name), AlarmDescription: aws.String("CIS " + req.ID + ": " + req.Name + " (created by secpillar)"),
		MetricName: aws.String(metric), Namespace: aws.String(ns), Statistic: cwtypes.StatisticSum, Period: aws.Int32(300),
		EvaluationPeriods: aws.Int32(1), Threshold: aws.Float64(1), ComparisonOperator: cwtypes.ComparisonOperatorGreaterThanOrEqualToThreshold,
		TreatMissingData: aws.String("notBreaching"), ActionsEnabled: aws.Bool(true), AlarmActions: actions,
	}, cwRegion(g.Region))
	if err != nil {
		return rem, fmt.Errorf("detective: create alarm %s: %w", name, err)
	}
	after, err := ReadAlarmChains(fresh, apis.chain())
	if err != nil {
		return rem, fmt.Errorf("detective: verify alarm chain: %w", err)
	}
	rem.Outcome = secpillar.OutcomeVerifyPending
	if res, err := after.evaluate(req); err == nil && res.pass {
		rem.Outcome = secpillar.OutcomeChanged
	}
	return rem, nil
}
