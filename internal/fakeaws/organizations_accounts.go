package fakeaws

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
)

// ListAccounts lists the organization's accounts, a page at a time. As in
// AWS, an account outside any organization gets
// AWSOrganizationsNotInUseException, and a member account that is not the
// management account (and holds no account list, as a delegated
// administrator would) gets AccessDeniedException.
func (f *Organizations) ListAccounts(ctx context.Context, in *organizations.ListAccountsInput, optFns ...func(*organizations.Options)) (*organizations.ListAccountsOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	if f.Organization == nil {
		return nil, &orgtypes.AWSOrganizationsNotInUseException{Message: aws.String("Your account is not a member of an organization.")}
	}
	if aws.ToString(f.Organization.MasterAccountId) != f.acct.ID && len(f.Accounts) == 0 {
		return nil, &orgtypes.AccessDeniedException{Message: aws.String("You don't have permissions to access this resource.")}
	}
	if in == nil {
		in = &organizations.ListAccountsInput{}
	}
	items, next, err := page(f.acct, f.Accounts, in.NextToken, aws.ToInt32(in.MaxResults))
	if err != nil {
		return nil, err
	}
	return &organizations.ListAccountsOutput{Accounts: items, NextToken: next}, nil
}
