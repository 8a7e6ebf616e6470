package secpillar

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go/middleware"
	"golang.org/x/sync/singleflight"

	"github.com/secpillar/secpillar/internal/awserr"
)

// DefaultConcurrency is the number of checks Run evaluates at once when
// RunOptions.Concurrency is zero.
const DefaultConcurrency = 8

// RunOptions controls Run. The zero value discovers the enabled Regions,
// evaluates DefaultConcurrency checks at once and shares read calls.
type RunOptions struct {
	// Regions, when set, is the list of Regions to evaluate, instead of
	// every enabled Region. A named Region that ec2:DescribeRegions shows
	// as not opted in (or does not list) is skipped and reported in
	// Report.SkippedRegions; when the Regions cannot be listed, every named
	// Region is evaluated.
	Regions []string
	// Concurrency bounds the checks evaluated at once; 0 means
	// DefaultConcurrency.
	Concurrency int
	// Progress, when set, is called after each check (one control in one
	// Region) finishes. Calls are serialised.
	Progress func(Progress)
	// FreshReads turns off sharing of identical read calls between
	// controls.
	FreshReads bool
}

// Progress reports one finished check of a run.
type Progress struct {
	Done     int    `json:"done"`
	Total    int    `json:"total"`
	Control  string `json:"control"`
	Region   string `json:"region,omitempty"`
	Findings int    `json:"findings"`
	Failed   bool   `json:"failed"` // the check returned an error
}

// Report is the result of Run.
type Report struct {
	Account string `json:"account"`
	// Regions are the Regions evaluated; SkippedRegions those that are not
	// enabled for the account.
	Regions        []string   `json:"regions"`
	SkippedRegions []string   `json:"skipped_regions,omitempty"`
	Findings       []Finding  `json:"findings"`
	Errors         []RunError `json:"errors,omitempty"`
	// Incomplete is true when any check could not be evaluated, or the
	// run stopped early.
	Incomplete bool `json:"incomplete"`
}

// RunError is a check that could not be evaluated.
type RunError struct {
	Control string `json:"control"`
	Region  string `json:"region,omitempty"`
	Error   string `json:"error"`
}

// Run evaluates controls in one account: account-wide controls once,
// regional controls in every Region, with bounded concurrency.
//
// A check's error becomes an ERROR finding for that control and Region
// only, and marks the report incomplete. Credentials that expire stop the
// run early. Cancelling ctx stops the run promptly; Run then returns the
// partial report with ctx's error. Identical read calls (Get*, List*,
// Describe*, BatchGet*) made by different controls within the run are made
// once and their outputs shared, so checks must treat SDK outputs as
// read-only. Reads that answer the same from every Region (IAM,
// Organizations, GetCallerIdentity, S3 ListBuckets) are made once for all
// Regions; a "does not exist" answer (no bucket policy, no tags) is shared
// like an output, while throttling, access-denied and other errors are not.
//
// cfg.Region is the home Region: it lists the Regions and evaluates the
// account-wide controls. Run returns an error only when it cannot start:
// no home Region, the account cannot be identified, or the Regions cannot
// be listed.
func Run(ctx context.Context, cfg aws.Config, controls []Control, optFns ...func(*RunOptions)) (Report, error) {
	var opts RunOptions
	for _, fn := range optFns {
		fn(&opts)
	}
	if cfg.Region == "" {
		return Report{}, errors.New("secpillar: run: cfg.Region is empty: set the home Region used to list Regions and evaluate account-wide controls")
	}
	for _, c := range controls {
		if c.Check == nil {
			return Report{}, fmt.Errorf("secpillar: run: control %q has no Check", c.ID)
		}
	}
	cfg = cfg.Copy()
	cfg.APIOptions = append(cfg.APIOptions, PageGuard)
	if !opts.FreshReads {
		cfg.APIOptions = append(cfg.APIOptions, newReadCache().install)
	}

	id, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return Report{}, fmt.Errorf("secpillar: run: identify account: %w", err)
	}
	rep := Report{Account: aws.ToString(id.Account)}

	if len(opts.Regions) > 0 {
		rep.Regions, rep.SkippedRegions = namedRegions(ctx, cfg, opts.Regions)
		if len(rep.Regions) == 0 {
			return Report{}, fmt.Errorf("secpillar: run: none of the Regions %v is enabled for the account", opts.Regions)
		}
	} else {
		rep.Regions, rep.SkippedRegions, err = enabledRegions(ctx, cfg)
		if err != nil {
			return Report{}, err
		}
	}

	type task struct {
		idx     int
		control Control
		region  string
	}
	var tasks []task
	for i, c := range controls {
		if c.Scope == ScopeRegional {
			for _, r := range rep.Regions {
				tasks = append(tasks, task{i, c, r})
			}
		} else {
			tasks = append(tasks, task{i, c, ""})
		}
	}

	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()

	n := opts.Concurrency
	if n <= 0 {
		n = DefaultConcurrency
	}
	type result struct {
		task
		findings []Finding
		err      error
	}
	var (
		mu      sync.Mutex
		results []result
		done    int
		stopped error // why the run stopped early
		wg      sync.WaitGroup
		taskCh  = make(chan task)
	)
	for w := 0; w < n; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for t := range taskCh {
				c := cfg.Copy()
				if t.region != "" {
					c.Region = t.region
				}
				fs, err := t.control.Check(runCtx, c)
				mu.Lock()
				results = append(results, result{t, fs, err})
				done++
				if err != nil && awserr.Classify(err) == awserr.ExpiredCredentials && stopped == nil {
					stopped = fmt.Errorf("credentials expired during the run: %w", err)
					cancel()
				}
				if opts.Progress != nil {
					opts.Progress(Progress{Done: done, Total: len(tasks), Control: t.control.ID, Region: t.region, Findings: len(fs), Failed: err != nil})
				}
				mu.Unlock()
			}
		}()
	}
