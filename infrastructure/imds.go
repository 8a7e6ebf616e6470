package infrastructure

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/internal/pagetoken"
)

// The IDs of the instance metadata controls.
const (
	ControlIMDSv2Required       = "infrastructure.imdsv2-required"
	ControlIMDSv2AccountDefault = "infrastructure.imdsv2-account-default"
	ControlLaunchTemplateIMDSv2 = "infrastructure.launch-template-imdsv2"
)

// LaunchTemplateResourceType is the resource type of launch template
// findings.
const LaunchTemplateResourceType = "AWS::EC2::LaunchTemplate"

const imdsv1Note = "Software that still uses IMDSv1 (no session token) loses access to instance metadata and role credentials; the instance's MetadataNoToken CloudWatch metric shows whether any does."

// ---- instances ------------------------------------------------------------

// InstanceIMDSRemediationAPI is the part of the EC2 API that
// RemediateInstanceIMDSv2 calls. *ec2.Client satisfies it.
type InstanceIMDSRemediationAPI interface {
	InstancesAPI
	ModifyInstanceMetadataOptions(ctx context.Context, in *ec2.ModifyInstanceMetadataOptionsInput, optFns ...func(*ec2.Options)) (*ec2.ModifyInstanceMetadataOptionsOutput, error)
}

var _ InstanceIMDSRemediationAPI = (*ec2.Client)(nil)

// imdsVerdict says whether instance metadata options require IMDSv2:
// required tokens, or the metadata endpoint turned off.
func imdsVerdict(id string, mo *ec2types.InstanceMetadataOptionsResponse) (bool, error) {
	if mo == nil {
		return false, fmt.Errorf("instance %s has no MetadataOptions", id)
	}
	if mo.HttpEndpoint == ec2types.InstanceMetadataEndpointStateDisabled {
		return true, nil
	}
	switch mo.HttpTokens {
	case ec2types.HttpTokensStateRequired:
		return true, nil
	case ec2types.HttpTokensStateOptional:
		return false, nil
	case "":
		return false, fmt.Errorf("instance %s has no MetadataOptions.HttpTokens", id)
	}
	return false, fmt.Errorf("instance %s has an unknown MetadataOptions.HttpTokens %q", id, mo.HttpTokens)
}

// CheckInstancesIMDSv2 reports, for every instance of the Region that is
// not terminated, whether it requires IMDSv2 session tokens (CIS 5.6,
// EC2.8). An instance whose metadata endpoint is disabled passes. region
// names the Region the client calls, for the ARNs.
func CheckInstancesIMDSv2(ctx context.Context, api InstancesAPI, region string) ([]secpillar.Finding, error) {
	insts, err := listInstances(ctx, api)
	if err != nil {
		return nil, err
	}
	out := make([]secpillar.Finding, 0, len(insts))
	for _, i := range insts {
		id := aws.ToString(i.inst.InstanceId)
		ok, err := imdsVerdict(id, i.inst.MetadataOptions)
		if err != nil {
			return nil, fmt.Errorf("infrastructure: %w", err)
		}
		mo := i.inst.MetadataOptions
		f := secpillar.Finding{Control: ControlIMDSv2Required, Severity: secpillar.SeverityHigh, Resource: i.resource(region),
			Evidence: map[string]string{"instance_id": id, "http_tokens": string(mo.HttpTokens), "http_endpoint": string(mo.HttpEndpoint)}}
		if ok {
			f.Status = secpillar.StatusPass
			f.Reason = fmt.Sprintf("Instance %s requires IMDSv2 (or has no metadata endpoint).", id)
		} else {
			f.Status = secpillar.StatusFail
			f.Reason = fmt.Sprintf("Instance %s accepts IMDSv1 requests; set HttpTokens to required.", id)
		}
		out = append(out, f)
	}
	return out, nil
}

