package fakeaws

import (
	"context"
	"encoding/json"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
)

// EventBridge fakes Amazon EventBridge, per Region: event buses with their
// resource policies, rules and targets. Every Region has the "default"
// bus.
type EventBridge struct {
	acct    *Account
	regions map[string]*EventBridgeRegion
}

// EventBridgeRegion is the EventBridge state of one Region.
type EventBridgeRegion struct {
	// Buses are the Region's event buses; the first is "default".
	Buses []*EventBus
	// Rules are the rules of every bus.
	Rules []*EventRule

	name string
}

// EventBus is one event bus; Policy is its resource policy JSON ("" for
// none). S3-style plain JSON: EventBridge does not URL-encode it.
type EventBus struct {
	Name   string
	Policy string
}

// EventRule is one rule and its targets. Rule.EventBusName "" means the
// default bus.
type EventRule struct {
	Rule    ebtypes.Rule
	Targets []ebtypes.Target
}

// Region returns the state of one Region, creating it with its default
// bus.
func (f *EventBridge) Region(name string) *EventBridgeRegion {
	if f.regions == nil {
		f.regions = map[string]*EventBridgeRegion{}
	}
	r := f.regions[name]
	if r == nil {
		r = &EventBridgeRegion{Buses: []*EventBus{{Name: "default"}}, name: name}
		f.regions[name] = r
	}
	return r
}

// AddRule adds a rule on a bus ("" is default) with an event pattern and
// targets, enabled, and returns it.
func (f *EventBridge) AddRule(region, bus, name, pattern string, targets ...ebtypes.Target) *EventRule {
	r := f.Region(region)
	if bus == "" {
		bus = "default"
	}
	rule := &EventRule{Rule: ebtypes.Rule{
		Name: aws.String(name), Arn: aws.String(f.ruleARN(region, bus, name)), EventBusName: aws.String(bus),
		EventPattern: aws.String(pattern), State: ebtypes.RuleStateEnabled,
	}, Targets: targets}
	r.Rules = append(r.Rules, rule)
	return rule
}

// Bus returns the named bus of a Region ("" is default), creating it.
func (f *EventBridge) Bus(region, name string) *EventBus {
	r := f.Region(region)
	if name == "" {
		name = "default"
	}
	if b := r.bus(name); b != nil {
		return b
	}
	b := &EventBus{Name: name}
	r.Buses = append(r.Buses, b)
	return b
}

func (f *EventBridge) ruleARN(region, bus, name string) string {
	if bus == "default" {
		return "arn:aws:events:" + region + ":" + f.acct.ID + ":rule/" + name
	}
	return "arn:aws:events:" + region + ":" + f.acct.ID + ":rule/" + bus + "/" + name
}

func (f *EventBridge) busARN(region, name string) string {
	return "arn:aws:events:" + region + ":" + f.acct.ID + ":event-bus/" + name
}

func (f *EventBridge) regionOf(ctx context.Context, optFns []func(*eventbridge.Options)) *EventBridgeRegion {
	var o eventbridge.Options
	for _, fn := range optFns {
		fn(&o)
	}
	return f.Region(f.acct.region(ctx, o.Region))
}

func (r *EventBridgeRegion) bus(name string) *EventBus {
	for _, b := range r.Buses {
		if b.Name == name {
			return b
		}
	}
	return nil
}

// busName resolves a bus name or ARN ("" is default).
func busName(nameOrARN *string) string {
	n := aws.ToString(nameOrARN)
	if n == "" {
		return "default"
	}
	if i := strings.LastIndex(n, ":event-bus/"); i >= 0 {
		return n[i+len(":event-bus/"):]
	}
	return n
}

func ebNotFound(msg string) error {
	return &ebtypes.ResourceNotFoundException{Message: aws.String(msg)}
}

func (r *EventBridgeRegion) rule(bus, name string) *EventRule {
	for _, ru := range r.Rules {
		if aws.ToString(ru.Rule.Name) == name && busName(ru.Rule.EventBusName) == bus {
			return ru
		}
	}
	return nil
}

