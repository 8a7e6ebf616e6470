package fakeaws

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
)

// CloudTrail fakes AWS CloudTrail. Each trail lives in its home Region; as
// in AWS, DescribeTrails in another Region lists multi-Region trails (and
// organization trails) as shadow trails, a shadow trail is found by ARN
// only, and changes must be made in the home Region.
type CloudTrail struct {
	acct *Account
	// Trails of the account, in creation order; organization trails of the
	// management account appear here too, with that account's ARN.
	Trails []*CloudTrailTrail
}

// CloudTrailTrail is one trail and its state.
type CloudTrailTrail struct {
	// Trail as DescribeTrails returns it. Name and HomeRegion are
	// required; AddTrail fills TrailARN.
	Trail cttypes.Trail
	// Logging is what GetTrailStatus reports as IsLogging.
	Logging bool
	// EventSelectors and AdvancedEventSelectors as GetEventSelectors
	// returns them. With neither set the trail has the default selector:
	// all management events, read and write.
	EventSelectors         []cttypes.EventSelector
	AdvancedEventSelectors []cttypes.AdvancedEventSelector
	// LatestDeliveryError and LatestCloudWatchLogsDeliveryError appear in
	// GetTrailStatus.
	LatestDeliveryError               string
	LatestCloudWatchLogsDeliveryError string
}

// AddTrail adds a trail (filling TrailARN from the account, home Region
// and name when it is empty) and returns it. It is for seeding state and
// does not lock.
func (f *CloudTrail) AddTrail(t CloudTrailTrail) *CloudTrailTrail {
	if t.Trail.TrailARN == nil {
		t.Trail.TrailARN = aws.String("arn:aws:cloudtrail:" + aws.ToString(t.Trail.HomeRegion) + ":" + f.acct.ID + ":trail/" + aws.ToString(t.Trail.Name))
	}
	p := &t
	f.Trails = append(f.Trails, p)
	return p
}

func (f *CloudTrail) regionOf(ctx context.Context, optFns []func(*cloudtrail.Options)) string {
	var o cloudtrail.Options
	for _, fn := range optFns {
		fn(&o)
	}
	return f.acct.region(ctx, o.Region)
}

// visible reports whether t is listed in region (homed there, or a shadow
// of a multi-Region or organization trail).
func (t *CloudTrailTrail) visible(region string) bool {
	return aws.ToString(t.Trail.HomeRegion) == region || aws.ToBool(t.Trail.IsMultiRegionTrail)
}

// find looks a trail up by name (trails homed in region only) or by ARN
// (any trail visible in region).
func (f *CloudTrail) find(region, nameOrARN string) (*CloudTrailTrail, error) {
	if nameOrARN == "" {
		return nil, &cttypes.InvalidTrailNameException{Message: aws.String("Trail name or ARN can only contain uppercase letters, lowercase letters, numbers, periods (.), hyphens (-), and underscores (_).")}
	}
	isARN := strings.HasPrefix(nameOrARN, "arn:")
	if isARN && !strings.Contains(nameOrARN, ":trail/") {
		return nil, &cttypes.CloudTrailARNInvalidException{Message: aws.String("Invalid trail ARN: " + nameOrARN)}
	}
	for _, t := range f.Trails {
		if isARN && aws.ToString(t.Trail.TrailARN) == nameOrARN && t.visible(region) {
			return t, nil
		}
		if !isARN && aws.ToString(t.Trail.Name) == nameOrARN && aws.ToString(t.Trail.HomeRegion) == region && f.owned(t) {
			return t, nil
		}
	}
	return nil, &cttypes.TrailNotFoundException{Message: aws.String("Unknown trail: " + nameOrARN + " for the user: " + f.acct.ID)}
}

func (f *CloudTrail) owned(t *CloudTrailTrail) bool {
	return strings.Contains(aws.ToString(t.Trail.TrailARN), ":"+f.acct.ID+":trail/")
}

// findForWrite is find for a mutating call: the call must be made in the
// trail's home Region, by the account that owns it.
func (f *CloudTrail) findForWrite(region, nameOrARN string) (*CloudTrailTrail, error) {
	t, err := f.find(region, nameOrARN)
	if err != nil {
		return nil, err
	}
	if !f.owned(t) {
		return nil, &cttypes.NotOrganizationMasterAccountException{Message: aws.String("The request was made from an account that is not the owner of trail " + aws.ToString(t.Trail.TrailARN))}
	}
	if home := aws.ToString(t.Trail.HomeRegion); home != region {
		return nil, &cttypes.InvalidHomeRegionException{Message: aws.String("This operation must be called from the trail's home region, " + home)}
	}
	return t, nil
}

