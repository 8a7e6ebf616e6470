package fakeaws

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// ec2Filter answers whether a resource matches EC2 Filters. values returns
// the resource's values for a filter name and whether the name is known;
// an unknown filter name is an InvalidParameterValue error, as in AWS.
// Values within one filter are ORed, filters are ANDed; "*" in a value
// matches any run of characters.
func ec2Filter(filters []ec2types.Filter, values func(name string) ([]string, bool)) (bool, error) {
	for _, f := range filters {
		name := aws.ToString(f.Name)
		have, known := values(name)
		if !known {
			return false, apiError("InvalidParameterValue", fmt.Sprintf("The filter '%s' is invalid", name))
		}
		matched := false
		for _, want := range f.Values {
			for _, h := range have {
				if wildcardMatch(want, h) {
					matched = true
				}
			}
		}
		if !matched {
			return false, nil
		}
	}
	return true, nil
}

// wildcardMatch matches s against a pattern where "*" is any run of
// characters and "?" any one character.
func wildcardMatch(pattern, s string) bool {
	if !strings.ContainsAny(pattern, "*?") {
		return pattern == s
	}
	if pattern == "" {
		return s == ""
	}
	switch pattern[0] {
	case '*':
		for i := 0; i <= len(s); i++ {
			if wildcardMatch(pattern[1:], s[i:]) {
				return true
			}
		}
		return false
	case '?':
		return s != "" && wildcardMatch(pattern[1:], s[1:])
	}
	return s != "" && s[0] == pattern[0] && wildcardMatch(pattern[1:], s[1:])
}

func tagValues(tags []ec2types.Tag, name string) ([]string, bool) {
	if k, ok := strings.CutPrefix(name, "tag:"); ok {
		for _, t := range tags {
			if aws.ToString(t.Key) == k {
				return []string{aws.ToString(t.Value)}, true
			}
		}
		return nil, true
	}
	if name == "tag-key" {
		var out []string
		for _, t := range tags {
			out = append(out, aws.ToString(t.Key))
		}
		return out, true
	}
	return nil, false
}

func one(s *string) []string { return []string{aws.ToString(s)} }

func boolString(b *bool) []string { return []string{strconv.FormatBool(aws.ToBool(b))} }

// filterSlice keeps the items that match filters.
func filterSlice[T any](items []T, filters []ec2types.Filter, values func(T, string) ([]string, bool)) ([]T, error) {
	var out []T
	for _, it := range items {
		ok, err := ec2Filter(filters, func(name string) ([]string, bool) { return values(it, name) })
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, it)
		}
	}
	return out, nil
}

// byIDs keeps the items whose ID is in ids (all of them when ids is
// empty); an unknown ID is the error notFound returns.
func byIDs[T any](items []T, ids []string, id func(T) string, notFound func(string) error) ([]T, error) {
	if len(ids) == 0 {
		return items, nil
	}
	var out []T
	for _, want := range ids {
		found := false
		for _, it := range items {
			if id(it) == want {
				out = append(out, it)
				found = true
				break
			}
		}
		if !found {
			return nil, notFound(want)
		}
	}
	return out, nil
}

// ---- security groups ------------------------------------------------------

func (r *EC2Region) groupIndex(id string) int {
	return slices.IndexFunc(r.SecurityGroups, func(g ec2types.SecurityGroup) bool { return aws.ToString(g.GroupId) == id })
}

func sgNotFound(id string) error {
	return apiError("InvalidGroup.NotFound", fmt.Sprintf("The security group '%s' does not exist", id))
}

// permissionsOf derives the IpPermissions of a group from its rules, one
// permission per (protocol, from, to), as DescribeSecurityGroups shows them.
func (r *EC2Region) permissionsOf(groupID string, egress bool) []ec2types.IpPermission {
	return permissionsFrom(r.SecurityGroupRules, groupID, egress)
}

// rulesByGroup indexes rules by group ID for the groups in want.
func rulesByGroup(rules []ec2types.SecurityGroupRule, want []ec2types.SecurityGroup) map[string][]ec2types.SecurityGroupRule {
	m := make(map[string][]ec2types.SecurityGroupRule, len(want))
	for _, g := range want {
		m[aws.ToString(g.GroupId)] = nil
	}
	for _, rule := range rules {
		id := aws.ToString(rule.GroupId)
		if _, ok := m[id]; ok {
			m[id] = append(m[id], rule)
		}
	}
	return m
}

