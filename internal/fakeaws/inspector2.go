package fakeaws

import (
	"context"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/inspector2"
	inspectortypes "github.com/aws/aws-sdk-go-v2/service/inspector2/types"
)

// Inspector2 fakes Amazon Inspector, per Region.
type Inspector2 struct {
	acct    *Account
	regions map[string]*InspectorRegion
}

// InspectorRegion is the Inspector state of one Region: the scan types
// enabled for the account ("EC2", "ECR", "LAMBDA", "LAMBDA_CODE") and the
// findings.
type InspectorRegion struct {
	Enabled  map[inspectortypes.ResourceScanType]bool
	Findings []inspectortypes.Finding
}

// Region returns the state of one Region, creating it empty.
func (f *Inspector2) Region(name string) *InspectorRegion {
	if f.regions == nil {
		f.regions = map[string]*InspectorRegion{}
	}
	r := f.regions[name]
	if r == nil {
		r = &InspectorRegion{Enabled: map[inspectortypes.ResourceScanType]bool{}}
		f.regions[name] = r
	}
	return r
}

func (f *Inspector2) regionOfCall(ctx context.Context, optFns []func(*inspector2.Options)) *InspectorRegion {
	var o inspector2.Options
	for _, fn := range optFns {
		fn(&o)
	}
	return f.Region(f.acct.region(ctx, o.Region))
}

func inspectorState(on bool) *inspectortypes.State {
	if on {
		return &inspectortypes.State{Status: inspectortypes.StatusEnabled}
	}
	return &inspectortypes.State{Status: inspectortypes.StatusDisabled}
}

// BatchGetAccountStatus returns the scan status of the caller's account
// (other account IDs come back in FailedAccounts).
func (f *Inspector2) BatchGetAccountStatus(ctx context.Context, in *inspector2.BatchGetAccountStatusInput, optFns ...func(*inspector2.Options)) (*inspector2.BatchGetAccountStatusOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	r := f.regionOfCall(ctx, optFns)
	out := &inspector2.BatchGetAccountStatusOutput{}
	ids := in.AccountIds
	if len(ids) == 0 {
		ids = []string{f.acct.ID}
	}
	for _, id := range ids {
		if id != f.acct.ID {
			out.FailedAccounts = append(out.FailedAccounts, inspectortypes.FailedAccount{AccountId: aws.String(id), ErrorCode: inspectortypes.ErrorCodeAccessDenied, ErrorMessage: aws.String("not a member")})
			continue
		}
		any := false
		for _, on := range r.Enabled {
			any = any || on
		}
		out.Accounts = append(out.Accounts, inspectortypes.AccountState{AccountId: aws.String(id), State: inspectorState(any), ResourceState: &inspectortypes.ResourceState{
			Ec2: inspectorState(r.Enabled[inspectortypes.ResourceScanTypeEc2]), Ecr: inspectorState(r.Enabled[inspectortypes.ResourceScanTypeEcr]),
			Lambda: inspectorState(r.Enabled[inspectortypes.ResourceScanTypeLambda]), LambdaCode: inspectorState(r.Enabled[inspectortypes.ResourceScanTypeLambdaCode]),
			CodeRepository: inspectorState(r.Enabled[inspectortypes.ResourceScanTypeCodeRepository]),
		}})
	}
	return out, nil
}

// Enable turns on scan types for the caller's account. Lambda code
// scanning needs Lambda scanning, as in AWS.
func (f *Inspector2) Enable(ctx context.Context, in *inspector2.EnableInput, optFns ...func(*inspector2.Options)) (*inspector2.EnableOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	r := f.regionOfCall(ctx, optFns)
	if len(in.ResourceTypes) == 0 {
		return nil, &inspectortypes.ValidationException{Message: aws.String("resourceTypes is required")}
	}
	if slices.Contains(in.ResourceTypes, inspectortypes.ResourceScanTypeLambdaCode) && !slices.Contains(in.ResourceTypes, inspectortypes.ResourceScanTypeLambda) && !r.Enabled[inspectortypes.ResourceScanTypeLambda] {
		return nil, &inspectortypes.ValidationException{Message: aws.String("Lambda code scanning requires Lambda standard scanning")}
	}
	for _, id := range in.AccountIds {
		if id != f.acct.ID {
			return nil, &inspectortypes.AccessDeniedException{Message: aws.String("only the caller's account can be enabled here")}
		}
	}
	for _, t := range in.ResourceTypes {
		r.Enabled[t] = true
	}
	return &inspector2.EnableOutput{Accounts: []inspectortypes.Account{{AccountId: aws.String(f.acct.ID), Status: inspectortypes.StatusEnabled}}}, nil
}

// ListFindings lists findings, paginated, honouring EQUALS filters on
// severity, findingStatus and findingType.
func (f *Inspector2) ListFindings(ctx context.Context, in *inspector2.ListFindingsInput, optFns ...func(*inspector2.Options)) (*inspector2.ListFindingsOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	r := f.regionOfCall(ctx, optFns)
	match := func(filters []inspectortypes.StringFilter, v string) (bool, error) {
		if len(filters) == 0 {
			return true, nil
		}
		for _, fl := range filters {
			switch fl.Comparison {
			case inspectortypes.StringComparisonEquals:
				if aws.ToString(fl.Value) == v {
					return true, nil
				}
			case inspectortypes.StringComparisonNotEquals:
				if aws.ToString(fl.Value) != v {
					return true, nil
				}
			default:
				return false, &inspectortypes.ValidationException{Message: aws.String("this fake supports EQUALS and NOT_EQUALS only")}
			}
		}
		return false, nil
	}
	var all []inspectortypes.Finding
	for _, x := range r.Findings {
		ok := true
		if fc := in.FilterCriteria; fc != nil {
			for _, c := range []struct {
				fs []inspectortypes.StringFilter
				v  string
			}{{fc.Severity, string(x.Severity)}, {fc.FindingStatus, string(x.Status)}, {fc.FindingType, string(x.Type)}} {
				m, err := match(c.fs, c.v)
				if err != nil {
					return nil, err
				}
				ok = ok && m
			}
		}
		if ok {
			all = append(all, x)
		}
	}
	items, next, err := page(f.acct, all, in.NextToken, aws.ToInt32(in.MaxResults))
	if err != nil {
		return nil, err
	}
	return &inspector2.ListFindingsOutput{Findings: items, NextToken: next}, nil
}
