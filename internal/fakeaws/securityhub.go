package fakeaws

// SecurityHub fakes AWS Security Hub.
type SecurityHub struct {
	acct *Account
}