feed:
	for _, t := range tasks {
		select {
		case taskCh <- t:
		case <-runCtx.Done():
			break feed
		}
	}
	close(taskCh)
	wg.Wait()

	sort.Slice(results, func(i, j int) bool {
		if results[i].idx != results[j].idx {
			return results[i].idx < results[j].idx
		}
		return results[i].region < results[j].region
	})
	for _, r := range results {
		if r.err != nil {
			rep.Incomplete = true
			rep.Errors = append(rep.Errors, RunError{Control: r.control.ID, Region: r.region, Error: r.err.Error()})
			res := AccountResource(rep.Account)
			res.Region = r.region
			rep.Findings = append(rep.Findings, Finding{
				Control:  r.control.ID,
				Status:   StatusError,
				Severity: r.control.Severity,
				Resource: res,
				Reason:   "The control could not be evaluated: " + r.err.Error(),
			})
			continue
		}
		for _, f := range r.findings {
			rep.Findings = append(rep.Findings, complete(f, r.control, rep.Account, r.region))
		}
	}
	if len(results) < len(tasks) {
		rep.Incomplete = true
	}
	if err := ctx.Err(); err != nil {
		return rep, fmt.Errorf("secpillar: run: %w", err)
	}
	if stopped != nil {
		return rep, fmt.Errorf("secpillar: run stopped early: %w", stopped)
	}
	return rep, nil
}

// complete fills what a check may leave out: the control, its severity, the
// account and the Region.
func complete(f Finding, c Control, account, region string) Finding {
	if f.Control == "" {
		f.Control = c.ID
	}
	if f.Severity == "" {
		f.Severity = c.Severity
	}
	if f.Resource.Account == "" {
		f.Resource.Account = account
	}
	if f.Resource.Region == "" {
		f.Resource.Region = region
	}
	if f.Resource.Type == AccountResourceType && (f.Resource.ID == "" || f.Resource.ID == AccountResourceType+":") {
		f.Resource.ID = AccountResourceType + ":" + f.Resource.Account
	}
	return f
}

// namedRegions keeps the named Regions the account has enabled and lists
// the others as skipped: calls in a Region that is not opted in fail with
// authentication errors, which would otherwise read as expired
// credentials and stop the run. When the Regions cannot be listed, every
// named Region is evaluated as the caller asked.
func namedRegions(ctx context.Context, cfg aws.Config, named []string) (enabled, skipped []string) {
	on, _, err := enabledRegions(ctx, cfg)
	if err != nil {
		return append([]string(nil), named...), nil
	}
	isOn := map[string]bool{}
	for _, r := range on {
		isOn[r] = true
	}
	seen := map[string]bool{}
	for _, r := range named {
		if seen[r] {
			continue
		}
		seen[r] = true
		if isOn[r] {
			enabled = append(enabled, r)
		} else {
			skipped = append(skipped, r)
		}
	}
	return enabled, skipped
}

// enabledRegions lists the account's Regions, splitting enabled from not
// opted in.
func enabledRegions(ctx context.Context, cfg aws.Config) (enabled, skipped []string, err error) {
	out, err := ec2.NewFromConfig(cfg).DescribeRegions(ctx, &ec2.DescribeRegionsInput{AllRegions: aws.Bool(true)})
	if err != nil {
		return nil, nil, fmt.Errorf("secpillar: run: list Regions (set RunOptions.Regions to name them instead): %w", err)
	}
	for _, r := range out.Regions {
		name := aws.ToString(r.RegionName)
		if name == "" {
			return nil, nil, errors.New("secpillar: run: list Regions: a Region without a name")
		}
		if aws.ToString(r.OptInStatus) == "not-opted-in" {
			skipped = append(skipped, name)
			continue
		}
		enabled = append(enabled, name)
	}
	sort.Strings(enabled)
	sort.Strings(skipped)
	if len(enabled) == 0 {
		return nil, nil, errors.New("secpillar: run: list Regions: no enabled Region")
	}
	return enabled, skipped, nil
}

