package fakeaws

// Shield fakes AWS Shield.
type Shield struct {
	acct *Account
}
