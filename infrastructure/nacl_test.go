package infrastructure

import (
	"context"
	"errors"
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

func entry(n int32, action, proto string, from, to int32, cidr string) ec2types.NetworkAclEntry {
	e := ec2types.NetworkAclEntry{RuleNumber: aws.Int32(n), Egress: aws.Bool(false), RuleAction: ec2types.RuleAction(action), Protocol: aws.String(proto)}
	if proto != "-1" {
		e.PortRange = &ec2types.PortRange{From: aws.Int32(from), To: aws.Int32(to)}
	}
	if strings.Contains(cidr, ":") {
		e.Ipv6CidrBlock = aws.String(cidr)
	} else {
		e.CidrBlock = aws.String(cidr)
	}
	return e
}

func defaultDeny() []ec2types.NetworkAclEntry {
	return []ec2types.NetworkAclEntry{entry(32767, "deny", "-1", 0, 0, "0.0.0.0/0"), entry(32767, "deny", "-1", 0, 0, "::/0")}
}

func seedACLs(acct *fakeaws.Account, region string, acls map[string][]ec2types.NetworkAclEntry) {
	r := acct.EC2.Region(region)
	for id, entries := range acls {
		r.NetworkAcls = append(r.NetworkAcls, ec2types.NetworkAcl{NetworkAclId: aws.String(id), VpcId: aws.String("vpc-1"), OwnerId: aws.String(acct.ID), Entries: append(entries, defaultDeny()...)})
	}
}

func TestCheckNetworkACLAdminPorts(t *testing.T) {
	acct := fakeaws.New(testAccount)
	out := entry(100, "allow", "-1", 0, 0, "0.0.0.0/0")
	out.Egress = aws.Bool(true)
	seedACLs(acct, "eu-west-1", map[string][]ec2types.NetworkAclEntry{
		"acl-closed":          nil,
		"acl-allow-all":       {entry(100, "allow", "-1", 0, 0, "0.0.0.0/0")},
		"acl-ssh-v6":          {entry(100, "allow", "6", 22, 22, "::/0")},
		"acl-shadowed":        {entry(90, "deny", "6", 0, 1024, "0.0.0.0/0"), entry(100, "allow", "6", 0, 65535, "0.0.0.0/0"), entry(110, "deny", "6", 3389, 3389, "0.0.0.0/0")},
		"acl-order":           {entry(200, "deny", "6", 22, 22, "0.0.0.0/0"), entry(100, "allow", "6", 22, 22, "0.0.0.0/0")},
		"acl-narrow-deny":     {entry(90, "deny", "6", 22, 22, "203.0.113.0/24"), entry(100, "allow", "6", 22, 22, "0.0.0.0/0")},
		"acl-private":         {entry(100, "allow", "6", 22, 22, "10.0.0.0/8")},
		"acl-https":           {entry(100, "allow", "6", 443, 443, "0.0.0.0/0")},
		"acl-egress-only":     {out},
		"acl-two-allows":      {entry(100, "allow", "6", 22, 22, "0.0.0.0/0"), entry(200, "allow", "6", 0, 65535, "0.0.0.0/0")},
		"acl-udp-rdp":         {entry(100, "allow", "17", 3389, 3389, "0.0.0.0/0")},
		"acl-ipv4-deny-only":  {entry(90, "deny", "-1", 0, 0, "0.0.0.0/0"), entry(100, "allow", "6", 22, 22, "::/0")},
		"acl-icmp-everywhere": {entry(100, "allow", "1", 0, 0, "0.0.0.0/0")},
	})
	// ICMP entries carry no port range.
	r := acct.EC2.Region("eu-west-1")
	for i := range r.NetworkAcls {
		for j := range r.NetworkAcls[i].Entries {
			if aws.ToString(r.NetworkAcls[i].Entries[j].Protocol) == "1" {
				r.NetworkAcls[i].Entries[j].PortRange = nil
			}
		}
	}
	fs, err := CheckNetworkACLAdminPorts(context.Background(), ec2In(acct, "eu-west-1"), "eu-west-1")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, f := range fs {
		got[f.Evidence["network_acl_id"]] = strings.TrimSpace(string(f.Status) + " " + f.Evidence["open_entries"])
		if f.Resource.ID != "arn:aws:ec2:eu-west-1:"+testAccount+":network-acl/"+f.Evidence["network_acl_id"] {
			t.Errorf("resource ID %q", f.Resource.ID)
		}
	}
	want := map[string]string{
		"acl-closed": "PASS", "acl-allow-all": "FAIL 100", "acl-ssh-v6": "FAIL 100",
		"acl-shadowed": "FAIL 100", // 22 is shadowed by 90, 3389 is not (110 comes after 100)
		"acl-order":    "FAIL 100", "acl-narrow-deny": "FAIL 100", "acl-private": "PASS", "acl-https": "PASS",
		"acl-egress-only": "PASS", "acl-two-allows": "FAIL 100,200", "acl-udp-rdp": "FAIL 100", "acl-ipv4-deny-only": "FAIL 100",
		"acl-icmp-everywhere": "PASS",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("verdicts (-want +got):\n%s", diff)
	}
}

func TestCheckNetworkACLAdminPortsShadowedAllowIsNotOpen(t *testing.T) {
	acct := fakeaws.New(testAccount)
	seedACLs(acct, "us-east-1", map[string][]ec2types.NetworkAclEntry{
		"acl-1": {entry(10, "deny", "-1", 0, 0, "0.0.0.0/0"), entry(11, "deny", "-1", 0, 0, "::/0"), entry(100, "allow", "6", 22, 22, "0.0.0.0/0"), entry(101, "allow", "6", 22, 22, "::/0")},
	})
	fs, err := CheckNetworkACLAdminPorts(context.Background(), ec2In(acct, "us-east-1"), "us-east-1")
	if err != nil || len(fs) != 1 || fs[0].Status != secpillar.StatusPass {
		t.Fatalf("got %+v, %v; want one PASS", fs, err)
	}
}

func TestCheckNetworkACLAdminPortsErrors(t *testing.T) {
	respond := func(mut func(*ec2types.NetworkAclEntry)) func(*fakeaws.Account) {
		return func(a *fakeaws.Account) {
			a.Inject(fakeaws.Fault{Service: "EC2", Operation: "DescribeNetworkAcls", Respond: func(context.Context, any) (any, error) {
				e := entry(100, "allow", "6", 22, 22, "0.0.0.0/0")
				mut(&e)
				return &ec2.DescribeNetworkAclsOutput{NetworkAcls: []ec2types.NetworkAcl{{NetworkAclId: aws.String("acl-1"), OwnerId: aws.String("1"), Entries: []ec2types.NetworkAclEntry{e}}}}, nil
			}})
		}
	}
	tests := []struct {
		name  string
		fault func(*fakeaws.Account)
		want  string
	}{
		{"access denied", func(a *fakeaws.Account) { a.DenyAccess("EC2", "DescribeNetworkAcls", "") }, "explicit deny"},
		{"nil rule number", respond(func(e *ec2types.NetworkAclEntry) { e.RuleNumber = nil }), "without RuleNumber"},
		{"nil egress", respond(func(e *ec2types.NetworkAclEntry) { e.Egress = nil }), "no Egress"},
		{"nil action", respond(func(e *ec2types.NetworkAclEntry) { e.RuleAction = "" }), "no RuleAction"},
		{"unknown action", respond(func(e *ec2types.NetworkAclEntry) { e.RuleAction = "log" }), `unknown RuleAction "log"`},
		{"nil cidr", respond(func(e *ec2types.NetworkAclEntry) { e.CidrBlock = nil }), "no CidrBlock"},
		{"nil port range", respond(func(e *ec2types.NetworkAclEntry) { e.PortRange = nil }), "no PortRange"},
		{"nil protocol", respond(func(e *ec2types.NetworkAclEntry) { e.Protocol = nil }), "no Protocol"},
		{"nil owner", func(a *fakeaws.Account) {
			a.Inject(fakeaws.Fault{Service: "EC2", Operation: "DescribeNetworkAcls", Respond: func(context.Context, any) (any, error) {
				return &ec2.DescribeNetworkAclsOutput{NetworkAcls: []ec2types.NetworkAcl{{NetworkAclId: aws.String("acl-1")}}}, nil
			}})
		}, "no OwnerId"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			acct := fakeaws.New(testAccount)
			seedACLs(acct, "us-east-1", map[string][]ec2types.NetworkAclEntry{"acl-9": nil})
			tt.fault(acct)
			_, err := CheckNetworkACLAdminPorts(context.Background(), ec2In(acct, "us-east-1"), "us-east-1")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want an error containing %q", err, tt.want)
			}
			if tt.name == "access denied" && !awserr.IsAccessDenied(err) {
				t.Errorf("not classified as access denied: %v", err)
			}
		})
	}
	acct := fakeaws.New(testAccount)
	fs, err := CheckNetworkACLAdminPorts(context.Background(), ec2In(acct, "us-east-1"), "us-east-1")
	if err != nil || len(fs) != 0 {
		t.Errorf("no ACLs: got %v, %v", fs, err)
	}
}

