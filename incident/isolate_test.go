package incident_test

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/google/go-cmp/cmp"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/incident"
	"github.com/secpillar/secpillar/internal/fakeaws"
)

type isoFixture struct {
	acct           *fakeaws.Account
	clients        incident.IsolationClients
	instance       string
	web, app       string
	asgTG, otherTG string
	other          string // an instance that must not be touched
	ec2            *fakeaws.EC2Region
	enis           []string
	vols           []string
}

func isolationFixture(t *testing.T) isoFixture {
	acct, cfg := newAccount(t)
	acct.Now = func() time.Time { return t0 }
	r := acct.EC2.Region("us-east-1")
	f := isoFixture{acct: acct, ec2: r}
	f.web = r.AddSecurityGroup(acctID, "us-east-1", ec2types.SecurityGroup{GroupName: aws.String("web"), VpcId: aws.String("vpc-0a1b2c3d"), Description: aws.String("web")})
	f.app = r.AddSecurityGroup(acctID, "us-east-1", ec2types.SecurityGroup{GroupName: aws.String("app"), VpcId: aws.String("vpc-0a1b2c3d"), Description: aws.String("app")})
	r.AddSecurityGroupRule(acctID, "us-east-1", ec2types.SecurityGroupRule{GroupId: aws.String(f.web), IpProtocol: aws.String("tcp"), FromPort: aws.Int32(443), ToPort: aws.Int32(443), CidrIpv4: aws.String("0.0.0.0/0")})
	f.instance = r.AddIncidentInstance(acctID, "us-east-1", fakeaws.IncidentInstance{VpcID: "vpc-0a1b2c3d", SubnetID: "subnet-1", Groups: []string{f.web, f.app}, Interfaces: 2, Volumes: 2, Tags: map[string]string{"Name": "web-1"}})
	f.other = r.AddIncidentInstance(acctID, "us-east-1", fakeaws.IncidentInstance{VpcID: "vpc-0a1b2c3d", SubnetID: "subnet-1", Groups: []string{f.web}})
	for _, n := range r.Instances[0].NetworkInterfaces {
		f.enis = append(f.enis, aws.ToString(n.NetworkInterfaceId))
	}
	for _, m := range r.Instances[0].BlockDeviceMappings {
		f.vols = append(f.vols, aws.ToString(m.Ebs.VolumeId))
	}
	elb := acct.ELBv2.Region("us-east-1")
	f.asgTG = "arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef"
	f.otherTG = "arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/admin/fedcba9876543210"
	elb.TargetGroups = []elbtypes.TargetGroup{
		{TargetGroupArn: aws.String(f.asgTG), TargetGroupName: aws.String("web"), TargetType: elbtypes.TargetTypeEnumInstance, Port: aws.Int32(443), VpcId: aws.String("vpc-0a1b2c3d")},
		{TargetGroupArn: aws.String(f.otherTG), TargetGroupName: aws.String("admin"), TargetType: elbtypes.TargetTypeEnumIp, Port: aws.Int32(8443), VpcId: aws.String("vpc-0a1b2c3d")},
		{TargetGroupArn: aws.String("arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/fn/1"), TargetGroupName: aws.String("fn"), TargetType: elbtypes.TargetTypeEnumLambda},
	}
	elb.Targets[f.asgTG] = []elbtypes.TargetDescription{{Id: aws.String(f.instance)}, {Id: aws.String(f.other)}}
	elb.Targets[f.otherTG] = []elbtypes.TargetDescription{{Id: r.Instances[0].PrivateIpAddress, Port: aws.Int32(8443)}}
	acct.AutoScaling.AddGroup("us-east-1", "web-asg", []string{f.asgTG}, f.instance, f.other)
	f.clients = incident.IsolationClients{EC2: ec2.NewFromConfig(cfg), AutoScaling: autoscaling.NewFromConfig(cfg), ELB: elbv2.NewFromConfig(cfg)}
	return f
}

var isoWrites = map[string][]string{
	"EC2":                       {"CreateSnapshot", "CreateTags", "ModifyInstanceAttribute", "CreateSecurityGroup", "RevokeSecurityGroupEgress", "RevokeSecurityGroupIngress", "ModifyNetworkInterfaceAttribute"},
	"Auto Scaling":              {"DetachInstances"},
	"Elastic Load Balancing v2": {"DeregisterTargets"},
}

