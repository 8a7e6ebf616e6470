package fakeaws

// S3 fakes Amazon S3.
type S3 struct {
	acct *Account
}