func (t *CloudTrailTrail) described() cttypes.Trail {
	out := t.Trail
	out.HasCustomEventSelectors = aws.Bool(len(t.EventSelectors) > 0 || len(t.AdvancedEventSelectors) > 0)
	if out.HasInsightSelectors == nil {
		out.HasInsightSelectors = aws.Bool(false)
	}
	return out
}

// DescribeTrails lists the trails of the call's Region, with shadow trails
// unless IncludeShadowTrails is false; TrailNameList narrows by name or
// ARN and unknown names are left out, as in AWS.
func (f *CloudTrail) DescribeTrails(ctx context.Context, in *cloudtrail.DescribeTrailsInput, optFns ...func(*cloudtrail.Options)) (*cloudtrail.DescribeTrailsOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	region := f.regionOf(ctx, optFns)
	if in == nil {
		in = &cloudtrail.DescribeTrailsInput{}
	}
	shadows := in.IncludeShadowTrails == nil || *in.IncludeShadowTrails
	out := &cloudtrail.DescribeTrailsOutput{TrailList: []cttypes.Trail{}}
	if len(in.TrailNameList) > 0 {
		for _, n := range in.TrailNameList {
			if t, err := f.find(region, n); err == nil {
				out.TrailList = append(out.TrailList, t.described())
			}
		}
		return out, nil
	}
	for _, t := range f.Trails {
		home := aws.ToString(t.Trail.HomeRegion) == region
		if home || (shadows && t.visible(region)) {
			out.TrailList = append(out.TrailList, t.described())
		}
	}
	return out, nil
}

// GetTrailStatus returns whether a trail is logging and its latest
// delivery errors.
func (f *CloudTrail) GetTrailStatus(ctx context.Context, in *cloudtrail.GetTrailStatusInput, optFns ...func(*cloudtrail.Options)) (*cloudtrail.GetTrailStatusOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	t, err := f.find(f.regionOf(ctx, optFns), aws.ToString(in.Name))
	if err != nil {
		return nil, err
	}
	out := &cloudtrail.GetTrailStatusOutput{IsLogging: aws.Bool(t.Logging)}
	if t.LatestDeliveryError != "" {
		out.LatestDeliveryError = aws.String(t.LatestDeliveryError)
	}
	if t.LatestCloudWatchLogsDeliveryError != "" {
		out.LatestCloudWatchLogsDeliveryError = aws.String(t.LatestCloudWatchLogsDeliveryError)
	}
	return out, nil
}

// GetEventSelectors returns a trail's basic or advanced event selectors.
func (f *CloudTrail) GetEventSelectors(ctx context.Context, in *cloudtrail.GetEventSelectorsInput, optFns ...func(*cloudtrail.Options)) (*cloudtrail.GetEventSelectorsOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	t, err := f.find(f.regionOf(ctx, optFns), aws.ToString(in.TrailName))
	if err != nil {
		return nil, err
	}
	out := &cloudtrail.GetEventSelectorsOutput{TrailARN: t.Trail.TrailARN}
	switch {
	case len(t.AdvancedEventSelectors) > 0:
		out.AdvancedEventSelectors = append(out.AdvancedEventSelectors, t.AdvancedEventSelectors...)
	case len(t.EventSelectors) > 0:
		out.EventSelectors = append(out.EventSelectors, t.EventSelectors...)
	default:
		out.EventSelectors = []cttypes.EventSelector{{
			ReadWriteType: cttypes.ReadWriteTypeAll, IncludeManagementEvents: aws.Bool(true),
			DataResources: []cttypes.DataResource{}, ExcludeManagementEventSources: []string{},
		}}
	}
	return out, nil
}

