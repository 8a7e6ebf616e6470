package incident

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/internal/awserr"
	"github.com/secpillar/secpillar/internal/pagetoken"
)

// SecurityAlertRulesID is the ID of the security alert routing control.
const SecurityAlertRulesID = "incident.security-alert-rules"

// EventBusResourceType is the resource type of event bus findings.
const EventBusResourceType = "AWS::Events::EventBus"

// AlertCategory is a kind of security event that must reach a person.
type AlertCategory string

// The alert categories of CheckSecurityAlertRules.
const (
	AlertGuardDutyFindings   AlertCategory = "guardduty-findings"
	AlertSecurityHubFindings AlertCategory = "securityhub-findings"
	AlertRootSignIn          AlertCategory = "root-sign-in"
	AlertCloudTrailTampering AlertCategory = "cloudtrail-tampering"
)

// AlertCategories returns every alert category, in a stable order.
func AlertCategories() []AlertCategory {
	return []AlertCategory{AlertGuardDutyFindings, AlertSecurityHubFindings, AlertRootSignIn, AlertCloudTrailTampering}
}

// cloudTrailTamperingEvents are the CloudTrail API calls that blind or
// weaken a trail.
var cloudTrailTamperingEvents = []string{"StopLogging", "DeleteTrail", "UpdateTrail", "PutEventSelectors"}

// alertShapes returns the events of a category, as the fields whose values
// are known. A rule covers the category when its pattern matches every
// shape; a constraint on any other field narrows it.
func alertShapes(c AlertCategory, account, region string) []map[string]string {
	base := func(m map[string]string) map[string]string {
		if account != "" {
			m["account"] = account
		}
		if region != "" {
			m["region"] = region
		}
		return m
	}
	switch c {
	case AlertGuardDutyFindings:
		return []map[string]string{base(map[string]string{"source": "aws.guardduty", "detail-type": "GuardDuty Finding"})}
	case AlertSecurityHubFindings:
		return []map[string]string{base(map[string]string{"source": "aws.securityhub", "detail-type": "Security Hub Findings - Imported"})}
	case AlertRootSignIn:
		return []map[string]string{base(map[string]string{
			"source": "aws.signin", "detail-type": "AWS Console Sign In via CloudTrail",
			"detail.eventSource": "signin.amazonaws.com", "detail.eventName": "ConsoleLogin", "detail.userIdentity.type": "Root",
		})}
	case AlertCloudTrailTampering:
		var out []map[string]string
		for _, e := range cloudTrailTamperingEvents {
			out = append(out, base(map[string]string{
				"source": "aws.cloudtrail", "detail-type": "AWS API Call via CloudTrail",
				"detail.eventSource": "cloudtrail.amazonaws.com", "detail.eventName": e,
			}))
		}
		return out
	}
	return nil
}

// AlertPattern returns the event pattern that RemediateSecurityAlertRules
// puts on its rule for a category.
func AlertPattern(c AlertCategory) string {
	switch c {
	case AlertGuardDutyFindings:
		return `{"source":["aws.guardduty"],"detail-type":["GuardDuty Finding"]}`
	case AlertSecurityHubFindings:
		return `{"source":["aws.securityhub"],"detail-type":["Security Hub Findings - Imported"]}`
	case AlertRootSignIn:
		return `{"source":["aws.signin"],"detail-type":["AWS Console Sign In via CloudTrail"],"detail":{"userIdentity":{"type":["Root"]}}}`
	case AlertCloudTrailTampering:
		return `{"source":["aws.cloudtrail"],"detail-type":["AWS API Call via CloudTrail"],"detail":{"eventSource":["cloudtrail.amazonaws.com"],"eventName":["` + strings.Join(cloudTrailTamperingEvents, `","`) + `"]}}`
	}
	return ""
}

// AlertRuleName is the name of the rule RemediateSecurityAlertRules
// creates for a category.
func AlertRuleName(c AlertCategory) string { return "secpillar-alert-" + string(c) }

