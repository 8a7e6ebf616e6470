package infrastructure

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/google/go-cmp/cmp"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/internal/awserr"
	"github.com/secpillar/secpillar/internal/fakeaws"
)

const testAccount = "111122223333"

// sgFixture builds one Region with named groups and rules; it returns the
// account, an EC2 client for the Region and the group IDs by name.
type sgSpec struct {
	name  string
	rules []ec2types.SecurityGroupRule
}

func ingress(proto string, from, to int32, cidr string) ec2types.SecurityGroupRule {
	r := ec2types.SecurityGroupRule{IsEgress: aws.Bool(false), IpProtocol: aws.String(proto), FromPort: aws.Int32(from), ToPort: aws.Int32(to)}
	switch {
	case strings.HasPrefix(cidr, "pl-"):
		r.PrefixListId = aws.String(cidr)
	case strings.HasPrefix(cidr, "sg-"):
		r.ReferencedGroupInfo = &ec2types.ReferencedSecurityGroup{GroupId: aws.String(cidr)}
	case strings.Contains(cidr, ":"):
		r.CidrIpv6 = aws.String(cidr)
	default:
		r.CidrIpv4 = aws.String(cidr)
	}
	return r
}

func egressAll() ec2types.SecurityGroupRule {
	r := ingress("-1", -1, -1, "0.0.0.0/0")
	r.IsEgress = aws.Bool(true)
	return r
}

func seedGroups(acct *fakeaws.Account, region string, specs []sgSpec) map[string]string {
	r := acct.EC2.Region(region)
	ids := map[string]string{}
	for _, s := range specs {
		id := r.AddSecurityGroup(acct.ID, region, ec2types.SecurityGroup{GroupName: aws.String(s.name), VpcId: aws.String("vpc-1"), Description: aws.String(s.name)})
		ids[s.name] = id
		for _, rule := range s.rules {
			rule.GroupId = aws.String(id)
			r.AddSecurityGroupRule(acct.ID, region, rule)
		}
	}
	return ids
}

func ec2In(acct *fakeaws.Account, region string) *ec2.Client {
	return ec2.NewFromConfig(acct.Config(func(c *aws.Config) { c.Region = region }))
}

// verdicts reduces findings to group name -> status/open rules count.
func verdicts(t *testing.T, acct *fakeaws.Account, region string, fs []secpillar.Finding) map[string]string {
	t.Helper()
	names := map[string]string{}
	for _, g := range acct.EC2.Region(region).SecurityGroups {
		names[*g.SecurityGroupArn] = *g.GroupName
	}
	out := map[string]string{}
	for _, f := range fs {
		v := string(f.Status)
		if f.Evidence["open_ports"] != "" {
			v += " " + f.Evidence["open_ports"] + " (" + fmt.Sprint(len(strings.Split(f.Evidence["open_rules"], ","))) + " rules)"
		}
		out[names[f.Resource.ID]] = v
	}
	return out
}

