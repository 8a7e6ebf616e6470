package fakeaws

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// awsManagedPrefix starts the ARN of every AWS managed policy.
const awsManagedPrefix = "arn:aws:iam::aws:policy/"

func isAWSManaged(arn string) bool { return strings.HasPrefix(arn, awsManagedPrefix) }

// urlEncode encodes a policy document as IAM returns it: every byte outside
// A-Za-z0-9-_.~ is percent-encoded (RFC 3986).
func urlEncode(doc string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(doc) * 2)
	for i := 0; i < len(doc); i++ {
		c := doc[i]
		switch {
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '-', c == '_', c == '.', c == '~':
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String()
}

func encodedPtr(doc string) *string {
	if doc == "" {
		return nil
	}
	return aws.String(urlEncode(doc))
}

// builtinAWSPolicies are the AWS managed policies the fake knows without
// being told: attaching one that is not in IAM.Policies adds it.
var builtinAWSPolicies = map[string]string{
	"AdministratorAccess": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`,
	"AWSSupportAccess":    `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["support:*"],"Resource":"*"}]}`,
	"ReadOnlyAccess":      `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ec2:Describe*","iam:Get*","iam:List*","s3:Get*","s3:List*"],"Resource":"*"}]}`,
	"PowerUserAccess":     `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":["iam:*","organizations:*","account:*"],"Resource":"*"}]}`,
	"IAMFullAccess":       `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:*","Resource":"*"}]}`,
	"SecurityAudit":       `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:GenerateCredentialReport","iam:Get*","iam:List*"],"Resource":"*"}]}`,
}

// policyLocked returns the managed policy with arn, adding a builtin AWS
// managed policy on first use; nil when there is none.
func (f *IAM) policyLocked(arn string) *IAMPolicy {
	for _, p := range f.Policies {
		if aws.ToString(p.Policy.Arn) == arn {
			return p
		}
	}
	if !isAWSManaged(arn) {
		return nil
	}
	name := strings.TrimPrefix(arn, awsManagedPrefix)
	doc, ok := builtinAWSPolicies[name]
	if !ok {
		return nil
	}
	created := f.acct.now().AddDate(-5, 0, 0)
	p := &IAMPolicy{
		Policy: iamtypes.Policy{
			Arn: aws.String(arn), PolicyName: aws.String(name), PolicyId: aws.String(f.newIDLocked("ANPA")),
			Path: aws.String("/"), DefaultVersionId: aws.String("v1"), IsAttachable: true,
			CreateDate: &created, UpdateDate: &created,
		},
		Versions: []iamtypes.PolicyVersion{{VersionId: aws.String("v1"), IsDefaultVersion: true, Document: aws.String(doc), CreateDate: &created}},
	}
	f.Policies = append(f.Policies, p)
	return p
}

// newIDLocked returns a fresh IAM unique ID with the given prefix ("AROA",
// "AIDA", "ANPA", "AKIA", ...).
func (f *IAM) newIDLocked(prefix string) string {
	f.nextID++
	return prefix + strings.ToUpper(fmt.Sprintf("%017x", f.nextID))
}

// attachmentCountsLocked counts the attachments of every managed policy.
func (f *IAM) attachmentCountsLocked() map[string]int32 {
	m := map[string]int32{}
	for _, u := range f.Users {
		for _, a := range u.AttachedPolicies {
			m[a]++
		}
	}
	for _, g := range f.Groups {
		for _, a := range g.AttachedPolicies {
			m[a]++
		}
	}
	for _, r := range f.Roles {
		for _, a := range r.AttachedPolicies {
			m[a]++
		}
	}
	return m
}

func (f *IAM) attachedLocked(arns []string) []iamtypes.AttachedPolicy {
	return f.attachedIndexed(arns, nil)
}

// attachedIndexed renders attachments, looking policies up in index (by
// ARN) when given, else by a scan that also adds builtin AWS policies.
func (f *IAM) attachedIndexed(arns []string, index map[string]*IAMPolicy) []iamtypes.AttachedPolicy {
	var out []iamtypes.AttachedPolicy
	for _, arn := range arns {
		name := arn[strings.LastIndex(arn, "/")+1:]
		p := index[arn]
		if p == nil {
			p = f.policyLocked(arn)
		}
		if p != nil {
			name = aws.ToString(p.Policy.PolicyName)
		}
		out = append(out, iamtypes.AttachedPolicy{PolicyArn: aws.String(arn), PolicyName: aws.String(name)})
	}
	return out
}

