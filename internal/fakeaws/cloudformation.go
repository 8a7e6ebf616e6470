package fakeaws

import (
	"context"
	"crypto/sha256"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
)

// CloudFormation fakes AWS CloudFormation, per Region: stacks, termination
// protection, drift detection and continuing a failed rollback.
type CloudFormation struct {
	acct    *Account
	regions map[string]*CloudFormationRegion
}

// CloudFormationRegion is the CloudFormation state of one Region.
type CloudFormationRegion struct {
	// Stacks are the Region's stacks, deleted ones included (status
	// DELETE_COMPLETE): DescribeStacks lists only the others, as AWS does,
	// but answers for a deleted stack asked for by its stack ID.
	Stacks []*CFNStack

	detections map[string]*driftDetection
	nextID     int
}

// CFNStack is one stack and the behaviour of drift detection on it.
type CFNStack struct {
	Stack cfntypes.Stack

	// DriftPolls is how many DescribeStackDriftDetectionStatus calls
	// answer DETECTION_IN_PROGRESS before a detection completes.
	DriftPolls int
	// DriftFailure, when set, makes detection end DETECTION_FAILED with
	// this reason (AWS does so when some resources could not be checked).
	DriftFailure string
	// ResourceDrifts are the resources as the last detection saw them.
	// Resources whose status is MODIFIED or DELETED make the stack
	// DRIFTED.
	ResourceDrifts []cfntypes.StackResourceDrift

	// RollbackPolls is how many DescribeStacks calls after
	// ContinueUpdateRollback answer UPDATE_ROLLBACK_IN_PROGRESS before
	// the stack reaches UPDATE_ROLLBACK_COMPLETE.
	RollbackPolls int
	// RollbackFails makes ContinueUpdateRollback end in
	// UPDATE_ROLLBACK_FAILED again (a resource still cannot roll back).
	RollbackFails bool

	rollingBack  bool // a rollback started by ContinueUpdateRollback is running
	rollbackLeft int  // DescribeStacks reads left before it ends
}

type driftDetection struct {
	stack *CFNStack
	polls int
}

