package fakeaws

// Inspector2 fakes Amazon Inspector.
type Inspector2 struct {
	acct *Account
}
