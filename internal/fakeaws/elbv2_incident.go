package fakeaws

import (
	"context"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

func (f *ELBv2) regionOf(ctx context.Context, optFns []func(*elbv2.Options)) *ELBv2Region {
	var o elbv2.Options
	for _, fn := range optFns {
		fn(&o)
	}
	return f.Region(f.acct.region(ctx, o.Region))
}

func targetGroupNotFound() error {
	return &elbtypes.TargetGroupNotFoundException{Message: aws.String("One or more target groups not found")}
}

func (r *ELBv2Region) targetGroup(arn string) *elbtypes.TargetGroup {
	for i := range r.TargetGroups {
		if aws.ToString(r.TargetGroups[i].TargetGroupArn) == arn {
			return &r.TargetGroups[i]
		}
	}
	return nil
}

// DescribeTargetGroups lists target groups (Marker pagination), by ARN,
// name or load balancer.
func (f *ELBv2) DescribeTargetGroups(ctx context.Context, in *elbv2.DescribeTargetGroupsInput, optFns ...func(*elbv2.Options)) (*elbv2.DescribeTargetGroupsOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	r := f.regionOf(ctx, optFns)
	var all []elbtypes.TargetGroup
	for _, tg := range r.TargetGroups {
		if len(in.TargetGroupArns) > 0 && !slices.Contains(in.TargetGroupArns, aws.ToString(tg.TargetGroupArn)) {
			continue
		}
		if len(in.Names) > 0 && !slices.Contains(in.Names, aws.ToString(tg.TargetGroupName)) {
			continue
		}
		if lb := aws.ToString(in.LoadBalancerArn); lb != "" && !slices.Contains(tg.LoadBalancerArns, lb) {
			continue
		}
		all = append(all, tg)
	}
	if (len(in.TargetGroupArns) > 0 && len(all) != len(in.TargetGroupArns)) || (len(in.Names) > 0 && len(all) != len(in.Names)) {
		return nil, targetGroupNotFound()
	}
	items, next, err := page(f.acct, all, in.Marker, aws.ToInt32(in.PageSize))
	if err != nil {
		return nil, err
	}
	return &elbv2.DescribeTargetGroupsOutput{TargetGroups: items, NextMarker: next}, nil
}

// DescribeTargetHealth lists the targets registered with a target group
// (or only the ones asked for), all healthy.
func (f *ELBv2) DescribeTargetHealth(ctx context.Context, in *elbv2.DescribeTargetHealthInput, optFns ...func(*elbv2.Options)) (*elbv2.DescribeTargetHealthOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	r := f.regionOf(ctx, optFns)
	arn := aws.ToString(in.TargetGroupArn)
	tg := r.targetGroup(arn)
	if tg == nil {
		return nil, targetGroupNotFound()
	}
	out := &elbv2.DescribeTargetHealthOutput{}
	for _, t := range r.Targets[arn] {
		if len(in.Targets) > 0 && !slices.ContainsFunc(in.Targets, func(q elbtypes.TargetDescription) bool { return aws.ToString(q.Id) == aws.ToString(t.Id) }) {
			continue
		}
		port := t.Port
		if port == nil {
			port = tg.Port
		}
		td := elbtypes.TargetDescription{Id: t.Id, Port: port, AvailabilityZone: t.AvailabilityZone}
		out.TargetHealthDescriptions = append(out.TargetHealthDescriptions, elbtypes.TargetHealthDescription{
			Target: &td, TargetHealth: &elbtypes.TargetHealth{State: elbtypes.TargetHealthStateEnumHealthy},
		})
	}
	return out, nil
}

// DeregisterTargets removes targets from a target group (by ID and port;
// a target not registered is ignored, as in AWS).
func (f *ELBv2) DeregisterTargets(ctx context.Context, in *elbv2.DeregisterTargetsInput, optFns ...func(*elbv2.Options)) (*elbv2.DeregisterTargetsOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	r := f.regionOf(ctx, optFns)
	arn := aws.ToString(in.TargetGroupArn)
	tg := r.targetGroup(arn)
	if tg == nil {
		return nil, targetGroupNotFound()
	}
	if len(in.Targets) == 0 {
		return nil, apiError("ValidationError", "Targets must not be empty")
	}
	r.Targets[arn] = slices.DeleteFunc(slices.Clone(r.Targets[arn]), func(t elbtypes.TargetDescription) bool {
		return slices.ContainsFunc(in.Targets, func(q elbtypes.TargetDescription) bool {
			if aws.ToString(q.Id) != aws.ToString(t.Id) {
				return false
			}
			p, qp := t.Port, q.Port
			if p == nil {
				p = tg.Port
			}
			if qp == nil {
				qp = tg.Port
			}
			return aws.ToInt32(p) == aws.ToInt32(qp)
		})
	})
	return &elbv2.DeregisterTargetsOutput{}, nil
}
