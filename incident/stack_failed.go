package incident

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"

	"github.com/secpillar/secpillar"
)

// StackNotFailedID is the ID of the control for stacks stuck in failed
// states.
const StackNotFailedID = "incident.stack-not-failed"

// StackNotFailedAPI is the part of the CloudFormation API that
// CheckStackNotFailed calls. *cloudformation.Client satisfies it.
type StackNotFailedAPI interface {
	DescribeStacksAPI
}

var _ StackNotFailedAPI = (*cloudformation.Client)(nil)

// StackNotFailedRemediationAPI adds the write that RemediateStackNotFailed
// makes.
type StackNotFailedRemediationAPI interface {
	StackNotFailedAPI
	ContinueUpdateRollback(ctx context.Context, in *cloudformation.ContinueUpdateRollbackInput, optFns ...func(*cloudformation.Options)) (*cloudformation.ContinueUpdateRollbackOutput, error)
}

var _ StackNotFailedRemediationAPI = (*cloudformation.Client)(nil)

// stuckAdvice says, for each state a stack cannot leave by itself, what a
// person must do.
var stuckAdvice = map[cfntypes.StackStatus]string{
	cfntypes.StackStatusUpdateRollbackFailed: "continue the update rollback (ContinueUpdateRollback, skipping the resources that cannot roll back)",
	cfntypes.StackStatusRollbackFailed:       "delete the stack, retaining the resources that cannot be deleted, and recreate it",
	cfntypes.StackStatusRollbackComplete:     "its creation failed and was rolled back: delete it and create it again",
	cfntypes.StackStatusCreateFailed:         "its creation failed with rollback disabled: fix the failed resources and update, or delete it",
	cfntypes.StackStatusUpdateFailed:         "its update failed with rollback disabled: fix the failed resources and update again, or roll back",
	cfntypes.StackStatusDeleteFailed:         "delete it again, retaining the resources that cannot be deleted",
	cfntypes.StackStatusImportRollbackFailed: "fix the resources that could not be rolled back and continue the rollback or delete the stack",
}

// CheckStackNotFailed reports, for every stack in the client's Region
// (deleted ones skipped), whether it is stuck in a failed state —
// UPDATE_ROLLBACK_FAILED, ROLLBACK_FAILED, ROLLBACK_COMPLETE (a failed
// creation), CREATE_FAILED, UPDATE_FAILED, DELETE_FAILED or
// IMPORT_ROLLBACK_FAILED — from which it cannot be updated, so that a fix
// cannot be deployed through it during an incident. The reason says what
// to do.
func CheckStackNotFailed(ctx context.Context, api StackNotFailedAPI) ([]secpillar.Finding, error) {
	stacks, err := listStacks(ctx, api)
	if err != nil {
		return nil, err
	}
	var out []secpillar.Finding
	for _, s := range stacks {
		st := s.stack.StackStatus
		f := secpillar.Finding{
			Control:  StackNotFailedID,
			Severity: secpillar.SeverityMedium,
			Resource: s.resource,
			Evidence: map[string]string{"stack_name": s.name, "stack_status": string(st)},
		}
		if advice, stuck := stuckAdvice[st]; stuck {
			f.Status = secpillar.StatusFail
			f.Reason = fmt.Sprintf("Stack %s is stuck in %s: %s.", s.name, st, advice)
			if r := aws.ToString(s.stack.StackStatusReason); r != "" {
				f.Evidence["status_reason"] = r
			}
			if s.nested {
				f.Evidence["root_stack_id"] = aws.ToString(s.stack.RootId)
			}
		} else {
			f.Status = secpillar.StatusPass
			f.Reason = fmt.Sprintf("Stack %s is in %s, not a failed state.", s.name, st)
		}
		out = append(out, f)
	}
	return out, nil
}

