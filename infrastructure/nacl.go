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
	"github.com/secpillar/secpillar/internal/pagetoken"
)

// ControlNACLNoAdminPortsOpen is the ID of the network ACL control.
const ControlNACLNoAdminPortsOpen = "infrastructure.nacl-no-admin-ports-open"

// NetworkACLResourceType is the resource type of network ACL findings.
const NetworkACLResourceType = "AWS::EC2::NetworkAcl"

// NetworkACLsAPI is the part of the EC2 API that CheckNetworkACLAdminPorts
// calls. *ec2.Client satisfies it.
type NetworkACLsAPI interface {
	DescribeNetworkAcls(ctx context.Context, in *ec2.DescribeNetworkAclsInput, optFns ...func(*ec2.Options)) (*ec2.DescribeNetworkAclsOutput, error)
}

var _ NetworkACLsAPI = (*ec2.Client)(nil)

// NetworkACLRemediationAPI is the part of the EC2 API that
// RemediateNetworkACLAdminPorts calls. *ec2.Client satisfies it.
type NetworkACLRemediationAPI interface {
	NetworkACLsAPI
	DeleteNetworkAclEntry(ctx context.Context, in *ec2.DeleteNetworkAclEntryInput, optFns ...func(*ec2.Options)) (*ec2.DeleteNetworkAclEntryOutput, error)
}

var _ NetworkACLRemediationAPI = (*ec2.Client)(nil)

// NetworkACLAdminPortsOptions configures CheckNetworkACLAdminPorts. The
// zero value checks AdminPorts.
type NetworkACLAdminPortsOptions struct {
	// Ports replaces AdminPorts when set.
	Ports []int32
}

// naclEntry is a network ACL entry reduced to what reachability needs.
type naclEntry struct {
	number   int32
	egress   bool
	allow    bool
	protocol string // "-1", "6", "17", or another number
	from, to int32  // for 6 and 17
	internet bool   // 0.0.0.0/0 or ::/0
	ipv6     bool
	cidr     string
}

func parseEntry(acl string, e ec2types.NetworkAclEntry) (naclEntry, error) {
	if e.RuleNumber == nil {
		return naclEntry{}, fmt.Errorf("network ACL %s has an entry without RuleNumber", acl)
	}
	n := naclEntry{number: *e.RuleNumber}
	if e.Egress == nil {
		return naclEntry{}, fmt.Errorf("network ACL %s entry %d has no Egress", acl, n.number)
	}
	n.egress = *e.Egress
	switch e.RuleAction {
	case ec2types.RuleActionAllow:
		n.allow = true
	case ec2types.RuleActionDeny:
	case "":
		return naclEntry{}, fmt.Errorf("network ACL %s entry %d has no RuleAction", acl, n.number)
	default:
		return naclEntry{}, fmt.Errorf("network ACL %s entry %d has an unknown RuleAction %q", acl, n.number, e.RuleAction)
	}
	switch {
	case e.CidrBlock != nil:
		n.cidr = *e.CidrBlock
	case e.Ipv6CidrBlock != nil:
		n.cidr, n.ipv6 = *e.Ipv6CidrBlock, true
	default:
		return naclEntry{}, fmt.Errorf("network ACL %s entry %d has no CidrBlock or Ipv6CidrBlock", acl, n.number)
	}
	pfx, err := netip.ParsePrefix(n.cidr)
	if err != nil {
		return naclEntry{}, fmt.Errorf("network ACL %s entry %d has a malformed CIDR %q: %w", acl, n.number, n.cidr, err)
	}
	n.internet = pfx.Bits() == 0
	proto := strings.ToLower(aws.ToString(e.Protocol))
	switch proto {
	case "":
		return naclEntry{}, fmt.Errorf("network ACL %s entry %d has no Protocol", acl, n.number)
	case "-1", "all":
		n.protocol = "-1"
		return n, nil
	case "6", "tcp":
		n.protocol = "6"
	case "17", "udp":
		n.protocol = "17"
	default:
		v, err := strconv.Atoi(proto)
		if err != nil || v < 0 || v > 255 {
			return naclEntry{}, fmt.Errorf("network ACL %s entry %d has an unknown Protocol %q", acl, n.number, proto)
		}
		n.protocol = proto
		return n, nil
	}
	if e.PortRange == nil || e.PortRange.From == nil || e.PortRange.To == nil {
		return naclEntry{}, fmt.Errorf("network ACL %s entry %d (protocol %s) has no PortRange", acl, n.number, n.protocol)
	}
	n.from, n.to = *e.PortRange.From, *e.PortRange.To
	return n, nil
}

// matches reports whether the entry applies to traffic of protocol
// ("6" or "17") to port.
func (n naclEntry) matches(protocol string, port int32) bool {
	if n.protocol == "-1" {
		return true
	}
	return n.protocol == protocol && port >= n.from && port <= n.to
}

