package filterpattern

import (
	"fmt"
	"sort"
	"strings"
)

// Requirement is what an alarm's metric filter must catch: the CloudTrail
// events (decoded JSON records) it must match, and the canonical pattern
// that catches them.
type Requirement struct {
	// ID is the CIS AWS Foundations Benchmark 3.0.0 recommendation, such
	// as "4.3".
	ID string
	// Name is a short slug, such as "root-usage".
	Name string
	// Pattern is the canonical filter pattern for the requirement.
	Pattern string
	// Events are example CloudTrail records that the filter must match.
	Events []map[string]any
}

// Coverage is the verdict of Covers.
type Coverage struct {
	// Covered is true when the pattern matches every required event.
	Covered bool
	// Missed describes the required events the pattern does not match.
	Missed []string
}

// Covers parses pattern and evaluates it against every event of req. A
// pattern that requires a field the events lack, or that leaves out one
// required event, does not cover. A pattern that does not parse is an
// error; a pattern that is not a JSON pattern does not cover.
func Covers(pattern string, req Requirement) (Coverage, error) {
	p, err := Parse(pattern)
	if err == ErrNotJSON {
		return Coverage{Missed: []string{"every event (not a JSON pattern)"}}, nil
	}
	if err != nil {
		return Coverage{}, err
	}
	return p.Covers(req), nil
}

// Covers evaluates the pattern against every event of req.
func (p *Pattern) Covers(req Requirement) Coverage {
	c := Coverage{Covered: true}
	for _, ev := range req.Events {
		if !p.Match(ev) {
			c.Covered = false
			c.Missed = append(c.Missed, Describe(ev))
		}
	}
	return c
}

// Describe names an event by its source, name and the fields that set it
// apart (error code, identity type).
func Describe(ev map[string]any) string {
	s := fmt.Sprint(ev["eventName"])
	if src, ok := ev["eventSource"].(string); ok {
		s = strings.TrimSuffix(src, ".amazonaws.com") + ":" + s
	}
	var extra []string
	if c, ok := ev["errorCode"].(string); ok {
		extra = append(extra, "errorCode="+c)
	}
	if m, ok := ev["errorMessage"].(string); ok {
		extra = append(extra, "errorMessage="+m)
	}
	if id, ok := ev["userIdentity"].(map[string]any); ok && id["type"] != "IAMUser" {
		extra = append(extra, fmt.Sprint("userIdentity.type=", id["type"]))
	}
	if len(extra) > 0 {
		s += " (" + strings.Join(extra, ", ") + ")"
	}
	return s
}

const exampleAccount = "111122223333"

// event builds a plausible CloudTrail management event record.
func event(source, name string, extra map[string]any) map[string]any {
	ev := map[string]any{
		"eventVersion":       "1.09",
		"eventTime":          "2024-05-01T12:00:00Z",
		"eventSource":        source + ".amazonaws.com",
		"eventName":          name,
		"awsRegion":          "us-east-1",
		"eventType":          "AwsApiCall",
		"eventCategory":      "Management",
		"readOnly":           false,
		"managementEvent":    true,
		"sourceIPAddress":    "203.0.113.10",
		"userAgent":          "aws-cli/2.15.0",
		"recipientAccountId": exampleAccount,
		"userIdentity": map[string]any{
			"type":        "IAMUser",
			"principalId": "AIDAEXAMPLEEXAMPLE01",
			"arn":         "arn:aws:iam::" + exampleAccount + ":user/alice",
			"accountId":   exampleAccount,
			"userName":    "alice",
		},
		"requestParameters": map[string]any{},
		"responseElements":  nil,
	}
	for k, v := range extra {
		ev[k] = v
	}
	return ev
}

func events(source string, names ...string) []map[string]any {
	out := make([]map[string]any, 0, len(names))
	for _, n := range names {
		out = append(out, event(source, n, nil))
	}
	return out
}

func root(extra map[string]any) map[string]any {
	m := map[string]any{"userIdentity": map[string]any{
		"type": "Root", "principalId": exampleAccount, "arn": "arn:aws:iam::" + exampleAccount + ":root", "accountId": exampleAccount,
	}}
	for k, v := range extra {
		m[k] = v
	}
	return m
}

