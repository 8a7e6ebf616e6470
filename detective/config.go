package detective

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	cfgtypes "github.com/aws/aws-sdk-go-v2/service/configservice/types"

	"github.com/secpillar/secpillar"
)

// IDConfigRecorderEnabled is the ID of the AWS Config recorder control.
const IDConfigRecorderEnabled = "detective.config-recorder-enabled"

// ConfigRecorderResourceType is the resource type of recorder findings.
const ConfigRecorderResourceType = "AWS::Config::ConfigurationRecorder"

// ConfigRecorderAPI is the part of the AWS Config API that
// CheckConfigRecorder calls. *configservice.Client satisfies it.
type ConfigRecorderAPI interface {
	DescribeConfigurationRecorders(ctx context.Context, in *configservice.DescribeConfigurationRecordersInput, optFns ...func(*configservice.Options)) (*configservice.DescribeConfigurationRecordersOutput, error)
	DescribeConfigurationRecorderStatus(ctx context.Context, in *configservice.DescribeConfigurationRecorderStatusInput, optFns ...func(*configservice.Options)) (*configservice.DescribeConfigurationRecorderStatusOutput, error)
	DescribeDeliveryChannels(ctx context.Context, in *configservice.DescribeDeliveryChannelsInput, optFns ...func(*configservice.Options)) (*configservice.DescribeDeliveryChannelsOutput, error)
	DescribeDeliveryChannelStatus(ctx context.Context, in *configservice.DescribeDeliveryChannelStatusInput, optFns ...func(*configservice.Options)) (*configservice.DescribeDeliveryChannelStatusOutput, error)
}

var _ ConfigRecorderAPI = (*configservice.Client)(nil)

// ConfigRecorderRemediationAPI is the part of the AWS Config API that
// RemediateConfigRecorder calls. *configservice.Client satisfies it.
type ConfigRecorderRemediationAPI interface {
	ConfigRecorderAPI
	PutConfigurationRecorder(ctx context.Context, in *configservice.PutConfigurationRecorderInput, optFns ...func(*configservice.Options)) (*configservice.PutConfigurationRecorderOutput, error)
	PutDeliveryChannel(ctx context.Context, in *configservice.PutDeliveryChannelInput, optFns ...func(*configservice.Options)) (*configservice.PutDeliveryChannelOutput, error)
	StartConfigurationRecorder(ctx context.Context, in *configservice.StartConfigurationRecorderInput, optFns ...func(*configservice.Options)) (*configservice.StartConfigurationRecorderOutput, error)
}

var _ ConfigRecorderRemediationAPI = (*configservice.Client)(nil)

// ConfigRecorderOptions tunes CheckConfigRecorder.
type ConfigRecorderOptions struct {
	// GlobalResourcesRegion, when set, is the one Region that must record
	// global resource types (IAM); elsewhere they are not required, as
	// AWS recommends to avoid duplicate items. Empty (the default, CIS
	// 3.3) requires them in every Region.
	GlobalResourcesRegion string
}

// configState is what the recorder control reads in one Region.
type configState struct {
	Recorder *cfgtypes.ConfigurationRecorder
	Status   *cfgtypes.ConfigurationRecorderStatus
	Channels []cfgtypes.DeliveryChannel
	Statuses []cfgtypes.DeliveryChannelStatus
}

func readConfigState(ctx context.Context, api ConfigRecorderAPI) (configState, error) {
	var st configState
	recs, err := api.DescribeConfigurationRecorders(ctx, &configservice.DescribeConfigurationRecordersInput{})
	if err != nil {
		return st, fmt.Errorf("detective: describe configuration recorders: %w", err)
	}
	for i := range recs.ConfigurationRecorders {
		r := recs.ConfigurationRecorders[i]
		if aws.ToString(r.ServicePrincipal) != "" {
			continue // a service-linked recorder records for one service only
		}
		if aws.ToString(r.Name) == "" {
			return st, errors.New("detective: DescribeConfigurationRecorders returned a recorder without Name")
		}
		st.Recorder = &r
		break
	}
	if st.Recorder == nil {
		return st, nil
	}
	status, err := api.DescribeConfigurationRecorderStatus(ctx, &configservice.DescribeConfigurationRecorderStatusInput{})
	if err != nil {
		return st, fmt.Errorf("detective: describe configuration recorder status: %w", err)
	}
	for i := range status.ConfigurationRecordersStatus {
		if aws.ToString(status.ConfigurationRecordersStatus[i].Name) == aws.ToString(st.Recorder.Name) {
			st.Status = &status.ConfigurationRecordersStatus[i]
		}
	}
	if st.Status == nil {
		return st, fmt.Errorf("detective: DescribeConfigurationRecorderStatus returned no status for recorder %s", aws.ToString(st.Recorder.Name))
	}
	ch, err := api.DescribeDeliveryChannels(ctx, &configservice.DescribeDeliveryChannelsInput{})
	if err != nil {
		return st, fmt.Errorf("detective: describe delivery channels: %w", err)
	}
	st.Channels = ch.DeliveryChannels
	if len(st.Channels) > 0 {
		cs, err := api.DescribeDeliveryChannelStatus(ctx, &configservice.DescribeDeliveryChannelStatusInput{})
		if err != nil {
			return st, fmt.Errorf("detective: describe delivery channel status: %w", err)
		}
		st.Statuses = cs.DeliveryChannelsStatus
	}
	return st, nil
}

