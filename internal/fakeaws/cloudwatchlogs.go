package fakeaws

import (
	"context"
	"slices"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logstypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
)

// CloudWatchLogs fakes Amazon CloudWatch Logs, per Region.
type CloudWatchLogs struct {
	acct    *Account
	regions map[string]*LogsRegion
}

// LogsRegion is the CloudWatch Logs state of one Region. Log groups are
// listed in name order, as AWS lists them.
type LogsRegion struct {
	LogGroups     []logstypes.LogGroup
	MetricFilters []logstypes.MetricFilter // LogGroupName says whose
}

// ValidRetentionDays are the values PutRetentionPolicy accepts.
var ValidRetentionDays = []int32{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

// Region returns the state of one Region, creating it empty. The caller
// must not use it concurrently with calls to the fake.
func (f *CloudWatchLogs) Region(name string) *LogsRegion {
	if f.regions == nil {
		f.regions = map[string]*LogsRegion{}
	}
	r := f.regions[name]
	if r == nil {
		r = &LogsRegion{}
		f.regions[name] = r
	}
	return r
}

// AddLogGroup adds a log group (retention 0 means never expire) and
// returns its ARN as CloudTrail wants it (ending in ":*"). It is for
// seeding state and does not lock.
func (f *CloudWatchLogs) AddLogGroup(region, name string, retentionDays int32) string {
	arn := "arn:aws:logs:" + region + ":" + f.acct.ID + ":log-group:" + name
	g := logstypes.LogGroup{
		LogGroupName: aws.String(name), Arn: aws.String(arn + ":*"), LogGroupArn: aws.String(arn),
		CreationTime: aws.Int64(f.acct.now().UnixMilli()), StoredBytes: aws.Int64(0), MetricFilterCount: aws.Int32(0),
		LogGroupClass: logstypes.LogGroupClassStandard,
	}
	if retentionDays > 0 {
		g.RetentionInDays = aws.Int32(retentionDays)
	}
	r := f.Region(region)
	r.LogGroups = append(r.LogGroups, g)
	sort.Slice(r.LogGroups, func(i, j int) bool {
		return aws.ToString(r.LogGroups[i].LogGroupName) < aws.ToString(r.LogGroups[j].LogGroupName)
	})
	return arn + ":*"
}

// AddMetricFilter adds a metric filter on a log group. It is for seeding
// state and does not lock.
func (f *CloudWatchLogs) AddMetricFilter(region, group, name, pattern, metricName, namespace string) {
	r := f.Region(region)
	r.MetricFilters = append(r.MetricFilters, logstypes.MetricFilter{
		FilterName: aws.String(name), FilterPattern: aws.String(pattern), LogGroupName: aws.String(group),
		CreationTime:          aws.Int64(f.acct.now().UnixMilli()),
		MetricTransformations: []logstypes.MetricTransformation{{MetricName: aws.String(metricName), MetricNamespace: aws.String(namespace), MetricValue: aws.String("1")}},
	})
}

func (f *CloudWatchLogs) regionOf(ctx context.Context, optFns []func(*cloudwatchlogs.Options)) *LogsRegion {
	var o cloudwatchlogs.Options
	for _, fn := range optFns {
		fn(&o)
	}
	return f.Region(f.acct.region(ctx, o.Region))
}

func (r *LogsRegion) group(name string) int {
	for i, g := range r.LogGroups {
		if aws.ToString(g.LogGroupName) == name {
			return i
		}
	}
	return -1
}

func logsNotFound(msg string) error {
	return &logstypes.ResourceNotFoundException{Message: aws.String(msg)}
}

func logsInvalid(msg string) error {
	return &logstypes.InvalidParameterException{Message: aws.String(msg)}
}

// DescribeLogGroups lists log groups, optionally by name prefix,
// paginated (Limit at most 50).
func (f *CloudWatchLogs) DescribeLogGroups(ctx context.Context, in *cloudwatchlogs.DescribeLogGroupsInput, optFns ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.DescribeLogGroupsOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	if in == nil {
		in = &cloudwatchlogs.DescribeLogGroupsInput{}
	}
	if l := aws.ToInt32(in.Limit); l < 0 || l > 50 {
		return nil, logsInvalid("1 validation error detected: Value at 'limit' failed to satisfy constraint: Member must have value less than or equal to 50")
	}
	r := f.regionOf(ctx, optFns)
	var all []logstypes.LogGroup
	for _, g := range r.LogGroups {
		if p := aws.ToString(in.LogGroupNamePrefix); p != "" && !strings.HasPrefix(aws.ToString(g.LogGroupName), p) {
			continue
		}
		n := int32(0)
		for _, mf := range r.MetricFilters {
			if aws.ToString(mf.LogGroupName) == aws.ToString(g.LogGroupName) {
				n++
			}
		}
		g.MetricFilterCount = aws.Int32(n)
		all = append(all, g)
	}
	items, next, err := page(f.acct, all, in.NextToken, aws.ToInt32(in.Limit))
	if err != nil {
		return nil, err
	}
	return &cloudwatchlogs.DescribeLogGroupsOutput{LogGroups: items, NextToken: next}, nil
}

// DescribeMetricFilters lists metric filters, by log group (which must
// exist), filter name prefix (only with a log group) or metric, paginated.
func (f *CloudWatchLogs) DescribeMetricFilters(ctx context.Context, in *cloudwatchlogs.DescribeMetricFiltersInput, optFns ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.DescribeMetricFiltersOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	if in == nil {
		in = &cloudwatchlogs.DescribeMetricFiltersInput{}
	}
	r := f.regionOf(ctx, optFns)
	group := aws.ToString(in.LogGroupName)
	if group != "" && r.group(group) < 0 {
		return nil, logsNotFound("The specified log group does not exist.")
	}
	if aws.ToString(in.FilterNamePrefix) != "" && group == "" {
		return nil, logsInvalid("FilterNamePrefix requires LogGroupName")
	}
	if (in.MetricName == nil) != (in.MetricNamespace == nil) {
		return nil, logsInvalid("MetricName and MetricNamespace must be given together")
	}
	var all []logstypes.MetricFilter
	for _, mf := range r.MetricFilters {
		if group != "" && aws.ToString(mf.LogGroupName) != group {
			continue
		}
		if p := aws.ToString(in.FilterNamePrefix); p != "" && !strings.HasPrefix(aws.ToString(mf.FilterName), p) {
			continue
		}
		if in.MetricName != nil && !slices.ContainsFunc(mf.MetricTransformations, func(t logstypes.MetricTransformation) bool {
			return aws.ToString(t.MetricName) == *in.MetricName && aws.ToString(t.MetricNamespace) == aws.ToString(in.MetricNamespace)
		}) {
			continue
		}
		all = append(all, mf)
	}
	items, next, err := page(f.acct, all, in.NextToken, aws.ToInt32(in.Limit))
	if err != nil {
		return nil, err
	}
	return &cloudwatchlogs.DescribeMetricFiltersOutput{MetricFilters: items, NextToken: next}, nil
}

// PutMetricFilter creates or replaces a metric filter on an existing log
// group.
func (f *CloudWatchLogs) PutMetricFilter(ctx context.Context, in *cloudwatchlogs.PutMetricFilterInput, optFns ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.PutMetricFilterOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	if aws.ToString(in.FilterName) == "" || in.FilterPattern == nil || aws.ToString(in.LogGroupName) == "" || len(in.MetricTransformations) != 1 {
		return nil, logsInvalid("FilterName, FilterPattern, LogGroupName and exactly one MetricTransformation are required")
	}
	t := in.MetricTransformations[0]
	if aws.ToString(t.MetricName) == "" || aws.ToString(t.MetricNamespace) == "" || aws.ToString(t.MetricValue) == "" {
		return nil, logsInvalid("MetricName, MetricNamespace and MetricValue are required")
	}
	r := f.regionOf(ctx, optFns)
	if r.group(aws.ToString(in.LogGroupName)) < 0 {
		return nil, logsNotFound("The specified log group does not exist.")
	}
	mf := logstypes.MetricFilter{
		FilterName: in.FilterName, FilterPattern: in.FilterPattern, LogGroupName: in.LogGroupName,
		MetricTransformations: slices.Clone(in.MetricTransformations), CreationTime: aws.Int64(f.acct.now().UnixMilli()),
	}
	for i, old := range r.MetricFilters {
		if aws.ToString(old.LogGroupName) == *in.LogGroupName && aws.ToString(old.FilterName) == *in.FilterName {
			r.MetricFilters[i] = mf
			return &cloudwatchlogs.PutMetricFilterOutput{}, nil
		}
	}
	r.MetricFilters = append(r.MetricFilters, mf)
	return &cloudwatchlogs.PutMetricFilterOutput{}, nil
}

// PutRetentionPolicy sets a log group's retention to one of
// ValidRetentionDays.
func (f *CloudWatchLogs) PutRetentionPolicy(ctx context.Context, in *cloudwatchlogs.PutRetentionPolicyInput, optFns ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.PutRetentionPolicyOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	if !slices.Contains(ValidRetentionDays, aws.ToInt32(in.RetentionInDays)) {
		return nil, logsInvalid("1 validation error detected: Value at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set")
	}
	r := f.regionOf(ctx, optFns)
	i := r.group(aws.ToString(in.LogGroupName))
	if i < 0 {
		return nil, logsNotFound("The specified log group does not exist.")
	}
	r.LogGroups[i].RetentionInDays = aws.Int32(*in.RetentionInDays)
	return &cloudwatchlogs.PutRetentionPolicyOutput{}, nil
}