func permissionsFrom(rules []ec2types.SecurityGroupRule, groupID string, egress bool) []ec2types.IpPermission {
	var perms []ec2types.IpPermission
	for _, rule := range rules {
		if aws.ToString(rule.GroupId) != groupID || aws.ToBool(rule.IsEgress) != egress {
			continue
		}
		i := slices.IndexFunc(perms, func(p ec2types.IpPermission) bool {
			return aws.ToString(p.IpProtocol) == aws.ToString(rule.IpProtocol) &&
				ptrEq(p.FromPort, rule.FromPort) && ptrEq(p.ToPort, rule.ToPort)
		})
		if i < 0 {
			perms = append(perms, ec2types.IpPermission{IpProtocol: rule.IpProtocol, FromPort: rule.FromPort, ToPort: rule.ToPort})
			i = len(perms) - 1
		}
		p := &perms[i]
		switch {
		case rule.CidrIpv4 != nil:
			p.IpRanges = append(p.IpRanges, ec2types.IpRange{CidrIp: rule.CidrIpv4, Description: rule.Description})
		case rule.CidrIpv6 != nil:
			p.Ipv6Ranges = append(p.Ipv6Ranges, ec2types.Ipv6Range{CidrIpv6: rule.CidrIpv6, Description: rule.Description})
		case rule.PrefixListId != nil:
			p.PrefixListIds = append(p.PrefixListIds, ec2types.PrefixListId{PrefixListId: rule.PrefixListId, Description: rule.Description})
		case rule.ReferencedGroupInfo != nil:
			ref := rule.ReferencedGroupInfo
			p.UserIdGroupPairs = append(p.UserIdGroupPairs, ec2types.UserIdGroupPair{GroupId: ref.GroupId, UserId: ref.UserId, VpcId: ref.VpcId, VpcPeeringConnectionId: ref.VpcPeeringConnectionId, PeeringStatus: ref.PeeringStatus, Description: rule.Description})
		}
	}
	return perms
}

func ptrEq[T comparable](a, b *T) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

// AddSecurityGroupRule appends a rule to a group, giving it a fresh rule ID
// and ARN when it has none, and returns the ID. Seeders and tests use it.
func (r *EC2Region) AddSecurityGroupRule(accountID, region string, rule ec2types.SecurityGroupRule) string {
	if rule.SecurityGroupRuleId == nil {
		rule.SecurityGroupRuleId = aws.String(r.newID("sgr"))
	}
	if rule.SecurityGroupRuleArn == nil {
		rule.SecurityGroupRuleArn = aws.String("arn:aws:ec2:" + region + ":" + accountID + ":security-group-rule/" + aws.ToString(rule.SecurityGroupRuleId))
	}
	if rule.GroupOwnerId == nil {
		rule.GroupOwnerId = aws.String(accountID)
	}
	if rule.IsEgress == nil {
		rule.IsEgress = aws.Bool(false)
	}
	r.SecurityGroupRules = append(r.SecurityGroupRules, rule)
	return aws.ToString(rule.SecurityGroupRuleId)
}

// AddSecurityGroup appends a group (with a fresh ID and ARN when it has
// none) and returns its ID. Seeders and tests use it; rules are added with
// AddSecurityGroupRule.
func (r *EC2Region) AddSecurityGroup(accountID, region string, g ec2types.SecurityGroup) string {
	if g.GroupId == nil {
		g.GroupId = aws.String(r.newID("sg"))
	}
	if g.SecurityGroupArn == nil {
		g.SecurityGroupArn = aws.String("arn:aws:ec2:" + region + ":" + accountID + ":security-group/" + aws.ToString(g.GroupId))
	}
	if g.OwnerId == nil {
		g.OwnerId = aws.String(accountID)
	}
	r.SecurityGroups = append(r.SecurityGroups, g)
	return aws.ToString(g.GroupId)
}

// DescribeSecurityGroupRules lists rules, paginated, by ID or with the
// filters group-id and security-group-rule-id.
func (f *EC2) DescribeSecurityGroupRules(ctx context.Context, in *ec2.DescribeSecurityGroupRulesInput, optFns ...func(*ec2.Options)) (*ec2.DescribeSecurityGroupRulesOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	r := f.regionOf(ctx, optFns)
	if in == nil {
		in = &ec2.DescribeSecurityGroupRulesInput{}
	}
	rules, err := byIDs(r.SecurityGroupRules, in.SecurityGroupRuleIds, func(x ec2types.SecurityGroupRule) string { return aws.ToString(x.SecurityGroupRuleId) },
		func(id string) error {
			return apiError("InvalidSecurityGroupRuleId.NotFound", fmt.Sprintf("The security group rule ID '%s' does not exist", id))
		})
	if err != nil {
		return nil, err
	}
	rules, err = filterSlice(rules, in.Filters, func(x ec2types.SecurityGroupRule, name string) ([]string, bool) {
		switch name {
		case "group-id":
			return one(x.GroupId), true
		case "security-group-rule-id":
			return one(x.SecurityGroupRuleId), true
		}
		return tagValues(x.Tags, name)
	})
	if err != nil {
		return nil, err
	}
	items, next, err := page(f.acct, rules, in.NextToken, aws.ToInt32(in.MaxResults))
	if err != nil {
		return nil, err
	}
	return &ec2.DescribeSecurityGroupRulesOutput{SecurityGroupRules: items, NextToken: next}, nil
}

