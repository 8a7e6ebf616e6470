package detective

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logstypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"

	"github.com/secpillar/secpillar"
)

// IDLogGroupRetention is the ID of the log group retention control.
const IDLogGroupRetention = "detective.log-group-retention"

// LogGroupResourceType is the resource type of log group findings.
const LogGroupResourceType = "AWS::Logs::LogGroup"

// DefaultMinRetentionDays is the retention CheckLogGroupRetention requires
// when LogGroupRetentionOptions.MinDays is zero (CloudWatch.16).
const DefaultMinRetentionDays = 365

// retentionValues are the values CloudWatch Logs accepts.
var retentionValues = []int32{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

// LogGroupsAPI is the part of the CloudWatch Logs API that
// CheckLogGroupRetention calls. *cloudwatchlogs.Client satisfies it.
type LogGroupsAPI interface {
	DescribeLogGroups(ctx context.Context, in *cloudwatchlogs.DescribeLogGroupsInput, optFns ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.DescribeLogGroupsOutput, error)
}

var _ LogGroupsAPI = (*cloudwatchlogs.Client)(nil)

// LogGroupRetentionRemediationAPI is the part of the CloudWatch Logs API
// that RemediateLogGroupRetention calls. *cloudwatchlogs.Client satisfies
// it.
type LogGroupRetentionRemediationAPI interface {
	LogGroupsAPI
	PutRetentionPolicy(ctx context.Context, in *cloudwatchlogs.PutRetentionPolicyInput, optFns ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.PutRetentionPolicyOutput, error)
}

var _ LogGroupRetentionRemediationAPI = (*cloudwatchlogs.Client)(nil)

// LogGroupRetentionOptions tunes the retention check and remediation.
type LogGroupRetentionOptions struct {
	// MinDays is the shortest acceptable retention; 0 means
	// DefaultMinRetentionDays. Groups that never expire pass.
	MinDays int32
}

func (o LogGroupRetentionOptions) min() int32 {
	if o.MinDays <= 0 {
		return DefaultMinRetentionDays
	}
	return o.MinDays
}

// RetentionFor returns the smallest retention CloudWatch Logs accepts
// that is at least minDays, or 3653 (ten years) above that.
func RetentionFor(minDays int32) int32 {
	for _, v := range retentionValues {
		if v >= minDays {
			return v
		}
	}
	return retentionValues[len(retentionValues)-1]
}

// CheckLogGroupRetention reports, for every log group in region (the
// client's Region), whether it keeps logs at least MinDays (CloudWatch.16).
// A group without a retention policy keeps logs forever and passes. A
// Region without log groups gets one NOT_APPLICABLE finding.
func CheckLogGroupRetention(ctx context.Context, api LogGroupsAPI, region string, optFns ...func(*LogGroupRetentionOptions)) ([]secpillar.Finding, error) {
	var opts LogGroupRetentionOptions
	for _, fn := range optFns {
		fn(&opts)
	}
	if err := needRegion(region); err != nil {
		return nil, err
	}
	min := opts.min()
	var out []secpillar.Finding
	p := cloudwatchlogs.NewDescribeLogGroupsPaginator(api, &cloudwatchlogs.DescribeLogGroupsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("detective: describe log groups in %s: %w", region, err)
		}
		for _, g := range page.LogGroups {
			name := aws.ToString(g.LogGroupName)
			if name == "" {
				return nil, fmt.Errorf("detective: DescribeLogGroups in %s returned a group without LogGroupName", region)
			}
			id := aws.ToString(g.LogGroupArn)
			if id == "" {
				id = strings.TrimSuffix(aws.ToString(g.Arn), ":*")
			}
			if id == "" {
				return nil, fmt.Errorf("detective: log group %s: DescribeLogGroups returned no ARN", name)
			}
			f := secpillar.Finding{Control: IDLogGroupRetention, Severity: secpillar.SeverityMedium,
				Resource: secpillar.Resource{Type: LogGroupResourceType, ID: id, Region: region},
				Evidence: map[string]string{"log_group": name, "min_retention_days": fmt.Sprint(min)}}
			switch days := aws.ToInt32(g.RetentionInDays); {
			case g.RetentionInDays == nil:
				f.Status, f.Reason = secpillar.StatusPass, fmt.Sprintf("Log group %s never expires its logs.", name)
				f.Evidence["retention_days"] = "never expire"
			case days >= min:
				f.Status, f.Reason = secpillar.StatusPass, fmt.Sprintf("Log group %s keeps logs %d days.", name, days)
				f.Evidence["retention_days"] = fmt.Sprint(days)
			default:
				f.Status, f.Reason = secpillar.StatusFail, fmt.Sprintf("Log group %s keeps logs only %d days, less than %d: raise its retention.", name, days, min)
				f.Evidence["retention_days"] = fmt.Sprint(days)
			}
			out = append(out, f)
		}
	}
	if len(out) == 0 {
		res := secpillar.AccountResource("")
		res.Region = region
		out = append(out, secpillar.Finding{Control: IDLogGroupRetention, Status: secpillar.StatusNotApplicable, Severity: secpillar.SeverityMedium, Resource: res,
			Reason: fmt.Sprintf("There are no log groups in %s.", region)})
	}
	return out, nil
}

