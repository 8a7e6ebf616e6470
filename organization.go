package secpillar

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// DefaultAccountConcurrency is the number of accounts RunOrganization
// scans at once when OrgOptions.AccountConcurrency is zero. Each account's
// run has its own check concurrency (RunOptions.Concurrency).
const DefaultAccountConcurrency = 4

// DefaultSessionName is the role session name RunOrganization uses when
// OrgOptions.SessionName is empty; it shows in the member accounts'
// CloudTrail.
const DefaultSessionName = "secpillar"

// DefaultSessionDuration is the lifetime of the assumed-role credentials
// when OrgOptions.Duration is zero. The credentials are refreshed when
// they expire, so a long scan does not need more.
const DefaultSessionDuration = time.Hour

// OrgOptions controls RunOrganization. RoleName is required; the zero
// value of every other field is the documented default.
type OrgOptions struct {
	// RoleName is the role assumed in every account, such as
	// "SecurityAudit" or "audit/SecPillarReadOnly" (a path may precede
	// the name). It should grant the read-only permissions PolicyDocument
	// returns.
	RoleName string
	// ExternalID, when set, is passed to sts:AssumeRole (the role's trust
	// policy then requires it with an sts:ExternalId condition).
	ExternalID string
	// SessionName is the role session name; empty means
	// DefaultSessionName.
	SessionName string
	// Duration is the lifetime of the assumed-role credentials; 0 means
	// DefaultSessionDuration.
	Duration time.Duration
	// Accounts, when set, limits the scan to these account IDs. An ID
	// that is not an account of the organization is reported as an
	// account error, not dropped.
	Accounts []string
	// AccountConcurrency bounds the accounts scanned at once; 0 means
	// DefaultAccountConcurrency.
	AccountConcurrency int
	// Run holds the options of each account's run. Its Progress callback,
	// when set, is serialised across accounts.
	Run RunOptions
	// CallerDirect scans the caller's own account (usually the
	// management account, where the role may not be deployed) with cfg's
	// credentials instead of assuming RoleName there.
	CallerDirect bool
	// AccountDone, when set, is called once per account (scanned or
	// failed) as soon as it finishes. Calls are serialised.
	AccountDone func(AccountReport)
}

// OrgReport is the result of RunOrganization.
type OrgReport struct {
	// Accounts holds one entry per account attempted, sorted by account ID.
	Accounts []AccountReport `json:"accounts"`
	// Skipped lists the accounts that are not ACTIVE (suspended, closing,
	// closed, pending activation) and were not scanned.
	Skipped []SkippedAccount `json:"skipped,omitempty"`
	// Incomplete is true when any account could not be scanned or any
	// account's report is incomplete.
	Incomplete bool `json:"incomplete"`
}

// AccountReport is one account's part of an OrgReport. When the account
// could not be scanned (the role could not be assumed, its Regions could
// not be listed, ...), Error says why and Report holds one ERROR finding
// per control for the account, so that the gap shows in every output.
type AccountReport struct {
	Account string `json:"account"`
	Name    string `json:"name,omitempty"`
	Report  Report `json:"report"`
	Error   string `json:"error,omitempty"`
}

// SkippedAccount is an account of the organization that was not scanned
// because it is not ACTIVE.
type SkippedAccount struct {
	Account string `json:"account"`
	Name    string `json:"name,omitempty"`
	State   string `json:"state"`
}

// Findings returns every account's findings, in account order.
func (r OrgReport) Findings() []Finding {
	var out []Finding
	for _, a := range r.Accounts {
		out = append(out, a.Report.Findings...)
	}
	return out
}

// Failed returns the accounts that could not be scanned.
func (r OrgReport) Failed() []AccountReport {
	var out []AccountReport
	for _, a := range r.Accounts {
		if a.Error != "" {
			out = append(out, a)
		}
	}
	return out
}

var (
	accountIDPattern = regexp.MustCompile(`^\d{12}$`)
	rolePathPattern  = regexp.MustCompile(`^([\x21-\x7e]+/)*[\w+=,.@-]{1,64}$`)
)

