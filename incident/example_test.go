package incident_test

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/incident"
	"github.com/secpillar/secpillar/internal/fakeaws"
)

func ExampleCheckStackTerminationProtection() {
	acct := fakeaws.New("111122223333")
	acct.CloudFormation.AddStack("us-east-1", cfntypes.Stack{StackName: aws.String("network"), EnableTerminationProtection: aws.Bool(true)})
	acct.CloudFormation.AddStack("us-east-1", cfntypes.Stack{StackName: aws.String("payments")})
	client := cloudformation.NewFromConfig(acct.Config())

	findings, err := incident.CheckStackTerminationProtection(context.Background(), client)
	if err != nil {
		fmt.Println("could not evaluate:", err)
		return
	}
	for _, f := range findings {
		fmt.Println(f.Status, f.Reason)
	}
	// Output:
	// PASS Stack network has termination protection.
	// FAIL Stack payments can be deleted in one call: turn on termination protection.
}

func ExampleRemediateStackTerminationProtection() {
	acct := fakeaws.New("111122223333")
	acct.CloudFormation.AddStack("us-east-1", cfntypes.Stack{StackName: aws.String("payments")})
	client := cloudformation.NewFromConfig(acct.Config())
	ctx := context.Background()

	plan, err := incident.RemediateStackTerminationProtection(ctx, client, "payments", secpillar.DryRun)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(plan.Outcome, plan.Changes[0].Action, plan.Changes[0].Before, "->", plan.Changes[0].After)

	done, err := incident.RemediateStackTerminationProtection(ctx, client, "payments")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(done.Outcome)

	again, _ := incident.RemediateStackTerminationProtection(ctx, client, "payments")
	fmt.Println(again.Outcome)
	// Output:
	// PLANNED cloudformation:UpdateTerminationProtection false -> true
	// CHANGED
	// COMPLIANT
}
