package fakeaws

import "math/rand/v2"

// synthIdentity adds the identity domain's state to a synthetic account; the
// account lock is held.
func synthIdentity(a *Account, p SyntheticParams, rng *rand.Rand) {}
