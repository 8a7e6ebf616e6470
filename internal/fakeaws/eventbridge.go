package fakeaws

// EventBridge fakes Amazon EventBridge.
type EventBridge struct {
	acct *Account
}
