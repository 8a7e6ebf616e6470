package detective

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logstypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/internal/filterpattern"
)

// MetricAlarm names one of the fifteen CIS 4.x metric-filter alarms, by
// the slug of its control ID ("root-usage" is detective.alarm-root-usage).
type MetricAlarm string

// The fifteen alarms of CIS AWS Foundations 3.0.0 section 4.
const (
	AlarmUnauthorizedAPICalls    MetricAlarm = "unauthorized-api-calls"
	AlarmConsoleSignInWithoutMFA MetricAlarm = "console-signin-without-mfa"
	AlarmRootUsage               MetricAlarm = "root-usage"
	AlarmIAMPolicyChanges        MetricAlarm = "iam-policy-changes"
	AlarmCloudTrailChanges       MetricAlarm = "cloudtrail-changes"
	AlarmConsoleAuthFailures     MetricAlarm = "console-auth-failures"
	AlarmCMKDisableOrDeletion    MetricAlarm = "cmk-disable-or-deletion"
	AlarmS3BucketPolicyChanges   MetricAlarm = "s3-bucket-policy-changes"
	AlarmConfigChanges           MetricAlarm = "config-changes"
	AlarmSecurityGroupChanges    MetricAlarm = "security-group-changes"
	AlarmNACLChanges             MetricAlarm = "nacl-changes"
	AlarmNetworkGatewayChanges   MetricAlarm = "network-gateway-changes"
	AlarmRouteTableChanges       MetricAlarm = "route-table-changes"
	AlarmVPCChanges              MetricAlarm = "vpc-changes"
	AlarmOrganizationsChanges    MetricAlarm = "organizations-changes"
)

// MetricAlarms returns the fifteen alarms in CIS order (4.1 to 4.15).
func MetricAlarms() []MetricAlarm {
	var out []MetricAlarm
	for _, r := range filterpattern.CIS() {
		out = append(out, MetricAlarm(r.Name))
	}
	return out
}

// ControlID returns the alarm's control ID, such as
// "detective.alarm-root-usage".
func (m MetricAlarm) ControlID() string { return "detective.alarm-" + string(m) }

// CanonicalPattern returns the filter pattern the remediation installs.
func (m MetricAlarm) CanonicalPattern() (string, error) {
	r, err := m.requirement()
	return r.Pattern, err
}

func (m MetricAlarm) requirement() (filterpattern.Requirement, error) {
	r, ok := filterpattern.CISRequirement(string(m))
	if !ok {
		return r, fmt.Errorf("detective: unknown metric alarm %q", string(m))
	}
	return r, nil
}