func orNames(source string, names ...string) string {
	var parts []string
	for _, n := range names {
		parts = append(parts, "($.eventName = "+n+")")
	}
	s := strings.Join(parts, " || ")
	if source != "" {
		return "{ ($.eventSource = " + source + ".amazonaws.com) && (" + s + ") }"
	}
	return "{ " + s + " }"
}

var (
	iamPolicyEvents = []string{"DeleteGroupPolicy", "DeleteRolePolicy", "DeleteUserPolicy", "PutGroupPolicy", "PutRolePolicy", "PutUserPolicy",
		"CreatePolicy", "DeletePolicy", "CreatePolicyVersion", "DeletePolicyVersion", "AttachRolePolicy", "DetachRolePolicy",
		"AttachUserPolicy", "DetachUserPolicy", "AttachGroupPolicy", "DetachGroupPolicy"}
	trailEvents   = []string{"CreateTrail", "UpdateTrail", "DeleteTrail", "StartLogging", "StopLogging"}
	cmkEvents     = []string{"DisableKey", "ScheduleKeyDeletion"}
	bucketEvents  = []string{"PutBucketAcl", "PutBucketPolicy", "PutBucketCors", "PutBucketLifecycle", "PutBucketReplication", "DeleteBucketPolicy", "DeleteBucketCors", "DeleteBucketLifecycle", "DeleteBucketReplication"}
	configEvents  = []string{"StopConfigurationRecorder", "DeleteDeliveryChannel", "PutDeliveryChannel", "PutConfigurationRecorder"}
	sgEvents      = []string{"AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress", "RevokeSecurityGroupIngress", "RevokeSecurityGroupEgress", "CreateSecurityGroup", "DeleteSecurityGroup"}
	naclEvents    = []string{"CreateNetworkAcl", "CreateNetworkAclEntry", "DeleteNetworkAcl", "DeleteNetworkAclEntry", "ReplaceNetworkAclEntry", "ReplaceNetworkAclAssociation"}
	gatewayEvents = []string{"CreateCustomerGateway", "DeleteCustomerGateway", "AttachInternetGateway", "CreateInternetGateway", "DeleteInternetGateway", "DetachInternetGateway"}
	routeEvents   = []string{"CreateRoute", "CreateRouteTable", "ReplaceRoute", "ReplaceRouteTableAssociation", "DeleteRouteTable", "DeleteRoute", "DisassociateRouteTable"}
	vpcEvents     = []string{"CreateVpc", "DeleteVpc", "ModifyVpcAttribute", "AcceptVpcPeeringConnection", "CreateVpcPeeringConnection", "DeleteVpcPeeringConnection",
		"RejectVpcPeeringConnection", "AttachClassicLinkVpc", "DetachClassicLinkVpc", "DisableVpcClassicLink", "EnableVpcClassicLink"}
	orgEvents = []string{"AcceptHandshake", "AttachPolicy", "CreateAccount", "CreateOrganizationalUnit", "CreatePolicy", "DeclineHandshake", "DeleteOrganization",
		"DeleteOrganizationalUnit", "DeletePolicy", "DetachPolicy", "DisablePolicyType", "EnablePolicyType", "InviteAccountToOrganization",
		"LeaveOrganization", "MoveAccount", "RemoveAccountFromOrganization", "UpdatePolicy", "UpdateOrganizationalUnit"}
)

func consoleLogin(extra map[string]any) map[string]any {
	m := map[string]any{
		"eventType":           "AwsConsoleSignIn",
		"readOnly":            false,
		"additionalEventData": map[string]any{"LoginTo": "https://console.aws.amazon.com/console/home", "MobileVersion": "No", "MFAUsed": "No"},
		"responseElements":    map[string]any{"ConsoleLogin": "Success"},
	}
	for k, v := range extra {
		m[k] = v
	}
	return event("signin", "ConsoleLogin", m)
}