// String renders the entry as "rule 100 allow tcp 22 from 0.0.0.0/0".
func (n naclEntry) String() string {
	action := "deny"
	if n.allow {
		action = "allow"
	}
	ports := "all traffic"
	switch n.protocol {
	case "-1":
	case "6", "17":
		name := map[string]string{"6": "tcp", "17": "udp"}[n.protocol]
		if n.from == n.to {
			ports = fmt.Sprintf("%s %d", name, n.from)
		} else {
			ports = fmt.Sprintf("%s %d-%d", name, n.from, n.to)
		}
	default:
		ports = "protocol " + n.protocol
	}
	if n.egress {
		return fmt.Sprintf("outbound rule %d %s %s to %s", n.number, action, ports, n.cidr)
	}
	return fmt.Sprintf("rule %d %s %s from %s", n.number, action, ports, n.cidr)
}

// openEntries returns the inbound entries through which the internet
// reaches one of ports, and those ports. Entries are evaluated in
// rule-number order and the first match decides, so for each port and
// address family every internet-wide allow before the first internet-wide
// deny is offending (removing only the first would let the next one
// decide). An entry for a narrower range decides only for part of the
// internet and is not "open to 0.0.0.0/0"; a narrower deny does not close
// the port for the rest.
func openEntries(entries []naclEntry, ports []int32) ([]naclEntry, []int32) {
	in := slices.DeleteFunc(slices.Clone(entries), func(n naclEntry) bool { return n.egress })
	slices.SortFunc(in, func(a, b naclEntry) int { return int(a.number) - int(b.number) })
	bad := map[int32]naclEntry{}
	var open []int32
	for _, port := range ports {
		for _, proto := range []string{"6", "17"} {
			for _, v6 := range []bool{false, true} {
				for _, n := range in {
					if n.ipv6 != v6 || !n.internet || !n.matches(proto, port) {
						continue
					}
					if !n.allow {
						break
					}
					bad[n.number] = n
					if !slices.Contains(open, port) {
						open = append(open, port)
					}
				}
			}
		}
	}
	out := make([]naclEntry, 0, len(bad))
	for _, n := range bad {
		out = append(out, n)
	}
	slices.SortFunc(out, func(a, b naclEntry) int { return int(a.number) - int(b.number) })
	slices.Sort(open)
	return out, open
}

func parseACL(a ec2types.NetworkAcl) (string, []naclEntry, error) {
	id := aws.ToString(a.NetworkAclId)
	if id == "" {
		return "", nil, errors.New("a network ACL has no NetworkAclId")
	}
	var entries []naclEntry
	for _, e := range a.Entries {
		n, err := parseEntry(id, e)
		if err != nil {
			return "", nil, err
		}
		entries = append(entries, n)
	}
	return id, entries, nil
}

func naclResource(a ec2types.NetworkAcl, region string) secpillar.Resource {
	id, owner := aws.ToString(a.NetworkAclId), aws.ToString(a.OwnerId)
	return secpillar.Resource{Type: NetworkACLResourceType, ID: ec2ARN(region, owner, "network-acl", id), Region: region, Account: owner}
}

func entryNumbers(es []naclEntry) string {
	s := make([]string, len(es))
	for i, e := range es {
		s[i] = strconv.Itoa(int(e.number))
	}
	return strings.Join(s, ",")
}

// CheckNetworkACLAdminPorts reports, for every network ACL of the Region,
// whether its inbound entries let 0.0.0.0/0 or ::/0 reach a remote
// administration port (AdminPorts unless Ports says otherwise) over TCP or
// UDP, evaluating entries in rule-number order with the first match
// deciding: an allow shadowed by an earlier deny is not open. region names
// the Region the client calls, for the ACLs' ARNs (DescribeNetworkAcls
// returns none).
func CheckNetworkACLAdminPorts(ctx context.Context, api NetworkACLsAPI, region string, optFns ...func(*NetworkACLAdminPortsOptions)) ([]secpillar.Finding, error) {
	var o NetworkACLAdminPortsOptions
	for _, fn := range optFns {
		fn(&o)
	}
	ports := o.Ports
	if len(ports) == 0 {
		ports = AdminPorts
	}
	if err := validPorts(ports); err != nil {
		return nil, err
	}
	var out []secpillar.Finding
	guard := pagetoken.New("infrastructure: list network ACLs")
	p := ec2.NewDescribeNetworkAclsPaginator(api, &ec2.DescribeNetworkAclsInput{}, func(o *ec2.DescribeNetworkAclsPaginatorOptions) { o.Limit = 100 })
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("infrastructure: list network ACLs: %w", err)
		}
		for _, a := range page.NetworkAcls {
			id, entries, err := parseACL(a)
			if err != nil {
				return nil, fmt.Errorf("infrastructure: list network ACLs: %w", err)
			}
			if aws.ToString(a.OwnerId) == "" {
				return nil, fmt.Errorf("infrastructure: list network ACLs: %s has no OwnerId", id)
			}
			bad, open := openEntries(entries, ports)
			f := secpillar.Finding{Control: ControlNACLNoAdminPortsOpen, Severity: secpillar.SeverityMedium, Resource: naclResource(a, region), Evidence: map[string]string{
				"network_acl_id": id, "vpc_id": aws.ToString(a.VpcId), "checked_ports": portList(ports),
			}}
			if len(bad) == 0 {
				f.Status = secpillar.StatusPass
				f.Reason = fmt.Sprintf("Network ACL %s lets no traffic from 0.0.0.0/0 or ::/0 reach ports %s.", id, portList(ports))
			} else {
				f.Status = secpillar.StatusFail
				descr := make([]string, len(bad))
				for i, n := range bad {
					descr[i] = n.String()
				}
				f.Reason = fmt.Sprintf("Network ACL %s lets the internet reach port(s) %s through inbound %s; remove those entries or narrow their source.", id, portList(open), strings.Join(descr, ", "))
				f.Evidence["open_entries"] = entryNumbers(bad)
				f.Evidence["open_ports"] = portList(open)
			}
			out = append(out, f)
		}
		if err := guard.Check(false, page.NextToken); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// RemediateNetworkACLAdminPorts removes exactly the inbound entries of