func isoWriteCount(acct *fakeaws.Account) int {
	n := 0
	for svc, ops := range isoWrites {
		n += writes(acct, svc, ops...)
	}
	return n
}

func eniGroups(r *fakeaws.EC2Region) map[string][]string {
	m := map[string][]string{}
	for _, n := range r.NetworkInterfaces {
		for _, g := range n.Groups {
			m[aws.ToString(n.NetworkInterfaceId)] = append(m[aws.ToString(n.NetworkInterfaceId)], aws.ToString(g.GroupId))
		}
	}
	return m
}

func TestIsolateInstance(t *testing.T) {
	f := isolationFixture(t)
	const caseID = "IR-2026-0042"

	t.Run("bad input before any call", func(t *testing.T) {
		f.acct.ResetCalls()
		for _, tc := range [][2]string{{"", caseID}, {"web-1", caseID}, {f.instance, ""}, {f.instance, "has space"}} {
			if _, err := incident.IsolateInstance(bg, f.clients, tc[0], tc[1]); err == nil {
				t.Errorf("%q: want error", tc)
			}
		}
		if _, err := incident.IsolateInstance(bg, incident.IsolationClients{}, f.instance, caseID); err == nil {
			t.Error("no clients: want error")
		}
		if len(f.acct.Calls()) != 0 {
			t.Errorf("calls: %v", f.acct.Calls())
		}
	})
	t.Run("dry run plans every step in order and writes nothing", func(t *testing.T) {
		iso, err := incident.IsolateInstance(bg, f.clients, f.instance, caseID, incident.IsolateDryRun, func(o *incident.IsolateOptions) { o.ShortConnectionTracking = true })
		if err != nil {
			t.Fatal(err)
		}
		if iso.Outcome != secpillar.OutcomePlanned {
			t.Errorf("outcome = %s", iso.Outcome)
		}
		var actions []string
		for _, c := range iso.Changes {
			if len(actions) == 0 || actions[len(actions)-1] != c.Action {
				actions = append(actions, c.Action)
			}
		}
		want := []string{"ec2:CreateSnapshot", "ec2:ModifyInstanceAttribute", "autoscaling:DetachInstances", "elasticloadbalancing:DeregisterTargets",
			"ec2:CreateSecurityGroup", "ec2:RevokeSecurityGroupEgress", "ec2:CreateTags", "ec2:ModifyNetworkInterfaceAttribute", "ec2:CreateTags",
			"ec2:ModifyNetworkInterfaceAttribute", "ec2:CreateTags"}
		if diff := cmp.Diff(want, actions); diff != "" {
			t.Errorf("order of actions (-want +got):\n%s", diff)
		}
		if n := isoWriteCount(f.acct); n != 0 {
			t.Errorf("%d writes in a dry run", n)
		}
	})
	var first incident.Isolation
	t.Run("isolates", func(t *testing.T) {
		iso, err := incident.IsolateInstance(bg, f.clients, f.instance, caseID)
		if err != nil {
			t.Fatal(err)
		}
		first = iso
		if iso.Outcome != secpillar.OutcomeChanged || iso.IsolationGroup == "" {
			t.Fatalf("outcome %s, group %q", iso.Outcome, iso.IsolationGroup)
		}
		// Snapshots: one per volume, tagged with the case and instance.
		if len(iso.Snapshots) != 2 || len(f.ec2.Snapshots) != 2 {
			t.Fatalf("snapshots = %v", iso.Snapshots)
		}
		for _, s := range f.ec2.Snapshots {
			tags := map[string]string{}
			for _, tg := range s.Tags {
				tags[aws.ToString(tg.Key)] = aws.ToString(tg.Value)
			}
			if tags[incident.TagCaseID] != caseID || tags[incident.TagInstanceID] != f.instance || iso.Snapshots[tags[incident.TagVolumeID]] != aws.ToString(s.SnapshotId) {
				t.Errorf("snapshot %s tags = %v", aws.ToString(s.SnapshotId), tags)
			}
		}
		if p := f.ec2.InstanceAttributes[f.instance]; !p.DisableAPITermination || !p.DisableAPIStop {
			t.Errorf("protection = %+v", p)
		}
		if p := f.ec2.InstanceAttributes[f.other]; p.DisableAPITermination {
			t.Error("other instance protected")
		}
		// Auto Scaling: detached with the capacity decremented; the other stays.
		g := f.acct.AutoScaling.Region("us-east-1").Groups[0].Group
		if len(g.Instances) != 1 || aws.ToString(g.Instances[0].InstanceId) != f.other || aws.ToInt32(g.DesiredCapacity) != 1 {
			t.Errorf("group = %+v", g)
		}
		// Target groups: the IP registration too; the other instance stays.
		elb := f.acct.ELBv2.Region("us-east-1")
		if len(elb.Targets[f.otherTG]) != 0 || len(elb.Targets[f.asgTG]) != 1 {
			t.Errorf("targets = %v", elb.Targets)
		}
		wantDereg := []incident.TargetRegistration{{TargetGroupARN: f.otherTG, TargetID: aws.ToString(f.ec2.Instances[0].PrivateIpAddress), Port: 8443}}
		if diff := cmp.Diff(wantDereg, iso.Deregistered); diff != "" || iso.AutoScalingGroup != "web-asg" {
			t.Errorf("deregistered (-want +got):\n%s", diff)
		}
		// Interfaces: only the isolation group; replaced groups reported.
		groups := eniGroups(f.ec2)
		for _, e := range f.enis {
			if diff := cmp.Diff([]string{iso.IsolationGroup}, groups[e]); diff != "" {
				t.Errorf("%s groups (-want +got):\n%s", e, diff)
			}
			if diff := cmp.Diff([]string{f.web, f.app}, iso.ReplacedGroups[e]); diff != "" {
				t.Errorf("%s replaced (-want +got):\n%s", e, diff)
			}
		}
		if diff := cmp.Diff([]string{f.web}, groups[aws.ToString(f.ec2.Instances[1].NetworkInterfaces[0].NetworkInterfaceId)]); diff != "" {
			t.Errorf("other instance's groups changed (-want +got):\n%s", diff)
		}
		// The isolation group has no rule at all.
		for _, r := range f.ec2.SecurityGroupRules {
			if aws.ToString(r.GroupId) == iso.IsolationGroup {
				t.Errorf("isolation group has rule %+v", r)
			}
		}
		for _, w := range []string{"432000", "tracked"} {
			if !strings.Contains(strings.Join(iso.Notes, " "), w) {
				t.Errorf("notes do not mention %q: %q", w, iso.Notes)
			}
		}
		if !strings.Contains(iso.Undo, f.web+","+f.app) || !strings.Contains(iso.Undo, "web-asg") || !strings.Contains(iso.Undo, f.otherTG) {
			t.Errorf("undo = %q", iso.Undo)
		}
		if iso.Metadata["state"] != "running" || iso.Metadata["tags"] != "Name=web-1" {
			t.Errorf("metadata = %v", iso.Metadata)
		}
	})
	t.Run("second run writes nothing and still reports what was replaced", func(t *testing.T) {
		f.acct.ResetCalls()
		iso, err := incident.IsolateInstance(bg, f.clients, f.instance, caseID)
		if err != nil {
			t.Fatal(err)
		}
		if iso.Outcome != secpillar.OutcomeCompliant || len(iso.Changes) != 0 {
			t.Errorf("outcome %s, changes %+v", iso.Outcome, iso.Changes)
		}
		if n := isoWriteCount(f.acct); n != 0 {
			t.Errorf("%d writes", n)
		}
		if diff := cmp.Diff(first.ReplacedGroups, iso.ReplacedGroups); diff != "" {
			t.Errorf("replaced (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(first.Snapshots, iso.Snapshots); diff != "" {
			t.Errorf("snapshots (-want +got):\n%s", diff)
		}
	})
	t.Run("short connection tracking on request", func(t *testing.T) {
		iso, err := incident.IsolateInstance(bg, f.clients, f.instance, caseID, func(o *incident.IsolateOptions) { o.ShortConnectionTracking = true })
		if err != nil || iso.Outcome != secpillar.OutcomeChanged || len(iso.Changes) != 2 {
			t.Fatalf("%+v, %v", iso.Changes, err)
		}
		for _, n := range f.ec2.NetworkInterfaces[:2] {
			if c := n.ConnectionTrackingConfiguration; c == nil || aws.ToInt32(c.TcpEstablishedTimeout) != 60 {
				t.Errorf("%s tracking = %+v", aws.ToString(n.NetworkInterfaceId), c)
			}
		}
	})
}

func TestIsolateInstanceReusesAndEmptiesTheGroup(t *testing.T) {
	f := isolationFixture(t)
	sg := f.ec2.AddSecurityGroup(acctID, "us-east-1", ec2types.SecurityGroup{GroupName: aws.String(incident.DefaultIsolationGroupName), VpcId: aws.String("vpc-0a1b2c3d"), Description: aws.String("x")})
	f.ec2.AddSecurityGroupRule(acctID, "us-east-1", ec2types.SecurityGroupRule{GroupId: aws.String(sg), IpProtocol: aws.String("tcp"), FromPort: aws.Int32(22), ToPort: aws.Int32(22), CidrIpv4: aws.String("0.0.0.0/0")})
	iso, err := incident.IsolateInstance(bg, f.clients, f.other, "IR-1")
	if err != nil {
		t.Fatal(err)
	}
	if iso.IsolationGroup != sg || f.acct.CallCount("EC2", "CreateSecurityGroup") != 0 || f.acct.CallCount("EC2", "RevokeSecurityGroupIngress") != 1 {
		t.Errorf("group %s (want %s), creates %d", iso.IsolationGroup, sg, f.acct.CallCount("EC2", "CreateSecurityGroup"))
	}
}

func TestIsolateInstanceErrors(t *testing.T) {
	f := isolationFixture(t)
	t.Run("Auto Scaling group at its minimum: refused with advice, evidence kept, no network change", func(t *testing.T) {
		g := f.acct.AutoScaling.Region("us-east-1").Groups[0]
		g.Group.MinSize = aws.Int32(2)
		defer func() { g.Group.MinSize = aws.Int32(0) }()
		f.acct.ResetCalls()
		_, err := incident.IsolateInstance(bg, f.clients, f.instance, "IR-9")
		if err == nil || !strings.Contains(err.Error(), "MinSize") {
			t.Fatalf("err = %v", err)
		}
		if n := f.acct.CallCount("EC2", "ModifyNetworkInterfaceAttribute"); n != 0 || f.acct.CallCount("EC2", "CreateSnapshot") != 2 {
			t.Errorf("network writes %d, snapshots %d", n, f.acct.CallCount("EC2", "CreateSnapshot"))
		}
		// A second run with the same case does not snapshot again.
		g.Group.MinSize = aws.Int32(0)
		f.acct.ResetCalls()
		if _, err := incident.IsolateInstance(bg, f.clients, f.instance, "IR-9"); err != nil {
			t.Fatal(err)
		}
		if n := f.acct.CallCount("EC2", "CreateSnapshot"); n != 0 {
			t.Errorf("%d snapshots on the re-run", n)
		}
	})
	t.Run("unknown instance", func(t *testing.T) {
		if _, err := incident.IsolateInstance(bg, f.clients, "i-0123456789abcdef0", "IR-1"); err == nil {
			t.Error("want error")
		}
	})
	t.Run("access denied on snapshots stops before protection or network changes", func(t *testing.T) {
		d := f.acct.DenyAccess("EC2", "CreateSnapshot", "")
		defer f.acct.Remove(d)
		f.acct.ResetCalls()
		_, err := incident.IsolateInstance(bg, f.clients, f.instance, "IR-1")
		if err == nil || !strings.Contains(err.Error(), "explicit deny") {
			t.Fatalf("err = %v", err)
		}
		if n := isoWriteCount(f.acct) - f.acct.CallCount("EC2", "CreateSnapshot"); n != 0 {
			t.Errorf("%d writes after evidence failed", n)
		}
	})
}