// RemediateStackNotFailed continues the rollback of a stack in
// UPDATE_ROLLBACK_FAILED (ContinueUpdateRollback), skipping the logical
// resource IDs in skip (they are marked rolled back without being changed;
// use it for resources that cannot roll back, then fix them by hand).
// Stacks in other failed states are refused with what to do instead; a
// nested stack is refused naming its root stack, which is the one to
// continue. A stack already out of the failed state is compliant.
func RemediateStackNotFailed(ctx context.Context, api StackNotFailedRemediationAPI, stack string, skip []string, optFns ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
	if err := stackTarget("continue rollback", stack); err != nil {
		return secpillar.Remediation{}, err
	}
	for _, id := range skip {
		if strings.TrimSpace(id) == "" {
			return secpillar.Remediation{}, fmt.Errorf("incident: continue rollback of %q: empty logical resource ID in skip", stack)
		}
	}
	opts := secpillar.NewRemediateOptions(optFns...)
	s, err := describeStack(ctx, api, stack)
	if err != nil {
		return secpillar.Remediation{}, err
	}
	rem := secpillar.Remediation{Control: StackNotFailedID, Resource: s.resource}
	st := s.stack.StackStatus
	if _, stuck := stuckAdvice[st]; !stuck {
		rem.Outcome = secpillar.OutcomeCompliant
		return rem, nil
	}
	if st != cfntypes.StackStatusUpdateRollbackFailed {
		return rem, fmt.Errorf("incident: continue rollback of %s: the stack is in %s, which no rollback can fix: %s", s.name, st, stuckAdvice[st])
	}
	if s.nested {
		return rem, fmt.Errorf("incident: continue rollback of %s: it is nested; continue the rollback of its root stack %s", s.name, aws.ToString(s.stack.RootId))
	}
	after := string(cfntypes.StackStatusUpdateRollbackComplete)
	if len(skip) > 0 {
		after += " (skipping " + strings.Join(skip, ", ") + ")"
	}
	rem.Changes = []secpillar.Change{{Resource: s.resource, Action: "cloudformation:ContinueUpdateRollback", Field: "StackStatus", Before: string(st), After: after}}
	rem.Undo = "A continued rollback cannot be undone: the stack returns to its last working template. Deploy the update again to retry it."
	if len(skip) > 0 {
		rem.Notes = append(rem.Notes, "Skipped resources are marked rolled back without being changed: bring them in line with the template by hand.")
	}
	if opts.DryRun {
		rem.Outcome = secpillar.OutcomePlanned
		return rem, nil
	}
	in := &cloudformation.ContinueUpdateRollbackInput{StackName: aws.String(s.id)}
	if len(skip) > 0 {
		in.ResourcesToSkip = append([]string(nil), skip...)
	}
	if _, err := api.ContinueUpdateRollback(ctx, in); err != nil {
		return rem, fmt.Errorf("incident: continue rollback of %s: %w", s.id, err)
	}
	v, err := describeStack(secpillar.FreshReads(ctx), api, s.id)
	if err != nil {
		return rem, fmt.Errorf("incident: verify rollback: %w", err)
	}
	switch v.stack.StackStatus {
	case cfntypes.StackStatusUpdateRollbackComplete:
		rem.Outcome = secpillar.OutcomeChanged
	case cfntypes.StackStatusUpdateRollbackInProgress, cfntypes.StackStatusUpdateRollbackCompleteCleanupInProgress:
		rem.Outcome = secpillar.OutcomeVerifyPending
		rem.Notes = append(rem.Notes, "The rollback is running ("+string(v.stack.StackStatus)+"); read the stack again until it is UPDATE_ROLLBACK_COMPLETE.")
	case cfntypes.StackStatusUpdateRollbackFailed:
		return rem, fmt.Errorf("incident: continue rollback of %s: the rollback failed again (%s): skip the resources that cannot roll back", s.name, aws.ToString(v.stack.StackStatusReason))
	default:
		return rem, fmt.Errorf("incident: continue rollback of %s: unexpected status %s after the rollback", s.name, v.stack.StackStatus)
	}
	return rem, nil
}
