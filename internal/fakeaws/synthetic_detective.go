package fakeaws

import "math/rand/v2"

// synthDetective adds the detective domain's state to a synthetic account; the
// account lock is held.
func synthDetective(a *Account, p SyntheticParams, rng *rand.Rand) {}
