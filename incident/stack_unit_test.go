package incident

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/google/go-cmp/cmp"

	"github.com/secpillar/secpillar"
)

// describeStacksFunc is a hand-written fake of DescribeStacksAPI.
type describeStacksFunc func(in *cloudformation.DescribeStacksInput) (*cloudformation.DescribeStacksOutput, error)

func (f describeStacksFunc) DescribeStacks(_ context.Context, in *cloudformation.DescribeStacksInput, _ ...func(*cloudformation.Options)) (*cloudformation.DescribeStacksOutput, error) {
	return f(in)
}

func TestListStacksWithHandWrittenFake(t *testing.T) {
	const id = "arn:aws:cloudformation:eu-west-1:111122223333:stack/a/1"
	pages := map[string]*cloudformation.DescribeStacksOutput{
		"":   {Stacks: []cfntypes.Stack{{StackId: aws.String(id), StackName: aws.String("a"), StackStatus: cfntypes.StackStatusCreateComplete}}, NextToken: aws.String("p2")},
		"p2": {Stacks: []cfntypes.Stack{{StackId: aws.String(id + "x"), StackName: aws.String("gone"), StackStatus: cfntypes.StackStatusDeleteComplete}}},
	}
	api := describeStacksFunc(func(in *cloudformation.DescribeStacksInput) (*cloudformation.DescribeStacksOutput, error) {
		return pages[aws.ToString(in.NextToken)], nil
	})
	fs, err := CheckStackNotifications(context.Background(), api)
	if err != nil {
		t.Fatal(err)
	}
	want := []secpillar.Finding{{
		Control: StackNotificationsID, Status: secpillar.StatusFail, Severity: secpillar.SeverityLow,
		Resource: secpillar.Resource{Type: StackResourceType, ID: id, Region: "eu-west-1", Account: "111122223333"},
		Reason:   "Stack a sends its events to no SNS topic: set NotificationARNs on its next update.",
		Evidence: map[string]string{"stack_name": "a"},
	}}
	if diff := cmp.Diff(want, fs); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}

	boom := errors.New("throttled past retries")
	_, err = CheckStackNotifications(context.Background(), describeStacksFunc(func(*cloudformation.DescribeStacksInput) (*cloudformation.DescribeStacksOutput, error) {
		return nil, boom
	}))
	if !errors.Is(err, boom) {
		t.Errorf("err = %v, want the API error wrapped", err)
	}
}