// recordsAll reports whether a recording group covers every supported
// resource type (and global ones when global is required).
func recordsAll(g *cfgtypes.RecordingGroup, global bool) ([]string, error) {
	if g == nil {
		return nil, errors.New("the recorder has no RecordingGroup")
	}
	var p []string
	if g.RecordingStrategy != nil {
		switch u := g.RecordingStrategy.UseOnly; u {
		case cfgtypes.RecordingStrategyTypeAllSupportedResourceTypes, "":
		case cfgtypes.RecordingStrategyTypeInclusionByResourceTypes, cfgtypes.RecordingStrategyTypeExclusionByResourceTypes:
			p = append(p, "records by resource type list ("+string(u)+"), not all supported types")
		default:
			return nil, fmt.Errorf("unknown recording strategy %q", u)
		}
	}
	if !g.AllSupported && len(p) == 0 {
		p = append(p, "does not record all supported resource types")
	}
	if global && !g.IncludeGlobalResourceTypes {
		p = append(p, "does not record global resource types (IAM)")
	}
	return p, nil
}

func deliveryProblems(st configState) ([]string, error) {
	if len(st.Channels) == 0 {
		return []string{"has no delivery channel"}, nil
	}
	var p []string
	for _, s := range st.Statuses {
		for _, d := range []struct {
			what string
			info *cfgtypes.ConfigExportDeliveryInfo
		}{{"history", s.ConfigHistoryDeliveryInfo}, {"snapshot", s.ConfigSnapshotDeliveryInfo}} {
			if d.info == nil {
				continue
			}
			switch d.info.LastStatus {
			case cfgtypes.DeliveryStatusSuccess, cfgtypes.DeliveryStatusNotApplicable, "":
			case cfgtypes.DeliveryStatusFailure:
				p = append(p, fmt.Sprintf("delivery channel %s failed its last %s delivery (%s)", aws.ToString(s.Name), d.what, aws.ToString(d.info.LastErrorCode)))
			default:
				return nil, fmt.Errorf("unknown delivery status %q", d.info.LastStatus)
			}
		}
	}
	return p, nil
}

