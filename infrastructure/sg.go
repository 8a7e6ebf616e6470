package infrastructure

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/internal/awserr"
	"github.com/secpillar/secpillar/internal/pagetoken"
)

// SecurityGroupResourceType is the resource type of security group
// findings.
const SecurityGroupResourceType = "AWS::EC2::SecurityGroup"

// AdminPorts are the remote administration ports of CIS 5.2 and 5.3: SSH
// and RDP.
var AdminPorts = []int32{22, 3389}

// DefaultHighRiskPorts is the high-risk port list of Security Hub EC2.19,
// used when SecurityGroupHighRiskPortsOptions.Ports is empty.
var DefaultHighRiskPorts = []int32{20, 21, 22, 23, 25, 110, 135, 143, 445, 1433, 1434, 3000, 3306, 3389, 4333, 5000, 5432, 5500, 5601, 8080, 8088, 8888, 9200, 9300}

// SecurityGroupRulesAPI is the part of the EC2 API that reads security
// group rules. *ec2.Client satisfies it.
type SecurityGroupRulesAPI interface {
	DescribeSecurityGroupRules(ctx context.Context, in *ec2.DescribeSecurityGroupRulesInput, optFns ...func(*ec2.Options)) (*ec2.DescribeSecurityGroupRulesOutput, error)
}

var _ SecurityGroupRulesAPI = (*ec2.Client)(nil)

// SecurityGroupsAPI is the part of the EC2 API that lists security groups.
// *ec2.Client satisfies it.
type SecurityGroupsAPI interface {
	DescribeSecurityGroups(ctx context.Context, in *ec2.DescribeSecurityGroupsInput, optFns ...func(*ec2.Options)) (*ec2.DescribeSecurityGroupsOutput, error)
}

var _ SecurityGroupsAPI = (*ec2.Client)(nil)

// SecurityGroupPortsAPI is the part of the EC2 API that
// CheckSecurityGroupAdminPorts, CheckSecurityGroupHighRiskPorts and
// CheckDefaultSecurityGroupsClosed call: one walk of the Region's groups
// (so that a group without rules is reported too) and one walk of the
// Region's rules. *ec2.Client satisfies it.
type SecurityGroupPortsAPI interface {
	SecurityGroupsAPI
	SecurityGroupRulesAPI
}

var _ SecurityGroupPortsAPI = (*ec2.Client)(nil)

// SecurityGroupIngressRemediationAPI is the part of the EC2 API that
// RemediateSecurityGroupAdminPorts and RemediateSecurityGroupHighRiskPorts
// call. *ec2.Client satisfies it.
type SecurityGroupIngressRemediationAPI interface {
	SecurityGroupRulesAPI
	RevokeSecurityGroupIngress(ctx context.Context, in *ec2.RevokeSecurityGroupIngressInput, optFns ...func(*ec2.Options)) (*ec2.RevokeSecurityGroupIngressOutput, error)
}

var _ SecurityGroupIngressRemediationAPI = (*ec2.Client)(nil)

// SecurityGroupAdminPortsOptions configures CheckSecurityGroupAdminPorts.
// The zero value checks AdminPorts.
type SecurityGroupAdminPortsOptions struct {
	// Ports replaces AdminPorts when set.
	Ports []int32
}

// SecurityGroupHighRiskPortsOptions configures
// CheckSecurityGroupHighRiskPorts. The zero value checks
// DefaultHighRiskPorts.
type SecurityGroupHighRiskPortsOptions struct {
	// Ports replaces DefaultHighRiskPorts when set.
	Ports []int32
	// AuthorizedPorts, when set, turns the check around (Security Hub
	// EC2.18): any internet ingress over TCP or UDP (or all traffic) to a
	// port outside this list fails, and Ports is ignored. Use {80, 443}
	// for EC2.18's default.
	AuthorizedPorts []int32
}

// sgRule is a security group rule reduced to what reachability needs.
type sgRule struct {
	id, group string
	egress    bool
	protocol  string // "-1", "tcp", "udp", or another protocol name/number
	allPorts  bool   // protocol -1, or tcp/udp 0-65535
	portBased bool   // tcp or udp: from/to are meaningful
	from, to  int32
	internet  bool   // source is 0.0.0.0/0 or ::/0
	source    string // CIDR, prefix list or group ID
}

