package fakeaws

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
)

func orgNotInUse() error {
	return &orgtypes.AWSOrganizationsNotInUseException{Message: aws.String("Your account is not a member of an organization.")}
}

func (f *Organizations) isManagementLocked() bool {
	return f.Organization != nil && aws.ToString(f.Organization.MasterAccountId) == f.acct.ID
}

func (f *Organizations) delegatedIAMLocked(id string) bool {
	for _, a := range f.DelegatedIAMAdmins {
		if a == id {
			return true
		}
	}
	return false
}

func (f *Organizations) serviceAccessLocked(principal string) bool {
	for _, s := range f.ServiceAccess {
		if aws.ToString(s.ServicePrincipal) == principal {
			return true
		}
	}
	return false
}

// DescribeOrganization returns the organization the account belongs to, or
// AWSOrganizationsNotInUseException. Any member may call it.
func (f *Organizations) DescribeOrganization(ctx context.Context, in *organizations.DescribeOrganizationInput, optFns ...func(*organizations.Options)) (*organizations.DescribeOrganizationOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	if f.Organization == nil {
		return nil, orgNotInUse()
	}
	o := *f.Organization
	o.AvailablePolicyTypes = append([]orgtypes.PolicyTypeSummary(nil), o.AvailablePolicyTypes...)
	return &organizations.DescribeOrganizationOutput{Organization: &o}, nil
}

// ListAWSServiceAccessForOrganization lists the services with trusted
// access; only the management account (or a delegated administrator) may
// call it.
func (f *Organizations) ListAWSServiceAccessForOrganization(ctx context.Context, in *organizations.ListAWSServiceAccessForOrganizationInput, optFns ...func(*organizations.Options)) (*organizations.ListAWSServiceAccessForOrganizationOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	if f.Organization == nil {
		return nil, orgNotInUse()
	}
	if !f.isManagementLocked() && !f.delegatedIAMLocked(f.acct.ID) {
		return nil, &orgtypes.AccessDeniedException{Message: aws.String("You don't have permissions to access this resource.")}
	}
	items, next, err := page(f.acct, f.ServiceAccess, in.NextToken, aws.ToInt32(in.MaxResults))
	if err != nil {
		return nil, err
	}
	return &organizations.ListAWSServiceAccessForOrganizationOutput{EnabledServicePrincipals: items, NextToken: next}, nil
}

// EnableAWSServiceAccess gives a service trusted access to the
// organization; only the management account may call it.
func (f *Organizations) EnableAWSServiceAccess(ctx context.Context, in *organizations.EnableAWSServiceAccessInput, optFns ...func(*organizations.Options)) (*organizations.EnableAWSServiceAccessOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	if f.Organization == nil {
		return nil, orgNotInUse()
	}
	if !f.isManagementLocked() {
		return nil, &orgtypes.AccessDeniedException{Message: aws.String("You don't have permissions to access this resource.")}
	}
	p := aws.ToString(in.ServicePrincipal)
	if p == "" {
		return nil, &orgtypes.InvalidInputException{Message: aws.String("ServicePrincipal is required")}
	}
	if !f.serviceAccessLocked(p) {
		now := f.acct.now()
		f.ServiceAccess = append(f.ServiceAccess, orgtypes.EnabledServicePrincipal{ServicePrincipal: aws.String(p), DateEnabled: &now})
	}
	return &organizations.EnableAWSServiceAccessOutput{}, nil
}
