package faultmatrix

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"os"
	"reflect"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/catalogue"
	"github.com/secpillar/secpillar/internal/bench"
	"github.com/secpillar/secpillar/internal/fakeaws"
)

func init() {
	// Nil fields that AWS always sends, whose absence a check turns into a
	// verdict instead of an error (rule zero). Both modes of each site.
	for site, why := range knownNilSites {
		knownIssues["TestNilFieldsInEveryOutput/all/"+site] = why
		knownIssues["TestNilFieldsInEveryOutput/one/"+site] = why
	}
}

// knownNilSites: "Service.Operation:Path" (service with '_' for ' ', as
// t.Name has it) -> the exact failure and owner.
var knownNilSites = map[string]string{}

// knownIssues lists rows (test and subtest names) that fail because of a
// bug outside this package, with the owner and the exact failure; the
// owner fixes it and the entry goes (SECPILLAR_KNOWN_ISSUES=run shows which
// still fail). Only rows the owner could not fix in time belong here.
var knownIssues = map[string]string{}

// skipKnown skips a row listed in knownIssues; SECPILLAR_KNOWN_ISSUES=run
// runs them anyway, to see which are fixed.
func skipKnown(t *testing.T) {
	t.Helper()
	if why, ok := knownIssues[t.Name()]; ok && os.Getenv("SECPILLAR_KNOWN_ISSUES") != "run" {
		t.Skip("known issue: " + why)
	}
}

// env is one account with the guarded catalogue.
type env struct {
	acct     *fakeaws.Account
	controls []secpillar.Control
	panics   *Panics
	scopes   map[string]secpillar.Scope
}

func newEnv(newAcct func() *fakeaws.Account) *env {
	p := &Panics{}
	controls := Guard(catalogue.All(), p)
	return &env{acct: newAcct(), controls: controls, panics: p, scopes: Scopes(controls)}
}

func (e *env) run(ctx context.Context, cfg aws.Config, optFns ...func(*secpillar.RunOptions)) (secpillar.Report, error) {
	return secpillar.Run(ctx, cfg, e.controls, optFns...)
}

func (e *env) noPanics(t *testing.T) {
	t.Helper()
	for _, p := range e.panics.List() {
		t.Errorf("check panicked: %s", p)
	}
}

// clean caches the clean run of the demo account, which every row
// compares with.
var clean = struct {
	once    sync.Once
	rep     secpillar.Report
	err     error
	profile map[TaskKey][]CallRecord
	sites   []fakeaws.FieldSite
	paged   map[string]reflect.Type // "Service.Operation" -> output type, for paginated outputs
}{}

// demo returns the demo account with a credential report and stack drift
// detections that are ready at once (polling is TestStuckCredentialReport's
// business), so that the hundreds of runs of the matrix stay fast.
//
// Kinds of resource the demo seeders do not make yet are added by
// bench.Fill (a few of each, some non-compliant), so that every domain's
// checks have data to lose.
func demo() *fakeaws.Account {
	a := fakeaws.Demo()
	a.IAM.ReportReadyAfter = -1
	for _, r := range a.EnabledRegions() {
		for _, st := range a.CloudFormation.Region(r).Stacks {
			st.DriftPolls = 0 // drift detection completes at once: no poll wait
		}
	}
	bench.Fill(a, demoFill)
	return a
}

var demoFill = fakeaws.SyntheticParams{Seed: 3, Users: 4, Roles: 3, Policies: 3, Buckets: 4, SecurityGroupsPerRegion: 3, RulesPerGroup: 2,
	NACLsPerRegion: 2, VolumesPerRegion: 2, SnapshotsPerRegion: 2, KeysPerRegion: 2, Distributions: 2}

func cleanDemo(t *testing.T) (secpillar.Report, map[TaskKey][]CallRecord) {
	t.Helper()
	clean.once.Do(func() {
		e := newEnv(demo)
		rec := &fakeaws.SiteRecorder{}
		var mu sync.Mutex
		clean.paged = map[string]reflect.Type{}
		e.acct.Rewrite = func(c fakeaws.Call, out any) any {
			if out != nil && !Bootstrap(c.Service, c.Operation) && paginated(reflect.TypeOf(out)) {
				mu.Lock()
				clean.paged[c.Service+"."+c.Operation] = reflect.TypeOf(out)
				mu.Unlock()
			}
			return rec.Rewrite(c, out)
		}
		clean.rep, clean.err = e.run(context.Background(), e.acct.Config())
		clean.sites = rec.Sites()
		if len(e.panics.List()) > 0 {
			clean.err = fmt.Errorf("clean run panicked: %v", e.panics.List())
			return
		}
		clean.profile, _ = Profile(context.Background(), demo, catalogue.All())
	})
	if clean.err != nil {
		t.Fatalf("clean run of the demo account: %v", clean.err)
	}
	return clean.rep, clean.profile
}

// paginated reports whether an output type carries a pagination token.
func paginated(t reflect.Type) bool {
	if t.Kind() != reflect.Pointer || t.Elem().Kind() != reflect.Struct {
		return false
	}
	for _, n := range []string{"NextToken", "Marker", "NextMarker", "NextContinuationToken"} {
		if _, ok := t.Elem().FieldByName(n); ok {
			return true
		}
	}
	return false
}

// tasksCalling returns the tasks whose profile has a call of service.op
// (in region, when region is not "").
func tasksCalling(profile map[TaskKey][]CallRecord, service, op, region string) map[TaskKey]bool {
	m := map[TaskKey]bool{}
	for k, calls := range profile {
		for _, c := range calls {
			if c.Service == service && (op == "" || c.Operation == op) && (region == "" || c.Region == region) {
				m[k] = true
				break
			}
		}
	}
	return m
}

