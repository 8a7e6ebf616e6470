package fakeaws

// AutoScaling fakes Amazon EC2 Auto Scaling.
type AutoScaling struct {
	acct *Account
}