func entriesOf(acct *fakeaws.Account, region, id string) []string {
	var out []string
	for _, a := range acct.EC2.Region(region).NetworkAcls {
		if *a.NetworkAclId != id {
			continue
		}
		for _, e := range a.Entries {
			n, _ := parseEntry(id, e)
			out = append(out, n.String())
		}
	}
	return out
}

func TestRemediateNetworkACLAdminPorts(t *testing.T) {
	ctx := context.Background()
	acct := fakeaws.New(testAccount)
	eg := entry(100, "allow", "6", 22, 22, "0.0.0.0/0")
	eg.Egress = aws.Bool(true)
	seedACLs(acct, "us-east-1", map[string][]ec2types.NetworkAclEntry{
		"acl-1": {entry(100, "allow", "6", 22, 22, "0.0.0.0/0"), entry(110, "allow", "6", 443, 443, "0.0.0.0/0"), entry(120, "allow", "6", 3389, 3389, "10.0.0.0/8"), entry(200, "allow", "-1", 0, 0, "::/0"), eg},
	})
	before := entriesOf(acct, "us-east-1", "acl-1")
	c := ec2In(acct, "us-east-1")

	rem, err := RemediateNetworkACLAdminPorts(ctx, c, "acl-1", nil, secpillar.DryRun)
	if err != nil || rem.Outcome != secpillar.OutcomePlanned || len(rem.Changes) != 2 || acct.CallCount("EC2", "DeleteNetworkAclEntry") != 0 {
		t.Fatalf("dry run: %+v %v", rem, err)
	}
	_, err = RemediateNetworkACLAdminPorts(ctx, c, "acl-1", nil, func(o *secpillar.RemediateOptions) { o.MaxResources = 1 })
	var tooMany *secpillar.TooManyResourcesError
	if !errors.As(err, &tooMany) || acct.CallCount("EC2", "DeleteNetworkAclEntry") != 0 {
		t.Fatalf("guard: %v", err)
	}
	rem, err = RemediateNetworkACLAdminPorts(ctx, c, "acl-1", nil)
	if err != nil || rem.Outcome != secpillar.OutcomeChanged || !strings.Contains(rem.Undo, "CreateNetworkAclEntry") {
		t.Fatalf("apply: %+v %v", rem, err)
	}
	var want []string
	for _, e := range before {
		if e != "rule 100 allow tcp 22 from 0.0.0.0/0" && e != "rule 200 allow all traffic from ::/0" {
			want = append(want, e)
		}
	}
	// The outbound entry 100 is kept: only inbound entries are removed.
	if diff := cmp.Diff(want, entriesOf(acct, "us-east-1", "acl-1")); diff != "" {
		t.Errorf("entries left (-want +got):\n%s", diff)
	}
	rem, err = RemediateNetworkACLAdminPorts(ctx, c, "acl-1", nil)
	if err != nil || rem.Outcome != secpillar.OutcomeCompliant || acct.CallCount("EC2", "DeleteNetworkAclEntry") != 2 {
		t.Fatalf("second run: %+v %v (%d deletes)", rem, err, acct.CallCount("EC2", "DeleteNetworkAclEntry"))
	}
	if _, err := RemediateNetworkACLAdminPorts(ctx, c, "sg-1", nil); err == nil {
		t.Error("a non-ACL ID was accepted")
	}
}