// parseRule reduces a rule, or names the field that is missing or
// malformed. A rule that references a prefix list or a group is never
// open to the internet: its reach is what the list or group holds.
func parseRule(r ec2types.SecurityGroupRule) (sgRule, error) {
	id := aws.ToString(r.SecurityGroupRuleId)
	if id == "" {
		return sgRule{}, errors.New("a security group rule has no SecurityGroupRuleId")
	}
	p := sgRule{id: id, group: aws.ToString(r.GroupId)}
	if p.group == "" {
		return sgRule{}, fmt.Errorf("security group rule %s has no GroupId", id)
	}
	if r.IsEgress == nil {
		return sgRule{}, fmt.Errorf("security group rule %s has no IsEgress", id)
	}
	p.egress = *r.IsEgress
	switch {
	case r.CidrIpv4 != nil || r.CidrIpv6 != nil:
		cidr := aws.ToString(r.CidrIpv4)
		if cidr == "" {
			cidr = aws.ToString(r.CidrIpv6)
		}
		pfx, err := netip.ParsePrefix(cidr)
		if err != nil {
			return sgRule{}, fmt.Errorf("security group rule %s has a malformed CIDR %q: %w", id, cidr, err)
		}
		p.source = cidr
		p.internet = pfx.Bits() == 0
	case r.PrefixListId != nil:
		p.source = *r.PrefixListId
	case r.ReferencedGroupInfo != nil && r.ReferencedGroupInfo.GroupId != nil:
		p.source = *r.ReferencedGroupInfo.GroupId
	default:
		return sgRule{}, fmt.Errorf("security group rule %s has no CidrIpv4, CidrIpv6, PrefixListId or ReferencedGroupInfo.GroupId", id)
	}
	proto := strings.ToLower(aws.ToString(r.IpProtocol))
	switch proto {
	case "":
		return sgRule{}, fmt.Errorf("security group rule %s has no IpProtocol", id)
	case "-1", "all":
		p.protocol, p.allPorts = "-1", true
		return p, nil
	case "tcp", "6":
		p.protocol = "tcp"
	case "udp", "17":
		p.protocol = "udp"
	case "icmp", "1", "icmpv6", "58":
		p.protocol = proto
		return p, nil
	default:
		n, err := strconv.Atoi(proto)
		if err != nil || n < 0 || n > 255 {
			return sgRule{}, fmt.Errorf("security group rule %s has an unknown IpProtocol %q", id, proto)
		}
		p.protocol = proto // a protocol without ports (ESP, GRE, ...)
		return p, nil
	}
	if r.FromPort == nil || r.ToPort == nil {
		return sgRule{}, fmt.Errorf("security group rule %s (%s) has no FromPort/ToPort", id, p.protocol)
	}
	p.portBased = true
	p.from, p.to = *r.FromPort, *r.ToPort
	if p.from == -1 && p.to == -1 {
		p.from, p.to = 0, 65535
	}
	if p.from < 0 || p.to > 65535 || p.from > p.to {
		return sgRule{}, fmt.Errorf("security group rule %s has an invalid port range %d-%d", id, p.from, p.to)
	}
	p.allPorts = p.from == 0 && p.to == 65535
	return p, nil
}

// opens returns the ports of want that the rule reaches.
func (p sgRule) opens(want []int32) []int32 {
	var out []int32
	for _, port := range want {
		if p.allPorts || (p.portBased && port >= p.from && port <= p.to) {
			out = append(out, port)
		}
	}
	return out
}

// String renders the rule as "tcp 22 from 0.0.0.0/0".
func (p sgRule) String() string {
	ports := ""
	switch {
	case p.protocol == "-1":
		ports = "all traffic"
	case p.portBased && p.from == p.to:
		ports = fmt.Sprintf("%s %d", p.protocol, p.from)
	case p.portBased:
		ports = fmt.Sprintf("%s %d-%d", p.protocol, p.from, p.to)
	default:
		ports = "protocol " + p.protocol
	}
	dir := "from"
	if p.egress {
		dir = "to"
	}
	return fmt.Sprintf("%s %s %s", ports, dir, p.source)
}

