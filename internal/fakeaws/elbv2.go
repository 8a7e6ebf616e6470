package fakeaws

import (
	"context"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
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
	// Tags holds the tags per resource ARN.
	Tags map[string][]elbtypes.Tag
}

// Region returns the state of one Region, creating it empty.
func (f *ELBv2) Region(name string) *ELBv2Region {
	if f.regions == nil {
		f.regions = map[string]*ELBv2Region{}
	}
	r := f.regions[name]
	if r == nil {
		r = &ELBv2Region{Targets: map[string][]elbtypes.TargetDescription{}, Tags: map[string][]elbtypes.Tag{}}
		f.regions[name] = r
	}
	return r
}

func (f *ELBv2) lbRegionOf(ctx context.Context, optFns []func(*elb.Options)) (*ELBv2Region, string) {
	var o elb.Options
	for _, fn := range optFns {
		fn(&o)
	}
	name := f.acct.region(ctx, o.Region)
	return f.Region(name), name
}

// AddLoadBalancer adds a load balancer, filling its ARN and DNS name, and
// returns its ARN. Seeders and tests use it.
func (r *ELBv2Region) AddLoadBalancer(accountID, region string, lb elbtypes.LoadBalancer) string {
	kind := "app"
	if lb.Type == elbtypes.LoadBalancerTypeEnumNetwork {
		kind = "net"
	}
	if lb.LoadBalancerArn == nil {
		lb.LoadBalancerArn = aws.String(fmt.Sprintf("arn:aws:elasticloadbalancing:%s:%s:loadbalancer/%s/%s/%016x", region, accountID, kind, aws.ToString(lb.LoadBalancerName), len(r.LoadBalancers)+1))
	}
	if lb.DNSName == nil {
		lb.DNSName = aws.String(aws.ToString(lb.LoadBalancerName) + "." + region + ".elb.amazonaws.com")
	}
	if lb.State == nil {
		lb.State = &elbtypes.LoadBalancerState{Code: elbtypes.LoadBalancerStateEnumActive}
	}
	r.LoadBalancers = append(r.LoadBalancers, lb)
	return *lb.LoadBalancerArn
}

// DescribeLoadBalancers lists load balancers, paginated by Marker, or the
// ones named by ARN or name (LoadBalancerNotFound for an unknown one).
func (f *ELBv2) DescribeLoadBalancers(ctx context.Context, in *elb.DescribeLoadBalancersInput, optFns ...func(*elb.Options)) (*elb.DescribeLoadBalancersOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	r, _ := f.lbRegionOf(ctx, optFns)
	if in == nil {
		in = &elb.DescribeLoadBalancersInput{}
	}
	lbs, err := byIDs(r.LoadBalancers, in.LoadBalancerArns, func(x elbtypes.LoadBalancer) string { return aws.ToString(x.LoadBalancerArn) }, func(id string) error {
		return &elbtypes.LoadBalancerNotFoundException{Message: aws.String("One or more load balancers not found: " + id)}
	})
	if err != nil {
		return nil, err
	}
	lbs, err = byIDs(lbs, in.Names, func(x elbtypes.LoadBalancer) string { return aws.ToString(x.LoadBalancerName) }, func(id string) error {
		return &elbtypes.LoadBalancerNotFoundException{Message: aws.String("One or more load balancers not found: " + id)}
	})
	if err != nil {
		return nil, err
	}
	items, next, err := page(f.acct, lbs, in.Marker, aws.ToInt32(in.PageSize))
	if err != nil {
		return nil, err
	}
	return &elb.DescribeLoadBalancersOutput{LoadBalancers: items, NextMarker: next}, nil
}

// DescribeTags returns the tags of up to 20 resources.
func (f *ELBv2) DescribeTags(ctx context.Context, in *elb.DescribeTagsInput, optFns ...func(*elb.Options)) (*elb.DescribeTagsOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	r, _ := f.lbRegionOf(ctx, optFns)
	if len(in.ResourceArns) == 0 || len(in.ResourceArns) > 20 {
		return nil, apiError("ValidationError", "between 1 and 20 resource ARNs are required")
	}
	out := &elb.DescribeTagsOutput{}
	for _, a := range in.ResourceArns {
		known := slices.ContainsFunc(r.LoadBalancers, func(x elbtypes.LoadBalancer) bool { return aws.ToString(x.LoadBalancerArn) == a }) ||
			slices.ContainsFunc(r.TargetGroups, func(x elbtypes.TargetGroup) bool { return aws.ToString(x.TargetGroupArn) == a })
		if !known {
			return nil, &elbtypes.LoadBalancerNotFoundException{Message: aws.String("resource not found: " + a)}
		}
		out.TagDescriptions = append(out.TagDescriptions, elbtypes.TagDescription{ResourceArn: aws.String(a), Tags: slices.Clone(r.Tags[a])})
	}
	return out, nil
}