// policyIndexLocked maps every known managed policy by ARN, after adding
// the builtin AWS policies that anything attaches.
func (f *IAM) policyIndexLocked() map[string]*IAMPolicy {
	index := make(map[string]*IAMPolicy, len(f.Policies))
	for _, p := range f.Policies {
		index[aws.ToString(p.Policy.Arn)] = p
	}
	add := func(arns []string) {
		for _, arn := range arns {
			if index[arn] == nil {
				if p := f.policyLocked(arn); p != nil {
					index[arn] = p
				}
			}
		}
	}
	for _, u := range f.Users {
		add(u.AttachedPolicies)
	}
	for _, g := range f.Groups {
		add(g.AttachedPolicies)
	}
	for _, r := range f.Roles {
		add(r.AttachedPolicies)
	}
	return index
}

func inlineDetails(docs []NamedDocument) []iamtypes.PolicyDetail {
	var out []iamtypes.PolicyDetail
	for _, d := range docs {
		out = append(out, iamtypes.PolicyDetail{PolicyName: aws.String(d.Name), PolicyDocument: encodedPtr(d.Document)})
	}
	return out
}

func encodedVersions(vs []iamtypes.PolicyVersion) []iamtypes.PolicyVersion {
	out := make([]iamtypes.PolicyVersion, len(vs))
	for i, v := range vs {
		v.Document = encodedPtr(aws.ToString(v.Document))
		out[i] = v
	}
	return out
}

func (f *IAM) userOutLocked(u *IAMUser) iamtypes.User {
	out := u.User
	out.Tags = append([]iamtypes.Tag(nil), out.Tags...)
	return out
}

func (f *IAM) roleOutLocked(r *IAMRole, withLastUsed bool) iamtypes.Role {
	out := r.Role
	out.AssumeRolePolicyDocument = encodedPtr(aws.ToString(r.Role.AssumeRolePolicyDocument))
	out.Tags = append([]iamtypes.Tag(nil), out.Tags...)
	if !withLastUsed {
		out.RoleLastUsed = nil
	}
	return out
}

type gaadItem struct {
	kind iamtypes.EntityType
	idx  int
}