// CheckConfigRecorder reports whether AWS Config records every supported
// resource type, including global ones (see GlobalResourcesRegion), in
// region (the client's Region), is recording, and delivers through a
// healthy channel (CIS 3.3, Config.1). Service-linked recorders, which
// record for one service only, do not count.
func CheckConfigRecorder(ctx context.Context, api ConfigRecorderAPI, region string, optFns ...func(*ConfigRecorderOptions)) (secpillar.Finding, error) {
	var opts ConfigRecorderOptions
	for _, fn := range optFns {
		fn(&opts)
	}
	if region == "" {
		return secpillar.Finding{}, errors.New("detective: region is empty: name the Region the AWS Config client calls")
	}
	st, err := readConfigState(ctx, api)
	if err != nil {
		return secpillar.Finding{}, err
	}
	f := secpillar.Finding{Control: IDConfigRecorderEnabled, Severity: secpillar.SeverityMedium, Evidence: map[string]string{"region": region}}
	if st.Recorder == nil {
		f.Resource = secpillar.AccountResource("")
		f.Resource.Region = region
		f.Status = secpillar.StatusFail
		f.Reason = fmt.Sprintf("AWS Config has no configuration recorder in %s: create one that records all resources.", region)
		return f, nil
	}
	f.Resource = secpillar.Resource{Type: ConfigRecorderResourceType, ID: aws.ToString(st.Recorder.Arn), Region: region}
	if f.Resource.ID == "" {
		f.Resource.ID = aws.ToString(st.Recorder.Name)
	}
	global := opts.GlobalResourcesRegion == "" || opts.GlobalResourcesRegion == region
	problems, err := recordsAll(st.Recorder.RecordingGroup, global)
	if err != nil {
		return secpillar.Finding{}, fmt.Errorf("detective: recorder %s: %w", aws.ToString(st.Recorder.Name), err)
	}
	if !st.Status.Recording {
		problems = append(problems, "is not recording")
	}
	switch st.Status.LastStatus {
	case cfgtypes.RecorderStatusFailure:
		problems = append(problems, "failed its last recording ("+aws.ToString(st.Status.LastErrorCode)+")")
	case cfgtypes.RecorderStatusSuccess, cfgtypes.RecorderStatusPending, cfgtypes.RecorderStatusNotApplicable, "":
	default:
		return secpillar.Finding{}, fmt.Errorf("detective: recorder %s: unknown status %q", aws.ToString(st.Recorder.Name), st.Status.LastStatus)
	}
	dp, err := deliveryProblems(st)
	if err != nil {
		return secpillar.Finding{}, fmt.Errorf("detective: recorder %s: %w", aws.ToString(st.Recorder.Name), err)
	}
	problems = append(problems, dp...)
	f.Evidence["recorder"] = aws.ToString(st.Recorder.Name)
	f.Evidence["recording"] = boolString(st.Status.Recording)
	f.Evidence["delivery_channels"] = fmt.Sprint(len(st.Channels))
	if len(problems) == 0 {
		f.Status = secpillar.StatusPass
		f.Reason = fmt.Sprintf("AWS Config recorder %s records all resources in %s and delivers successfully.", aws.ToString(st.Recorder.Name), region)
		return f, nil
	}
	f.Status = secpillar.StatusFail
	f.Reason = fmt.Sprintf("AWS Config recorder %s in %s %s.", aws.ToString(st.Recorder.Name), region, strings.Join(problems, "; "))
	return f, nil
}

// ConfigRecorderTarget is what RemediateConfigRecorder needs.
type ConfigRecorderTarget struct {
	// AccountID builds the ARN of AWS Config's service-linked role
	// (AWSServiceRoleForConfig), used when RoleARN is empty. The role
	// must exist (iam:CreateServiceLinkedRole creates it).
	AccountID string
	// RoleARN overrides the role for a new recorder.
	RoleARN string
	// BucketName is the S3 bucket of a new delivery channel; needed only
	// when the Region has none.
	BucketName string
	// GlobalResources records global resource types; nil means true.
	GlobalResources *bool
}

