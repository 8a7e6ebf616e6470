package detective

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"

	"github.com/secpillar/secpillar"
)

// IDs of the per-trail settings controls.
const (
	IDCloudTrailKMSEncrypted   = "detective.cloudtrail-kms-encrypted"
	IDCloudTrailCloudWatchLogs = "detective.cloudtrail-cloudwatch-logs"
)

// TrailSettingsAPI is the part of the CloudTrail API that
// CheckCloudTrailKMSEncrypted and CheckCloudTrailCloudWatchLogs call.
// *cloudtrail.Client satisfies it.
type TrailSettingsAPI interface {
	TrailsAPI
}

var _ TrailSettingsAPI = (*cloudtrail.Client)(nil)

// TrailUpdateAPI is the part of the CloudTrail API that the per-trail
// settings remediations call. *cloudtrail.Client satisfies it.
type TrailUpdateAPI interface {
	TrailsAPI
	UpdateTrail(ctx context.Context, in *cloudtrail.UpdateTrailInput, optFns ...func(*cloudtrail.Options)) (*cloudtrail.UpdateTrailOutput, error)
}

var _ TrailUpdateAPI = (*cloudtrail.Client)(nil)

// perTrail evaluates verdict for every trail homed in region.
func perTrail(ctx context.Context, api TrailsAPI, region, control string, sev secpillar.Severity, verdict func(trailRef) (secpillar.Finding, error)) ([]secpillar.Finding, error) {
	trails, shadows, err := homeTrails(ctx, api, region)
	if err != nil {
		return nil, err
	}
	if len(trails) == 0 {
		return []secpillar.Finding{noHomeTrails(control, sev, region, shadows)}, nil
	}
	var out []secpillar.Finding
	for _, t := range trails {
		f, err := verdict(t)
		if err != nil {
			return nil, err
		}
		f.Control, f.Severity, f.Resource = control, sev, t.resource()
		if f.Evidence == nil {
			f.Evidence = map[string]string{}
		}
		f.Evidence["trail_arn"] = t.ARN
		out = append(out, f)
	}
	return out, nil
}

// CheckCloudTrailKMSEncrypted reports, for every trail homed in region,
// whether its log files are encrypted with a KMS key (SSE-KMS) rather than
// only the bucket's default encryption (CIS 3.5, CloudTrail.2).
func CheckCloudTrailKMSEncrypted(ctx context.Context, api TrailSettingsAPI, region string) ([]secpillar.Finding, error) {
	return perTrail(ctx, api, region, IDCloudTrailKMSEncrypted, secpillar.SeverityMedium, func(t trailRef) (secpillar.Finding, error) {
		key := aws.ToString(t.Trail.KmsKeyId)
		if key == "" {
			return secpillar.Finding{Status: secpillar.StatusFail, Reason: fmt.Sprintf("Trail %s does not encrypt its log files with a KMS key: set a customer managed key whose policy lets CloudTrail use it.", t.Name), Evidence: map[string]string{"kms_key_id": ""}}, nil
		}
		return secpillar.Finding{Status: secpillar.StatusPass, Reason: fmt.Sprintf("Trail %s encrypts its log files with KMS key %s.", t.Name, key), Evidence: map[string]string{"kms_key_id": key}}, nil
	})
}

// CheckCloudTrailCloudWatchLogs reports, for every trail homed in region,
// whether it delivers to a CloudWatch Logs log group (CloudTrail.5), the
// start of every metric-filter alarm.
func CheckCloudTrailCloudWatchLogs(ctx context.Context, api TrailSettingsAPI, region string) ([]secpillar.Finding, error) {
	return perTrail(ctx, api, region, IDCloudTrailCloudWatchLogs, secpillar.SeverityLow, func(t trailRef) (secpillar.Finding, error) {
		group := aws.ToString(t.Trail.CloudWatchLogsLogGroupArn)
		if group == "" {
			return secpillar.Finding{Status: secpillar.StatusFail, Reason: fmt.Sprintf("Trail %s does not deliver to CloudWatch Logs: give it a log group and a role so events can raise alarms.", t.Name), Evidence: map[string]string{"log_group_arn": ""}}, nil
		}
		if aws.ToString(t.Trail.CloudWatchLogsRoleArn) == "" {
			return secpillar.Finding{Status: secpillar.StatusFail, Reason: fmt.Sprintf("Trail %s names log group %s but no role to deliver with.", t.Name, group), Evidence: map[string]string{"log_group_arn": group}}, nil
		}
		return secpillar.Finding{Status: secpillar.StatusPass, Reason: fmt.Sprintf("Trail %s delivers to CloudWatch Logs group %s.", t.Name, group), Evidence: map[string]string{"log_group_arn": group}}, nil
	})
}

// RemediateCloudTrailKMSEncrypted sets keyARN (a KMS key or alias ARN in
// the trail's home Region) as the trail's log encryption key. The key
// policy must let cloudtrail.amazonaws.com use the key; AWS refuses the
// update otherwise. A trail already encrypted with any key is left as is.
func RemediateCloudTrailKMSEncrypted(ctx context.Context, api TrailUpdateAPI, trail, keyARN string, optFns ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
	k, err := arn.Parse(keyARN)
	if err != nil || k.Service != "kms" || !(strings.HasPrefix(k.Resource, "key/") || strings.HasPrefix(k.Resource, "alias/")) {
		return secpillar.Remediation{}, fmt.Errorf("detective: key %q is not a KMS key or alias ARN", keyARN)
	}
	return updateTrailSetting(ctx, api, trail, IDCloudTrailKMSEncrypted, optFns, func(ref trailRef) (*cloudtrail.UpdateTrailInput, []secpillar.Change, error) {
		if aws.ToString(ref.Trail.KmsKeyId) != "" {
			return nil, nil, nil
		}
		if k.Region != ref.Home {
			return nil, nil, fmt.Errorf("detective: key %s is in %s, trail %s in %s: use a key in the trail's home Region", keyARN, k.Region, ref.ARN, ref.Home)
		}
		return &cloudtrail.UpdateTrailInput{KmsKeyId: aws.String(keyARN)},
			[]secpillar.Change{{Resource: ref.resource(), Action: "cloudtrail:UpdateTrail", Field: "KmsKeyId", Before: "", After: keyARN}}, nil
	}, func(ref trailRef) bool { return aws.ToString(ref.Trail.KmsKeyId) != "" },
		"Call cloudtrail:UpdateTrail with KmsKeyId=\"\" to go back to the bucket's default encryption.")
}