// RemediateInstanceIMDSv2 sets HttpTokens to required on one instance
// (its ID or ARN),
// leaving every other metadata option as it is.
func RemediateInstanceIMDSv2(ctx context.Context, api InstanceIMDSRemediationAPI, instanceID string, optFns ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
	opts := secpillar.NewRemediateOptions(optFns...)
	instanceID, reported, err := ec2IDOrARN(instanceID, "instance", "i-")
	if err != nil {
		return secpillar.Remediation{}, err
	}
	read := func(ctx context.Context) (ec2types.Instance, bool, error) {
		out, err := api.DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{instanceID}})
		if err != nil {
			return ec2types.Instance{}, false, fmt.Errorf("infrastructure: read instance %s: %w", instanceID, err)
		}
		if len(out.Reservations) != 1 || len(out.Reservations[0].Instances) != 1 {
			return ec2types.Instance{}, false, fmt.Errorf("infrastructure: read instance %s: not exactly one instance in the answer", instanceID)
		}
		inst := out.Reservations[0].Instances[0]
		ok, err := imdsVerdict(instanceID, inst.MetadataOptions)
		if err != nil {
			return inst, false, fmt.Errorf("infrastructure: read instance %s: %w", instanceID, err)
		}
		return inst, ok, nil
	}
	inst, ok, err := read(ctx)
	if err != nil {
		return secpillar.Remediation{}, err
	}
	res := secpillar.Resource{Type: InstanceResourceType, ID: reported, Region: regionOfARN(reported), Account: accountOfARN(reported)}
	rem := secpillar.Remediation{Control: ControlIMDSv2Required, Resource: res}
	if ok {
		rem.Outcome = secpillar.OutcomeCompliant
		return rem, nil
	}
	rem.Changes = []secpillar.Change{{Resource: res, Action: "ec2:ModifyInstanceMetadataOptions", Field: "MetadataOptions.HttpTokens", Before: string(inst.MetadataOptions.HttpTokens), After: "required"}}
	rem.Undo = fmt.Sprintf("Set HttpTokens back to optional with ec2:ModifyInstanceMetadataOptions on %s.", instanceID)
	rem.Notes = []string{imdsv1Note}
	if opts.DryRun {
		rem.Outcome = secpillar.OutcomePlanned
		return rem, nil
	}
	if _, err := api.ModifyInstanceMetadataOptions(ctx, &ec2.ModifyInstanceMetadataOptionsInput{InstanceId: aws.String(instanceID), HttpTokens: ec2types.HttpTokensStateRequired}); err != nil {
		return rem, fmt.Errorf("infrastructure: require IMDSv2 on %s: %w", instanceID, err)
	}
	_, ok, err = read(secpillar.FreshReads(ctx))
	if err != nil {
		return rem, fmt.Errorf("infrastructure: verify: %w", err)
	}
	rem.Outcome = secpillar.OutcomeChanged
	if !ok {
		rem.Outcome = secpillar.OutcomeVerifyPending
	}
	return rem, nil
}

// ---- account default ------------------------------------------------------

// IMDSDefaultsAPI is the part of the EC2 API that
// CheckIMDSv2AccountDefault calls. *ec2.Client satisfies it.
type IMDSDefaultsAPI interface {
	GetInstanceMetadataDefaults(ctx context.Context, in *ec2.GetInstanceMetadataDefaultsInput, optFns ...func(*ec2.Options)) (*ec2.GetInstanceMetadataDefaultsOutput, error)
}

var _ IMDSDefaultsAPI = (*ec2.Client)(nil)

// IMDSDefaultsRemediationAPI is the part of the EC2 API that
// RemediateIMDSv2AccountDefault calls. *ec2.Client satisfies it.
type IMDSDefaultsRemediationAPI interface {
	IMDSDefaultsAPI
	ModifyInstanceMetadataDefaults(ctx context.Context, in *ec2.ModifyInstanceMetadataDefaultsInput, optFns ...func(*ec2.Options)) (*ec2.ModifyInstanceMetadataDefaultsOutput, error)
}

var _ IMDSDefaultsRemediationAPI = (*ec2.Client)(nil)

