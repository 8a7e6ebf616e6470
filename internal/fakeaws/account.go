// Package fakeaws is an in-memory AWS account for tests, the demo and the
// benchmarks.
//
// Each service is a struct (IAM, EC2, S3, ...) whose methods have the exact
// signatures of the aws-sdk-go-v2 client methods, so a fake satisfies the
// small interfaces of the controls directly. Account.Config serves the whole
// account behind a real aws.Config: a middleware placed after the SDK's
// retryer and signer answers each operation from the fakes by its name, so
// clients, paginators, the retryer and error wrapping run for real with no
// network.
//
// Adding an operation is adding a method with the SDK's signature to the
// service's struct: the dispatcher finds it by name.
//
// All state is guarded by Account.mu. Exported service methods lock it;
// unexported helpers assume it is held.
package fakeaws

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// DefaultPageSize is the page size of every paginated fake operation unless
// Account.PageSize says otherwise. It is small so that every paginated path
// is exercised.
const DefaultPageSize = 3

// DefaultRegion is the Region used when neither the call nor the context
// names one.
const DefaultRegion = "us-east-1"

// RegionInfo is one Region of the account as DescribeRegions reports it.
// OptInStatus is "opt-in-not-required", "opted-in" or "not-opted-in".
type RegionInfo struct {
	Name        string
	OptInStatus string
}

// Account is an in-memory AWS account.
type Account struct {
	// ID is the 12-digit account ID.
	ID string
	// Regions are the account's Regions; see DefaultRegions.
	Regions []RegionInfo
	// PageSize bounds every paginated response; 0 means DefaultPageSize.
	PageSize int
	// Now is the account's clock; nil means time.Now.
	Now func() time.Time

	mu sync.Mutex // guards all service state

	fmu     sync.Mutex // guards faults, the limiter and the call log
	faults  []*Fault
	limiter *limiter // nil: no request-rate limit
	calls   []Call

	// Linked holds other accounts reachable by sts:AssumeRole, by ID.
	Linked map[string]*Account

	// Rewrite, when set, may change every successful output before it is
	// returned (to plant canary secrets, or clear fields at random). It is
	// called without any lock held and must be safe for concurrent use.
	Rewrite func(c Call, out any) any

	AccessAnalyzer *AccessAnalyzer
	AccountSvc     *AccountService
	AutoScaling    *AutoScaling
	CloudFormation *CloudFormation
	CloudFront     *CloudFront
	CloudTrail     *CloudTrail
	CloudWatch     *CloudWatch
	Logs           *CloudWatchLogs
	ConfigService  *ConfigService
	EC2            *EC2
	ELBv2          *ELBv2
	EventBridge    *EventBridge
	GlobalAccel    *GlobalAccelerator
	GuardDuty      *GuardDuty
	IAM            *IAM
	Inspector2     *Inspector2
	KMS            *KMS
	Macie2         *Macie2
	Organizations  *Organizations
	RDS            *RDS
	Route53        *Route53
	S3             *S3
	S3Control      *S3Control
	SecurityHub    *SecurityHub
	Shield         *Shield
	SNS            *SNS
	STS            *STS
	WAFv2          *WAFv2

	services map[string]any // by SDK ServiceID
}

// DefaultRegions returns four Regions: three enabled, one not opted in.
func DefaultRegions() []RegionInfo {
	return []RegionInfo{
		{Name: "us-east-1", OptInStatus: "opt-in-not-required"},
		{Name: "eu-west-1", OptInStatus: "opt-in-not-required"},
		{Name: "ap-southeast-2", OptInStatus: "opt-in-not-required"},
		{Name: "af-south-1", OptInStatus: "not-opted-in"},
	}
}