// RemediateCloudTrailCloudWatchLogs makes the trail deliver to the log
// group logGroupARN (in the trail's home Region; CloudTrail wants the
// ARN ending in ":*", which is added when missing) with the role roleARN,
// which CloudTrail assumes to write. A trail that already delivers to a
// group is left as is.
func RemediateCloudTrailCloudWatchLogs(ctx context.Context, api TrailUpdateAPI, trail, logGroupARN, roleARN string, optFns ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
	g, err := arn.Parse(logGroupARN)
	if err != nil || g.Service != "logs" || !strings.HasPrefix(g.Resource, "log-group:") {
		return secpillar.Remediation{}, fmt.Errorf("detective: log group %q is not a CloudWatch Logs log group ARN", logGroupARN)
	}
	if !strings.HasSuffix(logGroupARN, ":*") {
		logGroupARN += ":*"
	}
	r, err := arn.Parse(roleARN)
	if err != nil || r.Service != "iam" || !strings.HasPrefix(r.Resource, "role/") {
		return secpillar.Remediation{}, fmt.Errorf("detective: role %q is not an IAM role ARN", roleARN)
	}
	return updateTrailSetting(ctx, api, trail, IDCloudTrailCloudWatchLogs, optFns, func(ref trailRef) (*cloudtrail.UpdateTrailInput, []secpillar.Change, error) {
		if aws.ToString(ref.Trail.CloudWatchLogsLogGroupArn) != "" && aws.ToString(ref.Trail.CloudWatchLogsRoleArn) != "" {
			return nil, nil, nil
		}
		if g.Region != ref.Home {
			return nil, nil, fmt.Errorf("detective: log group %s is in %s, trail %s in %s: use a group in the trail's home Region", logGroupARN, g.Region, ref.ARN, ref.Home)
		}
		res := ref.resource()
		return &cloudtrail.UpdateTrailInput{CloudWatchLogsLogGroupArn: aws.String(logGroupARN), CloudWatchLogsRoleArn: aws.String(roleARN)},
			[]secpillar.Change{
				{Resource: res, Action: "cloudtrail:UpdateTrail", Field: "CloudWatchLogsLogGroupArn", Before: aws.ToString(ref.Trail.CloudWatchLogsLogGroupArn), After: logGroupARN},
				{Resource: res, Action: "cloudtrail:UpdateTrail", Field: "CloudWatchLogsRoleArn", Before: aws.ToString(ref.Trail.CloudWatchLogsRoleArn), After: roleARN},
			}, nil
	}, func(ref trailRef) bool { return aws.ToString(ref.Trail.CloudWatchLogsLogGroupArn) != "" },
		"Call cloudtrail:UpdateTrail with CloudWatchLogsLogGroupArn=\"\" and CloudWatchLogsRoleArn=\"\" to stop delivery.")
}

// updateTrailSetting is the read / plan / write / verify cycle of a
// per-trail UpdateTrail remediation. plan returns nil when the trail is
// compliant; the input it returns gets the trail's Name.
func updateTrailSetting(ctx context.Context, api TrailUpdateAPI, trail, control string, optFns []func(*secpillar.RemediateOptions),
	plan func(trailRef) (*cloudtrail.UpdateTrailInput, []secpillar.Change, error), done func(trailRef) bool, undo string) (secpillar.Remediation, error) {
	opts := secpillar.NewRemediateOptions(optFns...)
	if trail == "" {
		return secpillar.Remediation{}, errors.New("detective: trail is empty: give the trail's name or ARN")
	}
	ref, err := lookupTrail(ctx, api, trail)
	if err != nil {
		return secpillar.Remediation{}, err
	}
	rem := secpillar.Remediation{Control: control, Resource: ref.resource()}
	in, changes, err := plan(ref)
	if err != nil {
		return rem, err
	}
	if in == nil {
		rem.Outcome = secpillar.OutcomeCompliant
		return rem, nil
	}
	rem.Changes, rem.Undo = changes, strings.Replace(undo, "Call cloudtrail:UpdateTrail", "Call cloudtrail:UpdateTrail on "+ref.ARN+" in "+ref.Home, 1)
	if opts.DryRun {
		rem.Outcome = secpillar.OutcomePlanned
		return rem, nil
	}
	in.Name = aws.String(ref.ARN)
	if _, err := api.UpdateTrail(ctx, in, inRegion(ref.Home)); err != nil {
		return rem, fmt.Errorf("detective: update trail %s: %w", ref.ARN, err)
	}
	after, err := lookupTrail(ctx, api, ref.ARN)
	if err != nil {
		return rem, fmt.Errorf("detective: verify trail: %w", err)
	}
	rem.Outcome = secpillar.OutcomeVerifyPending
	if done(after) {
		rem.Outcome = secpillar.OutcomeChanged
	}
	return rem, nil
}
