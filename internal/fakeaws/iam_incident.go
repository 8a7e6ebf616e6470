package fakeaws

import (
	"context"
	"encoding/json"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// IAM inline policy quotas: the aggregate size of a principal's inline
// policies, in characters, whitespace excluded.
const (
	userInlineQuota = 2048
	roleInlineQuota = 10240
)

func inlineSize(docs []NamedDocument) int {
	n := 0
	for _, d := range docs {
		n += len(strings.Join(strings.Fields(d.Document), ""))
	}
	return n
}

// putInline replaces or adds a named document, enforcing IAM's checks.
func putInline(docs []NamedDocument, name, doc string, quota int) ([]NamedDocument, error) {
	if name == "" || len(name) > 128 {
		return nil, &iamtypes.InvalidInputException{Message: aws.String("The specified value for policyName is invalid.")}
	}
	var v map[string]any
	if err := json.Unmarshal([]byte(doc), &v); err != nil {
		return nil, &iamtypes.MalformedPolicyDocumentException{Message: aws.String("Syntax errors in policy.")}
	}
	if _, ok := v["Statement"]; !ok {
		return nil, &iamtypes.MalformedPolicyDocumentException{Message: aws.String("Policy document must contain Statement.")}
	}
	out := slices.Clone(docs)
	i := slices.IndexFunc(out, func(d NamedDocument) bool { return d.Name == name })
	if i >= 0 {
		out[i].Document = doc
	} else {
		out = append(out, NamedDocument{Name: name, Document: doc})
	}
	if inlineSize(out) > quota {
		return nil, &iamtypes.LimitExceededException{Message: aws.String("Maximum policy size exceeded for the principal's inline policies.")}
	}
	return out, nil
}

func noSuchInline(kind, owner, name string) error {
	return &iamtypes.NoSuchEntityException{Message: aws.String("The " + kind + " policy with name " + name + " cannot be found for " + owner + ".")}
}

func inlineNames(docs []NamedDocument) []string {
	names := make([]string, len(docs))
	for i, d := range docs {
		names[i] = d.Name
	}
	slices.Sort(names)
	return names
}

// PutUserPolicy adds or replaces an inline policy of a user.
func (f *IAM) PutUserPolicy(ctx context.Context, in *iam.PutUserPolicyInput, optFns ...func(*iam.Options)) (*iam.PutUserPolicyOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	u := f.userLocked(aws.ToString(in.UserName))
	if u == nil {
		return nil, noSuchUser(aws.ToString(in.UserName))
	}
	docs, err := putInline(u.InlinePolicies, aws.ToString(in.PolicyName), aws.ToString(in.PolicyDocument), userInlineQuota)
	if err != nil {
		return nil, err
	}
	u.InlinePolicies = docs
	return &iam.PutUserPolicyOutput{}, nil
}

// GetUserPolicy returns an inline policy of a user, URL-encoded as IAM
// returns it.
func (f *IAM) GetUserPolicy(ctx context.Context, in *iam.GetUserPolicyInput, optFns ...func(*iam.Options)) (*iam.GetUserPolicyOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	u := f.userLocked(aws.ToString(in.UserName))
	if u == nil {
		return nil, noSuchUser(aws.ToString(in.UserName))
	}
	for _, d := range u.InlinePolicies {
		if d.Name == aws.ToString(in.PolicyName) {
			return &iam.GetUserPolicyOutput{UserName: u.User.UserName, PolicyName: aws.String(d.Name), PolicyDocument: aws.String(urlEncode(d.Document))}, nil
		}
	}
	return nil, noSuchInline("user", aws.ToString(in.UserName), aws.ToString(in.PolicyName))
}

// DeleteUserPolicy removes an inline policy of a user.
func (f *IAM) DeleteUserPolicy(ctx context.Context, in *iam.DeleteUserPolicyInput, optFns ...func(*iam.Options)) (*iam.DeleteUserPolicyOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	u := f.userLocked(aws.ToString(in.UserName))
	if u == nil {
		return nil, noSuchUser(aws.ToString(in.UserName))
	}
	i := slices.IndexFunc(u.InlinePolicies, func(d NamedDocument) bool { return d.Name == aws.ToString(in.PolicyName) })
	if i < 0 {
		return nil, noSuchInline("user", aws.ToString(in.UserName), aws.ToString(in.PolicyName))
	}
	u.InlinePolicies = slices.Delete(slices.Clone(u.InlinePolicies), i, i+1)
	return &iam.DeleteUserPolicyOutput{}, nil
}

// ListUserPolicies lists the names of a user's inline policies.
func (f *IAM) ListUserPolicies(ctx context.Context, in *iam.ListUserPoliciesInput, optFns ...func(*iam.Options)) (*iam.ListUserPoliciesOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	u := f.userLocked(aws.ToString(in.UserName))
	if u == nil {
		return nil, noSuchUser(aws.ToString(in.UserName))
	}
	items, next, err := page(f.acct, inlineNames(u.InlinePolicies), in.Marker, aws.ToInt32(in.MaxItems))
	if err != nil {
		return nil, err
	}
	return &iam.ListUserPoliciesOutput{PolicyNames: items, Marker: next, IsTruncated: next != nil}, nil
}

// PutRolePolicy adds or replaces an inline policy of a role. Service-linked
// roles refuse, as in AWS.
func (f *IAM) PutRolePolicy(ctx context.Context, in *iam.PutRolePolicyInput, optFns ...func(*iam.Options)) (*iam.PutRolePolicyOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	r := f.roleLocked(aws.ToString(in.RoleName))
	if r == nil {
		return nil, noSuchRole(aws.ToString(in.RoleName))
	}
	if strings.HasPrefix(aws.ToString(r.Role.Path), "/aws-service-role/") {
		return nil, &iamtypes.UnmodifiableEntityException{Message: aws.String("Cannot perform the operation on the protected role '" + aws.ToString(in.RoleName) + "' - this role is only modifiable by AWS")}
	}
	docs, err := putInline(r.InlinePolicies, aws.ToString(in.PolicyName), aws.ToString(in.PolicyDocument), roleInlineQuota)
	if err != nil {
		return nil, err
	}
	r.InlinePolicies = docs
	return &iam.PutRolePolicyOutput{}, nil
}

// GetRolePolicy returns an inline policy of a role, URL-encoded.
func (f *IAM) GetRolePolicy(ctx context.Context, in *iam.GetRolePolicyInput, optFns ...func(*iam.Options)) (*iam.GetRolePolicyOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	r := f.roleLocked(aws.ToString(in.RoleName))
	if r == nil {
		return nil, noSuchRole(aws.ToString(in.RoleName))
	}
	for _, d := range r.InlinePolicies {
		if d.Name == aws.ToString(in.PolicyName) {
			return &iam.GetRolePolicyOutput{RoleName: r.Role.RoleName, PolicyName: aws.String(d.Name), PolicyDocument: aws.String(urlEncode(d.Document))}, nil
		}
	}
	return nil, noSuchInline("role", aws.ToString(in.RoleName), aws.ToString(in.PolicyName))
}

// DeleteRolePolicy removes an inline policy of a role.
func (f *IAM) DeleteRolePolicy(ctx context.Context, in *iam.DeleteRolePolicyInput, optFns ...func(*iam.Options)) (*iam.DeleteRolePolicyOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	r := f.roleLocked(aws.ToString(in.RoleName))
	if r == nil {
		return nil, noSuchRole(aws.ToString(in.RoleName))
	}
	i := slices.IndexFunc(r.InlinePolicies, func(d NamedDocument) bool { return d.Name == aws.ToString(in.PolicyName) })
	if i < 0 {
		return nil, noSuchInline("role", aws.ToString(in.RoleName), aws.ToString(in.PolicyName))
	}
	r.InlinePolicies = slices.Delete(slices.Clone(r.InlinePolicies), i, i+1)
	return &iam.DeleteRolePolicyOutput{}, nil
}

// ListRolePolicies lists the names of a role's inline policies.
func (f *IAM) ListRolePolicies(ctx context.Context, in *iam.ListRolePoliciesInput, optFns ...func(*iam.Options)) (*iam.ListRolePoliciesOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	r := f.roleLocked(aws.ToString(in.RoleName))
	if r == nil {
		return nil, noSuchRole(aws.ToString(in.RoleName))
	}
	items, next, err := page(f.acct, inlineNames(r.InlinePolicies), in.Marker, aws.ToInt32(in.MaxItems))
	if err != nil {
		return nil, err
	}
	return &iam.ListRolePoliciesOutput{PolicyNames: items, Marker: next, IsTruncated: next != nil}, nil
}

// GetLoginProfile returns a user's console password profile, or
// NoSuchEntity when the user has no password.
func (f *IAM) GetLoginProfile(ctx context.Context, in *iam.GetLoginProfileInput, optFns ...func(*iam.Options)) (*iam.GetLoginProfileOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	u := f.userLocked(aws.ToString(in.UserName))
	if u == nil {
		return nil, noSuchUser(aws.ToString(in.UserName))
	}
	if u.LoginProfile == nil {
		return nil, &iamtypes.NoSuchEntityException{Message: aws.String("Login Profile for User " + aws.ToString(in.UserName) + " cannot be found.")}
	}
	lp := *u.LoginProfile
	lp.CreateDate = copyPtr(lp.CreateDate)
	return &iam.GetLoginProfileOutput{LoginProfile: &lp}, nil
}

// DeleteLoginProfile removes a user's console password.
func (f *IAM) DeleteLoginProfile(ctx context.Context, in *iam.DeleteLoginProfileInput, optFns ...func(*iam.Options)) (*iam.DeleteLoginProfileOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	u := f.userLocked(aws.ToString(in.UserName))
	if u == nil {
		return nil, noSuchUser(aws.ToString(in.UserName))
	}
	if u.LoginProfile == nil {
		return nil, &iamtypes.NoSuchEntityException{Message: aws.String("Login Profile for User " + aws.ToString(in.UserName) + " cannot be found.")}
	}
	u.LoginProfile = nil
	return &iam.DeleteLoginProfileOutput{}, nil
}
