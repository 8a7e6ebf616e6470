package fakeaws

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	shtypes "github.com/aws/aws-sdk-go-v2/service/securityhub/types"
)

// SecurityHub fakes AWS Security Hub, per Region: whether it is enabled,
// and the findings BatchImportFindings stored, with the API's limits.
type SecurityHub struct {
	acct    *Account
	regions map[string]*SecurityHubRegion
}

// SecurityHubRegion is the Security Hub state of one Region.
type SecurityHubRegion struct {
	Enabled      bool
	SubscribedAt string
	Findings     []shtypes.AwsSecurityFinding
}

// Limits of BatchImportFindings and the ASFF fields the fake enforces.
const (
	SecurityHubMaxBatch       = 100
	SecurityHubMaxTitle       = 256
	SecurityHubMaxDescription = 1024
	SecurityHubMaxID          = 512
	SecurityHubMaxResources   = 32
	SecurityHubMaxTypes       = 50
	SecurityHubMaxProductKeys = 50
)

// Region returns the state of one Region, creating it empty. The caller
// must not use it concurrently with calls to the fake.
func (f *SecurityHub) Region(name string) *SecurityHubRegion {
	if f.regions == nil {
		f.regions = map[string]*SecurityHubRegion{}
	}
	r := f.regions[name]
	if r == nil {
		r = &SecurityHubRegion{}
		f.regions[name] = r
	}
	return r
}

func (f *SecurityHub) regionOf(ctx context.Context, optFns []func(*securityhub.Options)) (string, *SecurityHubRegion) {
	var o securityhub.Options
	for _, fn := range optFns {
		fn(&o)
	}
	name := f.acct.region(ctx, o.Region)
	return name, f.Region(name)
}

func notSubscribed(region, acct string) error {
	return &shtypes.InvalidAccessException{Message: aws.String("Account " + acct + " is not subscribed to AWS Security Hub in " + region)}
}

// DescribeHub describes the hub, or fails with InvalidAccessException
// when Security Hub is not enabled, as AWS does.
func (f *SecurityHub) DescribeHub(ctx context.Context, in *securityhub.DescribeHubInput, optFns ...func(*securityhub.Options)) (*securityhub.DescribeHubOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	region, r := f.regionOf(ctx, optFns)
	if !r.Enabled {
		return nil, notSubscribed(region, f.acct.ID)
	}
	return &securityhub.DescribeHubOutput{HubArn: aws.String("arn:aws:securityhub:" + region + ":" + f.acct.ID + ":hub/default"),
		SubscribedAt: aws.String(r.SubscribedAt), AutoEnableControls: aws.Bool(true), ControlFindingGenerator: shtypes.ControlFindingGeneratorSecurityControl}, nil
}

// EnableSecurityHub turns Security Hub on; it is refused when it already
// is (ResourceConflictException).
func (f *SecurityHub) EnableSecurityHub(ctx context.Context, in *securityhub.EnableSecurityHubInput, optFns ...func(*securityhub.Options)) (*securityhub.EnableSecurityHubOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	_, r := f.regionOf(ctx, optFns)
	if r.Enabled {
		return nil, &shtypes.ResourceConflictException{Message: aws.String("Account " + f.acct.ID + " is already subscribed to Security Hub")}
	}
	r.Enabled, r.SubscribedAt = true, f.acct.now().Format("2006-01-02T15:04:05.000Z")
	return &securityhub.EnableSecurityHubOutput{}, nil
}

// validateFinding checks what BatchImportFindings checks per finding.
func validateFinding(region, acct string, x shtypes.AwsSecurityFinding) string {
	req := map[string]*string{"SchemaVersion": x.SchemaVersion, "Id": x.Id, "ProductArn": x.ProductArn, "GeneratorId": x.GeneratorId,
		"AwsAccountId": x.AwsAccountId, "CreatedAt": x.CreatedAt, "UpdatedAt": x.UpdatedAt, "Title": x.Title, "Description": x.Description}
	for _, k := range []string{"SchemaVersion", "Id", "ProductArn", "GeneratorId", "AwsAccountId", "CreatedAt", "UpdatedAt", "Title", "Description"} {
		if aws.ToString(req[k]) == "" {
			return k + " is required"
		}
	}
	long := func(name string, s *string, max int) string {
		if n := utf8.RuneCountInString(aws.ToString(s)); n > max {
			return fmt.Sprintf("%s is %d characters, more than %d", name, n, max)
		}
		return ""
	}
	for _, m := range []string{long("Title", x.Title, SecurityHubMaxTitle), long("Description", x.Description, SecurityHubMaxDescription),
		long("Id", x.Id, SecurityHubMaxID), long("GeneratorId", x.GeneratorId, SecurityHubMaxID)} {
		if m != "" {
			return m
		}
	}
	if aws.ToString(x.AwsAccountId) != acct {
		return "AwsAccountId " + aws.ToString(x.AwsAccountId) + " is not the calling account"
	}
	if !strings.HasPrefix(aws.ToString(x.ProductArn), "arn:aws:securityhub:"+region+":") {
		return "ProductArn " + aws.ToString(x.ProductArn) + " is not in " + region
	}
	if x.Severity == nil || x.Severity.Label == "" {
		return "Severity.Label is required"
	}
	if len(x.Types) == 0 || len(x.Types) > SecurityHubMaxTypes {
		return fmt.Sprintf("Types must hold 1 to %d values", SecurityHubMaxTypes)
	}
	if len(x.Resources) == 0 || len(x.Resources) > SecurityHubMaxResources {
		return fmt.Sprintf("Resources must hold 1 to %d resources", SecurityHubMaxResources)
	}
	for _, r := range x.Resources {
		if aws.ToString(r.Id) == "" || aws.ToString(r.Type) == "" {
			return "Resources[].Id and Type are required"
		}
		if m := long("Resources[].Id", r.Id, SecurityHubMaxID); m != "" {
			return m
		}
	}
	if len(x.ProductFields) > SecurityHubMaxProductKeys {
		return fmt.Sprintf("ProductFields has %d keys, more than %d", len(x.ProductFields), SecurityHubMaxProductKeys)
	}
	for k, v := range x.ProductFields {
		if utf8.RuneCountInString(k) > 128 || utf8.RuneCountInString(v) > 2048 {
			return "ProductFields key " + k + " or its value is too long"
		}
	}
	return ""
}