// New returns an empty account with the given ID and DefaultRegions.
func New(id string) *Account {
	a := &Account{ID: id, Regions: DefaultRegions()}
	a.AccessAnalyzer = &AccessAnalyzer{acct: a}
	a.AccountSvc = &AccountService{acct: a}
	a.AutoScaling = &AutoScaling{acct: a}
	a.CloudFormation = &CloudFormation{acct: a}
	a.CloudFront = &CloudFront{acct: a}
	a.CloudTrail = &CloudTrail{acct: a}
	a.CloudWatch = &CloudWatch{acct: a}
	a.Logs = &CloudWatchLogs{acct: a}
	a.ConfigService = &ConfigService{acct: a}
	a.EC2 = &EC2{acct: a}
	a.ELBv2 = &ELBv2{acct: a}
	a.EventBridge = &EventBridge{acct: a}
	a.GlobalAccel = &GlobalAccelerator{acct: a}
	a.GuardDuty = &GuardDuty{acct: a}
	a.IAM = &IAM{acct: a}
	a.Inspector2 = &Inspector2{acct: a}
	a.KMS = &KMS{acct: a}
	a.Macie2 = &Macie2{acct: a}
	a.Organizations = &Organizations{acct: a}
	a.RDS = &RDS{acct: a}
	a.Route53 = &Route53{acct: a}
	a.S3 = &S3{acct: a}
	a.S3Control = &S3Control{acct: a}
	a.SecurityHub = &SecurityHub{acct: a}
	a.Shield = &Shield{acct: a}
	a.SNS = &SNS{acct: a}
	a.STS = &STS{acct: a}
	a.WAFv2 = &WAFv2{acct: a}
	a.services = map[string]any{
		"AccessAnalyzer":            a.AccessAnalyzer,
		"Account":                   a.AccountSvc,
		"Auto Scaling":              a.AutoScaling,
		"CloudFormation":            a.CloudFormation,
		"CloudFront":                a.CloudFront,
		"CloudTrail":                a.CloudTrail,
		"CloudWatch":                a.CloudWatch,
		"CloudWatch Logs":           a.Logs,
		"Config Service":            a.ConfigService,
		"EC2":                       a.EC2,
		"Elastic Load Balancing v2": a.ELBv2,
		"EventBridge":               a.EventBridge,
		"Global Accelerator":        a.GlobalAccel,
		"GuardDuty":                 a.GuardDuty,
		"IAM":                       a.IAM,
		"Inspector2":                a.Inspector2,
		"KMS":                       a.KMS,
		"Macie2":                    a.Macie2,
		"Organizations":             a.Organizations,
		"RDS":                       a.RDS,
		"Route 53":                  a.Route53,
		"S3":                        a.S3,
		"S3 Control":                a.S3Control,
		"SecurityHub":               a.SecurityHub,
		"Shield":                    a.Shield,
		"SNS":                       a.SNS,
		"STS":                       a.STS,
		"WAFV2":                     a.WAFv2,
	}
	return a
}

// Service returns the fake serving the SDK ServiceID (such as "IAM" or
// "Elastic Load Balancing v2"), or nil.
func (a *Account) Service(serviceID string) any { return a.services[serviceID] }

func (a *Account) now() time.Time {
	if a.Now != nil {
		return a.Now().UTC()
	}
	return time.Now().UTC()
}

func (a *Account) pageSize() int {
	if a.PageSize > 0 {
		return a.PageSize
	}
	return DefaultPageSize
}

// EnabledRegions returns the names of the Regions that are not
// "not-opted-in".
func (a *Account) EnabledRegions() []string {
	var out []string
	for _, r := range a.Regions {
		if r.OptInStatus != "not-opted-in" {
			out = append(out, r.Name)
		}
	}
	return out
}

func (a *Account) regionEnabled(name string) bool {
	for _, r := range a.Regions {
		if r.Name == name {
			return r.OptInStatus != "not-opted-in"
		}
	}
	return false
}

// region picks the Region of a call: the one set by the caller's options,
// else the one the SDK put in the context, else DefaultRegion.
func (a *Account) region(ctx context.Context, optRegion string) string {
	if optRegion != "" {
		return optRegion
	}
	if r := awsmiddleware.GetRegion(ctx); r != "" {
		return r
	}
	return DefaultRegion
}

// Config returns an aws.Config whose clients are answered by this account.
// The Region defaults to us-east-1, credentials are static fakes, and the
// HTTP client refuses to send anything. optFns may change the config (a
// Region, a Retryer) before the fake's middleware is added.
func (a *Account) Config(optFns ...func(*aws.Config)) aws.Config {
	cfg := aws.Config{
		Region:      DefaultRegion,
		Credentials: credentials.NewStaticCredentialsProvider("AKIAFAKEFAKEFAKEFAKE", "fake-secret-access-key", ""),
		HTTPClient:  noNetwork{},
	}
	for _, fn := range optFns {
		fn(&cfg)
	}
	cfg.APIOptions = append(cfg.APIOptions, func(st *middleware.Stack) error {
		if err := st.Initialize.Add(captureInput{}, middleware.After); err != nil {
			return err
		}
		return st.Finalize.Add(&server{acct: a}, middleware.After)
	})
	return cfg
}

type noNetwork struct{}

func (noNetwork) Do(*http.Request) (*http.Response, error) {
	return nil, errors.New("fakeaws: the fake account never sends a request to the network")
}

// server is the Finalize middleware that answers operations from the fakes.
type server struct{ acct *Account }

func (*server) ID() string { return "fakeaws.server" }

func (s *server) HandleFinalize(ctx context.Context, in middleware.FinalizeInput, _ middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
	var md middleware.Metadata
	service := awsmiddleware.GetServiceID(ctx)
	op := awsmiddleware.GetOperationName(ctx)
	region := awsmiddleware.GetRegion(ctx)
	params := middleware.GetStackValue(ctx, inputKey{})
	out, err := s.acct.Invoke(ctx, service, op, region, params)
	if err != nil {
		return middleware.FinalizeOutput{}, md, wrapHTTP(err)
	}
	return middleware.FinalizeOutput{Result: out}, md, nil
}

type inputKey struct{}

// captureInput is an Initialize middleware that keeps the typed input so
// that the Finalize server can hand it to the fake.
type captureInput struct{}