// requireErrors checks that every task in want ended as ERROR in rep, and
// that none of them produced a PASS.
func requireErrors(t *testing.T, rep secpillar.Report, want map[TaskKey]bool, scopes map[string]secpillar.Scope) {
	t.Helper()
	errs := errorTasks(rep)
	var keys []TaskKey
	for k := range want {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return fmt.Sprint(keys[i]) < fmt.Sprint(keys[j]) })
	for _, k := range keys {
		if _, ok := errs[k]; !ok {
			t.Errorf("%s in %q: want ERROR, the check hid the fault", k.Control, k.Region)
		}
	}
	for _, f := range rep.Findings {
		if want[taskOf(f, scopes)] && f.Status != secpillar.StatusError {
			t.Errorf("%s in %q: %s finding %s from a check that could not read its data", f.Control, f.Resource.Region, f.Status, f.Resource.ID)
		}
	}
}

func reportViolations(t *testing.T, vs []Violation) {
	t.Helper()
	for _, v := range vs {
		t.Errorf("rule zero: %s", v)
	}
}

// nonBootstrapTasks returns every task that made a call other than Run's
// own.
func callingTasks(profile map[TaskKey][]CallRecord) map[TaskKey]bool {
	m := map[TaskKey]bool{}
	for k, calls := range profile {
		for _, c := range calls {
			if !Bootstrap(c.Service, c.Operation) {
				m[k] = true
				break
			}
		}
	}
	return m
}

func TestThrottlingStorm(t *testing.T) {
	_, profile := cleanDemo(t)
	e := newEnv(demo)
	e.acct.Inject(fakeaws.Fault{Code: "Throttling", Message: "Rate exceeded"})
	PassBootstrap(e.acct)
	rep, err := e.run(context.Background(), e.acct.Config(FastRetry()))
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	e.noPanics(t)
	if n := Statuses(rep)[secpillar.StatusPass]; n != 0 {
		t.Errorf("%d PASS findings while every call was throttled", n)
	}
	requireErrors(t, rep, callingTasks(profile), e.scopes)
	for _, re := range rep.Errors {
		if !strings.Contains(re.Error, "Throttling") {
			t.Errorf("%s %s: error does not say it was throttled: %s", re.Control, re.Region, re.Error)
		}
	}
	// The standard retryer made three attempts of every throttled call.
	for op, n := range e.acct.CallCounts() {
		svcOp := strings.SplitN(op, ".", 2)
		if Bootstrap(svcOp[0], svcOp[1]) {
			continue
		}
		if n%retry.DefaultMaxAttempts != 0 {
			t.Errorf("%s: %d calls, want a multiple of %d attempts", op, n, retry.DefaultMaxAttempts)
		}
	}
	if !rep.Incomplete && len(callingTasks(profile)) > 0 {
		t.Error("report not marked incomplete")
	}
}

func TestRetryQuotaExhausted(t *testing.T) {
	_, profile := cleanDemo(t)
	e := newEnv(demo)
	e.acct.Inject(fakeaws.Fault{Code: "Throttling", Message: "Rate exceeded"})
	PassBootstrap(e.acct)
	// Ten attempts allowed, but a bucket of 10 tokens pays for two retries
	// (5 each): the retryer gives up on quota, not attempts.
	cfg := e.acct.Config(FastRetry(func(o *retry.StandardOptions) {
		o.MaxAttempts = 10
		o.RateLimiter = ratelimit.NewTokenRateLimit(10)
	}))
	rep, err := e.run(context.Background(), cfg)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	e.noPanics(t)
	if n := Statuses(rep)[secpillar.StatusPass]; n != 0 {
		t.Errorf("%d PASS findings while every call was throttled", n)
	}
	requireErrors(t, rep, callingTasks(profile), e.scopes)
	for _, re := range rep.Errors {
		if !strings.Contains(re.Error, "retry quota exceeded") {
			t.Errorf("%s %s: error does not name the exhausted retry quota: %s", re.Control, re.Region, re.Error)
		}
	}
}

func TestAccessDeniedInOneRegion(t *testing.T) {
	cleanRep, profile := cleanDemo(t)
	const region = "eu-west-1"
	e := newEnv(demo)
	services := map[string]bool{}
	for _, calls := range profile {
		for _, c := range calls {
			services[c.Service] = true
		}
	}
	for s := range services {
		if s != "STS" {
			e.acct.DenyAccess(s, "", region)
		}
	}
	rep, err := e.run(context.Background(), e.acct.Config())
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	e.noPanics(t)
	want := tasksCalling(profile, "", "", region)
	for k := range want {
		if k.Region == "" {
			// An account-wide control that reads eu-west-1 must fail too.
			continue
		}
	}
	requireErrors(t, rep, want, e.scopes)
	for _, re := range rep.Errors {
		if !strings.Contains(re.Error, "explicit deny in a service control policy") {
			t.Errorf("%s %s: the error lost the SCP text: %s", re.Control, re.Region, re.Error)
		}
	}
	reportViolations(t, Compare(cleanRep, rep, e.scopes, CompareOptions{}))
}

