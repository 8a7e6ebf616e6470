package incident

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/internal/policy"
)

// The names of the containment actions, used as Remediation.Control.
const (
	ActionDeactivateAccessKeys = "incident.deactivate-access-keys"
	ActionDisableConsoleAccess = "incident.disable-console-access"
	ActionRevokeSessions       = "incident.revoke-sessions"
	ActionQuarantine           = "incident.quarantine-principal"
)

// RevokeSessionsPolicyName is the inline policy name AWS's console uses for
// "Revoke active sessions"; RevokeRoleSessions uses the same one, so the
// console and this library overwrite each other's cut-off instead of
// stacking policies.
const RevokeSessionsPolicyName = "AWSRevokeOlderSessions"

// QuarantinePolicyName is the inline deny-all policy QuarantineUser and
// QuarantineRole put on a principal.
const QuarantinePolicyName = "SecpillarQuarantineDenyAll"

// QuarantinePolicy is the document of QuarantinePolicyName.
const QuarantinePolicy = `{"Version":"2012-10-17","Statement":[{"Sid":"SecpillarQuarantine","Effect":"Deny","Action":"*","Resource":"*"}]}`

// UserResourceType and RoleResourceType are the resource types of
// containment results about IAM principals.
const (
	UserResourceType = "AWS::IAM::User"
	RoleResourceType = "AWS::IAM::Role"
)

// ServiceLinkedRoleError is returned for a service-linked role (path
// /aws-service-role/): AWS does not let anyone attach policies to it, so
// its sessions cannot be revoked nor the role quarantined this way.
type ServiceLinkedRoleError struct {
	Role string
	Path string
}

// Error says which role was refused and why.
func (e *ServiceLinkedRoleError) Error() string {
	return fmt.Sprintf("incident: role %s (path %s) is service-linked: AWS manages its policies, so it cannot be contained with an inline policy; contain the service or principal that uses it instead", e.Role, e.Path)
}

var (
	namePattern  = regexp.MustCompile(`^[\w+=,.@-]{1,128}$`)
	keyIDPattern = regexp.MustCompile(`^(AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{12,124}$`)
)

func checkName(kind, name string) error {
	if !namePattern.MatchString(name) {
		return fmt.Errorf("incident: %s name %q is not a valid IAM name", kind, name)
	}
	return nil
}

func checkKeyID(id string) error {
	if !keyIDPattern.MatchString(id) {
		return fmt.Errorf("incident: %q is not an access key ID", id)
	}
	return nil
}

func principalResource(kind, name string) secpillar.Resource {
	if kind == "role" {
		return secpillar.Resource{Type: RoleResourceType, ID: name}
	}
	return secpillar.Resource{Type: UserResourceType, ID: name}
}

// DeactivateAccessKeysAPI is the part of the IAM API that
// DeactivateAccessKeys calls. *iam.Client satisfies it.
type DeactivateAccessKeysAPI interface {
	ListAccessKeys(ctx context.Context, in *iam.ListAccessKeysInput, optFns ...func(*iam.Options)) (*iam.ListAccessKeysOutput, error)
	UpdateAccessKey(ctx context.Context, in *iam.UpdateAccessKeyInput, optFns ...func(*iam.Options)) (*iam.UpdateAccessKeyOutput, error)
}

var _ DeactivateAccessKeysAPI = (*iam.Client)(nil)

func listKeys(ctx context.Context, api DeactivateAccessKeysAPI, user string) ([]iamtypes.AccessKeyMetadata, error) {
	var keys []iamtypes.AccessKeyMetadata
	p := iam.NewListAccessKeysPaginator(api, &iam.ListAccessKeysInput{UserName: aws.String(user)})
	for p.HasMorePages() {
		pg, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("incident: list access keys of %s: %w", user, err)
		}
		for _, k := range pg.AccessKeyMetadata {
			if aws.ToString(k.AccessKeyId) == "" {
				return nil, fmt.Errorf("incident: list access keys of %s: a key without AccessKeyId", user)
			}
			switch k.Status {
			case iamtypes.StatusTypeActive, iamtypes.StatusTypeInactive:
			default:
				return nil, fmt.Errorf("incident: access key %s of %s has status %q, which this library does not know", aws.ToString(k.AccessKeyId), user, k.Status)
			}
			keys = append(keys, k)
		}
	}
	return keys, nil
}

