package fakeaws

// seedDetectiveDemo adds the detective domain's state to the demo account; the
// account lock is held.
func seedDetectiveDemo(a *Account) {}
