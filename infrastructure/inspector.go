package infrastructure

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/inspector2"
	inspectortypes "github.com/aws/aws-sdk-go-v2/service/inspector2/types"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/internal/pagetoken"
)

// The IDs of the Inspector controls.
const (
	ControlInspectorEnabled            = "infrastructure.inspector-enabled"
	ControlInspectorNoCriticalFindings = "infrastructure.inspector-no-critical-findings"
)

// DefaultInspectorScanTypes are the scan types CheckInspectorEnabled
// requires unless told otherwise (Inspector.1 to Inspector.4).
var DefaultInspectorScanTypes = []inspectortypes.ResourceScanType{
	inspectortypes.ResourceScanTypeEc2, inspectortypes.ResourceScanTypeEcr,
	inspectortypes.ResourceScanTypeLambda, inspectortypes.ResourceScanTypeLambdaCode,
}

// InspectorStatusAPI is the part of the Inspector API that
// CheckInspectorEnabled calls. *inspector2.Client satisfies it.
type InspectorStatusAPI interface {
	BatchGetAccountStatus(ctx context.Context, in *inspector2.BatchGetAccountStatusInput, optFns ...func(*inspector2.Options)) (*inspector2.BatchGetAccountStatusOutput, error)
}

var _ InspectorStatusAPI = (*inspector2.Client)(nil)

// InspectorEnableAPI is the part of the Inspector API that
// RemediateInspectorEnabled calls. *inspector2.Client satisfies it.
type InspectorEnableAPI interface {
	InspectorStatusAPI
	Enable(ctx context.Context, in *inspector2.EnableInput, optFns ...func(*inspector2.Options)) (*inspector2.EnableOutput, error)
}

var _ InspectorEnableAPI = (*inspector2.Client)(nil)

// InspectorFindingsAPI is the part of the Inspector API that
// CheckInspectorCriticalFindings calls. *inspector2.Client satisfies it.
type InspectorFindingsAPI interface {
	InspectorStatusAPI
	ListFindings(ctx context.Context, in *inspector2.ListFindingsInput, optFns ...func(*inspector2.Options)) (*inspector2.ListFindingsOutput, error)
}

var _ InspectorFindingsAPI = (*inspector2.Client)(nil)

// InspectorOptions configures CheckInspectorEnabled and
// RemediateInspectorEnabled.
type InspectorOptions struct {
	// ScanTypes replaces DefaultInspectorScanTypes when set.
	ScanTypes []inspectortypes.ResourceScanType
}

func (o InspectorOptions) scanTypes() []inspectortypes.ResourceScanType {
	if len(o.ScanTypes) == 0 {
		return DefaultInspectorScanTypes
	}
	return o.ScanTypes
}

// scanStates reads the caller account's scan status per type.
func scanStates(ctx context.Context, api InspectorStatusAPI) (map[inspectortypes.ResourceScanType]inspectortypes.Status, string, error) {
	out, err := api.BatchGetAccountStatus(ctx, &inspector2.BatchGetAccountStatusInput{})
	if err != nil {
		return nil, "", fmt.Errorf("infrastructure: read Inspector status: %w", err)
	}
	if len(out.Accounts) != 1 {
		msg := ""
		for _, fa := range out.FailedAccounts {
			msg += " " + string(fa.ErrorCode) + ": " + aws.ToString(fa.ErrorMessage)
		}
		return nil, "", fmt.Errorf("infrastructure: read Inspector status: got %d account states%s", len(out.Accounts), msg)
	}
	acct := out.Accounts[0]
	rs := acct.ResourceState
	if rs == nil {
		return nil, "", errors.New("infrastructure: read Inspector status: the answer has no ResourceState")
	}
	states := map[inspectortypes.ResourceScanType]*inspectortypes.State{
		inspectortypes.ResourceScanTypeEc2: rs.Ec2, inspectortypes.ResourceScanTypeEcr: rs.Ecr,
		inspectortypes.ResourceScanTypeLambda: rs.Lambda, inspectortypes.ResourceScanTypeLambdaCode: rs.LambdaCode,
		inspectortypes.ResourceScanTypeCodeRepository: rs.CodeRepository,
	}
	// Every answer reports EC2, ECR and Lambda scanning; without them the
	// state is unknown, not "not scanning". The newer types may be absent.
	for _, t := range []inspectortypes.ResourceScanType{inspectortypes.ResourceScanTypeEc2, inspectortypes.ResourceScanTypeEcr, inspectortypes.ResourceScanTypeLambda} {
		if states[t] == nil {
			return nil, "", fmt.Errorf("infrastructure: read Inspector status: the answer has no %s state", t)
		}
	}
	m := map[inspectortypes.ResourceScanType]inspectortypes.Status{}
	for t, s := range states {
		if s == nil {
			continue
		}
		switch s.Status {
		case inspectortypes.StatusEnabled, inspectortypes.StatusEnabling, inspectortypes.StatusDisabled, inspectortypes.StatusDisabling,
			inspectortypes.StatusSuspended, inspectortypes.StatusSuspending:
			m[t] = s.Status
		default:
			return nil, "", fmt.Errorf("infrastructure: read Inspector status: unknown %s status %q", t, s.Status)
		}
	}
	return m, aws.ToString(acct.AccountId), nil
}