func readIMDSDefaults(ctx context.Context, api IMDSDefaultsAPI) (*ec2types.InstanceMetadataDefaultsResponse, bool, error) {
	out, err := api.GetInstanceMetadataDefaults(ctx, &ec2.GetInstanceMetadataDefaultsInput{})
	if err != nil {
		return nil, false, fmt.Errorf("infrastructure: read instance metadata defaults: %w", err)
	}
	d := out.AccountLevel
	if d == nil {
		return nil, false, errors.New("infrastructure: read instance metadata defaults: the answer has no AccountLevel")
	}
	switch d.HttpTokens {
	case ec2types.HttpTokensStateRequired:
		return d, true, nil
	case ec2types.HttpTokensStateOptional, "":
		return d, false, nil
	}
	return nil, false, fmt.Errorf("infrastructure: read instance metadata defaults: unknown HttpTokens %q", d.HttpTokens)
}

// CheckIMDSv2AccountDefault reports whether the Region's account-level
// instance metadata default requires IMDSv2, so that new instances
// launched without explicit metadata options require it. "No preference"
// fails: the AMI then decides. accountID may be empty.
func CheckIMDSv2AccountDefault(ctx context.Context, api IMDSDefaultsAPI, accountID string) (secpillar.Finding, error) {
	d, ok, err := readIMDSDefaults(ctx, api)
	if err != nil {
		return secpillar.Finding{}, err
	}
	tokens := string(d.HttpTokens)
	if tokens == "" {
		tokens = "no-preference"
	}
	f := secpillar.Finding{Control: ControlIMDSv2AccountDefault, Severity: secpillar.SeverityMedium, Resource: secpillar.AccountResource(accountID),
		Evidence: map[string]string{"http_tokens": tokens, "managed_by": string(d.ManagedBy)}}
	if ok {
		f.Status = secpillar.StatusPass
		f.Reason = "New instances in this Region require IMDSv2 by default."
	} else {
		f.Status = secpillar.StatusFail
		f.Reason = fmt.Sprintf("The Region's instance metadata default for HttpTokens is %s; set it to required so new instances require IMDSv2.", tokens)
		if d.ManagedBy == ec2types.ManagedByDeclarativePolicy {
			f.Reason += " It is managed by a declarative policy of the organization: change it there."
		}
	}
	return f, nil
}

// RemediateIMDSv2AccountDefault sets the Region's account-level default
// HttpTokens to required, leaving the other defaults unchanged. It fails
// when the defaults are managed by an organization's declarative policy.
func RemediateIMDSv2AccountDefault(ctx context.Context, api IMDSDefaultsRemediationAPI, accountID string, optFns ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
	opts := secpillar.NewRemediateOptions(optFns...)
	d, ok, err := readIMDSDefaults(ctx, api)
	if err != nil {
		return secpillar.Remediation{}, err
	}
	res := secpillar.AccountResource(accountID)
	rem := secpillar.Remediation{Control: ControlIMDSv2AccountDefault, Resource: res}
	if ok {
		rem.Outcome = secpillar.OutcomeCompliant
		return rem, nil
	}
	if d.ManagedBy == ec2types.ManagedByDeclarativePolicy {
		return rem, fmt.Errorf("infrastructure: the instance metadata defaults are managed by a declarative policy (%s); change the policy instead", aws.ToString(d.ManagedExceptionMessage))
	}
	before := string(d.HttpTokens)
	if before == "" {
		before = "no-preference"
	}
	rem.Changes = []secpillar.Change{{Resource: res, Action: "ec2:ModifyInstanceMetadataDefaults", Field: "HttpTokens", Before: before, After: "required"}}
	rem.Undo = "Set the default HttpTokens back to " + before + " with ec2:ModifyInstanceMetadataDefaults."
	rem.Notes = []string{"Only instances launched from now on without explicit metadata options are affected. " + imdsv1Note}
	if opts.DryRun {
		rem.Outcome = secpillar.OutcomePlanned
		return rem, nil
	}
	if _, err := api.ModifyInstanceMetadataDefaults(ctx, &ec2.ModifyInstanceMetadataDefaultsInput{HttpTokens: ec2types.MetadataDefaultHttpTokensStateRequired}); err != nil {
		return rem, fmt.Errorf("infrastructure: require IMDSv2 by default: %w", err)
	}
	_, ok, err = readIMDSDefaults(secpillar.FreshReads(ctx), api)
	if err != nil {
		return rem, fmt.Errorf("infrastructure: verify: %w", err)
	}
	rem.Outcome = secpillar.OutcomeChanged
	if !ok {
		rem.Outcome = secpillar.OutcomeVerifyPending
	}
	return rem, nil
}