// RunOrganization evaluates controls in every ACTIVE account of the
// organization that cfg's credentials manage (the management account or a
// delegated administrator, which may call organizations:ListAccounts).
//
// It lists the accounts (paginated), assumes opts.RoleName in each with
// sts:AssumeRole, and calls Run there, scanning AccountConcurrency
// accounts at once. Accounts are isolated: an account whose role cannot be
// assumed or whose run cannot start gets an AccountReport with Error and
// one ERROR finding per control, and the others proceed. Accounts that are
// not ACTIVE are listed in Skipped. Every finding carries its account.
//
// RunOrganization returns an error only when it cannot start (no home
// Region, no RoleName, a malformed account filter, the accounts cannot be
// listed) or when ctx ends; then it returns what it had scanned, marked
// incomplete.
func RunOrganization(ctx context.Context, cfg aws.Config, controls []Control, optFns ...func(*OrgOptions)) (OrgReport, error) {
	var opts OrgOptions
	for _, fn := range optFns {
		fn(&opts)
	}
	if err := validateOrgRun(cfg, controls, opts); err != nil {
		return OrgReport{}, err
	}
	for _, id := range opts.Accounts {
		if !accountIDPattern.MatchString(id) {
			return OrgReport{}, fmt.Errorf("secpillar: organization run: account filter %q is not a 12-digit account ID", id)
		}
	}

	members, err := listAccounts(ctx, cfg)
	if err != nil {
		return OrgReport{}, err
	}
	var caller string
	if opts.CallerDirect {
		id, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			return OrgReport{}, fmt.Errorf("secpillar: organization run: identify the caller's account: %w", err)
		}
		caller = aws.ToString(id.Account)
	}

	var (
		rep     OrgReport
		targets []orgAccount
		mu      sync.Mutex // guards rep and serialises AccountDone
	)
	addAccount := func(ar AccountReport) {
		mu.Lock()
		defer mu.Unlock()
		rep.Accounts = append(rep.Accounts, ar)
		if opts.AccountDone != nil {
			opts.AccountDone(ar)
		}
	}
	want := map[string]bool{}
	for _, id := range opts.Accounts {
		want[id] = true
	}
	found := map[string]bool{}
	for _, m := range members {
		if len(want) > 0 && !want[m.id] {
			continue
		}
		found[m.id] = true
		switch {
		case m.err != nil:
			addAccount(failedAccount(m.id, m.name, m.err, controls))
		case m.state != string(orgtypes.AccountStateActive):
			rep.Skipped = append(rep.Skipped, SkippedAccount{Account: m.id, Name: m.name, State: m.state})
		default:
			targets = append(targets, m)
		}
	}
	for _, id := range opts.Accounts {
		if !found[id] {
			found[id] = true
			addAccount(failedAccount(id, "", errors.New("the account is not in the organization's account list"), controls))
		}
	}

	n := opts.AccountConcurrency
	if n <= 0 {
		n = DefaultAccountConcurrency
	}
	var (
		pmu    sync.Mutex // serialises Progress across accounts
		wg     sync.WaitGroup
		sem    = make(chan struct{}, n)
		runOpt = opts.Run
	)
	if p := opts.Run.Progress; p != nil {
		runOpt.Progress = func(pr Progress) {
			pmu.Lock()
			defer pmu.Unlock()
			p(pr)
		}
	}
	stsClient := sts.NewFromConfig(cfg)
	scheduled := 0
schedule:
	for _, m := range targets {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			break schedule
		}
		scheduled++
		wg.Add(1)
		go func(m orgAccount) {
			defer wg.Done()
			defer func() { <-sem }()
			var ar AccountReport
			if m.id == caller {
				ar = scanCaller(ctx, cfg, m, controls, runOpt)
			} else {
				ar = scanAccount(ctx, cfg, stsClient, m, controls, opts, runOpt)
			}
			addAccount(ar)
		}(m)
	}
	wg.Wait()
	for _, m := range targets[scheduled:] {
		addAccount(failedAccount(m.id, m.name, fmt.Errorf("not scanned: %w", ctx.Err()), controls))
	}

	sort.Slice(rep.Accounts, func(i, j int) bool { return rep.Accounts[i].Account < rep.Accounts[j].Account })
	sort.Slice(rep.Skipped, func(i, j int) bool { return rep.Skipped[i].Account < rep.Skipped[j].Account })
	for _, a := range rep.Accounts {
		if a.Error != "" || a.Report.Incomplete {
			rep.Incomplete = true
		}
	}
	if err := ctx.Err(); err != nil {
		rep.Incomplete = true
		return rep, fmt.Errorf("secpillar: organization run: %w", err)
	}
	return rep, nil
}

