package secpillar

import "fmt"

// Status is the verdict of a finding.
type Status string

// The statuses a finding can carry. Checks produce PASS, FAIL and
// NOT_APPLICABLE; only Run produces ERROR, from a check's error, so that a
// report shows what could not be seen.
const (
	StatusPass          Status = "PASS"
	StatusFail          Status = "FAIL"
	StatusNotApplicable Status = "NOT_APPLICABLE"
	StatusError         Status = "ERROR"
)

// Severity is how urgent a failed control is. The labels are those of the
// AWS Security Finding Format (ASFF).
type Severity string

// The severities, lowest first.
const (
	SeverityInformational Severity = "INFORMATIONAL"
	SeverityLow           Severity = "LOW"
	SeverityMedium        Severity = "MEDIUM"
	SeverityHigh          Severity = "HIGH"
	SeverityCritical      Severity = "CRITICAL"
)

// Rank orders severities: INFORMATIONAL is 1, CRITICAL is 5, an unknown
// label is 0.
func (s Severity) Rank() int {
	switch s {
	case SeverityInformational:
		return 1
	case SeverityLow:
		return 2
	case SeverityMedium:
		return 3
	case SeverityHigh:
		return 4
	case SeverityCritical:
		return 5
	}
	return 0
}

// ParseSeverity returns the severity named by s (case-sensitive ASFF label).
func ParseSeverity(s string) (Severity, error) {
	v := Severity(s)
	if v.Rank() == 0 {
		return "", fmt.Errorf("secpillar: unknown severity %q (want INFORMATIONAL, LOW, MEDIUM, HIGH or CRITICAL)", s)
	}
	return v, nil
}

// AccountResourceType is the resource type of account-level settings,
// following Security Hub's convention.
const AccountResourceType = "AWS::::Account"

// Resource identifies what a finding is about. ID is the ARN where the
// resource has one; account-level settings use "AWS::::Account:<id>" with
// Type AccountResourceType. Type uses CloudFormation names such as
// "AWS::S3::Bucket".
type Resource struct {
	Type    string `json:"type"`
	ID      string `json:"id"`
	Region  string `json:"region,omitempty"`
	Account string `json:"account,omitempty"`
}

// AccountResource returns the Resource of an account-level setting. The
// account ID may be empty when the check cannot know it; Run fills it in.
func AccountResource(accountID string) Resource {
	return Resource{Type: AccountResourceType, ID: AccountResourceType + ":" + accountID, Account: accountID}
}

// Finding is the result of evaluating one control against one resource.
//
// Reason is one sentence a person can act on. Evidence holds the few values
// the verdict rests on; it never holds secrets.
type Finding struct {
	Control  string            `json:"control"`
	Status   Status            `json:"status"`
	Severity Severity          `json:"severity"`
	Resource Resource          `json:"resource"`
	Reason   string            `json:"reason"`
	Evidence map[string]string `json:"evidence,omitempty"`
}
