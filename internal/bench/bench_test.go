package bench

import (
	"context"
	"fmt"
	"math"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/catalogue"
	"github.com/secpillar/secpillar/internal/fakeaws"
)

// FullParams is the large account: the size the README's figures
// come from.
var FullParams = fakeaws.SyntheticParams{
	Seed:  9,
	Users: 5000, Roles: 5000, Policies: 2000, Buckets: 1000, Regions: 17,
	SecurityGroupsPerRegion: 500, RulesPerGroup: 5, NACLsPerRegion: 100,
	VolumesPerRegion: 200, SnapshotsPerRegion: 200, KeysPerRegion: 50,
	DatabasesPerRegion: 20, Distributions: 10,
}

// scaled returns p with every count multiplied by f (at least 1 of each,
// Regions kept between 1 and 17 as given).
func scaled(p fakeaws.SyntheticParams, f float64) fakeaws.SyntheticParams {
	if f == 1 {
		return p
	}
	s := func(n int) int { return max(1, int(math.Round(float64(n)*f))) }
	q := p
	q.Users, q.Roles, q.Policies, q.Buckets = s(p.Users), s(p.Roles), s(p.Policies), s(p.Buckets)
	q.SecurityGroupsPerRegion, q.NACLsPerRegion = s(p.SecurityGroupsPerRegion), s(p.NACLsPerRegion)
	q.VolumesPerRegion, q.SnapshotsPerRegion = s(p.VolumesPerRegion), s(p.SnapshotsPerRegion)
	q.KeysPerRegion, q.DatabasesPerRegion, q.Distributions = s(p.KeysPerRegion), s(p.DatabasesPerRegion), s(p.Distributions)
	return q
}

// Benchmark settings, overridable from the environment:
//
//	SECPILLAR_BENCH_SCALE     fraction of FullParams (default 1; 0.05 with -short)
//	SECPILLAR_BENCH_PAGESIZE  the fake's page size (default 1000)
//	SECPILLAR_BENCH_LATENCY   latency per call (default 20ms)
//	SECPILLAR_BENCH_THROTTLE  "aws" (the default): each service's default request
//	                          rate per account and Region (fakeaws.AWSRequestRates);
//	                          N: every Nth call is throttled; 0: none
//
// The page size is 1000 because that is the maximum of most of the list
// operations the catalogue uses (IAM MaxItems, EC2 MaxResults, KMS Limit);
// the fake has one page size for every operation, so operations whose AWS
// maximum is lower (DescribeNetworkAcls 100, DescribeVolumes 500, RDS 100)
// get the smaller page only when the check asks for it with its limit
// parameter. The bounds use min(AWS maximum, fake page size) per operation.
func settings(b testing.TB) (scale float64, page int, latency time.Duration, th throttling) {
	scale, page, latency, th = 1, 1000, 20*time.Millisecond, throttling{awsRates: true}
	if testing.Short() {
		scale = 0.05
	}
	if v := os.Getenv("SECPILLAR_BENCH_SCALE"); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f <= 0 || f > 1 {
			b.Fatalf("SECPILLAR_BENCH_SCALE=%q: want a number in (0, 1]", v)
		}
		scale = f
	}
	if v := os.Getenv("SECPILLAR_BENCH_PAGESIZE"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			b.Fatalf("SECPILLAR_BENCH_PAGESIZE=%q: want a positive integer", v)
		}
		page = n
	}
	if v := os.Getenv("SECPILLAR_BENCH_LATENCY"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			b.Fatalf("SECPILLAR_BENCH_LATENCY=%q: want a duration", v)
		}
		latency = d
	}
	if v := os.Getenv("SECPILLAR_BENCH_THROTTLE"); v != "" && v != "aws" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			b.Fatalf("SECPILLAR_BENCH_THROTTLE=%q: want \"aws\" or a non-negative integer", v)
		}
		th = throttling{every: n}
	}
	return
}

// memSampler records the peak of HeapInuse while it runs.
type memSampler struct {
	stop chan struct{}
	done chan struct{}
	peak uint64
}

func startSampler(every time.Duration) *memSampler {
	m := &memSampler{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(m.done)
		t := time.NewTicker(every)
		defer t.Stop()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			m.peak = max(m.peak, ms.HeapInuse)
			select {
			case <-m.stop:
				return
			case <-t.C:
			}
		}
	}()
	return m
}

func (m *memSampler) Stop() uint64 {
	close(m.stop)
	<-m.done
	return m.peak
}

// runResult is what one measured run produced.
type runResult struct {
	rep       secpillar.Report
	err       error
	wall      time.Duration
	costs     []ServiceCost
	data      Data
	peakHeap  uint64 // HeapInuse peak during the run (the synthetic account included)
	baseHeap  uint64 // HeapInuse before the run (the synthetic account)
	allocated uint64 // TotalAlloc during the run
	throttled int
	filled    []string // kinds the benchmark seeded because no domain generator had
}

