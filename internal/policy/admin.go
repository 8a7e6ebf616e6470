package policy

import (
	"fmt"
	"slices"
	"strings"
)

// IsAdmin reports whether the document grants administrator access: an
// Allow of "*" (or "*:*") on Resource "*", or an Allow with NotAction on
// Resource "*" (everything except a list), not cancelled by an explicit
// Deny in the same document. An Allow on every resource except a list
// (NotResource) counts as on "*" too. The second value says why, naming the
// statement.
//
// Conditions on the Allow are not evaluated (a conditional grant of
// everything is still reported, and the reason says it has conditions). Only
// an unconditional Deny of every action on every resource cancels the grant;
// a Deny with conditions, or of some services only, does not. Service
// control policies and permission boundaries are not evaluated.
func IsAdmin(d *Document) (bool, string) {
	if d == nil {
		return false, "no document"
	}
	for i, s := range d.Statements {
		if denyCoversEverything(s) {
			return false, fmt.Sprintf("%s denies every action on every resource unconditionally", describe(i, s))
		}
	}
	for i, s := range d.Statements {
		if s.Effect != "Allow" || !coversAllResources(s) {
			continue
		}
		var what string
		switch {
		case slices.ContainsFunc(s.Action, isAllActionsPattern):
			what = "allows every action"
		case s.NotAction != nil && !slices.ContainsFunc(s.NotAction, isAllActionsPattern):
			what = fmt.Sprintf("allows every action except %s (NotAction)", quoteList(s.NotAction))
		default:
			continue
		}
		on := `on Resource "*"`
		if s.NotResource != nil {
			on = fmt.Sprintf("on every resource except %s (NotResource)", quoteList(s.NotResource))
		} else if s.Resource == nil {
			on = "on every resource (no Resource element)"
		}
		reason := fmt.Sprintf("%s %s %s", describe(i, s), what, on)
		if len(s.Condition) > 0 {
			reason += ", with conditions that were not evaluated"
		}
		return true, reason
	}
	return false, "no statement allows every action on every resource"
}

// ServiceWildcards returns the "service:*" grants of the document's Allow
// statements, lower-cased, sorted and without duplicates (for example
// ["iam:*", "s3:*"]), on any resource. A grant is left out when an
// unconditional Deny in the document covers the whole service on every
// resource. The all-actions patterns "*" and "*:*" are not service
// wildcards; see IsAdmin for those.
func ServiceWildcards(d *Document) []string {
	if d == nil {
		return nil
	}
	var out []string
	for _, s := range d.Statements {
		if s.Effect != "Allow" {
			continue
		}
		for _, p := range s.Action {
			svc, ok := serviceWildcard(p)
			if !ok || slices.Contains(out, svc+":*") {
				continue
			}
			if slices.ContainsFunc(d.Statements, func(x Statement) bool { return denyCoversService(x, svc) }) {
				continue
			}
			out = append(out, svc+":*")
		}
	}
	slices.Sort(out)
	return out
}

// serviceWildcard reports whether p is "<service>:*" (any number of
// trailing stars) with a literal service prefix, returning the prefix in
// lower case.
func serviceWildcard(p string) (string, bool) {
	svc, act, ok := strings.Cut(p, ":")
	if !ok || svc == "" || strings.ContainsAny(svc, "*?") || !isStars(act) {
		return "", false
	}
	return strings.ToLower(svc), true
}

// isAllActionsPattern reports whether an Action pattern matches every
// action: "*", "*:*" (every action name has a colon), or the same with more
// stars.
func isAllActionsPattern(p string) bool {
	if isStars(p) {
		return true
	}
	svc, act, ok := strings.Cut(p, ":")
	return ok && isStars(svc) && isStars(act)
}

func isStars(s string) bool {
	return s != "" && strings.Trim(s, "*") == ""
}

// coversAllResources reports whether the statement's resource element
// covers every resource: "*", a NotResource list, or no resource element.
func coversAllResources(s Statement) bool {
	switch {
	case s.Resource != nil:
		return slices.ContainsFunc(s.Resource, isStars)
	case s.NotResource != nil:
		return !slices.ContainsFunc(s.NotResource, isStars)
	default:
		return true
	}
}

// unconditionalDeny reports whether s is a Deny that applies to every
// principal the document concerns, always, on every resource.
func unconditionalDeny(s Statement) bool {
	if s.Effect != "Deny" || len(s.Condition) > 0 || s.NotPrincipal != nil {
		return false
	}
	if s.Principal != nil && !s.Principal.Wildcard {
		return false
	}
	switch {
	case s.Resource != nil:
		return slices.ContainsFunc(s.Resource, isStars)
	case s.NotResource != nil:
		return len(s.NotResource) == 0
	default:
		return true
	}
}

// denyCoversEverything reports whether s denies every action on every
// resource unconditionally.
func denyCoversEverything(s Statement) bool {
	if !unconditionalDeny(s) {
		return false
	}
	if s.Action != nil {
		return slices.ContainsFunc(s.Action, isAllActionsPattern)
	}
	return s.NotAction != nil && len(s.NotAction) == 0
}

// denyCoversService reports whether s unconditionally denies every action of
// service svc (lower case) on every resource.
func denyCoversService(s Statement, svc string) bool {
	if !unconditionalDeny(s) {
		return false
	}
	if s.Action != nil {
		return slices.ContainsFunc(s.Action, func(p string) bool {
			if isAllActionsPattern(p) {
				return true
			}
			ps, act, ok := strings.Cut(p, ":")
			return ok && (isStars(ps) || strings.EqualFold(ps, svc)) && isStars(act)
		})
	}
	if s.NotAction == nil {
		return false
	}
	// Every excluded pattern must name another service literally.
	for _, p := range s.NotAction {
		ps, _, ok := strings.Cut(p, ":")
		if !ok || strings.ContainsAny(ps, "*?") || strings.EqualFold(ps, svc) {
			return false
		}
	}
	return true
}

// denyCoversAction reports whether s unconditionally denies action (a
// literal action name) on every resource.
func denyCoversAction(s Statement, action string) bool {
	return unconditionalDeny(s) && s.MatchesAction(action)
}

// describe names a statement for reasons: `statement 2 (Sid "X")`.
func describe(i int, s Statement) string {
	if s.Sid != "" {
		return fmt.Sprintf("statement %d (Sid %q)", i, s.Sid)
	}
	return fmt.Sprintf("statement %d", i)
}

func quoteList(v []string) string {
	q := make([]string, len(v))
	for i, s := range v {
		q[i] = fmt.Sprintf("%q", s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}
