package secpillar_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/google/go-cmp/cmp"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/internal/awserr"
	"github.com/secpillar/secpillar/internal/fakeaws"
)

// regionControl is a regional control whose check lists the Regions (a read
// every test control shares) and reports one PASS per Region.
func regionControl(id string) secpillar.Control {
	return secpillar.Control{
		ID: id, Title: id, Domain: secpillar.DomainInfrastructure, Severity: secpillar.SeverityHigh,
		Scope: secpillar.ScopeRegional, Permissions: []string{"ec2:DescribeRegions"},
		Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
			if _, err := ec2.NewFromConfig(cfg).DescribeRegions(ctx, &ec2.DescribeRegionsInput{}); err != nil {
				return nil, fmt.Errorf("test: list regions: %w", err)
			}
			return []secpillar.Finding{{Status: secpillar.StatusPass, Resource: secpillar.AccountResource(""), Reason: "ok"}}, nil
		},
	}
}

func accountControl(id string, calls *atomic.Int32) secpillar.Control {
	return secpillar.Control{
		ID: id, Title: id, Domain: secpillar.DomainIdentity, Severity: secpillar.SeverityMedium,
		Scope: secpillar.ScopeAccount,
		Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
			calls.Add(1)
			return []secpillar.Finding{{Status: secpillar.StatusFail, Resource: secpillar.AccountResource(""), Reason: "bad"}}, nil
		},
	}
}

type regionStatus struct {
	Control, Region string
	Status          secpillar.Status
}

func statuses(fs []secpillar.Finding) []regionStatus {
	var out []regionStatus
	for _, f := range fs {
		out = append(out, regionStatus{f.Control, f.Resource.Region, f.Status})
	}
	return out
}

func TestRunRegionsAndScopes(t *testing.T) {
	acct := fakeaws.New("111122223333")
	var n atomic.Int32
	rep, err := secpillar.Run(context.Background(), acct.Config(), []secpillar.Control{accountControl("test.account", &n), regionControl("test.regional")})
	if err != nil {
		t.Fatal(err)
	}
	if got := n.Load(); got != 1 {
		t.Errorf("account-wide check ran %d times, want 1", got)
	}
	if diff := cmp.Diff([]string{"ap-southeast-2", "eu-west-1", "us-east-1"}, rep.Regions); diff != "" {
		t.Errorf("Regions (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"af-south-1"}, rep.SkippedRegions); diff != "" {
		t.Errorf("SkippedRegions (-want +got):\n%s", diff)
	}
	want := []regionStatus{
		{"test.account", "", secpillar.StatusFail},
		{"test.regional", "ap-southeast-2", secpillar.StatusPass},
		{"test.regional", "eu-west-1", secpillar.StatusPass},
		{"test.regional", "us-east-1", secpillar.StatusPass},
	}
	if diff := cmp.Diff(want, statuses(rep.Findings)); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	for _, f := range rep.Findings {
		if f.Resource.Account != "111122223333" || f.Resource.ID != "AWS::::Account:111122223333" {
			t.Errorf("finding resource not completed with the account: %+v", f.Resource)
		}
		if f.Severity == "" {
			t.Errorf("finding severity not completed from the control: %+v", f)
		}
	}
	for _, c := range acct.Calls() {
		if c.Region == "af-south-1" {
			t.Errorf("a Region not opted in was called: %+v", c)
		}
	}
	if rep.Incomplete {
		t.Error("report marked incomplete")
	}
}

func TestRunExplicitRegionsOverride(t *testing.T) {
	acct := fakeaws.New("111122223333")
	rep, err := secpillar.Run(context.Background(), acct.Config(), []secpillar.Control{regionControl("test.regional")},
		func(o *secpillar.RunOptions) { o.Regions = []string{"eu-west-1"} })
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]regionStatus{{"test.regional", "eu-west-1", secpillar.StatusPass}}, statuses(rep.Findings)); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}

