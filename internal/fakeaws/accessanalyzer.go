package fakeaws

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer"
	aatypes "github.com/aws/aws-sdk-go-v2/service/accessanalyzer/types"
)

// AccessAnalyzer fakes IAM Access Analyzer, per Region.
type AccessAnalyzer struct {
	acct    *Account
	regions map[string]*AccessAnalyzerRegion
}

// AccessAnalyzerRegion is the Access Analyzer state of one Region.
type AccessAnalyzerRegion struct {
	Analyzers []aatypes.AnalyzerSummary
}

// Region returns the state of one Region, creating it empty. The caller
// must not use it concurrently with calls to the fake.
func (f *AccessAnalyzer) Region(name string) *AccessAnalyzerRegion {
	if f.regions == nil {
		f.regions = map[string]*AccessAnalyzerRegion{}
	}
	r := f.regions[name]
	if r == nil {
		r = &AccessAnalyzerRegion{}
		f.regions[name] = r
	}
	return r
}

func (f *AccessAnalyzer) regionOf(ctx context.Context, optFns []func(*accessanalyzer.Options)) (*AccessAnalyzerRegion, string) {
	var o accessanalyzer.Options
	for _, fn := range optFns {
		fn(&o)
	}
	name := f.acct.region(ctx, o.Region)
	return f.Region(name), name
}

// AddAnalyzer adds an analyzer of the given type and status in a Region.
func (f *AccessAnalyzer) AddAnalyzer(region, name string, typ aatypes.Type, status aatypes.AnalyzerStatus, created time.Time) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	c := created.UTC()
	r := f.Region(region)
	r.Analyzers = append(r.Analyzers, aatypes.AnalyzerSummary{
		Arn:  aws.String("arn:aws:access-analyzer:" + region + ":" + f.acct.ID + ":analyzer/" + name),
		Name: aws.String(name), Type: typ, Status: status, CreatedAt: &c,
	})
}

// ListAnalyzers lists the Region's analyzers, optionally of one type.
func (f *AccessAnalyzer) ListAnalyzers(ctx context.Context, in *accessanalyzer.ListAnalyzersInput, optFns ...func(*accessanalyzer.Options)) (*accessanalyzer.ListAnalyzersOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	r, _ := f.regionOf(ctx, optFns)
	var all []aatypes.AnalyzerSummary
	for _, a := range r.Analyzers {
		if in.Type != "" && a.Type != in.Type {
			continue
		}
		a.CreatedAt = copyPtr(a.CreatedAt)
		all = append(all, a)
	}
	items, next, err := page(f.acct, all, in.NextToken, aws.ToInt32(in.MaxResults))
	if err != nil {
		return nil, err
	}
	return &accessanalyzer.ListAnalyzersOutput{Analyzers: items, NextToken: next}, nil
}

// CreateAnalyzer creates an analyzer in the Region; it is ACTIVE at once.
func (f *AccessAnalyzer) CreateAnalyzer(ctx context.Context, in *accessanalyzer.CreateAnalyzerInput, optFns ...func(*accessanalyzer.Options)) (*accessanalyzer.CreateAnalyzerOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	r, region := f.regionOf(ctx, optFns)
	name := aws.ToString(in.AnalyzerName)
	if name == "" {
		return nil, &aatypes.ValidationException{Message: aws.String("analyzerName is required"), Reason: aatypes.ValidationExceptionReasonFieldValidationFailed}
	}
	switch in.Type {
	case aatypes.TypeAccount, aatypes.TypeOrganization, aatypes.TypeAccountUnusedAccess, aatypes.TypeOrganizationUnusedAccess:
	default:
		return nil, &aatypes.ValidationException{Message: aws.String("invalid analyzer type " + string(in.Type)), Reason: aatypes.ValidationExceptionReasonFieldValidationFailed}
	}
	for _, a := range r.Analyzers {
		if aws.ToString(a.Name) == name {
			return nil, &aatypes.ConflictException{Message: aws.String("Analyzer " + name + " already exists"), ResourceId: aws.String(name), ResourceType: aws.String("Analyzer")}
		}
	}
	if in.Type == aatypes.TypeAccount || in.Type == aatypes.TypeAccountUnusedAccess {
		for _, a := range r.Analyzers {
			if a.Type == in.Type {
				return nil, &aatypes.ServiceQuotaExceededException{Message: aws.String("only one analyzer of this type per account and Region"), ResourceId: aws.String(name), ResourceType: aws.String("Analyzer")}
			}
		}
	}
	now := f.acct.now()
	arn := "arn:aws:access-analyzer:" + region + ":" + f.acct.ID + ":analyzer/" + name
	tags := map[string]string{}
	for k, v := range in.Tags {
		tags[k] = v
	}
	r.Analyzers = append(r.Analyzers, aatypes.AnalyzerSummary{Arn: aws.String(arn), Name: aws.String(name), Type: in.Type, Status: aatypes.AnalyzerStatusActive, CreatedAt: &now, Tags: tags})
	return &accessanalyzer.CreateAnalyzerOutput{Arn: aws.String(arn)}, nil
}
