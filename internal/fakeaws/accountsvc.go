package fakeaws

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/account"
	accounttypes "github.com/aws/aws-sdk-go-v2/service/account/types"
)

// AccountService fakes AWS Account Management (alternate contacts).
type AccountService struct {
	acct *Account

	// AlternateContacts holds the contacts by type (BILLING, OPERATIONS,
	// SECURITY).
	AlternateContacts map[accounttypes.AlternateContactType]accounttypes.AlternateContact
}

func validContactType(t accounttypes.AlternateContactType) bool {
	switch t {
	case accounttypes.AlternateContactTypeBilling, accounttypes.AlternateContactTypeOperations, accounttypes.AlternateContactTypeSecurity:
		return true
	}
	return false
}

// GetAlternateContact returns one alternate contact of this account, or
// ResourceNotFoundException when none is set.
func (f *AccountService) GetAlternateContact(ctx context.Context, in *account.GetAlternateContactInput, optFns ...func(*account.Options)) (*account.GetAlternateContactOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	if !validContactType(in.AlternateContactType) {
		return nil, &accounttypes.ValidationException{Message: aws.String("invalid AlternateContactType " + string(in.AlternateContactType))}
	}
	if id := aws.ToString(in.AccountId); id != "" && id != f.acct.ID {
		return nil, &accounttypes.AccessDeniedException{Message: aws.String("only the management account can read another account's contacts")}
	}
	c, ok := f.AlternateContacts[in.AlternateContactType]
	if !ok {
		return nil, &accounttypes.ResourceNotFoundException{Message: aws.String("No contact of the inputted alternate contact type found.")}
	}
	return &account.GetAlternateContactOutput{AlternateContact: &c}, nil
}

// PutAlternateContact sets (replaces) one alternate contact.
func (f *AccountService) PutAlternateContact(ctx context.Context, in *account.PutAlternateContactInput, optFns ...func(*account.Options)) (*account.PutAlternateContactOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	if !validContactType(in.AlternateContactType) {
		return nil, &accounttypes.ValidationException{Message: aws.String("invalid AlternateContactType " + string(in.AlternateContactType))}
	}
	if aws.ToString(in.EmailAddress) == "" || aws.ToString(in.Name) == "" || aws.ToString(in.PhoneNumber) == "" || aws.ToString(in.Title) == "" {
		return nil, &accounttypes.ValidationException{Message: aws.String("EmailAddress, Name, PhoneNumber and Title are required")}
	}
	if id := aws.ToString(in.AccountId); id != "" && id != f.acct.ID {
		return nil, &accounttypes.AccessDeniedException{Message: aws.String("only the management account can change another account's contacts")}
	}
	if f.AlternateContacts == nil {
		f.AlternateContacts = map[accounttypes.AlternateContactType]accounttypes.AlternateContact{}
	}
	f.AlternateContacts[in.AlternateContactType] = accounttypes.AlternateContact{
		AlternateContactType: in.AlternateContactType, EmailAddress: in.EmailAddress, Name: in.Name,
		PhoneNumber: in.PhoneNumber, Title: in.Title,
	}
	return &account.PutAlternateContactOutput{}, nil
}
