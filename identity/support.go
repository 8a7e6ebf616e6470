package identity

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/internal/pagetoken"
)

// ControlSupportRoleExists is the ID of the support role control.
const ControlSupportRoleExists = "identity.support-role-exists"

// SupportPolicyARN is the AWS managed policy that lets a principal manage
// AWS Support cases.
const SupportPolicyARN = "arn:aws:iam::aws:policy/AWSSupportAccess"

// DefaultSupportRoleName is the role name RemediateSupportRole uses when
// none is given.
const DefaultSupportRoleName = "secpillar-support"

// CheckSupportRole reports whether a role has AWSSupportAccess attached,
// so that incidents can be raised with AWS Support without root (CIS
// 1.17). It reads the account's authorization details.
func CheckSupportRole(ctx context.Context, api AuthorizationDetailsAPI) (secpillar.Finding, error) {
	f := secpillar.Finding{Control: ControlSupportRoleExists, Severity: secpillar.SeverityLow, Resource: secpillar.AccountResource(""), Evidence: map[string]string{}}
	d, err := readAuthDetails(ctx, api)
	if err != nil {
		return f, err
	}
	var roles []string
	for _, r := range d.Roles {
		for _, a := range r.AttachedManagedPolicies {
			if aws.ToString(a.PolicyArn) == SupportPolicyARN {
				roles = append(roles, aws.ToString(r.RoleName))
			}
		}
	}
	if len(roles) > 0 {
		f.Status = secpillar.StatusPass
		f.Evidence["support_roles"] = strings.Join(roles, ",")
		f.Reason = "Role(s) with AWSSupportAccess exist: " + strings.Join(roles, ", ") + "."
		return f, nil
	}
	f.Status = secpillar.StatusFail
	f.Reason = "No role has the AWSSupportAccess policy: create one that your incident responders can assume."
	return f, nil
}

// SupportRoleRemediationAPI is the part of the IAM API that
// RemediateSupportRole calls. *iam.Client satisfies it.
type SupportRoleRemediationAPI interface {
	GetRole(ctx context.Context, in *iam.GetRoleInput, optFns ...func(*iam.Options)) (*iam.GetRoleOutput, error)
	ListAttachedRolePolicies(ctx context.Context, in *iam.ListAttachedRolePoliciesInput, optFns ...func(*iam.Options)) (*iam.ListAttachedRolePoliciesOutput, error)
	CreateRole(ctx context.Context, in *iam.CreateRoleInput, optFns ...func(*iam.Options)) (*iam.CreateRoleOutput, error)
	AttachRolePolicy(ctx context.Context, in *iam.AttachRolePolicyInput, optFns ...func(*iam.Options)) (*iam.AttachRolePolicyOutput, error)
}

var _ SupportRoleRemediationAPI = (*iam.Client)(nil)

var (
	roleNameRE = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)
	accountRE  = regexp.MustCompile(`^\d{12}$`)
	iamARNRE   = regexp.MustCompile(`^arn:aws[a-z-]*:iam::\d{12}:(root|(user|role)/[\w+=,.@/-]+)$`)
)

// trustedPrincipalARN turns an account ID or an IAM principal ARN into
// the principal of a trust policy, or an error naming the input.
func trustedPrincipalARN(p string) (string, error) {
	switch {
	case accountRE.MatchString(p):
		return "arn:aws:iam::" + p + ":root", nil
	case iamARNRE.MatchString(p):
		return p, nil
	}
	return "", fmt.Errorf("identity: trusted principal %q is neither a 12-digit account ID nor an IAM user, role or root ARN", p)
}

func attachedPolicies(ctx context.Context, api SupportRoleRemediationAPI, role string) ([]string, error) {
	var out []string
	p := iam.NewListAttachedRolePoliciesPaginator(api, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String(role)})
	tokens := pagetoken.Guard{What: "identity: list policies of role " + role}
	for p.HasMorePages() {
		pg, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("identity: list policies of role %s: %w", role, err)
		}
		if err := tokens.Check(pg.IsTruncated, pg.Marker); err != nil {
			return nil, err
		}
		for _, a := range pg.AttachedPolicies {
			out = append(out, aws.ToString(a.PolicyArn))
		}
	}
	return out, nil
}

