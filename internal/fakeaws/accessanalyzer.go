package fakeaws

// AccessAnalyzer fakes IAM Access Analyzer.
type AccessAnalyzer struct {
	acct *Account
}
