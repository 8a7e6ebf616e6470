package fakeaws

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// GetAccountSummary returns the account's IAM usage and the root user's
// credential flags, computed from the state.
func (f *IAM) GetAccountSummary(ctx context.Context, in *iam.GetAccountSummaryInput, optFns ...func(*iam.Options)) (*iam.GetAccountSummaryOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	b := func(v bool) int32 {
		if v {
			return 1
		}
		return 0
	}
	rootKeys := len(f.Root.AccessKeys) > 0
	mfaDevices, inUse := 0, 0
	for _, d := range f.VirtualMFA {
		mfaDevices++
		if d.User != nil {
			inUse++
		}
	}
	for _, u := range f.Users {
		for _, d := range u.MFADevices {
			if !f.isVirtualLocked(aws.ToString(d.SerialNumber)) {
				mfaDevices++
				inUse++
			}
		}
	}
	if f.Root.MFAActive && f.Root.MFASerial == "" {
		mfaDevices++
		inUse++
	}
	version := f.GlobalEndpointTokenVersion
	if version == 0 {
		version = 1
	}
	m := map[string]int32{
		"Users":                             int32(len(f.Users)),
		"UsersQuota":                        5000,
		"Groups":                            int32(len(f.Groups)),
		"GroupsQuota":                       300,
		"Roles":                             int32(len(f.Roles)),
		"RolesQuota":                        1000,
		"Policies":                          int32(f.customerPoliciesLocked()),
		"PoliciesQuota":                     1500,
		"ServerCertificates":                int32(len(f.ServerCerts)),
		"ServerCertificatesQuota":           20,
		"MFADevices":                        int32(mfaDevices),
		"MFADevicesInUse":                   int32(inUse),
		"AccountMFAEnabled":                 b(f.Root.MFAActive),
		"AccountAccessKeysPresent":          b(rootKeys),
		"AccountPasswordPresent":            b(f.Root.PasswordEnabled),
		"AccountSigningCertificatesPresent": b(f.Root.SigningCerts > 0),
		"GlobalEndpointTokenVersion":        int32(version),
		"AccessKeysPerUserQuota":            2,
		"AttachedPoliciesPerRoleQuota":      10,
		"AttachedPoliciesPerUserQuota":      10,
		"AttachedPoliciesPerGroupQuota":     10,
		"VersionsPerPolicyQuota":            5,
	}
	return &iam.GetAccountSummaryOutput{SummaryMap: m}, nil
}

func (f *IAM) customerPoliciesLocked() int {
	n := 0
	for _, p := range f.Policies {
		if !isAWSManaged(aws.ToString(p.Policy.Arn)) {
			n++
		}
	}
	return n
}

// isVirtualLocked reports whether serial names one of the account's
// virtual MFA devices (a root virtual device included).
func (f *IAM) isVirtualLocked(serial string) bool {
	for _, d := range f.VirtualMFA {
		if aws.ToString(d.SerialNumber) == serial {
			return true
		}
	}
	return f.Root.MFASerial != "" && f.Root.MFASerial == serial
}

// GetAccountPasswordPolicy returns the password policy, or
// NoSuchEntityException when none is set.
func (f *IAM) GetAccountPasswordPolicy(ctx context.Context, in *iam.GetAccountPasswordPolicyInput, optFns ...func(*iam.Options)) (*iam.GetAccountPasswordPolicyOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	if f.PasswordPolicy == nil {
		return nil, &iamtypes.NoSuchEntityException{Message: aws.String(fmt.Sprintf("The Password Policy with domain name %s cannot be found.", f.acct.ID))}
	}
	p := *f.PasswordPolicy
	p.HardExpiry = copyPtr(p.HardExpiry)
	p.MaxPasswordAge = copyPtr(p.MaxPasswordAge)
	p.MinimumPasswordLength = copyPtr(p.MinimumPasswordLength)
	p.PasswordReusePrevention = copyPtr(p.PasswordReusePrevention)
	return &iam.GetAccountPasswordPolicyOutput{PasswordPolicy: &p}, nil
}