func TestAccessDeniedOnOneResource(t *testing.T) {
	cleanRep, profile := cleanDemo(t)
	// Every resource that a check names in a call's input, with the tasks
	// that read it.
	type target struct {
		name  string
		tasks map[TaskKey]bool
	}
	var targets []target
	seen := map[string]bool{}
	for _, f := range cleanRep.Findings {
		if f.Resource.Type == secpillar.AccountResourceType || f.Status == secpillar.StatusError {
			continue
		}
		for _, name := range []string{f.Resource.ID, lastSegment(f.Resource.ID)} {
			if seen[name] {
				continue
			}
			tasks := map[TaskKey]bool{}
			for k, calls := range profile {
				for _, c := range calls {
					if Mentions(c.Input, name) {
						tasks[k] = true
					}
				}
			}
			if len(tasks) > 0 {
				seen[name] = true
				targets = append(targets, target{name, tasks})
				break
			}
		}
	}
	if len(targets) == 0 {
		t.Skip("no check of the catalogue names a resource of the demo account in a call yet")
	}
	if len(targets) > 12 {
		targets = targets[:12]
	}
	for _, tg := range targets {
		t.Run(tg.name, func(t *testing.T) {
			t.Parallel()
			skipKnown(t)
			e := newEnv(demo)
			acct := e.acct
			acct.Inject(fakeaws.Fault{Respond: func(ctx context.Context, params any) (any, error) {
				if in := jsonOf(params); Mentions(in, tg.name) {
					svc := awsmiddleware.GetServiceID(ctx)
					return nil, apiErr(fakeaws.AccessDeniedCode(svc), "User: arn:aws:iam::"+acct.ID+":user/auditor is not authorized to perform: "+
						awsmiddleware.GetOperationName(ctx)+" on resource: "+tg.name+" with an explicit deny in a resource-based policy")
				}
				return Forward(acct, ctx, params)
			}})
			rep, err := e.run(context.Background(), acct.Config())
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			e.noPanics(t)
			requireErrors(t, rep, tg.tasks, e.scopes)
			reportViolations(t, Compare(cleanRep, rep, e.scopes, CompareOptions{}))
		})
	}
}

func TestOptInRegionIsSkipped(t *testing.T) {
	e := newEnv(demo)
	rep, err := e.run(context.Background(), e.acct.Config())
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	e.noPanics(t)
	if !contains(rep.SkippedRegions, "af-south-1") || contains(rep.Regions, "af-south-1") {
		t.Errorf("af-south-1 (not opted in) not skipped: Regions %v, skipped %v", rep.Regions, rep.SkippedRegions)
	}
	for _, c := range e.acct.Calls() {
		if c.Region == "af-south-1" {
			t.Errorf("a call went to a Region that is not opted in: %+v", c)
		}
	}
	for _, f := range rep.Findings {
		if f.Resource.Region == "af-south-1" {
			t.Errorf("a finding in a Region that is not opted in: %+v", f)
		}
	}
}

// TestOptInRegionNamedExplicitly: a caller names a Region that is not
// enabled. Its checks fail there (the Region cannot be read), the other
// Regions are evaluated normally, and the run is not mistaken for expired
// credentials.
func TestOptInRegionNamedExplicitly(t *testing.T) {
	skipKnown(t)
	cleanRep, _ := cleanDemo(t)
	e := newEnv(demo)
	rep, err := e.run(context.Background(), e.acct.Config(), func(o *secpillar.RunOptions) {
		o.Regions = []string{"af-south-1", "ap-southeast-2", "eu-west-1", "us-east-1"}
	})
	e.noPanics(t)
	if err != nil {
		t.Errorf("Run: %v (a Region that is not enabled stopped the whole run)", err)
	}
	for _, f := range rep.Findings {
		if f.Resource.Region == "af-south-1" && f.Status != secpillar.StatusError && e.scopes[f.Control] == secpillar.ScopeRegional {
			t.Errorf("%s: %s in a Region that is not enabled", f.Control, f.Status)
		}
	}
	var others secpillar.Report
	for _, f := range rep.Findings {
		if f.Resource.Region != "af-south-1" {
			others.Findings = append(others.Findings, f)
		}
	}
	for _, re := range rep.Errors {
		if re.Region != "af-south-1" {
			others.Errors = append(others.Errors, re)
		}
	}
	reportViolations(t, Compare(cleanRep, others, e.scopes, CompareOptions{}))
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestRegionListingDenied(t *testing.T) {
	e := newEnv(demo)
	e.acct.DenyAccess("EC2", "DescribeRegions", "")
	rep, err := e.run(context.Background(), e.acct.Config())
	if err == nil || !strings.Contains(err.Error(), "list Regions") {
		t.Fatalf("want an error naming the Region listing, got %v", err)
	}
	if len(rep.Findings) != 0 {
		t.Errorf("%d findings from a run that could not list the Regions", len(rep.Findings))
	}
	e.noPanics(t)
}

func TestCancelMidPagination(t *testing.T) {
	cleanRep, _ := cleanDemo(t)
	// Page size 1: every listing of two or more items has a second page.
	e := newEnv(func() *fakeaws.Account { a := demo(); a.PageSize = 1; return a })
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var cancelled atomic.Bool
	var at fakeaws.Call
	e.acct.Rewrite = func(c fakeaws.Call, out any) any {
		// Cancel right after the first page that promises another one.
		if !cancelled.Load() && nextTokenOf(out) != "" && cancelled.CompareAndSwap(false, true) {
			at = c
			cancel()
		}
		return out
	}
	start := time.Now()
	rep, err := e.run(ctx, e.acct.Config())
	elapsed := time.Since(start)
	e.noPanics(t)
	if !cancelled.Load() {
		t.Skip("no paginated listing in the demo account has a second page")
	}
	t.Logf("cancelled after a first page of %s.%s", at.Service, at.Operation)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Run: want context.Canceled, got %v", err)
	}
	if !rep.Incomplete {
		t.Error("a cancelled run is not marked incomplete")
	}
	if elapsed > 5*time.Second {
		t.Errorf("Run took %v to return after cancellation", elapsed)
	}
	reportViolations(t, Compare(cleanRep, rep, e.scopes, CompareOptions{AllowMissing: true}))
}

