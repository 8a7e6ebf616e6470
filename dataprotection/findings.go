package dataprotection

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"

	"github.com/secpillar/secpillar"
)

var accountIDPattern = regexp.MustCompile(`^[0-9]{12}$`)

// validAccountID rejects an account ID that is not 12 digits, before any
// API call.
func validAccountID(id string) error {
	if !accountIDPattern.MatchString(id) {
		return fmt.Errorf("dataprotection: account ID %q is not 12 digits", id)
	}
	return nil
}

func pass(control string, sev secpillar.Severity, r secpillar.Resource, reason string, ev map[string]string) secpillar.Finding {
	return secpillar.Finding{Control: control, Status: secpillar.StatusPass, Severity: sev, Resource: r, Reason: reason, Evidence: ev}
}

func fail(control string, sev secpillar.Severity, r secpillar.Resource, reason string, ev map[string]string) secpillar.Finding {
	return secpillar.Finding{Control: control, Status: secpillar.StatusFail, Severity: sev, Resource: r, Reason: reason, Evidence: ev}
}

func notApplicable(control string, sev secpillar.Severity, r secpillar.Resource, reason string, ev map[string]string) secpillar.Finding {
	return secpillar.Finding{Control: control, Status: secpillar.StatusNotApplicable, Severity: sev, Resource: r, Reason: reason, Evidence: ev}
}

func verdict(ok bool, control string, sev secpillar.Severity, r secpillar.Resource, passReason, failReason string, ev map[string]string) secpillar.Finding {
	if ok {
		return pass(control, sev, r, passReason, ev)
	}
	return fail(control, sev, r, failReason, ev)
}

func bstr(b bool) string { return strconv.FormatBool(b) }

// outcome is OutcomeChanged when verified, else OutcomeVerifyPending.
func outcome(verified bool) secpillar.Outcome {
	if verified {
		return secpillar.OutcomeChanged
	}
	return secpillar.OutcomeVerifyPending
}

func sortStrings(s []string) { sort.Strings(s) }
