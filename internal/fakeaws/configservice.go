package fakeaws

import (
	"context"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	cfgtypes "github.com/aws/aws-sdk-go-v2/service/configservice/types"
)

// ConfigService fakes AWS Config recorders and delivery channels, per
// Region.
type ConfigService struct {
	acct    *Account
	regions map[string]*ConfigRegion
}

// ConfigRegion is the AWS Config state of one Region.
type ConfigRegion struct {
	Recorders []*ConfigRecorder
	Channels  []*ConfigChannel
}

// ConfigRecorder is a configuration recorder and its status.
type ConfigRecorder struct {
	Recorder  cfgtypes.ConfigurationRecorder
	Recording bool
	// LastStatus is what DescribeConfigurationRecorderStatus reports
	// ("" reads as Success when recording, Pending otherwise).
	LastStatus    cfgtypes.RecorderStatus
	LastErrorCode string
}

// ConfigChannel is a delivery channel and its delivery status.
type ConfigChannel struct {
	Channel cfgtypes.DeliveryChannel
	// HistoryStatus and SnapshotStatus are the last delivery statuses
	// ("" reads as Success).
	HistoryStatus  cfgtypes.DeliveryStatus
	SnapshotStatus cfgtypes.DeliveryStatus
	LastErrorCode  string
}

// Region returns the state of one Region, creating it empty. The caller
// must not use it concurrently with calls to the fake.
func (f *ConfigService) Region(name string) *ConfigRegion {
	if f.regions == nil {
		f.regions = map[string]*ConfigRegion{}
	}
	r := f.regions[name]
	if r == nil {
		r = &ConfigRegion{}
		f.regions[name] = r
	}
	return r
}

// AddRecorder adds a customer managed recorder named "default" that
// records all supported resources (including global ones when global is
// set) with the service-linked role, recording or not, and a healthy
// delivery channel to bucket (none when bucket is empty). It is for
// seeding state and does not lock.
func (f *ConfigService) AddRecorder(region string, global, recording bool, bucket string) *ConfigRecorder {
	r := f.Region(region)
	rec := &ConfigRecorder{Recorder: cfgtypes.ConfigurationRecorder{
		Name: aws.String("default"), Arn: aws.String("arn:aws:config:" + region + ":" + f.acct.ID + ":configuration-recorder/default/abcdefghijklmnop"),
		RoleARN: aws.String("arn:aws:iam::" + f.acct.ID + ":role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"),
		RecordingGroup: &cfgtypes.RecordingGroup{AllSupported: true, IncludeGlobalResourceTypes: global, ResourceTypes: []cfgtypes.ResourceType{},
			RecordingStrategy: &cfgtypes.RecordingStrategy{UseOnly: cfgtypes.RecordingStrategyTypeAllSupportedResourceTypes}},
		RecordingMode:  &cfgtypes.RecordingMode{RecordingFrequency: cfgtypes.RecordingFrequencyContinuous},
		RecordingScope: cfgtypes.RecordingScopePaid,
	}, Recording: recording}
	r.Recorders = append(r.Recorders, rec)
	if bucket != "" {
		r.Channels = append(r.Channels, &ConfigChannel{Channel: cfgtypes.DeliveryChannel{Name: aws.String("default"), S3BucketName: aws.String(bucket)}})
	}
	return rec
}

func (f *ConfigService) regionOf(ctx context.Context, optFns []func(*configservice.Options)) (string, *ConfigRegion) {
	var o configservice.Options
	for _, fn := range optFns {
		fn(&o)
	}
	name := f.acct.region(ctx, o.Region)
	return name, f.Region(name)
}

func (r *ConfigRegion) recorders(names []string) ([]*ConfigRecorder, error) {
	if len(names) == 0 {
		return r.Recorders, nil
	}
	var out []*ConfigRecorder
	for _, n := range names {
		i := slices.IndexFunc(r.Recorders, func(c *ConfigRecorder) bool { return aws.ToString(c.Recorder.Name) == n })
		if i < 0 {
			return nil, &cfgtypes.NoSuchConfigurationRecorderException{Message: aws.String("Cannot find configuration recorder with the specified name '" + n + "'.")}
		}
		out = append(out, r.Recorders[i])
	}
	return out, nil
}

func (r *ConfigRegion) channels(names []string) ([]*ConfigChannel, error) {
	if len(names) == 0 {
		return r.Channels, nil
	}
	var out []*ConfigChannel
	for _, n := range names {
		i := slices.IndexFunc(r.Channels, func(c *ConfigChannel) bool { return aws.ToString(c.Channel.Name) == n })
		if i < 0 {
			return nil, &cfgtypes.NoSuchDeliveryChannelException{Message: aws.String("Cannot find delivery channel with specified name '" + n + "'.")}
		}
		out = append(out, r.Channels[i])
	}
	return out, nil
}