// ListRules lists the rules of a bus.
func (f *EventBridge) ListRules(ctx context.Context, in *eventbridge.ListRulesInput, optFns ...func(*eventbridge.Options)) (*eventbridge.ListRulesOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	r := f.regionOf(ctx, optFns)
	bus := busName(in.EventBusName)
	if r.bus(bus) == nil {
		return nil, ebNotFound("Event bus " + bus + " does not exist.")
	}
	var all []ebtypes.Rule
	for _, ru := range r.Rules {
		if busName(ru.Rule.EventBusName) == bus && strings.HasPrefix(aws.ToString(ru.Rule.Name), aws.ToString(in.NamePrefix)) {
			all = append(all, ru.Rule)
		}
	}
	items, next, err := page(f.acct, all, in.NextToken, aws.ToInt32(in.Limit))
	if err != nil {
		return nil, err
	}
	return &eventbridge.ListRulesOutput{Rules: items, NextToken: next}, nil
}

// DescribeRule returns one rule.
func (f *EventBridge) DescribeRule(ctx context.Context, in *eventbridge.DescribeRuleInput, optFns ...func(*eventbridge.Options)) (*eventbridge.DescribeRuleOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	r := f.regionOf(ctx, optFns)
	ru := r.rule(busName(in.EventBusName), aws.ToString(in.Name))
	if ru == nil {
		return nil, ebNotFound("Rule " + aws.ToString(in.Name) + " does not exist on EventBus " + busName(in.EventBusName) + ".")
	}
	x := ru.Rule
	return &eventbridge.DescribeRuleOutput{
		Arn: x.Arn, Name: x.Name, EventBusName: x.EventBusName, EventPattern: x.EventPattern, State: x.State,
		Description: x.Description, ManagedBy: x.ManagedBy, RoleArn: x.RoleArn, ScheduleExpression: x.ScheduleExpression,
		CreatedBy: aws.String(f.acct.ID),
	}, nil
}

// ListTargetsByRule lists the targets of a rule.
func (f *EventBridge) ListTargetsByRule(ctx context.Context, in *eventbridge.ListTargetsByRuleInput, optFns ...func(*eventbridge.Options)) (*eventbridge.ListTargetsByRuleOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	r := f.regionOf(ctx, optFns)
	ru := r.rule(busName(in.EventBusName), aws.ToString(in.Rule))
	if ru == nil {
		return nil, ebNotFound("Rule " + aws.ToString(in.Rule) + " does not exist.")
	}
	items, next, err := page(f.acct, ru.Targets, in.NextToken, aws.ToInt32(in.Limit))
	if err != nil {
		return nil, err
	}
	return &eventbridge.ListTargetsByRuleOutput{Targets: items, NextToken: next}, nil
}

// PutRule creates or replaces a rule. State defaults to ENABLED.
func (f *EventBridge) PutRule(ctx context.Context, in *eventbridge.PutRuleInput, optFns ...func(*eventbridge.Options)) (*eventbridge.PutRuleOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	r := f.regionOf(ctx, optFns)
	name := aws.ToString(in.Name)
	if name == "" {
		return nil, apiError("ValidationException", "1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null")
	}
	bus := busName(in.EventBusName)
	if r.bus(bus) == nil {
		return nil, ebNotFound("Event bus " + bus + " does not exist.")
	}
	if in.EventPattern == nil && in.ScheduleExpression == nil {
		return nil, apiError("ValidationException", "Parameter(s) EventPattern or ScheduleExpression must be specified.")
	}
	if in.EventPattern != nil {
		var obj map[string]any
		if err := json.Unmarshal([]byte(*in.EventPattern), &obj); err != nil || len(obj) == 0 {
			return nil, &ebtypes.InvalidEventPatternException{Message: aws.String("Event pattern is not valid. Reason: not a JSON object")}
		}
	}
	state := in.State
	if state == "" {
		state = ebtypes.RuleStateEnabled
	}
	ru := r.rule(bus, name)
	if ru == nil {
		ru = &EventRule{}
		r.Rules = append(r.Rules, ru)
	}
	ru.Rule = ebtypes.Rule{
		Name: aws.String(name), Arn: aws.String(f.ruleARN(r.name, bus, name)), EventBusName: aws.String(bus),
		EventPattern: in.EventPattern, ScheduleExpression: in.ScheduleExpression, State: state,
		Description: in.Description, RoleArn: in.RoleArn,
	}
	return &eventbridge.PutRuleOutput{RuleArn: ru.Rule.Arn}, nil
}

