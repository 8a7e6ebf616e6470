package report

import (
	"fmt"
	"io"
	"strings"

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
