package fakeaws

import (
	"context"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
)

// CloudWatch fakes Amazon CloudWatch alarms, per Region.
type CloudWatch struct {
	acct    *Account
	regions map[string]*CloudWatchRegion
}

// CloudWatchRegion is the CloudWatch state of one Region.
type CloudWatchRegion struct {
	// Alarms are the Region's metric alarms, in name order.
	Alarms []cwtypes.MetricAlarm
}

// Region returns the state of one Region, creating it empty. The caller
// must not use it concurrently with calls to the fake.
func (f *CloudWatch) Region(name string) *CloudWatchRegion {
	if f.regions == nil {
		f.regions = map[string]*CloudWatchRegion{}
	}
	r := f.regions[name]
	if r == nil {
		r = &CloudWatchRegion{}
		f.regions[name] = r
	}
	return r
}

// AddAlarm adds a metric alarm (Sum >= 1 over 5 minutes) on a metric with
// the given actions. It is for seeding state and does not lock.
func (f *CloudWatch) AddAlarm(region, name, metricName, namespace string, actions ...string) {
	r := f.Region(region)
	r.Alarms = append(r.Alarms, cwtypes.MetricAlarm{
		AlarmName: aws.String(name), AlarmArn: aws.String("arn:aws:cloudwatch:" + region + ":" + f.acct.ID + ":alarm:" + name),
		MetricName: aws.String(metricName), Namespace: aws.String(namespace), Statistic: cwtypes.StatisticSum,
		Period: aws.Int32(300), EvaluationPeriods: aws.Int32(1), Threshold: aws.Float64(1),
		ComparisonOperator: cwtypes.ComparisonOperatorGreaterThanOrEqualToThreshold,
		ActionsEnabled:     aws.Bool(true), AlarmActions: actions, StateValue: cwtypes.StateValueOk,
		TreatMissingData: aws.String("notBreaching"),
	})
	slices.SortFunc(r.Alarms, func(a, b cwtypes.MetricAlarm) int {
		return strings.Compare(aws.ToString(a.AlarmName), aws.ToString(b.AlarmName))
	})
}

func (f *CloudWatch) regionOf(ctx context.Context, optFns []func(*cloudwatch.Options)) (string, *CloudWatchRegion) {
	var o cloudwatch.Options
	for _, fn := range optFns {
		fn(&o)
	}
	name := f.acct.region(ctx, o.Region)
	return name, f.Region(name)
}

func cwInvalid(msg string) error {
	return &cwtypes.InvalidParameterValueException{Message: aws.String(msg)}
}

// DescribeAlarms lists metric alarms (composite alarms are not faked),
// by names, name prefix, state or action prefix, paginated (MaxRecords at
// most 100).
func (f *CloudWatch) DescribeAlarms(ctx context.Context, in *cloudwatch.DescribeAlarmsInput, optFns ...func(*cloudwatch.Options)) (*cloudwatch.DescribeAlarmsOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	if in == nil {
		in = &cloudwatch.DescribeAlarmsInput{}
	}
	if m := aws.ToInt32(in.MaxRecords); m < 0 || m > 100 {
		return nil, cwInvalid("The parameter MaxRecords must be between 1 and 100.")
	}
	if len(in.AlarmNames) > 0 && in.AlarmNamePrefix != nil {
		return nil, &cwtypes.InvalidParameterCombinationException{Message: aws.String("AlarmNames and AlarmNamePrefix cannot be given together")}
	}
	_, r := f.regionOf(ctx, optFns)
	var all []cwtypes.MetricAlarm
	for _, a := range r.Alarms {
		name := aws.ToString(a.AlarmName)
		if len(in.AlarmNames) > 0 && !slices.Contains(in.AlarmNames, name) {
			continue
		}
		if p := aws.ToString(in.AlarmNamePrefix); p != "" && !strings.HasPrefix(name, p) {
			continue
		}
		if in.StateValue != "" && a.StateValue != in.StateValue {
			continue
		}
		if p := aws.ToString(in.ActionPrefix); p != "" && !slices.ContainsFunc(a.AlarmActions, func(s string) bool { return strings.HasPrefix(s, p) }) {
			continue
		}
		all = append(all, a)
	}
	if len(in.AlarmTypes) > 0 && !slices.Contains(in.AlarmTypes, cwtypes.AlarmTypeMetricAlarm) {
		all = nil
	}
	items, next, err := page(f.acct, all, in.NextToken, aws.ToInt32(in.MaxRecords))
	if err != nil {
		return nil, err
	}
	return &cloudwatch.DescribeAlarmsOutput{MetricAlarms: items, NextToken: next}, nil
}