func TestCheckSecurityGroupAdminPorts(t *testing.T) {
	ctx := context.Background()
	acct := fakeaws.New(testAccount)
	seedGroups(acct, "eu-west-1", []sgSpec{
		{name: "empty"},
		{name: "ssh-private", rules: []ec2types.SecurityGroupRule{ingress("tcp", 22, 22, "10.0.0.0/8"), egressAll()}},
		{name: "https-public", rules: []ec2types.SecurityGroupRule{ingress("tcp", 443, 443, "0.0.0.0/0"), ingress("tcp", 443, 443, "::/0")}},
		{name: "ssh-prefix-list", rules: []ec2types.SecurityGroupRule{ingress("tcp", 22, 22, "pl-0123")}},
		{name: "ssh-from-group", rules: []ec2types.SecurityGroupRule{ingress("tcp", 0, 65535, "sg-0bastion")}},
		{name: "icmp-public", rules: []ec2types.SecurityGroupRule{ingress("icmp", -1, -1, "0.0.0.0/0")}},
		{name: "ssh-public", rules: []ec2types.SecurityGroupRule{ingress("tcp", 22, 22, "0.0.0.0/0"), ingress("tcp", 443, 443, "0.0.0.0/0")}},
		{name: "rdp-ipv6", rules: []ec2types.SecurityGroupRule{ingress("tcp", 3389, 3389, "::/0")}},
		{name: "rdp-udp", rules: []ec2types.SecurityGroupRule{ingress("udp", 3389, 3389, "0.0.0.0/0")}},
		{name: "all-traffic", rules: []ec2types.SecurityGroupRule{ingress("-1", -1, -1, "::/0")}},
		{name: "range", rules: []ec2types.SecurityGroupRule{ingress("tcp", 20, 25, "0.0.0.0/0"), ingress("tcp", 3000, 4000, "0.0.0.0/0")}},
		{name: "egress-only", rules: []ec2types.SecurityGroupRule{func() ec2types.SecurityGroupRule {
			r := ingress("tcp", 22, 22, "0.0.0.0/0")
			r.IsEgress = aws.Bool(true)
			return r
		}()}},
	})
	fs, err := CheckSecurityGroupAdminPorts(ctx, ec2In(acct, "eu-west-1"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"empty": "PASS", "ssh-private": "PASS", "https-public": "PASS", "ssh-prefix-list": "PASS", "ssh-from-group": "PASS",
		"icmp-public": "PASS", "egress-only": "PASS",
		"ssh-public": "FAIL 22 (1 rules)", "rdp-ipv6": "FAIL 3389 (1 rules)", "rdp-udp": "FAIL 3389 (1 rules)",
		"all-traffic": "FAIL 22,3389 (1 rules)", "range": "FAIL 22,3389 (2 rules)",
	}
	if diff := cmp.Diff(want, verdicts(t, acct, "eu-west-1", fs)); diff != "" {
		t.Errorf("verdicts (-want +got):\n%s", diff)
	}
	for _, f := range fs {
		if f.Control != ControlSGNoAdminPortsOpen || f.Resource.Type != SecurityGroupResourceType || f.Resource.Region != "eu-west-1" || f.Resource.Account != testAccount || f.Reason == "" {
			t.Errorf("finding metadata wrong: %+v", f)
		}
	}
}

func TestCheckSecurityGroupAdminPortsNoGroups(t *testing.T) {
	acct := fakeaws.New(testAccount)
	fs, err := CheckSecurityGroupAdminPorts(context.Background(), ec2In(acct, "us-east-1"))
	if err != nil || len(fs) != 0 {
		t.Fatalf("got %v, %v; want no findings and no error", fs, err)
	}
}

func TestCheckSecurityGroupAdminPortsErrors(t *testing.T) {
	rule := func(mut func(*ec2types.SecurityGroupRule)) fakeaws.Fault {
		return fakeaws.Fault{Service: "EC2", Operation: "DescribeSecurityGroupRules", Respond: func(ctx context.Context, params any) (any, error) {
			r := ec2types.SecurityGroupRule{SecurityGroupRuleId: aws.String("sgr-1"), GroupId: aws.String("sg-1"), IsEgress: aws.Bool(false), IpProtocol: aws.String("tcp"), FromPort: aws.Int32(22), ToPort: aws.Int32(22), CidrIpv4: aws.String("0.0.0.0/0")}
			mut(&r)
			return &ec2.DescribeSecurityGroupRulesOutput{SecurityGroupRules: []ec2types.SecurityGroupRule{r}}, nil
		}}
	}
	tests := []struct {
		name  string
		fault func(a *fakeaws.Account)
		want  string
	}{
		{"access denied on rules", func(a *fakeaws.Account) { a.DenyAccess("EC2", "DescribeSecurityGroupRules", "") }, "explicit deny"},
		{"access denied on groups", func(a *fakeaws.Account) { a.DenyAccess("EC2", "DescribeSecurityGroups", "") }, "explicit deny"},
		{"nil IsEgress", func(a *fakeaws.Account) { a.Inject(rule(func(r *ec2types.SecurityGroupRule) { r.IsEgress = nil })) }, "no IsEgress"},
		{"nil source", func(a *fakeaws.Account) { a.Inject(rule(func(r *ec2types.SecurityGroupRule) { r.CidrIpv4 = nil })) }, "no CidrIpv4"},
		{"nil ports", func(a *fakeaws.Account) { a.Inject(rule(func(r *ec2types.SecurityGroupRule) { r.FromPort = nil })) }, "no FromPort"},
		{"nil protocol", func(a *fakeaws.Account) { a.Inject(rule(func(r *ec2types.SecurityGroupRule) { r.IpProtocol = nil })) }, "no IpProtocol"},
		{"unknown protocol", func(a *fakeaws.Account) {
			a.Inject(rule(func(r *ec2types.SecurityGroupRule) { r.IpProtocol = aws.String("quic") }))
		}, `unknown IpProtocol "quic"`},
		{"malformed cidr", func(a *fakeaws.Account) {
			a.Inject(rule(func(r *ec2types.SecurityGroupRule) { r.CidrIpv4 = aws.String("0.0.0.0") }))
		}, "malformed CIDR"},
		{"nil group ARN", func(a *fakeaws.Account) {
			a.Inject(fakeaws.Fault{Service: "EC2", Operation: "DescribeSecurityGroups", Respond: func(context.Context, any) (any, error) {
				return &ec2.DescribeSecurityGroupsOutput{SecurityGroups: []ec2types.SecurityGroup{{GroupId: aws.String("sg-1"), GroupName: aws.String("g")}}}, nil
			}})
		}, "no SecurityGroupArn"},
		{"nil group name", func(a *fakeaws.Account) {
			a.Inject(fakeaws.Fault{Service: "EC2", Operation: "DescribeSecurityGroups", Respond: func(context.Context, any) (any, error) {
				return &ec2.DescribeSecurityGroupsOutput{SecurityGroups: []ec2types.SecurityGroup{{GroupId: aws.String("sg-1"), SecurityGroupArn: aws.String("arn:aws:ec2:us-east-1:1:security-group/sg-1")}}}, nil
			}})
		}, "no GroupName"},
		{"repeated token", func(a *fakeaws.Account) {
			a.Inject(fakeaws.Fault{Service: "EC2", Operation: "DescribeSecurityGroupRules", Respond: func(context.Context, any) (any, error) {
				return &ec2.DescribeSecurityGroupRulesOutput{NextToken: aws.String("same")}, nil
			}})
		}, "same pagination token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			acct := fakeaws.New(testAccount)
			seedGroups(acct, "us-east-1", []sgSpec{{name: "ssh", rules: []ec2types.SecurityGroupRule{ingress("tcp", 22, 22, "10.0.0.0/8")}}})
			tt.fault(acct)
			fs, err := CheckSecurityGroupAdminPorts(context.Background(), ec2In(acct, "us-east-1"))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got findings %v and error %v; want an error containing %q", fs, err, tt.want)
			}
			if strings.Contains(tt.name, "access denied") && !awserr.IsAccessDenied(err) {
				t.Errorf("error %v is not classified as access denied", err)
			}
		})
	}
}