// GetAccountAuthorizationDetails returns users, groups, roles and managed
// policies (every customer managed one, and the AWS managed ones that are
// attached), one combined paginated list, with every document URL-encoded.
func (f *IAM) GetAccountAuthorizationDetails(ctx context.Context, in *iam.GetAccountAuthorizationDetailsInput, optFns ...func(*iam.Options)) (*iam.GetAccountAuthorizationDetailsOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	want := map[iamtypes.EntityType]bool{}
	for _, t := range in.Filter {
		switch t {
		case iamtypes.EntityTypeUser, iamtypes.EntityTypeRole, iamtypes.EntityTypeGroup, iamtypes.EntityTypeLocalManagedPolicy, iamtypes.EntityTypeAWSManagedPolicy:
			want[t] = true
		default:
			return nil, invalidInput(fmt.Sprintf("unknown entity type %q in Filter", t))
		}
	}
	all := len(want) == 0
	// Index the policies first, so that builtin AWS policies exist.
	index := f.policyIndexLocked()
	counts := f.attachmentCountsLocked()
	var items []gaadItem
	if all || want[iamtypes.EntityTypeUser] {
		for i := range f.Users {
			items = append(items, gaadItem{iamtypes.EntityTypeUser, i})
		}
	}
	if all || want[iamtypes.EntityTypeGroup] {
		for i := range f.Groups {
			items = append(items, gaadItem{iamtypes.EntityTypeGroup, i})
		}
	}
	if all || want[iamtypes.EntityTypeRole] {
		for i := range f.Roles {
			items = append(items, gaadItem{iamtypes.EntityTypeRole, i})
		}
	}
	for i, p := range f.Policies {
		arn := aws.ToString(p.Policy.Arn)
		if isAWSManaged(arn) {
			if (all || want[iamtypes.EntityTypeAWSManagedPolicy]) && counts[arn] > 0 {
				items = append(items, gaadItem{iamtypes.EntityTypeAWSManagedPolicy, i})
			}
		} else if all || want[iamtypes.EntityTypeLocalManagedPolicy] {
			items = append(items, gaadItem{iamtypes.EntityTypeLocalManagedPolicy, i})
		}
	}
	pg, next, err := page(f.acct, items, in.Marker, aws.ToInt32(in.MaxItems))
	if err != nil {
		return nil, err
	}
	out := &iam.GetAccountAuthorizationDetailsOutput{Marker: next, IsTruncated: next != nil}
	for _, it := range pg {
		switch it.kind {
		case iamtypes.EntityTypeUser:
			u := f.Users[it.idx]
			out.UserDetailList = append(out.UserDetailList, iamtypes.UserDetail{
				Arn: u.User.Arn, UserName: u.User.UserName, UserId: u.User.UserId, Path: u.User.Path,
				CreateDate: u.User.CreateDate, GroupList: append([]string(nil), u.GroupNames...),
				AttachedManagedPolicies: f.attachedIndexed(u.AttachedPolicies, index),
				UserPolicyList:          inlineDetails(u.InlinePolicies),
				Tags:                    append([]iamtypes.Tag(nil), u.User.Tags...),
			})
		case iamtypes.EntityTypeGroup:
			g := f.Groups[it.idx]
			out.GroupDetailList = append(out.GroupDetailList, iamtypes.GroupDetail{
				Arn: g.Group.Arn, GroupName: g.Group.GroupName, GroupId: g.Group.GroupId, Path: g.Group.Path,
				CreateDate:              g.Group.CreateDate,
				AttachedManagedPolicies: f.attachedIndexed(g.AttachedPolicies, index),
				GroupPolicyList:         inlineDetails(g.InlinePolicies),
			})
		case iamtypes.EntityTypeRole:
			r := f.Roles[it.idx]
			out.RoleDetailList = append(out.RoleDetailList, iamtypes.RoleDetail{
				Arn: r.Role.Arn, RoleName: r.Role.RoleName, RoleId: r.Role.RoleId, Path: r.Role.Path,
				CreateDate:               r.Role.CreateDate,
				AssumeRolePolicyDocument: encodedPtr(aws.ToString(r.Role.AssumeRolePolicyDocument)),
				AttachedManagedPolicies:  f.attachedIndexed(r.AttachedPolicies, index),
				RolePolicyList:           inlineDetails(r.InlinePolicies),
				RoleLastUsed:             copyPtr(r.Role.RoleLastUsed),
				Tags:                     append([]iamtypes.Tag(nil), r.Role.Tags...),
			})
		default:
			p := f.Policies[it.idx]
			arn := aws.ToString(p.Policy.Arn)
			out.Policies = append(out.Policies, iamtypes.ManagedPolicyDetail{
				Arn: p.Policy.Arn, PolicyName: p.Policy.PolicyName, PolicyId: p.Policy.PolicyId, Path: p.Policy.Path,
				DefaultVersionId: p.Policy.DefaultVersionId, IsAttachable: p.Policy.IsAttachable,
				AttachmentCount: aws.Int32(counts[arn]), CreateDate: p.Policy.CreateDate, UpdateDate: p.Policy.UpdateDate,
				Description:       p.Policy.Description,
				PolicyVersionList: encodedVersions(p.Versions),
			})
		}
	}
	return out, nil
}

// ListUsers lists the users.
func (f *IAM) ListUsers(ctx context.Context, in *iam.ListUsersInput, optFns ...func(*iam.Options)) (*iam.ListUsersOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	var all []iamtypes.User
	for _, u := range f.Users {
		if p := aws.ToString(in.PathPrefix); p != "" && !strings.HasPrefix(aws.ToString(u.User.Path), p) {
			continue
		}
		all = append(all, f.userOutLocked(u))
	}
	items, next, err := page(f.acct, all, in.Marker, aws.ToInt32(in.MaxItems))
	if err != nil {
		return nil, err
	}
	return &iam.ListUsersOutput{Users: items, Marker: next, IsTruncated: next != nil}, nil
}

