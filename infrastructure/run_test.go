package infrastructure

import (
	"context"
	"fmt"
	"testing"

	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/google/go-cmp/cmp"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/internal/fakeaws"
)

// TestRunSharesSecurityGroupWalks: the three security group controls
// together cost one walk of the groups and one of the rules per Region
// under Run, because they make identical reads.
func TestRunSharesSecurityGroupWalks(t *testing.T) {
	acct := fakeaws.New(testAccount)
	regions := acct.EnabledRegions()
	const groups = 10
	for _, region := range regions {
		var specs []sgSpec
		for i := range groups {
			specs = append(specs, sgSpec{name: fmt.Sprintf("g%d", i), rules: []ec2types.SecurityGroupRule{ingress("tcp", 22, 22, "0.0.0.0/0"), egressAll()}})
		}
		specs[0].name = "default"
		seedGroups(acct, region, specs)
	}
	var controls []secpillar.Control
	for _, id := range []string{ControlSGNoAdminPortsOpen, ControlSGNoHighRiskPortsOpen, ControlDefaultSGClosed} {
		controls = append(controls, controlByID(t, id))
	}
	rep, err := secpillar.Run(context.Background(), acct.Config(), controls)
	if err != nil || rep.Incomplete {
		t.Fatalf("run: %v, %+v", err, rep.Errors)
	}
	if n := len(rep.Findings); n != len(regions)*(groups+groups+1) {
		t.Errorf("%d findings", n)
	}
	pages := func(n int) int { return (n + fakeaws.DefaultPageSize - 1) / fakeaws.DefaultPageSize }
	got := acct.CallCounts()
	want := map[string]int{
		"EC2.DescribeSecurityGroups":     len(regions) * pages(groups),
		"EC2.DescribeSecurityGroupRules": len(regions) * pages(2*groups),
	}
	if diff := cmp.Diff(want, map[string]int{"EC2.DescribeSecurityGroups": got["EC2.DescribeSecurityGroups"], "EC2.DescribeSecurityGroupRules": got["EC2.DescribeSecurityGroupRules"]}); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
}
