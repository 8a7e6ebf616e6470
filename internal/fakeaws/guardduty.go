package fakeaws

// GuardDuty fakes Amazon GuardDuty.
type GuardDuty struct {
	acct *Account
}