// ListRoles lists the roles, trust policies URL-encoded. As in IAM,
// RoleLastUsed is not part of the list.
func (f *IAM) ListRoles(ctx context.Context, in *iam.ListRolesInput, optFns ...func(*iam.Options)) (*iam.ListRolesOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	var all []iamtypes.Role
	for _, r := range f.Roles {
		if p := aws.ToString(in.PathPrefix); p != "" && !strings.HasPrefix(aws.ToString(r.Role.Path), p) {
			continue
		}
		all = append(all, f.roleOutLocked(r, false))
	}
	items, next, err := page(f.acct, all, in.Marker, aws.ToInt32(in.MaxItems))
	if err != nil {
		return nil, err
	}
	return &iam.ListRolesOutput{Roles: items, Marker: next, IsTruncated: next != nil}, nil
}

func (f *IAM) roleLocked(name string) *IAMRole {
	for _, r := range f.Roles {
		if aws.ToString(r.Role.RoleName) == name {
			return r
		}
	}
	return nil
}

func noSuchRole(name string) error {
	return &iamtypes.NoSuchEntityException{Message: aws.String("The role with name " + name + " cannot be found.")}
}

// GetRole returns one role, its trust policy URL-encoded.
func (f *IAM) GetRole(ctx context.Context, in *iam.GetRoleInput, optFns ...func(*iam.Options)) (*iam.GetRoleOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	r := f.roleLocked(aws.ToString(in.RoleName))
	if r == nil {
		return nil, noSuchRole(aws.ToString(in.RoleName))
	}
	out := f.roleOutLocked(r, true)
	return &iam.GetRoleOutput{Role: &out}, nil
}

// CreateRole creates a role with a trust policy (plain JSON, as callers
// send it).
func (f *IAM) CreateRole(ctx context.Context, in *iam.CreateRoleInput, optFns ...func(*iam.Options)) (*iam.CreateRoleOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	name := aws.ToString(in.RoleName)
	if name == "" || len(name) > 64 {
		return nil, invalidInput("RoleName must be 1 to 64 characters")
	}
	doc := aws.ToString(in.AssumeRolePolicyDocument)
	if !json.Valid([]byte(doc)) {
		return nil, &iamtypes.MalformedPolicyDocumentException{Message: aws.String("This policy contains invalid Json")}
	}
	if f.roleLocked(name) != nil {
		return nil, &iamtypes.EntityAlreadyExistsException{Message: aws.String("Role with name " + name + " already exists.")}
	}
	path := aws.ToString(in.Path)
	if path == "" {
		path = "/"
	}
	now := f.acct.now()
	r := &IAMRole{Role: iamtypes.Role{
		RoleName: aws.String(name), RoleId: aws.String(f.newIDLocked("AROA")), Path: aws.String(path),
		Arn:                      aws.String("arn:aws:iam::" + f.acct.ID + ":role" + path + name),
		AssumeRolePolicyDocument: aws.String(doc), Description: in.Description, CreateDate: &now,
		MaxSessionDuration: aws.Int32(3600), Tags: append([]iamtypes.Tag(nil), in.Tags...),
	}}
	if in.MaxSessionDuration != nil {
		r.Role.MaxSessionDuration = aws.Int32(*in.MaxSessionDuration)
	}
	f.Roles = append(f.Roles, r)
	out := f.roleOutLocked(r, false)
	return &iam.CreateRoleOutput{Role: &out}, nil
}

// AttachRolePolicy attaches a managed policy to a role.
func (f *IAM) AttachRolePolicy(ctx context.Context, in *iam.AttachRolePolicyInput, optFns ...func(*iam.Options)) (*iam.AttachRolePolicyOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	r := f.roleLocked(aws.ToString(in.RoleName))
	if r == nil {
		return nil, noSuchRole(aws.ToString(in.RoleName))
	}
	arn := aws.ToString(in.PolicyArn)
	if f.policyLocked(arn) == nil {
		return nil, &iamtypes.NoSuchEntityException{Message: aws.String("Policy " + arn + " does not exist or is not attachable.")}
	}
	for _, a := range r.AttachedPolicies {
		if a == arn {
			return &iam.AttachRolePolicyOutput{}, nil
		}
	}
	r.AttachedPolicies = append(r.AttachedPolicies, arn)
	return &iam.AttachRolePolicyOutput{}, nil
}

// ListAttachedRolePolicies lists a role's managed policies.
func (f *IAM) ListAttachedRolePolicies(ctx context.Context, in *iam.ListAttachedRolePoliciesInput, optFns ...func(*iam.Options)) (*iam.ListAttachedRolePoliciesOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	r := f.roleLocked(aws.ToString(in.RoleName))
	if r == nil {
		return nil, noSuchRole(aws.ToString(in.RoleName))
	}
	items, next, err := page(f.acct, f.attachedLocked(r.AttachedPolicies), in.Marker, aws.ToInt32(in.MaxItems))
	if err != nil {
		return nil, err
	}
	return &iam.ListAttachedRolePoliciesOutput{AttachedPolicies: items, Marker: next, IsTruncated: next != nil}, nil
}