// BatchImportFindings stores up to 100 findings; invalid ones are listed
// in FailedFindings and the rest imported. A finding with the Id and
// ProductArn of a stored one replaces it.
func (f *SecurityHub) BatchImportFindings(ctx context.Context, in *securityhub.BatchImportFindingsInput, optFns ...func(*securityhub.Options)) (*securityhub.BatchImportFindingsOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	region, r := f.regionOf(ctx, optFns)
	if !r.Enabled {
		return nil, notSubscribed(region, f.acct.ID)
	}
	if len(in.Findings) == 0 || len(in.Findings) > SecurityHubMaxBatch {
		return nil, &shtypes.InvalidInputException{Message: aws.String(fmt.Sprintf("Findings must hold 1 to %d findings, got %d", SecurityHubMaxBatch, len(in.Findings)))}
	}
	out := &securityhub.BatchImportFindingsOutput{}
	ok := int32(0)
	for _, x := range in.Findings {
		if msg := validateFinding(region, f.acct.ID, x); msg != "" {
			out.FailedFindings = append(out.FailedFindings, shtypes.ImportFindingsError{Id: x.Id, ErrorCode: aws.String("InvalidInput"), ErrorMessage: aws.String(msg)})
			continue
		}
		ok++
		replaced := false
		for i, old := range r.Findings {
			if aws.ToString(old.Id) == aws.ToString(x.Id) && aws.ToString(old.ProductArn) == aws.ToString(x.ProductArn) {
				r.Findings[i], replaced = x, true
			}
		}
		if !replaced {
			r.Findings = append(r.Findings, x)
		}
	}
	out.SuccessCount, out.FailedCount = aws.Int32(ok), aws.Int32(int32(len(out.FailedFindings)))
	return out, nil
}

// GetFindings returns stored findings, filtered by Id, GeneratorId or
// ProductArn (EQUALS or PREFIX), paginated (MaxResults at most 100).
func (f *SecurityHub) GetFindings(ctx context.Context, in *securityhub.GetFindingsInput, optFns ...func(*securityhub.Options)) (*securityhub.GetFindingsOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	region, r := f.regionOf(ctx, optFns)
	if !r.Enabled {
		return nil, notSubscribed(region, f.acct.ID)
	}
	if m := aws.ToInt32(in.MaxResults); m < 0 || m > 100 {
		return nil, &shtypes.InvalidInputException{Message: aws.String("MaxResults must be between 1 and 100")}
	}
	match := func(v *string, filters []shtypes.StringFilter) bool {
		for _, fl := range filters {
			switch fl.Comparison {
			case shtypes.StringFilterComparisonEquals:
				if aws.ToString(v) != aws.ToString(fl.Value) {
					return false
				}
			case shtypes.StringFilterComparisonPrefix:
				if !strings.HasPrefix(aws.ToString(v), aws.ToString(fl.Value)) {
					return false
				}
			default:
				return false
			}
		}
		return true
	}
	var all []shtypes.AwsSecurityFinding
	for _, x := range r.Findings {
		if fl := in.Filters; fl != nil && (!match(x.Id, fl.Id) || !match(x.GeneratorId, fl.GeneratorId) || !match(x.ProductArn, fl.ProductArn)) {
			continue
		}
		all = append(all, x)
	}
	items, next, err := page(f.acct, all, in.NextToken, aws.ToInt32(in.MaxResults))
	if err != nil {
		return nil, err
	}
	return &securityhub.GetFindingsOutput{Findings: items, NextToken: next}, nil
}
