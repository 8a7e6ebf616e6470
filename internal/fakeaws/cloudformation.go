package fakeaws

// CloudFormation fakes AWS CloudFormation.
type CloudFormation struct {
	acct *Account
}