// ListPolicies lists managed policies (Scope All, AWS or Local).
func (f *IAM) ListPolicies(ctx context.Context, in *iam.ListPoliciesInput, optFns ...func(*iam.Options)) (*iam.ListPoliciesOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	counts := f.attachmentCountsLocked()
	var all []iamtypes.Policy
	for _, p := range f.Policies {
		arn := aws.ToString(p.Policy.Arn)
		switch in.Scope {
		case iamtypes.PolicyScopeTypeAws:
			if !isAWSManaged(arn) {
				continue
			}
		case iamtypes.PolicyScopeTypeLocal:
			if isAWSManaged(arn) {
				continue
			}
		}
		if in.OnlyAttached && counts[arn] == 0 {
			continue
		}
		out := p.Policy
		out.AttachmentCount = aws.Int32(counts[arn])
		out.Tags = append([]iamtypes.Tag(nil), out.Tags...)
		all = append(all, out)
	}
	items, next, err := page(f.acct, all, in.Marker, aws.ToInt32(in.MaxItems))
	if err != nil {
		return nil, err
	}
	return &iam.ListPoliciesOutput{Policies: items, Marker: next, IsTruncated: next != nil}, nil
}

type policyEntity struct {
	kind iamtypes.EntityType
	name string
	id   string
}

// ListEntitiesForPolicy lists the users, groups and roles a managed policy
// is attached to.
func (f *IAM) ListEntitiesForPolicy(ctx context.Context, in *iam.ListEntitiesForPolicyInput, optFns ...func(*iam.Options)) (*iam.ListEntitiesForPolicyOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	arn := aws.ToString(in.PolicyArn)
	if f.policyLocked(arn) == nil {
		return nil, &iamtypes.NoSuchEntityException{Message: aws.String("Policy " + arn + " was not found.")}
	}
	has := func(arns []string) bool {
		for _, a := range arns {
			if a == arn {
				return true
			}
		}
		return false
	}
	var all []policyEntity
	if in.EntityFilter == "" || in.EntityFilter == iamtypes.EntityTypeUser {
		for _, u := range f.Users {
			if has(u.AttachedPolicies) {
				all = append(all, policyEntity{iamtypes.EntityTypeUser, aws.ToString(u.User.UserName), aws.ToString(u.User.UserId)})
			}
		}
	}
	if in.EntityFilter == "" || in.EntityFilter == iamtypes.EntityTypeGroup {
		for _, g := range f.Groups {
			if has(g.AttachedPolicies) {
				all = append(all, policyEntity{iamtypes.EntityTypeGroup, aws.ToString(g.Group.GroupName), aws.ToString(g.Group.GroupId)})
			}
		}
	}
	if in.EntityFilter == "" || in.EntityFilter == iamtypes.EntityTypeRole {
		for _, r := range f.Roles {
			if has(r.AttachedPolicies) {
				all = append(all, policyEntity{iamtypes.EntityTypeRole, aws.ToString(r.Role.RoleName), aws.ToString(r.Role.RoleId)})
			}
		}
	}
	items, next, err := page(f.acct, all, in.Marker, aws.ToInt32(in.MaxItems))
	if err != nil {
		return nil, err
	}
	out := &iam.ListEntitiesForPolicyOutput{Marker: next, IsTruncated: next != nil}
	for _, e := range items {
		switch e.kind {
		case iamtypes.EntityTypeUser:
			out.PolicyUsers = append(out.PolicyUsers, iamtypes.PolicyUser{UserName: aws.String(e.name), UserId: aws.String(e.id)})
		case iamtypes.EntityTypeGroup:
			out.PolicyGroups = append(out.PolicyGroups, iamtypes.PolicyGroup{GroupName: aws.String(e.name), GroupId: aws.String(e.id)})
		default:
			out.PolicyRoles = append(out.PolicyRoles, iamtypes.PolicyRole{RoleName: aws.String(e.name), RoleId: aws.String(e.id)})
		}
	}
	return out, nil
}
