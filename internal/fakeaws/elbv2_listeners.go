package fakeaws

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

// SSLPolicies are the security policies DescribeSSLPolicies knows, with
// the protocols each allows (a subset of AWS's list).
var SSLPolicies = map[string][]string{
	"ELBSecurityPolicy-2016-08":                  {"TLSv1", "TLSv1.1", "TLSv1.2"},
	"ELBSecurityPolicy-TLS-1-1-2017-01":          {"TLSv1.1", "TLSv1.2"},
	"ELBSecurityPolicy-TLS-1-2-2017-01":          {"TLSv1.2"},
	"ELBSecurityPolicy-TLS-1-2-Ext-2018-06":      {"TLSv1.2"},
	"ELBSecurityPolicy-FS-1-2-Res-2020-10":       {"TLSv1.2"},
	"ELBSecurityPolicy-TLS13-1-2-2021-06":        {"TLSv1.2", "TLSv1.3"},
	"ELBSecurityPolicy-TLS13-1-2-Res-2021-06":    {"TLSv1.2", "TLSv1.3"},
	"ELBSecurityPolicy-TLS13-1-3-2021-06":        {"TLSv1.3"},
	"ELBSecurityPolicy-TLS13-1-0-2021-06":        {"TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"},
	"ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09": {"TLSv1.2", "TLSv1.3"},
}

// AddListener adds a listener to the load balancer lbARN, filling its ARN,
// and returns the ARN. Seeders and tests use it.
func (r *ELBv2Region) AddListener(lbARN string, l elbtypes.Listener) string {
	l.LoadBalancerArn = aws.String(lbARN)
	if l.ListenerArn == nil {
		arn := strings.Replace(lbARN, ":loadbalancer/", ":listener/", 1)
		l.ListenerArn = aws.String(fmt.Sprintf("%s/%016x", arn, len(r.Listeners)+1))
	}
	r.Listeners = append(r.Listeners, l)
	return *l.ListenerArn
}

// DescribeListeners lists the listeners of one load balancer, or the ones
// named by ARN, paginated by Marker.
func (f *ELBv2) DescribeListeners(ctx context.Context, in *elb.DescribeListenersInput, optFns ...func(*elb.Options)) (*elb.DescribeListenersOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	r, _ := f.lbRegionOf(ctx, optFns)
	if in.LoadBalancerArn == nil && len(in.ListenerArns) == 0 {
		return nil, apiError("ValidationError", "A load balancer ARN or listener ARNs must be specified")
	}
	var all []elbtypes.Listener
	if in.LoadBalancerArn != nil {
		if !slices.ContainsFunc(r.LoadBalancers, func(lb elbtypes.LoadBalancer) bool { return aws.ToString(lb.LoadBalancerArn) == *in.LoadBalancerArn }) {
			return nil, &elbtypes.LoadBalancerNotFoundException{Message: aws.String("Load balancer '" + *in.LoadBalancerArn + "' not found")}
		}
		for _, l := range r.Listeners {
			if aws.ToString(l.LoadBalancerArn) == *in.LoadBalancerArn {
				all = append(all, l)
			}
		}
	} else {
		var err error
		all, err = byIDs(r.Listeners, in.ListenerArns, func(l elbtypes.Listener) string { return aws.ToString(l.ListenerArn) }, func(id string) error {
			return &elbtypes.ListenerNotFoundException{Message: aws.String("One or more listeners not found: " + id)}
		})
		if err != nil {
			return nil, err
		}
	}
	items, next, err := page(f.acct, all, in.Marker, aws.ToInt32(in.PageSize))
	if err != nil {
		return nil, err
	}
	return &elb.DescribeListenersOutput{Listeners: items, NextMarker: next}, nil
}

// ModifyListener changes the fields it is given (port, protocol, policy,
// certificates, default actions) and leaves the others as they are.
func (f *ELBv2) ModifyListener(ctx context.Context, in *elb.ModifyListenerInput, optFns ...func(*elb.Options)) (*elb.ModifyListenerOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	r, _ := f.lbRegionOf(ctx, optFns)
	i := slices.IndexFunc(r.Listeners, func(l elbtypes.Listener) bool { return aws.ToString(l.ListenerArn) == aws.ToString(in.ListenerArn) })
	if i < 0 {
		return nil, &elbtypes.ListenerNotFoundException{Message: aws.String("Listener '" + aws.ToString(in.ListenerArn) + "' not found")}
	}
	l := &r.Listeners[i]
	if in.Port != nil {
		l.Port = aws.Int32(*in.Port)
	}
	if in.Protocol != "" {
		l.Protocol = in.Protocol
	}
	if in.SslPolicy != nil {
		if _, ok := SSLPolicies[*in.SslPolicy]; !ok {
			return nil, &elbtypes.SSLPolicyNotFoundException{Message: aws.String("SSL policy '" + *in.SslPolicy + "' not found")}
		}
		l.SslPolicy = aws.String(*in.SslPolicy)
	}
	if in.Certificates != nil {
		l.Certificates = slices.Clone(in.Certificates)
	}
	if in.DefaultActions != nil {
		for _, a := range in.DefaultActions {
			if a.Type == elbtypes.ActionTypeEnumRedirect && a.RedirectConfig == nil {
				return nil, apiError("ValidationError", "A redirect action needs a RedirectConfig")
			}
		}
		l.DefaultActions = slices.Clone(in.DefaultActions)
	}
	return &elb.ModifyListenerOutput{Listeners: []elbtypes.Listener{*l}}, nil
}

// DescribeSSLPolicies describes the named security policies (all known ones
// when none are named).
func (f *ELBv2) DescribeSSLPolicies(ctx context.Context, in *elb.DescribeSSLPoliciesInput, optFns ...func(*elb.Options)) (*elb.DescribeSSLPoliciesOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	names := slices.Clone(in.Names)
	if len(names) == 0 {
		for n := range SSLPolicies {
			names = append(names, n)
		}
		slices.Sort(names)
	}
	out := &elb.DescribeSSLPoliciesOutput{}
	for _, n := range names {
		protos, ok := SSLPolicies[n]
		if !ok {
			return nil, &elbtypes.SSLPolicyNotFoundException{Message: aws.String("One or more SSL policies not found: " + n)}
		}
		out.SslPolicies = append(out.SslPolicies, elbtypes.SslPolicy{Name: aws.String(n), SslProtocols: slices.Clone(protos), SupportedLoadBalancerTypes: []string{"application", "network"}})
	}
	return out, nil
}
