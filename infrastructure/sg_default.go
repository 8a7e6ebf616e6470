package infrastructure

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/secpillar/secpillar"
)

// ControlDefaultSGClosed is the ID of the default security group control.
const ControlDefaultSGClosed = "infrastructure.default-sg-closed"

// DefaultSecurityGroupRemediationAPI is the part of the EC2 API that
// RemediateDefaultSecurityGroup calls. *ec2.Client satisfies it.
type DefaultSecurityGroupRemediationAPI interface {
	SecurityGroupPortsAPI
	RevokeSecurityGroupIngress(ctx context.Context, in *ec2.RevokeSecurityGroupIngressInput, optFns ...func(*ec2.Options)) (*ec2.RevokeSecurityGroupIngressOutput, error)
	RevokeSecurityGroupEgress(ctx context.Context, in *ec2.RevokeSecurityGroupEgressInput, optFns ...func(*ec2.Options)) (*ec2.RevokeSecurityGroupEgressOutput, error)
}

var _ DefaultSecurityGroupRemediationAPI = (*ec2.Client)(nil)

// CheckDefaultSecurityGroupsClosed reports, for the default security group
// of every VPC in the client's Region, whether it has no inbound and no
// outbound rule (CIS 5.4): resources should use groups of their own. It
// reads the Region as CheckSecurityGroupAdminPorts does (the same two
// walks, shared within a run).
func CheckDefaultSecurityGroupsClosed(ctx context.Context, api SecurityGroupPortsAPI) ([]secpillar.Finding, error) {
	rr, err := readRegionRules(ctx, api)
	if err != nil {
		return nil, err
	}
	var out []secpillar.Finding
	for _, g := range rr.groups {
		if g.name != "default" {
			continue
		}
		rules := rr.rules[g.id]
		in, eg := 0, 0
		for _, r := range rules {
			if r.egress {
				eg++
			} else {
				in++
			}
		}
		f := secpillar.Finding{Control: ControlDefaultSGClosed, Severity: secpillar.SeverityHigh, Resource: g.resource(), Evidence: map[string]string{
			"group_id": g.id, "vpc_id": g.vpc, "ingress_rules": strconv.Itoa(in), "egress_rules": strconv.Itoa(eg),
		}}
		if len(rules) == 0 {
			f.Status = secpillar.StatusPass
			f.Reason = fmt.Sprintf("The default security group %s of %s has no rules.", g.id, g.vpc)
		} else {
			f.Status = secpillar.StatusFail
			f.Reason = fmt.Sprintf("The default security group %s of %s has %d inbound and %d outbound rule(s); move resources to dedicated groups and revoke them.", g.id, g.vpc, in, eg)
			f.Evidence["rule_ids"] = strings.Join(ruleIDs(rules), ",")
		}
		out = append(out, f)
	}
	return out, nil
}

// RemediateDefaultSecurityGroup revokes every inbound and outbound rule of
// one default security group (it refuses a group whose name is not
// "default"). Resources still attached to the group lose the traffic
// those rules allowed: Notes say so, and Undo lists the rules.
func RemediateDefaultSecurityGroup(ctx context.Context, api DefaultSecurityGroupRemediationAPI, groupID string, optFns ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
	opts := secpillar.NewRemediateOptions(optFns...)
	groupID, err := groupIDOf(groupID)
	if err != nil {
		return secpillar.Remediation{}, err
	}
	out, err := api.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{groupID}})
	if err != nil {
		return secpillar.Remediation{}, fmt.Errorf("infrastructure: read security group %s: %w", groupID, err)
	}
	if len(out.SecurityGroups) != 1 {
		return secpillar.Remediation{}, fmt.Errorf("infrastructure: read security group %s: got %d groups", groupID, len(out.SecurityGroups))
	}
	g := out.SecurityGroups[0]
	if aws.ToString(g.GroupName) != "default" {
		return secpillar.Remediation{}, fmt.Errorf("infrastructure: security group %s is %q, not a default security group; refusing to empty it", groupID, aws.ToString(g.GroupName))
	}
	res := secpillar.Resource{Type: SecurityGroupResourceType, ID: aws.ToString(g.SecurityGroupArn), Region: regionOfARN(aws.ToString(g.SecurityGroupArn)), Account: aws.ToString(g.OwnerId)}
	if res.ID == "" {
		res.ID = groupID
	}
	return emptyGroup(ctx, api, res, groupID, opts)
}