// missingScans returns the wanted types that are not ENABLED, or an
// error naming a wanted type the answer does not report.
func missingScans(states map[inspectortypes.ResourceScanType]inspectortypes.Status, want []inspectortypes.ResourceScanType) ([]string, error) {
	var missing []string
	for _, t := range want {
		s, ok := states[t]
		if !ok {
			return nil, fmt.Errorf("infrastructure: read Inspector status: no state for scan type %s", t)
		}
		if s != inspectortypes.StatusEnabled {
			missing = append(missing, string(t)+" ("+string(s)+")")
		}
	}
	return missing, nil
}

// CheckInspectorEnabled reports whether Amazon Inspector scans EC2
// instances, ECR images, Lambda functions and Lambda code in the client's
// Region (or the scan types in ScanTypes).
func CheckInspectorEnabled(ctx context.Context, api InspectorStatusAPI, optFns ...func(*InspectorOptions)) (secpillar.Finding, error) {
	var o InspectorOptions
	for _, fn := range optFns {
		fn(&o)
	}
	want := o.scanTypes()
	states, acct, err := scanStates(ctx, api)
	if err != nil {
		return secpillar.Finding{}, err
	}
	missing, err := missingScans(states, want)
	if err != nil {
		return secpillar.Finding{}, err
	}
	f := secpillar.Finding{Control: ControlInspectorEnabled, Severity: secpillar.SeverityHigh, Resource: secpillar.AccountResource(acct), Evidence: map[string]string{}}
	for _, t := range want {
		f.Evidence[strings.ToLower(string(t))] = string(states[t])
	}
	if len(missing) == 0 {
		f.Status = secpillar.StatusPass
		f.Reason = "Inspector scans every required resource type in this Region."
	} else {
		f.Status = secpillar.StatusFail
		f.Reason = "Inspector does not scan " + strings.Join(missing, ", ") + " in this Region; enable those scan types."
	}
	return f, nil
}

// RemediateInspectorEnabled enables the scan types among scanTypes
// (DefaultInspectorScanTypes when empty) that are not enabled, and only
// those. Inspector is billed per scanned resource: Notes say so.
func RemediateInspectorEnabled(ctx context.Context, api InspectorEnableAPI, scanTypes []inspectortypes.ResourceScanType, optFns ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
	ro := secpillar.NewRemediateOptions(optFns...)
	want := InspectorOptions{ScanTypes: scanTypes}.scanTypes()
	states, acct, err := scanStates(ctx, api)
	if err != nil {
		return secpillar.Remediation{}, err
	}
	res := secpillar.AccountResource(acct)
	rem := secpillar.Remediation{Control: ControlInspectorEnabled, Resource: res}
	var enable []inspectortypes.ResourceScanType
	for _, t := range want {
		s, ok := states[t]
		if !ok {
			return rem, fmt.Errorf("infrastructure: read Inspector status: no state for scan type %s", t)
		}
		if s != inspectortypes.StatusEnabled && s != inspectortypes.StatusEnabling {
			enable = append(enable, t)
			rem.Changes = append(rem.Changes, secpillar.Change{Resource: res, Action: "inspector2:Enable", Field: string(t), Before: string(s), After: "ENABLED"})
		}
	}
	if len(enable) == 0 {
		rem.Outcome = secpillar.OutcomeCompliant
		for _, t := range want {
			if states[t] == inspectortypes.StatusEnabling {
				rem.Outcome = secpillar.OutcomeVerifyPending
			}
		}
		return rem, nil
	}
	names := make([]string, len(enable))
	for i, t := range enable {
		names[i] = string(t)
	}
	rem.Undo = "Disable the scan types " + strings.Join(names, ", ") + " with inspector2:Disable."
	rem.Notes = []string{"Inspector is billed per instance, image and function scanned."}
	if ro.DryRun {
		rem.Outcome = secpillar.OutcomePlanned
		return rem, nil
	}
	out, err := api.Enable(ctx, &inspector2.EnableInput{ResourceTypes: enable})
	if err != nil {
		return rem, fmt.Errorf("infrastructure: enable Inspector scans %s: %w", strings.Join(names, ", "), err)
	}
	for _, fa := range out.FailedAccounts {
		return rem, fmt.Errorf("infrastructure: enable Inspector scans: %s: %s", fa.ErrorCode, aws.ToString(fa.ErrorMessage))
	}
	states, _, err = scanStates(secpillar.FreshReads(ctx), api)
	if err != nil {
		return rem, fmt.Errorf("infrastructure: verify: %w", err)
	}
	rem.Outcome = secpillar.OutcomeChanged
	for _, t := range enable {
		if states[t] != inspectortypes.StatusEnabled {
			rem.Outcome = secpillar.OutcomeVerifyPending // ENABLING takes a few minutes
		}
	}
	return rem, nil
}

