package dataprotection

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/google/go-cmp/cmp"
	"github.com/secpillar/secpillar/internal/fakeaws"
)

// TestS3CallsPerBucket runs every bucket control of the catalogue on an
// account with 1,000 buckets in three Regions and fails if any makes more
// calls than it needs: ListBuckets pages (the lower bound the page size
// allows), one account-level read where the control needs it, and per
// bucket only the sub-documents the control reads.
func TestS3CallsPerBucket(t *testing.T) {
	const n = 1000
	a := fakeaws.New(testAccount)
	regions := []string{"us-east-1", "eu-west-1", "ap-southeast-2"}
	for i := range n {
		b := a.S3.Bucket(fmt.Sprintf("bucket-%04d", i), regions[i%3])
		switch i % 4 {
		case 0: // neutralised at bucket level: no ACL or policy read
			b.PublicAccessBlock = s3bpa(true, true, true, true)
		case 1: // ACL ignored, policy read
			b.PublicAccessBlock = s3bpa(true, true, true, false)
			b.Policy = policyFor(publicReadPolicy, b.Name)
		case 2: // nothing blocked: ACL and policy read
			b.Versioning = s3types.BucketVersioningStatusEnabled
		}
	}
	listPages := (n + fakeaws.DefaultPageSize - 1) / fakeaws.DefaultPageSize
	sts := map[string]int{"STS.GetCallerIdentity": 1}
	per := func(op string, calls int) map[string]int {
		return map[string]int{"S3.ListBuckets": listPages, "S3." + op: calls}
	}
	want := map[string]map[string]int{
		ControlS3BucketPublicAccessBlock:      per("GetPublicAccessBlock", n),
		ControlS3BucketDenyInsecureTransport:  per("GetBucketPolicy", n),
		ControlS3BucketMFADelete:              per("GetBucketVersioning", n),
		ControlS3BucketACLsDisabled:           per("GetBucketOwnershipControls", n),
		ControlS3BucketAccessLogging:          per("GetBucketLogging", n),
		ControlS3BucketSSEKMS:                 per("GetBucketEncryption", n),
		ControlS3BucketSSECBlocked:            per("GetBucketEncryption", n),
		ControlS3BucketVersioning:             per("GetBucketVersioning", n),
		ControlS3BucketCrossAccountRestricted: merge(per("GetBucketPolicy", n), sts),
		ControlS3BucketNotPublic: merge(sts, map[string]int{
			"S3 Control.GetPublicAccessBlock": 1,
			"S3.ListBuckets":                  listPages,
			"S3.GetPublicAccessBlock":         n,
			"S3.GetBucketAcl":                 n / 2,     // cases 2 and 3
			"S3.GetBucketPolicy":              3 * n / 4, // cases 1, 2 and 3
		}),
	}
	cfg := a.Config(func(c *aws.Config) { c.Region = "us-east-1" })
	var report []string
	for _, c := range Controls() {
		w, ok := want[c.ID]
		if !ok {
			continue
		}
		a.ResetCalls()
		fs, err := c.Check(context.Background(), cfg)
		if err != nil {
			t.Fatalf("%s: %v", c.ID, err)
		}
		if len(fs) != n {
			t.Errorf("%s: %d findings, want %d", c.ID, len(fs), n)
		}
		got := a.CallCounts()
		if diff := cmp.Diff(w, got); diff != "" {
			t.Errorf("%s: calls (-want +got):\n%s", c.ID, diff)
		}
		total := 0
		for _, v := range got {
			total += v
		}
		report = append(report, fmt.Sprintf("%-52s %.2f calls/bucket", c.ID, float64(total)/n))
	}
	sort.Strings(report)
	t.Logf("S3 calls per bucket (%d buckets, ListBuckets page size %d):\n%s", n, fakeaws.DefaultPageSize, strings.Join(report, "\n"))
}

func merge(ms ...map[string]int) map[string]int {
	out := map[string]int{}
	for _, m := range ms {
		for k, v := range m {
			out[k] += v
		}
	}
	return out
}
