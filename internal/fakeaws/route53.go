package fakeaws

// Route53 fakes Amazon Route 53.
type Route53 struct {
	acct *Account
}
