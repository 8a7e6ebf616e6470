package fakeaws

// GlobalAccelerator fakes AWS Global Accelerator.
type GlobalAccelerator struct {
	acct *Account
}
