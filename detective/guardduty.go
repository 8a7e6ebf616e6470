package detective

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	gdtypes "github.com/aws/aws-sdk-go-v2/service/guardduty/types"

	"github.com/secpillar/secpillar"
)

// IDs of the GuardDuty controls.
const (
	IDGuardDutyEnabled         = "detective.guardduty-enabled"
	IDGuardDutyProtectionPlans = "detective.guardduty-protection-plans"
	IDGuardDutyNoHighFindings  = "detective.guardduty-no-high-findings"
)

// GuardDutyDetectorResourceType is the resource type of detector findings.
const GuardDutyDetectorResourceType = "AWS::GuardDuty::Detector"

// GuardDutyAPI is the part of the GuardDuty API that CheckGuardDutyEnabled
// and CheckGuardDutyProtectionPlans call. *guardduty.Client satisfies it.
type GuardDutyAPI interface {
	ListDetectors(ctx context.Context, in *guardduty.ListDetectorsInput, optFns ...func(*guardduty.Options)) (*guardduty.ListDetectorsOutput, error)
	GetDetector(ctx context.Context, in *guardduty.GetDetectorInput, optFns ...func(*guardduty.Options)) (*guardduty.GetDetectorOutput, error)
}

var _ GuardDutyAPI = (*guardduty.Client)(nil)

// GuardDutyFindingsAPI is the part of the GuardDuty API that
// CheckGuardDutyNoHighFindings calls. *guardduty.Client satisfies it.
type GuardDutyFindingsAPI interface {
	ListDetectors(ctx context.Context, in *guardduty.ListDetectorsInput, optFns ...func(*guardduty.Options)) (*guardduty.ListDetectorsOutput, error)
	ListFindings(ctx context.Context, in *guardduty.ListFindingsInput, optFns ...func(*guardduty.Options)) (*guardduty.ListFindingsOutput, error)
}

var _ GuardDutyFindingsAPI = (*guardduty.Client)(nil)

// GuardDutyRemediationAPI is the part of the GuardDuty API that the
// GuardDuty remediations call. *guardduty.Client satisfies it.
type GuardDutyRemediationAPI interface {
	GuardDutyAPI
	CreateDetector(ctx context.Context, in *guardduty.CreateDetectorInput, optFns ...func(*guardduty.Options)) (*guardduty.CreateDetectorOutput, error)
	UpdateDetector(ctx context.Context, in *guardduty.UpdateDetectorInput, optFns ...func(*guardduty.Options)) (*guardduty.UpdateDetectorOutput, error)
}

var _ GuardDutyRemediationAPI = (*guardduty.Client)(nil)

func detectorIDs(ctx context.Context, api interface {
	ListDetectors(ctx context.Context, in *guardduty.ListDetectorsInput, optFns ...func(*guardduty.Options)) (*guardduty.ListDetectorsOutput, error)
}) ([]string, error) {
	var ids []string
	p := guardduty.NewListDetectorsPaginator(api, &guardduty.ListDetectorsInput{})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("detective: list GuardDuty detectors: %w", err)
		}
		ids = append(ids, out.DetectorIds...)
	}
	return ids, nil
}

type detector struct {
	ID  string
	Out *guardduty.GetDetectorOutput
}

func readDetector(ctx context.Context, api GuardDutyAPI) (*detector, error) {
	ids, err := detectorIDs(ctx, api)
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	out, err := api.GetDetector(ctx, &guardduty.GetDetectorInput{DetectorId: aws.String(ids[0])})
	if err != nil {
		return nil, fmt.Errorf("detective: get GuardDuty detector %s: %w", ids[0], err)
	}
	switch out.Status {
	case gdtypes.DetectorStatusEnabled, gdtypes.DetectorStatusDisabled:
	default:
		return nil, fmt.Errorf("detective: GuardDuty detector %s: unknown status %q", ids[0], out.Status)
	}
	return &detector{ID: ids[0], Out: out}, nil
}

func detectorResource(region, id string) secpillar.Resource {
	if id == "" {
		r := secpillar.AccountResource("")
		r.Region = region
		return r
	}
	return secpillar.Resource{Type: GuardDutyDetectorResourceType, ID: id, Region: region}
}

func needRegion(region string) error {
	if region == "" {
		return errors.New("detective: region is empty: name the Region the client calls")
	}
	return nil
}