// TestCheckSecurityGroupAdminPortsOneWalkPerRegion proves the cost: one
// paginated walk of the Region's rules (and one of its groups), whatever
// the number of groups.
func TestCheckSecurityGroupAdminPortsOneWalkPerRegion(t *testing.T) {
	ctx := context.Background()
	acct := fakeaws.New(testAccount)
	const groups, rulesPerGroup = 20, 4
	regions := []string{"us-east-1", "eu-west-1"}
	for _, region := range regions {
		var specs []sgSpec
		for i := range groups {
			var rules []ec2types.SecurityGroupRule
			for j := range rulesPerGroup {
				rules = append(rules, ingress("tcp", int32(1000+j), int32(1000+j), "0.0.0.0/0"))
			}
			specs = append(specs, sgSpec{name: fmt.Sprintf("g%d", i), rules: rules})
		}
		seedGroups(acct, region, specs)
	}
	control := Controls()[0]
	for _, region := range regions {
		if _, err := control.Check(ctx, acct.Config(func(c *aws.Config) { c.Region = region })); err != nil {
			t.Fatal(err)
		}
	}
	pages := func(n int) int { return (n + fakeaws.DefaultPageSize - 1) / fakeaws.DefaultPageSize }
	want := map[string]int{
		"EC2.DescribeSecurityGroupRules": len(regions) * pages(groups*rulesPerGroup),
		"EC2.DescribeSecurityGroups":     len(regions) * pages(groups),
	}
	if diff := cmp.Diff(want, acct.CallCounts()); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
}