func (captureInput) ID() string { return "fakeaws.captureInput" }

func (captureInput) HandleInitialize(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
	ctx = middleware.WithStackValue(ctx, inputKey{}, in.Parameters)
	return next.HandleInitialize(ctx, in)
}

// wrapHTTP wraps an API error the way the SDK's deserializers do, so that
// callers see the same chain as against AWS: OperationError (added by the
// client) -> awshttp.ResponseError -> smithyhttp.ResponseError -> API error.
func wrapHTTP(err error) error {
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		return err
	}
	status := 400
	switch code := ae.ErrorCode(); {
	case ae.ErrorFault() == smithy.FaultServer:
		status = 500
	case strings.Contains(code, "AccessDenied") || code == "UnauthorizedOperation":
		status = 403
	case strings.HasPrefix(code, "NoSuch") || strings.HasSuffix(code, "NotFound") || strings.HasSuffix(code, "NotFoundException"):
		status = 404
	}
	return &awshttp.ResponseError{
		ResponseError: &smithyhttp.ResponseError{
			Response: &smithyhttp.Response{Response: &http.Response{StatusCode: status, Header: http.Header{}}},
			Err:      err,
		},
		RequestID: "fake-request-id",
	}
}

// Invoke answers one operation: it records the call, applies faults, then
// calls the service fake's method named op with params. The middleware
// calls it; tests may too.
func (a *Account) Invoke(ctx context.Context, service, op, region string, params any) (any, error) {
	if region == "" {
		region = DefaultRegion
	}
	fault, n := a.record(service, op, region)
	if fault != nil {
		if out, err, handled := fault.apply(ctx, n, params); handled {
			return out, err
		}
	}
	// After the fault's latency: a throttled call costs a round trip too.
	a.fmu.Lock()
	l := a.limiter
	a.fmu.Unlock()
	if l != nil && !l.allow(service, op, region) {
		return nil, apiError(ThrottleCode(service), "Rate exceeded")
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if !globalService(service) && !a.regionEnabled(region) {
		if service == "EC2" {
			return nil, apiError("AuthFailure", "AWS was not able to validate the provided access credentials")
		}
		return nil, apiError("UnrecognizedClientException", "The security token included in the request is invalid.")
	}
	if err := checkPageSize(service, op, params); err != nil {
		return nil, err
	}
	svc := a.services[service]
	if svc == nil {
		return nil, fmt.Errorf("fakeaws: service %q is not faked", service)
	}
	m := reflect.ValueOf(svc).MethodByName(op)
	if !m.IsValid() {
		return nil, fmt.Errorf("fakeaws: operation %s.%s is not faked; add a method %s to %T", service, op, op, svc)
	}
	ctx = awsmiddleware.SetRegion(ctx, region)
	res := m.Call([]reflect.Value{reflect.ValueOf(ctx), reflect.ValueOf(params)})
	if e := res[1].Interface(); e != nil {
		return nil, e.(error)
	}
	out := res[0].Interface()
	if a.Rewrite != nil {
		out = a.Rewrite(Call{Service: service, Operation: op, Region: region}, out)
	}
	return out, nil
}

// globalService reports whether a service answers whatever the Region
// (global endpoints).
func globalService(service string) bool {
	switch service {
	case "IAM", "Organizations", "CloudFront", "Route 53", "Global Accelerator", "Shield", "Account":
		return true
	}
	return false
}

// Call is one recorded call.
type Call struct {
	Service   string
	Operation string
	Region    string
}

func (a *Account) record(service, op, region string) (*Fault, int) {
	a.fmu.Lock()
	defer a.fmu.Unlock()
	a.calls = append(a.calls, Call{Service: service, Operation: op, Region: region})
	for i := len(a.faults) - 1; i >= 0; i-- {
		f := a.faults[i]
		if f.matches(service, op, region) {
			f.seen++
			return f, f.seen
		}
	}
	return nil, 0
}

// Calls returns a copy of the call log, in order.
func (a *Account) Calls() []Call {
	a.fmu.Lock()
	defer a.fmu.Unlock()
	return append([]Call(nil), a.calls...)
}

// ResetCalls empties the call log.
func (a *Account) ResetCalls() {
	a.fmu.Lock()
	defer a.fmu.Unlock()
	a.calls = nil
}

// CallCount returns how many calls of service and operation were made; an
// empty operation counts every operation of the service.
func (a *Account) CallCount(service, op string) int {
	n := 0
	for _, c := range a.Calls() {
		if c.Service == service && (op == "" || c.Operation == op) {
			n++
		}
	}
	return n
}

// CallCounts returns the number of calls per "Service.Operation".
func (a *Account) CallCounts() map[string]int {
	m := map[string]int{}
	for _, c := range a.Calls() {
		m[c.Service+"."+c.Operation]++
	}
	return m
}

// Operations returns the sorted distinct "Service.Operation" names called.
func (a *Account) Operations() []string {
	m := a.CallCounts()
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