func TestRunRegionListingDeniedIsAnError(t *testing.T) {
	acct := fakeaws.New("111122223333")
	acct.DenyAccess("EC2", "DescribeRegions", "")
	_, err := secpillar.Run(context.Background(), acct.Config(), []secpillar.Control{regionControl("test.regional")})
	if err == nil || !strings.Contains(err.Error(), "list Regions") {
		t.Fatalf("want an error naming the Region listing, got %v", err)
	}
}

func TestRunIsolatesErrorsToControlAndRegion(t *testing.T) {
	acct := fakeaws.New("111122223333")
	cfg := acct.Config()
	var n atomic.Int32
	controls := []secpillar.Control{accountControl("test.account", &n), regionControl("test.regional")}
	// Deny only in eu-west-1, and only after Run itself listed the Regions.
	acct.Inject(fakeaws.Fault{Service: "EC2", Operation: "DescribeRegions", Region: "eu-west-1", Code: "UnauthorizedOperation",
		Message: "You are not authorized to perform this operation. with an explicit deny in a service control policy"})
	rep, err := secpillar.Run(context.Background(), cfg, controls)
	if err != nil {
		t.Fatal(err)
	}
	want := []regionStatus{
		{"test.account", "", secpillar.StatusFail},
		{"test.regional", "ap-southeast-2", secpillar.StatusPass},
		{"test.regional", "eu-west-1", secpillar.StatusError},
		{"test.regional", "us-east-1", secpillar.StatusPass},
	}
	if diff := cmp.Diff(want, statuses(rep.Findings)); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	if !rep.Incomplete || len(rep.Errors) != 1 || rep.Errors[0].Region != "eu-west-1" {
		t.Fatalf("want one error in eu-west-1 and an incomplete report, got %+v", rep.Errors)
	}
	if !strings.Contains(rep.Errors[0].Error, "explicit deny in a service control policy") {
		t.Errorf("the error lost the SCP text: %q", rep.Errors[0].Error)
	}
}

func TestRunSharesIdenticalReads(t *testing.T) {
	controls := []secpillar.Control{regionControl("test.a"), regionControl("test.b"), regionControl("test.c")}
	for _, tc := range []struct {
		name  string
		fresh bool
		want  int
	}{
		// One listing by Run itself (AllRegions) plus one per Region shared by three controls.
		{"shared", false, 1 + 3},
		{"fresh", true, 1 + 3*3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			acct := fakeaws.New("111122223333")
			if _, err := secpillar.Run(context.Background(), acct.Config(), controls, func(o *secpillar.RunOptions) { o.FreshReads = tc.fresh }); err != nil {
				t.Fatal(err)
			}
			if got := acct.CallCount("EC2", "DescribeRegions"); got != tc.want {
				t.Errorf("DescribeRegions calls = %d, want %d", got, tc.want)
			}
		})
	}
}

func TestRunSharedReadsAreNotGlobal(t *testing.T) {
	acct := fakeaws.New("111122223333")
	controls := []secpillar.Control{regionControl("test.a")}
	opt := func(o *secpillar.RunOptions) { o.Regions = []string{"us-east-1"} }
	for i := 0; i < 2; i++ {
		if _, err := secpillar.Run(context.Background(), acct.Config(), controls, opt); err != nil {
			t.Fatal(err)
		}
	}
	// Each run lists the Regions itself (AllRegions) and the control lists
	// them once: 2 per run. A cache that outlived a run would make 2 in all.
	if got := acct.CallCount("EC2", "DescribeRegions"); got != 4 {
		t.Errorf("two runs made %d calls, want 4: the cache must live for one run only", got)
	}
}