// sgGroup is one listed security group.
type sgGroup struct {
	id, arn, name, vpc, owner string
}

// listGroups walks DescribeSecurityGroups once. The groups are needed
// because DescribeSecurityGroupRules cannot show a group that has no
// rules, and a group must never be left out of the report.
func listGroups(ctx context.Context, api SecurityGroupsAPI) ([]sgGroup, error) {
	var out []sgGroup
	guard := pagetoken.New("infrastructure: list security groups")
	p := ec2.NewDescribeSecurityGroupsPaginator(api, &ec2.DescribeSecurityGroupsInput{}, func(o *ec2.DescribeSecurityGroupsPaginatorOptions) { o.Limit = 1000 })
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("infrastructure: list security groups: %w", err)
		}
		for _, g := range page.SecurityGroups {
			if g.GroupId == nil {
				return nil, errors.New("infrastructure: list security groups: a group has no GroupId")
			}
			if g.GroupName == nil {
				return nil, fmt.Errorf("infrastructure: list security groups: group %s has no GroupName", *g.GroupId)
			}
			if g.SecurityGroupArn == nil {
				return nil, fmt.Errorf("infrastructure: list security groups: group %s has no SecurityGroupArn", *g.GroupId)
			}
			out = append(out, sgGroup{id: *g.GroupId, arn: *g.SecurityGroupArn, name: aws.ToString(g.GroupName), vpc: aws.ToString(g.VpcId), owner: aws.ToString(g.OwnerId)})
		}
		if err := guard.Check(false, page.NextToken); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// listRules walks DescribeSecurityGroupRules once with the given filters
// and returns the parsed rules.
func listRules(ctx context.Context, api SecurityGroupRulesAPI, filters []ec2types.Filter) ([]sgRule, map[string]string, error) {
	var out []sgRule
	ruleARNs := map[string]string{} // group ID -> an ARN of one of its rules, for groups not listed
	guard := pagetoken.New("infrastructure: list security group rules")
	p := ec2.NewDescribeSecurityGroupRulesPaginator(api, &ec2.DescribeSecurityGroupRulesInput{Filters: filters}, func(o *ec2.DescribeSecurityGroupRulesPaginatorOptions) { o.Limit = 1000 })
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, nil, fmt.Errorf("infrastructure: list security group rules: %w", err)
		}
		for _, r := range page.SecurityGroupRules {
			pr, err := parseRule(r)
			if err != nil {
				return nil, nil, fmt.Errorf("infrastructure: list security group rules: %w", err)
			}
			out = append(out, pr)
			if r.SecurityGroupRuleArn != nil {
				ruleARNs[pr.group] = *r.SecurityGroupRuleArn
			}
		}
		if err := guard.Check(false, page.NextToken); err != nil {
			return nil, nil, err
		}
	}
	return out, ruleARNs, nil
}

// regionRules is one Region's groups with their rules.
type regionRules struct {
	groups []sgGroup
	rules  map[string][]sgRule // by group ID
}

// readRegionRules lists the groups and walks the rules once for the whole
// Region (never once per group). A rule of a group that the group listing
// did not show (created in between) still gets its group reported.
func readRegionRules(ctx context.Context, api SecurityGroupPortsAPI) (regionRules, error) {
	groups, err := listGroups(ctx, api)
	if err != nil {
		return regionRules{}, err
	}
	rules, ruleARNs, err := listRules(ctx, api, nil)
	if err != nil {
		return regionRules{}, err
	}
	rr := regionRules{groups: groups, rules: map[string][]sgRule{}}
	listed := make(map[string]bool, len(groups))
	for _, g := range groups {
		listed[g.id] = true
	}
	for _, r := range rules {
		if _, seen := rr.rules[r.group]; !seen && !listed[r.group] {
			ruleARN := ruleARNs[r.group]
			rr.groups = append(rr.groups, sgGroup{id: r.group, arn: ec2ARN(regionOfARN(ruleARN), accountOfARN(ruleARN), "security-group", r.group)})
		}
		rr.rules[r.group] = append(rr.rules[r.group], r)
	}
	return rr, nil
}