// metricName is the metric the remediation creates: RootUsage and so on.
func (m MetricAlarm) metricName() string {
	var b strings.Builder
	for _, part := range strings.Split(string(m), "-") {
		switch part {
		case "api", "iam", "cmk", "mfa", "vpc", "nacl":
			b.WriteString(strings.ToUpper(part))
		case "s3":
			b.WriteString("S3")
		default:
			b.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
	}
	return b.String()
}

// AlarmMetricNamespace is the namespace of the metrics the alarm
// remediation creates.
const AlarmMetricNamespace = "secpillar/CloudTrailMetrics"

// MetricFiltersAPI is the part of the CloudWatch Logs API that reads
// metric filters. *cloudwatchlogs.Client satisfies it.
type MetricFiltersAPI interface {
	DescribeMetricFilters(ctx context.Context, in *cloudwatchlogs.DescribeMetricFiltersInput, optFns ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.DescribeMetricFiltersOutput, error)
}

var _ MetricFiltersAPI = (*cloudwatchlogs.Client)(nil)

// AlarmsAPI is the part of the CloudWatch API that reads alarms.
// *cloudwatch.Client satisfies it.
type AlarmsAPI interface {
	DescribeAlarms(ctx context.Context, in *cloudwatch.DescribeAlarmsInput, optFns ...func(*cloudwatch.Options)) (*cloudwatch.DescribeAlarmsOutput, error)
}

var _ AlarmsAPI = (*cloudwatch.Client)(nil)

// SubscriptionsAPI is the part of the SNS API that lists a topic's
// subscriptions. *sns.Client satisfies it.
type SubscriptionsAPI interface {
	ListSubscriptionsByTopic(ctx context.Context, in *sns.ListSubscriptionsByTopicInput, optFns ...func(*sns.Options)) (*sns.ListSubscriptionsByTopicOutput, error)
}

var _ SubscriptionsAPI = (*sns.Client)(nil)

// AlarmChainAPIs are the clients CheckMetricAlarm reads the chain with.
type AlarmChainAPIs struct {
	CloudTrail TrailStateAPI
	Logs       MetricFiltersAPI
	CloudWatch AlarmsAPI
	SNS        SubscriptionsAPI
}

func (a AlarmChainAPIs) validate() error {
	if a.CloudTrail == nil || a.Logs == nil || a.CloudWatch == nil || a.SNS == nil {
		return errors.New("detective: AlarmChainAPIs needs CloudTrail, Logs, CloudWatch and SNS clients")
	}
	return nil
}

// AlarmChains is everything the fifteen alarm controls read, once: the
// trails that log all management events in every Region, the metric
// filters of their log groups, the alarms of those Regions and the
// confirmed subscriptions of the topics those alarms notify.
type AlarmChains struct {
	// trails holds every trail seen; groups the log group of each
	// management trail that delivers to CloudWatch Logs.
	trails []trailState
	groups []chainGroup
	// confirmed counts confirmed subscriptions per topic ARN; a topic
	// that does not exist counts 0.
	confirmed map[string]int
}

type chainGroup struct {
	Trail   trailState
	Region  string
	Name    string
	Filters []logstypes.MetricFilter
	Alarms  []cwtypes.MetricAlarm
}

func logsRegion(region string) func(*cloudwatchlogs.Options) {
	return func(o *cloudwatchlogs.Options) { o.Region = region }
}

func cwRegion(region string) func(*cloudwatch.Options) {
	return func(o *cloudwatch.Options) { o.Region = region }
}

func snsRegion(region string) func(*sns.Options) {
	return func(o *sns.Options) { o.Region = region }
}

// ReadAlarmChains reads the chains of every alarm. Its requests do not
// depend on the alarm, so the fifteen controls share them within a run.
func ReadAlarmChains(ctx context.Context, apis AlarmChainAPIs) (*AlarmChains, error) {
	if err := apis.validate(); err != nil {
		return nil, err
	}
	trails, err := readTrails(ctx, apis.CloudTrail)
	if err != nil {
		return nil, err
	}
	ch := &AlarmChains{trails: trails, confirmed: map[string]int{}}
	alarmsByRegion := map[string][]cwtypes.MetricAlarm{}
	for _, t := range managementTrails(trails) {
		groupARN := aws.ToString(t.Trail.CloudWatchLogsLogGroupArn)
		if groupARN == "" {
			continue
		}
		a, err := arn.Parse(groupARN)
		if err != nil || !strings.HasPrefix(a.Resource, "log-group:") {
			return nil, fmt.Errorf("detective: trail %s: CloudWatchLogsLogGroupArn %q is not a log group ARN", t.ARN, groupARN)
		}
		g := chainGroup{Trail: t, Region: a.Region, Name: strings.TrimSuffix(strings.TrimPrefix(a.Resource, "log-group:"), ":*")}
		p := cloudwatchlogs.NewDescribeMetricFiltersPaginator(apis.Logs, &cloudwatchlogs.DescribeMetricFiltersInput{LogGroupName: aws.String(g.Name)})
		for p.HasMorePages() {
			out, err := p.NextPage(ctx, logsRegion(g.Region))
			if err != nil {
				var nf *logstypes.ResourceNotFoundException
				if errors.As(err, &nf) {
					break // the trail names a group that no longer exists: no filters
				}
				return nil, fmt.Errorf("detective: read metric filters of %s in %s: %w", g.Name, g.Region, err)
			}
			g.Filters = append(g.Filters, out.MetricFilters...)
		}
		if _, ok := alarmsByRegion[g.Region]; !ok {
			alarms, err := readAlarms(ctx, apis.CloudWatch, g.Region)
			if err != nil {
				return nil, err
			}
			alarmsByRegion[g.Region] = alarms
		}
		g.Alarms = alarmsByRegion[g.Region]
		ch.groups = append(ch.groups, g)
	}
	// Subscriptions of the topics notified by alarms on the groups' metrics.
	var topics []string
	for _, g := range ch.groups {
		metrics := map[[2]string]bool{}
		for _, f := range g.Filters {
			for _, t := range f.MetricTransformations {
				metrics[[2]string{aws.ToString(t.MetricName), aws.ToString(t.MetricNamespace)}] = true
			}
		}
		for _, a := range g.Alarms {
			if !metrics[[2]string{aws.ToString(a.MetricName), aws.ToString(a.Namespace)}] {
				continue
			}
			for _, act := range a.AlarmActions {
				if strings.HasPrefix(act, "arn:") && strings.Contains(act, ":sns:") {
					if _, seen := ch.confirmed[act]; !seen {
						ch.confirmed[act] = 0
						topics = append(topics, act)
					}
				}
			}
		}
	}
	sort.Strings(topics)
	for _, topic := range topics {
		n, err := confirmedSubscriptions(ctx, apis.SNS, topic)
		if err != nil {
			return nil, err
		}
		ch.confirmed[topic] = n
	}
	return ch, nil
}

func readAlarms(ctx context.Context, api AlarmsAPI, region string) ([]cwtypes.MetricAlarm, error) {
	var out []cwtypes.MetricAlarm
	p := cloudwatch.NewDescribeAlarmsPaginator(api, &cloudwatch.DescribeAlarmsInput{AlarmTypes: []cwtypes.AlarmType{cwtypes.AlarmTypeMetricAlarm}})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx, cwRegion(region))
		if err != nil {
			return nil, fmt.Errorf("detective: read alarms in %s: %w", region, err)
		}
		for _, a := range page.MetricAlarms {
			if aws.ToString(a.AlarmName) == "" {
				return nil, fmt.Errorf("detective: DescribeAlarms in %s returned an alarm without AlarmName", region)
			}
		}
		out = append(out, page.MetricAlarms...)
	}
	return out, nil
}

