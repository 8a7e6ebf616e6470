package fakeaws

import "math/rand/v2"

// synthInfrastructure adds the infrastructure domain's state to a synthetic account; the
// account lock is held.
func synthInfrastructure(a *Account, p SyntheticParams, rng *rand.Rand) {}
