package incident

import (
	"context"
	"fmt"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"

	"github.com/secpillar/secpillar"
)

// StackTerminationProtectionID is the ID of the stack termination
// protection control.
const StackTerminationProtectionID = "incident.stack-termination-protection"

// StackTerminationProtectionAPI is the part of the CloudFormation API that
// CheckStackTerminationProtection calls. *cloudformation.Client satisfies
// it.
type StackTerminationProtectionAPI interface {
	DescribeStacksAPI
}

var _ StackTerminationProtectionAPI = (*cloudformation.Client)(nil)

// StackTerminationProtectionRemediationAPI adds the write that
// RemediateStackTerminationProtection makes.
type StackTerminationProtectionRemediationAPI interface {
	StackTerminationProtectionAPI
	UpdateTerminationProtection(ctx context.Context, in *cloudformation.UpdateTerminationProtectionInput, optFns ...func(*cloudformation.Options)) (*cloudformation.UpdateTerminationProtectionOutput, error)
}

var _ StackTerminationProtectionRemediationAPI = (*cloudformation.Client)(nil)

// CheckStackTerminationProtection reports, for every stack in the client's
// Region, whether termination protection is on, so that an incident
// responder (or an attacker with a stolen key) cannot delete the stack and
// everything it manages in one call.
//
// Deleted stacks are skipped. A nested stack takes its termination
// protection from its root stack and cannot change it itself, so it is
// reported NOT_APPLICABLE, naming the root stack, whose own finding carries
// the verdict.
func CheckStackTerminationProtection(ctx context.Context, api StackTerminationProtectionAPI) ([]secpillar.Finding, error) {
	stacks, err := listStacks(ctx, api)
	if err != nil {
		return nil, err
	}
	var out []secpillar.Finding
	for _, s := range stacks {
		f := secpillar.Finding{
			Control:  StackTerminationProtectionID,
			Severity: secpillar.SeverityMedium,
			Resource: s.resource,
			Evidence: map[string]string{"stack_name": s.name, "stack_status": string(s.stack.StackStatus)},
		}
		if s.nested {
			f.Status = secpillar.StatusNotApplicable
			f.Reason = fmt.Sprintf("Stack %s is nested: its termination protection is set on its root stack %s.", s.name, aws.ToString(s.stack.RootId))
			f.Evidence["root_stack_id"] = aws.ToString(s.stack.RootId)
			out = append(out, f)
			continue
		}
		if s.stack.EnableTerminationProtection == nil {
			return nil, fmt.Errorf("incident: stack %s: DescribeStacks returned no EnableTerminationProtection", s.id)
		}
		on := *s.stack.EnableTerminationProtection
		f.Evidence["termination_protection"] = strconv.FormatBool(on)
		if on {
			f.Status = secpillar.StatusPass
			f.Reason = fmt.Sprintf("Stack %s has termination protection.", s.name)
		} else {
			f.Status = secpillar.StatusFail
			f.Reason = fmt.Sprintf("Stack %s can be deleted in one call: turn on termination protection.", s.name)
		}
		out = append(out, f)
	}
	return out, nil
}

// RemediateStackTerminationProtection turns on termination protection of
// one stack, named by name or stack ID (ARN). A nested stack is refused:
// remediate its root stack.
func RemediateStackTerminationProtection(ctx context.Context, api StackTerminationProtectionRemediationAPI, stack string, optFns ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
	if err := stackTarget("protect stack", stack); err != nil {
		return secpillar.Remediation{}, err
	}
	opts := secpillar.NewRemediateOptions(optFns...)
	s, err := describeStack(ctx, api, stack)
	if err != nil {
		return secpillar.Remediation{}, err
	}
	return protectStack(ctx, api, s, opts)
}

// RemediateAllStackTerminationProtection turns on termination protection
// of every root stack in the client's Region that lacks it. It refuses,
// before the first write, when more stacks than opts.Limit() would change.
func RemediateAllStackTerminationProtection(ctx context.Context, api StackTerminationProtectionRemediationAPI, optFns ...func(*secpillar.RemediateOptions)) ([]secpillar.Remediation, error) {
	opts := secpillar.NewRemediateOptions(optFns...)
	stacks, err := listStacks(ctx, api)
	if err != nil {
		return nil, err
	}
	var todo []stackInfo
	for _, s := range stacks {
		if s.nested {
			continue
		}
		if s.stack.EnableTerminationProtection == nil {
			return nil, fmt.Errorf("incident: stack %s: DescribeStacks returned no EnableTerminationProtection", s.id)
		}
		if !*s.stack.EnableTerminationProtection {
			todo = append(todo, s)
		}
	}
	if len(todo) > opts.Limit() {
		return nil, &secpillar.TooManyResourcesError{Control: StackTerminationProtectionID, Count: len(todo), Max: opts.Limit()}
	}
	var out []secpillar.Remediation
	for _, s := range todo {
		r, err := protectStack(ctx, api, s, opts)
		if err != nil {
			return out, err
		}
		out = append(out, r)
	}
	return out, nil
}

func protectStack(ctx context.Context, api StackTerminationProtectionRemediationAPI, s stackInfo, opts secpillar.RemediateOptions) (secpillar.Remediation, error) {
	rem := secpillar.Remediation{Control: StackTerminationProtectionID, Resource: s.resource}
	if s.nested {
		return rem, fmt.Errorf("incident: protect stack %s: it is nested; turn on termination protection of its root stack %s instead", s.name, aws.ToString(s.stack.RootId))
	}
	if s.stack.EnableTerminationProtection == nil {
		return rem, fmt.Errorf("incident: protect stack %s: DescribeStacks returned no EnableTerminationProtection", s.id)
	}
	if *s.stack.EnableTerminationProtection {
		rem.Outcome = secpillar.OutcomeCompliant
		return rem, nil
	}
	rem.Changes = []secpillar.Change{{
		Resource: s.resource, Action: "cloudformation:UpdateTerminationProtection",
		Field: "EnableTerminationProtection", Before: "false", After: "true",
	}}
	rem.Undo = fmt.Sprintf("Call cloudformation:UpdateTerminationProtection on stack %s with EnableTerminationProtection=false.", s.id)
	if opts.DryRun {
		rem.Outcome = secpillar.OutcomePlanned
		return rem, nil
	}
	if _, err := api.UpdateTerminationProtection(ctx, &cloudformation.UpdateTerminationProtectionInput{
		StackName: aws.String(s.id), EnableTerminationProtection: aws.Bool(true),
	}); err != nil {
		return rem, fmt.Errorf("incident: protect stack %s: %w", s.id, err)
	}
	after, err := describeStack(secpillar.FreshReads(ctx), api, s.id)
	if err != nil {
		return rem, fmt.Errorf("incident: verify stack protection: %w", err)
	}
	if aws.ToBool(after.stack.EnableTerminationProtection) {
		rem.Outcome = secpillar.OutcomeChanged
	} else {
		rem.Outcome = secpillar.OutcomeVerifyPending
		rem.Notes = append(rem.Notes, "The stack did not show termination protection when read back; read it again shortly.")
	}
	return rem, nil
}
