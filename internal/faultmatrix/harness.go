// Package faultmatrix proves that the whole catalogue keeps rule zero (a
// check that cannot read what it needs reports an error, never PASS) under
// the faults AWS is known for: nothing lost, nothing reported PASS that was
// not seen. Each test drives secpillar.Run (or a control's
// Remediate) through real SDK clients against the fake account, over
// whatever catalogue.All() returns, so the matrix grows with the catalogue.
//
// This file holds the harness the tests share: panic guards around checks,
// comparison of a faulted run with a clean one, per-control call profiles
// and a pass-through that lets a fault answer some calls and hand the rest
// to the fake.
package faultmatrix

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/internal/fakeaws"
)

// Panics collects panics recovered from checks.
type Panics struct {
	mu   sync.Mutex
	list []string
}

// Add records one panic.
func (p *Panics) Add(s string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.list = append(p.list, s)
}

// List returns the panics recorded.
func (p *Panics) List() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.list...)
}

// Guard returns copies of controls whose Check and Remediate turn a panic
// into an error (and record it), so one faulty check cannot take the test
// binary down and the panic is reported with the control's ID.
func Guard(controls []secpillar.Control, p *Panics) []secpillar.Control {
	out := make([]secpillar.Control, len(controls))
	for i, c := range controls {
		check, rem, id := c.Check, c.Remediate, c.ID
		c.Check = func(ctx context.Context, cfg aws.Config) (fs []secpillar.Finding, err error) {
			defer func() {
				if r := recover(); r != nil {
					p.Add(fmt.Sprintf("%s (Region %s): panic: %v", id, cfg.Region, r))
					fs, err = nil, fmt.Errorf("faultmatrix: check %s panicked: %v", id, r)
				}
			}()
			return check(ctx, cfg)
		}
		if rem != nil {
			c.Remediate = func(ctx context.Context, cfg aws.Config, f secpillar.Finding, o secpillar.RemediateOptions) (res secpillar.Remediation, err error) {
				defer func() {
					if r := recover(); r != nil {
						p.Add(fmt.Sprintf("%s remediate: panic: %v", id, r))
						err = fmt.Errorf("faultmatrix: remediation %s panicked: %v", id, r)
					}
				}()
				return rem(ctx, cfg, f, o)
			}
		}
		out[i] = c
	}
	return out
}

// FastRetry returns a config option that installs the SDK's standard
// retryer (three attempts, the token bucket) without backoff delays, so
// tests that exhaust retries run quickly. A new retryer per client.
func FastRetry(optFns ...func(*retry.StandardOptions)) func(*aws.Config) {
	return func(c *aws.Config) {
		c.Retryer = func() aws.Retryer {
			return retry.NewStandard(append([]func(*retry.StandardOptions){func(o *retry.StandardOptions) {
				o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
			}}, optFns...)...)
		}
	}
}

// TaskKey names one check of a run: a control in a Region ("" for
// account-wide controls).
type TaskKey struct{ Control, Region string }

// FindingKey names one finding. Resource is the last segment of the
// resource's ID (the bucket, key, group or trail name after the last ':'
// or '/'), so that a finding whose ARN lost its account field to a nil
// owner ID is still matched with its clean twin.
type FindingKey struct {
	Control, Region, Resource string
}

func keyOf(f secpillar.Finding) FindingKey {
	id := f.Resource.ID
	if f.Resource.Type != secpillar.AccountResourceType {
		id = lastSegment(id)
	}
	return FindingKey{f.Control, f.Resource.Region, id}
}

func lastSegment(id string) string {
	if i := strings.LastIndexAny(id, "/:"); i >= 0 && i < len(id)-1 {
		return id[i+1:]
	}
	return id
}

// errorTasks returns the tasks a report shows as ERROR. Run puts the Region
// of a regional task into the error; account-wide tasks have Region "".
func errorTasks(rep secpillar.Report) map[TaskKey]string {
	m := map[TaskKey]string{}
	for _, e := range rep.Errors {
		m[TaskKey{e.Control, e.Region}] = e.Error
	}
	return m
}

// taskOf returns the task a finding came from: Run fills a regional
// finding's Region with the task's Region, and an account-wide control's
// findings may carry any Region, so the control's scope decides.
func taskOf(f secpillar.Finding, scopes map[string]secpillar.Scope) TaskKey {
	if scopes[f.Control] == secpillar.ScopeRegional {
		return TaskKey{f.Control, f.Resource.Region}
	}
	return TaskKey{f.Control, ""}
}

// Scopes maps control IDs to their scope.
func Scopes(controls []secpillar.Control) map[string]secpillar.Scope {
	m := map[string]secpillar.Scope{}
	for _, c := range controls {
		m[c.ID] = c.Scope
	}
	return m
}