// DescribeSecurityGroups lists groups, paginated, by ID or name or with
// the filters group-id, group-name and vpc-id. IpPermissions and
// IpPermissionsEgress are derived from the group's rules.
func (f *EC2) DescribeSecurityGroups(ctx context.Context, in *ec2.DescribeSecurityGroupsInput, optFns ...func(*ec2.Options)) (*ec2.DescribeSecurityGroupsOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	r := f.regionOf(ctx, optFns)
	if in == nil {
		in = &ec2.DescribeSecurityGroupsInput{}
	}
	groups, err := byIDs(r.SecurityGroups, in.GroupIds, func(g ec2types.SecurityGroup) string { return aws.ToString(g.GroupId) }, sgNotFound)
	if err != nil {
		return nil, err
	}
	groups, err = byIDs(groups, in.GroupNames, func(g ec2types.SecurityGroup) string { return aws.ToString(g.GroupName) }, sgNotFound)
	if err != nil {
		return nil, err
	}
	groups, err = filterSlice(groups, in.Filters, func(g ec2types.SecurityGroup, name string) ([]string, bool) {
		switch name {
		case "group-id":
			return one(g.GroupId), true
		case "group-name":
			return one(g.GroupName), true
		case "vpc-id":
			return one(g.VpcId), true
		case "owner-id":
			return one(g.OwnerId), true
		}
		return tagValues(g.Tags, name)
	})
	if err != nil {
		return nil, err
	}
	items, next, err := page(f.acct, groups, in.NextToken, aws.ToInt32(in.MaxResults))
	if err != nil {
		return nil, err
	}
	byGroup := rulesByGroup(r.SecurityGroupRules, items)
	for i := range items {
		id := aws.ToString(items[i].GroupId)
		items[i].IpPermissions = permissionsFrom(byGroup[id], id, false)
		items[i].IpPermissionsEgress = permissionsFrom(byGroup[id], id, true)
	}
	return &ec2.DescribeSecurityGroupsOutput{SecurityGroups: items, NextToken: next}, nil
}

// CreateSecurityGroup creates a VPC security group with AWS's default
// egress rule (all traffic to 0.0.0.0/0).
func (f *EC2) CreateSecurityGroup(ctx context.Context, in *ec2.CreateSecurityGroupInput, optFns ...func(*ec2.Options)) (*ec2.CreateSecurityGroupOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	var o ec2.Options
	for _, fn := range optFns {
		fn(&o)
	}
	region := f.acct.region(ctx, o.Region)
	r := f.Region(region)
	if in == nil || aws.ToString(in.GroupName) == "" || aws.ToString(in.Description) == "" {
		return nil, apiError("MissingParameter", "The request must contain the parameters GroupName and GroupDescription")
	}
	vpc := aws.ToString(in.VpcId)
	if vpc == "" {
		for _, v := range r.Vpcs {
			if aws.ToBool(v.IsDefault) {
				vpc = aws.ToString(v.VpcId)
			}
		}
		if vpc == "" {
			return nil, apiError("VPCIdNotSpecified", "No default VPC for this user")
		}
	} else if !slices.ContainsFunc(r.Vpcs, func(v ec2types.Vpc) bool { return aws.ToString(v.VpcId) == vpc }) {
		return nil, apiError("InvalidVpcID.NotFound", fmt.Sprintf("The vpc ID '%s' does not exist", vpc))
	}
	if slices.ContainsFunc(r.SecurityGroups, func(g ec2types.SecurityGroup) bool {
		return aws.ToString(g.VpcId) == vpc && aws.ToString(g.GroupName) == aws.ToString(in.GroupName)
	}) {
		return nil, apiError("InvalidGroup.Duplicate", fmt.Sprintf("The security group '%s' already exists for VPC '%s'", aws.ToString(in.GroupName), vpc))
	}
	var tags []ec2types.Tag
	for _, ts := range in.TagSpecifications {
		if ts.ResourceType == ec2types.ResourceTypeSecurityGroup || ts.ResourceType == "" {
			tags = append(tags, ts.Tags...)
		}
	}
	id := r.AddSecurityGroup(f.acct.ID, region, ec2types.SecurityGroup{GroupName: in.GroupName, Description: in.Description, VpcId: aws.String(vpc), Tags: tags})
	r.AddSecurityGroupRule(f.acct.ID, region, ec2types.SecurityGroupRule{GroupId: aws.String(id), IsEgress: aws.Bool(true), IpProtocol: aws.String("-1"), FromPort: aws.Int32(-1), ToPort: aws.Int32(-1), CidrIpv4: aws.String("0.0.0.0/0")})
	g := r.SecurityGroups[r.groupIndex(id)]
	return &ec2.CreateSecurityGroupOutput{GroupId: g.GroupId, SecurityGroupArn: g.SecurityGroupArn, Tags: tags}, nil
}

// rulesFromPermissions expands IpPermissions into one rule per source, as
// AWS stores them.
func rulesFromPermissions(groupID string, egress bool, perms []ec2types.IpPermission) ([]ec2types.SecurityGroupRule, error) {
	var out []ec2types.SecurityGroupRule
	for _, p := range perms {
		proto := strings.ToLower(aws.ToString(p.IpProtocol))
		switch proto {
		case "":
			return nil, apiError("MissingParameter", "The request must contain the parameter ipProtocol")
		case "all":
			proto = "-1"
		}
		from, to := p.FromPort, p.ToPort
		if proto == "-1" {
			from, to = aws.Int32(-1), aws.Int32(-1)
		} else if proto == "tcp" || proto == "udp" || proto == "6" || proto == "17" {
			if from == nil || to == nil {
				return nil, apiError("InvalidParameterValue", "Invalid value for portRange. Must specify both from and to ports with TCP/UDP.")
			}
			if *from > *to || *from < 0 || *to > 65535 {
				return nil, apiError("InvalidParameterValue", fmt.Sprintf("Invalid port range %d-%d", *from, *to))
			}
		}
		base := ec2types.SecurityGroupRule{GroupId: aws.String(groupID), IsEgress: aws.Bool(egress), IpProtocol: aws.String(proto), FromPort: from, ToPort: to}
		n := 0
		for _, x := range p.IpRanges {
			r := base
			r.CidrIpv4, r.Description = x.CidrIp, x.Description
			out = append(out, r)
			n++
		}
		for _, x := range p.Ipv6Ranges {
			r := base
			r.CidrIpv6, r.Description = x.CidrIpv6, x.Description
			out = append(out, r)
			n++
		}
		for _, x := range p.PrefixListIds {
			r := base
			r.PrefixListId, r.Description = x.PrefixListId, x.Description
			out = append(out, r)
			n++
		}
		for _, x := range p.UserIdGroupPairs {
			r := base
			r.ReferencedGroupInfo = &ec2types.ReferencedSecurityGroup{GroupId: x.GroupId, UserId: x.UserId, VpcId: x.VpcId, VpcPeeringConnectionId: x.VpcPeeringConnectionId}
			r.Description = x.Description
			out = append(out, r)
			n++
		}
		if n == 0 {
			return nil, apiError("InvalidParameterValue", "The request must contain at least one source or destination (CIDR, prefix list or security group)")
		}
	}
	return out, nil
}

