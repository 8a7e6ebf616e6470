package fakeaws

import (
	"context"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	gdtypes "github.com/aws/aws-sdk-go-v2/service/guardduty/types"
)

// GuardDuty fakes Amazon GuardDuty, per Region (one detector per Region,
// as in AWS).
type GuardDuty struct {
	acct    *Account
	regions map[string]*GuardDutyRegion
}

// GuardDutyRegion is the GuardDuty state of one Region.
type GuardDutyRegion struct {
	// Detector is nil when GuardDuty was never turned on.
	Detector *GuardDutyDetector
}

// GuardDutyDetector is a detector, its protection plans and findings.
type GuardDutyDetector struct {
	ID       string
	Status   gdtypes.DetectorStatus
	Features []gdtypes.DetectorFeatureConfigurationResult
	Findings []GuardDutyFinding
}

// GuardDutyFinding is the part of a finding ListFindings filters on.
type GuardDutyFinding struct {
	ID       string
	Type     string
	Severity float64
	Archived bool
}

// AllGuardDutyFeatures are the protection plans a new detector reports.
var AllGuardDutyFeatures = []gdtypes.DetectorFeatureResult{
	gdtypes.DetectorFeatureResultCloudTrail, gdtypes.DetectorFeatureResultDnsLogs, gdtypes.DetectorFeatureResultFlowLogs,
	gdtypes.DetectorFeatureResultS3DataEvents, gdtypes.DetectorFeatureResultEksAuditLogs, gdtypes.DetectorFeatureResultEbsMalwareProtection,
	gdtypes.DetectorFeatureResultRdsLoginEvents, gdtypes.DetectorFeatureResultLambdaNetworkLogs, gdtypes.DetectorFeatureResultRuntimeMonitoring,
}

// Region returns the state of one Region, creating it empty. The caller
// must not use it concurrently with calls to the fake.
func (f *GuardDuty) Region(name string) *GuardDutyRegion {
	if f.regions == nil {
		f.regions = map[string]*GuardDutyRegion{}
	}
	r := f.regions[name]
	if r == nil {
		r = &GuardDutyRegion{}
		f.regions[name] = r
	}
	return r
}

// EnableDetector creates an enabled detector in region whose features
// are all ENABLED except those named in disabled. It is for seeding state
// and does not lock.
func (f *GuardDuty) EnableDetector(region string, disabled ...gdtypes.DetectorFeatureResult) *GuardDutyDetector {
	d := &GuardDutyDetector{ID: strings.Repeat("a", 28) + strconv.Itoa(len(region)) + "0000", Status: gdtypes.DetectorStatusEnabled}
	for _, name := range AllGuardDutyFeatures {
		st := gdtypes.FeatureStatusEnabled
		for _, x := range disabled {
			if x == name {
				st = gdtypes.FeatureStatusDisabled
			}
		}
		d.Features = append(d.Features, gdtypes.DetectorFeatureConfigurationResult{Name: name, Status: st, UpdatedAt: aws.Time(f.acct.now())})
	}
	f.Region(region).Detector = d
	return d
}

func (f *GuardDuty) regionOf(ctx context.Context, optFns []func(*guardduty.Options)) *GuardDutyRegion {
	var o guardduty.Options
	for _, fn := range optFns {
		fn(&o)
	}
	return f.Region(f.acct.region(ctx, o.Region))
}

func (r *GuardDutyRegion) detector(id *string) (*GuardDutyDetector, error) {
	if r.Detector == nil || r.Detector.ID != aws.ToString(id) {
		return nil, &gdtypes.BadRequestException{Message: aws.String("The request is rejected because the input detectorId is not owned by the current account.")}
	}
	return r.Detector, nil
}

// ListDetectors lists the Region's detector, if any.
func (f *GuardDuty) ListDetectors(ctx context.Context, in *guardduty.ListDetectorsInput, optFns ...func(*guardduty.Options)) (*guardduty.ListDetectorsOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	r := f.regionOf(ctx, optFns)
	var ids []string
	if r.Detector != nil {
		ids = append(ids, r.Detector.ID)
	}
	items, next, err := page(f.acct, ids, in.NextToken, aws.ToInt32(in.MaxResults))
	if err != nil {
		return nil, err
	}
	return &guardduty.ListDetectorsOutput{DetectorIds: append([]string{}, items...), NextToken: next}, nil
}

// GetDetector returns a detector's status and features.
func (f *GuardDuty) GetDetector(ctx context.Context, in *guardduty.GetDetectorInput, optFns ...func(*guardduty.Options)) (*guardduty.GetDetectorOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	d, err := f.regionOf(ctx, optFns).detector(in.DetectorId)
	if err != nil {
		return nil, err
	}
	feats := make([]gdtypes.DetectorFeatureConfigurationResult, len(d.Features))
	copy(feats, d.Features)
	return &guardduty.GetDetectorOutput{
		Status: d.Status, Features: feats, ServiceRole: aws.String("arn:aws:iam::" + f.acct.ID + ":role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty"),
		FindingPublishingFrequency: gdtypes.FindingPublishingFrequencySixHours, CreatedAt: aws.String("2024-01-01T00:00:00.000Z"),
	}, nil
}

