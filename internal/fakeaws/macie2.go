package fakeaws

// Macie2 fakes Amazon Macie.
type Macie2 struct {
	acct *Account
}