// sameRule reports whether two rules grant the same thing (ignoring IDs and
// descriptions).
func sameRule(a, b ec2types.SecurityGroupRule) bool {
	refA, refB := "", ""
	if a.ReferencedGroupInfo != nil {
		refA = aws.ToString(a.ReferencedGroupInfo.GroupId)
	}
	if b.ReferencedGroupInfo != nil {
		refB = aws.ToString(b.ReferencedGroupInfo.GroupId)
	}
	return aws.ToString(a.GroupId) == aws.ToString(b.GroupId) && aws.ToBool(a.IsEgress) == aws.ToBool(b.IsEgress) &&
		aws.ToString(a.IpProtocol) == aws.ToString(b.IpProtocol) && ptrEq(a.FromPort, b.FromPort) && ptrEq(a.ToPort, b.ToPort) &&
		aws.ToString(a.CidrIpv4) == aws.ToString(b.CidrIpv4) && aws.ToString(a.CidrIpv6) == aws.ToString(b.CidrIpv6) &&
		aws.ToString(a.PrefixListId) == aws.ToString(b.PrefixListId) && refA == refB
}

func (f *EC2) authorize(ctx context.Context, groupID *string, egress bool, perms []ec2types.IpPermission, optFns []func(*ec2.Options)) ([]ec2types.SecurityGroupRule, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	var o ec2.Options
	for _, fn := range optFns {
		fn(&o)
	}
	region := f.acct.region(ctx, o.Region)
	r := f.Region(region)
	id := aws.ToString(groupID)
	if id == "" {
		return nil, apiError("MissingParameter", "The request must contain the parameter groupId")
	}
	if r.groupIndex(id) < 0 {
		return nil, sgNotFound(id)
	}
	rules, err := rulesFromPermissions(id, egress, perms)
	if err != nil {
		return nil, err
	}
	for i, nr := range rules {
		for _, ex := range r.SecurityGroupRules {
			if sameRule(nr, ex) {
				return nil, apiError("InvalidPermission.Duplicate", fmt.Sprintf("the specified rule \"peer: %s, %s, ALLOW\" already exists", ruleSource(nr), aws.ToString(nr.IpProtocol)))
			}
		}
		for _, prev := range rules[:i] {
			if sameRule(nr, prev) {
				return nil, apiError("InvalidPermission.Duplicate", "the request names the same rule twice")
			}
		}
	}
	var out []ec2types.SecurityGroupRule
	for _, nr := range rules {
		rid := r.AddSecurityGroupRule(f.acct.ID, region, nr)
		out = append(out, r.SecurityGroupRules[slices.IndexFunc(r.SecurityGroupRules, func(x ec2types.SecurityGroupRule) bool { return aws.ToString(x.SecurityGroupRuleId) == rid })])
	}
	return out, nil
}

func ruleSource(r ec2types.SecurityGroupRule) string {
	switch {
	case r.CidrIpv4 != nil:
		return *r.CidrIpv4
	case r.CidrIpv6 != nil:
		return *r.CidrIpv6
	case r.PrefixListId != nil:
		return *r.PrefixListId
	case r.ReferencedGroupInfo != nil:
		return aws.ToString(r.ReferencedGroupInfo.GroupId)
	}
	return ""
}

// AuthorizeSecurityGroupIngress adds ingress rules from IpPermissions.
func (f *EC2) AuthorizeSecurityGroupIngress(ctx context.Context, in *ec2.AuthorizeSecurityGroupIngressInput, optFns ...func(*ec2.Options)) (*ec2.AuthorizeSecurityGroupIngressOutput, error) {
	perms := in.IpPermissions
	if in.CidrIp != nil || in.IpProtocol != nil {
		perms = append(perms, ec2types.IpPermission{IpProtocol: in.IpProtocol, FromPort: in.FromPort, ToPort: in.ToPort, IpRanges: []ec2types.IpRange{{CidrIp: in.CidrIp}}})
	}
	rules, err := f.authorize(ctx, in.GroupId, false, perms, optFns)
	if err != nil {
		return nil, err
	}
	return &ec2.AuthorizeSecurityGroupIngressOutput{Return: aws.Bool(true), SecurityGroupRules: rules}, nil
}