// PutEventSelectors replaces a trail's selectors with either basic or
// advanced selectors (not both), in the trail's home Region.
func (f *CloudTrail) PutEventSelectors(ctx context.Context, in *cloudtrail.PutEventSelectorsInput, optFns ...func(*cloudtrail.Options)) (*cloudtrail.PutEventSelectorsOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	t, err := f.findForWrite(f.regionOf(ctx, optFns), aws.ToString(in.TrailName))
	if err != nil {
		return nil, err
	}
	basic, adv := len(in.EventSelectors) > 0, len(in.AdvancedEventSelectors) > 0
	if basic == adv {
		return nil, &cttypes.InvalidParameterCombinationException{Message: aws.String("Specify either EventSelectors or AdvancedEventSelectors, not both")}
	}
	if len(in.EventSelectors) > 5 {
		return nil, &cttypes.InvalidEventSelectorsException{Message: aws.String("A trail can have at most 5 event selectors")}
	}
	for _, s := range in.EventSelectors {
		switch s.ReadWriteType {
		case "", cttypes.ReadWriteTypeAll, cttypes.ReadWriteTypeReadOnly, cttypes.ReadWriteTypeWriteOnly:
		default:
			return nil, &cttypes.InvalidEventSelectorsException{Message: aws.String("Invalid ReadWriteType " + string(s.ReadWriteType))}
		}
	}
	for _, s := range in.AdvancedEventSelectors {
		if len(s.FieldSelectors) == 0 {
			return nil, &cttypes.InvalidEventSelectorsException{Message: aws.String("An advanced event selector needs field selectors")}
		}
		cat := false
		for _, fs := range s.FieldSelectors {
			if aws.ToString(fs.Field) == "eventCategory" {
				cat = true
			}
		}
		if !cat {
			return nil, &cttypes.InvalidEventSelectorsException{Message: aws.String("An advanced event selector needs an eventCategory field selector")}
		}
	}
	t.EventSelectors, t.AdvancedEventSelectors = nil, nil
	for _, s := range in.EventSelectors {
		if s.ReadWriteType == "" {
			s.ReadWriteType = cttypes.ReadWriteTypeAll
		}
		if s.IncludeManagementEvents == nil {
			s.IncludeManagementEvents = aws.Bool(true)
		}
		if s.DataResources == nil {
			s.DataResources = []cttypes.DataResource{}
		}
		if s.ExcludeManagementEventSources == nil {
			s.ExcludeManagementEventSources = []string{}
		}
		t.EventSelectors = append(t.EventSelectors, s)
	}
	t.AdvancedEventSelectors = append(t.AdvancedEventSelectors, in.AdvancedEventSelectors...)
	return &cloudtrail.PutEventSelectorsOutput{TrailARN: t.Trail.TrailARN, EventSelectors: t.EventSelectors, AdvancedEventSelectors: t.AdvancedEventSelectors}, nil
}

// UpdateTrail changes the settings given (nil fields are left as they
// are), in the trail's home Region. An empty KmsKeyId removes encryption;
// CloudWatch Logs group and role are set or cleared together.
func (f *CloudTrail) UpdateTrail(ctx context.Context, in *cloudtrail.UpdateTrailInput, optFns ...func(*cloudtrail.Options)) (*cloudtrail.UpdateTrailOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	t, err := f.findForWrite(f.regionOf(ctx, optFns), aws.ToString(in.Name))
	if err != nil {
		return nil, err
	}
	if (in.CloudWatchLogsLogGroupArn == nil) != (in.CloudWatchLogsRoleArn == nil) ||
		(aws.ToString(in.CloudWatchLogsLogGroupArn) == "") != (aws.ToString(in.CloudWatchLogsRoleArn) == "") {
		return nil, &cttypes.InvalidCloudWatchLogsRoleArnException{Message: aws.String("You must specify a log group and a role ARN together")}
	}
	if in.KmsKeyId != nil && *in.KmsKeyId != "" && !strings.HasPrefix(*in.KmsKeyId, "arn:") && !strings.HasPrefix(*in.KmsKeyId, "alias/") && len(*in.KmsKeyId) != 36 {
		return nil, &cttypes.InvalidKmsKeyIdException{Message: aws.String("Invalid KmsKeyId " + *in.KmsKeyId)}
	}
	tr := &t.Trail
	set := func(dst **string, v *string) {
		if v == nil {
			return
		}
		if *v == "" {
			*dst = nil
			return
		}
		*dst = aws.String(*v)
	}
	set(&tr.S3BucketName, in.S3BucketName)
	set(&tr.S3KeyPrefix, in.S3KeyPrefix)
	set(&tr.KmsKeyId, in.KmsKeyId)
	set(&tr.CloudWatchLogsLogGroupArn, in.CloudWatchLogsLogGroupArn)
	set(&tr.CloudWatchLogsRoleArn, in.CloudWatchLogsRoleArn)
	set(&tr.SnsTopicName, in.SnsTopicName)
	if in.EnableLogFileValidation != nil {
		tr.LogFileValidationEnabled = aws.Bool(*in.EnableLogFileValidation)
	}
	if in.IncludeGlobalServiceEvents != nil {
		tr.IncludeGlobalServiceEvents = aws.Bool(*in.IncludeGlobalServiceEvents)
	}
	if in.IsMultiRegionTrail != nil {
		tr.IsMultiRegionTrail = aws.Bool(*in.IsMultiRegionTrail)
	}
	if in.IsOrganizationTrail != nil {
		tr.IsOrganizationTrail = aws.Bool(*in.IsOrganizationTrail)
	}
	if aws.ToBool(tr.IsMultiRegionTrail) && !aws.ToBool(tr.IncludeGlobalServiceEvents) {
		return nil, &cttypes.InvalidParameterCombinationException{Message: aws.String("Multi-Region trail must include global service events.")}
	}
	return &cloudtrail.UpdateTrailOutput{
		Name: tr.Name, TrailARN: tr.TrailARN, S3BucketName: tr.S3BucketName, S3KeyPrefix: tr.S3KeyPrefix,
		KmsKeyId: tr.KmsKeyId, CloudWatchLogsLogGroupArn: tr.CloudWatchLogsLogGroupArn, CloudWatchLogsRoleArn: tr.CloudWatchLogsRoleArn,
		LogFileValidationEnabled: tr.LogFileValidationEnabled, IncludeGlobalServiceEvents: tr.IncludeGlobalServiceEvents,
		IsMultiRegionTrail: tr.IsMultiRegionTrail, IsOrganizationTrail: tr.IsOrganizationTrail,
	}, nil
}

