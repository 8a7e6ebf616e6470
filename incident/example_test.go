package incident_test

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"
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

func ExampleCheckSecurityAlertRules() {
	acct := fakeaws.New("111122223333")
	topic := acct.SNS.AddTopic("us-east-1", "security-alerts", "email:secops@example.com")
	// Written differently from the canonical pattern, with the same meaning.
	acct.EventBridge.AddRule("us-east-1", "", "findings", `{"source": ["aws.securityhub", "aws.guardduty"]}`,
		ebtypes.Target{Id: aws.String("sns"), Arn: aws.String(topic.ARN)})
	cfg := acct.Config()

	f, err := incident.CheckSecurityAlertRules(context.Background(), eventbridge.NewFromConfig(cfg), sns.NewFromConfig(cfg))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(f.Status)
	for _, c := range incident.AlertCategories() {
		fmt.Println(c, "->", f.Evidence[string(c)])
	}
	// Output:
	// FAIL
	// guardduty-findings -> findings -> arn:aws:sns:us-east-1:111122223333:security-alerts
	// securityhub-findings -> findings -> arn:aws:sns:us-east-1:111122223333:security-alerts
	// root-sign-in -> missing
	// cloudtrail-tampering -> missing
}

func ExampleIsolateInstance() {
	acct := fakeaws.New("111122223333")
	r := acct.EC2.Region("us-east-1")
	web := r.AddSecurityGroup("111122223333", "us-east-1", ec2types.SecurityGroup{GroupName: aws.String("web"), VpcId: aws.String("vpc-1"), Description: aws.String("web")})
	id := r.AddIncidentInstance("111122223333", "us-east-1", fakeaws.IncidentInstance{VpcID: "vpc-1", SubnetID: "subnet-1", Groups: []string{web}})
	cfg := acct.Config()
	clients := incident.IsolationClients{EC2: ec2.NewFromConfig(cfg), AutoScaling: autoscaling.NewFromConfig(cfg), ELB: elbv2.NewFromConfig(cfg)}

	plan, err := incident.IsolateInstance(context.Background(), clients, id, "IR-7", incident.IsolateDryRun)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(plan.Outcome)
	for _, c := range plan.Changes {
		fmt.Println(c.Action)
	}
	// Output:
	// PLANNED
	// ec2:CreateSnapshot
	// ec2:ModifyInstanceAttribute
	// ec2:ModifyInstanceAttribute
	// ec2:CreateSecurityGroup
	// ec2:RevokeSecurityGroupEgress
	// ec2:CreateTags
	// ec2:ModifyNetworkInterfaceAttribute
	// ec2:CreateTags
}