// AuthorizeSecurityGroupEgress adds egress rules from IpPermissions.
func (f *EC2) AuthorizeSecurityGroupEgress(ctx context.Context, in *ec2.AuthorizeSecurityGroupEgressInput, optFns ...func(*ec2.Options)) (*ec2.AuthorizeSecurityGroupEgressOutput, error) {
	perms := in.IpPermissions
	if in.CidrIp != nil || in.IpProtocol != nil {
		perms = append(perms, ec2types.IpPermission{IpProtocol: in.IpProtocol, FromPort: in.FromPort, ToPort: in.ToPort, IpRanges: []ec2types.IpRange{{CidrIp: in.CidrIp}}})
	}
	rules, err := f.authorize(ctx, in.GroupId, true, perms, optFns)
	if err != nil {
		return nil, err
	}
	return &ec2.AuthorizeSecurityGroupEgressOutput{Return: aws.Bool(true), SecurityGroupRules: rules}, nil
}

// revoke removes rules by rule ID (every ID must be a rule of the group in
// that direction, else nothing is removed) or by IpPermissions (unknown
// permissions come back in UnknownIpPermissions).
func (f *EC2) revoke(ctx context.Context, groupID *string, egress bool, ruleIDs []string, perms []ec2types.IpPermission, optFns []func(*ec2.Options)) ([]ec2types.RevokedSecurityGroupRule, []ec2types.IpPermission, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	r := f.regionOf(ctx, optFns)
	id := aws.ToString(groupID)
	if id == "" {
		return nil, nil, apiError("MissingParameter", "The request must contain the parameter groupId")
	}
	if r.groupIndex(id) < 0 {
		return nil, nil, sgNotFound(id)
	}
	if len(ruleIDs) > 0 && len(perms) > 0 {
		return nil, nil, apiError("InvalidParameterCombination", "SecurityGroupRuleIds cannot be combined with IpPermissions")
	}
	remove := map[string]bool{}
	for _, rid := range ruleIDs {
		i := slices.IndexFunc(r.SecurityGroupRules, func(x ec2types.SecurityGroupRule) bool {
			return aws.ToString(x.SecurityGroupRuleId) == rid && aws.ToString(x.GroupId) == id && aws.ToBool(x.IsEgress) == egress
		})
		if i < 0 {
			return nil, nil, apiError("InvalidSecurityGroupRuleId.NotFound", fmt.Sprintf("The security group rule ID '%s' does not exist", rid))
		}
		remove[rid] = true
	}
	var unknown []ec2types.IpPermission
	if len(perms) > 0 {
		want, err := rulesFromPermissions(id, egress, perms)
		if err != nil {
			return nil, nil, err
		}
		for _, w := range want {
			i := slices.IndexFunc(r.SecurityGroupRules, func(x ec2types.SecurityGroupRule) bool { return sameRule(w, x) })
			if i < 0 {
				unknown = append(unknown, ec2types.IpPermission{IpProtocol: w.IpProtocol, FromPort: w.FromPort, ToPort: w.ToPort})
				continue
			}
			remove[aws.ToString(r.SecurityGroupRules[i].SecurityGroupRuleId)] = true
		}
	}
	var revoked []ec2types.RevokedSecurityGroupRule
	kept := r.SecurityGroupRules[:0:0]
	for _, x := range r.SecurityGroupRules {
		if !remove[aws.ToString(x.SecurityGroupRuleId)] {
			kept = append(kept, x)
			continue
		}
		rv := ec2types.RevokedSecurityGroupRule{SecurityGroupRuleId: x.SecurityGroupRuleId, GroupId: x.GroupId, IsEgress: x.IsEgress, IpProtocol: x.IpProtocol, FromPort: x.FromPort, ToPort: x.ToPort, CidrIpv4: x.CidrIpv4, CidrIpv6: x.CidrIpv6, PrefixListId: x.PrefixListId, Description: x.Description}
		if x.ReferencedGroupInfo != nil {
			rv.ReferencedGroupId = x.ReferencedGroupInfo.GroupId
		}
		revoked = append(revoked, rv)
	}
	r.SecurityGroupRules = kept
	return revoked, unknown, nil
}

// RevokeSecurityGroupIngress removes ingress rules by SecurityGroupRuleIds
// or IpPermissions.
func (f *EC2) RevokeSecurityGroupIngress(ctx context.Context, in *ec2.RevokeSecurityGroupIngressInput, optFns ...func(*ec2.Options)) (*ec2.RevokeSecurityGroupIngressOutput, error) {
	revoked, unknown, err := f.revoke(ctx, in.GroupId, false, in.SecurityGroupRuleIds, in.IpPermissions, optFns)
	if err != nil {
		return nil, err
	}
	return &ec2.RevokeSecurityGroupIngressOutput{Return: aws.Bool(true), RevokedSecurityGroupRules: revoked, UnknownIpPermissions: unknown}, nil
}

// RevokeSecurityGroupEgress removes egress rules by SecurityGroupRuleIds
// or IpPermissions.
func (f *EC2) RevokeSecurityGroupEgress(ctx context.Context, in *ec2.RevokeSecurityGroupEgressInput, optFns ...func(*ec2.Options)) (*ec2.RevokeSecurityGroupEgressOutput, error) {
	revoked, unknown, err := f.revoke(ctx, in.GroupId, true, in.SecurityGroupRuleIds, in.IpPermissions, optFns)
	if err != nil {
		return nil, err
	}
	return &ec2.RevokeSecurityGroupEgressOutput{Return: aws.Bool(true), RevokedSecurityGroupRules: revoked, UnknownIpPermissions: unknown}, nil
}