// DeactivateAccessKeys sets a user's access keys Inactive: the named ones,
// or every key when keyIDs is empty. It never deletes a key, so the change
// is reversible. A named key the user does not have is an error, before
// any write.
func DeactivateAccessKeys(ctx context.Context, api DeactivateAccessKeysAPI, user string, keyIDs []string, optFns ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
	if err := checkName("user", user); err != nil {
		return secpillar.Remediation{}, err
	}
	for _, id := range keyIDs {
		if err := checkKeyID(id); err != nil {
			return secpillar.Remediation{}, err
		}
	}
	opts := secpillar.NewRemediateOptions(optFns...)
	res := principalResource("user", user)
	rem := secpillar.Remediation{Control: ActionDeactivateAccessKeys, Resource: res}
	keys, err := listKeys(ctx, api, user)
	if err != nil {
		return rem, err
	}
	for _, id := range keyIDs {
		if !slices.ContainsFunc(keys, func(k iamtypes.AccessKeyMetadata) bool { return aws.ToString(k.AccessKeyId) == id }) {
			return rem, fmt.Errorf("incident: deactivate keys: user %s has no access key %s", user, id)
		}
	}
	var todo []string
	for _, k := range keys {
		id := aws.ToString(k.AccessKeyId)
		if len(keyIDs) > 0 && !slices.Contains(keyIDs, id) {
			continue
		}
		if k.Status == iamtypes.StatusTypeActive {
			todo = append(todo, id)
			rem.Changes = append(rem.Changes, secpillar.Change{Resource: res, Action: "iam:UpdateAccessKey", Field: "AccessKey " + id + " Status", Before: "Active", After: "Inactive"})
		}
	}
	if len(todo) == 0 {
		rem.Outcome = secpillar.OutcomeCompliant
		return rem, nil
	}
	rem.Undo = fmt.Sprintf("Reactivate with iam:UpdateAccessKey Status=Active for user %s, keys %s (only once the incident is closed and the keys are known to be safe; rotating them is better).", user, strings.Join(todo, ", "))
	if opts.DryRun {
		rem.Outcome = secpillar.OutcomePlanned
		return rem, nil
	}
	for _, id := range todo {
		if _, err := api.UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{UserName: aws.String(user), AccessKeyId: aws.String(id), Status: iamtypes.StatusTypeInactive}); err != nil {
			return rem, fmt.Errorf("incident: deactivate access key %s of %s: %w", id, user, err)
		}
	}
	after, err := listKeys(secpillar.FreshReads(ctx), api, user)
	if err != nil {
		return rem, fmt.Errorf("incident: verify: %w", err)
	}
	rem.Outcome = secpillar.OutcomeChanged
	for _, k := range after {
		if slices.Contains(todo, aws.ToString(k.AccessKeyId)) && k.Status != iamtypes.StatusTypeInactive {
			rem.Outcome = secpillar.OutcomeVerifyPending
		}
	}
	rem.Notes = append(rem.Notes, "Temporary credentials already obtained with these keys (sts:GetSessionToken, federation) stay valid until they expire: revoke the user's sessions too.")
	return rem, nil
}

// DisableConsoleAccessAPI is the part of the IAM API that
// DisableConsoleAccess calls. *iam.Client satisfies it.
type DisableConsoleAccessAPI interface {
	GetLoginProfile(ctx context.Context, in *iam.GetLoginProfileInput, optFns ...func(*iam.Options)) (*iam.GetLoginProfileOutput, error)
	DeleteLoginProfile(ctx context.Context, in *iam.DeleteLoginProfileInput, optFns ...func(*iam.Options)) (*iam.DeleteLoginProfileOutput, error)
}

var _ DisableConsoleAccessAPI = (*iam.Client)(nil)

// loginProfile reads a user's login profile: nil when the user has no
// console password. NoSuchEntity is "no password" only when it is about the
// login profile; about the user it is an error.
func loginProfile(ctx context.Context, api DisableConsoleAccessAPI, user string) (*iamtypes.LoginProfile, error) {
	out, err := api.GetLoginProfile(ctx, &iam.GetLoginProfileInput{UserName: aws.String(user)})
	var nse *iamtypes.NoSuchEntityException
	if errors.As(err, &nse) && strings.Contains(strings.ToLower(nse.ErrorMessage()), "login profile") {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("incident: read console password of %s: %w", user, err)
	}
	if out.LoginProfile == nil {
		return nil, fmt.Errorf("incident: read console password of %s: GetLoginProfile returned no LoginProfile", user)
	}
	return out.LoginProfile, nil
}