// PutTargets adds or replaces targets of a rule, by target ID. A rule has
// at most five targets.
func (f *EventBridge) PutTargets(ctx context.Context, in *eventbridge.PutTargetsInput, optFns ...func(*eventbridge.Options)) (*eventbridge.PutTargetsOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	r := f.regionOf(ctx, optFns)
	ru := r.rule(busName(in.EventBusName), aws.ToString(in.Rule))
	if ru == nil {
		return nil, ebNotFound("Rule " + aws.ToString(in.Rule) + " does not exist.")
	}
	out := &eventbridge.PutTargetsOutput{}
	for _, t := range in.Targets {
		if aws.ToString(t.Id) == "" || aws.ToString(t.Arn) == "" {
			out.FailedEntryCount++
			out.FailedEntries = append(out.FailedEntries, ebtypes.PutTargetsResultEntry{TargetId: t.Id, ErrorCode: aws.String("ValidationException"), ErrorMessage: aws.String("target needs an Id and an Arn")})
			continue
		}
		i := slices.IndexFunc(ru.Targets, func(x ebtypes.Target) bool { return aws.ToString(x.Id) == aws.ToString(t.Id) })
		switch {
		case i >= 0:
			ru.Targets[i] = t
		case len(ru.Targets) >= 5:
			out.FailedEntryCount++
			out.FailedEntries = append(out.FailedEntries, ebtypes.PutTargetsResultEntry{TargetId: t.Id, ErrorCode: aws.String("LimitExceededException"), ErrorMessage: aws.String("The requested resource exceeds the maximum number allowed.")})
		default:
			ru.Targets = append(ru.Targets, t)
		}
	}
	return out, nil
}

// ListEventBuses lists the Region's buses with their policies.
func (f *EventBridge) ListEventBuses(ctx context.Context, in *eventbridge.ListEventBusesInput, optFns ...func(*eventbridge.Options)) (*eventbridge.ListEventBusesOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	r := f.regionOf(ctx, optFns)
	var all []ebtypes.EventBus
	for _, b := range r.Buses {
		if !strings.HasPrefix(b.Name, aws.ToString(in.NamePrefix)) {
			continue
		}
		eb := ebtypes.EventBus{Name: aws.String(b.Name), Arn: aws.String(f.busARN(r.name, b.Name))}
		if b.Policy != "" {
			eb.Policy = aws.String(b.Policy)
		}
		all = append(all, eb)
	}
	items, next, err := page(f.acct, all, in.NextToken, aws.ToInt32(in.Limit))
	if err != nil {
		return nil, err
	}
	return &eventbridge.ListEventBusesOutput{EventBuses: items, NextToken: next}, nil
}

// DescribeEventBus returns one bus ("" is default) with its policy.
func (f *EventBridge) DescribeEventBus(ctx context.Context, in *eventbridge.DescribeEventBusInput, optFns ...func(*eventbridge.Options)) (*eventbridge.DescribeEventBusOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	r := f.regionOf(ctx, optFns)
	name := busName(in.Name)
	b := r.bus(name)
	if b == nil {
		return nil, ebNotFound("Event bus " + name + " does not exist.")
	}
	out := &eventbridge.DescribeEventBusOutput{Name: aws.String(b.Name), Arn: aws.String(f.busARN(r.name, b.Name))}
	if b.Policy != "" {
		out.Policy = aws.String(b.Policy)
	}
	return out, nil
}

