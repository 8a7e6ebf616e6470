package fakeaws

// KMS fakes AWS Key Management Service.
type KMS struct {
	acct *Account
}
