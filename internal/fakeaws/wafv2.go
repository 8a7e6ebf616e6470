package fakeaws

// WAFv2 fakes AWS WAF (v2).
type WAFv2 struct {
	acct *Account
}
