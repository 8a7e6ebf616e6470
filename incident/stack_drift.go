package incident

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"

	"github.com/secpillar/secpillar"
)

// StackNoDriftID is the ID of the stack drift control.
const StackNoDriftID = "incident.stack-no-drift"

// StackDriftAPI is the part of the CloudFormation API that CheckStackDrift
// calls. *cloudformation.Client satisfies it.
type StackDriftAPI interface {
	DescribeStacksAPI
	DetectStackDrift(ctx context.Context, in *cloudformation.DetectStackDriftInput, optFns ...func(*cloudformation.Options)) (*cloudformation.DetectStackDriftOutput, error)
	DescribeStackDriftDetectionStatus(ctx context.Context, in *cloudformation.DescribeStackDriftDetectionStatusInput, optFns ...func(*cloudformation.Options)) (*cloudformation.DescribeStackDriftDetectionStatusOutput, error)
	DescribeStackResourceDrifts(ctx context.Context, in *cloudformation.DescribeStackResourceDriftsInput, optFns ...func(*cloudformation.Options)) (*cloudformation.DescribeStackResourceDriftsOutput, error)
}

var _ StackDriftAPI = (*cloudformation.Client)(nil)

// StackDriftOptions tunes CheckStackDrift. The zero value polls after 1 s,
// doubling up to 20 s between polls, and waits at most 5 minutes (or until
// ctx ends, whichever is first).
type StackDriftOptions struct {
	// PollInterval is the first wait between status reads; 0 means 1 s.
	PollInterval time.Duration
	// MaxPollInterval caps the doubling wait; 0 means 20 s.
	MaxPollInterval time.Duration
	// Timeout bounds the whole wait; 0 means 5 minutes.
	Timeout time.Duration
	// MaxDriftedResources bounds the drifted resources named in a
	// finding's evidence; 0 means 10. The count is always complete.
	MaxDriftedResources int
}

func (o StackDriftOptions) withDefaults() StackDriftOptions {
	if o.PollInterval <= 0 {
		o.PollInterval = time.Second
	}
	if o.MaxPollInterval <= 0 {
		o.MaxPollInterval = 20 * time.Second
	}
	if o.MaxPollInterval < o.PollInterval {
		o.MaxPollInterval = o.PollInterval
	}
	if o.Timeout <= 0 {
		o.Timeout = 5 * time.Minute
	}
	if o.MaxDriftedResources <= 0 {
		o.MaxDriftedResources = 10
	}
	return o
}

// CheckStackDrift starts drift detection on every stack in the client's
// Region that supports it (deleted stacks skipped; nested stacks included,
// since detection on a parent does not cover them), waits for every
// detection with backoff under ctx, and reports each stack: PASS when in
// sync, FAIL naming the drifted (modified or deleted) resources. A stack
// whose state does not allow detection (an operation in progress, a failed
// creation) is NOT_APPLICABLE. A detection that fails for some resources
// is a FAIL, never a PASS, since part of the stack went unchecked.
//
// Detection runs in AWS and writes nothing to the stacks, but it is not a
// free read: it counts against CloudFormation's drift detection quotas.
// Status reads bypass Run's read sharing (secpillar.FreshReads).
func CheckStackDrift(ctx context.Context, api StackDriftAPI, optFns ...func(*StackDriftOptions)) ([]secpillar.Finding, error) {
	var opts StackDriftOptions
	for _, fn := range optFns {
		fn(&opts)
	}
	opts = opts.withDefaults()
	stacks, err := listStacks(ctx, api)
	if err != nil {
		return nil, err
	}
	type pending struct {
		s        stackInfo
		id       string
		idx      int
		finished bool
	}
	out := make([]secpillar.Finding, len(stacks))
	var wait []*pending
	for i, s := range stacks {
		out[i] = secpillar.Finding{
			Control:  StackNoDriftID,
			Severity: secpillar.SeverityMedium,
			Resource: s.resource,
			Evidence: map[string]string{"stack_name": s.name, "stack_status": string(s.stack.StackStatus)},
		}
		if !driftDetectable(s.stack.StackStatus) {
			out[i].Status = secpillar.StatusNotApplicable
			out[i].Reason = fmt.Sprintf("Stack %s is in %s, where drift detection is not available.", s.name, s.stack.StackStatus)
			continue
		}
		d, err := api.DetectStackDrift(ctx, &cloudformation.DetectStackDriftInput{StackName: aws.String(s.id)})
		if err != nil {
			return nil, fmt.Errorf("incident: start drift detection on %s: %w", s.id, err)
		}
		if aws.ToString(d.StackDriftDetectionId) == "" {
			return nil, fmt.Errorf("incident: start drift detection on %s: DetectStackDrift returned no StackDriftDetectionId", s.id)
		}
		wait = append(wait, &pending{s: s, id: aws.ToString(d.StackDriftDetectionId), idx: i})
	}

	ctx, cancel := context.WithTimeout(ctx, opts.Timeout)
	defer cancel()
	fresh := secpillar.FreshReads(ctx)
	delay := opts.PollInterval
	for left := len(wait); left > 0; {
		for _, p := range wait {
			if p.finished {
				continue
			}
			st, err := api.DescribeStackDriftDetectionStatus(fresh, &cloudformation.DescribeStackDriftDetectionStatusInput{StackDriftDetectionId: aws.String(p.id)})
			if err != nil {
				return nil, fmt.Errorf("incident: read drift detection %s of %s: %w", p.id, p.s.id, err)
			}
			switch st.DetectionStatus {
			case cfntypes.StackDriftDetectionStatusDetectionInProgress:
				continue
			case cfntypes.StackDriftDetectionStatusDetectionComplete, cfntypes.StackDriftDetectionStatusDetectionFailed:
			case "":
				return nil, fmt.Errorf("incident: drift detection of %s: DescribeStackDriftDetectionStatus returned no DetectionStatus", p.s.id)
			default:
				return nil, fmt.Errorf("incident: drift detection of %s: unknown detection status %q", p.s.id, st.DetectionStatus)
			}
			p.finished = true
			left--
			if err := driftFinding(fresh, api, &out[p.idx], p.s, st, opts); err != nil {
				return nil, err
			}
		}
		if left == 0 {
			break
		}
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("incident: wait for drift detection of %d stack(s): %w", left, ctx.Err())
		case <-t.C:
		}
		delay = min(delay*2, opts.MaxPollInterval)
	}
	return out, nil
}