// CreateDetector creates the Region's detector; a second one is refused.
func (f *GuardDuty) CreateDetector(ctx context.Context, in *guardduty.CreateDetectorInput, optFns ...func(*guardduty.Options)) (*guardduty.CreateDetectorOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	r := f.regionOf(ctx, optFns)
	if r.Detector != nil {
		return nil, &gdtypes.BadRequestException{Message: aws.String("The request is rejected because a detector already exists for the current account.")}
	}
	if in.Enable == nil {
		return nil, &gdtypes.BadRequestException{Message: aws.String("Enable is required")}
	}
	d := &GuardDutyDetector{ID: "d" + strings.Repeat("0", 30) + "1", Status: gdtypes.DetectorStatusDisabled}
	if *in.Enable {
		d.Status = gdtypes.DetectorStatusEnabled
	}
	for _, name := range AllGuardDutyFeatures {
		d.Features = append(d.Features, gdtypes.DetectorFeatureConfigurationResult{Name: name, Status: gdtypes.FeatureStatusEnabled})
	}
	applyFeatures(d, in.Features)
	r.Detector = d
	return &guardduty.CreateDetectorOutput{DetectorId: aws.String(d.ID)}, nil
}

func applyFeatures(d *GuardDutyDetector, in []gdtypes.DetectorFeatureConfiguration) {
	for _, fc := range in {
		found := false
		for i := range d.Features {
			if string(d.Features[i].Name) == string(fc.Name) {
				d.Features[i].Status, found = fc.Status, true
			}
		}
		if !found {
			d.Features = append(d.Features, gdtypes.DetectorFeatureConfigurationResult{Name: gdtypes.DetectorFeatureResult(fc.Name), Status: fc.Status})
		}
	}
}

// UpdateDetector enables or disables a detector and changes the features
// named (others are kept).
func (f *GuardDuty) UpdateDetector(ctx context.Context, in *guardduty.UpdateDetectorInput, optFns ...func(*guardduty.Options)) (*guardduty.UpdateDetectorOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	d, err := f.regionOf(ctx, optFns).detector(in.DetectorId)
	if err != nil {
		return nil, err
	}
	if in.Enable != nil {
		d.Status = gdtypes.DetectorStatusDisabled
		if *in.Enable {
			d.Status = gdtypes.DetectorStatusEnabled
		}
	}
	applyFeatures(d, in.Features)
	return &guardduty.UpdateDetectorOutput{}, nil
}

// ListFindings lists finding IDs, filtered by the criteria "severity"
// (Gte / GreaterThanOrEqual / Gt / GreaterThan) and "service.archived"
// (Eq / Equals "true" or "false"); other criteria are refused.
func (f *GuardDuty) ListFindings(ctx context.Context, in *guardduty.ListFindingsInput, optFns ...func(*guardduty.Options)) (*guardduty.ListFindingsOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	d, err := f.regionOf(ctx, optFns).detector(in.DetectorId)
	if err != nil {
		return nil, err
	}
	if m := aws.ToInt32(in.MaxResults); m < 0 || m > 50 {
		return nil, &gdtypes.BadRequestException{Message: aws.String("MaxResults must be between 1 and 50")}
	}
	var ids []string
	for _, fd := range d.Findings {
		ok := true
		if in.FindingCriteria != nil {
			for key, c := range in.FindingCriteria.Criterion {
				switch key {
				case "severity":
					min := -1.0
					switch {
					case c.GreaterThanOrEqual != nil:
						min = float64(*c.GreaterThanOrEqual)
					case c.Gte != nil:
						min = float64(*c.Gte)
					}
					if min >= 0 && fd.Severity < min {
						ok = false
					}
					if c.GreaterThan != nil && fd.Severity <= float64(*c.GreaterThan) || c.Gt != nil && fd.Severity <= float64(*c.Gt) {
						ok = false
					}
				case "service.archived":
					vals := append(append([]string{}, c.Eq...), c.Equals...)
					if len(vals) > 0 && vals[0] != strconv.FormatBool(fd.Archived) {
						ok = false
					}
				default:
					return nil, &gdtypes.BadRequestException{Message: aws.String("the fake does not filter on " + key)}
				}
			}
		}
		if ok {
			ids = append(ids, fd.ID)
		}
	}
	items, next, err := page(f.acct, ids, in.NextToken, aws.ToInt32(in.MaxResults))
	if err != nil {
		return nil, err
	}
	return &guardduty.ListFindingsOutput{FindingIds: append([]string{}, items...), NextToken: next}, nil
}