// ---- network ACLs ---------------------------------------------------------

// DescribeNetworkAcls lists network ACLs, paginated, by ID or with the
// filters network-acl-id, vpc-id and default.
func (f *EC2) DescribeNetworkAcls(ctx context.Context, in *ec2.DescribeNetworkAclsInput, optFns ...func(*ec2.Options)) (*ec2.DescribeNetworkAclsOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	r := f.regionOf(ctx, optFns)
	if in == nil {
		in = &ec2.DescribeNetworkAclsInput{}
	}
	acls, err := byIDs(r.NetworkAcls, in.NetworkAclIds, func(x ec2types.NetworkAcl) string { return aws.ToString(x.NetworkAclId) }, func(id string) error {
		return apiError("InvalidNetworkAclID.NotFound", fmt.Sprintf("The network ACL ID '%s' does not exist", id))
	})
	if err != nil {
		return nil, err
	}
	acls, err = filterSlice(acls, in.Filters, func(x ec2types.NetworkAcl, name string) ([]string, bool) {
		switch name {
		case "network-acl-id":
			return one(x.NetworkAclId), true
		case "vpc-id":
			return one(x.VpcId), true
		case "default":
			return boolString(x.IsDefault), true
		}
		return tagValues(x.Tags, name)
	})
	if err != nil {
		return nil, err
	}
	items, next, err := page(f.acct, acls, in.NextToken, aws.ToInt32(in.MaxResults))
	if err != nil {
		return nil, err
	}
	for i := range items {
		items[i].Entries = slices.Clone(items[i].Entries)
	}
	return &ec2.DescribeNetworkAclsOutput{NetworkAcls: items, NextToken: next}, nil
}

// DeleteNetworkAclEntry removes one entry, identified by rule number and
// direction.
func (f *EC2) DeleteNetworkAclEntry(ctx context.Context, in *ec2.DeleteNetworkAclEntryInput, optFns ...func(*ec2.Options)) (*ec2.DeleteNetworkAclEntryOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	r := f.regionOf(ctx, optFns)
	id := aws.ToString(in.NetworkAclId)
	i := slices.IndexFunc(r.NetworkAcls, func(x ec2types.NetworkAcl) bool { return aws.ToString(x.NetworkAclId) == id })
	if i < 0 {
		return nil, apiError("InvalidNetworkAclID.NotFound", fmt.Sprintf("The network ACL ID '%s' does not exist", id))
	}
	if in.RuleNumber == nil || in.Egress == nil {
		return nil, apiError("MissingParameter", "The request must contain the parameters ruleNumber and egress")
	}
	acl := &r.NetworkAcls[i]
	j := slices.IndexFunc(acl.Entries, func(e ec2types.NetworkAclEntry) bool {
		return aws.ToInt32(e.RuleNumber) == *in.RuleNumber && aws.ToBool(e.Egress) == *in.Egress
	})
	if j < 0 || *in.RuleNumber == 32767 {
		return nil, apiError("InvalidNetworkAclEntry.NotFound", fmt.Sprintf("The network ACL entry identified by %d does not exist", *in.RuleNumber))
	}
	acl.Entries = slices.Delete(slices.Clone(acl.Entries), j, j+1)
	return &ec2.DeleteNetworkAclEntryOutput{}, nil
}

// ---- VPCs, subnets, flow logs, routes, peering ----------------------------

// DescribeVpcs lists VPCs, paginated, by ID or with the filters vpc-id and
// is-default.
func (f *EC2) DescribeVpcs(ctx context.Context, in *ec2.DescribeVpcsInput, optFns ...func(*ec2.Options)) (*ec2.DescribeVpcsOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	r := f.regionOf(ctx, optFns)
	if in == nil {
		in = &ec2.DescribeVpcsInput{}
	}
	vpcs, err := byIDs(r.Vpcs, in.VpcIds, func(x ec2types.Vpc) string { return aws.ToString(x.VpcId) }, func(id string) error {
		return apiError("InvalidVpcID.NotFound", fmt.Sprintf("The vpc ID '%s' does not exist", id))
	})
	if err != nil {
		return nil, err
	}
	vpcs, err = filterSlice(vpcs, in.Filters, func(x ec2types.Vpc, name string) ([]string, bool) {
		switch name {
		case "vpc-id":
			return one(x.VpcId), true
		case "is-default", "isDefault":
			return boolString(x.IsDefault), true
		case "cidr", "cidr-block":
			return one(x.CidrBlock), true
		}
		return tagValues(x.Tags, name)
	})
	if err != nil {
		return nil, err
	}
	items, next, err := page(f.acct, vpcs, in.NextToken, aws.ToInt32(in.MaxResults))
	if err != nil {
		return nil, err
	}
	return &ec2.DescribeVpcsOutput{Vpcs: items, NextToken: next}, nil
}