func TestRunProgressAndConcurrencyBound(t *testing.T) {
	acct := fakeaws.New("111122223333")
	var inFlight, peak atomic.Int32
	slow := func(id string) secpillar.Control {
		return secpillar.Control{ID: id, Scope: secpillar.ScopeRegional, Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
			v := inFlight.Add(1)
			for {
				p := peak.Load()
				if v <= p || peak.CompareAndSwap(p, v) {
					break
				}
			}
			time.Sleep(5 * time.Millisecond)
			inFlight.Add(-1)
			return nil, nil
		}}
	}
	var progress []secpillar.Progress
	_, err := secpillar.Run(context.Background(), acct.Config(), []secpillar.Control{slow("a"), slow("b"), slow("c"), slow("d")}, func(o *secpillar.RunOptions) {
		o.Concurrency = 2
		o.Progress = func(p secpillar.Progress) { progress = append(progress, p) }
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := peak.Load(); got > 2 {
		t.Errorf("peak concurrency = %d, want at most 2", got)
	}
	if len(progress) != 12 || progress[11].Done != 12 || progress[11].Total != 12 {
		t.Errorf("progress = %d reports, last %+v; want 12 ending at 12/12", len(progress), progress[len(progress)-1])
	}
}

func TestRunCancellationIsPromptAndLeavesNoGoroutine(t *testing.T) {
	acct := fakeaws.New("111122223333")
	acct.Inject(fakeaws.Fault{Service: "EC2", Operation: "DescribeRegions", Region: "eu-west-1", Hang: true})
	before := runtime.NumGoroutine()
	ctx, cancel := context.WithCancel(context.Background())
	controls := []secpillar.Control{regionControl("test.a"), regionControl("test.b")}
	started := make(chan struct{}, 16)
	go func() {
		<-started
		time.Sleep(20 * time.Millisecond)
		cancel()
	}()
	t0 := time.Now()
	rep, err := secpillar.Run(ctx, acct.Config(), controls, func(o *secpillar.RunOptions) {
		o.Progress = func(secpillar.Progress) { started <- struct{}{} }
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("want context.Canceled, got %v", err)
	}
	if d := time.Since(t0); d > 2*time.Second {
		t.Errorf("cancellation took %v", d)
	}
	if !rep.Incomplete {
		t.Error("a cancelled run must be incomplete")
	}
	for _, f := range rep.Findings {
		if f.Resource.Region == "eu-west-1" && f.Status == secpillar.StatusPass {
			t.Errorf("hung Region reported PASS: %+v", f)
		}
	}
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("goroutines: %d before, %d after", before, n)
	}
}

func TestRunStopsEarlyWhenCredentialsExpire(t *testing.T) {
	acct := fakeaws.New("111122223333")
	var controls []secpillar.Control
	for i := 0; i < 50; i++ {
		controls = append(controls, regionControl(fmt.Sprintf("test.c%02d", i)))
	}
	cfg := acct.Config()
	// Run identifies the account and lists Regions, then the token expires.
	acct.Inject(fakeaws.Fault{Service: "EC2", Operation: "DescribeRegions", Code: "ExpiredToken", Message: "The security token included in the request is expired"}).FirstN = 0
	rep, err := secpillar.Run(context.Background(), cfg, controls, func(o *secpillar.RunOptions) {
		o.Regions = []string{"us-east-1"}
		o.Concurrency = 1
		o.FreshReads = true
	})
	if err == nil || !strings.Contains(err.Error(), "credentials expired") {
		t.Fatalf("want an early stop naming expired credentials, got %v", err)
	}
	if got := acct.CallCount("EC2", "DescribeRegions"); got > 5 {
		t.Errorf("%d calls after the credentials expired; the run should stop at once", got)
	}
	if !rep.Incomplete {
		t.Error("report must be incomplete")
	}
}

func TestRunRejectsBadInput(t *testing.T) {
	acct := fakeaws.New("111122223333")
	cfg := acct.Config()
	cfg.Region = ""
	if _, err := secpillar.Run(context.Background(), cfg, nil); err == nil || !strings.Contains(err.Error(), "Region") {
		t.Errorf("empty Region: got %v", err)
	}
	if _, err := secpillar.Run(context.Background(), acct.Config(), []secpillar.Control{{ID: "x.no-check"}}); err == nil || !strings.Contains(err.Error(), "x.no-check") {
		t.Errorf("control without Check: got %v", err)
	}
	if n := len(acct.Calls()); n != 0 {
		t.Errorf("bad input made %d calls", n)
	}
}

// TestRunSharesReadsOfOlderClients covers clients that record their
// operation name in an Initialize middleware rather than before the stack
// runs (CloudTrail is one): their reads must be shared too, per Region.
func TestRunSharesReadsOfOlderClients(t *testing.T) {
	acct := fakeaws.New("111122223333")
	trails := func(id string) secpillar.Control {
		return secpillar.Control{ID: id, Scope: secpillar.ScopeRegional, Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
			_, err := cloudtrail.NewFromConfig(cfg).DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{})
			return nil, err
		}}
	}
	if _, err := secpillar.Run(context.Background(), acct.Config(), []secpillar.Control{trails("a"), trails("b"), trails("c")}); err != nil {
		t.Fatal(err)
	}
	if got := acct.CallCount("CloudTrail", "DescribeTrails"); got != 3 {
		t.Errorf("DescribeTrails calls = %d, want 3 (one per Region, shared by three controls)", got)
	}
}