// driftDetectable reports whether CloudFormation runs drift detection on a
// stack in this state.
func driftDetectable(st cfntypes.StackStatus) bool {
	switch st {
	case cfntypes.StackStatusCreateComplete, cfntypes.StackStatusUpdateComplete,
		cfntypes.StackStatusUpdateRollbackComplete, cfntypes.StackStatusUpdateRollbackFailed,
		cfntypes.StackStatusImportComplete, cfntypes.StackStatusImportRollbackComplete,
		cfntypes.StackStatusRollbackFailed, cfntypes.StackStatusDeleteFailed:
		return true
	}
	return false
}

func driftFinding(ctx context.Context, api StackDriftAPI, f *secpillar.Finding, s stackInfo, st *cloudformation.DescribeStackDriftDetectionStatusOutput, opts StackDriftOptions) error {
	failed := st.DetectionStatus == cfntypes.StackDriftDetectionStatusDetectionFailed
	f.Evidence["detection_status"] = string(st.DetectionStatus)
	if st.Timestamp != nil {
		f.Evidence["checked_at"] = st.Timestamp.UTC().Format(time.RFC3339)
	}
	switch st.StackDriftStatus {
	case cfntypes.StackDriftStatusInSync, cfntypes.StackDriftStatusDrifted:
	case cfntypes.StackDriftStatusUnknown, cfntypes.StackDriftStatusNotChecked, "":
		if !failed {
			return fmt.Errorf("incident: drift detection of %s completed with drift status %q", s.id, st.StackDriftStatus)
		}
	default:
		return fmt.Errorf("incident: drift detection of %s: unknown stack drift status %q", s.id, st.StackDriftStatus)
	}
	f.Evidence["drift_status"] = string(st.StackDriftStatus)
	var drifted []string
	if st.StackDriftStatus == cfntypes.StackDriftStatusDrifted {
		p := cloudformation.NewDescribeStackResourceDriftsPaginator(api, &cloudformation.DescribeStackResourceDriftsInput{
			StackName: aws.String(s.id),
			StackResourceDriftStatusFilters: []cfntypes.StackResourceDriftStatus{
				cfntypes.StackResourceDriftStatusModified, cfntypes.StackResourceDriftStatusDeleted,
			},
		})
		for p.HasMorePages() {
			pg, err := p.NextPage(ctx)
			if err != nil {
				return fmt.Errorf("incident: list drifted resources of %s: %w", s.id, err)
			}
			for _, rd := range pg.StackResourceDrifts {
				id := aws.ToString(rd.LogicalResourceId)
				if id == "" {
					return fmt.Errorf("incident: list drifted resources of %s: a resource drift without LogicalResourceId", s.id)
				}
				drifted = append(drifted, fmt.Sprintf("%s (%s): %s", id, aws.ToString(rd.ResourceType), rd.StackResourceDriftStatus))
			}
		}
		slices.Sort(drifted)
		if len(drifted) == 0 {
			// The status says drifted; trust it over an empty list.
			drifted = []string{"(CloudFormation listed no resource)"}
		}
		f.Evidence["drifted_resources_count"] = strconv.Itoa(len(drifted))
		shown := drifted
		if len(shown) > opts.MaxDriftedResources {
			shown = shown[:opts.MaxDriftedResources]
		}
		f.Evidence["drifted_resources"] = strings.Join(shown, "; ")
	}
	switch {
	case st.StackDriftStatus == cfntypes.StackDriftStatusDrifted:
		f.Status = secpillar.StatusFail
		f.Reason = fmt.Sprintf("Stack %s has drifted from its template (%d resource(s) modified or deleted outside CloudFormation): review the changes, then update the stack or revert them.", s.name, len(drifted))
	case failed:
		f.Status = secpillar.StatusFail
		f.Reason = fmt.Sprintf("Drift detection on stack %s could not check every resource (%s): its state is unknown.", s.name, aws.ToString(st.DetectionStatusReason))
	default:
		f.Status = secpillar.StatusPass
		f.Reason = fmt.Sprintf("Stack %s matches its template.", s.name)
	}
	if failed {
		f.Evidence["detection_status_reason"] = aws.ToString(st.DetectionStatusReason)
	}
	return nil
}