func TestCheckSecurityGroupHighRiskPorts(t *testing.T) {
	acct := fakeaws.New(testAccount)
	seedGroups(acct, "us-east-1", []sgSpec{
		{name: "web", rules: []ec2types.SecurityGroupRule{ingress("tcp", 80, 80, "0.0.0.0/0"), ingress("tcp", 443, 443, "::/0")}},
		{name: "mysql", rules: []ec2types.SecurityGroupRule{ingress("tcp", 3306, 3306, "0.0.0.0/0")}},
		{name: "mysql-private", rules: []ec2types.SecurityGroupRule{ingress("tcp", 3306, 3306, "172.16.0.0/12")}},
	})
	c := ec2In(acct, "us-east-1")
	fs, err := CheckSecurityGroupHighRiskPorts(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]string{"web": "PASS", "mysql": "FAIL 3306 (1 rules)", "mysql-private": "PASS"}, verdicts(t, acct, "us-east-1", fs)); diff != "" {
		t.Errorf("default list (-want +got):\n%s", diff)
	}
	fs, err = CheckSecurityGroupHighRiskPorts(context.Background(), c, func(o *SecurityGroupHighRiskPortsOptions) { o.Ports = []int32{80} })
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]string{"web": "FAIL 80 (1 rules)", "mysql": "PASS", "mysql-private": "PASS"}, verdicts(t, acct, "us-east-1", fs)); diff != "" {
		t.Errorf("custom list (-want +got):\n%s", diff)
	}
	// EC2.18 mode: only 80 and 443 may be open to the internet.
	fs, err = CheckSecurityGroupHighRiskPorts(context.Background(), c, func(o *SecurityGroupHighRiskPortsOptions) { o.AuthorizedPorts = []int32{80, 443} })
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]string{"web": "PASS", "mysql": "FAIL 3306 (1 rules)", "mysql-private": "PASS"}, verdicts(t, acct, "us-east-1", fs)); diff != "" {
		t.Errorf("authorized ports (-want +got):\n%s", diff)
	}
	if _, err := CheckSecurityGroupHighRiskPorts(context.Background(), c, func(o *SecurityGroupHighRiskPortsOptions) { o.Ports = []int32{70000} }); err == nil {
		t.Error("an out-of-range port was accepted")
	}
}

func ruleSet(acct *fakeaws.Account, region string) []string {
	var out []string
	for _, r := range acct.EC2.Region(region).SecurityGroupRules {
		out = append(out, *r.SecurityGroupRuleId)
	}
	return out
}