// ---- launch templates -----------------------------------------------------

// LaunchTemplatesAPI is the part of the EC2 API that
// CheckLaunchTemplatesIMDSv2 calls. *ec2.Client satisfies it.
type LaunchTemplatesAPI interface {
	DescribeLaunchTemplates(ctx context.Context, in *ec2.DescribeLaunchTemplatesInput, optFns ...func(*ec2.Options)) (*ec2.DescribeLaunchTemplatesOutput, error)
	DescribeLaunchTemplateVersions(ctx context.Context, in *ec2.DescribeLaunchTemplateVersionsInput, optFns ...func(*ec2.Options)) (*ec2.DescribeLaunchTemplateVersionsOutput, error)
}

var _ LaunchTemplatesAPI = (*ec2.Client)(nil)

// LaunchTemplateRemediationAPI is the part of the EC2 API that
// RemediateLaunchTemplateIMDSv2 calls. *ec2.Client satisfies it.
type LaunchTemplateRemediationAPI interface {
	DescribeLaunchTemplateVersions(ctx context.Context, in *ec2.DescribeLaunchTemplateVersionsInput, optFns ...func(*ec2.Options)) (*ec2.DescribeLaunchTemplateVersionsOutput, error)
	CreateLaunchTemplateVersion(ctx context.Context, in *ec2.CreateLaunchTemplateVersionInput, optFns ...func(*ec2.Options)) (*ec2.CreateLaunchTemplateVersionOutput, error)
	ModifyLaunchTemplate(ctx context.Context, in *ec2.ModifyLaunchTemplateInput, optFns ...func(*ec2.Options)) (*ec2.ModifyLaunchTemplateOutput, error)
}

var _ LaunchTemplateRemediationAPI = (*ec2.Client)(nil)

// templateVerdict says whether a launch template version requires IMDSv2,
// and why not.
func templateVerdict(v ec2types.LaunchTemplateVersion) (bool, string, error) {
	id := aws.ToString(v.LaunchTemplateId)
	if v.LaunchTemplateData == nil {
		return false, "", fmt.Errorf("launch template %s version %d has no LaunchTemplateData", id, aws.ToInt64(v.VersionNumber))
	}
	mo := v.LaunchTemplateData.MetadataOptions
	if mo == nil {
		return false, "sets no metadata options, so the AMI and Region defaults decide", nil
	}
	if mo.HttpEndpoint == ec2types.LaunchTemplateInstanceMetadataEndpointStateDisabled {
		return true, "", nil
	}
	switch mo.HttpTokens {
	case ec2types.LaunchTemplateHttpTokensStateRequired:
		return true, "", nil
	case ec2types.LaunchTemplateHttpTokensStateOptional:
		return false, "sets HttpTokens to optional", nil
	case "":
		return false, "does not set HttpTokens, so the AMI and Region defaults decide", nil
	}
	return false, "", fmt.Errorf("launch template %s has an unknown HttpTokens %q", id, mo.HttpTokens)
}

