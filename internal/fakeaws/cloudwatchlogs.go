package fakeaws

// CloudWatchLogs fakes Amazon CloudWatch Logs.
type CloudWatchLogs struct {
	acct *Account
}