type freshKey struct{}

// FreshReads returns a context whose calls bypass the read sharing of Run.
// Checks that poll (a report being generated, drift detection) use it.
func FreshReads(ctx context.Context) context.Context {
	return context.WithValue(ctx, freshKey{}, true)
}

// readCache shares identical read calls within one run.
type readCache struct {
	group singleflight.Group
	mu    sync.Mutex
	done  map[string]any
}

func newReadCache() *readCache { return &readCache{done: map[string]any{}} }

// install puts the cache first in the Initialize step, but after the
// middleware that older clients use to record the operation's service,
// name and Region (newer clients record them before the stack runs).
func (rc *readCache) install(st *middleware.Stack) error {
	if _, ok := st.Initialize.Get("RegisterServiceMetadata"); ok {
		return st.Initialize.Insert(rc, "RegisterServiceMetadata", middleware.After)
	}
	return st.Initialize.Add(rc, middleware.Before)
}

func (*readCache) ID() string { return "secpillar.sharedReads" }

// sharedRead reports whether an operation only reads and may be shared.
func sharedRead(op string) bool {
	return strings.HasPrefix(op, "Get") || strings.HasPrefix(op, "List") ||
		strings.HasPrefix(op, "Describe") || strings.HasPrefix(op, "BatchGet") ||
		op == "GenerateCredentialReport"
}

// absent is a kept answer saying that the thing read does not exist (no
// bucket policy, no tags, no organization): an answer about the account's
// state like any other, so the controls that read it share it. Throttling,
// access denied and other errors are never kept.
type absent struct{ err error }

// accountWideRead reports whether a read answers the same from every
// Region's endpoint, so that regional controls share one call: the global
// services, the caller's identity, and S3's list of the account's buckets.
func accountWideRead(service, op string) bool {
	switch service {
	case "IAM", "Organizations":
		return true
	case "STS":
		return op == "GetCallerIdentity"
	case "S3":
		return op == "ListBuckets"
	}
	return false
}

// final reports whether an answer may be kept for the rest of the run: a
// credential report that is still being generated is shared with callers
// waiting at the same moment, but the next poll asks IAM again.
func final(out any) bool {
	if g, ok := out.(*iam.GenerateCredentialReportOutput); ok {
		return g.State == iamtypes.ReportStateTypeComplete
	}
	return true
}

func (rc *readCache) HandleInitialize(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
	op := awsmiddleware.GetOperationName(ctx)
	region := awsmiddleware.GetRegion(ctx)
	if !sharedRead(op) || ctx.Value(freshKey{}) != nil || region == "" {
		return next.HandleInitialize(ctx, in)
	}
	params, err := json.Marshal(in.Parameters)
	if err != nil {
		return next.HandleInitialize(ctx, in)
	}
	service := awsmiddleware.GetServiceID(ctx)
	if accountWideRead(service, op) {
		region = "*"
	}
	key := service + "|" + region + "|" + op + "|" + string(params)
	rc.mu.Lock()
	if v, ok := rc.done[key]; ok {
		rc.mu.Unlock()
		if e, ok := v.(absent); ok {
			return middleware.InitializeOutput{}, middleware.Metadata{}, e.err
		}
		return middleware.InitializeOutput{Result: shallowCopy(v)}, middleware.Metadata{}, nil
	}
	rc.mu.Unlock()
	var md middleware.Metadata
	v, err, _ := rc.group.Do(key, func() (any, error) {
		// A call for the same key may have finished between the lookup
		// above and this flight.
		rc.mu.Lock()
		if v, ok := rc.done[key]; ok {
			rc.mu.Unlock()
			if e, ok := v.(absent); ok {
				return nil, e.err
			}
			return v, nil
		}
		rc.mu.Unlock()
		out, m, err := next.HandleInitialize(ctx, in)
		md = m
		if err != nil {
			if awserr.IsNotFound(err) || awserr.IsCode(err, "AWSOrganizationsNotInUseException") {
				rc.mu.Lock()
				rc.done[key] = absent{err}
				rc.mu.Unlock()
			}
			return nil, err
		}
		if final(out.Result) {
			rc.mu.Lock()
			rc.done[key] = out.Result
			rc.mu.Unlock()
		}
		return out.Result, nil
	})
	if err != nil {
		return middleware.InitializeOutput{}, md, err
	}
	return middleware.InitializeOutput{Result: shallowCopy(v)}, md, nil
}

// shallowCopy returns a copy of the struct an output pointer points to, so
// that each caller owns the top-level value (the SDK writes ResultMetadata
// into it). Nested slices and pointers stay shared and must not be mutated.
func shallowCopy(v any) any {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Struct {
		return v
	}
	cp := reflect.New(rv.Elem().Type())
	cp.Elem().Set(rv.Elem())
	return cp.Interface()
}
