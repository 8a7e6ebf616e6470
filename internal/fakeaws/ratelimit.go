package fakeaws

import (
	"strings"
	"sync"
	"time"
)

// Rate is a token bucket: Burst requests at once, refilled at PerSecond.
type Rate struct {
	Burst     float64
	PerSecond float64
}

// RateFunc names the bucket a call draws from and that bucket's rate. The
// bucket name is the scope AWS applies the quota to (per service, per
// operation or per class of operations); the Region is added by the fake.
type RateFunc func(service, op string) (bucket string, r Rate)

// AWSRequestRates is the request-rate quota each service applies by
// default, per account and Region (per account for the global services):
//
//   - EC2, as documented for API request throttling, one bucket per
//     action: non-mutating actions (Describe*, Get*, List*) 100 refilled
//     at 20 a second, other actions 50 refilled at 5.
//   - KMS, as documented per operation: DescribeKey 2,000 a second,
//     GetKeyPolicy and GetKeyRotationStatus 1,000, ListKeys, ListAliases
//     and ListResourceTags 100, every other management call 5.
//   - CloudTrail 10 a second per operation.
//   - S3 5,500 reads and 3,500 writes a second (the per-prefix rates).
//   - Services that publish no default (IAM, Organizations, RDS and the
//     rest) 20 a second with a burst of 40, an estimate on the low side.
func AWSRequestRates(service, op string) (string, Rate) {
	read := strings.HasPrefix(op, "Describe") || strings.HasPrefix(op, "Get") || strings.HasPrefix(op, "List")
	switch service {
	case "EC2":
		if read {
			return "EC2 " + op, Rate{Burst: 100, PerSecond: 20}
		}
		return "EC2 " + op, Rate{Burst: 50, PerSecond: 5}
	case "KMS":
		switch op {
		case "DescribeKey":
			return "KMS " + op, Rate{Burst: 2000, PerSecond: 2000}
		case "GetKeyPolicy", "GetKeyRotationStatus":
			return "KMS " + op, Rate{Burst: 1000, PerSecond: 1000}
		case "ListKeys", "ListAliases", "ListResourceTags":
			return "KMS " + op, Rate{Burst: 100, PerSecond: 100}
		}
		return "KMS " + op, Rate{Burst: 5, PerSecond: 5}
	case "CloudTrail":
		return "CloudTrail " + op, Rate{Burst: 10, PerSecond: 10}
	case "S3":
		if read {
			return "S3 reads", Rate{Burst: 5500, PerSecond: 5500}
		}
		return "S3 writes", Rate{Burst: 3500, PerSecond: 3500}
	}
	return service, Rate{Burst: 40, PerSecond: 20}
}

// LimitRequests makes the account throttle calls beyond the rates that
// rate gives, with each service's throttling error, as AWS does; nil turns
// the limit off. Throttled reports how many calls it refused.
func (a *Account) LimitRequests(rate RateFunc) {
	a.fmu.Lock()
	defer a.fmu.Unlock()
	if rate == nil {
		a.limiter = nil
		return
	}
	a.limiter = &limiter{rate: rate, buckets: map[string]*bucket{}, now: time.Now}
}

// Throttled returns how many calls the request limit refused.
func (a *Account) Throttled() int {
	a.fmu.Lock()
	l := a.limiter
	a.fmu.Unlock()
	if l == nil {
		return 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.refused
}

type limiter struct {
	rate    RateFunc
	now     func() time.Time
	mu      sync.Mutex
	buckets map[string]*bucket
	refused int
}

type bucket struct {
	tokens float64
	last   time.Time
}

// allow takes a token from the call's bucket, or reports false.
func (l *limiter) allow(service, op, region string) bool {
	name, r := l.rate(service, op)
	if r.PerSecond <= 0 || r.Burst <= 0 {
		return true
	}
	if globalService(service) {
		region = "global"
	}
	key := region + "|" + name
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b := l.buckets[key]
	if b == nil {
		b = &bucket{tokens: r.Burst, last: now}
		l.buckets[key] = b
	}
	b.tokens = min(r.Burst, b.tokens+now.Sub(b.last).Seconds()*r.PerSecond)
	b.last = now
	if b.tokens < 1 {
		l.refused++
		return false
	}
	b.tokens--
	return true
}

// ThrottleCode returns the error code a service throttles with:
// "RequestLimitExceeded" for EC2, "SlowDown" for S3, "Throttling" for
// query-protocol services and "ThrottlingException" for JSON ones.
func ThrottleCode(service string) string {
	switch {
	case service == "EC2":
		return "RequestLimitExceeded"
	case service == "S3":
		return "SlowDown"
	case xmlProtocol[service]:
		return "Throttling"
	}
	return "ThrottlingException"
}
