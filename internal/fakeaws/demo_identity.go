package fakeaws

// seedIdentityDemo adds the identity domain's state to the demo account; the
// account lock is held.
func seedIdentityDemo(a *Account) {}