// CheckGuardDutyEnabled reports whether region (the client's Region) has
// an enabled GuardDuty detector (GuardDuty.1).
func CheckGuardDutyEnabled(ctx context.Context, api GuardDutyAPI, region string) (secpillar.Finding, error) {
	if err := needRegion(region); err != nil {
		return secpillar.Finding{}, err
	}
	d, err := readDetector(ctx, api)
	if err != nil {
		return secpillar.Finding{}, err
	}
	f := secpillar.Finding{Control: IDGuardDutyEnabled, Severity: secpillar.SeverityHigh}
	switch {
	case d == nil:
		f.Resource, f.Status = detectorResource(region, ""), secpillar.StatusFail
		f.Reason = fmt.Sprintf("GuardDuty has no detector in %s: enable it so threats there are detected.", region)
	case d.Out.Status != gdtypes.DetectorStatusEnabled:
		f.Resource, f.Status = detectorResource(region, d.ID), secpillar.StatusFail
		f.Reason = fmt.Sprintf("GuardDuty detector %s in %s is suspended: enable it.", d.ID, region)
	default:
		f.Resource, f.Status = detectorResource(region, d.ID), secpillar.StatusPass
		f.Reason = fmt.Sprintf("GuardDuty detector %s is enabled in %s.", d.ID, region)
	}
	f.Evidence = map[string]string{"region": region}
	if d != nil {
		f.Evidence["detector_id"], f.Evidence["status"] = d.ID, string(d.Out.Status)
	}
	return f, nil
}

// DefaultGuardDutyPlans are the protection plans
// CheckGuardDutyProtectionPlans requires by default: S3, EKS audit logs,
// RDS login events, Lambda network logs, EBS malware protection and
// runtime monitoring (GuardDuty.5-13).
var DefaultGuardDutyPlans = []gdtypes.DetectorFeature{
	gdtypes.DetectorFeatureS3DataEvents, gdtypes.DetectorFeatureEksAuditLogs, gdtypes.DetectorFeatureRdsLoginEvents,
	gdtypes.DetectorFeatureLambdaNetworkLogs, gdtypes.DetectorFeatureEbsMalwareProtection, gdtypes.DetectorFeatureRuntimeMonitoring,
}

// ProtectionPlansOptions tunes CheckGuardDutyProtectionPlans.
type ProtectionPlansOptions struct {
	// Plans replaces DefaultGuardDutyPlans when not empty.
	Plans []gdtypes.DetectorFeature
}

func (o ProtectionPlansOptions) plans() []gdtypes.DetectorFeature {
	if len(o.Plans) > 0 {
		return o.Plans
	}
	return DefaultGuardDutyPlans
}

// missingPlans lists the required plans that are not ENABLED;
// EKS_RUNTIME_MONITORING counts for RUNTIME_MONITORING on older detectors.
func missingPlans(out *guardduty.GetDetectorOutput, want []gdtypes.DetectorFeature) ([]gdtypes.DetectorFeature, error) {
	status := map[string]gdtypes.FeatureStatus{}
	for _, f := range out.Features {
		switch f.Status {
		case gdtypes.FeatureStatusEnabled, gdtypes.FeatureStatusDisabled:
		default:
			return nil, fmt.Errorf("feature %s: unknown status %q", f.Name, f.Status)
		}
		status[string(f.Name)] = f.Status
	}
	var missing []gdtypes.DetectorFeature
	for _, w := range want {
		st := status[string(w)]
		if w == gdtypes.DetectorFeatureRuntimeMonitoring && status[string(gdtypes.DetectorFeatureEksRuntimeMonitoring)] == gdtypes.FeatureStatusEnabled && st == "" {
			st = gdtypes.FeatureStatusEnabled
		}
		if st != gdtypes.FeatureStatusEnabled {
			missing = append(missing, w)
		}
	}
	return missing, nil
}

