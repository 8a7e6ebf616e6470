package fakeaws

import "math/rand/v2"

// synthDataProtection adds the dataprotection domain's state to a synthetic account; the
// account lock is held.
func synthDataProtection(a *Account, p SyntheticParams, rng *rand.Rand) {}