// SecurityAlertRulesAPI is the part of the EventBridge API that
// CheckSecurityAlertRules calls. *eventbridge.Client satisfies it.
type SecurityAlertRulesAPI interface {
	DescribeEventBus(ctx context.Context, in *eventbridge.DescribeEventBusInput, optFns ...func(*eventbridge.Options)) (*eventbridge.DescribeEventBusOutput, error)
	ListRules(ctx context.Context, in *eventbridge.ListRulesInput, optFns ...func(*eventbridge.Options)) (*eventbridge.ListRulesOutput, error)
	ListTargetsByRule(ctx context.Context, in *eventbridge.ListTargetsByRuleInput, optFns ...func(*eventbridge.Options)) (*eventbridge.ListTargetsByRuleOutput, error)
}

var _ SecurityAlertRulesAPI = (*eventbridge.Client)(nil)

// SecurityAlertRulesRemediationAPI adds the writes (and the read used to
// verify them) of RemediateSecurityAlertRules.
type SecurityAlertRulesRemediationAPI interface {
	SecurityAlertRulesAPI
	DescribeRule(ctx context.Context, in *eventbridge.DescribeRuleInput, optFns ...func(*eventbridge.Options)) (*eventbridge.DescribeRuleOutput, error)
	PutRule(ctx context.Context, in *eventbridge.PutRuleInput, optFns ...func(*eventbridge.Options)) (*eventbridge.PutRuleOutput, error)
	PutTargets(ctx context.Context, in *eventbridge.PutTargetsInput, optFns ...func(*eventbridge.Options)) (*eventbridge.PutTargetsOutput, error)
}

var _ SecurityAlertRulesRemediationAPI = (*eventbridge.Client)(nil)

// TopicSubscriptionsAPI is the part of the SNS API that tells whether a
// topic has a confirmed subscription. *sns.Client satisfies it.
type TopicSubscriptionsAPI interface {
	ListSubscriptionsByTopic(ctx context.Context, in *sns.ListSubscriptionsByTopicInput, optFns ...func(*sns.Options)) (*sns.ListSubscriptionsByTopicOutput, error)
}

var _ TopicSubscriptionsAPI = (*sns.Client)(nil)

// SecurityAlertRulesOptions tunes CheckSecurityAlertRules. The zero value
// requires every category of AlertCategories.
type SecurityAlertRulesOptions struct {
	// Categories to require; nil means AlertCategories().
	Categories []AlertCategory
}

// alertState is what the evaluation found in one Region.
type alertState struct {
	bus      secpillar.Resource
	region   string
	covered  map[AlertCategory]string // category -> "rule -> topic"
	partial  map[AlertCategory]string // covered by a rule whose topics have no confirmed subscription
	unparsed []string                 // rules whose pattern could not be read
	rules    map[string]ebtypes.Rule  // default-bus rules by name
	targets  map[string][]ebtypes.Target
}

// CheckSecurityAlertRules reports whether, in the client's Region, enabled
// rules on the default event bus send GuardDuty findings, Security Hub
// findings, root console sign-ins and CloudTrail tampering (StopLogging,
// DeleteTrail, UpdateTrail, PutEventSelectors) to an SNS topic that has at
// least one confirmed subscription. Event patterns are compared by meaning:
// a rule counts when its pattern matches every event of the category (key
// order, set order, duplicates and equivalent matchers do not matter); a
// pattern narrower than the category (a severity filter, one event name
// missing) does not count. A rule whose pattern cannot be parsed is named
// in the evidence and does not count.
//
// It returns one finding per Region, about the default event bus. Topics
// in other Regions are read in their Region through topics. A topic that
// no longer exists delivers to no one; a topic whose subscriptions cannot
// be read (another account's, access denied) makes the check fail with an
// error only when no readable topic covers the same categories.
func CheckSecurityAlertRules(ctx context.Context, events SecurityAlertRulesAPI, topics TopicSubscriptionsAPI, optFns ...func(*SecurityAlertRulesOptions)) (secpillar.Finding, error) {
	var opts SecurityAlertRulesOptions
	for _, fn := range optFns {
		fn(&opts)
	}
	cats := opts.Categories
	if cats == nil {
		cats = AlertCategories()
	}
	for _, c := range cats {
		if AlertPattern(c) == "" {
			return secpillar.Finding{}, fmt.Errorf("incident: check alert rules: unknown category %q", c)
		}
	}
	st, err := evaluateAlerts(ctx, events, topics, cats)
	if err != nil {
		return secpillar.Finding{}, err
	}
	f := secpillar.Finding{Control: SecurityAlertRulesID, Severity: secpillar.SeverityHigh, Resource: st.bus, Evidence: map[string]string{}}
	var missing []string
	for _, c := range cats {
		switch {
		case st.covered[c] != "":
			f.Evidence[string(c)] = st.covered[c]
		case st.partial[c] != "":
			f.Evidence[string(c)] = st.partial[c] + " (no confirmed subscription)"
			missing = append(missing, string(c))
		default:
			f.Evidence[string(c)] = "missing"
			missing = append(missing, string(c))
		}
	}
	if len(st.unparsed) > 0 {
		f.Evidence["unparsed_rules"] = strings.Join(st.unparsed, ",")
	}
	if len(missing) == 0 {
		f.Status = secpillar.StatusPass
		f.Reason = fmt.Sprintf("In %s, every security alert category reaches an SNS topic with a confirmed subscription.", st.region)
	} else {
		f.Status = secpillar.StatusFail
		f.Reason = fmt.Sprintf("In %s, %s do not reach a subscribed SNS topic: add EventBridge rules to a topic someone reads.", st.region, strings.Join(missing, ", "))
	}
	return f, nil
}

