package fakeaws

// CloudTrail fakes AWS CloudTrail.
type CloudTrail struct {
	acct *Account
}