// DescribeConfigurationRecorders lists recorders, or the named ones.
func (f *ConfigService) DescribeConfigurationRecorders(ctx context.Context, in *configservice.DescribeConfigurationRecordersInput, optFns ...func(*configservice.Options)) (*configservice.DescribeConfigurationRecordersOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	_, r := f.regionOf(ctx, optFns)
	recs, err := r.recorders(in.ConfigurationRecorderNames)
	if err != nil {
		return nil, err
	}
	out := &configservice.DescribeConfigurationRecordersOutput{ConfigurationRecorders: []cfgtypes.ConfigurationRecorder{}}
	for _, c := range recs {
		out.ConfigurationRecorders = append(out.ConfigurationRecorders, c.Recorder)
	}
	return out, nil
}

// DescribeConfigurationRecorderStatus reports whether recorders record.
func (f *ConfigService) DescribeConfigurationRecorderStatus(ctx context.Context, in *configservice.DescribeConfigurationRecorderStatusInput, optFns ...func(*configservice.Options)) (*configservice.DescribeConfigurationRecorderStatusOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	_, r := f.regionOf(ctx, optFns)
	recs, err := r.recorders(in.ConfigurationRecorderNames)
	if err != nil {
		return nil, err
	}
	out := &configservice.DescribeConfigurationRecorderStatusOutput{ConfigurationRecordersStatus: []cfgtypes.ConfigurationRecorderStatus{}}
	for _, c := range recs {
		st := c.LastStatus
		if st == "" {
			st = cfgtypes.RecorderStatusPending
			if c.Recording {
				st = cfgtypes.RecorderStatusSuccess
			}
		}
		s := cfgtypes.ConfigurationRecorderStatus{Name: c.Recorder.Name, Arn: c.Recorder.Arn, Recording: c.Recording, LastStatus: st, ServicePrincipal: c.Recorder.ServicePrincipal}
		if c.LastErrorCode != "" {
			s.LastErrorCode = aws.String(c.LastErrorCode)
		}
		out.ConfigurationRecordersStatus = append(out.ConfigurationRecordersStatus, s)
	}
	return out, nil
}

// DescribeDeliveryChannels lists delivery channels, or the named ones.
func (f *ConfigService) DescribeDeliveryChannels(ctx context.Context, in *configservice.DescribeDeliveryChannelsInput, optFns ...func(*configservice.Options)) (*configservice.DescribeDeliveryChannelsOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	_, r := f.regionOf(ctx, optFns)
	chs, err := r.channels(in.DeliveryChannelNames)
	if err != nil {
		return nil, err
	}
	out := &configservice.DescribeDeliveryChannelsOutput{DeliveryChannels: []cfgtypes.DeliveryChannel{}}
	for _, c := range chs {
		out.DeliveryChannels = append(out.DeliveryChannels, c.Channel)
	}
	return out, nil
}

// DescribeDeliveryChannelStatus reports the last deliveries of channels.
func (f *ConfigService) DescribeDeliveryChannelStatus(ctx context.Context, in *configservice.DescribeDeliveryChannelStatusInput, optFns ...func(*configservice.Options)) (*configservice.DescribeDeliveryChannelStatusOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	_, r := f.regionOf(ctx, optFns)
	chs, err := r.channels(in.DeliveryChannelNames)
	if err != nil {
		return nil, err
	}
	out := &configservice.DescribeDeliveryChannelStatusOutput{DeliveryChannelsStatus: []cfgtypes.DeliveryChannelStatus{}}
	now := f.acct.now()
	info := func(s cfgtypes.DeliveryStatus, code string) *cfgtypes.ConfigExportDeliveryInfo {
		if s == "" {
			s = cfgtypes.DeliveryStatusSuccess
		}
		i := &cfgtypes.ConfigExportDeliveryInfo{LastStatus: s, LastAttemptTime: aws.Time(now)}
		if s == cfgtypes.DeliveryStatusFailure && code != "" {
			i.LastErrorCode = aws.String(code)
		}
		return i
	}
	for _, c := range chs {
		out.DeliveryChannelsStatus = append(out.DeliveryChannelsStatus, cfgtypes.DeliveryChannelStatus{
			Name: c.Channel.Name, ConfigHistoryDeliveryInfo: info(c.HistoryStatus, c.LastErrorCode), ConfigSnapshotDeliveryInfo: info(c.SnapshotStatus, c.LastErrorCode),
			ConfigStreamDeliveryInfo: &cfgtypes.ConfigStreamDeliveryInfo{LastStatus: cfgtypes.DeliveryStatusNotApplicable},
		})
	}
	return out, nil
}

