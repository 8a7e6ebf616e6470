package incident

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/internal/policy"
)

// EventBusNotPublicID is the ID of the event bus policy control.
const EventBusNotPublicID = "incident.eventbridge-bus-not-public"

// EventBusPolicyAPI is the part of the EventBridge API that
// CheckEventBusPolicyNotPublic calls. *eventbridge.Client satisfies it.
type EventBusPolicyAPI interface {
	ListEventBuses(ctx context.Context, in *eventbridge.ListEventBusesInput, optFns ...func(*eventbridge.Options)) (*eventbridge.ListEventBusesOutput, error)
	DescribeEventBus(ctx context.Context, in *eventbridge.DescribeEventBusInput, optFns ...func(*eventbridge.Options)) (*eventbridge.DescribeEventBusOutput, error)
}

var _ EventBusPolicyAPI = (*eventbridge.Client)(nil)

// EventBusPolicyRemediationAPI is what RemediateEventBusPolicyNotPublic
// calls: it reads one bus and rewrites or removes its policy.
type EventBusPolicyRemediationAPI interface {
	DescribeEventBus(ctx context.Context, in *eventbridge.DescribeEventBusInput, optFns ...func(*eventbridge.Options)) (*eventbridge.DescribeEventBusOutput, error)
	PutPermission(ctx context.Context, in *eventbridge.PutPermissionInput, optFns ...func(*eventbridge.Options)) (*eventbridge.PutPermissionOutput, error)
	RemovePermission(ctx context.Context, in *eventbridge.RemovePermissionInput, optFns ...func(*eventbridge.Options)) (*eventbridge.RemovePermissionOutput, error)
}

var _ EventBusPolicyRemediationAPI = (*eventbridge.Client)(nil)

// CheckEventBusPolicyNotPublic reports, for every event bus in the client's
// Region, whether its resource policy lets anyone put events on it (or
// manage its rules): a public statement in AWS's sense, that no fixed
// account, organization, source or network condition restricts. A bus
// without a policy passes. EventBridge policies are plain JSON (not
// URL-encoded). A bus that ListEventBuses shows without a policy is read
// with DescribeEventBus before it passes.
func CheckEventBusPolicyNotPublic(ctx context.Context, api EventBusPolicyAPI) ([]secpillar.Finding, error) {
	buses, err := collectPages(ctx, "list event buses", func(ctx context.Context, tok *string) ([]ebtypes.EventBus, *string, error) {
		out, err := api.ListEventBuses(ctx, &eventbridge.ListEventBusesInput{NextToken: tok})
		if err != nil {
			return nil, nil, err
		}
		return out.EventBuses, out.NextToken, nil
	})
	if err != nil {
		return nil, err
	}
	var out []secpillar.Finding
	for _, b := range buses {
		res, name, err := busResource(b.Arn, b.Name)
		if err != nil {
			return nil, err
		}
		f := secpillar.Finding{Control: EventBusNotPublicID, Severity: secpillar.SeverityHigh, Resource: res, Evidence: map[string]string{"bus_name": name}}
		if b.Policy == nil {
			// A bus listed without a policy is confirmed by reading it:
			// "no policy" must come from the bus itself before it passes.
			in := &eventbridge.DescribeEventBusInput{Name: aws.String(res.ID)}
			if name == "default" {
				// The Region's default bus, read with the same (empty) input
				// as the alert-routing control so that a run shares it.
				in = &eventbridge.DescribeEventBusInput{}
			}
			d, err := api.DescribeEventBus(ctx, in)
			if err != nil {
				return nil, fmt.Errorf("incident: read event bus %s: %w", res.ID, err)
			}
			b.Policy = d.Policy
		}
		pub, err := publicBusStatements(aws.ToString(b.Policy), res.Account)
		if err != nil {
			return nil, fmt.Errorf("incident: event bus %s: %w", res.ID, err)
		}
		switch {
		case aws.ToString(b.Policy) == "":
			f.Status = secpillar.StatusPass
			f.Reason = fmt.Sprintf("Event bus %s has no resource policy: only this account can use it.", name)
		case len(pub) == 0:
			f.Status = secpillar.StatusPass
			f.Reason = fmt.Sprintf("Event bus %s's policy grants no public access.", name)
		default:
			f.Status = secpillar.StatusFail
			f.Reason = fmt.Sprintf("Event bus %s's policy is public (%s): remove or restrict those statements.", name, pub[0].Reason)
			var idx []string
			for _, p := range pub {
				idx = append(idx, statementLabel(p))
			}
			f.Evidence["public_statements"] = strings.Join(idx, ",")
		}
		out = append(out, f)
	}
	return out, nil
}

func statementLabel(p policy.PublicStatement) string {
	if p.Sid != "" {
		return p.Sid
	}
	return "#" + strconv.Itoa(p.Index)
}

