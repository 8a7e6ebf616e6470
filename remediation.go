package secpillar

import "fmt"

// Outcome is what a remediation did.
type Outcome string

// The outcomes of a remediation.
const (
	// OutcomeCompliant means the resource already was in the desired state:
	// nothing was written.
	OutcomeCompliant Outcome = "COMPLIANT"
	// OutcomePlanned means a dry run computed Changes and wrote nothing.
	OutcomePlanned Outcome = "PLANNED"
	// OutcomeChanged means Changes were written and a re-read confirmed them.
	OutcomeChanged Outcome = "CHANGED"
	// OutcomeVerifyPending means Changes were written but the re-read did
	// not show them yet (AWS is eventually consistent); check again later.
	OutcomeVerifyPending Outcome = "VERIFY_PENDING"
)

// Change is one write a remediation makes or plans. Action is the IAM
// action used (for example "iam:UpdateAccountPasswordPolicy"). Before and
// After are short, human-readable renderings of the setting.
type Change struct {
	Resource Resource `json:"resource"`
	Action   string   `json:"action"`
	Field    string   `json:"field,omitempty"`
	Before   string   `json:"before"`
	After    string   `json:"after"`
}

// Remediation is the result of a Remediate function. Undo says, in one or
// two sentences, how to reverse the changes; Notes carry caveats a person
// must know (such as propagation delays).
type Remediation struct {
	Control  string   `json:"control"`
	Resource Resource `json:"resource"`
	Outcome  Outcome  `json:"outcome"`
	Changes  []Change `json:"changes,omitempty"`
	Undo     string   `json:"undo,omitempty"`
	Notes    []string `json:"notes,omitempty"`
}

// DefaultMaxResources is the number of resources a bulk remediation may
// change when RemediateOptions.MaxResources is zero.
const DefaultMaxResources = 25

// RemediateOptions controls a remediation. The zero value applies changes,
// guarded by DefaultMaxResources.
type RemediateOptions struct {
	// DryRun makes no mutating call and returns the planned Changes.
	DryRun bool
	// MaxResources is the most resources a bulk remediation changes; above
	// it, it refuses before the first write. Zero means DefaultMaxResources.
	MaxResources int
}

// Limit returns MaxResources, or DefaultMaxResources when it is zero or
// negative.
func (o RemediateOptions) Limit() int {
	if o.MaxResources <= 0 {
		return DefaultMaxResources
	}
	return o.MaxResources
}

// DryRun is an option for Remediate functions that turns on
// RemediateOptions.DryRun.
func DryRun(o *RemediateOptions) { o.DryRun = true }

// NewRemediateOptions applies optFns to a zero RemediateOptions.
func NewRemediateOptions(optFns ...func(*RemediateOptions)) RemediateOptions {
	var o RemediateOptions
	for _, fn := range optFns {
		fn(&o)
	}
	return o
}

// TooManyResourcesError is returned by a bulk remediation that would change
// more than RemediateOptions.MaxResources resources. Nothing was written.
type TooManyResourcesError struct {
	Control string
	Count   int
	Max     int
}

func (e *TooManyResourcesError) Error() string {
	return fmt.Sprintf("%s: %d resources would change, more than the limit of %d; nothing was changed (raise MaxResources to proceed)", e.Control, e.Count, e.Max)
}