// DescribeSubnets lists subnets, paginated, by ID or with the filters
// subnet-id and vpc-id.
func (f *EC2) DescribeSubnets(ctx context.Context, in *ec2.DescribeSubnetsInput, optFns ...func(*ec2.Options)) (*ec2.DescribeSubnetsOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	r := f.regionOf(ctx, optFns)
	if in == nil {
		in = &ec2.DescribeSubnetsInput{}
	}
	subnets, err := byIDs(r.Subnets, in.SubnetIds, func(x ec2types.Subnet) string { return aws.ToString(x.SubnetId) }, func(id string) error {
		return apiError("InvalidSubnetID.NotFound", fmt.Sprintf("The subnet ID '%s' does not exist", id))
	})
	if err != nil {
		return nil, err
	}
	subnets, err = filterSlice(subnets, in.Filters, func(x ec2types.Subnet, name string) ([]string, bool) {
		switch name {
		case "subnet-id":
			return one(x.SubnetId), true
		case "vpc-id":
			return one(x.VpcId), true
		case "map-public-ip-on-launch":
			return boolString(x.MapPublicIpOnLaunch), true
		}
		return tagValues(x.Tags, name)
	})
	if err != nil {
		return nil, err
	}
	items, next, err := page(f.acct, subnets, in.NextToken, aws.ToInt32(in.MaxResults))
	if err != nil {
		return nil, err
	}
	return &ec2.DescribeSubnetsOutput{Subnets: items, NextToken: next}, nil
}

// ModifySubnetAttribute changes one attribute of a subnet; this fake
// supports MapPublicIpOnLaunch and AssignIpv6AddressOnCreation.
func (f *EC2) ModifySubnetAttribute(ctx context.Context, in *ec2.ModifySubnetAttributeInput, optFns ...func(*ec2.Options)) (*ec2.ModifySubnetAttributeOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	r := f.regionOf(ctx, optFns)
	id := aws.ToString(in.SubnetId)
	i := slices.IndexFunc(r.Subnets, func(x ec2types.Subnet) bool { return aws.ToString(x.SubnetId) == id })
	if i < 0 {
		return nil, apiError("InvalidSubnetID.NotFound", fmt.Sprintf("The subnet ID '%s' does not exist", id))
	}
	switch {
	case in.MapPublicIpOnLaunch != nil:
		r.Subnets[i].MapPublicIpOnLaunch = aws.Bool(aws.ToBool(in.MapPublicIpOnLaunch.Value))
	case in.AssignIpv6AddressOnCreation != nil:
		r.Subnets[i].AssignIpv6AddressOnCreation = aws.Bool(aws.ToBool(in.AssignIpv6AddressOnCreation.Value))
	default:
		return nil, apiError("InvalidParameterCombination", "this fake supports MapPublicIpOnLaunch and AssignIpv6AddressOnCreation only")
	}
	return &ec2.ModifySubnetAttributeOutput{}, nil
}

// DescribeFlowLogs lists flow logs, paginated, by ID or with the filters
// resource-id, flow-log-id, log-destination-type and traffic-type.
func (f *EC2) DescribeFlowLogs(ctx context.Context, in *ec2.DescribeFlowLogsInput, optFns ...func(*ec2.Options)) (*ec2.DescribeFlowLogsOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	r := f.regionOf(ctx, optFns)
	if in == nil {
		in = &ec2.DescribeFlowLogsInput{}
	}
	logs, err := byIDs(r.FlowLogs, in.FlowLogIds, func(x ec2types.FlowLog) string { return aws.ToString(x.FlowLogId) }, func(id string) error {
		return apiError("InvalidFlowLogId.NotFound", fmt.Sprintf("The flow log ID '%s' does not exist", id))
	})
	if err != nil {
		return nil, err
	}
	logs, err = filterSlice(logs, in.Filter, func(x ec2types.FlowLog, name string) ([]string, bool) {
		switch name {
		case "resource-id":
			return one(x.ResourceId), true
		case "flow-log-id":
			return one(x.FlowLogId), true
		case "log-destination-type":
			return []string{string(x.LogDestinationType)}, true
		case "traffic-type":
			return []string{string(x.TrafficType)}, true
		case "deliver-log-status":
			return one(x.DeliverLogsStatus), true
		}
		return tagValues(x.Tags, name)
	})
	if err != nil {
		return nil, err
	}
	items, next, err := page(f.acct, logs, in.NextToken, aws.ToInt32(in.MaxResults))
	if err != nil {
		return nil, err
	}
	return &ec2.DescribeFlowLogsOutput{FlowLogs: items, NextToken: next}, nil
}

