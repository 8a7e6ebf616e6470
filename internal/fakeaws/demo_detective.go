package fakeaws

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	gdtypes "github.com/aws/aws-sdk-go-v2/service/guardduty/types"
	macietypes "github.com/aws/aws-sdk-go-v2/service/macie2/types"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// demoAlarmPatterns are the metric filters of the demo's management trail
// log group, written the way people write them (spacing, quoting and order
// vary). Root usage and console authentication failures are broken on
// purpose further down.
var demoAlarmPatterns = []struct{ name, metric, pattern string }{
	{"UnauthorizedAPICalls", "UnauthorizedAPICalls", `{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") && ($.sourceIPAddress != "delivery.logs.amazonaws.com") && ($.eventName != "HeadBucket") }`},
	{"RootUsage", "RootAccountUsage", `{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}`},
	{"IAMPolicyChanges", "IAMPolicyEventCount", "{($.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)||($.eventName=DeleteUserPolicy)||\n($.eventName=PutGroupPolicy)||($.eventName=PutRolePolicy)||($.eventName=PutUserPolicy)||($.eventName=CreatePolicy)||\n($.eventName=DeletePolicy)||($.eventName=CreatePolicyVersion)||($.eventName=DeletePolicyVersion)||($.eventName=AttachRolePolicy)||\n($.eventName=DetachRolePolicy)||($.eventName=AttachUserPolicy)||($.eventName=DetachUserPolicy)||($.eventName=AttachGroupPolicy)||($.eventName=DetachGroupPolicy)}"},
	{"CloudTrailChanges", "CloudTrailEventCount", `{ ($.eventName = StopLogging) || ($.eventName = DeleteTrail) || ($.eventName = UpdateTrail) || ($.eventName = CreateTrail) || ($.eventName = StartLogging) }`},
	{"ConsoleAuthFailures", "ConsoleSigninFailureCount", `{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }`},
	{"SecurityGroupChanges", "SecurityGroupEventCount", `{ ($.eventName = "AuthorizeSecurityGroupIngress") || ($.eventName = "AuthorizeSecurityGroupEgress") || ($.eventName = "RevokeSecurityGroupIngress") || ($.eventName = "RevokeSecurityGroupEgress") || ($.eventName = "CreateSecurityGroup") || ($.eventName = "DeleteSecurityGroup") }`},
	// Misses DeleteVpcPeeringConnection and the ClassicLink events.
	{"VPCChanges", "VpcEventCount", `{ ($.eventName = CreateVpc) || ($.eventName = DeleteVpc) || ($.eventName = ModifyVpcAttribute) || ($.eventName = AcceptVpcPeeringConnection) || ($.eventName = CreateVpcPeeringConnection) || ($.eventName = RejectVpcPeeringConnection) }`},
}