func TestDeadlineInsideRetryWait(t *testing.T) {
	_, profile := cleanDemo(t)
	if len(callingTasks(profile)) == 0 {
		t.Skip("no check makes a call")
	}
	e := newEnv(demo)
	e.acct.Inject(fakeaws.Fault{Code: "Throttling", Message: "Rate exceeded"})
	PassBootstrap(e.acct)
	cfg := e.acct.Config(func(c *aws.Config) {
		c.Retryer = func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 20 * time.Second, nil })
			})
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	rep, err := e.run(ctx, cfg)
	elapsed := time.Since(start)
	e.noPanics(t)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Run: want context.DeadlineExceeded, got %v", err)
	}
	if elapsed > 3*time.Second {
		t.Errorf("Run took %v: the retry wait ignored the deadline", elapsed)
	}
	if n := Statuses(rep)[secpillar.StatusPass]; n != 0 {
		t.Errorf("%d PASS findings while every call was throttled", n)
	}
}

// pageMutation changes the answer of a paginated operation through a
// fault: first is called for the first page (no token sent), later for a
// call that sent the token the mutation issued.
type pageMutation struct {
	name  string
	token string
	// applies reports whether the mutation makes sense for the output type.
	applies func(t reflect.Type) bool
	first   func(out reflect.Value)
	// wantError: the affected checks must end in ERROR; otherwise the run
	// must equal the clean run.
	wantError bool
}

var pageMutations = []pageMutation{
	{
		name: "truncated-without-marker", token: "",
		applies: func(t reflect.Type) bool { _, ok := t.Elem().FieldByName("IsTruncated"); return ok },
		first: func(out reflect.Value) {
			setTruncated(out, true)
			clearTokens(out)
		},
		wantError: true,
	},
	{
		name: "repeated-token", token: "secpillar-repeat",
		applies: func(reflect.Type) bool { return true },
		first: func(out reflect.Value) {
			setTruncated(out, true)
			setToken(out, "secpillar-repeat")
		},
		wantError: true,
	},
	{
		name: "empty-page-with-next-token", token: "secpillar-empty",
		applies: func(reflect.Type) bool { return true },
		first: func(out reflect.Value) {
			clearItems(out)
			setTruncated(out, true)
			setToken(out, "secpillar-empty")
		},
	},
}

func TestMalformedPages(t *testing.T) {
	cleanRep, profile := cleanDemo(t)
	var ops []string
	for op := range clean.paged {
		ops = append(ops, op)
	}
	sort.Strings(ops)
	if len(ops) == 0 {
		t.Skip("no paginated operation is called by the catalogue")
	}
	for _, m := range pageMutations {
		for _, op := range ops {
			typ := clean.paged[op]
			if !m.applies(typ) {
				continue
			}
			t.Run(m.name+"/"+op, func(t *testing.T) {
				t.Parallel()
				skipKnown(t)
				svcOp := strings.SplitN(op, ".", 2)
				e := newEnv(demo)
				acct := e.acct
				acct.Inject(fakeaws.Fault{Service: svcOp[0], Operation: svcOp[1], Respond: func(ctx context.Context, params any) (any, error) {
					sent := inputToken(params)
					switch {
					case sent == "":
					case m.token != "" && sent == m.token:
						params = withoutInputToken(params)
					default:
						return Forward(acct, ctx, params)
					}
					out, err := Forward(acct, ctx, params)
					if err != nil {
						return out, err
					}
					if m.name == "repeated-token" && sent == "" {
						// First page: hand out the token; the repeat comes
						// when it is sent back.
						cp := shallow(out)
						setTruncated(cp, true)
						setToken(cp, m.token)
						return cp.Interface(), nil
					}
					if m.name == "repeated-token" || sent == "" {
						cp := shallow(out)
						m.first(cp)
						return cp.Interface(), nil
					}
					return out, nil
				}})
				ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
				defer cancel()
				rep, err := e.run(ctx, acct.Config())
				if err != nil {
					t.Fatalf("Run: %v (a malformed page must not loop until the deadline)", err)
				}
				e.noPanics(t)
				affected := tasksCalling(profile, svcOp[0], svcOp[1], "")
				if m.wantError {
					// A check may stop listing once it has seen enough (the
					// root's device on the first page): then its findings
					// are the clean run's, from data it saw.
					for k := range affected {
						if sameAsClean(cleanRep, rep, k, e.scopes) {
							delete(affected, k)
						}
					}
					requireErrors(t, rep, affected, e.scopes)
					reportViolations(t, Compare(cleanRep, rep, e.scopes, CompareOptions{}))
					return
				}
				for k := range errorTasks(rep) {
					if _, was := errorTasks(cleanRep)[k]; !was {
						t.Errorf("%s %q: ERROR after an empty page with a next token: %s", k.Control, k.Region, errorTasks(rep)[k])
					}
				}
				reportViolations(t, Compare(cleanRep, rep, e.scopes, CompareOptions{}))
			})
		}
	}
}