// CheckInspectorCriticalFindings reports whether Inspector has active
// findings of CRITICAL severity in the client's Region, with their count
// and the first few ARNs. When Inspector scans nothing there, the answer
// is NOT_APPLICABLE (see inspector-enabled): no findings does not mean no
// vulnerabilities.
func CheckInspectorCriticalFindings(ctx context.Context, api InspectorFindingsAPI) (secpillar.Finding, error) {
	states, acct, err := scanStates(ctx, api)
	if err != nil {
		return secpillar.Finding{}, err
	}
	f := secpillar.Finding{Control: ControlInspectorNoCriticalFindings, Severity: secpillar.SeverityCritical, Resource: secpillar.AccountResource(acct), Evidence: map[string]string{}}
	scanning := false
	for _, s := range states {
		scanning = scanning || s == inspectortypes.StatusEnabled
	}
	if !scanning {
		f.Status = secpillar.StatusNotApplicable
		f.Reason = "Inspector scans nothing in this Region, so it has no findings to report; enable it first."
		return f, nil
	}
	eq := func(v string) []inspectortypes.StringFilter {
		return []inspectortypes.StringFilter{{Comparison: inspectortypes.StringComparisonEquals, Value: aws.String(v)}}
	}
	in := &inspector2.ListFindingsInput{MaxResults: aws.Int32(100), FilterCriteria: &inspectortypes.FilterCriteria{
		Severity: eq(string(inspectortypes.SeverityCritical)), FindingStatus: eq(string(inspectortypes.FindingStatusActive)),
	}}
	count := 0
	var sample []string
	guard := pagetoken.New("infrastructure: list Inspector findings")
	p := inspector2.NewListFindingsPaginator(api, in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return secpillar.Finding{}, fmt.Errorf("infrastructure: list critical Inspector findings: %w", err)
		}
		for _, x := range page.Findings {
			switch x.Severity {
			case inspectortypes.SeverityCritical, inspectortypes.SeverityHigh, inspectortypes.SeverityMedium, inspectortypes.SeverityLow,
				inspectortypes.SeverityInformational, inspectortypes.SeverityUntriaged:
			default:
				return secpillar.Finding{}, fmt.Errorf("infrastructure: list critical Inspector findings: %s has an unknown severity %q", aws.ToString(x.FindingArn), x.Severity)
			}
			switch x.Status {
			case inspectortypes.FindingStatusActive, inspectortypes.FindingStatusSuppressed, inspectortypes.FindingStatusClosed:
			default:
				return secpillar.Finding{}, fmt.Errorf("infrastructure: list critical Inspector findings: %s has an unknown status %q", aws.ToString(x.FindingArn), x.Status)
			}
			if x.Severity != inspectortypes.SeverityCritical || x.Status != inspectortypes.FindingStatusActive {
				continue // the filter is the service's; do not trust it blindly
			}
			count++
			if len(sample) < 5 {
				sample = append(sample, aws.ToString(x.FindingArn))
			}
		}
		if err := guard.Check(false, page.NextToken); err != nil {
			return secpillar.Finding{}, err
		}
	}
	f.Evidence["critical_findings"] = strconv.Itoa(count)
	if count == 0 {
		f.Status = secpillar.StatusPass
		f.Reason = "Inspector has no active critical finding in this Region."
		return f, nil
	}
	f.Status = secpillar.StatusFail
	f.Reason = fmt.Sprintf("Inspector has %d active critical finding(s) in this Region; patch or remediate them.", count)
	f.Evidence["sample"] = strings.Join(sample, ",")
	return f, nil
}
