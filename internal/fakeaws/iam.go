package fakeaws

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
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

	// GlobalEndpointTokenVersion is the STS global endpoint token version
	// (1 or 2) that SetSecurityTokenServicePreferences sets; 0 reads as 1.
	GlobalEndpointTokenVersion int

	// ReportReadyAfter is how many GenerateCredentialReport or
	// GetCredentialReport calls after the one that starts a credential
	// report it takes for the report to complete: 0 means 2 (the states
	// go STARTED, INPROGRESS, COMPLETE), a negative value completes it at
	// once.
	ReportReadyAfter int
	report           *credentialReport
	nextID           int
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
	// Created is the root user's creation time; zero means a year before
	// the account clock.
	Created          time.Time
	PasswordEnabled  bool
	PasswordLastUsed *time.Time
	MFAActive        bool
	MFASerial        string // a virtual device's serial, or "" for hardware
	AccessKeys       []RootKey
	// SigningCerts is the number of the root user's X.509 signing
	// certificates.
	SigningCerts int
}

// RootKey is one of the root user's access keys.
type RootKey struct {
	Active   bool
	LastUsed *time.Time
	Rotated  time.Time
}

// AddUser adds a user named name, created at created, and returns it so
// that a test or seeder can give it a password, keys or policies.
func (f *IAM) AddUser(name string, created time.Time) *IAMUser {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	return f.addUserLocked(name, created)
}

func (f *IAM) addUserLocked(name string, created time.Time) *IAMUser {
	c := created.UTC()
	u := &IAMUser{
		User: iamtypes.User{
			UserName: aws.String(name), UserId: aws.String(f.newIDLocked("AIDA")), Path: aws.String("/"),
			Arn: aws.String("arn:aws:iam::" + f.acct.ID + ":user/" + name), CreateDate: &c,
		},
		KeyLastUsed: map[string]iamtypes.AccessKeyLastUsed{},
	}
	f.Users = append(f.Users, u)
	return u
}

// AddRole adds a role named name with a plain-JSON trust policy and
// returns it.
func (f *IAM) AddRole(name, trustPolicy string, created time.Time) *IAMRole {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	return f.addRoleLocked(name, "/", trustPolicy, created)
}

func (f *IAM) addRoleLocked(name, path, trustPolicy string, created time.Time) *IAMRole {
	c := created.UTC()
	r := &IAMRole{Role: iamtypes.Role{
		RoleName: aws.String(name), RoleId: aws.String(f.newIDLocked("AROA")), Path: aws.String(path),
		Arn:                      aws.String("arn:aws:iam::" + f.acct.ID + ":role" + path + name),
		AssumeRolePolicyDocument: aws.String(trustPolicy), CreateDate: &c, MaxSessionDuration: aws.Int32(3600),
	}}
	f.Roles = append(f.Roles, r)
	return r
}

// AddPolicy adds a customer managed policy with one (default) version and
// returns it.
func (f *IAM) AddPolicy(name, document string, created time.Time) *IAMPolicy {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	return f.addPolicyLocked(name, document, created)
}

func (f *IAM) addPolicyLocked(name, document string, created time.Time) *IAMPolicy {
	c := created.UTC()
	p := &IAMPolicy{
		Policy: iamtypes.Policy{
			PolicyName: aws.String(name), PolicyId: aws.String(f.newIDLocked("ANPA")), Path: aws.String("/"),
			Arn:              aws.String("arn:aws:iam::" + f.acct.ID + ":policy/" + name),
			DefaultVersionId: aws.String("v1"), IsAttachable: true, CreateDate: &c, UpdateDate: &c,
		},
		Versions: []iamtypes.PolicyVersion{{VersionId: aws.String("v1"), IsDefaultVersion: true, Document: aws.String(document), CreateDate: &c}},
	}
	f.Policies = append(f.Policies, p)
	return p
}

// AddAccessKey gives the user an access key with the given ID, status and
// creation time. lastUsed, when not nil, is its last
// use.
func (u *IAMUser) AddAccessKey(id string, status iamtypes.StatusType, created time.Time, lastUsed *time.Time) {
	c := created.UTC()
	u.AccessKeys = append(u.AccessKeys, iamtypes.AccessKeyMetadata{AccessKeyId: aws.String(id), Status: status, CreateDate: &c, UserName: u.User.UserName})
	if lastUsed != nil {
		if u.KeyLastUsed == nil {
			u.KeyLastUsed = map[string]iamtypes.AccessKeyLastUsed{}
		}
		l := lastUsed.UTC()
		u.KeyLastUsed[id] = iamtypes.AccessKeyLastUsed{LastUsedDate: &l, Region: aws.String("us-east-1"), ServiceName: aws.String("s3")}
	}
}

// SetPassword gives the user a console password set at changed; lastUsed,
// when not nil, is its last use.
func (u *IAMUser) SetPassword(changed time.Time, lastUsed *time.Time) {
	c := changed.UTC()
	u.LoginProfile = &iamtypes.LoginProfile{UserName: u.User.UserName, CreateDate: &c}
	if lastUsed != nil {
		l := lastUsed.UTC()
		u.User.PasswordLastUsed = &l
	}
}

// AddUserMFA gives the user an MFA device enabled at enabled: a virtual
// device (also listed by ListVirtualMFADevices) or a hardware one.
func (f *IAM) AddUserMFA(u *IAMUser, virtual bool, enabled time.Time) string {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	return f.addUserMFALocked(u, virtual, enabled)
}

func (f *IAM) addUserMFALocked(u *IAMUser, virtual bool, enabled time.Time) string {
	e := enabled.UTC()
	name := aws.ToString(u.User.UserName)
	serial := "arn:aws:iam::" + f.acct.ID + ":mfa/" + name
	if !virtual {
		serial = "GAHT" + f.newIDLocked("")[4:]
	}
	u.MFADevices = append(u.MFADevices, iamtypes.MFADevice{SerialNumber: aws.String(serial), UserName: u.User.UserName, EnableDate: &e})
	if virtual {
		user := u.User
		user.Tags = nil
		f.VirtualMFA = append(f.VirtualMFA, iamtypes.VirtualMFADevice{SerialNumber: aws.String(serial), EnableDate: &e, User: &user})
	}
	return serial
}