// RunAccount evaluates controls in one account through opts.RoleName, as
// RunOrganization does for each account, without listing the
// organization: it is the per-account step for callers that fan out
// themselves (one Lambda invocation per account, say). opts.Accounts and
// opts.AccountConcurrency are ignored.
//
// A failure to assume the role or to start the run is not an error: the
// AccountReport carries it in Error, with one ERROR finding per control.
// RunAccount returns an error for bad input (no home Region, no or a
// malformed RoleName, an account ID that is not 12 digits) before any
// call, and ctx's error when ctx ends.
func RunAccount(ctx context.Context, cfg aws.Config, accountID string, controls []Control, optFns ...func(*OrgOptions)) (AccountReport, error) {
	var opts OrgOptions
	for _, fn := range optFns {
		fn(&opts)
	}
	if err := validateOrgRun(cfg, controls, opts); err != nil {
		return AccountReport{}, err
	}
	if !accountIDPattern.MatchString(accountID) {
		return AccountReport{}, fmt.Errorf("secpillar: account run: account ID %q is not 12 digits", accountID)
	}
	m := orgAccount{id: accountID, state: string(orgtypes.AccountStateActive), partition: partitionOfRegion(cfg.Region)}
	ar := scanAccount(ctx, cfg, sts.NewFromConfig(cfg), m, controls, opts, opts.Run)
	if err := ctx.Err(); err != nil {
		return ar, fmt.Errorf("secpillar: account run: %w", err)
	}
	return ar, nil
}

// validateOrgRun rejects what RunOrganization and RunAccount cannot start
// with.
func validateOrgRun(cfg aws.Config, controls []Control, opts OrgOptions) error {
	if cfg.Region == "" {
		return errors.New("secpillar: organization run: cfg.Region is empty: set the home Region")
	}
	if opts.RoleName == "" {
		return errors.New("secpillar: organization run: OrgOptions.RoleName is empty: name the role to assume in each account")
	}
	if !rolePathPattern.MatchString(opts.RoleName) {
		return fmt.Errorf("secpillar: organization run: role name %q is not a valid IAM role name or path", opts.RoleName)
	}
	for _, c := range controls {
		if c.Check == nil {
			return fmt.Errorf("secpillar: organization run: control %q has no Check", c.ID)
		}
	}
	return nil
}

// orgAccount is one account of the organization's list.
type orgAccount struct {
	id, name, state, partition string
	err                        error // the entry cannot be used
}

// listAccounts reads every page of organizations:ListAccounts.
func listAccounts(ctx context.Context, cfg aws.Config) ([]orgAccount, error) {
	var out []orgAccount
	p := organizations.NewListAccountsPaginator(organizations.NewFromConfig(cfg), &organizations.ListAccountsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("secpillar: organization run: list accounts: %w", err)
		}
		for _, a := range page.Accounts {
			out = append(out, orgAccountOf(a, cfg.Region))
		}
	}
	if len(out) == 0 {
		return nil, errors.New("secpillar: organization run: list accounts: the organization lists no account")
	}
	return out, nil
}