func busResource(arnp, namep *string) (secpillar.Resource, string, error) {
	id, name := aws.ToString(arnp), aws.ToString(namep)
	if id == "" {
		return secpillar.Resource{}, "", fmt.Errorf("incident: event bus %q has no Arn", name)
	}
	a, err := arn.Parse(id)
	if err != nil {
		return secpillar.Resource{}, "", fmt.Errorf("incident: event bus Arn %q does not parse: %v", id, err)
	}
	if name == "" {
		name = strings.TrimPrefix(a.Resource, "event-bus/")
	}
	return secpillar.Resource{Type: EventBusResourceType, ID: id, Region: a.Region, Account: a.AccountID}, name, nil
}

func publicBusStatements(doc, account string) ([]policy.PublicStatement, error) {
	if doc == "" {
		return nil, nil
	}
	d, err := policy.Parse(doc)
	if err != nil {
		return nil, err
	}
	return policy.PublicStatements(d, policy.PublicOptions{Account: account}), nil
}

// RemediateEventBusPolicyNotPublic removes the public statements from an
// event bus's policy (bus is a name or ARN; "default" for the default bus)
// and keeps every other statement byte for byte. When no statement would
// remain, the policy is removed. The result's Undo holds the policy as it
// was, to put back with events:PutPermission.
func RemediateEventBusPolicyNotPublic(ctx context.Context, api EventBusPolicyRemediationAPI, bus string, optFns ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
	if strings.TrimSpace(bus) == "" {
		return secpillar.Remediation{}, fmt.Errorf("incident: bus policy: empty event bus name")
	}
	if strings.HasPrefix(bus, "arn:") {
		if a, err := arn.Parse(bus); err != nil || a.Service != "events" || !strings.HasPrefix(a.Resource, "event-bus/") {
			return secpillar.Remediation{}, fmt.Errorf("incident: bus policy: %q is not an event bus ARN", bus)
		}
	}
	opts := secpillar.NewRemediateOptions(optFns...)
	read := func(ctx context.Context) (secpillar.Resource, string, string, []policy.PublicStatement, error) {
		out, err := api.DescribeEventBus(ctx, &eventbridge.DescribeEventBusInput{Name: aws.String(bus)})
		if err != nil {
			return secpillar.Resource{}, "", "", nil, fmt.Errorf("incident: read event bus %s: %w", bus, err)
		}
		res, name, err := busResource(out.Arn, out.Name)
		if err != nil {
			return res, "", "", nil, err
		}
		doc := aws.ToString(out.Policy)
		pub, err := publicBusStatements(doc, res.Account)
		if err != nil {
			return res, name, doc, nil, fmt.Errorf("incident: event bus %s: %w", res.ID, err)
		}
		return res, name, doc, pub, nil
	}
	res, name, doc, pub, err := read(ctx)
	if err != nil {
		return secpillar.Remediation{}, err
	}
	rem := secpillar.Remediation{Control: EventBusNotPublicID, Resource: res}
	if len(pub) == 0 {
		rem.Outcome = secpillar.OutcomeCompliant
		return rem, nil
	}
	var drop []int
	for _, p := range pub {
		drop = append(drop, p.Index)
	}
	newDoc, err := policy.RemoveStatements(doc, drop)
	if err != nil {
		return rem, fmt.Errorf("incident: event bus %s: %w", res.ID, err)
	}
	left, err := policy.Parse(newDoc)
	if err != nil {
		return rem, fmt.Errorf("incident: event bus %s: %w", res.ID, err)
	}
	action, after := "events:PutPermission", newDoc
	if len(left.Statements) == 0 {
		action, after = "events:RemovePermission", "(no policy)"
	}
	for _, p := range pub {
		rem.Changes = append(rem.Changes, secpillar.Change{Resource: res, Action: action, Field: "Statement " + statementLabel(p), Before: p.Reason, After: "removed"})
	}
	rem.Changes = append(rem.Changes, secpillar.Change{Resource: res, Action: action, Field: "Policy", Before: doc, After: after})
	rem.Undo = "Put the previous policy back with events:PutPermission on bus " + name + " and Policy=" + doc
	if opts.DryRun {
		rem.Outcome = secpillar.OutcomePlanned
		return rem, nil
	}
	if len(left.Statements) == 0 {
		_, err = api.RemovePermission(ctx, &eventbridge.RemovePermissionInput{EventBusName: aws.String(name), RemoveAllPermissions: true})
	} else {
		_, err = api.PutPermission(ctx, &eventbridge.PutPermissionInput{EventBusName: aws.String(name), Policy: aws.String(newDoc)})
	}
	if err != nil {
		return rem, fmt.Errorf("incident: rewrite policy of event bus %s: %w", res.ID, err)
	}
	_, _, _, pub, err = read(secpillar.FreshReads(ctx))
	if err != nil {
		return rem, fmt.Errorf("incident: verify: %w", err)
	}
	rem.Outcome = secpillar.OutcomeChanged
	if len(pub) > 0 {
		rem.Outcome = secpillar.OutcomeVerifyPending
		rem.Notes = append(rem.Notes, "The policy still read as public after the write; read it again shortly.")
	}
	return rem, nil
}