func TestDefaultSecurityGroupsClosed(t *testing.T) {
	ctx := context.Background()
	acct := fakeaws.New(testAccount)
	ids := seedGroups(acct, "eu-west-1", []sgSpec{
		{name: "default", rules: []ec2types.SecurityGroupRule{ingress("-1", -1, -1, "sg-self"), egressAll()}},
		{name: "web", rules: []ec2types.SecurityGroupRule{ingress("tcp", 443, 443, "0.0.0.0/0"), egressAll()}},
	})
	r := acct.EC2.Region("eu-west-1")
	closed := r.AddSecurityGroup(acct.ID, "eu-west-1", ec2types.SecurityGroup{GroupName: aws.String("default"), VpcId: aws.String("vpc-2")})
	c := ec2In(acct, "eu-west-1")

	fs, err := CheckDefaultSecurityGroupsClosed(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]secpillar.Status{}
	for _, f := range fs {
		got[f.Evidence["group_id"]] = f.Status
	}
	if diff := cmp.Diff(map[string]secpillar.Status{ids["default"]: secpillar.StatusFail, closed: secpillar.StatusPass}, got); diff != "" {
		t.Fatalf("verdicts (-want +got):\n%s", diff)
	}

	if _, err := RemediateDefaultSecurityGroup(ctx, c, ids["web"]); err == nil || !strings.Contains(err.Error(), "not a default security group") {
		t.Fatalf("non-default group: %v", err)
	}
	rem, err := RemediateDefaultSecurityGroup(ctx, c, ids["default"], secpillar.DryRun)
	if err != nil || rem.Outcome != secpillar.OutcomePlanned || len(rem.Changes) != 2 || acct.CallCount("EC2", "RevokeSecurityGroupIngress")+acct.CallCount("EC2", "RevokeSecurityGroupEgress") != 0 {
		t.Fatalf("dry run: %+v %v", rem, err)
	}
	rems, err := RemediateDefaultSecurityGroups(ctx, c, func(o *secpillar.RemediateOptions) { o.MaxResources = 1 })
	if err != nil || len(rems) != 1 || rems[0].Outcome != secpillar.OutcomeChanged {
		t.Fatalf("bulk: %+v %v", rems, err)
	}
	// The web group keeps its two rules.
	if n := len(r.SecurityGroupRules); n != 2 {
		t.Errorf("%d rules left, want the web group's 2", n)
	}
	rem, err = RemediateDefaultSecurityGroup(ctx, c, ids["default"])
	if err != nil || rem.Outcome != secpillar.OutcomeCompliant || acct.CallCount("EC2", "RevokeSecurityGroupIngress") != 1 || acct.CallCount("EC2", "RevokeSecurityGroupEgress") != 1 {
		t.Fatalf("second run: %+v %v", rem, err)
	}
}

