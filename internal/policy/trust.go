package policy

import (
	"strings"
)

// TrustGrant is one principal that a role trust policy allows to assume the
// role.
type TrustGrant struct {
	// Index and Sid identify the statement.
	Index int
	Sid   string
	// Principal is the principal as written: an ARN, a bare account ID, a
	// service or web identity provider name, a canonical user ID, or "*"
	// (also used for a NotPrincipal statement, which trusts everyone but
	// the listed principals).
	Principal string
	// Account is the principal's 12-digit account ID, from its ARN or as a
	// bare ID; "" for services, web identity providers, canonical users and
	// wildcards.
	Account string
	// HasExternalID is true when the statement requires sts:ExternalId with
	// a positive StringEquals, StringEqualsIgnoreCase or StringLike
	// condition (optionally ForAnyValue:) whose values are fixed.
	HasExternalID bool
	// Public is true when the principal is anyone ("*", an AWS wildcard, a
	// web identity provider, NotPrincipal) and no condition restricts the
	// statement as PublicStatements defines it.
	Public bool
}

// assumeActions are the actions that let a principal assume a role.
var assumeActions = []string{"sts:AssumeRole", "sts:AssumeRoleWithSAML", "sts:AssumeRoleWithWebIdentity"}

// TrustGrants reads a role trust policy and returns, in document order, one
// grant per principal of each Allow statement that allows sts:AssumeRole,
// sts:AssumeRoleWithSAML or sts:AssumeRoleWithWebIdentity. ownAccount (the
// role's account, "" if unknown) is never public; compare Account with it to
// find cross-account trust. Deny statements are not evaluated against the
// grants: a caller that needs them should read the document itself.
func TrustGrants(d *Document, ownAccount string) []TrustGrant {
	if d == nil {
		return nil
	}
	opts := PublicOptions{Account: ownAccount}
	var out []TrustGrant
	for i, s := range d.Statements {
		if s.Effect != "Allow" || !allowsAssume(s) {
			continue
		}
		ext := requiresExternalID(s.Condition)
		unrestricted := !restricts(s.Condition, opts)
		add := func(principal, account string, public bool) {
			out = append(out, TrustGrant{
				Index: i, Sid: s.Sid, Principal: principal, Account: account,
				HasExternalID: ext, Public: public && unrestricted,
			})
		}
		if s.NotPrincipal != nil {
			add("*", "", true)
			continue
		}
		p := s.Principal
		if p == nil {
			continue
		}
		if p.Wildcard && p.AWS == nil {
			add("*", "", true)
		}
		for _, a := range p.AWS {
			public := strings.ContainsAny(a, "*?") && !isOwnAccount(a, ownAccount)
			add(a, accountOf(a), public)
		}
		for _, v := range p.Service {
			add(v, "", false)
		}
		for _, v := range p.Federated {
			add(v, accountOf(v), isWebIdentityProvider(v))
		}
		for _, v := range p.CanonicalUser {
			add(v, "", false)
		}
	}
	return out
}

func allowsAssume(s Statement) bool {
	for _, a := range assumeActions {
		if s.MatchesAction(a) {
			return true
		}
	}
	return false
}

// requiresExternalID reports whether the condition block pins sts:ExternalId
// to fixed values with a positive string operator.
func requiresExternalID(c Condition) bool {
	for op, keys := range c {
		base, ok := positiveOperator(op)
		if !ok || !strings.HasPrefix(base, "string") {
			continue
		}
		for k, vals := range keys {
			if !strings.EqualFold(k, "sts:ExternalId") || len(vals) == 0 {
				continue
			}
			fixed := true
			for _, v := range vals {
				if v == "" || strings.ContainsAny(v, "*?") || strings.Contains(v, "${") {
					fixed = false
				}
			}
			if fixed {
				return true
			}
		}
	}
	return false
}

// accountOf returns the 12-digit account ID of an ARN or a bare account ID,
// or "".
func accountOf(p string) string {
	if isAccountID(p) {
		return p
	}
	if !strings.HasPrefix(p, "arn:") {
		return ""
	}
	parts := strings.SplitN(p, ":", 6)
	if len(parts) < 6 || !isAccountID(parts[4]) {
		return ""
	}
	return parts[4]
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