// one network ACL (its ID or ARN) through which 0.0.0.0/0 or ::/0 reach an administration
// port (AdminPorts, or ports when given), and nothing else, under the
// MaxResources guard (counted in entries). Undo lists the entries to
// create again.
func RemediateNetworkACLAdminPorts(ctx context.Context, api NetworkACLRemediationAPI, aclID string, ports []int32, optFns ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
	opts := secpillar.NewRemediateOptions(optFns...)
	aclID, reported, err := ec2IDOrARN(aclID, "network-acl", "acl-")
	if err != nil {
		return secpillar.Remediation{}, err
	}
	if len(ports) == 0 {
		ports = AdminPorts
	}
	if err := validPorts(ports); err != nil {
		return secpillar.Remediation{}, err
	}
	read := func(ctx context.Context) (ec2types.NetworkAcl, []naclEntry, error) {
		out, err := api.DescribeNetworkAcls(ctx, &ec2.DescribeNetworkAclsInput{NetworkAclIds: []string{aclID}})
		if err != nil {
			return ec2types.NetworkAcl{}, nil, fmt.Errorf("infrastructure: read network ACL %s: %w", aclID, err)
		}
		if len(out.NetworkAcls) != 1 {
			return ec2types.NetworkAcl{}, nil, fmt.Errorf("infrastructure: read network ACL %s: got %d ACLs", aclID, len(out.NetworkAcls))
		}
		_, entries, err := parseACL(out.NetworkAcls[0])
		if err != nil {
			return ec2types.NetworkAcl{}, nil, fmt.Errorf("infrastructure: read network ACL %s: %w", aclID, err)
		}
		return out.NetworkAcls[0], entries, nil
	}
	acl, entries, err := read(ctx)
	if err != nil {
		return secpillar.Remediation{}, err
	}
	res := secpillar.Resource{Type: NetworkACLResourceType, ID: reported, Region: regionOfARN(reported), Account: aws.ToString(acl.OwnerId)}
	rem := secpillar.Remediation{Control: ControlNACLNoAdminPortsOpen, Resource: res}
	bad, _ := openEntries(entries, ports)
	if len(bad) == 0 {
		rem.Outcome = secpillar.OutcomeCompliant
		return rem, nil
	}
	if len(bad) > opts.Limit() {
		return rem, &secpillar.TooManyResourcesError{Control: ControlNACLNoAdminPortsOpen, Count: len(bad), Max: opts.Limit()}
	}
	var undo []string
	for _, n := range bad {
		rem.Changes = append(rem.Changes, secpillar.Change{Resource: res, Action: "ec2:DeleteNetworkAclEntry", Field: fmt.Sprintf("inbound entry %d", n.number), Before: n.String(), After: "removed"})
		undo = append(undo, n.String())
	}
	rem.Undo = fmt.Sprintf("Create the removed inbound entries of %s again with ec2:CreateNetworkAclEntry: %s.", aclID, strings.Join(undo, "; "))
	rem.Notes = []string{"An entry is removed whole: if it also allowed other ports, that traffic now falls through to later entries (ultimately the final deny)."}
	if opts.DryRun {
		rem.Outcome = secpillar.OutcomePlanned
		return rem, nil
	}
	for _, n := range bad {
		if _, err := api.DeleteNetworkAclEntry(ctx, &ec2.DeleteNetworkAclEntryInput{NetworkAclId: aws.String(aclID), Egress: aws.Bool(false), RuleNumber: aws.Int32(n.number)}); err != nil {
			return rem, fmt.Errorf("infrastructure: remove inbound entry %d of %s: %w", n.number, aclID, err)
		}
	}
	_, after, err := read(secpillar.FreshReads(ctx))
	if err != nil {
		return rem, fmt.Errorf("infrastructure: verify: %w", err)
	}
	rem.Outcome = secpillar.OutcomeChanged
	if still, _ := openEntries(after, ports); len(still) > 0 {
		rem.Outcome = secpillar.OutcomeVerifyPending
	}
	return rem, nil
}