func TestRemediateDefaultSecurityGroupsGuard(t *testing.T) {
	acct := fakeaws.New(testAccount)
	for _, vpc := range []string{"vpc-a", "vpc-b"} {
		r := acct.EC2.Region("us-east-1")
		id := r.AddSecurityGroup(acct.ID, "us-east-1", ec2types.SecurityGroup{GroupName: aws.String("default"), VpcId: aws.String(vpc)})
		rule := egressAll()
		rule.GroupId = aws.String(id)
		r.AddSecurityGroupRule(acct.ID, "us-east-1", rule)
	}
	_, err := RemediateDefaultSecurityGroups(context.Background(), ec2In(acct, "us-east-1"), func(o *secpillar.RemediateOptions) { o.MaxResources = 1 })
	var tooMany *secpillar.TooManyResourcesError
	if !errors.As(err, &tooMany) || tooMany.Count != 2 || acct.CallCount("EC2", "RevokeSecurityGroupEgress") != 0 {
		t.Fatalf("got %v", err)
	}
}

func TestEC2IDOrARN(t *testing.T) {
	tests := []struct {
		in, typ, prefix, id, reported string
		ok                            bool
	}{
		{"acl-0123", "network-acl", "acl-", "acl-0123", "acl-0123", true},
		{"arn:aws:ec2:eu-west-1:111122223333:network-acl/acl-0123", "network-acl", "acl-", "acl-0123", "arn:aws:ec2:eu-west-1:111122223333:network-acl/acl-0123", true},
		{"arn:aws:ec2:eu-west-1:111122223333:subnet/subnet-1", "network-acl", "acl-", "", "", false},
		{"acl-", "network-acl", "acl-", "", "", false},
		{"", "network-acl", "acl-", "", "", false},
		{"arn:aws:s3:::bucket", "vpc", "vpc-", "", "", false},
	}
	for _, tt := range tests {
		id, reported, err := ec2IDOrARN(tt.in, tt.typ, tt.prefix)
		if (err == nil) != tt.ok || id != tt.id || reported != tt.reported {
			t.Errorf("%q: got %q, %q, %v", tt.in, id, reported, err)
		}
	}
}