// confirmedSubscriptions counts a topic's confirmed subscriptions; those
// listed as "PendingConfirmation" (or "Deleted") do not count, and a
// topic that does not exist has none.
func confirmedSubscriptions(ctx context.Context, api SubscriptionsAPI, topic string) (int, error) {
	a, err := arn.Parse(topic)
	if err != nil {
		return 0, nil // not a topic ARN: no subscriber
	}
	n := 0
	p := sns.NewListSubscriptionsByTopicPaginator(api, &sns.ListSubscriptionsByTopicInput{TopicArn: aws.String(topic)})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx, snsRegion(a.Region))
		if err != nil {
			if isSNSNotFound(err) {
				return 0, nil
			}
			return 0, fmt.Errorf("detective: list subscriptions of %s: %w", topic, err)
		}
		for _, s := range out.Subscriptions {
			switch arn := aws.ToString(s.SubscriptionArn); {
			case arn == "", arn == "PendingConfirmation", arn == "Deleted":
			default:
				n++
			}
		}
	}
	return n, nil
}

// chainResult is how far one alarm's chain got.
type chainResult struct {
	pass     bool
	reason   string
	evidence map[string]string
}

// Evaluate decides one alarm's control from the chains.
func (ch *AlarmChains) Evaluate(alarm MetricAlarm) (secpillar.Finding, error) {
	req, err := alarm.requirement()
	if err != nil {
		return secpillar.Finding{}, err
	}
	f := secpillar.Finding{Control: alarm.ControlID(), Severity: secpillar.SeverityMedium, Resource: secpillar.AccountResource("")}
	res, err := ch.evaluate(req)
	if err != nil {
		return f, err
	}
	f.Evidence = res.evidence
	f.Reason = res.reason
	f.Status = secpillar.StatusFail
	if res.pass {
		f.Status = secpillar.StatusPass
	}
	return f, nil
}