func (g sgGroup) resource() secpillar.Resource {
	return secpillar.Resource{Type: SecurityGroupResourceType, ID: g.arn, Region: regionOfARN(g.arn), Account: accountOfARN(g.arn)}
}

func (g sgGroup) label() string {
	if g.name != "" {
		return fmt.Sprintf("security group %s (%s)", g.id, g.name)
	}
	return "security group " + g.id
}

// offending returns the ingress rules open to the internet on any of
// ports, and the ports they open.
func offending(rules []sgRule, ports []int32) (bad []sgRule, open []int32) {
	for _, r := range rules {
		if r.egress || !r.internet {
			continue
		}
		if o := r.opens(ports); len(o) > 0 {
			bad = append(bad, r)
			for _, p := range o {
				if !slices.Contains(open, p) {
					open = append(open, p)
				}
			}
		}
	}
	slices.Sort(open)
	return bad, open
}

func portList(ports []int32) string {
	s := make([]string, len(ports))
	for i, p := range ports {
		s[i] = strconv.Itoa(int(p))
	}
	return strings.Join(s, ",")
}

func ruleIDs(rules []sgRule) []string {
	out := make([]string, len(rules))
	for i, r := range rules {
		out[i] = r.id
	}
	return out
}

func validPorts(ports []int32) error {
	for _, p := range ports {
		if p < 0 || p > 65535 {
			return fmt.Errorf("infrastructure: port %d is out of range 0-65535", p)
		}
	}
	return nil
}

// checkGroupPorts is the shared evaluation of the port controls: one
// finding per group of the Region.
func checkGroupPorts(ctx context.Context, api SecurityGroupPortsAPI, control string, severity secpillar.Severity, ports []int32, what string) ([]secpillar.Finding, error) {
	if err := validPorts(ports); err != nil {
		return nil, err
	}
	return checkGroups(ctx, api, control, severity, portList(ports), what, func(rules []sgRule) ([]sgRule, string) {
		bad, open := offending(rules, ports)
		return bad, portList(open)
	})
}

// checkGroups evaluates every group of the Region with eval, which
// returns the offending rules and a rendering of what they open.
func checkGroups(ctx context.Context, api SecurityGroupPortsAPI, control string, severity secpillar.Severity, checked, what string, eval func([]sgRule) ([]sgRule, string)) ([]secpillar.Finding, error) {
	rr, err := readRegionRules(ctx, api)
	if err != nil {
		return nil, err
	}
	findings := make([]secpillar.Finding, 0, len(rr.groups))
	for _, g := range rr.groups {
		bad, open := eval(rr.rules[g.id])
		f := secpillar.Finding{Control: control, Severity: severity, Resource: g.resource(), Evidence: map[string]string{
			"group_id": g.id, "vpc_id": g.vpc, "checked_ports": checked, "rules": strconv.Itoa(len(rr.rules[g.id])),
		}}
		if len(bad) == 0 {
			f.Status = secpillar.StatusPass
			f.Reason = fmt.Sprintf("The %s allows no ingress from 0.0.0.0/0 or ::/0 to %s.", g.label(), what)
		} else {
			f.Status = secpillar.StatusFail
			descr := make([]string, len(bad))
			for i, r := range bad {
				descr[i] = r.id + " (" + r.String() + ")"
			}
			f.Reason = fmt.Sprintf("The %s allows ingress from the internet to port(s) %s through rule(s) %s; revoke them or narrow their source to known ranges, prefix lists or groups.", g.label(), open, strings.Join(descr, ", "))
			f.Evidence["open_rules"] = strings.Join(ruleIDs(bad), ",")
			f.Evidence["open_ports"] = open
		}
		findings = append(findings, f)
	}
	return findings, nil
}