func evaluateAlerts(ctx context.Context, events SecurityAlertRulesAPI, topics TopicSubscriptionsAPI, cats []AlertCategory) (*alertState, error) {
	bus, err := events.DescribeEventBus(ctx, &eventbridge.DescribeEventBusInput{})
	if err != nil {
		return nil, fmt.Errorf("incident: read default event bus: %w", err)
	}
	busARN := aws.ToString(bus.Arn)
	a, err := arn.Parse(busARN)
	if err != nil {
		return nil, fmt.Errorf("incident: read default event bus: DescribeEventBus returned Arn %q: %v", busARN, err)
	}
	st := &alertState{
		bus:     secpillar.Resource{Type: EventBusResourceType, ID: busARN, Region: a.Region, Account: a.AccountID},
		region:  a.Region,
		covered: map[AlertCategory]string{}, partial: map[AlertCategory]string{},
		rules: map[string]ebtypes.Rule{}, targets: map[string][]ebtypes.Target{},
	}
	rules, err := collectPages(ctx, "list rules of the default event bus", func(ctx context.Context, tok *string) ([]ebtypes.Rule, *string, error) {
		out, err := events.ListRules(ctx, &eventbridge.ListRulesInput{NextToken: tok})
		if err != nil {
			return nil, nil, err
		}
		return out.Rules, out.NextToken, nil
	})
	if err != nil {
		return nil, err
	}
	confirmed := map[string]bool{}
	unreadable := map[AlertCategory]error{}
	for _, r := range rules {
		name := aws.ToString(r.Name)
		if name == "" {
			return nil, fmt.Errorf("incident: list rules: a rule without a Name")
		}
		st.rules[name] = r
		switch r.State {
		case ebtypes.RuleStateEnabled, ebtypes.RuleStateEnabledWithAllCloudtrailManagementEvents:
		case ebtypes.RuleStateDisabled:
			continue
		default:
			return nil, fmt.Errorf("incident: rule %s has state %q, which this library does not know", name, r.State)
		}
		if aws.ToString(r.EventPattern) == "" {
			continue // a scheduled rule
		}
		p, err := parseEventPattern(*r.EventPattern)
		if err != nil {
			st.unparsed = append(st.unparsed, name)
			continue
		}
		var covers []AlertCategory
		for _, c := range cats {
			if st.covered[c] != "" {
				continue
			}
			if !slices.ContainsFunc(alertShapes(c, a.AccountID, a.Region), func(s map[string]string) bool { return !p.matches(s) }) {
				covers = append(covers, c)
			}
		}
		if len(covers) == 0 {
			continue
		}
		targets, err := ruleTargets(ctx, events, name)
		if err != nil {
			return nil, err
		}
		st.targets[name] = targets
		for _, t := range targets {
			topic := aws.ToString(t.Arn)
			ta, err := arn.Parse(topic)
			if err != nil || ta.Service != "sns" {
				continue
			}
			ok, seen := confirmed[topic]
			if !seen {
				ok, err = topicConfirmed(ctx, topics, topic, ta.Region)
				if err != nil {
					// Unreadable (another account's topic, access denied):
					// an error only if nothing else covers these categories.
					for _, c := range covers {
						if unreadable[c] == nil {
							unreadable[c] = err
						}
					}
					continue
				}
				confirmed[topic] = ok
			}
			for _, c := range covers {
				if ok && st.covered[c] == "" {
					st.covered[c] = name + " -> " + topic
				} else if !ok && st.partial[c] == "" {
					st.partial[c] = name + " -> " + topic
				}
			}
		}
	}
	for _, c := range cats {
		if st.covered[c] == "" && unreadable[c] != nil {
			return nil, unreadable[c]
		}
	}
	sort.Strings(st.unparsed)
	return st, nil
}