func (ch *AlarmChains) evaluate(req filterpattern.Requirement) (chainResult, error) {
	good := managementTrails(ch.trails)
	if len(good) == 0 {
		return chainResult{reason: "No multi-Region trail is logging all read and write management events, so no alarm can see them (CIS 3.1 first).", evidence: map[string]string{"trails": fmt.Sprint(len(ch.trails))}}, nil
	}
	if len(ch.groups) == 0 {
		return chainResult{reason: fmt.Sprintf("Trail %s does not deliver to CloudWatch Logs: give it a log group, then add the metric filter and alarm.", good[0].Name), evidence: map[string]string{"trail_arn": good[0].ARN}}, nil
	}
	best := chainResult{}
	stage := -1
	for _, g := range ch.groups {
		ev := map[string]string{"trail_arn": g.Trail.ARN, "log_group": g.Name, "region": g.Region}
		if stage < 0 {
			stage, best = 0, chainResult{reason: fmt.Sprintf("No metric filter on log group %s matches every %s event (%s).", g.Name, req.Name, strings.Join(req.EventNames(), ", ")), evidence: ev}
		}
		for _, mf := range g.Filters {
			if mf.FilterPattern == nil {
				return best, fmt.Errorf("detective: metric filter %q on %s: DescribeMetricFilters returned no FilterPattern", aws.ToString(mf.FilterName), g.Name)
			}
			cov, err := filterpattern.Covers(*mf.FilterPattern, req)
			if err != nil || !cov.Covered {
				continue
			}
			for _, t := range mf.MetricTransformations {
				metric, ns := aws.ToString(t.MetricName), aws.ToString(t.MetricNamespace)
				if metric == "" || ns == "" {
					return best, fmt.Errorf("detective: metric filter %q on %s: a metric transformation without MetricName or MetricNamespace", aws.ToString(mf.FilterName), g.Name)
				}
				ev := copyMap(ev)
				ev["filter_name"], ev["metric"] = aws.ToString(mf.FilterName), ns+"/"+metric
				if stage < 1 {
					stage, best = 1, chainResult{reason: fmt.Sprintf("Metric filter %s covers %s but no alarm with an enabled action watches metric %s/%s.", aws.ToString(mf.FilterName), req.Name, ns, metric), evidence: ev}
				}
				for _, a := range g.Alarms {
					if aws.ToString(a.MetricName) != metric || aws.ToString(a.Namespace) != ns || len(a.Dimensions) > 0 {
						continue
					}
					if !aws.ToBool(a.ActionsEnabled) || len(a.AlarmActions) == 0 {
						continue
					}
					ev := copyMap(ev)
					ev["alarm_name"] = aws.ToString(a.AlarmName)
					if stage < 2 {
						stage, best = 2, chainResult{reason: fmt.Sprintf("Alarm %s notifies no SNS topic with a confirmed subscription: subscribe and confirm an endpoint.", aws.ToString(a.AlarmName)), evidence: ev}
					}
					for _, act := range a.AlarmActions {
						if n := ch.confirmed[act]; n > 0 {
							ev["topic_arn"], ev["confirmed_subscriptions"] = act, fmt.Sprint(n)
							return chainResult{pass: true, evidence: ev, reason: fmt.Sprintf("Trail %s -> log group %s -> filter %s -> alarm %s -> topic %s with %d confirmed subscription(s).",
								g.Trail.Name, g.Name, aws.ToString(mf.FilterName), aws.ToString(a.AlarmName), act, n)}, nil
						}
					}
				}
			}
		}
	}
	return best, nil
}

func copyMap(m map[string]string) map[string]string {
	out := make(map[string]string, len(m)+4)
	for k, v := range m {
		out[k] = v
	}
	return out
}

// CheckMetricAlarm reports whether the account alarms on alarm's events
// through the whole chain: a multi-Region trail that is logging all
// management events -> its CloudWatch Logs group -> a metric filter whose
// pattern matches every required event (compared by meaning, not text)
// -> an alarm on that metric name and namespace with an enabled action ->
// an SNS topic with at least one confirmed subscription (CIS 4.1-4.15,
// CloudWatch.1-14).
func CheckMetricAlarm(ctx context.Context, apis AlarmChainAPIs, alarm MetricAlarm) (secpillar.Finding, error) {
	if _, err := alarm.requirement(); err != nil {
		return secpillar.Finding{}, err
	}
	ch, err := ReadAlarmChains(ctx, apis)
	if err != nil {
		return secpillar.Finding{}, err
	}
	return ch.Evaluate(alarm)
}
