package fakeaws

import (
	"testing"
	"time"
)

func TestSynthDataProtection(t *testing.T) {
	p := SyntheticParams{Seed: 7, Buckets: 1000, Regions: 3, VolumesPerRegion: 50, SnapshotsPerRegion: 50, KeysPerRegion: 10, DatabasesPerRegion: 10}
	start := time.Now()
	a := Synthetic(p)
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("building took %v", d)
	}
	if n := len(a.S3.Buckets); n != 1000 {
		t.Errorf("%d buckets, want 1000", n)
	}
	for _, r := range a.EnabledRegions() {
		if n := len(a.EC2.Region(r).Volumes); n < 50 {
			t.Errorf("%s: %d volumes", r, n)
		}
		if n := len(a.KMS.Region(r).Keys); n != 10 {
			t.Errorf("%s: %d keys", r, n)
		}
		if n := len(a.RDS.Region(r).Instances); n != 10 {
			t.Errorf("%s: %d databases", r, n)
		}
	}
	b := Synthetic(p)
	for name, x := range a.S3.Buckets {
		y := b.S3.Buckets[name]
		if y == nil || x.Region != y.Region || x.Policy != y.Policy || x.Versioning != y.Versioning || (x.Logging == nil) != (y.Logging == nil) {
			t.Fatalf("bucket %s differs between two builds with the same seed", name)
		}
	}
}
