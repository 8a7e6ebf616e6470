package dataprotection

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/secpillar/secpillar/internal/fakeaws"
)

// BenchmarkS3BucketControls runs the account-wide bucket controls on a
// synthetic account of 1,000 buckets and reports API calls per bucket.
func BenchmarkS3BucketControls(b *testing.B) {
	a := fakeaws.Synthetic(fakeaws.SyntheticParams{Seed: 1, Buckets: 1000, Regions: 3})
	a.PageSize = 1000 // ListBuckets pages as large as the check asks for
	cfg := a.Config(func(c *aws.Config) { c.Region = "us-east-1" })
	var controls []func(context.Context, aws.Config) error
	for _, c := range Controls() {
		if c.ID == ControlS3BucketNotPublic || c.ID == ControlS3BucketVersioning || c.ID == ControlS3BucketSSEKMS {
			controls = append(controls, func(ctx context.Context, cfg aws.Config) error { _, err := c.Check(ctx, cfg); return err })
		}
	}
	a.ResetCalls()
	b.ResetTimer()
	for b.Loop() {
		for _, run := range controls {
			if err := run(context.Background(), cfg); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(len(a.Calls()))/float64(b.N)/1000, "calls/bucket")
}