func TestNilFieldsInEveryOutput(t *testing.T) {
	cleanRep, _ := cleanDemo(t)
	var ptrs, slices []fakeaws.FieldSite
	for _, s := range clean.sites {
		if Bootstrap(s.Service, s.Operation) {
			continue
		}
		switch s.Kind {
		case reflect.Pointer, reflect.Map, reflect.Interface:
			ptrs = append(ptrs, s)
		case reflect.Slice:
			slices = append(slices, s)
		}
	}
	if len(ptrs)+len(slices) == 0 {
		t.Skip("the catalogue reads no output field")
	}
	ptrs, slices = sample(ptrs), sample(slices)
	// Every pointer, map and interface field, in every element (all) and
	// in the first element only (one): no panic, and nothing that failed
	// passes, nothing is lost.
	for _, site := range ptrs {
		if optionalFields[leaf(site.Path)] {
			// A nil here is a real AWS answer (no parent stack, no public
			// IP, retention "never expire"): verdicts may change, panics
			// may not.
			t.Run("optional/"+site.String(), func(t *testing.T) {
				t.Parallel()
				e := newEnv(demo)
				e.acct.Rewrite = fakeaws.NilFields(fakeaws.SitesAt(site))
				if _, err := e.run(context.Background(), e.acct.Config()); err != nil {
					t.Fatalf("Run: %v", err)
				}
				e.noPanics(t)
			})
			continue
		}
		modes := []string{"all"}
		if strings.Contains(site.Path, "[]") && (oneMode(site) || os.Getenv("SECPILLAR_MATRIX_FULL") != "") {
			modes = append(modes, "one") // one element of a list
		}
		for _, mode := range modes {
			t.Run(mode+"/"+site.String(), func(t *testing.T) {
				t.Parallel()
				skipKnown(t)
				e := newEnv(demo)
				sel := fakeaws.SitesAt(site)
				if mode == "one" {
					sel = func(s fakeaws.FieldSite, n int) bool { return s == site && n == 0 }
				}
				e.acct.Rewrite = fakeaws.NilFields(sel)
				rep, err := e.run(context.Background(), e.acct.Config())
				if err != nil {
					t.Fatalf("Run: %v", err)
				}
				e.noPanics(t)
				reportViolations(t, Compare(cleanRep, rep, e.scopes, CompareOptions{}))
			})
		}
	}
	// A nil slice is what AWS sends for an empty list, so it may change
	// verdicts; it must not panic.
	for _, site := range slices {
		t.Run("slice/"+site.String(), func(t *testing.T) {
			t.Parallel()
			e := newEnv(demo)
			e.acct.Rewrite = fakeaws.NilFields(fakeaws.SitesAt(site))
			if _, err := e.run(context.Background(), e.acct.Config()); err != nil {
				t.Fatalf("Run: %v", err)
			}
			e.noPanics(t)
		})
	}
}

func TestUnknownEnumValues(t *testing.T) {
	cleanRep, _ := cleanDemo(t)
	var enums []fakeaws.FieldSite
	for _, s := range clean.sites {
		if s.Kind == reflect.String && !Bootstrap(s.Service, s.Operation) {
			enums = append(enums, s)
		}
	}
	if len(enums) == 0 {
		t.Skip("the catalogue reads no enum field")
	}
	enums = sample(enums)
	for _, site := range enums {
		t.Run(site.String(), func(t *testing.T) {
			t.Parallel()
			skipKnown(t)
			e := newEnv(demo)
			e.acct.Rewrite = fakeaws.SetEnums(fakeaws.FutureEnumValue, fakeaws.SitesAt(site))
			rep, err := e.run(context.Background(), e.acct.Config())
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			e.noPanics(t)
			reportViolations(t, Compare(cleanRep, rep, e.scopes, CompareOptions{}))
		})
	}
}

// optionalFields are output fields AWS leaves out when the thing does not
// exist or does not apply, so nil is a real answer that may change a
// verdict: a root stack has no ParentId, an S3 origin no
// CustomOriginConfig, a log group that never expires no RetentionInDays,
// an instance without a public address no PublicIpAddress, a route to a
// gateway no VpcPeeringConnectionId, a bus without a policy no Policy, an
// instance outside a cluster no DBClusterIdentifier, a grant to a
// canonical user no URI.
var optionalFields = map[string]bool{
	"ParentId": true, "RootId": true, "CustomOriginConfig": true, "S3OriginConfig": true, "RetentionInDays": true,
	"PublicIpAddress": true, "PublicDnsName": true, "Ipv6Address": true,
	"VpcPeeringConnectionId": true, "GatewayId": true, "NatGatewayId": true, "TransitGatewayId": true, "InstanceId": true,
	"NetworkInterfaceId": true, "EgressOnlyInternetGatewayId": true, "LocalGatewayId": true, "CarrierGatewayId": true,
	"Policy": true, "DBClusterIdentifier": true, "URI": true, "EmailAddress": true, "DisplayName": true,
	"Description": true, "Tags": true, "TagList": true, "KmsKeyId": true, "KMSKeyId": true, "DeletionDate": true,
}

// leaf returns the last field name of a site path.
func leaf(path string) string {
	path = strings.TrimSuffix(strings.TrimSuffix(path, "[]"), "{}")
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		path = path[i+1:]
	}
	return strings.TrimSuffix(path, "[]")
}

// sameAsClean reports whether a task's findings in rep are exactly those
// of the clean run.
func sameAsClean(cleanRep, rep secpillar.Report, k TaskKey, scopes map[string]secpillar.Scope) bool {
	pick := func(r secpillar.Report) map[FindingKey]secpillar.Status {
		m := map[FindingKey]secpillar.Status{}
		for _, f := range r.Findings {
			if taskOf(f, scopes) == k {
				m[keyOf(f)] = f.Status
			}
		}
		return m
	}
	a, b := pick(cleanRep), pick(rep)
	if len(a) != len(b) || len(a) == 0 {
		return false
	}
	for key, st := range a {
		if b[key] != st || st == secpillar.StatusError {
			return false
		}
	}
	return true
}

