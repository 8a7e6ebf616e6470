// Package authdetails reads the account's IAM entities and policies with
// one walk of GetAccountAuthorizationDetails, for every control that needs
// them. Every caller sends the same input, so that within a secpillar.Run
// they share one set of pages.
package authdetails

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/secpillar/secpillar/internal/pagetoken"
)

// API is the call Read makes. *iam.Client satisfies it.
type API interface {
	GetAccountAuthorizationDetails(ctx context.Context, in *iam.GetAccountAuthorizationDetailsInput, optFns ...func(*iam.Options)) (*iam.GetAccountAuthorizationDetailsOutput, error)
}

var _ API = (*iam.Client)(nil)

// PageSize is the largest page GetAccountAuthorizationDetails serves.
const PageSize = 1000

// Details is one walk: every user, group, role and managed policy (AWS
// managed ones included), as IAM returns them (documents URL-encoded).
type Details struct {
	Users    []iamtypes.UserDetail
	Groups   []iamtypes.GroupDetail
	Roles    []iamtypes.RoleDetail
	Policies []iamtypes.ManagedPolicyDetail
}

// Read walks every page. A page that is truncated without a marker, a
// marker that comes back, or an entity without its ARN or name is an
// error: the controls must not judge an account they only partly read.
func Read(ctx context.Context, api API) (*Details, error) {
	d := &Details{}
	p := iam.NewGetAccountAuthorizationDetailsPaginator(api, &iam.GetAccountAuthorizationDetailsInput{MaxItems: aws.Int32(PageSize)})
	guard := pagetoken.New("read authorization details")
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("read authorization details: %w", err)
		}
		if err := guard.Check(out.IsTruncated, out.Marker); err != nil {
			return nil, err
		}
		d.Users = append(d.Users, out.UserDetailList...)
		d.Groups = append(d.Groups, out.GroupDetailList...)
		d.Roles = append(d.Roles, out.RoleDetailList...)
		d.Policies = append(d.Policies, out.Policies...)
	}
	for _, p := range d.Policies {
		if aws.ToString(p.Arn) == "" {
			return nil, errors.New("read authorization details: a managed policy without an ARN")
		}
	}
	for _, u := range d.Users {
		if aws.ToString(u.Arn) == "" || aws.ToString(u.UserName) == "" {
			return nil, errors.New("read authorization details: a user without an ARN or name")
		}
	}
	for _, r := range d.Roles {
		if aws.ToString(r.Arn) == "" || aws.ToString(r.RoleName) == "" {
			return nil, errors.New("read authorization details: a role without an ARN or name")
		}
	}
	for _, g := range d.Groups {
		if aws.ToString(g.Arn) == "" || aws.ToString(g.GroupName) == "" {
			return nil, errors.New("read authorization details: a group without an ARN or name")
		}
	}
	return d, nil
}
