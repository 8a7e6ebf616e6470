package fakeaws

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// seedIncidentDemo adds the incident domain's state to the demo account; the
// account lock is held.
//
// us-east-1: stacks that pass and fail termination protection,
// notifications, drift and stuck states (with a nested stack); alert rules
// for GuardDuty and Security Hub findings to a subscribed topic, root
// sign-in to an unconfirmed one and nothing for CloudTrail tampering; a
// public custom event bus. eu-west-1: one healthy stack and every alert
// rule. ap-southeast-2: nothing at all (every stack control has nothing to
// report, alert rules fail).
func seedIncidentDemo(a *Account) {
	now := a.now()
	cf := a.CloudFormation
	at := func(d time.Duration) *time.Time { t := now.Add(-d); return &t }
	day := 24 * time.Hour

	ops := "arn:aws:sns:us-east-1:" + a.ID + ":ops-stack-events"
	network := cf.AddStack("us-east-1", cfntypes.Stack{StackName: aws.String("core-network"), EnableTerminationProtection: aws.Bool(true),
		NotificationARNs: []string{ops}, CreationTime: at(400 * day), StackStatus: cfntypes.StackStatusUpdateComplete, LastUpdatedTime: at(30 * day)})
	network.ResourceDrifts = []cfntypes.StackResourceDrift{{LogicalResourceId: aws.String("Vpc"), ResourceType: aws.String("AWS::EC2::VPC"), StackResourceDriftStatus: cfntypes.StackResourceDriftStatusInSync}}
	cf.AddStack("us-east-1", cfntypes.Stack{StackName: aws.String("core-network-Subnets-1X2Y3Z"), ParentId: network.Stack.StackId, RootId: network.Stack.StackId,
		EnableTerminationProtection: aws.Bool(true), NotificationARNs: []string{ops}, CreationTime: at(400 * day)})
	payments := cf.AddStack("us-east-1", cfntypes.Stack{StackName: aws.String("payments-api"), CreationTime: at(120 * day), StackStatus: cfntypes.StackStatusUpdateComplete})
	payments.ResourceDrifts = []cfntypes.StackResourceDrift{
		{LogicalResourceId: aws.String("ApiSecurityGroup"), ResourceType: aws.String("AWS::EC2::SecurityGroup"), StackResourceDriftStatus: cfntypes.StackResourceDriftStatusModified},
		{LogicalResourceId: aws.String("AuditBucket"), ResourceType: aws.String("AWS::S3::Bucket"), StackResourceDriftStatus: cfntypes.StackResourceDriftStatusInSync},
	}
	cf.AddStack("us-east-1", cfntypes.Stack{StackName: aws.String("legacy-batch"), CreationTime: at(700 * day), StackStatus: cfntypes.StackStatusUpdateRollbackFailed,
		StackStatusReason: aws.String("The following resource(s) failed to update: [BatchQueue]."), NotificationARNs: []string{ops}})
	cf.AddStack("us-east-1", cfntypes.Stack{StackName: aws.String("old-reports"), CreationTime: at(900 * day), StackStatus: cfntypes.StackStatusDeleteComplete, DeletionTime: at(10 * day)})
	cf.AddStack("eu-west-1", cfntypes.Stack{StackName: aws.String("eu-web"), EnableTerminationProtection: aws.Bool(true),
		NotificationARNs: []string{"arn:aws:sns:eu-west-1:" + a.ID + ":ops-stack-events"}, CreationTime: at(200 * day)})

	// Alerting.
	a.SNS.AddTopic("us-east-1", "security-alerts", "email:secops@example.com")
	a.SNS.AddTopic("us-east-1", "root-alerts", "pending:email:cto@example.com")
	a.SNS.AddTopic("eu-west-1", "security-alerts", "email:secops@example.com", "https:https://pager.example.com/hook")
	eb := a.EventBridge
	sec := "arn:aws:sns:us-east-1:" + a.ID + ":security-alerts"
	target := func(arn string) ebtypes.Target { return ebtypes.Target{Id: aws.String("sns"), Arn: aws.String(arn)} }
	eb.AddRule("us-east-1", "", "guardduty-and-securityhub", `{"source": ["aws.guardduty", "aws.securityhub"]}`, target(sec))
	eb.AddRule("us-east-1", "", "root-console-login", `{"detail-type":["AWS Console Sign In via CloudTrail"],"detail":{"userIdentity":{"type":["Root"]}}}`, target("arn:aws:sns:us-east-1:"+a.ID+":root-alerts"))
	eb.AddRule("us-east-1", "", "trail-stops", `{"source":["aws.cloudtrail"],"detail":{"eventName":["StopLogging"]}}`, target(sec))
	eb.AddRule("us-east-1", "", "nightly-report", `{"source":["aws.backup"]}`).Rule.State = ebtypes.RuleStateDisabled
	eb.Bus("us-east-1", "default").Policy = `{"Version":"2012-10-17","Statement":[{"Sid":"OrgPutEvents","Effect":"Allow","Principal":"*","Action":"events:PutEvents","Resource":"arn:aws:events:us-east-1:` + a.ID + `:event-bus/default","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-demo1234"}}}]}`
	eb.Bus("us-east-1", "partner-orders").Policy = `{"Version":"2012-10-17","Statement":[{"Sid":"AnyonePutEvents","Effect":"Allow","Principal":"*","Action":"events:PutEvents","Resource":"arn:aws:events:us-east-1:` + a.ID + `:event-bus/partner-orders"}]}`
	eb.Bus("us-east-1", "analytics") // no policy
	euSec := "arn:aws:sns:eu-west-1:" + a.ID + ":security-alerts"
	for name, p := range map[string]string{
		"findings":  `{"source":["aws.guardduty","aws.securityhub"],"detail-type":["GuardDuty Finding","Security Hub Findings - Imported"]}`,
		"root":      `{"source":["aws.signin"],"detail":{"userIdentity":{"type":["Root"]}}}`,
		"tampering": `{"detail":{"eventSource":["cloudtrail.amazonaws.com"],"eventName":["StopLogging","DeleteTrail","UpdateTrail","PutEventSelectors"]}}`,
	} {
		eb.AddRule("eu-west-1", "", name, p, target(euSec))
	}

	// A user whose key the containment example acts on.
	u := a.IAM.userLocked("ci-deploy")
	if u == nil {
		u = a.IAM.addUserLocked("ci-deploy", now.Add(-300*day))
	}
	u.AddAccessKey("AKIADEMOCIDEPLOY0001", iamtypes.StatusTypeActive, now.Add(-200*day), at(3*time.Hour))
}