// CreateTrail creates a trail homed in the call's Region (not logging
// until StartLogging, as in AWS).
func (f *CloudTrail) CreateTrail(ctx context.Context, in *cloudtrail.CreateTrailInput, optFns ...func(*cloudtrail.Options)) (*cloudtrail.CreateTrailOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	region := f.regionOf(ctx, optFns)
	name := aws.ToString(in.Name)
	if name == "" || strings.ContainsAny(name, " /:") {
		return nil, &cttypes.InvalidTrailNameException{Message: aws.String("Invalid trail name " + name)}
	}
	if aws.ToString(in.S3BucketName) == "" {
		return nil, &cttypes.InvalidS3BucketNameException{Message: aws.String("S3 bucket name is required")}
	}
	for _, t := range f.Trails {
		if aws.ToString(t.Trail.Name) == name && aws.ToString(t.Trail.HomeRegion) == region && f.owned(t) {
			return nil, &cttypes.TrailAlreadyExistsException{Message: aws.String("Trail " + name + " already exists for customer: " + f.acct.ID)}
		}
	}
	multi := aws.ToBool(in.IsMultiRegionTrail)
	global := in.IncludeGlobalServiceEvents == nil || *in.IncludeGlobalServiceEvents
	if multi && !global {
		return nil, &cttypes.InvalidParameterCombinationException{Message: aws.String("Multi-Region trail must include global service events.")}
	}
	t := f.AddTrail(CloudTrailTrail{Trail: cttypes.Trail{
		Name: aws.String(name), HomeRegion: aws.String(region), S3BucketName: in.S3BucketName, S3KeyPrefix: in.S3KeyPrefix,
		KmsKeyId: in.KmsKeyId, CloudWatchLogsLogGroupArn: in.CloudWatchLogsLogGroupArn, CloudWatchLogsRoleArn: in.CloudWatchLogsRoleArn,
		LogFileValidationEnabled: aws.Bool(aws.ToBool(in.EnableLogFileValidation)), IncludeGlobalServiceEvents: aws.Bool(global),
		IsMultiRegionTrail: aws.Bool(multi), IsOrganizationTrail: aws.Bool(aws.ToBool(in.IsOrganizationTrail)),
	}})
	tr := t.Trail
	return &cloudtrail.CreateTrailOutput{
		Name: tr.Name, TrailARN: tr.TrailARN, S3BucketName: tr.S3BucketName, KmsKeyId: tr.KmsKeyId,
		CloudWatchLogsLogGroupArn: tr.CloudWatchLogsLogGroupArn, CloudWatchLogsRoleArn: tr.CloudWatchLogsRoleArn,
		LogFileValidationEnabled: tr.LogFileValidationEnabled, IncludeGlobalServiceEvents: tr.IncludeGlobalServiceEvents,
		IsMultiRegionTrail: tr.IsMultiRegionTrail, IsOrganizationTrail: tr.IsOrganizationTrail,
	}, nil
}

// StartLogging turns logging on, in the trail's home Region.
func (f *CloudTrail) StartLogging(ctx context.Context, in *cloudtrail.StartLoggingInput, optFns ...func(*cloudtrail.Options)) (*cloudtrail.StartLoggingOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	t, err := f.findForWrite(f.regionOf(ctx, optFns), aws.ToString(in.Name))
	if err != nil {
		return nil, err
	}
	t.Logging = true
	return &cloudtrail.StartLoggingOutput{}, nil
}
