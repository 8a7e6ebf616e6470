package fakeaws

import (
	"time"

	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// IAM fakes AWS Identity and Access Management. Policy documents are kept
// as plain JSON and URL-encoded on the way out, as IAM returns them.
type IAM struct {
	acct *Account

	Users          []*IAMUser
	Groups         []*IAMGroup
	Roles          []*IAMRole
	Policies       []*IAMPolicy // customer and AWS managed
	PasswordPolicy *iamtypes.PasswordPolicy
	VirtualMFA     []iamtypes.VirtualMFADevice
	ServerCerts    []iamtypes.ServerCertificateMetadata
	Root           IAMRoot
}

// IAMUser is one IAM user and everything attached to it.
type IAMUser struct {
	User             iamtypes.User
	LoginProfile     *iamtypes.LoginProfile
	AccessKeys       []iamtypes.AccessKeyMetadata
	KeyLastUsed      map[string]iamtypes.AccessKeyLastUsed // by access key ID
	MFADevices       []iamtypes.MFADevice
	InlinePolicies   []NamedDocument
	AttachedPolicies []string // policy ARNs
	GroupNames       []string
}

// IAMGroup is one IAM group.
type IAMGroup struct {
	Group            iamtypes.Group
	InlinePolicies   []NamedDocument
	AttachedPolicies []string
}

// IAMRole is one IAM role; Role.AssumeRolePolicyDocument is plain JSON.
type IAMRole struct {
	Role             iamtypes.Role
	InlinePolicies   []NamedDocument
	AttachedPolicies []string
}

// IAMPolicy is one managed policy with its versions (documents in plain
// JSON).
type IAMPolicy struct {
	Policy   iamtypes.Policy
	Versions []iamtypes.PolicyVersion
}

// NamedDocument is an inline policy: its name and plain-JSON document.
type NamedDocument struct {
	Name     string
	Document string
}

// IAMRoot is the state of the account's root user as the credential
// report and GetAccountSummary show it.
type IAMRoot struct {
	PasswordEnabled  bool
	PasswordLastUsed *time.Time
	MFAActive        bool
	MFASerial        string // a virtual device's serial, or "" for hardware
	AccessKeys       []RootKey
}

// RootKey is one of the root user's access keys.
type RootKey struct {
	Active   bool
	LastUsed *time.Time
	Rotated  time.Time
}
