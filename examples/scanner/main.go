// Command scanner is an in-house AWS security scanner built only on the
// public API of secpillar. It is meant to be copied and adapted.
//
//	go run ./examples/scanner -demo                     # the built-in demo account
//	go run ./examples/scanner -regions eu-west-1 -controls identity,CIS:3.2
//	go run ./examples/scanner -demo -format json -out findings.jsonl
//	go run ./examples/scanner -demo -controls identity.password-policy -fix
//
// Without -demo it uses the default AWS credential chain. The exit status is
// 0 when every finding passes, 1 when a finding at or above -severity fails,
// and 2 when the run was incomplete (a control could not be evaluated) or
// could not start.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/catalogue"
	"github.com/secpillar/secpillar/internal/fakeaws"
	"github.com/secpillar/secpillar/report"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// options are the scanner's flags.
type options struct {
	demo        bool
	regions     string
	controls    string
	format      string
	out         string
	severity    string
	fix         bool
	yes         bool
	quiet       bool
	concurrency int
	list        bool
	orgRole     string
	externalID  string
	accounts    string
	policy      bool
	withFix     bool
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("scanner", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.BoolVar(&o.demo, "demo", false, "scan the built-in demo account instead of a real one")
	fs.StringVar(&o.regions, "regions", "", "comma-separated Regions (default: every enabled Region)")
	fs.StringVar(&o.controls, "controls", "", "comma-separated control IDs, ID prefixes, domains or references like CIS:1.5 (default: all)")
	fs.StringVar(&o.format, "format", "table", "output format: table, json, ocsf or asff")
	fs.StringVar(&o.out, "out", "", "write findings to this file instead of standard output")
	fs.StringVar(&o.severity, "severity", "INFORMATIONAL", "lowest severity of a FAIL that makes the exit status 1")
	fs.BoolVar(&o.fix, "fix", false, "after the scan, show the dry-run plan for failed controls that have a remediation, then apply it after confirmation")
	fs.BoolVar(&o.yes, "yes", false, "with -fix, apply without asking")
	fs.BoolVar(&o.quiet, "quiet", false, "no progress on standard error")
	fs.IntVar(&o.concurrency, "concurrency", 0, "checks evaluated at once (default 8)")
	fs.BoolVar(&o.list, "list", false, "list the selected controls and exit")
	fs.StringVar(&o.orgRole, "org-role", "", "scan every ACTIVE account of the organization by assuming this role in each")
	fs.StringVar(&o.externalID, "external-id", "", "with -org-role, the external ID the role requires")
	fs.StringVar(&o.accounts, "accounts", "", "with -org-role, comma-separated account IDs to scan (default: all)")
	fs.BoolVar(&o.policy, "policy", false, "print the least-privilege IAM policy for the selected controls and exit")
	fs.BoolVar(&o.withFix, "policy-with-remediation", false, "with -policy, also allow the remediation actions")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if _, err := report.ParseFormat(o.format); err != nil {
		return o, fmt.Errorf("-format: %w", err)
	}
	if _, err := secpillar.ParseSeverity(strings.ToUpper(o.severity)); err != nil {
		return o, fmt.Errorf("-severity: %w", err)
	}
	return o, nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	o, err := parseFlags(args, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintln(stderr, "scanner:", err)
		return 2
	}
	controls, err := secpillar.Select(catalogue.All(), splitList(o.controls)...)
	if err != nil {
		fmt.Fprintln(stderr, "scanner:", err)
		return 2
	}
	if o.policy {
		doc, err := secpillar.PolicyDocument(controls, o.withFix)
		if err != nil {
			fmt.Fprintln(stderr, "scanner:", err)
			return 2
		}
		fmt.Fprintln(stdout, doc)
		return 0
	}
	if o.fix && o.orgRole != "" {
		fmt.Fprintln(stderr, "scanner: -fix works on one account; drop -org-role")
		return 2
	}
	if o.list {
		for _, c := range controls {
			fmt.Fprintf(stdout, "%-55s %-13s %s\n", c.ID, c.Severity, c.Title)
		}
		return 0
	}

	var cfg aws.Config
	switch {
	case o.demo && o.orgRole != "":
		cfg, _ = fakeaws.DemoOrganization()
	case o.demo:
		cfg = fakeaws.Demo().Config()
	default:
		cfg, err = config.LoadDefaultConfig(ctx)
		if err != nil {
			fmt.Fprintln(stderr, "scanner: load AWS configuration:", err)
			return 2
		}
		if cfg.Region == "" {
			cfg.Region = "us-east-1"
		}
	}

	prog := newProgress(stderr, o.quiet)
	runOpts := func(ro *secpillar.RunOptions) {
		ro.Regions = splitList(o.regions)
		ro.Concurrency = o.concurrency
		ro.Progress = prog.update
	}
	var (
		rep    secpillar.Report
		runErr error
	)
	if o.orgRole != "" {
		rep, runErr = scanOrganization(ctx, cfg, controls, o, runOpts, stderr)
	} else {
		rep, runErr = secpillar.Run(ctx, cfg, controls, runOpts)
	}
	prog.finish()
	if runErr != nil && len(rep.Findings) == 0 {
		fmt.Fprintln(stderr, "scanner:", runErr)
		return 2
	}

	out := stdout
	if o.out != "" {
		f, err := os.Create(o.out)
		if err != nil {
			fmt.Fprintln(stderr, "scanner:", err)
			return 2
		}
		defer f.Close()
		out = f
	}
	format, _ := report.ParseFormat(o.format)
	ropts := report.Options{ASFF: report.ASFFOptions{Region: cfg.Region, Controls: controls}, OCSF: report.OCSFOptions{Controls: controls}}
	if err := report.Write(out, format, rep.Findings, ropts); err != nil {
		fmt.Fprintln(stderr, "scanner: write findings:", err)
		return 2
	}
	writeRunSummary(stderr, rep, format != report.FormatTable || o.out != "")
	if runErr != nil {
		fmt.Fprintln(stderr, "scanner:", runErr)
	}

	if o.fix {
		if err := fix(ctx, cfg, controls, rep, o.yes, stdin, stderr); err != nil {
			fmt.Fprintln(stderr, "scanner: fix:", err)
			return 2
		}
	}
	return exitStatus(rep, runErr, secpillar.Severity(strings.ToUpper(o.severity)))
}

// scanOrganization scans every ACTIVE account of the organization and
// merges the accounts' findings into one report for the writers.
func scanOrganization(ctx context.Context, cfg aws.Config, controls []secpillar.Control, o options, runOpts func(*secpillar.RunOptions), stderr io.Writer) (secpillar.Report, error) {
	org, err := secpillar.RunOrganization(ctx, cfg, controls, func(oo *secpillar.OrgOptions) {
		oo.RoleName = o.orgRole
		oo.ExternalID = o.externalID
		oo.Accounts = splitList(o.accounts)
		runOpts(&oo.Run)
	})
	var rep secpillar.Report
	var accounts []string
	for _, a := range org.Accounts {
		accounts = append(accounts, a.Account)
		rep.Findings = append(rep.Findings, a.Report.Findings...)
		rep.Errors = append(rep.Errors, a.Report.Errors...)
		if a.Error != "" {
			fmt.Fprintf(stderr, "account %s: not scanned: %s\n", a.Account, a.Error)
		}
		if len(a.Report.Regions) > len(rep.Regions) {
			rep.Regions = a.Report.Regions
		}
	}
	for _, s := range org.Skipped {
		fmt.Fprintf(stderr, "account %s: skipped (%s)\n", s.Account, s.State)
	}
	rep.Account = strings.Join(accounts, " ")
	rep.Incomplete = org.Incomplete
	return rep, err
}

// exitStatus is 2 for an incomplete run, 1 when a finding at or above the
// threshold failed, 0 otherwise.
func exitStatus(rep secpillar.Report, runErr error, threshold secpillar.Severity) int {
	if runErr != nil || rep.Incomplete {
		return 2
	}
	for _, f := range rep.Findings {
		if f.Status == secpillar.StatusFail && f.Severity.Rank() >= threshold.Rank() {
			return 1
		}
	}
	return 0
}

// writeRunSummary prints the account, the Regions, whether the run was
// complete, and (when the findings went elsewhere than a table on the
// terminal) the summary by domain and severity.
func writeRunSummary(w io.Writer, rep secpillar.Report, withCounts bool) {
	fmt.Fprintf(w, "\naccount %s, Regions %s", rep.Account, strings.Join(rep.Regions, " "))
	if len(rep.SkippedRegions) > 0 {
		fmt.Fprintf(w, " (not enabled, skipped: %s)", strings.Join(rep.SkippedRegions, " "))
	}
	fmt.Fprintln(w)
	if withCounts {
		report.WriteSummary(w, report.Summarize(rep.Findings))
	}
	if rep.Incomplete {
		fmt.Fprintf(w, "INCOMPLETE: %d checks could not be evaluated (see the ERROR findings)\n", len(rep.Errors))
	}
}

// fix plans the remediation of every failed finding whose control has one,
// prints the plan, and applies it after confirmation.
func fix(ctx context.Context, cfg aws.Config, controls []secpillar.Control, rep secpillar.Report, yes bool, stdin io.Reader, w io.Writer) error {
	byID := map[string]secpillar.Control{}
	for _, c := range controls {
		byID[c.ID] = c
	}
	type item struct {
		control secpillar.Control
		finding secpillar.Finding
	}
	var planned []item
	fmt.Fprintln(w, "\nRemediation plan (dry run, nothing written):")
	for _, f := range rep.Findings {
		c, ok := byID[f.Control]
		if f.Status != secpillar.StatusFail || !ok || c.Remediate == nil {
			continue
		}
		rcfg := cfg.Copy()
		if f.Resource.Region != "" {
			rcfg.Region = f.Resource.Region
		}
		r, err := c.Remediate(ctx, rcfg, f, secpillar.RemediateOptions{DryRun: true})
		if err != nil {
			fmt.Fprintf(w, "  %s %s: cannot plan: %v\n", f.Control, f.Resource.ID, err)
			continue
		}
		if r.Outcome == secpillar.OutcomeCompliant {
			continue
		}
		planned = append(planned, item{c, f})
		fmt.Fprintf(w, "  %s %s\n", f.Control, f.Resource.ID)
		for _, ch := range r.Changes {
			fmt.Fprintf(w, "    %s %s: %s -> %s\n", ch.Action, ch.Field, ch.Before, ch.After)
		}
	}
	if len(planned) == 0 {
		fmt.Fprintln(w, "  nothing to remediate")
		return nil
	}
	if !yes {
		fmt.Fprintf(w, "Apply %d remediations? [y/N] ", len(planned))
		line, _ := bufio.NewReader(stdin).ReadString('\n')
		if a := strings.ToLower(strings.TrimSpace(line)); a != "y" && a != "yes" {
			fmt.Fprintln(w, "not applied")
			return nil
		}
	}
	for _, p := range planned {
		rcfg := cfg.Copy()
		if p.finding.Resource.Region != "" {
			rcfg.Region = p.finding.Resource.Region
		}
		r, err := p.control.Remediate(ctx, rcfg, p.finding, secpillar.RemediateOptions{})
		if err != nil {
			fmt.Fprintf(w, "  %s %s: failed: %v\n", p.control.ID, p.finding.Resource.ID, err)
			continue
		}
		fmt.Fprintf(w, "  %s %s: %s\n", p.control.ID, p.finding.Resource.ID, r.Outcome)
		for _, n := range r.Notes {
			fmt.Fprintf(w, "    note: %s\n", n)
		}
	}
	return nil
}
