package fakeaws

// ConfigService fakes AWS Config.
type ConfigService struct {
	acct *Account
}