// TestRunSharedReadsUnderConcurrency runs many controls reading the same
// thing at once: each distinct read is still made once per Region.
func TestRunSharedReadsUnderConcurrency(t *testing.T) {
	for i := 0; i < 20; i++ {
		acct := fakeaws.New("111122223333")
		var controls []secpillar.Control
		for j := 0; j < 16; j++ {
			controls = append(controls, regionControl(fmt.Sprintf("test.c%02d", j)))
		}
		if _, err := secpillar.Run(context.Background(), acct.Config(), controls, func(o *secpillar.RunOptions) { o.Concurrency = 16 }); err != nil {
			t.Fatal(err)
		}
		if got := acct.CallCount("EC2", "DescribeRegions"); got != 1+3 {
			t.Fatalf("iteration %d: DescribeRegions calls = %d, want 4", i, got)
		}
	}
}

func TestRunExplicitRegionNotOptedInIsSkipped(t *testing.T) {
	acct := fakeaws.New("111122223333")
	rep, err := secpillar.Run(context.Background(), acct.Config(), []secpillar.Control{regionControl("test.regional")},
		func(o *secpillar.RunOptions) { o.Regions = []string{"eu-west-1", "af-south-1"} })
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"af-south-1"}, rep.SkippedRegions); diff != "" {
		t.Errorf("SkippedRegions (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]regionStatus{{"test.regional", "eu-west-1", secpillar.StatusPass}}, statuses(rep.Findings)); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}

func TestRunExplicitRegionsWhenListingDenied(t *testing.T) {
	acct := fakeaws.New("111122223333")
	acct.Inject(fakeaws.Fault{Service: "EC2", Operation: "DescribeRegions", Code: "UnauthorizedOperation", FirstN: 1})
	rep, err := secpillar.Run(context.Background(), acct.Config(), []secpillar.Control{regionControl("test.regional")},
		func(o *secpillar.RunOptions) { o.Regions = []string{"eu-west-1"} })
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"eu-west-1"}, rep.Regions); diff != "" {
		t.Errorf("Regions (-want +got):\n%s", diff)
	}
}

// readControl is a control of scope whose check makes one read with read
// and reports PASS, or ERROR with the read's error.
func readControl(id string, scope secpillar.Scope, read func(ctx context.Context, cfg aws.Config) error) secpillar.Control {
	return secpillar.Control{
		ID: id, Title: id, Domain: secpillar.DomainDataProtection, Severity: secpillar.SeverityLow, Scope: scope,
		Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
			if err := read(ctx, cfg); err != nil {
				return nil, err
			}
			return []secpillar.Finding{{Status: secpillar.StatusPass, Resource: secpillar.AccountResource(""), Reason: "read"}}, nil
		},
	}
}