// seedDetectiveDemo adds the detective domain's state to the demo account; the
// account lock is held.
//
// us-east-1 holds the organization's management trail (multi-Region,
// validated, KMS, CloudWatch Logs, S3 write events) and most alarm chains;
// eu-west-1 a careless single-Region trail, a stopped Config recorder,
// paused Macie and GuardDuty without two plans; ap-southeast-2 has no
// trail, no recorder, no GuardDuty and no Security Hub.
func seedDetectiveDemo(a *Account) {
	const home = "us-east-1"
	group := a.Logs.AddLogGroup(home, "aws-cloudtrail-logs-management", 365)
	mgmt := a.CloudTrail.AddTrail(CloudTrailTrail{Trail: cttypes.Trail{
		Name: aws.String("management-events"), HomeRegion: aws.String(home), S3BucketName: aws.String("demo-cloudtrail-logs-" + a.ID),
		IsMultiRegionTrail: aws.Bool(true), IncludeGlobalServiceEvents: aws.Bool(true), IsOrganizationTrail: aws.Bool(false),
		LogFileValidationEnabled: aws.Bool(true), KmsKeyId: aws.String("arn:aws:kms:us-east-1:" + a.ID + ":key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"),
		CloudWatchLogsLogGroupArn: aws.String(group), CloudWatchLogsRoleArn: aws.String("arn:aws:iam::" + a.ID + ":role/CloudTrailToCloudWatchLogs"),
	}, Logging: true})
	mgmt.EventSelectors = []cttypes.EventSelector{
		{ReadWriteType: cttypes.ReadWriteTypeAll, IncludeManagementEvents: aws.Bool(true), DataResources: []cttypes.DataResource{}, ExcludeManagementEventSources: []string{}},
		{ReadWriteType: cttypes.ReadWriteTypeWriteOnly, IncludeManagementEvents: aws.Bool(false), ExcludeManagementEventSources: []string{},
			DataResources: []cttypes.DataResource{{Type: aws.String("AWS::S3::Object"), Values: []string{"arn:aws:s3"}}}},
	}
	a.CloudTrail.AddTrail(CloudTrailTrail{Trail: cttypes.Trail{
		Name: aws.String("eu-app-trail"), HomeRegion: aws.String("eu-west-1"), S3BucketName: aws.String("demo-eu-app-trail-" + a.ID),
		IsMultiRegionTrail: aws.Bool(false), IncludeGlobalServiceEvents: aws.Bool(false), IsOrganizationTrail: aws.Bool(false),
		LogFileValidationEnabled: aws.Bool(false),
	}, Logging: true})

	// The trail buckets: the management one private and logged, the EU
	// one readable by anyone (a policy someone added for a dashboard).
	mb := a.S3.Bucket("demo-cloudtrail-logs-"+a.ID, home)
	mb.PublicAccessBlock = &s3types.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(true), IgnorePublicAcls: aws.Bool(true), BlockPublicPolicy: aws.Bool(true), RestrictPublicBuckets: aws.Bool(true)}
	mb.Logging = &s3types.LoggingEnabled{TargetBucket: aws.String("demo-access-logs-" + a.ID), TargetPrefix: aws.String("cloudtrail/")}
	mb.Policy = `{"Version":"2012-10-17","Statement":[{"Sid":"AWSCloudTrailWrite","Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::demo-cloudtrail-logs-` + a.ID + `/AWSLogs/*"}]}`
	eb := a.S3.Bucket("demo-eu-app-trail-"+a.ID, "eu-west-1")
	eb.Policy = `{"Version":"2012-10-17","Statement":[{"Sid":"Dashboard","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::demo-eu-app-trail-` + a.ID + `/*"}]}`

	alerts := a.SNS.AddTopic(home, "security-alerts", "email:secops@example.com", "https:https://pager.example.com/hooks/aws")
	unconfirmed := a.SNS.AddTopic(home, "root-activity", "pending:email:cto@example.com")
	for _, p := range demoAlarmPatterns {
		a.Logs.AddMetricFilter(home, "aws-cloudtrail-logs-management", p.name, p.pattern, p.metric, "CISBenchmark")
		switch p.name {
		case "ConsoleAuthFailures": // filter without an alarm
		case "RootUsage":
			a.CloudWatch.AddAlarm(home, "cis-"+p.name, p.metric, "CISBenchmark", unconfirmed.ARN)
		default:
			a.CloudWatch.AddAlarm(home, "cis-"+p.name, p.metric, "CISBenchmark", alerts.ARN)
		}
	}
	a.CloudWatch.AddAlarm(home, "high-cpu-orders", "CPUUtilization", "AWS/EC2", alerts.ARN)

	a.Logs.AddLogGroup("eu-west-1", "/aws/lambda/orders", 14)
	a.Logs.AddLogGroup("eu-west-1", "/aws/rds/instance/orders-db/postgresql", 400)
	a.Logs.AddLogGroup("ap-southeast-2", "/ecs/payments", 0)
	a.Logs.AddLogGroup("ap-southeast-2", "/vpc/flow-logs", 90)

	a.ConfigService.AddRecorder(home, true, true, "demo-config-"+a.ID)
	a.ConfigService.AddRecorder("eu-west-1", true, false, "demo-config-"+a.ID)

	gd := a.GuardDuty.EnableDetector(home)
	gd.Findings = []GuardDutyFinding{
		{ID: "5ec0a1b2c3d4e5f60718293a4b5c6d7e", Type: "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS", Severity: 8},
		{ID: "6fd1b2c3d4e5f60718293a4b5c6d7e8f", Type: "CryptoCurrency:EC2/BitcoinTool.B!DNS", Severity: 7.5},
		{ID: "70e2c3d4e5f60718293a4b5c6d7e8f90", Type: "Recon:EC2/PortProbeUnprotectedPort", Severity: 2},
		{ID: "81f3d4e5f60718293a4b5c6d7e8f9001", Type: "Trojan:EC2/DNSDataExfiltration", Severity: 8, Archived: true},
	}
	a.GuardDuty.EnableDetector("eu-west-1", gdtypes.DetectorFeatureResultRdsLoginEvents, gdtypes.DetectorFeatureResultRuntimeMonitoring)

	a.SecurityHub.Region(home).Enabled = true
	a.SecurityHub.Region(home).SubscribedAt = a.now().AddDate(-1, 0, 0).Format("2006-01-02T15:04:05.000Z")
	a.SecurityHub.Region("eu-west-1").Enabled = true
	a.SecurityHub.Region("eu-west-1").SubscribedAt = a.now().AddDate(0, -3, 0).Format("2006-01-02T15:04:05.000Z")

	a.Macie2.Status = map[string]macietypes.MacieStatus{home: macietypes.MacieStatusEnabled, "eu-west-1": macietypes.MacieStatusPaused}
}
