package fakeaws

// CloudWatch fakes Amazon CloudWatch (metrics and alarms).
type CloudWatch struct {
	acct *Account
}
