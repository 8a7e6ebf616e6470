package detective

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/report"
)

// ImportFindingsAPI is the part of the Security Hub API that
// ExportToSecurityHub calls. *securityhub.Client satisfies it.
type ImportFindingsAPI interface {
	BatchImportFindings(ctx context.Context, in *securityhub.BatchImportFindingsInput, optFns ...func(*securityhub.Options)) (*securityhub.BatchImportFindingsOutput, error)
}

var _ ImportFindingsAPI = (*securityhub.Client)(nil)

// ExportFailure is a finding Security Hub did not import.
type ExportFailure struct {
	// Index is the finding's position in the input (-1 when Security Hub
	// names an Id the export did not send).
	Index int `json:"index"`
	// ID is the finding's ASFF Id.
	ID string `json:"id"`
	// Code and Message are Security Hub's reason.
	Code    string `json:"code"`
	Message string `json:"message"`
}

// ExportResult says what ExportToSecurityHub imported.
type ExportResult struct {
	// Imported is the number of findings Security Hub accepted.
	Imported int `json:"imported"`
	// Failed lists the findings Security Hub rejected.
	Failed []ExportFailure `json:"failed,omitempty"`
	// Calls is the number of BatchImportFindings calls made.
	Calls int `json:"calls"`
}

// ExportToSecurityHub converts findings to the AWS Security Finding Format
// with report.ASFF (so that a file written with report.WriteASFF and an
// export hold the same findings, with the same Ids) and imports them with
// BatchImportFindings, in batches of at most report.MaxBatchImport
// findings and report.MaxBatchImportBytes.
//
// opts.Region is required: it is the Region of api's client, where the
// findings' product lives. A finding whose account is unknown (neither in
// its resource nor opts.AccountID), without a control ID, with an unknown
// status or severity, or a failed one without a severity (neither its own
// nor, through opts.Controls, its control's) is an error naming it, and
// nothing is imported. A finding Security Hub rejects is reported in
// Failed; an API error stops the export and is returned with what was
// imported so far.
func ExportToSecurityHub(ctx context.Context, api ImportFindingsAPI, findings []secpillar.Finding, opts report.ASFFOptions) (ExportResult, error) {
	var res ExportResult
	if opts.Region == "" {
		return res, errors.New("detective: export to Security Hub: ASFFOptions.Region is empty: name the Region of the Security Hub client")
	}
	if opts.ProductARN != "" {
		if parts := strings.SplitN(opts.ProductARN, ":", 6); len(parts) != 6 || parts[0] != "arn" || parts[2] != "securityhub" || parts[3] != opts.Region {
			return res, fmt.Errorf("detective: export to Security Hub: ASFFOptions.ProductARN %q is not a Security Hub product in %s", opts.ProductARN, opts.Region)
		}
	}
	if opts.AccountID != "" && !isAccountID(opts.AccountID) {
		return res, fmt.Errorf("detective: export to Security Hub: ASFFOptions.AccountID %q is not a 12-digit account ID", opts.AccountID)
	}
	if err := checkExportable(findings, opts.Controls); err != nil {
		return res, err
	}
	asff := report.ASFF(findings, opts)
	for i, x := range asff {
		if !isAccountID(x.AwsAccountId) {
			return res, fmt.Errorf("detective: export finding %d (%s): account %q is not a 12-digit account ID (set the resource's account or ASFFOptions.AccountID)", i, findings[i].Control, x.AwsAccountId)
		}
		for _, r := range x.Resources {
			if r.Id == "" {
				return res, fmt.Errorf("detective: export finding %d (%s): the resource has no ID", i, findings[i].Control)
			}
		}
	}
	sh := report.SecurityHubFindings(asff)
	sizes := make([]int, len(sh))
	for i := range sh {
		b, err := json.Marshal(sh[i])
		if err != nil {
			return res, fmt.Errorf("detective: encode finding %d (%s): %w", i, findings[i].Control, err)
		}
		if len(b) > report.MaxFindingBytes {
			return res, fmt.Errorf("detective: export finding %d (%s) is %d bytes, more than Security Hub's %d", i, findings[i].Control, len(b), report.MaxFindingBytes)
		}
		sizes[i] = len(b) + 1 // and the comma between findings
	}
	byID := make(map[string]int, len(asff))
	for i, x := range asff {
		byID[x.Id] = i
	}
	for start := 0; start < len(sh); {
		end, size := start, len(`{"Findings":[]}`)
		for end < len(sh) && end-start < report.MaxBatchImport && (end == start || size+sizes[end] <= report.MaxBatchImportBytes) {
			size += sizes[end]
			end++
		}
		out, err := api.BatchImportFindings(ctx, &securityhub.BatchImportFindingsInput{Findings: sh[start:end]})
		res.Calls++
		if err != nil {
			return res, fmt.Errorf("detective: import findings %d-%d into Security Hub: %w", start, end-1, err)
		}
		res.Imported += int(aws.ToInt32(out.SuccessCount))
		for _, fe := range out.FailedFindings {
			idx, ok := byID[aws.ToString(fe.Id)]
			if !ok {
				idx = -1
			}
			res.Failed = append(res.Failed, ExportFailure{Index: idx, ID: aws.ToString(fe.Id), Code: aws.ToString(fe.ErrorCode), Message: aws.ToString(fe.ErrorMessage)})
		}
		start = end
	}
	return res, nil
}

// checkExportable refuses findings report.ASFF would have to guess about.
func checkExportable(findings []secpillar.Finding, controls []secpillar.Control) error {
	severity := make(map[string]secpillar.Severity, len(controls))
	for _, c := range controls {
		severity[c.ID] = c.Severity
	}
	for i, f := range findings {
		if f.Control == "" {
			return fmt.Errorf("detective: export finding %d has no control ID", i)
		}
		switch f.Status {
		case secpillar.StatusPass, secpillar.StatusFail, secpillar.StatusNotApplicable, secpillar.StatusError:
		default:
			return fmt.Errorf("detective: export finding %d (%s): unknown status %q", i, f.Control, f.Status)
		}
		if f.Severity != "" && f.Severity.Rank() == 0 {
			return fmt.Errorf("detective: export finding %d (%s): unknown severity %q", i, f.Control, f.Severity)
		}
		if f.Status == secpillar.StatusFail && f.Severity == "" && severity[f.Control].Rank() == 0 {
			return fmt.Errorf("detective: export finding %d (%s): a failed finding without a severity (set it, or pass its control in ASFFOptions.Controls)", i, f.Control)
		}
	}
	return nil
}

// isAccountID reports whether s is a 12-digit account ID.
func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