// UpdateAccountPasswordPolicy replaces the whole password policy, as IAM
// does: a parameter left out takes its default value.
func (f *IAM) UpdateAccountPasswordPolicy(ctx context.Context, in *iam.UpdateAccountPasswordPolicyInput, optFns ...func(*iam.Options)) (*iam.UpdateAccountPasswordPolicyOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	minLen := int32(8) // IAM's default when the parameter is left out
	if in.MinimumPasswordLength != nil {
		minLen = *in.MinimumPasswordLength
	}
	if minLen < 6 || minLen > 128 {
		return nil, invalidInput("MinimumPasswordLength must be between 6 and 128")
	}
	if v := in.PasswordReusePrevention; v != nil && (*v < 1 || *v > 24) {
		return nil, invalidInput("PasswordReusePrevention must be between 1 and 24")
	}
	if v := in.MaxPasswordAge; v != nil && (*v < 1 || *v > 1095) {
		return nil, invalidInput("MaxPasswordAge must be between 1 and 1095")
	}
	p := &iamtypes.PasswordPolicy{
		AllowUsersToChangePassword: in.AllowUsersToChangePassword,
		MinimumPasswordLength:      aws.Int32(minLen),
		PasswordReusePrevention:    copyPtr(in.PasswordReusePrevention),
		MaxPasswordAge:             copyPtr(in.MaxPasswordAge),
		ExpirePasswords:            in.MaxPasswordAge != nil && *in.MaxPasswordAge > 0,
		HardExpiry:                 aws.Bool(aws.ToBool(in.HardExpiry)),
		RequireLowercaseCharacters: in.RequireLowercaseCharacters,
		RequireUppercaseCharacters: in.RequireUppercaseCharacters,
		RequireNumbers:             in.RequireNumbers,
		RequireSymbols:             in.RequireSymbols,
	}
	f.PasswordPolicy = p
	return &iam.UpdateAccountPasswordPolicyOutput{}, nil
}

// DeleteAccountPasswordPolicy removes the password policy.
func (f *IAM) DeleteAccountPasswordPolicy(ctx context.Context, in *iam.DeleteAccountPasswordPolicyInput, optFns ...func(*iam.Options)) (*iam.DeleteAccountPasswordPolicyOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	if f.PasswordPolicy == nil {
		return nil, &iamtypes.NoSuchEntityException{Message: aws.String("The account policy with name PasswordPolicy cannot be found.")}
	}
	f.PasswordPolicy = nil
	return &iam.DeleteAccountPasswordPolicyOutput{}, nil
}

// SetSecurityTokenServicePreferences sets the STS global endpoint token
// version that GetAccountSummary reports as GlobalEndpointTokenVersion.
func (f *IAM) SetSecurityTokenServicePreferences(ctx context.Context, in *iam.SetSecurityTokenServicePreferencesInput, optFns ...func(*iam.Options)) (*iam.SetSecurityTokenServicePreferencesOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	switch in.GlobalEndpointTokenVersion {
	case iamtypes.GlobalEndpointTokenVersionV1Token:
		f.GlobalEndpointTokenVersion = 1
	case iamtypes.GlobalEndpointTokenVersionV2Token:
		f.GlobalEndpointTokenVersion = 2
	default:
		return nil, invalidInput(fmt.Sprintf("1 validation error detected: Value '%s' at 'globalEndpointTokenVersion' failed to satisfy constraint: Member must satisfy enum value set: [v1Token, v2Token]", in.GlobalEndpointTokenVersion))
	}
	return &iam.SetSecurityTokenServicePreferencesOutput{}, nil
}