func ruleTargets(ctx context.Context, events SecurityAlertRulesAPI, rule string) ([]ebtypes.Target, error) {
	return collectPages(ctx, "list targets of rule "+rule, func(ctx context.Context, tok *string) ([]ebtypes.Target, *string, error) {
		out, err := events.ListTargetsByRule(ctx, &eventbridge.ListTargetsByRuleInput{Rule: aws.String(rule), NextToken: tok})
		if err != nil {
			return nil, nil, err
		}
		return out.Targets, out.NextToken, nil
	})
}

// topicConfirmed reports whether a topic has a confirmed subscription
// (one whose ARN is neither "PendingConfirmation" nor "Deleted").
func topicConfirmed(ctx context.Context, topics TopicSubscriptionsAPI, topic, region string) (bool, error) {
	found := false
	p := sns.NewListSubscriptionsByTopicPaginator(topics, &sns.ListSubscriptionsByTopicInput{TopicArn: aws.String(topic)})
	for p.HasMorePages() {
		pg, err := p.NextPage(ctx, func(o *sns.Options) {
			if region != "" {
				o.Region = region
			}
		})
		if awserr.IsNotFound(err) {
			return false, nil // a deleted topic delivers to no one
		}
		if err != nil {
			return false, fmt.Errorf("incident: list subscriptions of %s: %w", topic, err)
		}
		for _, s := range pg.Subscriptions {
			switch arn := aws.ToString(s.SubscriptionArn); arn {
			case "", "PendingConfirmation", "Deleted":
			default:
				found = true
			}
		}
	}
	// Every page is read even after a confirmed subscription, so that a
	// malformed listing is an error rather than hidden.
	return found, nil
}

// collectPages walks a NextToken API that has no SDK paginator. A token
// repeated is an error, not an endless loop.
func collectPages[T any](ctx context.Context, what string, fetch func(context.Context, *string) ([]T, *string, error)) ([]T, error) {
	var all []T
	var tok *string
	guard := pagetoken.New("incident: " + what)
	for {
		items, next, err := fetch(ctx, tok)
		if err != nil {
			return nil, fmt.Errorf("incident: %s: %w", what, err)
		}
		all = append(all, items...)
		if aws.ToString(next) == "" {
			return all, nil
		}
		if err := guard.Check(false, next); err != nil {
			return nil, err
		}
		tok = next
	}
}