// PutConfigurationRecorder creates or replaces the Region's customer
// managed recorder (there can be one).
func (f *ConfigService) PutConfigurationRecorder(ctx context.Context, in *configservice.PutConfigurationRecorderInput, optFns ...func(*configservice.Options)) (*configservice.PutConfigurationRecorderOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	region, r := f.regionOf(ctx, optFns)
	if in.ConfigurationRecorder == nil || aws.ToString(in.ConfigurationRecorder.RoleARN) == "" {
		return nil, &cfgtypes.InvalidRoleException{Message: aws.String("The role ARN is required.")}
	}
	rec := *in.ConfigurationRecorder
	if rec.Name == nil {
		rec.Name = aws.String("default")
	}
	if g := rec.RecordingGroup; g != nil && g.AllSupported && (len(g.ResourceTypes) > 0 || (g.ExclusionByResourceTypes != nil && len(g.ExclusionByResourceTypes.ResourceTypes) > 0)) {
		return nil, &cfgtypes.InvalidRecordingGroupException{Message: aws.String("AllSupported cannot be combined with resource types.")}
	}
	for _, c := range r.Recorders {
		if c.Recorder.ServicePrincipal != nil {
			continue
		}
		if aws.ToString(c.Recorder.Name) != *rec.Name {
			return nil, &cfgtypes.MaxNumberOfConfigurationRecordersExceededException{Message: aws.String("Failed to put configuration recorder '" + *rec.Name + "' because the maximum number of configuration recorders: 1 is reached.")}
		}
		rec.Arn = c.Recorder.Arn
		c.Recorder = rec
		return &configservice.PutConfigurationRecorderOutput{}, nil
	}
	rec.Arn = aws.String("arn:aws:config:" + region + ":" + f.acct.ID + ":configuration-recorder/" + *rec.Name + "/fake0000000000000")
	r.Recorders = append(r.Recorders, &ConfigRecorder{Recorder: rec})
	return &configservice.PutConfigurationRecorderOutput{}, nil
}

// PutDeliveryChannel creates or replaces the Region's delivery channel;
// a recorder must exist.
func (f *ConfigService) PutDeliveryChannel(ctx context.Context, in *configservice.PutDeliveryChannelInput, optFns ...func(*configservice.Options)) (*configservice.PutDeliveryChannelOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	_, r := f.regionOf(ctx, optFns)
	if in.DeliveryChannel == nil || aws.ToString(in.DeliveryChannel.S3BucketName) == "" {
		return nil, &cfgtypes.NoSuchBucketException{Message: aws.String("Cannot find a S3 bucket with an empty bucket name.")}
	}
	if len(r.Recorders) == 0 {
		return nil, &cfgtypes.NoAvailableConfigurationRecorderException{Message: aws.String("Configuration recorder is not available to put delivery channel.")}
	}
	ch := *in.DeliveryChannel
	if ch.Name == nil {
		ch.Name = aws.String("default")
	}
	for _, c := range r.Channels {
		if aws.ToString(c.Channel.Name) != *ch.Name {
			return nil, &cfgtypes.MaxNumberOfDeliveryChannelsExceededException{Message: aws.String("Failed to put delivery channel because the maximum number of delivery channels: 1 is reached.")}
		}
		c.Channel = ch
		return &configservice.PutDeliveryChannelOutput{}, nil
	}
	r.Channels = append(r.Channels, &ConfigChannel{Channel: ch})
	return &configservice.PutDeliveryChannelOutput{}, nil
}

// StartConfigurationRecorder starts a recorder; it needs a delivery
// channel.
func (f *ConfigService) StartConfigurationRecorder(ctx context.Context, in *configservice.StartConfigurationRecorderInput, optFns ...func(*configservice.Options)) (*configservice.StartConfigurationRecorderOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	_, r := f.regionOf(ctx, optFns)
	recs, err := r.recorders([]string{aws.ToString(in.ConfigurationRecorderName)})
	if err != nil {
		return nil, err
	}
	if len(r.Channels) == 0 {
		return nil, &cfgtypes.NoAvailableDeliveryChannelException{Message: aws.String("Delivery channel is not available to start configuration recorder.")}
	}
	recs[0].Recording = true
	recs[0].LastStatus = ""
	return &configservice.StartConfigurationRecorderOutput{}, nil
}
