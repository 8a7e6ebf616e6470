package incident_test

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

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

func ExampleContainCompromisedKey() {
	// A fake account where user "build-bot" has a leaked key.
	acct := fakeaws.New("111122223333")
	now := time.Date(2026, 12, 1, 9, 30, 0, 0, time.UTC)
	acct.Now = func() time.Time { return now }
	bot := acct.IAM.AddUser("build-bot", now.AddDate(-1, 0, 0))
	used := now.Add(-15 * time.Minute)
	bot.AddAccessKey("AKIABUILDBOT00000001", iamtypes.StatusTypeActive, now.AddDate(0, -6, 0), &used)
	cfg := acct.Config()

	// Dry run: the whole plan, no write.
	rep, err := incident.ContainCompromisedKey(context.Background(), sts.NewFromConfig(cfg), iam.NewFromConfig(cfg),
		"AKIABUILDBOT00000001", incident.PlaybookDryRun, func(o *incident.CompromisedKeyOptions) {
			o.RevokeSessions = true
			o.Now = func() time.Time { return now }
		})
	if err != nil {
		fmt.Println("playbook:", err)
	}
	fmt.Println("account", rep.Account, "user", rep.User, "contained", rep.Contained)
	for _, s := range rep.Steps {
		fmt.Printf("%-8s %s", s.Outcome, s.Name)
		if s.Detail != "" {
			fmt.Printf(": %s", s.Detail)
		}
		fmt.Println()
		if s.Remediation != nil {
			for _, c := range s.Remediation.Changes {
				fmt.Printf("         %s %s: %s -> %s\n", c.Action, c.Field, c.Before, c.After)
			}
		}
	}
	// Output:
	// account 111122223333 user build-bot contained true
	// DONE     find the key's account (sts:GetAccessKeyInfo): account 111122223333
	// DONE     find the key's owner (iam:GetAccessKeyLastUsed): user build-bot, last used 2026-12-01T09:15:00Z by s3 in us-east-1
	// PLANNED  deactivate the key
	//          iam:UpdateAccessKey AccessKey AKIABUILDBOT00000001 Status: Active -> Inactive
	// PLANNED  revoke the owner's sessions
	//          iam:PutUserPolicy inline policy AWSRevokeOlderSessions: absent -> sessions issued before 2026-12-01T09:30:00Z denied
	// SKIPPED  quarantine the owner: not requested
	// SKIPPED  disable the owner's console access: not requested
}
