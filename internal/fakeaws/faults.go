package fakeaws

import (
	"context"
	"time"

	"github.com/aws/smithy-go"
)

// Fault changes how matching calls are answered. Empty Service, Operation
// or Region match anything. When several faults match a call, the one added
// last applies.
//
// A fault's effects apply in this order: Latency (honouring cancellation),
// Hang (block until the context ends), then the error or Respond.
type Fault struct {
	Service   string
	Operation string
	Region    string

	// Code and Message make the call fail with an API error; the code is
	// what the SDK and the classifier see ("AccessDenied",
	// "ThrottlingException", ...). Err, when set, is returned as is.
	Code    string
	Message string
	Err     error

	// FirstN, when positive, limits the error to the first N matching
	// calls. EveryN, when positive, fails only every Nth matching call.
	FirstN int
	EveryN int

	// Latency delays every matching call.
	Latency time.Duration
	// Hang blocks matching calls until their context is done.
	Hang bool

	// Respond, when set, answers the call instead of the service fake
	// (for malformed pages and other shapes AWS may send).
	Respond func(ctx context.Context, params any) (any, error)

	seen int // matching calls so far, guarded by Account.fmu
}

// Inject adds a fault and returns it; Remove takes it away again.
func (a *Account) Inject(f Fault) *Fault {
	a.fmu.Lock()
	defer a.fmu.Unlock()
	p := &f
	a.faults = append(a.faults, p)
	return p
}

// Remove removes a fault added by Inject.
func (a *Account) Remove(f *Fault) {
	a.fmu.Lock()
	defer a.fmu.Unlock()
	for i, g := range a.faults {
		if g == f {
			a.faults = append(a.faults[:i], a.faults[i+1:]...)
			return
		}
	}
}

// ClearFaults removes every fault.
func (a *Account) ClearFaults() {
	a.fmu.Lock()
	defer a.fmu.Unlock()
	a.faults = nil
}

// DenyAccess makes every matching call fail with the access-denied code the
// service uses, with a message naming an explicit deny in a service
// control policy.
func (a *Account) DenyAccess(service, operation, region string) *Fault {
	return a.Inject(Fault{Service: service, Operation: operation, Region: region, Code: AccessDeniedCode(service),
		Message: "User: arn:aws:iam::" + a.ID + ":user/auditor is not authorized to perform: " + operation + " with an explicit deny in a service control policy"})
}

// AccessDeniedCode returns the code a service uses for access denied:
// "UnauthorizedOperation" for EC2, "AccessDeniedException" for JSON
// protocol services, "AccessDenied" for query and REST-XML ones.
func AccessDeniedCode(service string) string {
	switch {
	case service == "EC2":
		return "UnauthorizedOperation"
	case xmlProtocol[service]:
		return "AccessDenied"
	}
	return "AccessDeniedException"
}

// xmlProtocol holds the faked services that speak the query or REST-XML
// protocol; their error codes differ from the JSON services' (AccessDenied
// and Throttling, not AccessDeniedException and ThrottlingException). EC2
// has codes of its own.
var xmlProtocol = map[string]bool{
	"IAM": true, "STS": true, "S3": true, "S3 Control": true, "CloudFront": true, "RDS": true, "Auto Scaling": true,
	"CloudFormation": true, "Elastic Load Balancing v2": true, "SNS": true, "CloudWatch": true, "Route 53": true,
}

func (f *Fault) matches(service, op, region string) bool {
	return (f.Service == "" || f.Service == service) &&
		(f.Operation == "" || f.Operation == op) &&
		(f.Region == "" || f.Region == region)
}

// apply runs the fault for the nth matching call. handled says whether the
// fault answered the call.
func (f *Fault) apply(ctx context.Context, n int, params any) (any, error, bool) {
	if f.Latency > 0 {
		t := time.NewTimer(f.Latency)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err(), true
		case <-t.C:
		}
	}
	if f.Hang {
		<-ctx.Done()
		return nil, ctx.Err(), true
	}
	if f.FirstN > 0 && n > f.FirstN {
		return nil, nil, false
	}
	if f.EveryN > 0 && n%f.EveryN != 0 {
		return nil, nil, false
	}
	if f.Err != nil {
		return nil, f.Err, true
	}
	if f.Code != "" {
		return nil, &smithy.GenericAPIError{Code: f.Code, Message: f.Message, Fault: smithy.FaultClient}, true
	}
	if f.Respond != nil {
		out, err := f.Respond(ctx, params)
		return out, err, true
	}
	return nil, nil, false
}
