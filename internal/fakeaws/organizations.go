package fakeaws

import (
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
)

// Organizations fakes AWS Organizations as seen from this account. A nil
// Organization means the account belongs to none.
type Organizations struct {
	acct *Account

	Organization *orgtypes.Organization
	Accounts     []orgtypes.Account
	// ServiceAccess lists the service principals with trusted access.
	ServiceAccess []orgtypes.EnabledServicePrincipal
	// RootFeatures lists the enabled centralised root access features
	// ("RootCredentialsManagement", "RootSessions").
	RootFeatures []string
	// DelegatedIAMAdmins lists the member accounts registered as delegated
	// administrators for IAM (iam.amazonaws.com).
	DelegatedIAMAdmins []string
}