// CreateFlowLogs creates one flow log per resource. CloudWatch Logs
// delivery needs a log group (LogGroupName or LogDestination) and a
// DeliverLogsPermissionArn; S3 and Firehose need a LogDestination ARN.
func (f *EC2) CreateFlowLogs(ctx context.Context, in *ec2.CreateFlowLogsInput, optFns ...func(*ec2.Options)) (*ec2.CreateFlowLogsOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	r := f.regionOf(ctx, optFns)
	if len(in.ResourceIds) == 0 || in.ResourceType == "" {
		return nil, apiError("MissingParameter", "The request must contain the parameters ResourceIds and ResourceType")
	}
	dest := in.LogDestinationType
	if dest == "" {
		dest = ec2types.LogDestinationTypeCloudWatchLogs
	}
	switch dest {
	case ec2types.LogDestinationTypeCloudWatchLogs:
		if in.LogGroupName == nil && in.LogDestination == nil {
			return nil, apiError("MissingParameter", "LogGroupName or LogDestination is required for cloud-watch-logs")
		}
		if in.DeliverLogsPermissionArn == nil {
			return nil, apiError("InvalidParameter", "DeliverLogsPermissionArn is required for cloud-watch-logs")
		}
	case ec2types.LogDestinationTypeS3, ec2types.LogDestinationTypeKinesisDataFirehose:
		if !strings.HasPrefix(aws.ToString(in.LogDestination), "arn:") {
			return nil, apiError("InvalidParameter", "LogDestination must be an ARN")
		}
	default:
		return nil, apiError("InvalidParameter", fmt.Sprintf("unknown LogDestinationType %q", dest))
	}
	traffic := in.TrafficType
	if traffic == "" {
		traffic = ec2types.TrafficTypeAll
	}
	out := &ec2.CreateFlowLogsOutput{ClientToken: in.ClientToken}
	for _, res := range in.ResourceIds {
		if in.ResourceType == ec2types.FlowLogsResourceTypeVpc && !slices.ContainsFunc(r.Vpcs, func(v ec2types.Vpc) bool { return aws.ToString(v.VpcId) == res }) {
			out.Unsuccessful = append(out.Unsuccessful, ec2types.UnsuccessfulItem{ResourceId: aws.String(res), Error: &ec2types.UnsuccessfulItemError{Code: aws.String("InvalidVpcID.NotFound"), Message: aws.String("The vpc ID '" + res + "' does not exist")}})
			continue
		}
		id := r.newID("fl")
		fl := ec2types.FlowLog{
			FlowLogId: aws.String(id), ResourceId: aws.String(res), TrafficType: traffic, LogDestinationType: dest,
			LogDestination: in.LogDestination, LogGroupName: in.LogGroupName, DeliverLogsPermissionArn: in.DeliverLogsPermissionArn,
			FlowLogStatus: aws.String("ACTIVE"), DeliverLogsStatus: aws.String("SUCCESS"), CreationTime: aws.Time(f.acct.now()),
			LogFormat: in.LogFormat, MaxAggregationInterval: in.MaxAggregationInterval,
		}
		if fl.MaxAggregationInterval == nil {
			fl.MaxAggregationInterval = aws.Int32(600)
		}
		r.FlowLogs = append(r.FlowLogs, fl)
		out.FlowLogIds = append(out.FlowLogIds, id)
	}
	return out, nil
}

// DescribeRouteTables lists route tables, paginated, by ID or with the
// filters vpc-id and route-table-id.
func (f *EC2) DescribeRouteTables(ctx context.Context, in *ec2.DescribeRouteTablesInput, optFns ...func(*ec2.Options)) (*ec2.DescribeRouteTablesOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	r := f.regionOf(ctx, optFns)
	if in == nil {
		in = &ec2.DescribeRouteTablesInput{}
	}
	tables, err := byIDs(r.RouteTables, in.RouteTableIds, func(x ec2types.RouteTable) string { return aws.ToString(x.RouteTableId) }, func(id string) error {
		return apiError("InvalidRouteTableID.NotFound", fmt.Sprintf("The routeTable ID '%s' does not exist", id))
	})
	if err != nil {
		return nil, err
	}
	tables, err = filterSlice(tables, in.Filters, func(x ec2types.RouteTable, name string) ([]string, bool) {
		switch name {
		case "vpc-id":
			return one(x.VpcId), true
		case "route-table-id":
			return one(x.RouteTableId), true
		case "route.vpc-peering-connection-id":
			var out []string
			for _, rt := range x.Routes {
				out = append(out, aws.ToString(rt.VpcPeeringConnectionId))
			}
			return out, true
		}
		return tagValues(x.Tags, name)
	})
	if err != nil {
		return nil, err
	}
	items, next, err := page(f.acct, tables, in.NextToken, aws.ToInt32(in.MaxResults))
	if err != nil {
		return nil, err
	}
	return &ec2.DescribeRouteTablesOutput{RouteTables: items, NextToken: next}, nil
}

// DescribeVpcPeeringConnections lists peering connections, paginated, by
// ID or with the filters vpc-peering-connection-id and status-code.
func (f *EC2) DescribeVpcPeeringConnections(ctx context.Context, in *ec2.DescribeVpcPeeringConnectionsInput, optFns ...func(*ec2.Options)) (*ec2.DescribeVpcPeeringConnectionsOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	r := f.regionOf(ctx, optFns)
	if in == nil {
		in = &ec2.DescribeVpcPeeringConnectionsInput{}
	}
	pcs, err := byIDs(r.PeeringConnections, in.VpcPeeringConnectionIds, func(x ec2types.VpcPeeringConnection) string { return aws.ToString(x.VpcPeeringConnectionId) }, func(id string) error {
		return apiError("InvalidVpcPeeringConnectionID.NotFound", fmt.Sprintf("The vpcPeeringConnection ID '%s' does not exist", id))
	})
	if err != nil {
		return nil, err
	}
	pcs, err = filterSlice(pcs, in.Filters, func(x ec2types.VpcPeeringConnection, name string) ([]string, bool) {
		switch name {
		case "vpc-peering-connection-id":
			return one(x.VpcPeeringConnectionId), true
		case "status-code":
			if x.Status == nil {
				return nil, true
			}
			return []string{string(x.Status.Code)}, true
		}
		return tagValues(x.Tags, name)
	})
	if err != nil {
		return nil, err
	}
	items, next, err := page(f.acct, pcs, in.NextToken, aws.ToInt32(in.MaxResults))
	if err != nil {
		return nil, err
	}
	return &ec2.DescribeVpcPeeringConnectionsOutput{VpcPeeringConnections: items, NextToken: next}, nil
}