// oneMode picks a deterministic quarter of the list sites for the
// one-element mode (SECPILLAR_MATRIX_FULL=1 runs it for every one): each
// run of the catalogue costs, and the "all" mode already covers every
// field.
func oneMode(s fakeaws.FieldSite) bool {
	h := fnv.New32a()
	h.Write([]byte(s.String()))
	return h.Sum32()%4 == 0
}

// sample keeps every site, or every third one with -short or under the
// race detector (one run of the catalogue per site adds up as the
// catalogue grows; the plain run covers every site).
func sample(sites []fakeaws.FieldSite) []fakeaws.FieldSite {
	if !testing.Short() && !raceEnabled {
		return sites
	}
	var out []fakeaws.FieldSite
	for i, s := range sites {
		if i%3 == 0 {
			out = append(out, s)
		}
	}
	return out
}

// failedFindings returns up to n FAIL findings per control that has a
// remediation, from the clean run.
func failedFindings(rep secpillar.Report, controls []secpillar.Control, n int) map[string][]secpillar.Finding {
	has := map[string]bool{}
	for _, c := range controls {
		if c.Remediate != nil {
			has[c.ID] = true
		}
	}
	m := map[string][]secpillar.Finding{}
	for _, f := range rep.Findings {
		if f.Status == secpillar.StatusFail && has[f.Control] && len(m[f.Control]) < n {
			m[f.Control] = append(m[f.Control], f)
		}
	}
	return m
}

func controlByID(controls []secpillar.Control, id string) secpillar.Control {
	for _, c := range controls {
		if c.ID == id {
			return c
		}
	}
	return secpillar.Control{}
}

func regionOf(f secpillar.Finding) string {
	if f.Resource.Region != "" {
		return f.Resource.Region
	}
	return fakeaws.DefaultRegion
}

func isRead(op string) bool {
	return strings.HasPrefix(op, "Get") || strings.HasPrefix(op, "List") || strings.HasPrefix(op, "Describe")
}

// staleReads answers every read made after the first write with the
// answer the same read got before the write, once: eventual consistency.
type staleReads struct {
	mu      sync.Mutex
	written bool
	before  map[string]answer
	served  map[string]bool
	after   map[string]int
}

type answer struct {
	out any
	err error
}

func (s *staleReads) install(acct *fakeaws.Account) {
	s.before, s.served, s.after = map[string]answer{}, map[string]bool{}, map[string]int{}
	acct.Inject(fakeaws.Fault{Respond: func(ctx context.Context, params any) (any, error) {
		op := awsmiddleware.GetOperationName(ctx)
		key := awsmiddleware.GetServiceID(ctx) + "|" + awsmiddleware.GetRegion(ctx) + "|" + op + "|" + jsonOf(params)
		if !isRead(op) {
			s.mu.Lock()
			s.written = true
			s.mu.Unlock()
			return Forward(acct, ctx, params)
		}
		opKey := awsmiddleware.GetServiceID(ctx) + "|" + awsmiddleware.GetRegion(ctx) + "|" + op
		s.mu.Lock()
		if s.written {
			// The same read as before the write, or else the same
			// operation (a verifying read may name the resource anew).
			k := key
			if _, ok := s.before[k]; !ok {
				k = opKey
			}
			s.after[k]++
			if a, ok := s.before[k]; ok && !s.served[k] {
				s.served[k] = true
				s.mu.Unlock()
				return fakeaws.DeepCopy(a.out), a.err
			}
		}
		s.mu.Unlock()
		out, err := Forward(acct, ctx, params)
		s.mu.Lock()
		if !s.written {
			s.before[key] = answer{fakeaws.DeepCopy(out), err}
			s.before[opKey] = answer{fakeaws.DeepCopy(out), err}
		}
		s.mu.Unlock()
		return out, err
	}})
}