func TestRemediateSecurityGroupAdminPorts(t *testing.T) {
	ctx := context.Background()
	acct := fakeaws.New(testAccount)
	ids := seedGroups(acct, "eu-west-1", []sgSpec{
		{name: "mixed", rules: []ec2types.SecurityGroupRule{
			ingress("tcp", 22, 22, "0.0.0.0/0"),    // offending
			ingress("tcp", 22, 22, "10.0.0.0/8"),   // kept: private
			ingress("tcp", 443, 443, "0.0.0.0/0"),  // kept: not an admin port
			ingress("-1", -1, -1, "::/0"),          // offending
			ingress("tcp", 3389, 3389, "pl-12345"), // kept: prefix list
			egressAll(),                            // kept: egress
		}},
		{name: "other", rules: []ec2types.SecurityGroupRule{ingress("tcp", 22, 22, "0.0.0.0/0")}}, // another group: untouched
	})
	all := ruleSet(acct, "eu-west-1")
	offendingIDs := []string{all[0], all[3]}
	c := ec2In(acct, "eu-west-1")

	// Dry run: planned changes, no write.
	rem, err := RemediateSecurityGroupAdminPorts(ctx, c, ids["mixed"], nil, secpillar.DryRun)
	if err != nil {
		t.Fatal(err)
	}
	if rem.Outcome != secpillar.OutcomePlanned || len(rem.Changes) != 2 || acct.CallCount("EC2", "RevokeSecurityGroupIngress") != 0 {
		t.Fatalf("dry run: outcome %s, %d changes, %d writes", rem.Outcome, len(rem.Changes), acct.CallCount("EC2", "RevokeSecurityGroupIngress"))
	}
	if diff := cmp.Diff(all, ruleSet(acct, "eu-west-1")); diff != "" {
		t.Fatalf("dry run changed rules (-want +got):\n%s", diff)
	}

	// MaxResources guard: refuse before the first write.
	_, err = RemediateSecurityGroupAdminPorts(ctx, c, ids["mixed"], nil, func(o *secpillar.RemediateOptions) { o.MaxResources = 1 })
	var tooMany *secpillar.TooManyResourcesError
	if !errors.As(err, &tooMany) || tooMany.Count != 2 || acct.CallCount("EC2", "RevokeSecurityGroupIngress") != 0 {
		t.Fatalf("guard: got %v with %d writes", err, acct.CallCount("EC2", "RevokeSecurityGroupIngress"))
	}

	// Apply: exactly the offending rules go.
	rem, err = RemediateSecurityGroupAdminPorts(ctx, c, ids["mixed"], nil)
	if err != nil {
		t.Fatal(err)
	}
	if rem.Outcome != secpillar.OutcomeChanged || !strings.Contains(rem.Undo, "AuthorizeSecurityGroupIngress") || !strings.Contains(rem.Undo, "tcp 22 from 0.0.0.0/0") {
		t.Fatalf("apply: %+v", rem)
	}
	var wantLeft []string
	for _, id := range all {
		if id != offendingIDs[0] && id != offendingIDs[1] {
			wantLeft = append(wantLeft, id)
		}
	}
	if diff := cmp.Diff(wantLeft, ruleSet(acct, "eu-west-1")); diff != "" {
		t.Fatalf("rules left (-want +got):\n%s", diff)
	}
	if n := acct.CallCount("EC2", "RevokeSecurityGroupIngress"); n != 1 {
		t.Fatalf("%d revoke calls, want 1", n)
	}

	// Second run: compliant, no write.
	rem, err = RemediateSecurityGroupAdminPorts(ctx, c, ids["mixed"], nil)
	if err != nil || rem.Outcome != secpillar.OutcomeCompliant || acct.CallCount("EC2", "RevokeSecurityGroupIngress") != 1 {
		t.Fatalf("second run: %+v, %v, %d writes", rem, err, acct.CallCount("EC2", "RevokeSecurityGroupIngress"))
	}
}

func TestRemediateSecurityGroupAdminPortsInputAndErrors(t *testing.T) {
	ctx := context.Background()
	acct := fakeaws.New(testAccount)
	ids := seedGroups(acct, "us-east-1", []sgSpec{{name: "ssh", rules: []ec2types.SecurityGroupRule{ingress("tcp", 22, 22, "0.0.0.0/0")}}})
	c := ec2In(acct, "us-east-1")
	for _, bad := range []string{"", "vpc-1", "sg-"} {
		if _, err := RemediateSecurityGroupAdminPorts(ctx, c, bad, nil); err == nil {
			t.Errorf("group ID %q accepted", bad)
		}
	}
	if n := len(acct.Calls()); n != 0 {
		t.Errorf("bad input made %d calls", n)
	}
	acct.DenyAccess("EC2", "RevokeSecurityGroupIngress", "")
	if _, err := RemediateSecurityGroupAdminPorts(ctx, c, ids["ssh"], nil); !awserr.IsAccessDenied(err) {
		t.Errorf("denied revoke: got %v", err)
	}
}

