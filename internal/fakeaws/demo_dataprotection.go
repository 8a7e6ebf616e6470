package fakeaws

// seedDataProtectionDemo adds the dataprotection domain's state to the demo account; the
// account lock is held.
func seedDataProtectionDemo(a *Account) {}