func emptyGroup(ctx context.Context, api DefaultSecurityGroupRemediationAPI, res secpillar.Resource, groupID string, opts secpillar.RemediateOptions) (secpillar.Remediation, error) {
	rem := secpillar.Remediation{Control: ControlDefaultSGClosed, Resource: res}
	rules, _, err := groupRules(ctx, api, groupID)
	if err != nil {
		return rem, err
	}
	if len(rules) == 0 {
		rem.Outcome = secpillar.OutcomeCompliant
		return rem, nil
	}
	var ingressIDs, egressIDs, undoIn, undoEg []string
	for _, r := range rules {
		action := "ec2:RevokeSecurityGroupIngress"
		if r.egress {
			action = "ec2:RevokeSecurityGroupEgress"
			egressIDs = append(egressIDs, r.id)
			undoEg = append(undoEg, r.String())
		} else {
			ingressIDs = append(ingressIDs, r.id)
			undoIn = append(undoIn, r.String())
		}
		rem.Changes = append(rem.Changes, secpillar.Change{Resource: res, Action: action, Field: "rule " + r.id, Before: r.String(), After: "revoked"})
	}
	var undo []string
	if len(undoIn) > 0 {
		undo = append(undo, "ec2:AuthorizeSecurityGroupIngress: "+strings.Join(undoIn, "; "))
	}
	if len(undoEg) > 0 {
		undo = append(undo, "ec2:AuthorizeSecurityGroupEgress: "+strings.Join(undoEg, "; "))
	}
	rem.Undo = fmt.Sprintf("Authorize the revoked rules of %s again with %s.", groupID, strings.Join(undo, " and "))
	rem.Notes = []string{
		"Instances and interfaces still using the default group lose the traffic these rules allowed; move them to dedicated groups first.",
		"Revoking a rule does not cut connections that are already tracked.",
	}
	if opts.DryRun {
		rem.Outcome = secpillar.OutcomePlanned
		return rem, nil
	}
	if len(ingressIDs) > 0 {
		if _, err := api.RevokeSecurityGroupIngress(ctx, &ec2.RevokeSecurityGroupIngressInput{GroupId: aws.String(groupID), SecurityGroupRuleIds: ingressIDs}); err != nil {
			return rem, fmt.Errorf("infrastructure: revoke ingress rules of %s: %w", groupID, err)
		}
	}
	if len(egressIDs) > 0 {
		if _, err := api.RevokeSecurityGroupEgress(ctx, &ec2.RevokeSecurityGroupEgressInput{GroupId: aws.String(groupID), SecurityGroupRuleIds: egressIDs}); err != nil {
			return rem, fmt.Errorf("infrastructure: revoke egress rules of %s: %w", groupID, err)
		}
	}
	after, _, err := groupRules(secpillar.FreshReads(ctx), api, groupID)
	if err != nil {
		return rem, fmt.Errorf("infrastructure: verify %s: %w", groupID, err)
	}
	rem.Outcome = secpillar.OutcomeChanged
	if len(after) > 0 {
		rem.Outcome = secpillar.OutcomeVerifyPending
	}
	return rem, nil
}

// RemediateDefaultSecurityGroups empties every default security group of
// the client's Region that has rules. It refuses before the first write
// when more than RemediateOptions.MaxResources groups would change.
func RemediateDefaultSecurityGroups(ctx context.Context, api DefaultSecurityGroupRemediationAPI, optFns ...func(*secpillar.RemediateOptions)) ([]secpillar.Remediation, error) {
	opts := secpillar.NewRemediateOptions(optFns...)
	findings, err := CheckDefaultSecurityGroupsClosed(ctx, api)
	if err != nil {
		return nil, err
	}
	var targets []secpillar.Finding
	for _, f := range findings {
		if f.Status == secpillar.StatusFail {
			targets = append(targets, f)
		}
	}
	if len(targets) > opts.Limit() {
		return nil, &secpillar.TooManyResourcesError{Control: ControlDefaultSGClosed, Count: len(targets), Max: opts.Limit()}
	}
	var out []secpillar.Remediation
	for _, f := range targets {
		rem, err := emptyGroup(ctx, api, f.Resource, f.Evidence["group_id"], opts)
		out = append(out, rem)
		if err != nil {
			return out, err
		}
	}
	return out, nil
}
