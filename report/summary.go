package report

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/secpillar/secpillar"
)

// Counts counts findings by status. A status other than PASS, FAIL and
// NOT_APPLICABLE counts as Error: it is not a verdict.
type Counts struct {
	Pass          int `json:"pass"`
	Fail          int `json:"fail"`
	Error         int `json:"error"`
	NotApplicable int `json:"not_applicable"`
}

// Total is the number of findings counted.
func (c Counts) Total() int { return c.Pass + c.Fail + c.Error + c.NotApplicable }

func (c *Counts) add(s secpillar.Status) {
	switch s {
	case secpillar.StatusPass:
		c.Pass++
	case secpillar.StatusFail:
		c.Fail++
	case secpillar.StatusNotApplicable:
		c.NotApplicable++
	default:
		c.Error++
	}
}

// DomainSummary counts the findings of one domain. Failed counts the FAIL
// findings by severity.
type DomainSummary struct {
	Domain string                     `json:"domain"`
	Counts Counts                     `json:"counts"`
	Failed map[secpillar.Severity]int `json:"failed"`
}

// Summary counts findings by domain and severity. Domains are in the
// order of the Security pillar (identity, detective, infrastructure,
// dataprotection, incident), then any other domain alphabetically.
type Summary struct {
	Total   Counts                     `json:"total"`
	Failed  map[secpillar.Severity]int `json:"failed"`
	Domains []DomainSummary            `json:"domains"`
}

// severities lists the severities, most severe first.
var severities = []secpillar.Severity{
	secpillar.SeverityCritical, secpillar.SeverityHigh, secpillar.SeverityMedium,
	secpillar.SeverityLow, secpillar.SeverityInformational,
}

var domainOrder = map[string]int{
	string(secpillar.DomainIdentity):       1,
	string(secpillar.DomainDetective):      2,
	string(secpillar.DomainInfrastructure): 3,
	string(secpillar.DomainDataProtection): 4,
	string(secpillar.DomainIncident):       5,
}

// Summarize counts findings by status, domain (the prefix of the control
// ID) and, for failed findings, severity.
func Summarize(findings []secpillar.Finding) Summary {
	s := Summary{Failed: map[secpillar.Severity]int{}}
	byDomain := map[string]*DomainSummary{}
	for _, f := range findings {
		d := domainOf(f.Control)
		ds := byDomain[d]
		if ds == nil {
			ds = &DomainSummary{Domain: d, Failed: map[secpillar.Severity]int{}}
			byDomain[d] = ds
		}
		ds.Counts.add(f.Status)
		s.Total.add(f.Status)
		if f.Status == secpillar.StatusFail {
			ds.Failed[f.Severity]++
			s.Failed[f.Severity]++
		}
	}
	for _, ds := range byDomain {
		s.Domains = append(s.Domains, *ds)
	}
	sort.Slice(s.Domains, func(i, j int) bool {
		a, b := s.Domains[i].Domain, s.Domains[j].Domain
		oa, ob := domainOrder[a], domainOrder[b]
		if oa == 0 {
			oa = 99
		}
		if ob == 0 {
			ob = 99
		}
		if oa != ob {
			return oa < ob
		}
		return a < b
	})
	return s
}

// WriteSummary writes the summary as a table: one row per domain with its
// failed findings by severity, then its FAIL, ERROR, PASS and
// NOT_APPLICABLE counts, and a TOTAL row.
func WriteSummary(w io.Writer, s Summary) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	head := []string{"DOMAIN"}
	for _, sev := range severities {
		head = append(head, string(sev))
	}
	head = append(head, "FAIL", "ERROR", "PASS", "N/A")
	fmt.Fprintln(tw, strings.Join(head, "\t"))
	row := func(name string, failed map[secpillar.Severity]int, c Counts) {
		cells := []string{name}
		for _, sev := range severities {
			cells = append(cells, strconv.Itoa(failed[sev]))
		}
		cells = append(cells, strconv.Itoa(c.Fail), strconv.Itoa(c.Error), strconv.Itoa(c.Pass), strconv.Itoa(c.NotApplicable))
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	for _, d := range s.Domains {
		row(d.Domain, d.Failed, d.Counts)
	}
	row("TOTAL", s.Failed, s.Total)
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("report: write summary: %w", err)
	}
	return nil
}