// CIS returns the requirements of CIS AWS Foundations Benchmark 3.0.0
// recommendations 4.1 to 4.15, in order.
func CIS() []Requirement {
	return []Requirement{
		{ID: "4.1", Name: "unauthorized-api-calls",
			Pattern: `{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") && ($.sourceIPAddress != "delivery.logs.amazonaws.com") && ($.eventName != "HeadBucket") }`,
			Events: []map[string]any{
				event("ec2", "RunInstances", map[string]any{"errorCode": "Client.UnauthorizedOperation", "errorMessage": "You are not authorized to perform this operation."}),
				event("ec2", "DescribeInstances", map[string]any{"errorCode": "UnauthorizedOperation", "readOnly": true}),
				event("s3", "PutBucketPolicy", map[string]any{"errorCode": "AccessDenied", "errorMessage": "Access Denied"}),
				event("kms", "Decrypt", map[string]any{"errorCode": "AccessDeniedException", "readOnly": true}),
			}},
		{ID: "4.2", Name: "console-signin-without-mfa",
			Pattern: `{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }`,
			Events:  []map[string]any{consoleLogin(nil)}},
		{ID: "4.3", Name: "root-usage",
			Pattern: `{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }`,
			Events: []map[string]any{
				event("iam", "CreateAccessKey", root(nil)),
				event("ec2", "DescribeInstances", root(map[string]any{"readOnly": true})),
				consoleLogin(root(map[string]any{"additionalEventData": map[string]any{"MFAUsed": "Yes"}})),
			}},
		{ID: "4.4", Name: "iam-policy-changes", Pattern: orNames("", iamPolicyEvents...), Events: events("iam", iamPolicyEvents...)},
		{ID: "4.5", Name: "cloudtrail-changes", Pattern: orNames("", trailEvents...), Events: events("cloudtrail", trailEvents...)},
		{ID: "4.6", Name: "console-auth-failures",
			Pattern: `{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }`,
			Events: []map[string]any{consoleLogin(map[string]any{
				"errorMessage": "Failed authentication", "responseElements": map[string]any{"ConsoleLogin": "Failure"},
			})}},
		{ID: "4.7", Name: "cmk-disable-or-deletion", Pattern: orNames("kms", cmkEvents...), Events: events("kms", cmkEvents...)},
		{ID: "4.8", Name: "s3-bucket-policy-changes", Pattern: orNames("s3", bucketEvents...), Events: events("s3", bucketEvents...)},
		{ID: "4.9", Name: "config-changes", Pattern: orNames("config", configEvents...), Events: events("config", configEvents...)},
		{ID: "4.10", Name: "security-group-changes", Pattern: orNames("", sgEvents...), Events: events("ec2", sgEvents...)},
		{ID: "4.11", Name: "nacl-changes", Pattern: orNames("", naclEvents...), Events: events("ec2", naclEvents...)},
		{ID: "4.12", Name: "network-gateway-changes", Pattern: orNames("", gatewayEvents...), Events: events("ec2", gatewayEvents...)},
		{ID: "4.13", Name: "route-table-changes", Pattern: orNames("ec2", routeEvents...), Events: events("ec2", routeEvents...)},
		{ID: "4.14", Name: "vpc-changes", Pattern: orNames("", vpcEvents...), Events: events("ec2", vpcEvents...)},
		{ID: "4.15", Name: "organizations-changes", Pattern: orNames("organizations", orgEvents...), Events: events("organizations", orgEvents...)},
	}
}

// CISRequirement returns the requirement of one CIS recommendation ("4.7")
// or slug ("cmk-disable-or-deletion").
func CISRequirement(idOrName string) (Requirement, bool) {
	for _, r := range CIS() {
		if r.ID == idOrName || r.Name == idOrName {
			return r, true
		}
	}
	return Requirement{}, false
}

// EventNames returns the distinct event names of a requirement, sorted.
func (r Requirement) EventNames() []string {
	seen := map[string]bool{}
	var out []string
	for _, ev := range r.Events {
		if n, ok := ev["eventName"].(string); ok && !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}
