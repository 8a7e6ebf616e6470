package fakeaws

import "math/rand/v2"

// synthIncident adds the incident domain's state to a synthetic account; the
// account lock is held.
func synthIncident(a *Account, p SyntheticParams, rng *rand.Rand) {}