// RemediateSupportRole makes sure a role named roleName (empty means
// DefaultSupportRoleName) exists with AWSSupportAccess attached. A missing
// role is created with a trust policy for trustedPrincipal (an account ID
// or an IAM principal ARN) only; an existing role keeps its trust policy
// and other policies, and only gets AWSSupportAccess attached.
func RemediateSupportRole(ctx context.Context, api SupportRoleRemediationAPI, roleName, trustedPrincipal string, optFns ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
	opts := secpillar.NewRemediateOptions(optFns...)
	rem := secpillar.Remediation{Control: ControlSupportRoleExists, Resource: secpillar.AccountResource("")}
	if roleName == "" {
		roleName = DefaultSupportRoleName
	}
	if !roleNameRE.MatchString(roleName) {
		return rem, fmt.Errorf("identity: support role name %q is not a valid IAM role name", roleName)
	}
	principal, err := trustedPrincipalARN(trustedPrincipal)
	if err != nil {
		return rem, err
	}
	out, err := api.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(roleName)})
	var nse *iamtypes.NoSuchEntityException
	exists := true
	switch {
	case errors.As(err, &nse):
		exists = false
	case err != nil:
		return rem, fmt.Errorf("identity: read role %s: %w", roleName, err)
	case out == nil || out.Role == nil || out.Role.Arn == nil:
		return rem, fmt.Errorf("identity: read role %s: the response has no role ARN", roleName)
	}
	roleRes := secpillar.Resource{Type: "AWS::IAM::Role", ID: roleName}
	if exists {
		roleRes = roleResource(aws.ToString(out.Role.Arn))
		attached, err := attachedPolicies(ctx, api, roleName)
		if err != nil {
			return rem, err
		}
		for _, a := range attached {
			if a == SupportPolicyARN {
				rem.Resource = roleRes
				rem.Outcome = secpillar.OutcomeCompliant
				return rem, nil
			}
		}
	}
	trust, err := json.Marshal(map[string]any{
		"Version": "2012-10-17",
		"Statement": []map[string]any{{
			"Sid": "SecpillarSupportAccess", "Effect": "Allow",
			"Principal": map[string]string{"AWS": principal}, "Action": "sts:AssumeRole",
		}},
	})
	if err != nil {
		return rem, err
	}
	rem.Resource = roleRes
	if !exists {
		rem.Changes = append(rem.Changes, secpillar.Change{Resource: roleRes, Action: "iam:CreateRole", Field: "Role " + roleName, Before: "none", After: "trusted by " + principal})
	}
	rem.Changes = append(rem.Changes, secpillar.Change{Resource: roleRes, Action: "iam:AttachRolePolicy", Field: "AttachedPolicies", Before: "without AWSSupportAccess", After: "with AWSSupportAccess"})
	if exists {
		rem.Undo = "Detach AWSSupportAccess with iam:DetachRolePolicy from " + roleName + "."
	} else {
		rem.Undo = "Detach AWSSupportAccess (iam:DetachRolePolicy) and delete the role " + roleName + " (iam:DeleteRole)."
	}
	if opts.DryRun {
		rem.Outcome = secpillar.OutcomePlanned
		return rem, nil
	}
	if !exists {
		created, err := api.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(roleName), AssumeRolePolicyDocument: aws.String(string(trust)),
			Description: aws.String("Manages AWS Support cases (created by secpillar)")})
		if err != nil {
			return rem, fmt.Errorf("identity: create role %s: %w", roleName, err)
		}
		if created != nil && created.Role != nil && created.Role.Arn != nil {
			rem.Resource = roleResource(aws.ToString(created.Role.Arn))
			for i := range rem.Changes {
				rem.Changes[i].Resource = rem.Resource
			}
		}
	}
	if _, err := api.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String(roleName), PolicyArn: aws.String(SupportPolicyARN)}); err != nil {
		return rem, fmt.Errorf("identity: attach AWSSupportAccess to %s: %w", roleName, err)
	}
	attached, err := attachedPolicies(secpillar.FreshReads(ctx), api, roleName)
	if err != nil {
		return rem, fmt.Errorf("identity: verify: %w", err)
	}
	rem.Outcome = secpillar.OutcomeVerifyPending
	for _, a := range attached {
		if a == SupportPolicyARN {
			rem.Outcome = secpillar.OutcomeChanged
		}
	}
	return rem, nil
}
