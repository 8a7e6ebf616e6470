package fakeaws

import (
	"testing"
	"time"
)

func TestSyntheticInfrastructureBuildsQuickly(t *testing.T) {
	start := time.Now()
	a := Synthetic(SyntheticParams{Seed: 7, Regions: 17, SecurityGroupsPerRegion: 500, RulesPerGroup: 5, NACLsPerRegion: 100, Distributions: 10})
	took := time.Since(start)
	if n := len(a.EC2.Region("sa-east-1").SecurityGroupRules); n != 2500 {
		t.Errorf("sa-east-1 has %d rules, want 2500", n)
	}
	if n := len(a.EC2.Region("us-east-1").NetworkAcls); n != 100 {
		t.Errorf("%d NACLs, want 100", n)
	}
	if n := len(a.CloudFront.Distributions); n != 10 {
		t.Errorf("%d distributions, want 10", n)
	}
	if took > 30*time.Second { // about 0.25 s each without -race; generous for a loaded machine
		t.Errorf("building took %v", took)
	}
	b := Synthetic(SyntheticParams{Seed: 7, Regions: 17, SecurityGroupsPerRegion: 500, RulesPerGroup: 5, NACLsPerRegion: 100, Distributions: 10})
	if *a.EC2.Region("eu-west-1").SecurityGroupRules[1234].FromPort != *b.EC2.Region("eu-west-1").SecurityGroupRules[1234].FromPort {
		t.Error("the same seed gave different accounts")
	}
}