func TestEventualConsistencyAfterRemediation(t *testing.T) {
	cleanRep, _ := cleanDemo(t)
	controls := catalogue.All()
	failed := failedFindings(cleanRep, controls, 3)
	if len(failed) == 0 {
		t.Skip("no remediable control fails on the demo account")
	}
	var ids []string
	for id := range failed {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		for i, f := range failed[id] {
			t.Run(fmt.Sprintf("%s/%d", id, i), func(t *testing.T) {
				skipKnown(t)
				e := newEnv(demo)
				c := controlByID(e.controls, id)
				stale := &staleReads{}
				stale.install(e.acct)
				cfg := e.acct.Config()
				cfg.Region = regionOf(f)
				res, err := c.Remediate(context.Background(), cfg, f, secpillar.NewRemediateOptions())
				e.noPanics(t)
				if err != nil {
					t.Logf("remediation returned an error (acceptable): %v", err)
					return
				}
				if res.Outcome != secpillar.OutcomeChanged {
					t.Logf("outcome %s", res.Outcome)
					return
				}
				stale.mu.Lock()
				defer stale.mu.Unlock()
				if !stale.written {
					t.Errorf("outcome CHANGED without any write")
				}
				reread := false
				for k := range stale.served {
					if stale.after[k] >= 2 {
						reread = true
					}
				}
				if len(stale.served) > 0 && !reread {
					t.Errorf("outcome CHANGED although every verifying read saw the old state (stale answers: %v)", keys(stale.served))
				}
				if len(stale.served) == 0 {
					t.Logf("outcome CHANGED; no read after the write repeated a read made before it, so staleness could not be injected")
				}
			})
		}
	}
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestConcurrentModification: another writer changed the resource between
// the remediation's read and its write, and the service refuses the write
// (CloudFront's stale ETag is PreconditionFailed, S3's conflicting
// operation is OperationAborted, other services say
// ConcurrentModificationException). The remediation must report the
// error, never CHANGED.
func TestConcurrentModification(t *testing.T) {
	cleanRep, _ := cleanDemo(t)
	controls := catalogue.All()
	failed := failedFindings(cleanRep, controls, 1<<30)
	if len(failed) == 0 {
		t.Skip("no remediable control fails on the demo account")
	}
	var ids []string
	for id := range failed {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		t.Run(id, func(t *testing.T) {
			skipKnown(t)
			// The first failing finding whose remediation writes: some need
			// input the adapter does not have (a delivery bucket, a custom
			// parameter group) and refuse before writing, which is right.
			var refusals []string
			for _, f := range failed[id] {
				e := newEnv(demo)
				c := controlByID(e.controls, id)
				var writes atomic.Int32
				acct := e.acct
				acct.Inject(fakeaws.Fault{Respond: func(ctx context.Context, params any) (any, error) {
					op := awsmiddleware.GetOperationName(ctx)
					if isRead(op) {
						return Forward(acct, ctx, params)
					}
					writes.Add(1)
					switch svc := awsmiddleware.GetServiceID(ctx); svc {
					case "CloudFront":
						return nil, apiErr("PreconditionFailed", "The If-Match version is missing or not valid for the resource.")
					case "S3":
						return nil, apiErr("OperationAborted", "A conflicting conditional operation is currently in progress against this resource. Please try again.")
					default:
						return nil, apiErr("ConcurrentModificationException", "The resource was modified by another request; retry.")
					}
				}})
				cfg := acct.Config(FastRetry())
				cfg.Region = regionOf(f)
				res, err := c.Remediate(context.Background(), cfg, f, secpillar.NewRemediateOptions())
				e.noPanics(t)
				if writes.Load() == 0 {
					if err == nil && res.Outcome == secpillar.OutcomeChanged {
						t.Errorf("%s: outcome CHANGED without a write", f.Resource.ID)
					}
					refusals = append(refusals, fmt.Sprintf("%s: outcome %q, err %v", f.Resource.ID, res.Outcome, err))
					continue
				}
				if err == nil {
					t.Errorf("%s: remediation returned no error after its write was refused; outcome %s", f.Resource.ID, res.Outcome)
				}
				if res.Outcome == secpillar.OutcomeChanged || res.Outcome == secpillar.OutcomeCompliant {
					t.Errorf("%s: outcome %s after the write was refused", f.Resource.ID, res.Outcome)
				}
				return
			}
			t.Skipf("no failing finding's remediation made a write on the demo account:\n%s", strings.Join(refusals, "\n"))
		})
	}
}

func TestExpiredCredentialsMidRun(t *testing.T) {
	newAcct := func() *fakeaws.Account {
		return fakeaws.Synthetic(fakeaws.SyntheticParams{Seed: 1, Users: 20, Roles: 20, Policies: 5, Buckets: 10, Regions: 17,
			SecurityGroupsPerRegion: 5, RulesPerGroup: 2, NACLsPerRegion: 2, VolumesPerRegion: 2, SnapshotsPerRegion: 2,
			KeysPerRegion: 1, DatabasesPerRegion: 1, Distributions: 1})
	}
	ce := newEnv(newAcct)
	cleanRep, err := ce.run(context.Background(), ce.acct.Config())
	if err != nil {
		t.Fatalf("clean Run: %v", err)
	}
	total := len(ce.acct.Calls())
	if total < 10 {
		t.Skipf("the catalogue makes only %d calls on the synthetic account", total)
	}
	e := newEnv(newAcct)
	var n, afterExpiry atomic.Int32
	expireAt := int32(total / 3)
	acct := e.acct
	acct.Inject(fakeaws.Fault{Respond: func(ctx context.Context, params any) (any, error) {
		if n.Add(1) > expireAt {
			afterExpiry.Add(1)
			return nil, apiErr("ExpiredToken", "The security token included in the request is expired")
		}
		return Forward(acct, ctx, params)
	}})
	rep, err := e.run(context.Background(), acct.Config(FastRetry()))
	e.noPanics(t)
	if err == nil || !strings.Contains(err.Error(), "expired") {
		t.Errorf("Run: want an early stop naming expired credentials, got %v", err)
	}
	if !rep.Incomplete {
		t.Error("report not marked incomplete")
	}
	// Each of the DefaultConcurrency checks in flight may see the expiry
	// once (ExpiredToken is not retried); thousands would mean no early
	// stop.
	if got, limit := afterExpiry.Load(), int32(secpillar.DefaultConcurrency*retry.DefaultMaxAttempts*2); got > limit {
		t.Errorf("%d calls after the credentials expired (of %d in a clean run), want at most %d", got, total, limit)
	}
	t.Logf("clean run %d calls; expired after %d; %d calls after expiry; %d errors", total, expireAt, afterExpiry.Load(), len(rep.Errors))
	reportViolations(t, Compare(cleanRep, rep, e.scopes, CompareOptions{AllowMissing: true}))
}

func TestStuckCredentialReport(t *testing.T) {
	_, profile := cleanDemo(t)
	affected := tasksCalling(profile, "IAM", "GetCredentialReport", "")
	for k := range tasksCalling(profile, "IAM", "GenerateCredentialReport", "") {
		affected[k] = true
	}
	if len(affected) == 0 {
		t.Skip("no control of the catalogue reads the credential report yet")
	}
	e := newEnv(demo)
	e.acct.Inject(fakeaws.Fault{Service: "IAM", Operation: "GenerateCredentialReport", Respond: func(context.Context, any) (any, error) {
		return &iam.GenerateCredentialReportOutput{State: iamtypes.ReportStateTypeInprogress, Description: aws.String("The credential report is being generated.")}, nil
	}})
	e.acct.Inject(fakeaws.Fault{Service: "IAM", Operation: "GetCredentialReport", Code: "ReportInProgress", Message: "Report generation in progress."})
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	start := time.Now()
	rep, _ := e.run(ctx, e.acct.Config())
	elapsed := time.Since(start)
	e.noPanics(t)
	if elapsed > 6*time.Second {
		t.Errorf("Run took %v under a 3s deadline: the credential report poll ignores the context", elapsed)
	}
	polls := e.acct.CallCount("IAM", "GetCredentialReport") + e.acct.CallCount("IAM", "GenerateCredentialReport")
	if polls > 60 {
		t.Errorf("%d credential report calls in %v: a busy loop, not a backoff", polls, elapsed)
	}
	for _, f := range rep.Findings {
		if affected[taskOf(f, e.scopes)] && f.Status != secpillar.StatusError {
			t.Errorf("%s: %s from a credential report that never completed", f.Control, f.Status)
		}
	}
}

func TestHungEndpoint(t *testing.T) {
	cleanRep, profile := cleanDemo(t)
	// Hang the operation most tasks depend on.
	count := map[string]int{}
	for _, calls := range profile {
		seen := map[string]bool{}
		for _, c := range calls {
			k := c.Service + "." + c.Operation
			if !Bootstrap(c.Service, c.Operation) && !seen[k] {
				seen[k] = true
				count[k]++
			}
		}
	}
	best := ""
	for k, n := range count {
		if best == "" || n > count[best] || (n == count[best] && k < best) {
			best = k
		}
	}
	if best == "" {
		t.Skip("no check makes a call")
	}
	svcOp := strings.SplitN(best, ".", 2)
	e := newEnv(demo)
	e.acct.Inject(fakeaws.Fault{Service: svcOp[0], Operation: svcOp[1], Hang: true})
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	start := time.Now()
	rep, err := e.run(ctx, e.acct.Config())
	elapsed := time.Since(start)
	e.noPanics(t)
	t.Logf("hung %s", best)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Run: want context.DeadlineExceeded, got %v", err)
	}
	if elapsed > 4*time.Second {
		t.Errorf("Run took %v under a 1s deadline", elapsed)
	}
	affected := tasksCalling(profile, svcOp[0], svcOp[1], "")
	for _, f := range rep.Findings {
		if affected[taskOf(f, e.scopes)] && f.Status != secpillar.StatusError {
			t.Errorf("%s %s: %s from a check whose endpoint hung", f.Control, f.Resource.Region, f.Status)
		}
	}
	reportViolations(t, Compare(cleanRep, rep, e.scopes, CompareOptions{AllowMissing: true}))
}

