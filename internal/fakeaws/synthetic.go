package fakeaws

import "math/rand/v2"

// SyntheticParams sizes a synthetic account. Counts per Region apply to
// every enabled Region.
type SyntheticParams struct {
	Seed uint64

	Users    int
	Roles    int
	Policies int // customer managed
	Buckets  int

	Regions                 int // enabled Regions, at most len(SyntheticRegionNames)
	SecurityGroupsPerRegion int
	RulesPerGroup           int
	NACLsPerRegion          int
	VolumesPerRegion        int
	SnapshotsPerRegion      int
	KeysPerRegion           int
	DatabasesPerRegion      int
	Distributions           int // CloudFront, global
}

// SyntheticRegionNames are the Regions a synthetic account uses, in order.
var SyntheticRegionNames = []string{
	"us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1", "eu-west-2", "eu-west-3",
	"eu-central-1", "eu-north-1", "ap-southeast-1", "ap-southeast-2", "ap-northeast-1",
	"ap-northeast-2", "ap-northeast-3", "ap-south-1", "ca-central-1", "sa-east-1",
}

// Synthetic returns a large account built deterministically from p.Seed:
// the same parameters give the same account.
func Synthetic(p SyntheticParams) *Account {
	a := New("210987654321")
	n := p.Regions
	if n <= 0 {
		n = 1
	}
	if n > len(SyntheticRegionNames) {
		n = len(SyntheticRegionNames)
	}
	a.Regions = nil
	for _, r := range SyntheticRegionNames[:n] {
		a.Regions = append(a.Regions, RegionInfo{Name: r, OptInStatus: "opt-in-not-required"})
	}
	a.Regions = append(a.Regions, RegionInfo{Name: "me-south-1", OptInStatus: "not-opted-in"})
	rng := rand.New(rand.NewPCG(p.Seed, p.Seed^0x5ec9111a))
	a.mu.Lock()
	defer a.mu.Unlock()
	synthIdentity(a, p, rng)
	synthDetective(a, p, rng)
	synthInfrastructure(a, p, rng)
	synthDataProtection(a, p, rng)
	synthIncident(a, p, rng)
	return a
}