// DisableConsoleAccess deletes a user's console password
// (iam:DeleteLoginProfile). This cannot be undone: the password is gone,
// and console access comes back only by setting a new password. Console
// sessions already open are not ended: revoke the user's sessions for
// that.
func DisableConsoleAccess(ctx context.Context, api DisableConsoleAccessAPI, user string, optFns ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
	if err := checkName("user", user); err != nil {
		return secpillar.Remediation{}, err
	}
	opts := secpillar.NewRemediateOptions(optFns...)
	res := principalResource("user", user)
	rem := secpillar.Remediation{Control: ActionDisableConsoleAccess, Resource: res}
	lp, err := loginProfile(ctx, api, user)
	if err != nil {
		return rem, err
	}
	if lp == nil {
		rem.Outcome = secpillar.OutcomeCompliant
		return rem, nil
	}
	before := "console password set"
	if lp.CreateDate != nil {
		before += " " + lp.CreateDate.UTC().Format(time.RFC3339)
	}
	rem.Changes = []secpillar.Change{{Resource: res, Action: "iam:DeleteLoginProfile", Field: "LoginProfile", Before: before, After: "no console password"}}
	rem.Undo = "Cannot be undone: the old password is gone. To give console access back, set a new password with iam:CreateLoginProfile (with PasswordResetRequired) for user " + user + "."
	rem.Notes = []string{"Console sessions already open stay valid until they expire: revoke the user's sessions too."}
	if opts.DryRun {
		rem.Outcome = secpillar.OutcomePlanned
		return rem, nil
	}
	if _, err := api.DeleteLoginProfile(ctx, &iam.DeleteLoginProfileInput{UserName: aws.String(user)}); err != nil {
		return rem, fmt.Errorf("incident: delete console password of %s: %w", user, err)
	}
	after, err := loginProfile(secpillar.FreshReads(ctx), api, user)
	if err != nil {
		return rem, fmt.Errorf("incident: verify: %w", err)
	}
	rem.Outcome = secpillar.OutcomeChanged
	if after != nil {
		rem.Outcome = secpillar.OutcomeVerifyPending
	}
	return rem, nil
}

// GetRoleAPI reads a role (for its path). *iam.Client satisfies it.
type GetRoleAPI interface {
	GetRole(ctx context.Context, in *iam.GetRoleInput, optFns ...func(*iam.Options)) (*iam.GetRoleOutput, error)
}

var _ GetRoleAPI = (*iam.Client)(nil)

// RoleInlinePolicyAPI reads and writes a role's inline policies.
// *iam.Client satisfies it.
type RoleInlinePolicyAPI interface {
	GetRolePolicy(ctx context.Context, in *iam.GetRolePolicyInput, optFns ...func(*iam.Options)) (*iam.GetRolePolicyOutput, error)
	PutRolePolicy(ctx context.Context, in *iam.PutRolePolicyInput, optFns ...func(*iam.Options)) (*iam.PutRolePolicyOutput, error)
}

var _ RoleInlinePolicyAPI = (*iam.Client)(nil)

// UserInlinePolicyAPI reads and writes a user's inline policies.
// *iam.Client satisfies it.
type UserInlinePolicyAPI interface {
	GetUserPolicy(ctx context.Context, in *iam.GetUserPolicyInput, optFns ...func(*iam.Options)) (*iam.GetUserPolicyOutput, error)
	PutUserPolicy(ctx context.Context, in *iam.PutUserPolicyInput, optFns ...func(*iam.Options)) (*iam.PutUserPolicyOutput, error)
}

var _ UserInlinePolicyAPI = (*iam.Client)(nil)

// RevokeRoleSessionsAPI is what RevokeRoleSessions and QuarantineRole call.
type RevokeRoleSessionsAPI interface {
	GetRoleAPI
	RoleInlinePolicyAPI
}

var _ RevokeRoleSessionsAPI = (*iam.Client)(nil)

