package report

import (
	"strings"
	"unicode/utf8"
)

// ellipsis marks a value that was cut to fit a limit.
const ellipsis = "…"

// truncate returns s cut to at most max bytes, on a rune boundary, ending
// with an ellipsis when it was cut. max <= 0 means no limit.
func truncate(s string, max int) string {
	if max <= 0 || len(s) <= max {
		return s
	}
	if max <= len(ellipsis) {
		return cutRunes(s, max)
	}
	return cutRunes(s, max-len(ellipsis)) + ellipsis
}

// cutRunes returns the longest prefix of s of at most n bytes that ends on
// a rune boundary.
func cutRunes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// oneLine folds newlines and tabs into spaces so that a value fits a table
// cell.
func oneLine(s string) string {
	if !strings.ContainsAny(s, "\r\n\t") {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}

// domainOf returns the domain of a control ID: the part before the first
// dot ("identity" for "identity.root-mfa-enabled"), or "other".
func domainOf(control string) string {
	if i := strings.IndexByte(control, '.'); i > 0 {
		return control[:i]
	}
	return "other"
}
