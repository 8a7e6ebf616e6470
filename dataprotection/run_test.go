package dataprotection

import (
	"context"
	"testing"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/internal/fakeaws"
)

// TestRunOnDemo runs the whole catalogue through secpillar.Run on the demo
// account: complete, no ERROR findings, and the S3 controls share one walk
// of ListBuckets and one read per bucket sub-document.
func TestRunOnDemo(t *testing.T) {
	a := fakeaws.Demo()
	// Counts are asserted on a sequential run: with concurrent checks, Run's
	// cache can still repeat a read whose first caller finished between the
	// cache lookup and the singleflight (reported to Run's owner).
	if rep, err := secpillar.Run(context.Background(), fakeaws.Demo().Config(), Controls()); err != nil || rep.Incomplete {
		t.Fatalf("concurrent run: %v, %+v", err, rep.Errors)
	}
	rep, err := secpillar.Run(context.Background(), a.Config(), Controls(), func(o *secpillar.RunOptions) { o.Concurrency = 1 })
	if err != nil {
		t.Fatal(err)
	}
	if rep.Incomplete || len(rep.Errors) > 0 {
		t.Fatalf("incomplete run: %+v", rep.Errors)
	}
	for _, f := range rep.Findings {
		if f.Status == secpillar.StatusError {
			t.Errorf("ERROR finding: %+v", f)
		}
		if f.Resource.Account == "" {
			t.Errorf("finding without an account: %+v", f)
		}
	}
	buckets := len(a.S3.Buckets)
	pages := (buckets + fakeaws.DefaultPageSize - 1) / fakeaws.DefaultPageSize
	// ListBuckets: one shared walk for the account-wide bucket controls,
	// plus one per Region for classification (BucketRegion filter).
	if n, max := a.CallCount("S3", "ListBuckets"), pages+3*pages; n > max {
		t.Errorf("ListBuckets called %d times, want at most %d", n, max)
	}
	if n := a.CallCount("S3", "GetBucketVersioning"); n != buckets {
		t.Errorf("GetBucketVersioning called %d times for %d buckets (versioning and MFA delete share it)", n, buckets)
	}
	if n := a.CallCount("S3", "GetBucketEncryption"); n != buckets {
		t.Errorf("GetBucketEncryption called %d times for %d buckets (SSE-KMS and SSE-C share it)", n, buckets)
	}
	if n := a.CallCount("S3 Control", "GetPublicAccessBlock"); n != 1 {
		t.Errorf("account-level flags read %d times, want 1 (shared by two controls)", n)
	}
}