func TestRunSharesAccountWideReadsAcrossRegions(t *testing.T) {
	acct := fakeaws.New("111122223333")
	acct.S3.Bucket("b", "eu-west-1")
	listBuckets := func(ctx context.Context, cfg aws.Config) error {
		_, err := s3.NewFromConfig(cfg).ListBuckets(ctx, &s3.ListBucketsInput{})
		return err
	}
	describeVpcs := func(ctx context.Context, cfg aws.Config) error {
		_, err := ec2.NewFromConfig(cfg).DescribeVpcs(ctx, &ec2.DescribeVpcsInput{})
		return err
	}
	controls := []secpillar.Control{
		readControl("test.buckets", secpillar.ScopeRegional, listBuckets),
		readControl("test.buckets-account", secpillar.ScopeAccount, listBuckets),
		readControl("test.vpcs", secpillar.ScopeRegional, describeVpcs),
	}
	rep, err := secpillar.Run(context.Background(), acct.Config(), controls)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Findings) != 7 {
		t.Fatalf("%d findings, want 7: %+v", len(rep.Findings), rep.Findings)
	}
	// ListBuckets answers the same from every Region's endpoint: one call
	// for three Regions and the account-wide control. A VPC list is
	// regional: one per Region.
	if got := acct.CallCount("S3", "ListBuckets"); got != 1 {
		t.Errorf("ListBuckets calls = %d, want 1", got)
	}
	if got := acct.CallCount("EC2", "DescribeVpcs"); got != 3 {
		t.Errorf("DescribeVpcs calls = %d, want 3 (one per Region)", got)
	}
}

func TestRunSharesNotFoundAnswersButNotErrors(t *testing.T) {
	getPolicy := func(ctx context.Context, cfg aws.Config) error {
		_, err := s3.NewFromConfig(cfg).GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String("b")})
		if awserr.IsNotFound(err) {
			return nil // no policy: an answer
		}
		return err
	}
	controls := []secpillar.Control{
		readControl("test.policy-a", secpillar.ScopeAccount, getPolicy),
		readControl("test.policy-b", secpillar.ScopeAccount, getPolicy),
	}
	for _, tc := range []struct {
		name      string
		deny      bool
		wantCalls int
		wantError int
	}{
		{"no policy is shared", false, 1, 0},
		{"access denied is not", true, 2, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			acct := fakeaws.New("111122223333")
			acct.S3.Bucket("b", "us-east-1")
			if tc.deny {
				acct.DenyAccess("S3", "GetBucketPolicy", "")
			}
			rep, err := secpillar.Run(context.Background(), acct.Config(), controls, func(o *secpillar.RunOptions) { o.Concurrency = 1 })
			if err != nil {
				t.Fatal(err)
			}
			if got := acct.CallCount("S3", "GetBucketPolicy"); got != tc.wantCalls {
				t.Errorf("GetBucketPolicy calls = %d, want %d", got, tc.wantCalls)
			}
			errs := 0
			for _, f := range rep.Findings {
				if f.Status == secpillar.StatusError {
					errs++
				}
			}
			if errs != tc.wantError {
				t.Errorf("%d ERROR findings, want %d: %+v", errs, tc.wantError, rep.Findings)
			}
		})
	}
}

func TestRunDoesNotKeepACredentialReportInProgress(t *testing.T) {
	acct := fakeaws.New("111122223333")
	acct.IAM.ReportReadyAfter = 1 // STARTED, then COMPLETE
	// Each control polls until the report is complete, at most five times;
	// a run that kept the STARTED answer would make every poll see it.
	poll := func(ctx context.Context, cfg aws.Config) error {
		c := iam.NewFromConfig(cfg)
		for range 5 {
			out, err := c.GenerateCredentialReport(ctx, &iam.GenerateCredentialReportInput{})
			if err != nil {
				return err
			}
			if out.State == iamtypes.ReportStateTypeComplete {
				return nil
			}
		}
		return errors.New("test: the report never completed")
	}
	controls := []secpillar.Control{
		readControl("test.report-a", secpillar.ScopeAccount, poll),
		readControl("test.report-b", secpillar.ScopeAccount, poll),
		readControl("test.report-c", secpillar.ScopeAccount, poll),
	}
	rep, err := secpillar.Run(context.Background(), acct.Config(), controls)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range rep.Findings {
		if f.Status != secpillar.StatusPass {
			t.Errorf("%s: %s %s", f.Control, f.Status, f.Reason)
		}
	}
	// The STARTED answer may be shared by callers polling at the same
	// moment, the COMPLETE one by every later poll.
	if got := acct.CallCount("IAM", "GenerateCredentialReport"); got < 2 || got > 4 {
		t.Errorf("GenerateCredentialReport calls = %d, want 2 to 4", got)
	}
}