// inlineStore abstracts a user's or a role's inline policies.
type inlineStore struct {
	kind, name string
	get        func(ctx context.Context, policy string) (string, bool, error) // plain JSON, found
	put        func(ctx context.Context, policy, doc string) error
}

func roleStore(api RoleInlinePolicyAPI, role string) inlineStore {
	return inlineStore{kind: "role", name: role,
		get: func(ctx context.Context, name string) (string, bool, error) {
			out, err := api.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String(role), PolicyName: aws.String(name)})
			return inlineDoc(out, err, func(o *iam.GetRolePolicyOutput) *string { return o.PolicyDocument })
		},
		put: func(ctx context.Context, name, doc string) error {
			_, err := api.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(role), PolicyName: aws.String(name), PolicyDocument: aws.String(doc)})
			return err
		},
	}
}

func userStore(api UserInlinePolicyAPI, user string) inlineStore {
	return inlineStore{kind: "user", name: user,
		get: func(ctx context.Context, name string) (string, bool, error) {
			out, err := api.GetUserPolicy(ctx, &iam.GetUserPolicyInput{UserName: aws.String(user), PolicyName: aws.String(name)})
			return inlineDoc(out, err, func(o *iam.GetUserPolicyOutput) *string { return o.PolicyDocument })
		},
		put: func(ctx context.Context, name, doc string) error {
			_, err := api.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String(user), PolicyName: aws.String(name), PolicyDocument: aws.String(doc)})
			return err
		},
	}
}

// inlineDoc decodes the answer of Get{User,Role}Policy: NoSuchEntity about
// the policy is "absent"; the document is URL-decoded.
func inlineDoc[T any](out *T, err error, doc func(*T) *string) (string, bool, error) {
	var nse *iamtypes.NoSuchEntityException
	if errors.As(err, &nse) && strings.Contains(strings.ToLower(nse.ErrorMessage()), "policy") {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	enc := aws.ToString(doc(out))
	if enc == "" {
		return "", false, errors.New("the response has no PolicyDocument")
	}
	plain, err := policy.DecodeIAM(enc)
	if err != nil {
		return "", false, err
	}
	return plain, true, nil
}

// checkRole reads a role and refuses a service-linked one.
func checkRole(ctx context.Context, api GetRoleAPI, role string) error {
	out, err := api.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(role)})
	if err != nil {
		return fmt.Errorf("incident: read role %s: %w", role, err)
	}
	if out.Role == nil {
		return fmt.Errorf("incident: read role %s: GetRole returned no Role", role)
	}
	if path := aws.ToString(out.Role.Path); strings.HasPrefix(path, "/aws-service-role/") {
		return &ServiceLinkedRoleError{Role: role, Path: path}
	}
	return nil
}

// RevokeSessionsPolicy returns the document of RevokeSessionsPolicyName for
// a cut-off time: deny everything to sessions whose token was issued before
// it (UTC, RFC 3339 with Z, to the second), exactly as AWS's console writes
// it.
func RevokeSessionsPolicy(cutoff time.Time) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":["*"],"Resource":["*"],"Condition":{"DateLessThan":{"aws:TokenIssueTime":"` +
		cutoff.UTC().Truncate(time.Second).Format(time.RFC3339) + `"}}}]}`
}

// revokeCutoff returns the cut-off of an existing revoke policy, when it is
// of the standard shape.
func revokeCutoff(doc string) (time.Time, bool) {
	d, err := policy.Parse(doc)
	if err != nil || len(d.Statements) != 1 {
		return time.Time{}, false
	}
	s := d.Statements[0]
	if s.Effect != "Deny" || !slices.Equal(s.Action, []string{"*"}) || !slices.Equal(s.Resource, []string{"*"}) || len(s.Condition) != 1 {
		return time.Time{}, false
	}
	v, ok := s.Condition.Lookup("DateLessThan", "aws:TokenIssueTime")
	if !ok || len(v) != 1 {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339, v[0])
	return t, err == nil
}

// RevokeRoleSessions revokes every session of a role issued before now:
// see RevokeRoleSessionsAt.
func RevokeRoleSessions(ctx context.Context, api RevokeRoleSessionsAPI, role string, optFns ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
	return RevokeRoleSessionsAt(ctx, api, role, time.Now(), optFns...)
}