func TestSecurityGroupAdminPortsAdapterRemediates(t *testing.T) {
	ctx := context.Background()
	acct := fakeaws.New(testAccount)
	seedGroups(acct, "ap-southeast-2", []sgSpec{{name: "ssh", rules: []ec2types.SecurityGroupRule{ingress("tcp", 22, 22, "0.0.0.0/0"), ingress("tcp", 80, 80, "0.0.0.0/0")}}})
	control := Controls()[0]
	fs, err := control.Check(ctx, acct.Config(func(c *aws.Config) { c.Region = "ap-southeast-2" }))
	if err != nil || len(fs) != 1 || fs[0].Status != secpillar.StatusFail {
		t.Fatalf("check: %v %v", fs, err)
	}
	// The remediation finds the Region in the finding, not in the config.
	rem, err := control.Remediate(ctx, acct.Config(), fs[0], secpillar.RemediateOptions{})
	if err != nil || rem.Outcome != secpillar.OutcomeChanged {
		t.Fatalf("remediate: %+v %v", rem, err)
	}
	if n := len(acct.EC2.Region("ap-southeast-2").SecurityGroupRules); n != 1 {
		t.Errorf("%d rules left, want 1", n)
	}
	if _, err := control.Remediate(ctx, acct.Config(), secpillar.Finding{Control: control.ID, Resource: secpillar.Resource{ID: "not-an-arn"}}, secpillar.RemediateOptions{}); err == nil {
		t.Error("a finding without an ARN was accepted")
	}
}

// cmpIgnoreSmithy lets cmp compare SDK structs, whose only unexported
// field is an empty serialisation marker.
var cmpIgnoreSmithy = cmp.Exporter(func(reflect.Type) bool { return true })

// TestRemediateSecurityGroupAdminPortsRuleGoneMeanwhile: a rule is
// revoked by someone else between the read and the write; AWS refuses the
// whole request, and the remediation reads again and revokes the rest.
func TestRemediateSecurityGroupAdminPortsRuleGoneMeanwhile(t *testing.T) {
	ctx := context.Background()
	acct := fakeaws.New(testAccount)
	ids := seedGroups(acct, "us-east-1", []sgSpec{{name: "ssh", rules: []ec2types.SecurityGroupRule{ingress("tcp", 22, 22, "0.0.0.0/0"), ingress("tcp", 3389, 3389, "::/0"), ingress("tcp", 443, 443, "0.0.0.0/0")}}})
	first := *acct.EC2.Region("us-east-1").SecurityGroupRules[0].SecurityGroupRuleId
	acct.Inject(fakeaws.Fault{Service: "EC2", Operation: "RevokeSecurityGroupIngress", FirstN: 1, Respond: func(ctx context.Context, params any) (any, error) {
		if _, err := acct.EC2.RevokeSecurityGroupIngress(ctx, &ec2.RevokeSecurityGroupIngressInput{GroupId: aws.String(ids["ssh"]), SecurityGroupRuleIds: []string{first}}); err != nil {
			return nil, err
		}
		return acct.EC2.RevokeSecurityGroupIngress(ctx, params.(*ec2.RevokeSecurityGroupIngressInput))
	}})
	rem, err := RemediateSecurityGroupAdminPorts(ctx, ec2In(acct, "us-east-1"), ids["ssh"], nil)
	if err != nil || rem.Outcome != secpillar.OutcomeChanged || len(rem.Changes) != 1 {
		t.Fatalf("got %+v, %v", rem, err)
	}
	if n := len(acct.EC2.Region("us-east-1").SecurityGroupRules); n != 1 {
		t.Errorf("%d rules left, want the HTTPS rule only", n)
	}
}

func TestOutsideAuthorized(t *testing.T) {
	rule := func(proto string, from, to int32) sgRule {
		return sgRule{id: "r", protocol: proto, portBased: proto != "-1", allPorts: proto == "-1" || (from == 0 && to == 65535), from: from, to: to, internet: true}
	}
	tests := []struct {
		rule sgRule
		want string
	}{
		{rule("tcp", 443, 443), ""}, {rule("tcp", 80, 80), ""}, {rule("tcp", 80, 81), "80-81"}, {rule("tcp", 0, 65535), "0-65535"},
		{rule("-1", 0, 0), "0-65535"}, {rule("udp", 53, 53), "53"}, {sgRule{id: "icmp", protocol: "icmp", internet: true}, ""},
	}
	for _, tt := range tests {
		_, got := outsideAuthorized([]sgRule{tt.rule}, []int32{80, 443})
		if got != tt.want {
			t.Errorf("%+v: got %q, want %q", tt.rule, got, tt.want)
		}
	}
}