// ListOrganizationsFeatures returns the centralised root access features
// enabled for the organization (Organizations.RootFeatures).
func (f *IAM) ListOrganizationsFeatures(ctx context.Context, in *iam.ListOrganizationsFeaturesInput, optFns ...func(*iam.Options)) (*iam.ListOrganizationsFeaturesOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	org, err := f.rootAccessOrgLocked()
	if err != nil {
		return nil, err
	}
	out := &iam.ListOrganizationsFeaturesOutput{OrganizationId: org.Id}
	for _, feat := range f.acct.Organizations.RootFeatures {
		out.EnabledFeatures = append(out.EnabledFeatures, iamtypes.FeatureType(feat))
	}
	return out, nil
}

// EnableOrganizationsRootCredentialsManagement turns on centralised
// management of member accounts' root credentials.
func (f *IAM) EnableOrganizationsRootCredentialsManagement(ctx context.Context, in *iam.EnableOrganizationsRootCredentialsManagementInput, optFns ...func(*iam.Options)) (*iam.EnableOrganizationsRootCredentialsManagementOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	org, err := f.enableRootFeatureLocked(string(iamtypes.FeatureTypeRootCredentialsManagement))
	if err != nil {
		return nil, err
	}
	out := &iam.EnableOrganizationsRootCredentialsManagementOutput{OrganizationId: org.Id}
	for _, feat := range f.acct.Organizations.RootFeatures {
		out.EnabledFeatures = append(out.EnabledFeatures, iamtypes.FeatureType(feat))
	}
	return out, nil
}

// EnableOrganizationsRootSessions turns on privileged root sessions for
// member accounts.
func (f *IAM) EnableOrganizationsRootSessions(ctx context.Context, in *iam.EnableOrganizationsRootSessionsInput, optFns ...func(*iam.Options)) (*iam.EnableOrganizationsRootSessionsOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	org, err := f.enableRootFeatureLocked(string(iamtypes.FeatureTypeRootSessions))
	if err != nil {
		return nil, err
	}
	out := &iam.EnableOrganizationsRootSessionsOutput{OrganizationId: org.Id}
	for _, feat := range f.acct.Organizations.RootFeatures {
		out.EnabledFeatures = append(out.EnabledFeatures, iamtypes.FeatureType(feat))
	}
	return out, nil
}

// rootAccessOrgLocked returns the organization for the centralised root
// access operations, with the errors IAM gives when it cannot be used.
func (f *IAM) rootAccessOrgLocked() (*organizationView, error) {
	o := f.acct.Organizations.Organization
	if o == nil {
		return nil, &iamtypes.OrganizationNotFoundException{Message: aws.String("The request failed because AWS Organizations is not in use for this account.")}
	}
	if o.FeatureSet != "ALL" {
		return nil, &iamtypes.OrganizationNotInAllFeaturesModeException{Message: aws.String("The request failed because the organization does not have all features enabled.")}
	}
	if aws.ToString(o.MasterAccountId) != f.acct.ID && !f.acct.Organizations.delegatedIAMLocked(f.acct.ID) {
		return nil, &iamtypes.AccountNotManagementOrDelegatedAdministratorException{Message: aws.String("The request was rejected because the account is not the management account or a delegated administrator.")}
	}
	if !f.acct.Organizations.serviceAccessLocked("iam.amazonaws.com") {
		return nil, &iamtypes.ServiceAccessNotEnabledException{Message: aws.String("The request failed because trusted access for IAM is not enabled in AWS Organizations.")}
	}
	return &organizationView{Id: o.Id}, nil
}

type organizationView struct{ Id *string }

func (f *IAM) enableRootFeatureLocked(feature string) (*organizationView, error) {
	org, err := f.rootAccessOrgLocked()
	if err != nil {
		return nil, err
	}
	for _, have := range f.acct.Organizations.RootFeatures {
		if have == feature {
			return org, nil // enabling again changes nothing
		}
	}
	f.acct.Organizations.RootFeatures = append(f.acct.Organizations.RootFeatures, feature)
	return org, nil
}

func invalidInput(msg string) error {
	return &iamtypes.InvalidInputException{Message: aws.String(msg)}
}

func copyPtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}
