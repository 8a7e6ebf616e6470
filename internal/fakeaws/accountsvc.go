package fakeaws

// AccountService fakes AWS Account Management (alternate contacts).
type AccountService struct {
	acct *Account
}