// orgAccountOf reads one ListAccounts entry. State is preferred to the
// Status that AWS is retiring; an entry without an ID, or with a state
// this version does not know, is an error for that account.
func orgAccountOf(a orgtypes.Account, region string) orgAccount {
	m := orgAccount{id: aws.ToString(a.Id), name: aws.ToString(a.Name), partition: partitionOfRegion(region)}
	if parts := strings.SplitN(aws.ToString(a.Arn), ":", 3); len(parts) == 3 && parts[0] == "arn" && parts[1] != "" {
		m.partition = parts[1]
	}
	state := string(a.State)
	if state == "" {
		state = string(a.Status)
	}
	m.state = state
	switch {
	case !accountIDPattern.MatchString(m.id):
		m.err = fmt.Errorf("organizations:ListAccounts returned an account with ID %q", m.id)
	case state == "":
		m.err = errors.New("organizations:ListAccounts returned the account without a State or Status")
	default:
		known := false
		for _, s := range orgtypes.AccountStateActive.Values() {
			known = known || string(s) == state
		}
		if !known {
			m.err = fmt.Errorf("organizations:ListAccounts returned the unknown account state %q", state)
		}
	}
	return m
}

// partitionOfRegion returns the partition of a Region name.
func partitionOfRegion(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	}
	return "aws"
}

// scanAccount assumes the role in one account and runs the controls there.
func scanAccount(ctx context.Context, cfg aws.Config, stsClient *sts.Client, m orgAccount, controls []Control, opts OrgOptions, runOpt RunOptions) AccountReport {
	roleARN := fmt.Sprintf("arn:%s:iam::%s:role/%s", m.partition, m.id, opts.RoleName)
	creds := aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(stsClient, roleARN, func(o *stscreds.AssumeRoleOptions) {
		o.RoleSessionName = opts.SessionName
		if o.RoleSessionName == "" {
			o.RoleSessionName = DefaultSessionName
		}
		o.Duration = opts.Duration
		if o.Duration <= 0 {
			o.Duration = DefaultSessionDuration
		}
		if opts.ExternalID != "" {
			o.ExternalID = aws.String(opts.ExternalID)
		}
	}))
	if _, err := creds.Retrieve(ctx); err != nil {
		return failedAccount(m.id, m.name, fmt.Errorf("assume role %s: %w", roleARN, err), controls)
	}
	acfg := cfg.Copy()
	acfg.Credentials = creds
	rep, err := Run(ctx, acfg, controls, func(o *RunOptions) { *o = runOpt })
	if err != nil && rep.Account == "" {
		return failedAccount(m.id, m.name, err, controls)
	}
	if rep.Account != m.id {
		return failedAccount(m.id, m.name, fmt.Errorf("role %s answered as account %q, not %s", roleARN, rep.Account, m.id), controls)
	}
	for i := range rep.Findings {
		if rep.Findings[i].Resource.Account == "" {
			rep.Findings[i].Resource.Account = m.id
		}
	}
	ar := AccountReport{Account: m.id, Name: m.name, Report: rep}
	if err != nil {
		// The run started but stopped early (cancelled, credentials
		// expired): keep what it saw.
		ar.Error = err.Error()
		ar.Report.Incomplete = true
	}
	return ar
}

// scanCaller runs the controls in the caller's own account with its own
// credentials.
func scanCaller(ctx context.Context, cfg aws.Config, m orgAccount, controls []Control, runOpt RunOptions) AccountReport {
	rep, err := Run(ctx, cfg, controls, func(o *RunOptions) { *o = runOpt })
	if err != nil && rep.Account == "" {
		return failedAccount(m.id, m.name, err, controls)
	}
	ar := AccountReport{Account: m.id, Name: m.name, Report: rep}
	if err != nil {
		ar.Error = err.Error()
		ar.Report.Incomplete = true
	}
	return ar
}

// failedAccount is the report of an account that could not be scanned:
// one ERROR finding per control, so that the gap shows in every output.
func failedAccount(id, name string, err error, controls []Control) AccountReport {
	msg := err.Error()
	rep := Report{Account: id, Incomplete: true}
	for _, c := range controls {
		rep.Findings = append(rep.Findings, Finding{
			Control:  c.ID,
			Status:   StatusError,
			Severity: c.Severity,
			Resource: AccountResource(id),
			Reason:   "The account could not be scanned: " + msg,
		})
		rep.Errors = append(rep.Errors, RunError{Control: c.ID, Error: msg})
	}
	return AccountReport{Account: id, Name: name, Report: rep, Error: msg}
}