// CheckGuardDutyProtectionPlans reports whether the detector in region has
// every protection plan on, feature by feature (GuardDuty.5-13).
func CheckGuardDutyProtectionPlans(ctx context.Context, api GuardDutyAPI, region string, optFns ...func(*ProtectionPlansOptions)) (secpillar.Finding, error) {
	var opts ProtectionPlansOptions
	for _, fn := range optFns {
		fn(&opts)
	}
	if err := needRegion(region); err != nil {
		return secpillar.Finding{}, err
	}
	d, err := readDetector(ctx, api)
	if err != nil {
		return secpillar.Finding{}, err
	}
	f := secpillar.Finding{Control: IDGuardDutyProtectionPlans, Severity: secpillar.SeverityMedium, Evidence: map[string]string{"region": region}}
	if d == nil {
		f.Resource, f.Status = detectorResource(region, ""), secpillar.StatusFail
		f.Reason = fmt.Sprintf("GuardDuty has no detector in %s, so no protection plan is on.", region)
		return f, nil
	}
	f.Resource = detectorResource(region, d.ID)
	missing, err := missingPlans(d.Out, opts.plans())
	if err != nil {
		return secpillar.Finding{}, fmt.Errorf("detective: GuardDuty detector %s: %w", d.ID, err)
	}
	for _, p := range opts.plans() {
		f.Evidence[strings.ToLower(string(p))] = boolString(!slices.Contains(missing, p))
	}
	if len(missing) == 0 && d.Out.Status == gdtypes.DetectorStatusEnabled {
		f.Status = secpillar.StatusPass
		f.Reason = fmt.Sprintf("GuardDuty detector %s in %s has every required protection plan on.", d.ID, region)
		return f, nil
	}
	f.Status = secpillar.StatusFail
	names := make([]string, len(missing))
	for i, m := range missing {
		names[i] = string(m)
	}
	sort.Strings(names)
	f.Reason = fmt.Sprintf("GuardDuty detector %s in %s lacks protection plans: %s.", d.ID, region, strings.Join(names, ", "))
	if d.Out.Status != gdtypes.DetectorStatusEnabled {
		f.Reason = fmt.Sprintf("GuardDuty detector %s in %s is suspended, so its plans protect nothing.", d.ID, region)
	}
	return f, nil
}

// HighSeverity is the lowest severity CheckGuardDutyNoHighFindings counts.
const HighSeverity = 7

// CheckGuardDutyNoHighFindings reports whether the detector in region has
// no unarchived finding of severity 7 or more; the count is in the
// evidence. Without a detector the control is NOT_APPLICABLE (see
// detective.guardduty-enabled).
func CheckGuardDutyNoHighFindings(ctx context.Context, api GuardDutyFindingsAPI, region string) (secpillar.Finding, error) {
	if err := needRegion(region); err != nil {
		return secpillar.Finding{}, err
	}
	ids, err := detectorIDs(ctx, api)
	if err != nil {
		return secpillar.Finding{}, err
	}
	f := secpillar.Finding{Control: IDGuardDutyNoHighFindings, Severity: secpillar.SeverityHigh, Evidence: map[string]string{"region": region}}
	if len(ids) == 0 {
		f.Resource, f.Status = detectorResource(region, ""), secpillar.StatusNotApplicable
		f.Reason = fmt.Sprintf("GuardDuty has no detector in %s, so there are no findings to review.", region)
		return f, nil
	}
	f.Resource = detectorResource(region, ids[0])
	n := 0
	p := guardduty.NewListFindingsPaginator(api, &guardduty.ListFindingsInput{
		DetectorId: aws.String(ids[0]),
		FindingCriteria: &gdtypes.FindingCriteria{Criterion: map[string]gdtypes.Condition{
			"severity":         {GreaterThanOrEqual: aws.Int64(HighSeverity)},
			"service.archived": {Equals: []string{"false"}},
		}},
	})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return secpillar.Finding{}, fmt.Errorf("detective: list GuardDuty findings of %s: %w", ids[0], err)
		}
		n += len(out.FindingIds)
	}
	f.Evidence["high_findings"] = fmt.Sprint(n)
	if n == 0 {
		f.Status = secpillar.StatusPass
		f.Reason = fmt.Sprintf("GuardDuty in %s has no unarchived finding of severity %d or more.", region, HighSeverity)
		return f, nil
	}
	f.Status = secpillar.StatusFail
	f.Reason = fmt.Sprintf("GuardDuty in %s has %d unarchived finding(s) of severity %d or more: investigate, then archive them.", region, n, HighSeverity)
	return f, nil
}

