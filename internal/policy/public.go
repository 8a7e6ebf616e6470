package policy

import (
	"fmt"
	"net/netip"
	"regexp"
	"strings"
)

// PublicOptions says what kind of resource policy PublicStatements reads.
// The zero value suits any resource policy other than a KMS key policy or an
// S3 bucket policy.
type PublicOptions struct {
	// KMS marks a key policy: kms:CallerAccount then also restricts a
	// statement to an account.
	KMS bool
	// BucketPolicy marks an S3 bucket policy: an s3:DataAccessPointArn
	// value with a fixed account and a wildcard access-point name then also
	// restricts a statement.
	BucketPolicy bool
	// Account is the resource owner's account ID. Principals of that
	// account (its root, or the bare account ID) are never public.
	Account string
}

// PublicStatement is a statement that makes a policy public.
type PublicStatement struct {
	// Index is the statement's position in Document.Statements.
	Index int
	// Sid is the statement's Sid, if any.
	Sid string
	// Reason is one sentence naming the statement and why it is public.
	Reason string
}

// PublicStatements returns every statement of a resource policy that is
// public in AWS's sense ("The meaning of public", S3 User Guide): an Allow
// whose principal is "*" (or {"AWS": "*"}, or a Federated web identity
// provider such as accounts.google.com, or any NotPrincipal) and that no
// condition restricts.
//
// A condition restricts only with a positive operator (StringEquals,
// StringEqualsIgnoreCase, StringLike, ArnEquals, ArnLike, IpAddress, or one
// of these after ForAnyValue:), on one of the keys aws:SourceIp (a specific
// range: a /0 range is public), aws:SourceArn, aws:SourceVpc,
// aws:SourceVpce, aws:SourceAccount, aws:SourceOwner, aws:PrincipalOrgID,
// aws:PrincipalAccount, aws:PrincipalArn, aws:userid (the one wildcard
// allowed is "AROA...:*"), s3:x-amz-server-side-encryption-aws-kms-key-id,
// s3:DataAccessPointAccount, s3:DataAccessPointArn, and with KMS set
// kms:CallerAccount, and only when every value is fixed (no '*', no '?', no
// "${...}") and there is at least one. Negated operators, the IfExists forms
// and ForAllValues: never restrict; neither does kms:ViaService. Keys and
// operators are matched case-insensitively.
//
// Deny statements are never public, nor are service principals, canonical
// users, SAML/OIDC provider ARNs and named AWS principals (such as the
// account's own root in a key policy's default statement).
func PublicStatements(d *Document, o PublicOptions) []PublicStatement {
	if d == nil {
		return nil
	}
	var out []PublicStatement
	for i, s := range d.Statements {
		if s.Effect != "Allow" {
			continue
		}
		who := publicPrincipal(s, o)
		if who == "" || restricts(s.Condition, o) {
			continue
		}
		reason := fmt.Sprintf("%s allows %s", describe(i, s), who)
		if len(s.Condition) > 0 {
			reason += " and its conditions do not restrict it to specific accounts, networks or organizations"
		} else {
			reason += " with no condition restricting it"
		}
		out = append(out, PublicStatement{Index: i, Sid: s.Sid, Reason: reason})
	}
	return out
}

// IsPublic reports whether any statement of the document is public; see
// PublicStatements.
func IsPublic(d *Document, o PublicOptions) bool {
	return len(PublicStatements(d, o)) > 0
}

// IsPublicACLGrantee reports whether an S3 ACL grantee URI is one of the
// public groups: AllUsers (anyone) or AuthenticatedUsers (anyone with an AWS
// account), in their http or https form. LogDelivery is not public.
func IsPublicACLGrantee(uri string) bool {
	rest, ok := strings.CutPrefix(uri, "http://")
	if !ok {
		rest, ok = strings.CutPrefix(uri, "https://")
	}
	if !ok {
		return false
	}
	return rest == "acs.amazonaws.com/groups/global/AllUsers" ||
		rest == "acs.amazonaws.com/groups/global/AuthenticatedUsers"
}

// publicPrincipal describes the statement's principal when it is one that
// AWS counts as public, or returns "".
func publicPrincipal(s Statement, o PublicOptions) string {
	if s.NotPrincipal != nil {
		return "every principal except its NotPrincipal list"
	}
	p := s.Principal
	if p == nil {
		return ""
	}
	if p.Wildcard {
		return `principal "*"`
	}
	for _, a := range p.AWS {
		if strings.ContainsAny(a, "*?") && !isOwnAccount(a, o.Account) {
			return fmt.Sprintf("AWS principal %q", a)
		}
	}
	for _, f := range p.Federated {
		if isWebIdentityProvider(f) {
			return fmt.Sprintf("federated web identity %q", f)
		}
	}
	return ""
}