// PutMetricAlarm creates or replaces a metric alarm.
func (f *CloudWatch) PutMetricAlarm(ctx context.Context, in *cloudwatch.PutMetricAlarmInput, optFns ...func(*cloudwatch.Options)) (*cloudwatch.PutMetricAlarmOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	if aws.ToString(in.AlarmName) == "" || in.EvaluationPeriods == nil || in.ComparisonOperator == "" {
		return nil, cwInvalid("AlarmName, EvaluationPeriods and ComparisonOperator are required")
	}
	if (aws.ToString(in.MetricName) == "") == (len(in.Metrics) == 0) {
		return nil, cwInvalid("Give either MetricName and Namespace or Metrics")
	}
	if in.MetricName != nil && (aws.ToString(in.Namespace) == "" || in.Period == nil || (in.Statistic == "" && in.ExtendedStatistic == nil)) {
		return nil, cwInvalid("A metric alarm needs Namespace, Period and Statistic")
	}
	region, r := f.regionOf(ctx, optFns)
	for _, act := range slices.Concat(in.AlarmActions, in.OKActions, in.InsufficientDataActions) {
		if !strings.HasPrefix(act, "arn:") {
			return nil, cwInvalid("Invalid action ARN " + act)
		}
		if strings.HasPrefix(act, "arn:aws:sns:") && !strings.HasPrefix(act, "arn:aws:sns:"+region+":") {
			return nil, cwInvalid("Alarm actions must be in the alarm's Region: " + act)
		}
	}
	a := cwtypes.MetricAlarm{
		AlarmName: in.AlarmName, AlarmArn: aws.String("arn:aws:cloudwatch:" + region + ":" + f.acct.ID + ":alarm:" + *in.AlarmName),
		AlarmDescription: in.AlarmDescription, MetricName: in.MetricName, Namespace: in.Namespace, Statistic: in.Statistic,
		ExtendedStatistic: in.ExtendedStatistic, Period: in.Period, EvaluationPeriods: in.EvaluationPeriods, DatapointsToAlarm: in.DatapointsToAlarm,
		Threshold: in.Threshold, ComparisonOperator: in.ComparisonOperator, TreatMissingData: in.TreatMissingData,
		ActionsEnabled: aws.Bool(in.ActionsEnabled == nil || *in.ActionsEnabled), AlarmActions: slices.Clone(in.AlarmActions),
		OKActions: slices.Clone(in.OKActions), InsufficientDataActions: slices.Clone(in.InsufficientDataActions),
		Dimensions: slices.Clone(in.Dimensions), Metrics: slices.Clone(in.Metrics), Unit: in.Unit,
		StateValue: cwtypes.StateValueInsufficientData, AlarmConfigurationUpdatedTimestamp: aws.Time(f.acct.now()),
	}
	for i, old := range r.Alarms {
		if aws.ToString(old.AlarmName) == *in.AlarmName {
			a.StateValue = old.StateValue
			r.Alarms[i] = a
			return &cloudwatch.PutMetricAlarmOutput{}, nil
		}
	}
	r.Alarms = append(r.Alarms, a)
	slices.SortFunc(r.Alarms, func(a, b cwtypes.MetricAlarm) int {
		return strings.Compare(aws.ToString(a.AlarmName), aws.ToString(b.AlarmName))
	})
	return &cloudwatch.PutMetricAlarmOutput{}, nil
}
