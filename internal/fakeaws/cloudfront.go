package fakeaws

// CloudFront fakes Amazon CloudFront.
type CloudFront struct {
	acct *Account
}
