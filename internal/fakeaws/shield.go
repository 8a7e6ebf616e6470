package fakeaws

import (
	"context"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/shield"
	shieldtypes "github.com/aws/aws-sdk-go-v2/service/shield/types"
)

// Shield fakes AWS Shield Advanced (a global service).
type Shield struct {
	acct *Account

	// Subscribed is whether the account has an active Shield Advanced
	// subscription.
	Subscribed  bool
	Protections []shieldtypes.Protection
	nextID      int
}

// GetSubscriptionState returns ACTIVE or INACTIVE.
func (f *Shield) GetSubscriptionState(ctx context.Context, in *shield.GetSubscriptionStateInput, optFns ...func(*shield.Options)) (*shield.GetSubscriptionStateOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	state := shieldtypes.SubscriptionStateInactive
	if f.Subscribed {
		state = shieldtypes.SubscriptionStateActive
	}
	return &shield.GetSubscriptionStateOutput{SubscriptionState: state}, nil
}

// ListProtections lists protections, paginated. Without a subscription it
// fails with ResourceNotFoundException, as in AWS.
func (f *Shield) ListProtections(ctx context.Context, in *shield.ListProtectionsInput, optFns ...func(*shield.Options)) (*shield.ListProtectionsOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	if !f.Subscribed {
		return nil, &shieldtypes.ResourceNotFoundException{Message: aws.String("The subscription does not exist."), ResourceType: aws.String("subscription")}
	}
	items, next, err := page(f.acct, f.Protections, in.NextToken, aws.ToInt32(in.MaxResults))
	if err != nil {
		return nil, err
	}
	return &shield.ListProtectionsOutput{Protections: items, NextToken: next}, nil
}

// CreateProtection protects one resource; it needs a subscription and
// refuses a resource that is already protected.
func (f *Shield) CreateProtection(ctx context.Context, in *shield.CreateProtectionInput, optFns ...func(*shield.Options)) (*shield.CreateProtectionOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	if !f.Subscribed {
		return nil, &shieldtypes.ResourceNotFoundException{Message: aws.String("The subscription does not exist."), ResourceType: aws.String("subscription")}
	}
	if aws.ToString(in.Name) == "" || aws.ToString(in.ResourceArn) == "" {
		return nil, &shieldtypes.InvalidParameterException{Message: aws.String("Name and ResourceArn are required")}
	}
	if slices.ContainsFunc(f.Protections, func(p shieldtypes.Protection) bool { return aws.ToString(p.ResourceArn) == *in.ResourceArn }) {
		return nil, &shieldtypes.ResourceAlreadyExistsException{Message: aws.String("The resource is already protected."), ResourceType: aws.String("protection")}
	}
	f.nextID++
	id := fmt.Sprintf("%08x-aaaa-4bbb-8ccc-%012x", f.nextID, f.nextID)
	f.Protections = append(f.Protections, shieldtypes.Protection{Id: aws.String(id), Name: in.Name, ResourceArn: in.ResourceArn,
		ProtectionArn: aws.String("arn:aws:shield::" + f.acct.ID + ":protection/" + id)})
	return &shield.CreateProtectionOutput{ProtectionId: aws.String(id)}, nil
}