// StackID returns a stack ID (its ARN) as CloudFormation forms it, with a
// suffix derived from the name so that it is stable.
func StackID(account, region, name string) string {
	h := sha256.Sum256([]byte(account + region + name))
	return fmt.Sprintf("arn:aws:cloudformation:%s:%s:stack/%s/%x-%x-%x-%x-%x", region, account, name, h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}

// Region returns the state of one Region, creating it empty.
func (f *CloudFormation) Region(name string) *CloudFormationRegion {
	if f.regions == nil {
		f.regions = map[string]*CloudFormationRegion{}
	}
	r := f.regions[name]
	if r == nil {
		r = &CloudFormationRegion{detections: map[string]*driftDetection{}}
		f.regions[name] = r
	}
	return r
}

// AddStack adds a stack in a Region and returns it. StackId defaults to
// StackID, StackStatus to CREATE_COMPLETE, EnableTerminationProtection to
// false and CreationTime to the account's clock.
func (f *CloudFormation) AddStack(region string, s cfntypes.Stack) *CFNStack {
	if s.StackId == nil {
		s.StackId = aws.String(StackID(f.acct.ID, region, aws.ToString(s.StackName)))
	}
	if s.StackStatus == "" {
		s.StackStatus = cfntypes.StackStatusCreateComplete
	}
	if s.EnableTerminationProtection == nil {
		s.EnableTerminationProtection = aws.Bool(false)
	}
	if s.CreationTime == nil {
		t := f.acct.now()
		s.CreationTime = &t
	}
	st := &CFNStack{Stack: s}
	r := f.Region(region)
	r.Stacks = append(r.Stacks, st)
	return st
}

func (f *CloudFormation) regionOf(ctx context.Context, optFns []func(*cloudformation.Options)) (*CloudFormationRegion, string) {
	var o cloudformation.Options
	for _, fn := range optFns {
		fn(&o)
	}
	name := f.acct.region(ctx, o.Region)
	return f.Region(name), name
}

func stackValidation(msg string) error { return apiError("ValidationError", msg) }

// find returns the stack named by a name or stack ID. A deleted stack is
// found only by its ID, as in AWS.
func (r *CloudFormationRegion) find(nameOrID string) *CFNStack {
	for _, s := range r.Stacks {
		if aws.ToString(s.Stack.StackId) == nameOrID {
			return s
		}
	}
	for _, s := range r.Stacks {
		if aws.ToString(s.Stack.StackName) == nameOrID && s.Stack.StackStatus != cfntypes.StackStatusDeleteComplete {
			return s
		}
	}
	return nil
}

func (r *CloudFormationRegion) mustFind(name *string) (*CFNStack, error) {
	n := aws.ToString(name)
	if n == "" {
		return nil, stackValidation("1 validation error detected: Value null at 'stackName' failed to satisfy constraint: Member must not be null")
	}
	s := r.find(n)
	if s == nil {
		return nil, stackValidation("Stack with id " + n + " does not exist")
	}
	return s, nil
}

// observe advances a rollback that ContinueUpdateRollback started; the lock
// is held.
func (s *CFNStack) observe() {
	if !s.rollingBack || s.Stack.StackStatus != cfntypes.StackStatusUpdateRollbackInProgress {
		return
	}
	if s.rollbackLeft > 0 {
		s.rollbackLeft--
		return
	}
	s.rollingBack = false
	if s.RollbackFails {
		s.Stack.StackStatus = cfntypes.StackStatusUpdateRollbackFailed
		s.Stack.StackStatusReason = aws.String("The following resource(s) failed to update: [Resource].")
		return
	}
	s.Stack.StackStatus = cfntypes.StackStatusUpdateRollbackComplete
	s.Stack.StackStatusReason = nil
}

// DescribeStacks lists the Region's stacks that are not deleted, or the one
// stack named.
func (f *CloudFormation) DescribeStacks(ctx context.Context, in *cloudformation.DescribeStacksInput, optFns ...func(*cloudformation.Options)) (*cloudformation.DescribeStacksOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	r, _ := f.regionOf(ctx, optFns)
	var all []cfntypes.Stack
	if name := aws.ToString(in.StackName); name != "" {
		s := r.find(name)
		if s == nil {
			return nil, stackValidation("Stack with id " + name + " does not exist")
		}
		s.observe()
		all = append(all, s.Stack)
	} else {
		for _, s := range r.Stacks {
			s.observe()
			if s.Stack.StackStatus != cfntypes.StackStatusDeleteComplete {
				all = append(all, s.Stack)
			}
		}
	}
	items, next, err := page(f.acct, all, in.NextToken, 0)
	if err != nil {
		return nil, err
	}
	return &cloudformation.DescribeStacksOutput{Stacks: items, NextToken: next}, nil
}

// UpdateTerminationProtection turns a stack's termination protection on or
// off. Nested stacks take it from their root and refuse, as in AWS.
func (f *CloudFormation) UpdateTerminationProtection(ctx context.Context, in *cloudformation.UpdateTerminationProtectionInput, optFns ...func(*cloudformation.Options)) (*cloudformation.UpdateTerminationProtectionOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	r, _ := f.regionOf(ctx, optFns)
	if in.EnableTerminationProtection == nil {
		return nil, stackValidation("1 validation error detected: Value null at 'enableTerminationProtection' failed to satisfy constraint: Member must not be null")
	}
	s, err := r.mustFind(in.StackName)
	if err != nil {
		return nil, err
	}
	if s.Stack.StackStatus == cfntypes.StackStatusDeleteComplete {
		return nil, stackValidation("Stack [" + aws.ToString(s.Stack.StackId) + "] does not exist")
	}
	if s.Stack.ParentId != nil {
		return nil, stackValidation("Termination protection cannot be updated on nested stacks: update the root stack " + aws.ToString(s.Stack.RootId))
	}
	s.Stack.EnableTerminationProtection = aws.Bool(*in.EnableTerminationProtection)
	return &cloudformation.UpdateTerminationProtectionOutput{StackId: s.Stack.StackId}, nil
}

// driftable reports whether drift detection may run on a stack in this
// status.
func driftable(st cfntypes.StackStatus) bool {
	switch st {
	case cfntypes.StackStatusCreateComplete, cfntypes.StackStatusUpdateComplete,
		cfntypes.StackStatusUpdateRollbackComplete, cfntypes.StackStatusUpdateRollbackFailed,
		cfntypes.StackStatusImportComplete, cfntypes.StackStatusImportRollbackComplete,
		cfntypes.StackStatusRollbackFailed, cfntypes.StackStatusDeleteFailed:
		return true
	}
	return false
}

// DetectStackDrift starts a drift detection on a stack and returns its ID.
func (f *CloudFormation) DetectStackDrift(ctx context.Context, in *cloudformation.DetectStackDriftInput, optFns ...func(*cloudformation.Options)) (*cloudformation.DetectStackDriftOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	r, _ := f.regionOf(ctx, optFns)
	s, err := r.mustFind(in.StackName)
	if err != nil {
		return nil, err
	}
	if !driftable(s.Stack.StackStatus) {
		return nil, stackValidation("Drift detection is not supported on stacks in status " + string(s.Stack.StackStatus))
	}
	r.nextID++
	h := sha256.Sum256([]byte(aws.ToString(s.Stack.StackId) + strconv.Itoa(r.nextID)))
	id := fmt.Sprintf("%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
	r.detections[id] = &driftDetection{stack: s}
	return &cloudformation.DetectStackDriftOutput{StackDriftDetectionId: aws.String(id)}, nil
}

// DescribeStackDriftDetectionStatus reports a detection: in progress for
// the stack's DriftPolls calls, then complete (or failed).
func (f *CloudFormation) DescribeStackDriftDetectionStatus(ctx context.Context, in *cloudformation.DescribeStackDriftDetectionStatusInput, optFns ...func(*cloudformation.Options)) (*cloudformation.DescribeStackDriftDetectionStatusOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	r, _ := f.regionOf(ctx, optFns)
	d := r.detections[aws.ToString(in.StackDriftDetectionId)]
	if d == nil {
		return nil, stackValidation("Drift detection with id " + aws.ToString(in.StackDriftDetectionId) + " does not exist")
	}
	now := f.acct.now()
	out := &cloudformation.DescribeStackDriftDetectionStatusOutput{
		StackDriftDetectionId: in.StackDriftDetectionId,
		StackId:               d.stack.Stack.StackId,
		Timestamp:             &now,
	}
	d.polls++
	if d.polls <= d.stack.DriftPolls {
		out.DetectionStatus = cfntypes.StackDriftDetectionStatusDetectionInProgress
		return out, nil
	}
	drifted := int32(0)
	for _, rd := range d.stack.ResourceDrifts {
		if isDrifted(rd.StackResourceDriftStatus) {
			drifted++
		}
	}
	out.DetectionStatus = cfntypes.StackDriftDetectionStatusDetectionComplete
	if d.stack.DriftFailure != "" {
		out.DetectionStatus = cfntypes.StackDriftDetectionStatusDetectionFailed
		out.DetectionStatusReason = aws.String(d.stack.DriftFailure)
	}
	out.StackDriftStatus = cfntypes.StackDriftStatusInSync
	if drifted > 0 {
		out.StackDriftStatus = cfntypes.StackDriftStatusDrifted
	}
	out.DriftedStackResourceCount = aws.Int32(drifted)
	status := out.StackDriftStatus
	d.stack.Stack.DriftInformation = &cfntypes.StackDriftInformation{StackDriftStatus: status, LastCheckTimestamp: &now}
	return out, nil
}

func isDrifted(s cfntypes.StackResourceDriftStatus) bool {
	return s == cfntypes.StackResourceDriftStatusModified || s == cfntypes.StackResourceDriftStatusDeleted
}

// DescribeStackResourceDrifts lists the resource drifts of a stack's last
// detection, filtered by status.
func (f *CloudFormation) DescribeStackResourceDrifts(ctx context.Context, in *cloudformation.DescribeStackResourceDriftsInput, optFns ...func(*cloudformation.Options)) (*cloudformation.DescribeStackResourceDriftsOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	r, _ := f.regionOf(ctx, optFns)
	s, err := r.mustFind(in.StackName)
	if err != nil {
		return nil, err
	}
	var all []cfntypes.StackResourceDrift
	for _, rd := range s.ResourceDrifts {
		if len(in.StackResourceDriftStatusFilters) == 0 || slices.Contains(in.StackResourceDriftStatusFilters, rd.StackResourceDriftStatus) {
			all = append(all, rd)
		}
	}
	items, next, err := page(f.acct, all, in.NextToken, aws.ToInt32(in.MaxResults))
	if err != nil {
		return nil, err
	}
	return &cloudformation.DescribeStackResourceDriftsOutput{StackResourceDrifts: items, NextToken: next}, nil
}

// ContinueUpdateRollback resumes the rollback of a stack in
// UPDATE_ROLLBACK_FAILED. Nested stacks refuse: the root stack is the one
// to continue.
func (f *CloudFormation) ContinueUpdateRollback(ctx context.Context, in *cloudformation.ContinueUpdateRollbackInput, optFns ...func(*cloudformation.Options)) (*cloudformation.ContinueUpdateRollbackOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	r, _ := f.regionOf(ctx, optFns)
	s, err := r.mustFind(in.StackName)
	if err != nil {
		return nil, err
	}
	if s.Stack.ParentId != nil {
		return nil, stackValidation("ContinueUpdateRollback cannot be called on nested stack " + aws.ToString(s.Stack.StackName) + ": call it on the root stack " + aws.ToString(s.Stack.RootId))
	}
	if s.Stack.StackStatus != cfntypes.StackStatusUpdateRollbackFailed {
		return nil, stackValidation("Stack " + aws.ToString(s.Stack.StackName) + " is in " + string(s.Stack.StackStatus) + " state and can not continue update rollback")
	}
	for _, id := range in.ResourcesToSkip {
		if strings.TrimSpace(id) == "" {
			return nil, stackValidation("ResourcesToSkip contains an empty logical ID")
		}
	}
	s.Stack.StackStatus = cfntypes.StackStatusUpdateRollbackInProgress
	s.Stack.StackStatusReason = aws.String("User Initiated")
	s.rollingBack, s.rollbackLeft = true, s.RollbackPolls
	return &cloudformation.ContinueUpdateRollbackOutput{}, nil
}