// RemediateLogGroupRetention raises the retention of the log group named
// group (a name or ARN, in the client's Region) to RetentionFor(minDays)
// (0 means DefaultMinRetentionDays); it never lowers a retention and
// leaves a group that never expires as it is.
func RemediateLogGroupRetention(ctx context.Context, api LogGroupRetentionRemediationAPI, group string, minDays int32, optFns ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
	lo := LogGroupRetentionOptions{MinDays: minDays}
	opts := secpillar.NewRemediateOptions(optFns...)
	name := group
	if strings.HasPrefix(group, "arn:") {
		a, err := arn.Parse(strings.TrimSuffix(group, ":*"))
		if err != nil || a.Service != "logs" || !strings.HasPrefix(a.Resource, "log-group:") {
			return secpillar.Remediation{}, fmt.Errorf("detective: %q is not a log group ARN", group)
		}
		name = strings.TrimPrefix(a.Resource, "log-group:")
	}
	if name == "" {
		return secpillar.Remediation{}, errors.New("detective: log group is empty: give its name or ARN")
	}
	fresh := secpillar.FreshReads(ctx)
	read := func() (*int32, string, bool, error) {
		p := cloudwatchlogs.NewDescribeLogGroupsPaginator(api, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String(name)})
		for p.HasMorePages() {
			page, err := p.NextPage(fresh)
			if err != nil {
				return nil, "", false, fmt.Errorf("detective: describe log group %s: %w", name, err)
			}
			if i := slices.IndexFunc(page.LogGroups, func(g logstypes.LogGroup) bool { return aws.ToString(g.LogGroupName) == name }); i >= 0 {
				g := page.LogGroups[i]
				return g.RetentionInDays, aws.ToString(g.LogGroupArn), true, nil
			}
		}
		return nil, "", false, nil
	}
	days, id, ok, err := read()
	if err != nil {
		return secpillar.Remediation{}, err
	}
	if !ok {
		return secpillar.Remediation{}, fmt.Errorf("detective: log group %s not found", name)
	}
	res := secpillar.Resource{Type: LogGroupResourceType, ID: id}
	rem := secpillar.Remediation{Control: IDLogGroupRetention, Resource: res}
	want := RetentionFor(lo.min())
	if days == nil || *days >= lo.min() {
		rem.Outcome = secpillar.OutcomeCompliant
		return rem, nil
	}
	rem.Changes = []secpillar.Change{{Resource: res, Action: "logs:PutRetentionPolicy", Field: "RetentionInDays", Before: fmt.Sprint(*days), After: fmt.Sprint(want)}}
	rem.Undo = fmt.Sprintf("Call logs:PutRetentionPolicy on %s with RetentionInDays=%d.", name, *days)
	rem.Notes = []string{"Longer retention increases storage charges."}
	if opts.DryRun {
		rem.Outcome = secpillar.OutcomePlanned
		return rem, nil
	}
	if _, err := api.PutRetentionPolicy(ctx, &cloudwatchlogs.PutRetentionPolicyInput{LogGroupName: aws.String(name), RetentionInDays: aws.Int32(want)}); err != nil {
		return rem, fmt.Errorf("detective: set retention of %s: %w", name, err)
	}
	after, _, _, err := read()
	if err != nil {
		return rem, fmt.Errorf("detective: verify retention: %w", err)
	}
	rem.Outcome = secpillar.OutcomeVerifyPending
	if after == nil || *after >= lo.min() {
		rem.Outcome = secpillar.OutcomeChanged
	}
	return rem, nil
}
