package report

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/secpillar/secpillar"
)

// Format names an output format.
type Format string

// The formats Write knows.
const (
	FormatTable Format = "table" // WriteTable then WriteSummary
	FormatJSON  Format = "json"  // WriteJSONLines
	FormatOCSF  Format = "ocsf"  // WriteOCSF
	FormatASFF  Format = "asff"  // WriteASFF
)

// Formats lists the formats, in the order a usage message shows them.
// Treat it as read-only.
var Formats = []Format{FormatTable, FormatJSON, FormatOCSF, FormatASFF}

// ParseFormat returns the format named by s (case-insensitive).
func ParseFormat(s string) (Format, error) {
	f := Format(strings.ToLower(strings.TrimSpace(s)))
	for _, k := range Formats {
		if f == k {
			return f, nil
		}
	}
	return "", fmt.Errorf("report: unknown format %q (want table, json, ocsf or asff)", s)
}

// Options gathers the options of every format, for Write.
type Options struct {
	Table TableOptions
	OCSF  OCSFOptions
	ASFF  ASFFOptions
}

// Write writes findings in format f. The table format is followed by a
// blank line and the summary by domain and severity.
func Write(w io.Writer, f Format, findings []secpillar.Finding, opts Options) error {
	switch f {
	case FormatTable:
		if err := WriteTable(w, findings, func(o *TableOptions) { *o = opts.Table }); err != nil {
			return err
		}
		if _, err := io.WriteString(w, "\n"); err != nil {
			return fmt.Errorf("report: write: %w", err)
		}
		return WriteSummary(w, Summarize(findings))
	case FormatJSON:
		return WriteJSONLines(w, findings)
	case FormatOCSF:
		return WriteOCSF(w, findings, opts.OCSF)
	case FormatASFF:
		return WriteASFF(w, findings, opts.ASFF)
	}
	return fmt.Errorf("report: unknown format %q", f)
}

// WriteReport writes the findings of a run in format f. In the table
// format the summary is followed by the Regions that were skipped and, for
// an incomplete report, the checks that could not be evaluated, so that a
// reader never takes a partial scan for a clean one. The JSON formats hold
// the findings only (ERROR findings included).
func WriteReport(w io.Writer, f Format, rep secpillar.Report, opts Options) error {
	if err := Write(w, f, rep.Findings, opts); err != nil {
		return err
	}
	if f != FormatTable {
		return nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\nAccount %s: %d Regions scanned", rep.Account, len(rep.Regions))
	if len(rep.SkippedRegions) > 0 {
		fmt.Fprintf(&b, ", not enabled: %s", strings.Join(rep.SkippedRegions, ", "))
	}
	b.WriteString(".\n")
	if rep.Incomplete {
		fmt.Fprintf(&b, "INCOMPLETE: checks not evaluated: %d\n", len(rep.Errors))
		for _, e := range rep.Errors {
			where := e.Control
			if e.Region != "" {
				where += " (" + e.Region + ")"
			}
			fmt.Fprintf(&b, "  %s: %s\n", where, oneLine(e.Error))
		}
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("report: write: %w", err)
	}
	return nil
}

// WriteOrgReport writes the findings of an organization-wide run in
// format f. In the table format the findings table (with an ACCOUNT
// column) and the summary are followed by one line per account — its
// findings, failures and errors, or why it could not be scanned — and the
// accounts skipped because they are not ACTIVE.
func WriteOrgReport(w io.Writer, f Format, rep secpillar.OrgReport, opts Options) error {
	if err := Write(w, f, rep.Findings(), opts); err != nil {
		return err
	}
	if f != FormatTable {
		return nil
	}
	var b strings.Builder
	b.WriteString("\n")
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ACCOUNT\tNAME\tREGIONS\tFINDINGS\tFAIL\tERROR\tNOTE")
	for _, a := range rep.Accounts {
		c := Summarize(a.Report.Findings).Total
		note := "scanned"
		switch {
		case a.Error != "":
			note = "not scanned: " + truncateChars(oneLine(a.Error), DefaultReasonWidth)
		case a.Report.Incomplete:
			note = "incomplete"
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%d\t%s\n", a.Account, dash(a.Name), len(a.Report.Regions), c.Total(), c.Fail, c.Error, note)
	}
	for _, s := range rep.Skipped {
		fmt.Fprintf(tw, "%s\t%s\t-\t-\t-\t-\tskipped: %s\n", s.Account, dash(s.Name), s.State)
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("report: write accounts: %w", err)
	}
	if rep.Incomplete {
		b.WriteString("INCOMPLETE: some accounts or checks could not be evaluated.\n")
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("report: write: %w", err)
	}
	return nil
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