// RevokeRoleSessionsAt denies every action to sessions of a role whose
// credentials were issued before cutoff, as the console's "Revoke active
// sessions" does: it puts the inline policy AWSRevokeOlderSessions
// (RevokeSessionsPolicy). Running it again overwrites the cut-off rather
// than adding a policy; when the policy already revokes sessions up to
// cutoff or later, nothing is written. A service-linked role is refused
// with *ServiceLinkedRoleError. New sessions (issued after cutoff) still
// work: also remove what lets the attacker assume the role again.
func RevokeRoleSessionsAt(ctx context.Context, api RevokeRoleSessionsAPI, role string, cutoff time.Time, optFns ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
	if err := checkName("role", role); err != nil {
		return secpillar.Remediation{}, err
	}
	if cutoff.IsZero() {
		return secpillar.Remediation{}, errors.New("incident: revoke sessions: zero cut-off time")
	}
	if err := checkRole(ctx, api, role); err != nil {
		return secpillar.Remediation{Control: ActionRevokeSessions, Resource: principalResource("role", role)}, err
	}
	return revokeSessions(ctx, roleStore(api, role), cutoff, secpillar.NewRemediateOptions(optFns...))
}

// RevokeUserSessionsAt does for an IAM user what RevokeRoleSessionsAt does
// for a role: temporary credentials the user obtained before cutoff
// (sts:GetSessionToken, federation) stop working. Requests signed with the
// user's long-term keys carry no token and are not affected by this
// policy: deactivate the keys as well.
func RevokeUserSessionsAt(ctx context.Context, api UserInlinePolicyAPI, user string, cutoff time.Time, optFns ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
	if err := checkName("user", user); err != nil {
		return secpillar.Remediation{}, err
	}
	if cutoff.IsZero() {
		return secpillar.Remediation{}, errors.New("incident: revoke sessions: zero cut-off time")
	}
	return revokeSessions(ctx, userStore(api, user), cutoff, secpillar.NewRemediateOptions(optFns...))
}

func revokeSessions(ctx context.Context, st inlineStore, cutoff time.Time, opts secpillar.RemediateOptions) (secpillar.Remediation, error) {
	cutoff = cutoff.UTC().Truncate(time.Second)
	res := principalResource(st.kind, st.name)
	rem := secpillar.Remediation{Control: ActionRevokeSessions, Resource: res}
	cur, found, err := st.get(ctx, RevokeSessionsPolicyName)
	if err != nil {
		return rem, fmt.Errorf("incident: read %s of %s %s: %w", RevokeSessionsPolicyName, st.kind, st.name, err)
	}
	before := "absent"
	if found {
		if t, ok := revokeCutoff(cur); ok {
			if !t.Before(cutoff) {
				rem.Outcome = secpillar.OutcomeCompliant
				rem.Notes = []string{"Sessions issued before " + t.UTC().Format(time.RFC3339) + " are already revoked."}
				return rem, nil
			}
			before = "sessions issued before " + t.UTC().Format(time.RFC3339) + " denied"
		} else {
			before = cur
			rem.Notes = append(rem.Notes, "The existing "+RevokeSessionsPolicyName+" policy was not of the standard shape; it is replaced (its text is in the change's Before).")
		}
	}
	doc := RevokeSessionsPolicy(cutoff)
	action := "iam:PutRolePolicy"
	undoAction := "iam:DeleteRolePolicy"
	if st.kind == "user" {
		action, undoAction = "iam:PutUserPolicy", "iam:DeleteUserPolicy"
	}
	rem.Changes = []secpillar.Change{{Resource: res, Action: action, Field: "inline policy " + RevokeSessionsPolicyName, Before: before,
		After: "sessions issued before " + cutoff.Format(time.RFC3339) + " denied"}}
	rem.Undo = fmt.Sprintf("Delete the inline policy %s from %s %s (%s), once the incident is closed.", RevokeSessionsPolicyName, st.kind, st.name, undoAction)
	rem.Notes = append(rem.Notes,
		"The policy takes a few minutes to take effect everywhere.",
		"Sessions issued after "+cutoff.Format(time.RFC3339)+" are not affected: remove what lets the attacker get new ones.")
	if opts.DryRun {
		rem.Outcome = secpillar.OutcomePlanned
		return rem, nil
	}
	if err := st.put(ctx, RevokeSessionsPolicyName, doc); err != nil {
		return rem, fmt.Errorf("incident: put %s on %s %s: %w", RevokeSessionsPolicyName, st.kind, st.name, err)
	}
	after, found, err := st.get(secpillar.FreshReads(ctx), RevokeSessionsPolicyName)
	if err != nil {
		return rem, fmt.Errorf("incident: verify %s of %s %s: %w", RevokeSessionsPolicyName, st.kind, st.name, err)
	}
	rem.Outcome = secpillar.OutcomeChanged
	if t, ok := revokeCutoff(after); !found || !ok || !t.Equal(cutoff) {
		rem.Outcome = secpillar.OutcomeVerifyPending
	}
	return rem, nil
}

