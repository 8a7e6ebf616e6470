package fakeaws

// SNS fakes Amazon SNS.
type SNS struct {
	acct *Account
}