// Violation is a breach of rule zero found by Compare.
type Violation struct {
	Finding FindingKey
	Clean   secpillar.Status
	Got     secpillar.Status // "" when the finding is missing
	Reason  string
}

func (v Violation) String() string {
	got := string(v.Got)
	if got == "" {
		got = "missing"
	}
	return fmt.Sprintf("%s %s %s: clean %s, faulted %s (%s)", v.Finding.Control, v.Finding.Region, v.Finding.Resource, v.Clean, got, v.Reason)
}

// CompareOptions tunes Compare.
type CompareOptions struct {
	// AllowMissing accepts a clean finding that is missing from the
	// faulted run without an ERROR for its task (used when the fault
	// legitimately removes data, like an empty list).
	AllowMissing bool
	// AllowNewPass accepts a PASS the clean run did not have.
	AllowNewPass bool
}

// Compare checks a faulted run against the clean run of the same account:
// for every task that did not end in ERROR, a finding that was FAIL must
// still be FAIL (never PASS, never NOT_APPLICABLE), and every finding must
// still be there; a PASS that the clean run did not have is suspect (the
// check saw less and concluded more).
func Compare(clean, got secpillar.Report, scopes map[string]secpillar.Scope, o CompareOptions) []Violation {
	errs := errorTasks(got)
	gotBy := map[FindingKey]secpillar.Status{}
	for _, f := range got.Findings {
		gotBy[keyOf(f)] = f.Status
	}
	cleanBy := map[FindingKey]secpillar.Status{}
	// A task whose findings kept their statuses but changed resource IDs
	// (an ARN rebuilt without a nil owner field) lost nothing.
	statusBag := func(r secpillar.Report) map[TaskKey]map[secpillar.Status]int {
		m := map[TaskKey]map[secpillar.Status]int{}
		for _, f := range r.Findings {
			k := taskOf(f, scopes)
			if m[k] == nil {
				m[k] = map[secpillar.Status]int{}
			}
			m[k][f.Status]++
		}
		return m
	}
	cleanBags, gotBags := statusBag(clean), statusBag(got)
	renamed := func(k TaskKey) bool {
		a, b := cleanBags[k], gotBags[k]
		if len(a) != len(b) {
			return false
		}
		for st, n := range a {
			if b[st] != n {
				return false
			}
		}
		return true
	}
	var out []Violation
	for _, f := range clean.Findings {
		k := keyOf(f)
		cleanBy[k] = f.Status
		if _, failed := errs[taskOf(f, scopes)]; failed {
			continue
		}
		g, ok := gotBy[k]
		switch {
		case !ok && !o.AllowMissing && !renamed(taskOf(f, scopes)):
			out = append(out, Violation{k, f.Status, "", "the finding was lost without an error for its control"})
		case ok && f.Status == secpillar.StatusFail && g != secpillar.StatusFail && g != secpillar.StatusError:
			out = append(out, Violation{k, f.Status, g, "a failing resource no longer fails"})
		}
	}
	if !o.AllowNewPass {
		for _, f := range got.Findings {
			k := keyOf(f)
			if f.Status == secpillar.StatusPass && cleanBy[k] != secpillar.StatusPass && !renamed(taskOf(f, scopes)) {
				out = append(out, Violation{k, cleanBy[k], f.Status, "a PASS the clean run did not report"})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out
}

// CallRecord is one call with its input, as a profile records it.
type CallRecord struct {
	Service, Operation, Region string
	Input                      string // JSON of the input
}

// Forward answers a call from the fake directly, bypassing faults and the
// call log: a fault's Respond uses it to pass the calls it does not change
// through. It applies the fake's Region rules.
func Forward(acct *fakeaws.Account, ctx context.Context, params any) (any, error) {
	return ForwardAs(acct, ctx, awsmiddleware.GetServiceID(ctx), awsmiddleware.GetOperationName(ctx), awsmiddleware.GetRegion(ctx), params)
}

// ForwardAs answers service.op in region from the fake directly, like
// Forward, for calls a test makes itself (another writer, a read-back).
func ForwardAs(acct *fakeaws.Account, ctx context.Context, service, op, region string, params any) (any, error) {
	if region == "" {
		region = fakeaws.DefaultRegion
	}
	if !globalService(service) && !enabled(acct, region) {
		if service == "EC2" {
			return nil, &smithy.GenericAPIError{Code: "AuthFailure", Message: "AWS was not able to validate the provided access credentials", Fault: smithy.FaultClient}
		}
		return nil, &smithy.GenericAPIError{Code: "UnrecognizedClientException", Message: "The security token included in the request is invalid.", Fault: smithy.FaultClient}
	}
	// The fake reads the Region from the context, as a client's middleware
	// sets it.
	if awsmiddleware.GetRegion(ctx) == "" {
		ctx = awsmiddleware.SetRegion(ctx, region)
	}
	svc := acct.Service(service)
	if svc == nil {
		return nil, fmt.Errorf("faultmatrix: service %q is not faked", service)
	}
	m := reflect.ValueOf(svc).MethodByName(op)
	if !m.IsValid() {
		return nil, fmt.Errorf("faultmatrix: operation %s.%s is not faked", service, op)
	}
	res := m.Call([]reflect.Value{reflect.ValueOf(ctx), reflect.ValueOf(params)})
	if e := res[1].Interface(); e != nil {
		return nil, e.(error)
	}
	return res[0].Interface(), nil
}

func enabled(acct *fakeaws.Account, region string) bool {
	for _, r := range acct.EnabledRegions() {
		if r == region {
			return true
		}
	}
	return false
}

func globalService(service string) bool {
	switch service {
	case "IAM", "Organizations", "CloudFront", "Route 53", "Global Accelerator", "Shield", "Account":
		return true
	}
	return false
}

// Recorder is a catch-all fault that records every call with its input
// and forwards it to the fake.
type Recorder struct {
	mu    sync.Mutex
	calls []CallRecord
}

// Install injects the recorder into acct.
func (r *Recorder) Install(acct *fakeaws.Account) *fakeaws.Fault {
	return acct.Inject(fakeaws.Fault{Respond: func(ctx context.Context, params any) (any, error) {
		in, _ := json.Marshal(params)
		r.mu.Lock()
		r.calls = append(r.calls, CallRecord{awsmiddleware.GetServiceID(ctx), awsmiddleware.GetOperationName(ctx), awsmiddleware.GetRegion(ctx), string(in)})
		r.mu.Unlock()
		return Forward(acct, ctx, params)
	}})
}

// Calls returns the calls recorded.
func (r *Recorder) Calls() []CallRecord {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]CallRecord(nil), r.calls...)
}

// Profile runs each control alone (each task once) against a fresh account
// from newAcct and returns the calls each task made, with inputs.
func Profile(ctx context.Context, newAcct func() *fakeaws.Account, controls []secpillar.Control) (map[TaskKey][]CallRecord, error) {
	out := map[TaskKey][]CallRecord{}
	for _, c := range controls {
		acct := newAcct()
		regions := []string{""}
		if c.Scope == secpillar.ScopeRegional {
			regions = acct.EnabledRegions()
		}
		for _, r := range regions {
			rec := &Recorder{}
			f := rec.Install(acct)
			cfg := acct.Config()
			if r != "" {
				cfg.Region = r
			}
			_, _ = c.Check(ctx, cfg) // errors are the clean run's business
			acct.Remove(f)
			out[TaskKey{c.ID, r}] = rec.Calls()
		}
	}
	return out, nil
}

// Bootstrap reports whether a call is one Run makes itself before any
// check (identify the account, list the Regions).
func Bootstrap(service, op string) bool {
	return (service == "STS" && op == "GetCallerIdentity") || (service == "EC2" && op == "DescribeRegions")
}

// PassBootstrap injects faults that let Run's own calls through untouched;
// inject them after a catch-all fault (the fault added last applies).
func PassBootstrap(acct *fakeaws.Account) {
	acct.Inject(fakeaws.Fault{Service: "STS", Operation: "GetCallerIdentity"})
	acct.Inject(fakeaws.Fault{Service: "EC2", Operation: "DescribeRegions"})
}

// Statuses counts the findings of a report by status.
func Statuses(rep secpillar.Report) map[secpillar.Status]int {
	m := map[secpillar.Status]int{}
	for _, f := range rep.Findings {
		m[f.Status]++
	}
	return m
}

// Tasks returns the tasks of a clean run: every control in every Region
// it is evaluated in.
func Tasks(controls []secpillar.Control, regions []string) []TaskKey {
	var out []TaskKey
	for _, c := range controls {
		if c.Scope == secpillar.ScopeRegional {
			for _, r := range regions {
				out = append(out, TaskKey{c.ID, r})
			}
		} else {
			out = append(out, TaskKey{c.ID, ""})
		}
	}
	return out
}

// Mentions reports whether a JSON input names s as a whole string value,
// or as the last segment of an ARN value.
func Mentions(input, s string) bool {
	if s == "" {
		return false
	}
	return strings.Contains(input, `"`+s+`"`)
}