// CheckLaunchTemplatesIMDSv2 reports, for every launch template of the
// Region, whether its default version requires IMDSv2 (EC2.170). It reads
// the templates and the default versions of all of them in two paginated
// walks, not one call per template. region names the Region the client
// calls, for the ARNs.
func CheckLaunchTemplatesIMDSv2(ctx context.Context, api LaunchTemplatesAPI, region string) ([]secpillar.Finding, error) {
	defaults := map[string]ec2types.LaunchTemplateVersion{}
	guard := pagetoken.New("infrastructure: list default launch template versions")
	vp := ec2.NewDescribeLaunchTemplateVersionsPaginator(api, &ec2.DescribeLaunchTemplateVersionsInput{Versions: []string{"$Default"}}, func(o *ec2.DescribeLaunchTemplateVersionsPaginatorOptions) { o.Limit = 200 })
	for vp.HasMorePages() {
		page, err := vp.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("infrastructure: list default launch template versions: %w", err)
		}
		for _, v := range page.LaunchTemplateVersions {
			if v.LaunchTemplateId == nil {
				return nil, errors.New("infrastructure: list default launch template versions: a version has no LaunchTemplateId")
			}
			defaults[*v.LaunchTemplateId] = v
		}
		if err := guard.Check(false, page.NextToken); err != nil {
			return nil, err
		}
	}
	var out []secpillar.Finding
	guard = pagetoken.New("infrastructure: list launch templates")
	p := ec2.NewDescribeLaunchTemplatesPaginator(api, &ec2.DescribeLaunchTemplatesInput{}, func(o *ec2.DescribeLaunchTemplatesPaginatorOptions) { o.Limit = 200 })
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("infrastructure: list launch templates: %w", err)
		}
		for _, t := range page.LaunchTemplates {
			id := aws.ToString(t.LaunchTemplateId)
			if id == "" {
				return nil, errors.New("infrastructure: list launch templates: a template has no LaunchTemplateId")
			}
			v, found := defaults[id]
			if !found {
				return nil, fmt.Errorf("infrastructure: launch template %s: its default version was not in the listing", id)
			}
			ok, why, err := templateVerdict(v)
			if err != nil {
				return nil, fmt.Errorf("infrastructure: %w", err)
			}
			acct := ""
			if t.CreatedBy != nil {
				acct = accountOfARN(*t.CreatedBy)
			}
			f := secpillar.Finding{Control: ControlLaunchTemplateIMDSv2, Severity: secpillar.SeverityMedium,
				Resource: secpillar.Resource{Type: LaunchTemplateResourceType, ID: ec2ARN(region, acct, "launch-template", id), Region: region, Account: acct},
				Evidence: map[string]string{"launch_template_id": id, "name": aws.ToString(t.LaunchTemplateName), "default_version": strconv.FormatInt(aws.ToInt64(v.VersionNumber), 10)}}
			if ok {
				f.Status = secpillar.StatusPass
				f.Reason = fmt.Sprintf("The default version of launch template %s requires IMDSv2.", id)
			} else {
				f.Status = secpillar.StatusFail
				f.Reason = fmt.Sprintf("The default version of launch template %s %s; create a version that requires IMDSv2 and make it the default.", id, why)
			}
			out = append(out, f)
		}
		if err := guard.Check(false, page.NextToken); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func readDefaultVersion(ctx context.Context, api LaunchTemplateRemediationAPI, id string) (ec2types.LaunchTemplateVersion, error) {
	out, err := api.DescribeLaunchTemplateVersions(ctx, &ec2.DescribeLaunchTemplateVersionsInput{LaunchTemplateId: aws.String(id), Versions: []string{"$Default"}})
	if err != nil {
		return ec2types.LaunchTemplateVersion{}, fmt.Errorf("infrastructure: read default version of launch template %s: %w", id, err)
	}
	if len(out.LaunchTemplateVersions) != 1 || out.LaunchTemplateVersions[0].VersionNumber == nil {
		return ec2types.LaunchTemplateVersion{}, fmt.Errorf("infrastructure: read default version of launch template %s: not exactly one numbered version in the answer", id)
	}
	return out.LaunchTemplateVersions[0], nil
}

