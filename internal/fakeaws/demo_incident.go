package fakeaws

// seedIncidentDemo adds the incident domain's state to the demo account; the
// account lock is held.
func seedIncidentDemo(a *Account) {}