// isOwnAccount reports whether an AWS principal is the owner account's
// root or bare account ID.
func isOwnAccount(principal, account string) bool {
	if account == "" {
		return false
	}
	return principal == account || strings.HasPrefix(principal, "arn:") && strings.HasSuffix(principal, ":iam::"+account+":root")
}

// isWebIdentityProvider reports whether a Federated principal is a web
// identity provider (accounts.google.com, graph.facebook.com,
// www.amazon.com, cognito-identity.amazonaws.com, ...) rather than the ARN of
// a SAML or OIDC provider in an account.
func isWebIdentityProvider(f string) bool {
	return f != "" && !strings.HasPrefix(f, "arn:")
}

// restrictingKeys are the condition keys that can restrict a public
// statement, lower-cased.
var restrictingKeys = map[string]bool{
	"aws:sourceip":         true,
	"aws:sourcearn":        true,
	"aws:sourcevpc":        true,
	"aws:sourcevpce":       true,
	"aws:sourceaccount":    true,
	"aws:sourceowner":      true,
	"aws:principalorgid":   true,
	"aws:principalaccount": true,
	"aws:principalarn":     true,
	"aws:userid":           true,
	"s3:x-amz-server-side-encryption-aws-kms-key-id": true,
	"s3:dataaccesspointaccount":                      true,
	"s3:dataaccesspointarn":                          true,
	"kms:calleraccount":                              true,
}

// positiveOperators are the operators that can restrict, lower-cased.
var positiveOperators = map[string]bool{
	"stringequals":           true,
	"stringequalsignorecase": true,
	"stringlike":             true,
	"arnequals":              true,
	"arnlike":                true,
	"ipaddress":              true,
}

// restricts reports whether some condition of the block restricts who can
// use the statement.
func restricts(c Condition, o PublicOptions) bool {
	for op, keys := range c {
		base, ok := positiveOperator(op)
		if !ok {
			continue
		}
		for key, vals := range keys {
			if restrictingValues(base, strings.ToLower(key), vals, o) {
				return true
			}
		}
	}
	return false
}

// positiveOperator returns the lower-cased base operator when op is a
// positive operator that can restrict (optionally after ForAnyValue:).
func positiveOperator(op string) (string, bool) {
	l := strings.ToLower(op)
	if strings.HasPrefix(l, "forallvalues:") || strings.HasSuffix(l, "ifexists") {
		return "", false
	}
	l = strings.TrimPrefix(l, "foranyvalue:")
	return l, positiveOperators[l]
}

// restrictingValues reports whether key (lower case) compared with the
// positive operator op against vals pins the statement down.
func restrictingValues(op, key string, vals []string, o PublicOptions) bool {
	if !restrictingKeys[key] || len(vals) == 0 {
		return false
	}
	if key == "kms:calleraccount" && !o.KMS {
		return false
	}
	if (key == "aws:sourceip") != (op == "ipaddress") {
		return false
	}
	for _, v := range vals {
		if !fixedValue(key, v, o) {
			return false
		}
	}
	return true
}

var (
	// roleUserID is the one aws:userid wildcard allowed: a role's unique ID
	// followed by ":*" (any session of that role).
	roleUserID = regexp.MustCompile(`^AROA[A-Z0-9]+:\*$`)
	// accessPointARN is an S3 access point ARN with a fixed partition,
	// Region and account; the name may be a wildcard.
	accessPointARN = regexp.MustCompile(`^arn:[a-z-]+:s3:[a-z0-9-]+:[0-9]{12}:accesspoint/.+$`)
)

// fixedValue reports whether one condition value is a fixed value for key.
func fixedValue(key, v string, o PublicOptions) bool {
	wild := strings.ContainsAny(v, "*?") || strings.Contains(v, "${")
	switch key {
	case "aws:sourceip":
		if wild {
			return false
		}
		if p, err := netip.ParsePrefix(v); err == nil {
			return p.Bits() > 0
		}
		_, err := netip.ParseAddr(v)
		return err == nil
	case "aws:userid":
		return !wild || roleUserID.MatchString(v)
	case "s3:dataaccesspointarn":
		if !wild {
			return true
		}
		if !o.BucketPolicy || strings.Contains(v, "${") {
			return false
		}
		fixed, _, _ := strings.Cut(v, ":accesspoint/")
		return accessPointARN.MatchString(v) && !strings.ContainsAny(fixed, "*?")
	default:
		return !wild
	}
}