// RemediateSecurityAlertRules creates, for every category no rule routes to
// a subscribed topic, an enabled rule on the default bus (named by
// AlertRuleName, pattern AlertPattern) with topicARN as its target. It
// changes only rules it named; a category already covered is left alone.
// The topic must be in the client's Region; its access policy must allow
// events.amazonaws.com to publish (this function does not change it) and
// someone must confirm a subscription to it.
func RemediateSecurityAlertRules(ctx context.Context, events SecurityAlertRulesRemediationAPI, topics TopicSubscriptionsAPI, topicARN string, optFns ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
	ta, err := arn.Parse(topicARN)
	if err != nil || ta.Service != "sns" || ta.Resource == "" {
		return secpillar.Remediation{}, fmt.Errorf("incident: alert rules: topic %q is not an SNS topic ARN", topicARN)
	}
	opts := secpillar.NewRemediateOptions(optFns...)
	cats := AlertCategories()
	st, err := evaluateAlerts(ctx, events, topics, cats)
	if err != nil {
		return secpillar.Remediation{}, err
	}
	rem := secpillar.Remediation{Control: SecurityAlertRulesID, Resource: st.bus}
	if ta.Region != st.region {
		return rem, fmt.Errorf("incident: alert rules: topic %s is in %s, the rules in %s: use a topic in the same Region", topicARN, ta.Region, st.region)
	}
	type work struct {
		cat                 AlertCategory
		putRule, putTargets bool
	}
	var todo []work
	var names []string
	for _, c := range cats {
		if st.covered[c] != "" {
			continue
		}
		name := AlertRuleName(c)
		w := work{cat: c}
		r, exists := st.rules[name]
		if !exists || !samePattern(aws.ToString(r.EventPattern), AlertPattern(c)) || r.State == ebtypes.RuleStateDisabled {
			w.putRule = true
			before := "absent"
			if exists {
				before = fmt.Sprintf("state %s, pattern %s", r.State, aws.ToString(r.EventPattern))
			}
			rem.Changes = append(rem.Changes, secpillar.Change{Resource: st.bus, Action: "events:PutRule", Field: "rule " + name, Before: before, After: "ENABLED, pattern " + AlertPattern(c)})
		}
		targets, seen := st.targets[name]
		if !seen && exists {
			if targets, err = ruleTargets(ctx, events, name); err != nil {
				return rem, err
			}
		}
		if !slices.ContainsFunc(targets, func(t ebtypes.Target) bool { return aws.ToString(t.Arn) == topicARN }) {
			w.putTargets = true
			rem.Changes = append(rem.Changes, secpillar.Change{Resource: st.bus, Action: "events:PutTargets", Field: "rule " + name + " target " + alertTargetID, Before: "absent", After: topicARN})
		}
		if w.putRule || w.putTargets {
			todo = append(todo, w)
			names = append(names, name)
		}
	}
	ok, err := topicConfirmed(ctx, topics, topicARN, ta.Region)
	if err != nil {
		return rem, err
	}
	if !ok {
		rem.Notes = append(rem.Notes, "Topic "+topicARN+" has no confirmed subscription: the control keeps failing until someone confirms one.")
	}
	if len(todo) == 0 {
		rem.Outcome = secpillar.OutcomeCompliant
		return rem, nil
	}
	rem.Undo = "Remove the targets of and delete the rules " + strings.Join(names, ", ") + " (events:RemoveTargets, events:DeleteRule)."
	rem.Notes = append(rem.Notes, "The topic's access policy must allow events.amazonaws.com to call sns:Publish; this remediation does not change it.")
	if opts.DryRun {
		rem.Outcome = secpillar.OutcomePlanned
		return rem, nil
	}
	for _, w := range todo {
		name := AlertRuleName(w.cat)
		if w.putRule {
			if _, err := events.PutRule(ctx, &eventbridge.PutRuleInput{
				Name: aws.String(name), EventPattern: aws.String(AlertPattern(w.cat)), State: ebtypes.RuleStateEnabled,
				Description: aws.String("secpillar: send " + string(w.cat) + " to a subscribed SNS topic"),
			}); err != nil {
				return rem, fmt.Errorf("incident: put rule %s: %w", name, err)
			}
		}
		if w.putTargets {
			out, err := events.PutTargets(ctx, &eventbridge.PutTargetsInput{Rule: aws.String(name), Targets: []ebtypes.Target{{Id: aws.String(alertTargetID), Arn: aws.String(topicARN)}}})
			if err != nil {
				return rem, fmt.Errorf("incident: put target of rule %s: %w", name, err)
			}
			if out.FailedEntryCount > 0 {
				msg := "unknown reason"
				if len(out.FailedEntries) > 0 {
					msg = aws.ToString(out.FailedEntries[0].ErrorCode) + ": " + aws.ToString(out.FailedEntries[0].ErrorMessage)
				}
				return rem, fmt.Errorf("incident: put target of rule %s: %s", name, msg)
			}
		}
	}
	fresh := secpillar.FreshReads(ctx)
	rem.Outcome = secpillar.OutcomeChanged
	for _, w := range todo {
		name := AlertRuleName(w.cat)
		r, err := events.DescribeRule(fresh, &eventbridge.DescribeRuleInput{Name: aws.String(name)})
		if err != nil {
			return rem, fmt.Errorf("incident: verify rule %s: %w", name, err)
		}
		targets, err := ruleTargets(fresh, events, name)
		if err != nil {
			return rem, err
		}
		if r.State != ebtypes.RuleStateEnabled || !samePattern(aws.ToString(r.EventPattern), AlertPattern(w.cat)) ||
			!slices.ContainsFunc(targets, func(t ebtypes.Target) bool { return aws.ToString(t.Arn) == topicARN }) {
			rem.Outcome = secpillar.OutcomeVerifyPending
		}
	}
	return rem, nil
}

const alertTargetID = "secpillar-sns"
