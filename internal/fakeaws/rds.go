package fakeaws

// RDS fakes Amazon RDS.
type RDS struct {
	acct *Account
}