// measure builds the synthetic account, runs the whole catalogue against
// it through the SDK's standard retryer and returns the figures.
// throttling says how the fake throttles: at AWS's default request rates,
// every Nth call, or (the zero value) not at all.
type throttling struct {
	awsRates bool
	every    int
}

func (t throttling) String() string {
	switch {
	case t.awsRates:
		return "throttling at AWS's default request rates"
	case t.every > 0:
		return fmt.Sprintf("throttling every %dth call", t.every)
	}
	return "no throttling"
}

func measure(tb testing.TB, p fakeaws.SyntheticParams, page int, latency time.Duration, th throttling, timer interface {
	StartTimer()
	StopTimer()
}) runResult {
	acct := fakeaws.Synthetic(p)
	filled := Fill(acct, p)
	acct.PageSize = page
	d := Inventory(acct)
	if latency > 0 || th.every > 0 {
		f := fakeaws.Fault{Latency: latency}
		if th.every > 0 {
			f.Code, f.Message, f.EveryN = "Throttling", "Rate exceeded", th.every
		}
		acct.Inject(f)
	}
	if th.awsRates {
		acct.LimitRequests(fakeaws.AWSRequestRates)
	}
	cfg := acct.Config(func(c *aws.Config) {
		// A new standard retryer per client, as the SDK's default config
		// does: three attempts, exponential backoff with jitter, token bucket.
		c.Retryer = func() aws.Retryer { return retry.NewStandard() }
	})
	controls := catalogue.All()

	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	sampler := startSampler(50 * time.Millisecond)
	if timer != nil {
		timer.StartTimer()
	}
	start := time.Now()
	rep, err := secpillar.Run(context.Background(), cfg, controls)
	wall := time.Since(start)
	if timer != nil {
		timer.StopTimer()
	}
	peak := sampler.Stop()
	runtime.ReadMemStats(&after)

	calls := acct.Calls()
	throttled := acct.Throttled()
	if th.every > 0 {
		throttled = len(calls) / th.every
	}
	return runResult{
		rep: rep, err: err, wall: wall, data: d,
		costs:    Costs(calls, d, page, p),
		peakHeap: peak, baseHeap: before.HeapInuse, allocated: after.TotalAlloc - before.TotalAlloc,
		throttled: throttled, filled: filled,
	}
}

// BenchmarkCatalogue runs the whole catalogue with secpillar.Run on the
// large synthetic account (FullParams), with latency on every call and
// throttling, and reports calls per service beside the lower bound and a
// per-resource strategy. Run it with
//
//	go test ./internal/bench -run '^$' -bench Catalogue -benchtime 1x
func BenchmarkCatalogue(b *testing.B) {
	scale, page, latency, th := settings(b)
	p := scaled(FullParams, scale)
	var res runResult
	b.StopTimer()
	for i := 0; i < b.N; i++ {
		res = measure(b, p, page, latency, th, b)
		if res.err != nil {
			b.Fatalf("run: %v", res.err)
		}
	}
	var calls, bound, model int
	for _, s := range res.costs {
		calls += s.Calls
		bound += s.Bound
		model += s.Model
	}
	b.ReportMetric(float64(calls), "calls/op")
	b.ReportMetric(float64(bound), "bound-calls/op")
	b.ReportMetric(float64(calls)/float64(max(1, bound)), "calls/bound")
	b.ReportMetric(float64(model), "per-resource-calls/op")
	b.ReportMetric(res.wall.Seconds(), "wall-s/op")
	b.ReportMetric(float64(res.peakHeap)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(res.allocated)/(1<<20), "alloc-MB/op")

	var sb strings.Builder
	fmt.Fprintf(&sb, "\nsecpillar benchmark: %d controls, scale %.2f, page size %d, latency %v per call, %v, standard retryer\n",
		len(catalogue.All()), scale, page, latency, th)
	fmt.Fprintf(&sb, "account: %d users, %d roles, %d policies, %d buckets, %d Regions x (%d SGs x %d rules, %d NACLs, %d volumes, %d snapshots, %d keys, %d DBs), %d distributions\n",
		p.Users, p.Roles, p.Policies, p.Buckets, p.Regions, p.SecurityGroupsPerRegion, p.RulesPerGroup, p.NACLsPerRegion,
		p.VolumesPerRegion, p.SnapshotsPerRegion, p.KeysPerRegion, p.DatabasesPerRegion, p.Distributions)
	if len(res.filled) > 0 {
		fmt.Fprintf(&sb, "seeded by internal/bench (no synthetic generator yet): %s\n", strings.Join(res.filled, "; "))
	}
	fmt.Fprintf(&sb, "fake state seen: %d users, %d roles, %d groups, %d policies, %d buckets, %d SGs, %d SG rules, %d NACLs, %d volumes, %d snapshots, %d keys, %d DBs, %d distributions\n\n",
		res.data.Users, res.data.Roles, res.data.Groups, res.data.Policies, res.data.Buckets, res.data.SecurityGroups, res.data.SecurityGroupRules,
		res.data.NACLs, res.data.Volumes, res.data.Snapshots, res.data.Keys, res.data.Databases, res.data.Distributions)
	WriteTable(&sb, res.costs)
	statusCount := map[secpillar.Status]int{}
	for _, f := range res.rep.Findings {
		statusCount[f.Status]++
	}
	fmt.Fprintf(&sb, "\nwall time %.2fs; ~%d throttled calls retried; findings %d (PASS %d, FAIL %d, N/A %d, ERROR %d); incomplete=%v\n",
		res.wall.Seconds(), res.throttled, len(res.rep.Findings), statusCount[secpillar.StatusPass], statusCount[secpillar.StatusFail],
		statusCount[secpillar.StatusNotApplicable], statusCount[secpillar.StatusError], res.rep.Incomplete)
	fmt.Fprintf(&sb, "memory: HeapInuse %.1f MB before the run (the synthetic account), peak %.1f MB during it; %.1f MB allocated by the run\n\n",
		float64(res.baseHeap)/(1<<20), float64(res.peakHeap)/(1<<20), float64(res.allocated)/(1<<20))
	WriteOps(&sb, res.costs)
	for _, e := range res.rep.Errors {
		fmt.Fprintf(&sb, "ERROR %s %s: %s\n", e.Control, e.Region, e.Error)
	}
	fmt.Fprint(os.Stdout, sb.String())
}