// CheckSecurityGroupAdminPorts reports, for every security group of the
// client's Region, whether any ingress rule lets 0.0.0.0/0 or ::/0 reach a
// remote administration port (22 and 3389 by default), through a port
// range that covers it or a rule for all traffic (protocol -1). TCP and
// UDP rules are considered. Rules whose source is a prefix list or another
// security group are not open to the internet.
//
// It costs one paginated walk of DescribeSecurityGroups (so that groups
// without any rule are reported too) and one of DescribeSecurityGroupRules
// for the whole Region, never a call per group. A rule without the fields
// the verdict needs is an error, never a PASS.
func CheckSecurityGroupAdminPorts(ctx context.Context, api SecurityGroupPortsAPI, optFns ...func(*SecurityGroupAdminPortsOptions)) ([]secpillar.Finding, error) {
	var o SecurityGroupAdminPortsOptions
	for _, fn := range optFns {
		fn(&o)
	}
	ports := o.Ports
	if len(ports) == 0 {
		ports = AdminPorts
	}
	return checkGroupPorts(ctx, api, ControlSGNoAdminPortsOpen, secpillar.SeverityHigh, ports, "remote administration ports ("+portList(ports)+")")
}

// CheckSecurityGroupHighRiskPorts reports, for every security group of the
// client's Region, whether any ingress rule lets 0.0.0.0/0 or ::/0 reach a
// high-risk port (DefaultHighRiskPorts unless Ports says otherwise). It
// reads the Region as CheckSecurityGroupAdminPorts does.
func CheckSecurityGroupHighRiskPorts(ctx context.Context, api SecurityGroupPortsAPI, optFns ...func(*SecurityGroupHighRiskPortsOptions)) ([]secpillar.Finding, error) {
	var o SecurityGroupHighRiskPortsOptions
	for _, fn := range optFns {
		fn(&o)
	}
	if len(o.AuthorizedPorts) > 0 {
		if err := validPorts(o.AuthorizedPorts); err != nil {
			return nil, err
		}
		allowed := o.AuthorizedPorts
		return checkGroups(ctx, api, ControlSGNoHighRiskPortsOpen, secpillar.SeverityHigh, "all but "+portList(allowed), "ports other than "+portList(allowed),
			func(rules []sgRule) ([]sgRule, string) { return outsideAuthorized(rules, allowed) })
	}
	ports := o.Ports
	if len(ports) == 0 {
		ports = DefaultHighRiskPorts
	}
	return checkGroupPorts(ctx, api, ControlSGNoHighRiskPortsOpen, secpillar.SeverityHigh, ports, "high-risk ports")
}

// outsideAuthorized returns the internet ingress rules (TCP, UDP or all
// traffic) that reach a port outside allowed, and their port ranges.
func outsideAuthorized(rules []sgRule, allowed []int32) ([]sgRule, string) {
	var bad []sgRule
	var ranges []string
	for _, r := range rules {
		if r.egress || !r.internet || (!r.portBased && !r.allPorts) {
			continue
		}
		from, to := r.from, r.to
		if r.protocol == "-1" {
			from, to = 0, 65535
		}
		inside := 0
		for _, p := range allowed {
			if p >= from && p <= to {
				inside++
			}
		}
		if int(to-from)+1 > inside {
			bad = append(bad, r)
			if from == to {
				ranges = append(ranges, strconv.Itoa(int(from)))
			} else {
				ranges = append(ranges, fmt.Sprintf("%d-%d", from, to))
			}
		}
	}
	return bad, strings.Join(ranges, ",")
}

// RemediateSecurityGroupAdminPorts revokes exactly the ingress rules of
// one security group that let 0.0.0.0/0 or ::/0 reach an administration
// port (AdminPorts, or ports when given), by rule ID, and nothing else.
// It refuses when more rules than RemediateOptions.MaxResources would be
// revoked. Undo lists the rules to authorize again.
func RemediateSecurityGroupAdminPorts(ctx context.Context, api SecurityGroupIngressRemediationAPI, groupID string, ports []int32, optFns ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
	if len(ports) == 0 {
		ports = AdminPorts
	}
	return revokeOpenRules(ctx, api, ControlSGNoAdminPortsOpen, groupID, ports, secpillar.NewRemediateOptions(optFns...))
}

// RemediateSecurityGroupHighRiskPorts revokes exactly the ingress rules
// of one security group that let the internet reach a high-risk port
// (DefaultHighRiskPorts, or ports when given), by rule ID, and nothing
// else, under the MaxResources guard.
func RemediateSecurityGroupHighRiskPorts(ctx context.Context, api SecurityGroupIngressRemediationAPI, groupID string, ports []int32, optFns ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
	if len(ports) == 0 {
		ports = DefaultHighRiskPorts
	}
	return revokeOpenRules(ctx, api, ControlSGNoHighRiskPortsOpen, groupID, ports, secpillar.NewRemediateOptions(optFns...))
}