// TestPageSizeOne: the same account served one item per page must give
// the same findings; a check that reads only the first page, or stops on
// a page boundary, loses resources here.
func TestPageSizeOne(t *testing.T) {
	skipKnown(t)
	cleanRep, _ := cleanDemo(t)
	e := newEnv(func() *fakeaws.Account { a := demo(); a.PageSize = 1; return a })
	rep, err := e.run(context.Background(), e.acct.Config())
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	e.noPanics(t)
	for k, msg := range errorTasks(rep) {
		if _, was := errorTasks(cleanRep)[k]; !was {
			t.Errorf("%s %q: ERROR with one item per page: %s", k.Control, k.Region, msg)
		}
	}
	reportViolations(t, Compare(cleanRep, rep, e.scopes, CompareOptions{}))
	if len(rep.Findings) != len(cleanRep.Findings) {
		t.Errorf("%d findings with one item per page, %d with the default page", len(rep.Findings), len(cleanRep.Findings))
	}
}

// TestCompareCatchesRuleZero makes sure the comparison every row relies on
// does flag a FAIL turned PASS, a lost finding and an unseen PASS, and
// accepts an ERROR in their place.
func TestCompareCatchesRuleZero(t *testing.T) {
	res := func(id string) secpillar.Resource { return secpillar.Resource{ID: id, Region: "us-east-1"} }
	cleanRep := secpillar.Report{Findings: []secpillar.Finding{
		{Control: "c.a", Status: secpillar.StatusFail, Resource: res("r1")},
		{Control: "c.a", Status: secpillar.StatusFail, Resource: res("r2")},
		{Control: "c.b", Status: secpillar.StatusFail, Resource: res("r1")},
	}}
	got := secpillar.Report{Findings: []secpillar.Finding{
		{Control: "c.a", Status: secpillar.StatusPass, Resource: res("r1")},
		{Control: "c.a", Status: secpillar.StatusPass, Resource: res("")},
		{Control: "c.b", Status: secpillar.StatusError, Resource: res("AWS::::Account:1")},
	}, Errors: []secpillar.RunError{{Control: "c.b", Region: "us-east-1"}}}
	scopes := map[string]secpillar.Scope{"c.a": secpillar.ScopeRegional, "c.b": secpillar.ScopeRegional}
	var reasons []string
	for _, v := range Compare(cleanRep, got, scopes, CompareOptions{}) {
		reasons = append(reasons, v.Finding.Resource+": "+v.Reason)
	}
	want := []string{
		": a PASS the clean run did not report",
		"r1: a PASS the clean run did not report",
		"r1: a failing resource no longer fails",
		"r2: the finding was lost without an error for its control",
	}
	sort.Strings(reasons)
	if strings.Join(reasons, "\n") != strings.Join(want, "\n") {
		t.Errorf("violations:\n%s\nwant:\n%s", strings.Join(reasons, "\n"), strings.Join(want, "\n"))
	}
}