// PutPermission replaces a bus's policy (Policy) or adds one statement
// granting events:PutEvents (StatementId, Principal, Action, Condition).
func (f *EventBridge) PutPermission(ctx context.Context, in *eventbridge.PutPermissionInput, optFns ...func(*eventbridge.Options)) (*eventbridge.PutPermissionOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	r := f.regionOf(ctx, optFns)
	name := busName(in.EventBusName)
	b := r.bus(name)
	if b == nil {
		return nil, ebNotFound("Event bus " + name + " does not exist.")
	}
	if in.Policy != nil {
		var doc map[string]any
		if err := json.Unmarshal([]byte(*in.Policy), &doc); err != nil {
			return nil, apiError("ValidationException", "The policy is not valid JSON.")
		}
		b.Policy = *in.Policy
		return &eventbridge.PutPermissionOutput{}, nil
	}
	sid, principal := aws.ToString(in.StatementId), aws.ToString(in.Principal)
	if sid == "" || principal == "" || aws.ToString(in.Action) != "events:PutEvents" {
		return nil, apiError("ValidationException", "StatementId, Principal and Action events:PutEvents are required without Policy.")
	}
	doc := map[string]any{"Version": "2012-10-17", "Statement": []any{}}
	if b.Policy != "" {
		if err := json.Unmarshal([]byte(b.Policy), &doc); err != nil {
			return nil, apiError("InternalException", "stored policy is not JSON")
		}
	}
	stmts, _ := doc["Statement"].([]any)
	var prin any = map[string]any{"AWS": "arn:aws:iam::" + principal + ":root"}
	if principal == "*" {
		prin = "*"
	}
	st := map[string]any{"Sid": sid, "Effect": "Allow", "Principal": prin, "Action": "events:PutEvents", "Resource": f.busARN(r.name, name)}
	if c := in.Condition; c != nil {
		st["Condition"] = map[string]any{"StringEquals": map[string]any{aws.ToString(c.Key): aws.ToString(c.Value)}}
	}
	stmts = slices.DeleteFunc(stmts, func(s any) bool { m, _ := s.(map[string]any); return m["Sid"] == sid })
	doc["Statement"] = append(stmts, st)
	pb, _ := json.Marshal(doc)
	b.Policy = string(pb)
	return &eventbridge.PutPermissionOutput{}, nil
}

// RemovePermission removes one statement by Sid, or the whole policy.
func (f *EventBridge) RemovePermission(ctx context.Context, in *eventbridge.RemovePermissionInput, optFns ...func(*eventbridge.Options)) (*eventbridge.RemovePermissionOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	r := f.regionOf(ctx, optFns)
	name := busName(in.EventBusName)
	b := r.bus(name)
	if b == nil {
		return nil, ebNotFound("Event bus " + name + " does not exist.")
	}
	if b.Policy == "" {
		return nil, ebNotFound("EventBus does not have a policy.")
	}
	if in.RemoveAllPermissions {
		b.Policy = ""
		return &eventbridge.RemovePermissionOutput{}, nil
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(b.Policy), &doc); err != nil {
		return nil, apiError("InternalException", "stored policy is not JSON")
	}
	stmts, _ := doc["Statement"].([]any)
	n := len(stmts)
	stmts = slices.DeleteFunc(stmts, func(s any) bool { m, _ := s.(map[string]any); return m["Sid"] == aws.ToString(in.StatementId) })
	if len(stmts) == n {
		return nil, ebNotFound("Statement with the provided id does not exist.")
	}
	if len(stmts) == 0 {
		b.Policy = ""
	} else {
		doc["Statement"] = stmts
		pb, _ := json.Marshal(doc)
		b.Policy = string(pb)
	}
	return &eventbridge.RemovePermissionOutput{}, nil
}
