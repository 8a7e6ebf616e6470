package report

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

	"github.com/secpillar/secpillar"
)

// Default column widths of WriteTable, in characters.
const (
	DefaultResourceWidth = 60
	DefaultReasonWidth   = 100
)

// TableOptions controls WriteTable. The zero value lists every finding
// with the default column widths.
type TableOptions struct {
	// FailedOnly lists only FAIL and ERROR findings.
	FailedOnly bool
	// ResourceWidth and ReasonWidth bound those columns, in characters;
	// 0 means DefaultResourceWidth and DefaultReasonWidth, negative means
	// no limit. A resource is cut at the front (an ARN's tail names it),
	// a reason at the end.
	ResourceWidth int
	ReasonWidth   int
}

// WriteTable writes the findings as an aligned table for a terminal,
// sorted by severity (most severe first), then control, then status
// (FAIL, ERROR, NOT_APPLICABLE, PASS), account, Region and resource. An
// ACCOUNT column appears when the findings span several accounts.
func WriteTable(w io.Writer, findings []secpillar.Finding, optFns ...func(*TableOptions)) error {
	var opts TableOptions
	for _, fn := range optFns {
		fn(&opts)
	}
	resW := width(opts.ResourceWidth, DefaultResourceWidth)
	reasonW := width(opts.ReasonWidth, DefaultReasonWidth)

	rows := make([]secpillar.Finding, 0, len(findings))
	accounts := map[string]bool{}
	for _, f := range findings {
		if opts.FailedOnly && f.Status != secpillar.StatusFail && f.Status != secpillar.StatusError {
			continue
		}
		rows = append(rows, f)
		accounts[f.Resource.Account] = true
	}
	SortFindings(rows)
	multi := len(accounts) > 1

	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	header := []string{"SEVERITY", "STATUS", "CONTROL"}
	if multi {
		header = append(header, "ACCOUNT")
	}
	header = append(header, "REGION", "RESOURCE", "REASON")
	fmt.Fprintln(tw, strings.Join(header, "\t"))
	for _, f := range rows {
		region := f.Resource.Region
		if region == "" {
			region = "-"
		}
		cells := []string{string(f.Severity), string(f.Status), f.Control}
		if multi {
			cells = append(cells, f.Resource.Account)
		}
		cells = append(cells, region,
			truncateFront(oneLine(f.Resource.ID), resW),
			truncateChars(oneLine(f.Reason), reasonW))
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("report: write table: %w", err)
	}
	return nil
}

// SortFindings sorts findings in place in the order of WriteTable.
func SortFindings(findings []secpillar.Finding) {
	sort.SliceStable(findings, func(i, j int) bool {
		a, b := findings[i], findings[j]
		if a.Severity.Rank() != b.Severity.Rank() {
			return a.Severity.Rank() > b.Severity.Rank()
		}
		if a.Control != b.Control {
			return a.Control < b.Control
		}
		if statusOrder(a.Status) != statusOrder(b.Status) {
			return statusOrder(a.Status) < statusOrder(b.Status)
		}
		if a.Resource.Account != b.Resource.Account {
			return a.Resource.Account < b.Resource.Account
		}
		if a.Resource.Region != b.Resource.Region {
			return a.Resource.Region < b.Resource.Region
		}
		return a.Resource.ID < b.Resource.ID
	})
}

// statusOrder puts what needs attention first.
func statusOrder(s secpillar.Status) int {
	switch s {
	case secpillar.StatusFail:
		return 0
	case secpillar.StatusError:
		return 1
	case secpillar.StatusNotApplicable:
		return 2
	case secpillar.StatusPass:
		return 3
	}
	return 4
}

func width(v, def int) int {
	switch {
	case v == 0:
		return def
	case v < 0:
		return 0
	}
	return v
}

// truncateChars cuts s to at most n characters, ending with an ellipsis.
func truncateChars(s string, n int) string {
	if n <= 0 || utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + ellipsis
}

// truncateFront cuts s to at most n characters, keeping the end.
func truncateFront(s string, n int) string {
	if n <= 0 || utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return ellipsis + string(r[len(r)-(n-1):])
}
