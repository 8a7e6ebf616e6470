package incident

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"

	"github.com/secpillar/secpillar"
)

// StackResourceType is the resource type of CloudFormation stack findings.
const StackResourceType = "AWS::CloudFormation::Stack"

// DescribeStacksAPI is the part of the CloudFormation API that lists
// stacks. *cloudformation.Client satisfies it.
type DescribeStacksAPI interface {
	DescribeStacks(ctx context.Context, in *cloudformation.DescribeStacksInput, optFns ...func(*cloudformation.Options)) (*cloudformation.DescribeStacksOutput, error)
}

var _ DescribeStacksAPI = (*cloudformation.Client)(nil)

// stackInfo is what the stack controls read from one stack, validated.
type stackInfo struct {
	stack    cfntypes.Stack
	id, name string
	resource secpillar.Resource
	nested   bool
}

// listStacks walks DescribeStacks and returns every stack that is not
// deleted, validated: a stack without an ID or name, or with a status this
// library does not know, is an error.
func listStacks(ctx context.Context, api DescribeStacksAPI) ([]stackInfo, error) {
	var out []stackInfo
	p := cloudformation.NewDescribeStacksPaginator(api, &cloudformation.DescribeStacksInput{})
	for p.HasMorePages() {
		pg, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("incident: list stacks: %w", err)
		}
		for _, s := range pg.Stacks {
			si, err := newStackInfo(s)
			if err != nil {
				return nil, err
			}
			if s.StackStatus == cfntypes.StackStatusDeleteComplete {
				continue
			}
			out = append(out, si)
		}
	}
	return out, nil
}

// describeStack reads one stack by name or ID.
func describeStack(ctx context.Context, api DescribeStacksAPI, nameOrID string) (stackInfo, error) {
	out, err := api.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String(nameOrID)})
	if err != nil {
		return stackInfo{}, fmt.Errorf("incident: read stack %q: %w", nameOrID, err)
	}
	if len(out.Stacks) != 1 {
		return stackInfo{}, fmt.Errorf("incident: read stack %q: DescribeStacks returned %d stacks, want 1", nameOrID, len(out.Stacks))
	}
	return newStackInfo(out.Stacks[0])
}

func newStackInfo(s cfntypes.Stack) (stackInfo, error) {
	id, name := aws.ToString(s.StackId), aws.ToString(s.StackName)
	if id == "" {
		return stackInfo{}, fmt.Errorf("incident: DescribeStacks returned stack %q without a StackId", name)
	}
	if name == "" {
		return stackInfo{}, fmt.Errorf("incident: DescribeStacks returned stack %s without a StackName", id)
	}
	if !slices.Contains(s.StackStatus.Values(), s.StackStatus) {
		return stackInfo{}, fmt.Errorf("incident: stack %s has status %q, which this library does not know", id, s.StackStatus)
	}
	res := secpillar.Resource{Type: StackResourceType, ID: id}
	if a, err := arn.Parse(id); err == nil {
		res.Region, res.Account = a.Region, a.AccountID
	}
	// A nested stack names its parent and its root; either is enough, so
	// that one missing field does not turn a nested stack into a root.
	root := aws.ToString(s.RootId)
	nested := aws.ToString(s.ParentId) != "" || (root != "" && root != id)
	return stackInfo{stack: s, id: id, name: name, resource: res, nested: nested}, nil
}

// stackTarget checks a stack name or ID given by a caller.
func stackTarget(fn, stack string) error {
	if stack == "" {
		return fmt.Errorf("incident: %s: empty stack name", fn)
	}
	if len(stack) > 4 && stack[:4] == "arn:" {
		if a, err := arn.Parse(stack); err != nil || a.Service != "cloudformation" {
			return fmt.Errorf("incident: %s: stack %q is not a CloudFormation stack ARN", fn, stack)
		}
	}
	return nil
}

// findingStack returns the stack a finding is about, for the Remediate
// adapters.
func findingStack(f secpillar.Finding, control string) (string, error) {
	if f.Control != "" && f.Control != control {
		return "", fmt.Errorf("incident: finding of control %q given to %s", f.Control, control)
	}
	if f.Resource.Type != StackResourceType || f.Resource.ID == "" {
		return "", errors.New("incident: " + control + ": the finding is not about a CloudFormation stack")
	}
	return f.Resource.ID, nil
}

func withRegion(region string) func(*cloudformation.Options) {
	return func(o *cloudformation.Options) {
		if region != "" {
			o.Region = region
		}
	}
}

func optsOf(opts secpillar.RemediateOptions) func(*secpillar.RemediateOptions) {
	return func(o *secpillar.RemediateOptions) { *o = opts }
}