// RemediateConfigRecorder makes AWS Config record all supported resources
// in the client's Region: it creates the recorder with the service-linked
// role (or sets AllSupported and global types on the existing one,
// keeping its name, role and recording mode; a resource type list or
// exclusion list is replaced, since AWS does not allow it with
// AllSupported), creates a delivery channel to target.BucketName when
// there is none, and starts recording. It returns an error before any
// write when a needed input is missing.
func RemediateConfigRecorder(ctx context.Context, api ConfigRecorderRemediationAPI, target ConfigRecorderTarget, optFns ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
	opts := secpillar.NewRemediateOptions(optFns...)
	global := target.GlobalResources == nil || *target.GlobalResources
	fresh := secpillar.FreshReads(ctx)
	st, err := readConfigState(fresh, api)
	if err != nil {
		return secpillar.Remediation{}, err
	}
	rem := secpillar.Remediation{Control: IDConfigRecorderEnabled, Resource: secpillar.Resource{Type: ConfigRecorderResourceType, ID: "default"}}
	var putRec *cfgtypes.ConfigurationRecorder
	wantGroup := &cfgtypes.RecordingGroup{AllSupported: true, IncludeGlobalResourceTypes: global,
		RecordingStrategy: &cfgtypes.RecordingStrategy{UseOnly: cfgtypes.RecordingStrategyTypeAllSupportedResourceTypes}}
	name := "default"
	if st.Recorder == nil {
		role := target.RoleARN
		if role == "" {
			if len(target.AccountID) != 12 {
				return rem, fmt.Errorf("detective: target.AccountID %q is not a 12-digit account ID (needed for the service-linked role ARN)", target.AccountID)
			}
			role = "arn:aws:iam::" + target.AccountID + ":role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"
		}
		if a, err := arn.Parse(role); err != nil || a.Service != "iam" || !strings.HasPrefix(a.Resource, "role/") {
			return rem, fmt.Errorf("detective: role %q is not an IAM role ARN", role)
		}
		putRec = &cfgtypes.ConfigurationRecorder{Name: aws.String(name), RoleARN: aws.String(role), RecordingGroup: wantGroup}
		rem.Changes = append(rem.Changes, secpillar.Change{Resource: rem.Resource, Action: "config:PutConfigurationRecorder", Field: "ConfigurationRecorder", Before: "absent", After: "all supported resource types, global " + boolString(global) + ", role " + role})
	} else {
		name = aws.ToString(st.Recorder.Name)
		rem.Resource.ID = aws.ToString(st.Recorder.Arn)
		if rem.Resource.ID == "" {
			rem.Resource.ID = name
		}
		problems, err := recordsAll(st.Recorder.RecordingGroup, global)
		if err != nil {
			return rem, fmt.Errorf("detective: recorder %s: %w", name, err)
		}
		if len(problems) > 0 {
			rec := *st.Recorder
			rec.Arn = nil
			rec.RecordingGroup = wantGroup
			putRec = &rec
			rem.Changes = append(rem.Changes, secpillar.Change{Resource: rem.Resource, Action: "config:PutConfigurationRecorder", Field: "RecordingGroup", Before: strings.Join(problems, "; "), After: "all supported resource types, global " + boolString(global)})
		}
	}
	var putCh *cfgtypes.DeliveryChannel
	if len(st.Channels) == 0 {
		if target.BucketName == "" {
			return rem, errors.New("detective: the Region has no AWS Config delivery channel and target.BucketName is empty: give the bucket to deliver to")
		}
		putCh = &cfgtypes.DeliveryChannel{Name: aws.String("default"), S3BucketName: aws.String(target.BucketName)}
		rem.Changes = append(rem.Changes, secpillar.Change{Resource: rem.Resource, Action: "config:PutDeliveryChannel", Field: "DeliveryChannel", Before: "absent", After: "bucket " + target.BucketName})
	}
	start := st.Status == nil || !st.Status.Recording
	if start {
		rem.Changes = append(rem.Changes, secpillar.Change{Resource: rem.Resource, Action: "config:StartConfigurationRecorder", Field: "Recording", Before: "false", After: "true"})
	}
	if dp, _ := deliveryProblems(st); len(st.Channels) > 0 && len(dp) > 0 {
		rem.Notes = append(rem.Notes, "Delivery is failing ("+strings.Join(dp, "; ")+"): check the bucket policy and KMS key; this remediation does not change an existing channel.")
	}
	if len(rem.Changes) == 0 {
		rem.Outcome = secpillar.OutcomeCompliant
		return rem, nil
	}
	rem.Undo = "Stop the recorder (config:StopConfigurationRecorder); delete what was created only if nothing depends on it."
	if opts.DryRun {
		rem.Outcome = secpillar.OutcomePlanned
		return rem, nil
	}
	if putRec != nil {
		if _, err := api.PutConfigurationRecorder(ctx, &configservice.PutConfigurationRecorderInput{ConfigurationRecorder: putRec}); err != nil {
			return rem, fmt.Errorf("detective: put configuration recorder: %w", err)
		}
	}
	if putCh != nil {
		if _, err := api.PutDeliveryChannel(ctx, &configservice.PutDeliveryChannelInput{DeliveryChannel: putCh}); err != nil {
			return rem, fmt.Errorf("detective: put delivery channel: %w", err)
		}
	}
	if start {
		if _, err := api.StartConfigurationRecorder(ctx, &configservice.StartConfigurationRecorderInput{ConfigurationRecorderName: aws.String(name)}); err != nil {
			return rem, fmt.Errorf("detective: start configuration recorder: %w", err)
		}
	}
	after, err := readConfigState(fresh, api)
	if err != nil {
		return rem, fmt.Errorf("detective: verify recorder: %w", err)
	}
	rem.Outcome = secpillar.OutcomeVerifyPending
	if after.Recorder != nil && after.Status != nil && after.Status.Recording && len(after.Channels) > 0 {
		if p, err := recordsAll(after.Recorder.RecordingGroup, global); err == nil && len(p) == 0 {
			rem.Outcome = secpillar.OutcomeChanged
		}
	}
	if rem.Resource.ID == "default" && after.Recorder != nil && after.Recorder.Arn != nil {
		rem.Resource.ID = *after.Recorder.Arn
	}
	return rem, nil
}