func validGroupID(id string) error {
	if !strings.HasPrefix(id, "sg-") || len(id) < 4 {
		return fmt.Errorf("infrastructure: %q is not a security group ID (sg-...)", id)
	}
	return nil
}

// groupIDOf accepts a security group ID or ARN and returns the ID.
func groupIDOf(s string) (string, error) {
	id, _, err := ec2IDOrARN(s, "security-group", "sg-")
	return id, err
}

func groupRules(ctx context.Context, api SecurityGroupRulesAPI, groupID string) ([]sgRule, string, error) {
	rules, arns, err := listRules(ctx, api, []ec2types.Filter{{Name: aws.String("group-id"), Values: []string{groupID}}})
	if err != nil {
		return nil, "", err
	}
	ruleARN := arns[groupID]
	return rules, ec2ARN(regionOfARN(ruleARN), accountOfARN(ruleARN), "security-group", groupID), nil
}

func revokeOpenRules(ctx context.Context, api SecurityGroupIngressRemediationAPI, control, groupID string, ports []int32, opts secpillar.RemediateOptions) (secpillar.Remediation, error) {
	groupID, err := groupIDOf(groupID)
	if err != nil {
		return secpillar.Remediation{}, err
	}
	if err := validPorts(ports); err != nil {
		return secpillar.Remediation{}, err
	}
	fresh := secpillar.FreshReads(ctx)
	for attempt := 0; ; attempt++ {
		rules, groupARN, err := groupRules(fresh, api, groupID)
		if err != nil {
			return secpillar.Remediation{}, err
		}
		res := secpillar.Resource{Type: SecurityGroupResourceType, ID: groupARN, Region: regionOfARN(groupARN), Account: accountOfARN(groupARN)}
		if len(rules) == 0 {
			res.ID = groupID // no rule ARN to learn the Region and account from
		}
		rem := secpillar.Remediation{Control: control, Resource: res}
		bad, _ := offending(rules, ports)
		if len(bad) == 0 {
			rem.Outcome = secpillar.OutcomeCompliant
			return rem, nil
		}
		if len(bad) > opts.Limit() {
			return rem, &secpillar.TooManyResourcesError{Control: control, Count: len(bad), Max: opts.Limit()}
		}
		var undo []string
		for _, r := range bad {
			rem.Changes = append(rem.Changes, secpillar.Change{Resource: res, Action: "ec2:RevokeSecurityGroupIngress", Field: "ingress rule " + r.id, Before: r.String(), After: "revoked"})
			undo = append(undo, r.String())
		}
		rem.Undo = fmt.Sprintf("Authorize the revoked ingress of %s again with ec2:AuthorizeSecurityGroupIngress: %s.", groupID, strings.Join(undo, "; "))
		rem.Notes = []string{"Revoking a rule does not cut connections that are already tracked; they end when they go idle."}
		if opts.DryRun {
			rem.Outcome = secpillar.OutcomePlanned
			return rem, nil
		}
		_, err = api.RevokeSecurityGroupIngress(ctx, &ec2.RevokeSecurityGroupIngressInput{GroupId: aws.String(groupID), SecurityGroupRuleIds: ruleIDs(bad)})
		if awserr.IsCode(err, "InvalidSecurityGroupRuleId.NotFound") && attempt == 0 {
			continue // a rule went away since the read (AWS revokes all or nothing): read again
		}
		if err != nil {
			return rem, fmt.Errorf("infrastructure: revoke open ingress rules of %s: %w", groupID, err)
		}
		after, _, err := groupRules(fresh, api, groupID)
		if err != nil {
			return rem, fmt.Errorf("infrastructure: verify %s: %w", groupID, err)
		}
		rem.Outcome = secpillar.OutcomeChanged
		for _, r := range after {
			if slices.Contains(ruleIDs(bad), r.id) {
				rem.Outcome = secpillar.OutcomeVerifyPending
			}
		}
		return rem, nil
	}
}
