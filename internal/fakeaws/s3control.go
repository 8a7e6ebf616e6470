package fakeaws

// S3Control fakes Amazon S3 Control (account-level settings and access points).
type S3Control struct {
	acct *Account
}