// RemediateGuardDutyEnabled enables GuardDuty in the client's Region:
// it creates a detector (with every plan GuardDuty turns on by default)
// or resumes a suspended one.
func RemediateGuardDutyEnabled(ctx context.Context, api GuardDutyRemediationAPI, optFns ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
	opts := secpillar.NewRemediateOptions(optFns...)
	fresh := secpillar.FreshReads(ctx)
	d, err := readDetector(fresh, api)
	if err != nil {
		return secpillar.Remediation{}, err
	}
	rem := secpillar.Remediation{Control: IDGuardDutyEnabled, Resource: secpillar.Resource{Type: GuardDutyDetectorResourceType}}
	if d != nil {
		rem.Resource.ID = d.ID
		if d.Out.Status == gdtypes.DetectorStatusEnabled {
			rem.Outcome = secpillar.OutcomeCompliant
			return rem, nil
		}
		rem.Changes = []secpillar.Change{{Resource: rem.Resource, Action: "guardduty:UpdateDetector", Field: "Status", Before: string(d.Out.Status), After: "ENABLED"}}
		rem.Undo = "Call guardduty:UpdateDetector with Enable=false to suspend it again."
	} else {
		rem.Changes = []secpillar.Change{{Resource: rem.Resource, Action: "guardduty:CreateDetector", Field: "Detector", Before: "absent", After: "ENABLED"}}
		rem.Undo = "Suspend the detector with guardduty:UpdateDetector Enable=false (deleting it discards its findings)."
	}
	rem.Notes = []string{"GuardDuty is charged by volume analysed; a 30-day free trial applies to new detectors."}
	if opts.DryRun {
		rem.Outcome = secpillar.OutcomePlanned
		return rem, nil
	}
	if d != nil {
		if _, err := api.UpdateDetector(ctx, &guardduty.UpdateDetectorInput{DetectorId: aws.String(d.ID), Enable: aws.Bool(true)}); err != nil {
			return rem, fmt.Errorf("detective: enable GuardDuty detector %s: %w", d.ID, err)
		}
	} else {
		out, err := api.CreateDetector(ctx, &guardduty.CreateDetectorInput{Enable: aws.Bool(true)})
		if err != nil {
			return rem, fmt.Errorf("detective: create GuardDuty detector: %w", err)
		}
		rem.Resource.ID = aws.ToString(out.DetectorId)
		for i := range rem.Changes {
			rem.Changes[i].Resource.ID = rem.Resource.ID
		}
	}
	after, err := readDetector(fresh, api)
	if err != nil {
		return rem, fmt.Errorf("detective: verify GuardDuty: %w", err)
	}
	rem.Outcome = secpillar.OutcomeVerifyPending
	if after != nil && after.Out.Status == gdtypes.DetectorStatusEnabled {
		rem.Outcome = secpillar.OutcomeChanged
	}
	return rem, nil
}

// RemediateGuardDutyProtectionPlans turns on, in the client's Region's
// detector, each required plan that is off, and only those (UpdateDetector
// is sent with those features only). It needs a detector: see
// RemediateGuardDutyEnabled.
func RemediateGuardDutyProtectionPlans(ctx context.Context, api GuardDutyRemediationAPI, optFns ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
	return remediatePlans(ctx, api, ProtectionPlansOptions{}, optFns)
}

func remediatePlans(ctx context.Context, api GuardDutyRemediationAPI, po ProtectionPlansOptions, optFns []func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
	opts := secpillar.NewRemediateOptions(optFns...)
	fresh := secpillar.FreshReads(ctx)
	d, err := readDetector(fresh, api)
	if err != nil {
		return secpillar.Remediation{}, err
	}
	rem := secpillar.Remediation{Control: IDGuardDutyProtectionPlans, Resource: secpillar.Resource{Type: GuardDutyDetectorResourceType}}
	if d == nil {
		return rem, errors.New("detective: GuardDuty has no detector in this Region: enable it first (RemediateGuardDutyEnabled)")
	}
	rem.Resource.ID = d.ID
	missing, err := missingPlans(d.Out, po.plans())
	if err != nil {
		return rem, fmt.Errorf("detective: GuardDuty detector %s: %w", d.ID, err)
	}
	if len(missing) == 0 {
		rem.Outcome = secpillar.OutcomeCompliant
		return rem, nil
	}
	var feats []gdtypes.DetectorFeatureConfiguration
	for _, m := range missing {
		feats = append(feats, gdtypes.DetectorFeatureConfiguration{Name: m, Status: gdtypes.FeatureStatusEnabled})
		rem.Changes = append(rem.Changes, secpillar.Change{Resource: rem.Resource, Action: "guardduty:UpdateDetector", Field: string(m), Before: "DISABLED", After: "ENABLED"})
	}
	rem.Undo = "Call guardduty:UpdateDetector with the listed features set to DISABLED."
	rem.Notes = []string{"Each protection plan is charged separately by usage."}
	if opts.DryRun {
		rem.Outcome = secpillar.OutcomePlanned
		return rem, nil
	}
	if _, err := api.UpdateDetector(ctx, &guardduty.UpdateDetectorInput{DetectorId: aws.String(d.ID), Features: feats}); err != nil {
		return rem, fmt.Errorf("detective: enable GuardDuty plans on %s: %w", d.ID, err)
	}
	after, err := readDetector(fresh, api)
	if err != nil || after == nil {
		return rem, fmt.Errorf("detective: verify GuardDuty plans: %w", err)
	}
	rem.Outcome = secpillar.OutcomeVerifyPending
	if left, err := missingPlans(after.Out, po.plans()); err == nil && len(left) == 0 {
		rem.Outcome = secpillar.OutcomeChanged
	}
	return rem, nil
}