// QuarantineUser puts the deny-all inline policy QuarantinePolicyName on a
// user: every request the user's credentials make (keys, console, and
// sessions derived from them) is denied, whatever else allows it. Nothing
// else on the user changes.
func QuarantineUser(ctx context.Context, api UserInlinePolicyAPI, user string, optFns ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
	if err := checkName("user", user); err != nil {
		return secpillar.Remediation{}, err
	}
	return quarantine(ctx, userStore(api, user), secpillar.NewRemediateOptions(optFns...))
}

// QuarantineRole puts the deny-all inline policy QuarantinePolicyName on a
// role: every session of the role, current and future, is denied. A
// service-linked role is refused with *ServiceLinkedRoleError.
func QuarantineRole(ctx context.Context, api RevokeRoleSessionsAPI, role string, optFns ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
	if err := checkName("role", role); err != nil {
		return secpillar.Remediation{}, err
	}
	if err := checkRole(ctx, api, role); err != nil {
		return secpillar.Remediation{Control: ActionQuarantine, Resource: principalResource("role", role)}, err
	}
	return quarantine(ctx, roleStore(api, role), secpillar.NewRemediateOptions(optFns...))
}

func quarantine(ctx context.Context, st inlineStore, opts secpillar.RemediateOptions) (secpillar.Remediation, error) {
	res := principalResource(st.kind, st.name)
	rem := secpillar.Remediation{Control: ActionQuarantine, Resource: res}
	same := func(doc string) bool {
		ok, err := policy.Equivalent(doc, QuarantinePolicy)
		return err == nil && ok
	}
	cur, found, err := st.get(ctx, QuarantinePolicyName)
	if err != nil {
		return rem, fmt.Errorf("incident: read %s of %s %s: %w", QuarantinePolicyName, st.kind, st.name, err)
	}
	if found && same(cur) {
		rem.Outcome = secpillar.OutcomeCompliant
		return rem, nil
	}
	before := "absent"
	if found {
		before = cur
	}
	action, undoAction := "iam:PutRolePolicy", "iam:DeleteRolePolicy"
	if st.kind == "user" {
		action, undoAction = "iam:PutUserPolicy", "iam:DeleteUserPolicy"
	}
	rem.Changes = []secpillar.Change{{Resource: res, Action: action, Field: "inline policy " + QuarantinePolicyName, Before: before, After: QuarantinePolicy}}
	rem.Undo = fmt.Sprintf("Delete the inline policy %s from %s %s (%s).", QuarantinePolicyName, st.kind, st.name, undoAction)
	rem.Notes = []string{"An explicit deny overrides every allow; it can take a few minutes to apply everywhere. The quarantine also blocks legitimate use of this principal."}
	if opts.DryRun {
		rem.Outcome = secpillar.OutcomePlanned
		return rem, nil
	}
	if err := st.put(ctx, QuarantinePolicyName, QuarantinePolicy); err != nil {
		return rem, fmt.Errorf("incident: put %s on %s %s: %w", QuarantinePolicyName, st.kind, st.name, err)
	}
	after, found, err := st.get(secpillar.FreshReads(ctx), QuarantinePolicyName)
	if err != nil {
		return rem, fmt.Errorf("incident: verify %s of %s %s: %w", QuarantinePolicyName, st.kind, st.name, err)
	}
	rem.Outcome = secpillar.OutcomeChanged
	if !found || !same(after) {
		rem.Outcome = secpillar.OutcomeVerifyPending
	}
	return rem, nil
}