// RemediateLaunchTemplateIMDSv2 creates a new version of one launch
// template (its ID or ARN) from its default version, with HttpTokens required and every
// other setting carried forward (the other metadata options included),
// and makes it the default version. Older versions are kept.
func RemediateLaunchTemplateIMDSv2(ctx context.Context, api LaunchTemplateRemediationAPI, templateID string, optFns ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
	opts := secpillar.NewRemediateOptions(optFns...)
	templateID, reported, err := ec2IDOrARN(templateID, "launch-template", "lt-")
	if err != nil {
		return secpillar.Remediation{}, err
	}
	v, err := readDefaultVersion(ctx, api, templateID)
	if err != nil {
		return secpillar.Remediation{}, err
	}
	ok, _, err := templateVerdict(v)
	if err != nil {
		return secpillar.Remediation{}, fmt.Errorf("infrastructure: %w", err)
	}
	res := secpillar.Resource{Type: LaunchTemplateResourceType, ID: reported, Region: regionOfARN(reported), Account: accountOfARN(reported)}
	rem := secpillar.Remediation{Control: ControlLaunchTemplateIMDSv2, Resource: res}
	if ok {
		rem.Outcome = secpillar.OutcomeCompliant
		return rem, nil
	}
	current := *v.VersionNumber
	mo := &ec2types.LaunchTemplateInstanceMetadataOptionsRequest{HttpTokens: ec2types.LaunchTemplateHttpTokensStateRequired}
	before := "unset"
	if cur := v.LaunchTemplateData.MetadataOptions; cur != nil {
		mo.HttpEndpoint, mo.HttpProtocolIpv6, mo.HttpPutResponseHopLimit, mo.InstanceMetadataTags = cur.HttpEndpoint, cur.HttpProtocolIpv6, cur.HttpPutResponseHopLimit, cur.InstanceMetadataTags
		if cur.HttpTokens != "" {
			before = string(cur.HttpTokens)
		}
	}
	rem.Changes = []secpillar.Change{
		{Resource: res, Action: "ec2:CreateLaunchTemplateVersion", Field: "MetadataOptions.HttpTokens", Before: before + " (version " + strconv.FormatInt(current, 10) + ")", After: "required (new version)"},
		{Resource: res, Action: "ec2:ModifyLaunchTemplate", Field: "DefaultVersion", Before: strconv.FormatInt(current, 10), After: "the new version"},
	}
	rem.Undo = fmt.Sprintf("Make version %d the default again with ec2:ModifyLaunchTemplate on %s.", current, templateID)
	rem.Notes = []string{"Auto Scaling groups and fleets that pin a version number keep launching that version until they are pointed at $Default or the new number.", imdsv1Note}
	if opts.DryRun {
		rem.Outcome = secpillar.OutcomePlanned
		return rem, nil
	}
	created, err := api.CreateLaunchTemplateVersion(ctx, &ec2.CreateLaunchTemplateVersionInput{
		LaunchTemplateId: aws.String(templateID), SourceVersion: aws.String(strconv.FormatInt(current, 10)),
		VersionDescription: aws.String("IMDSv2 required (secpillar, from version " + strconv.FormatInt(current, 10) + ")"),
		LaunchTemplateData: &ec2types.RequestLaunchTemplateData{MetadataOptions: mo},
	})
	if err != nil {
		return rem, fmt.Errorf("infrastructure: create IMDSv2 version of %s: %w", templateID, err)
	}
	if created.LaunchTemplateVersion == nil || created.LaunchTemplateVersion.VersionNumber == nil {
		return rem, fmt.Errorf("infrastructure: create IMDSv2 version of %s: the answer has no version number", templateID)
	}
	n := strconv.FormatInt(*created.LaunchTemplateVersion.VersionNumber, 10)
	rem.Changes[0].After = "required (version " + n + ")"
	rem.Changes[1].After = n
	if _, err := api.ModifyLaunchTemplate(ctx, &ec2.ModifyLaunchTemplateInput{LaunchTemplateId: aws.String(templateID), DefaultVersion: aws.String(n)}); err != nil {
		return rem, fmt.Errorf("infrastructure: make version %s the default of %s (the version exists; retrying makes another): %w", n, templateID, err)
	}
	v, err = readDefaultVersion(secpillar.FreshReads(ctx), api, templateID)
	if err != nil {
		return rem, fmt.Errorf("infrastructure: verify: %w", err)
	}
	ok, _, err = templateVerdict(v)
	if err != nil {
		return rem, fmt.Errorf("infrastructure: verify: %w", err)
	}
	rem.Outcome = secpillar.OutcomeChanged
	if !ok {
		rem.Outcome = secpillar.OutcomeVerifyPending
	}
	return rem, nil
}