// pollingAllowance is the calls a service may add to its bound for
// polling whose length AWS decides: the credential report's generation,
// and stack drift detection in each Region.
func pollingAllowance(service string, regions int) int {
	switch service {
	case "IAM":
		return 2
	case "CloudFormation":
		return 2 * regions
	}
	return 0
}

// budgetParams is the small account of the call budget test: big enough
// that a per-resource loop over IAM entities, security groups or snapshots
// costs far more than the bulk reads.
var budgetParams = fakeaws.SyntheticParams{
	Seed:  9,
	Users: 60, Roles: 60, Policies: 30, Buckets: 12, Regions: 3,
	SecurityGroupsPerRegion: 30, RulesPerGroup: 3, NACLsPerRegion: 4,
	VolumesPerRegion: 8, SnapshotsPerRegion: 8, KeysPerRegion: 3,
	DatabasesPerRegion: 2, Distributions: 2,
}

// TestCatalogueCallBudget runs the catalogue on a small synthetic account
// (no latency, no throttling) and fails when a service's calls exceed its
// budget: the lower bound plus 10% plus the polling AWS decides the length
// of (credential report generation, drift detection). It also runs the same
// account at twice the size and fails when an operation without a bound
// formula grows with the data: that is a per-resource read that either has
// a bulk alternative or needs a family in boundFor.
func TestCatalogueCallBudget(t *testing.T) {
	const page = 1000
	small := measure(t, budgetParams, page, 0, throttling{}, nil)
	if small.err != nil {
		t.Fatalf("run: %v", small.err)
	}
	var sb strings.Builder
	WriteTable(&sb, small.costs)
	WriteOps(&sb, small.costs)
	t.Logf("calls on the budget account:\n%s", sb.String())
	for _, s := range small.costs {
		poll := pollingAllowance(s.Service, budgetParams.Regions)
		budget := s.Bound + s.Bound/10 + poll
		if s.Calls > budget {
			t.Errorf("%s: %d calls, budget %d (lower bound %d + 10%% + %d for polling): a read repeated with another input, or a per-resource loop where a bulk read exists?",
				s.Service, s.Calls, budget, s.Bound, poll)
		}
	}

	double := budgetParams
	double = scaled(double, 2)
	large := measure(t, double, page, 0, throttling{}, nil)
	if large.err != nil {
		t.Fatalf("run at double size: %v", large.err)
	}
	callsOf := func(costs []ServiceCost) map[string]OpCost {
		m := map[string]OpCost{}
		for _, s := range costs {
			for _, o := range s.Ops {
				m[s.Service+"."+o.Operation] = o
			}
		}
		return m
	}
	a, b := callsOf(small.costs), callsOf(large.costs)
	var names []string
	for k := range b {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		o := b[k]
		if !strings.HasPrefix(o.Bound.Family, "single-") {
			continue // has a formula; the budget above covers it
		}
		if o.Calls > a[k].Calls {
			t.Errorf("%s: %d calls at size x1, %d at x2, and no bound formula: a per-resource read? use a bulk read, or add its family to boundFor",
				k, a[k].Calls, o.Calls)
		}
	}
}
