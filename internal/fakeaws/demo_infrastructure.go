package fakeaws

// seedInfrastructureDemo adds the infrastructure domain's state to the demo account; the
// account lock is held.
func seedInfrastructureDemo(a *Account) {}
