package fakeaws

import (
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

// ELBv2 fakes Elastic Load Balancing (application and network load
// balancers), per Region.
type ELBv2 struct {
	acct    *Account
	regions map[string]*ELBv2Region
}

// ELBv2Region is the load-balancing state of one Region.
type ELBv2Region struct {
	LoadBalancers []elbtypes.LoadBalancer
	Listeners     []elbtypes.Listener
	TargetGroups  []elbtypes.TargetGroup
	// Targets holds the registered targets per target group ARN.
	Targets map[string][]elbtypes.TargetDescription
}

// Region returns the state of one Region, creating it empty.
func (f *ELBv2) Region(name string) *ELBv2Region {
	if f.regions == nil {
		f.regions = map[string]*ELBv2Region{}
	}
	r := f.regions[name]
	if r == nil {
		r = &ELBv2Region{Targets: map[string][]elbtypes.TargetDescription{}}
		f.regions[name] = r
	}
	return r
}
