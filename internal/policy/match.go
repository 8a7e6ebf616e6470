package policy

import (
	"unicode"
	"unicode/utf8"
)

// MatchAction reports whether an action pattern from a policy ("s3:Get*",
// "iam:*", "*") matches an action name ("s3:GetObject"). Matching is
// case-insensitive, as AWS matches action names; '*' matches any run of
// characters (including none) and '?' exactly one character.
func MatchAction(pattern, action string) bool {
	return glob(pattern, action, foldEqual)
}

// MatchResource reports whether a Resource pattern from a policy matches a
// resource ARN. Unlike action names, ARNs are matched case-sensitively; '*'
// and '?' are wildcards. Policy variables ("${aws:username}") are compared
// literally.
func MatchResource(pattern, resource string) bool {
	return glob(pattern, resource, func(a, b rune) bool { return a == b })
}

// Allows reports whether the statement, taken alone and ignoring its
// conditions and principals, allows action on resource: its Effect is Allow,
// its Action matches (or its NotAction does not) and its Resource matches (or
// its NotResource does not). A statement with neither Resource nor
// NotResource (a trust policy, or a resource policy whose resource is
// implied) matches any resource; one with neither Action nor NotAction
// matches no action.
func (s Statement) Allows(action, resource string) bool {
	return s.Effect == "Allow" && s.MatchesAction(action) && s.MatchesResource(resource)
}

// Denies is the Deny counterpart of Allows: the statement's Effect is Deny
// and it covers action on resource, ignoring conditions and principals.
func (s Statement) Denies(action, resource string) bool {
	return s.Effect == "Deny" && s.MatchesAction(action) && s.MatchesResource(resource)
}

// MatchesAction reports whether the statement's Action or NotAction element
// covers action, whatever the statement's Effect.
func (s Statement) MatchesAction(action string) bool {
	switch {
	case s.Action != nil:
		for _, p := range s.Action {
			if MatchAction(p, action) {
				return true
			}
		}
		return false
	case s.NotAction != nil:
		for _, p := range s.NotAction {
			if MatchAction(p, action) {
				return false
			}
		}
		return true
	default:
		return false
	}
}

// MatchesResource reports whether the statement's Resource or NotResource
// element covers resource, whatever the statement's Effect. A statement with
// neither covers every resource.
func (s Statement) MatchesResource(resource string) bool {
	switch {
	case s.Resource != nil:
		for _, p := range s.Resource {
			if MatchResource(p, resource) {
				return true
			}
		}
		return false
	case s.NotResource != nil:
		for _, p := range s.NotResource {
			if MatchResource(p, resource) {
				return false
			}
		}
		return true
	default:
		return true
	}
}

// glob matches s against pattern p rune by rune with '*' and '?' wildcards,
// comparing other runes with eq. It runs in O(len(p)*len(s)) at worst, with
// no recursion.
func glob(pattern, str string, eq func(a, b rune) bool) bool {
	if isASCIIString(pattern) && isASCIIString(str) {
		return globASCII(pattern, str, eq)
	}
	p, s := []rune(pattern), []rune(str)
	pi, si := 0, 0
	star, mark := -1, 0
	for si < len(s) {
		switch {
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, si
			pi++
		case pi < len(p) && (p[pi] == '?' || eq(p[pi], s[si])):
			pi++
			si++
		case star >= 0:
			pi = star + 1
			mark++
			si = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

// globASCII is glob for ASCII strings, without allocating.
func globASCII(p, s string, eq func(a, b rune) bool) bool {
	pi, si := 0, 0
	star, mark := -1, 0
	for si < len(s) {
		switch {
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, si
			pi++
		case pi < len(p) && (p[pi] == '?' || eq(rune(p[pi]), rune(s[si]))):
			pi++
			si++
		case star >= 0:
			pi = star + 1
			mark++
			si = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

func isASCIIString(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// foldEqual reports whether two runes are equal under Unicode simple case
// folding, as strings.EqualFold compares them.
func foldEqual(a, b rune) bool {
	if a == b {
		return true
	}
	if a < utf8.RuneSelf && b < utf8.RuneSelf {
		if 'A' <= a && a <= 'Z' {
			a += 'a' - 'A'
		}
		if 'A' <= b && b <= 'Z' {
			b += 'a' - 'A'
		}
		return a == b
	}
	for r := unicode.SimpleFold(a); r != a; r = unicode.SimpleFold(r) {
		if r == b {
			return true
		}
	}
	return false
}
