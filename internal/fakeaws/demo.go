package fakeaws

// DemoAccountID is the ID of the built-in demo account.
const DemoAccountID = "123456789012"

// Demo returns the built-in demo account: realistic state in every domain,
// in several Regions, where some controls pass and some fail. Dates are
// relative to the account's clock at the time of the call.
func Demo() *Account {
	a := New(DemoAccountID)
	a.mu.Lock()
	defer a.mu.Unlock()
	seedIdentityDemo(a)
	seedDetectiveDemo(a)
	seedInfrastructureDemo(a)
	seedDataProtectionDemo(a)
	seedIncidentDemo(a)
	return a
}
