package fakeaws

import (
	"context"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	astypes "github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

// AutoScaling fakes Amazon EC2 Auto Scaling, per Region.
type AutoScaling struct {
	acct    *Account
	regions map[string]*AutoScalingRegion
}

// AutoScalingRegion is the Auto Scaling state of one Region.
type AutoScalingRegion struct {
	Groups []*ASGroup
}

// ASGroup is one Auto Scaling group. Group.Instances lists its members;
// Group.TargetGroupARNs the target groups its instances are registered
// with (detaching an instance deregisters it from them, as in AWS).
type ASGroup struct {
	Group astypes.AutoScalingGroup
}

// Region returns the state of one Region, creating it empty.
func (f *AutoScaling) Region(name string) *AutoScalingRegion {
	if f.regions == nil {
		f.regions = map[string]*AutoScalingRegion{}
	}
	r := f.regions[name]
	if r == nil {
		r = &AutoScalingRegion{}
		f.regions[name] = r
	}
	return r
}

// AddGroup adds a group with InService instances and returns it.
func (f *AutoScaling) AddGroup(region, name string, targetGroups []string, instanceIDs ...string) *ASGroup {
	g := &ASGroup{Group: astypes.AutoScalingGroup{
		AutoScalingGroupName: aws.String(name),
		AutoScalingGroupARN:  aws.String(fmt.Sprintf("arn:aws:autoscaling:%s:%s:autoScalingGroup:%s:autoScalingGroupName/%s", region, f.acct.ID, hex17(len(name)), name)),
		MinSize:              aws.Int32(0), MaxSize: aws.Int32(int32(len(instanceIDs) + 2)), DesiredCapacity: aws.Int32(int32(len(instanceIDs))),
		TargetGroupARNs: slices.Clone(targetGroups), HealthCheckType: aws.String("EC2"),
	}}
	for _, id := range instanceIDs {
		g.Group.Instances = append(g.Group.Instances, astypes.Instance{
			InstanceId: aws.String(id), LifecycleState: astypes.LifecycleStateInService, HealthStatus: aws.String("Healthy"),
			ProtectedFromScaleIn: aws.Bool(false), AvailabilityZone: aws.String(region + "a"),
		})
	}
	r := f.Region(region)
	r.Groups = append(r.Groups, g)
	return g
}

func (f *AutoScaling) regionOf(ctx context.Context, optFns []func(*autoscaling.Options)) (*AutoScalingRegion, string) {
	var o autoscaling.Options
	for _, fn := range optFns {
		fn(&o)
	}
	name := f.acct.region(ctx, o.Region)
	return f.Region(name), name
}

// DescribeAutoScalingInstances lists group members, optionally by instance
// ID (an ID in no group is simply absent, as in AWS).
func (f *AutoScaling) DescribeAutoScalingInstances(ctx context.Context, in *autoscaling.DescribeAutoScalingInstancesInput, optFns ...func(*autoscaling.Options)) (*autoscaling.DescribeAutoScalingInstancesOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	r, _ := f.regionOf(ctx, optFns)
	var all []astypes.AutoScalingInstanceDetails
	for _, g := range r.Groups {
		for _, x := range g.Group.Instances {
			if len(in.InstanceIds) > 0 && !slices.Contains(in.InstanceIds, aws.ToString(x.InstanceId)) {
				continue
			}
			all = append(all, astypes.AutoScalingInstanceDetails{
				AutoScalingGroupName: g.Group.AutoScalingGroupName, InstanceId: x.InstanceId, LifecycleState: aws.String(string(x.LifecycleState)),
				HealthStatus: x.HealthStatus, AvailabilityZone: x.AvailabilityZone, ProtectedFromScaleIn: x.ProtectedFromScaleIn,
			})
		}
	}
	items, next, err := page(f.acct, all, in.NextToken, aws.ToInt32(in.MaxRecords))
	if err != nil {
		return nil, err
	}
	return &autoscaling.DescribeAutoScalingInstancesOutput{AutoScalingInstances: items, NextToken: next}, nil
}

// DetachInstances removes InService or Standby instances from a group,
// deregisters them from the group's target groups, and, when asked,
// decrements the desired capacity (else the group launches replacements);
// a decrement below the group's minimum size is refused, as in AWS.
func (f *AutoScaling) DetachInstances(ctx context.Context, in *autoscaling.DetachInstancesInput, optFns ...func(*autoscaling.Options)) (*autoscaling.DetachInstancesOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	r, region := f.regionOf(ctx, optFns)
	if in.ShouldDecrementDesiredCapacity == nil {
		return nil, apiError("ValidationError", "1 validation error detected: Value null at 'shouldDecrementDesiredCapacity' failed to satisfy constraint: Member must not be null")
	}
	var g *ASGroup
	for _, x := range r.Groups {
		if aws.ToString(x.Group.AutoScalingGroupName) == aws.ToString(in.AutoScalingGroupName) {
			g = x
		}
	}
	if g == nil {
		return nil, apiError("ValidationError", "AutoScalingGroup name not found - "+aws.ToString(in.AutoScalingGroupName))
	}
	out := &autoscaling.DetachInstancesOutput{}
	for _, id := range in.InstanceIds {
		i := slices.IndexFunc(g.Group.Instances, func(x astypes.Instance) bool { return aws.ToString(x.InstanceId) == id })
		if i < 0 {
			return nil, apiError("ValidationError", "The instance "+id+" is not part of Auto Scaling group "+aws.ToString(in.AutoScalingGroupName)+".")
		}
		if st := g.Group.Instances[i].LifecycleState; st != astypes.LifecycleStateInService && st != astypes.LifecycleStateStandby {
			return nil, apiError("ValidationError", "The instance "+id+" is not in InService or Standby.")
		}
	}
	if aws.ToBool(in.ShouldDecrementDesiredCapacity) && aws.ToInt32(g.Group.DesiredCapacity)-int32(len(in.InstanceIds)) < aws.ToInt32(g.Group.MinSize) {
		return nil, apiError("ValidationError", fmt.Sprintf("AutoScalingGroup %s has min-size=%d, max-size=%d, and desired-size=%d. To detach %d instance(s), please update the AutoScalingGroup sizes appropriately.",
			aws.ToString(g.Group.AutoScalingGroupName), aws.ToInt32(g.Group.MinSize), aws.ToInt32(g.Group.MaxSize), aws.ToInt32(g.Group.DesiredCapacity), len(in.InstanceIds)))
	}
	for _, id := range in.InstanceIds {
		g.Group.Instances = slices.DeleteFunc(slices.Clone(g.Group.Instances), func(x astypes.Instance) bool { return aws.ToString(x.InstanceId) == id })
		if aws.ToBool(in.ShouldDecrementDesiredCapacity) {
			g.Group.DesiredCapacity = aws.Int32(aws.ToInt32(g.Group.DesiredCapacity) - 1)
		}
		elb := f.acct.ELBv2.Region(region)
		for _, tg := range g.Group.TargetGroupARNs {
			elb.Targets[tg] = slices.DeleteFunc(slices.Clone(elb.Targets[tg]), func(t elbtypes.TargetDescription) bool { return aws.ToString(t.Id) == id })
		}
		now := f.acct.now()
		out.Activities = append(out.Activities, astypes.Activity{
			ActivityId: aws.String(hex17(len(out.Activities) + 1)), AutoScalingGroupName: in.AutoScalingGroupName,
			Cause:       aws.String("At " + now.Format("2006-01-02T15:04:05Z") + " instance " + id + " was detached in response to a user request."),
			Description: aws.String("Detaching EC2 instance: " + id), StartTime: &now, StatusCode: astypes.ScalingActivityStatusCodeInProgress, Progress: aws.Int32(50),
		})
	}
	return out, nil
}
