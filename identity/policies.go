package identity

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/internal/policy"
)

// Control IDs of the IAM policy controls.
const (
	ControlUserPermissionsViaGroups = "identity.user-permissions-via-groups"
	ControlNoAdminPolicies          = "identity.no-admin-policies"
	ControlNoWildcardServiceActions = "identity.no-wildcard-service-actions"
	ControlNoPrivilegeEscalation    = "identity.no-privilege-escalation"

	notEvaluatedNote         = "Service control policies and permission boundaries were not evaluated."
	noPrincipalsReason       = "The account has no IAM users, groups or roles."
	noCustomerPoliciesReason = "The account has no customer managed policies."
)

// CheckUserPermissionsViaGroups reports, per IAM user, whether the user
// gets permissions only through groups: no attached managed policy and no
// inline policy (CIS 1.15, IAM.2). One GetAccountAuthorizationDetails walk
// serves it.
func CheckUserPermissionsViaGroups(ctx context.Context, api AuthorizationDetailsAPI) ([]secpillar.Finding, error) {
	d, err := readAuthDetails(ctx, api)
	if err != nil {
		return nil, err
	}
	if len(d.Users) == 0 {
		return []secpillar.Finding{{Control: ControlUserPermissionsViaGroups, Status: secpillar.StatusNotApplicable, Severity: secpillar.SeverityLow,
			Resource: secpillar.AccountResource(""), Reason: "The account has no IAM users."}}, nil
	}
	var out []secpillar.Finding
	for _, u := range d.Users {
		name := aws.ToString(u.UserName)
		f := secpillar.Finding{Control: ControlUserPermissionsViaGroups, Severity: secpillar.SeverityLow, Resource: userResource(aws.ToString(u.Arn)),
			Evidence: map[string]string{"attached_policies": fmt.Sprint(len(u.AttachedManagedPolicies)), "inline_policies": fmt.Sprint(len(u.UserPolicyList))}}
		if len(u.AttachedManagedPolicies) == 0 && len(u.UserPolicyList) == 0 {
			f.Status, f.Reason = secpillar.StatusPass, fmt.Sprintf("User %s has no policies of its own; it gets permissions through groups only.", name)
		} else {
			var names []string
			for _, a := range u.AttachedManagedPolicies {
				names = append(names, aws.ToString(a.PolicyName))
			}
			for _, p := range u.UserPolicyList {
				names = append(names, aws.ToString(p.PolicyName)+" (inline)")
			}
			f.Status = secpillar.StatusFail
			f.Reason = fmt.Sprintf("User %s has policies of its own (%s): move them to a group and add the user to it.", name, strings.Join(names, ", "))
		}
		out = append(out, f)
	}
	return out, nil
}

// principal is a user, group or role with its policies.
type principal struct {
	kind, name string
	res        secpillar.Resource
	attached   []iamtypes.AttachedPolicy
	inline     []iamtypes.PolicyDetail
	path       string
}

func principals(d *authDetails) []principal {
	var out []principal
	for _, u := range d.Users {
		out = append(out, principal{"user", aws.ToString(u.UserName), userResource(aws.ToString(u.Arn)), u.AttachedManagedPolicies, u.UserPolicyList, aws.ToString(u.Path)})
	}
	for _, g := range d.Groups {
		out = append(out, principal{"group", aws.ToString(g.GroupName), groupResource(aws.ToString(g.Arn)), g.AttachedManagedPolicies, g.GroupPolicyList, aws.ToString(g.Path)})
	}
	for _, r := range d.Roles {
		out = append(out, principal{"role", aws.ToString(r.RoleName), roleResource(aws.ToString(r.Arn)), r.AttachedManagedPolicies, r.RolePolicyList, aws.ToString(r.Path)})
	}
	return out
}

// CheckNoAdminPolicies reports whether any policy grants administrator
// access (CIS 1.16, IAM.1): one finding per managed policy (customer or
// AWS managed) attached to anything, and one per user, group or role for
// its inline policies. Unattached customer managed policies are
// NOT_APPLICABLE. "Admin" is an Allow of every action on every resource
// (or NotAction on every resource) not cancelled by a Deny in the same
// document; service control policies and permission boundaries are not
// evaluated.
func CheckNoAdminPolicies(ctx context.Context, api AuthorizationDetailsAPI) ([]secpillar.Finding, error) {
	d, err := readAuthDetails(ctx, api)
	if err != nil {
		return nil, err
	}
	const sev = secpillar.SeverityHigh
	var out []secpillar.Finding
	for i := range d.Policies {
		p := &d.Policies[i]
		arn := aws.ToString(p.Arn)
		f := secpillar.Finding{Control: ControlNoAdminPolicies, Severity: sev, Resource: policyResource(arn),
			Evidence: map[string]string{"attachment_count": fmt.Sprint(aws.ToInt32(p.AttachmentCount))}}
		if p.AttachmentCount == nil {
			return nil, fmt.Errorf("identity: policy %s: the authorization details have no AttachmentCount", arn)
		}
		doc, err := defaultDocument(p)
		if err != nil {
			return nil, err
		}
		admin, why := policy.IsAdmin(doc)
		switch {
		case *p.AttachmentCount == 0:
			f.Status = secpillar.StatusNotApplicable
			f.Reason = fmt.Sprintf("Policy %s is not attached to any user, group or role.", aws.ToString(p.PolicyName))
			if admin {
				f.Evidence["grants_admin"] = "true"
			}
		case admin:
			f.Status = secpillar.StatusFail
			f.Evidence["statement"] = why
			f.Reason = fmt.Sprintf("Policy %s grants administrator access (%s) and is attached %d time(s): detach it and grant least privilege. %s", aws.ToString(p.PolicyName), why, *p.AttachmentCount, notEvaluatedNote)
		default:
			f.Status = secpillar.StatusPass
			f.Reason = fmt.Sprintf("Policy %s does not grant administrator access. %s", aws.ToString(p.PolicyName), notEvaluatedNote)
		}
		out = append(out, f)
	}
	for _, pr := range principals(d) {
		if len(pr.inline) == 0 {
			continue
		}
		f := secpillar.Finding{Control: ControlNoAdminPolicies, Severity: sev, Resource: pr.res, Evidence: map[string]string{"inline_policies": fmt.Sprint(len(pr.inline))}}
		var admins []string
		for _, ip := range pr.inline {
			doc, err := inlineDocument(pr.kind+" "+pr.name, ip)
			if err != nil {
				return nil, err
			}
			if ok, why := policy.IsAdmin(doc); ok {
				admins = append(admins, fmt.Sprintf("%s: %s", aws.ToString(ip.PolicyName), why))
			}
		}
		if len(admins) > 0 {
			f.Status = secpillar.StatusFail
			f.Reason = fmt.Sprintf("The inline policies of %s %s grant administrator access (%s): remove them and grant least privilege. %s", pr.kind, pr.name, strings.Join(admins, "; "), notEvaluatedNote)
		} else {
			f.Status = secpillar.StatusPass
			f.Reason = fmt.Sprintf("The inline policies of %s %s do not grant administrator access. %s", pr.kind, pr.name, notEvaluatedNote)
		}
		out = append(out, f)
	}
	if len(out) == 0 {
		out = append(out, secpillar.Finding{Control: ControlNoAdminPolicies, Status: secpillar.StatusNotApplicable, Severity: sev, Resource: secpillar.AccountResource(""),
			Reason: "The account has no managed or inline policies."})
	}
	return out, nil
}

// CheckNoWildcardServiceActions reports, per customer managed policy,
// whether it allows every action of a service ("s3:*") (IAM.21).
func CheckNoWildcardServiceActions(ctx context.Context, api AuthorizationDetailsAPI) ([]secpillar.Finding, error) {
	d, err := readAuthDetails(ctx, api)
	if err != nil {
		return nil, err
	}
	const sev = secpillar.SeverityLow
	var out []secpillar.Finding
	for i := range d.Policies {
		p := &d.Policies[i]
		arn := aws.ToString(p.Arn)
		if isAWSManaged(arn) {
			continue
		}
		doc, err := defaultDocument(p)
		if err != nil {
			return nil, err
		}
		f := secpillar.Finding{Control: ControlNoWildcardServiceActions, Severity: sev, Resource: policyResource(arn), Evidence: map[string]string{}}
		if w := policy.ServiceWildcards(doc); len(w) > 0 {
			f.Status = secpillar.StatusFail
			f.Evidence["service_wildcards"] = strings.Join(w, ",")
			f.Reason = fmt.Sprintf("Policy %s allows every action of a service (%s): list the actions needed instead.", aws.ToString(p.PolicyName), strings.Join(w, ", "))
		} else {
			f.Status = secpillar.StatusPass
			f.Reason = fmt.Sprintf("Policy %s allows no service-wide wildcard action.", aws.ToString(p.PolicyName))
		}
		out = append(out, f)
	}
	if len(out) == 0 {
		out = append(out, secpillar.Finding{Control: ControlNoWildcardServiceActions, Status: secpillar.StatusNotApplicable, Severity: sev, Resource: secpillar.AccountResource(""), Reason: noCustomerPoliciesReason})
	}
	return out, nil
}

// CheckNoPrivilegeEscalation reports, per user, group and role, whether
// its policies together (inline and attached managed ones) allow a known
// privilege-escalation path, such as iam:PassRole with a way to run
// compute, iam:CreatePolicyVersion or iam:AttachUserPolicy. Service-linked
// roles are NOT_APPLICABLE: AWS owns their policies. Users' group policies
// are evaluated on the groups. Service control policies, permission
// boundaries and conditions are not evaluated.
func CheckNoPrivilegeEscalation(ctx context.Context, api AuthorizationDetailsAPI) ([]secpillar.Finding, error) {
	d, err := readAuthDetails(ctx, api)
	if err != nil {
		return nil, err
	}
	const sev = secpillar.SeverityHigh
	docs := map[string]*policy.Document{} // parsed managed policies by ARN
	managed := func(arn string) (*policy.Document, error) {
		if doc, ok := docs[arn]; ok {
			return doc, nil
		}
		p := d.byARN[arn]
		if p == nil {
			return nil, fmt.Errorf("identity: attached policy %s is missing from the authorization details", arn)
		}
		doc, err := defaultDocument(p)
		if err != nil {
			return nil, err
		}
		docs[arn] = doc
		return doc, nil
	}
	var out []secpillar.Finding
	for _, pr := range principals(d) {
		f := secpillar.Finding{Control: ControlNoPrivilegeEscalation, Severity: sev, Resource: pr.res, Evidence: map[string]string{}}
		if pr.kind == "role" && isServiceLinked(pr.path, pr.res.ID) {
			f.Status, f.Reason = secpillar.StatusNotApplicable, fmt.Sprintf("Role %s is service-linked: AWS owns its policies.", pr.name)
			out = append(out, f)
			continue
		}
		merged := &policy.Document{}
		for _, a := range pr.attached {
			doc, err := managed(aws.ToString(a.PolicyArn))
			if err != nil {
				return nil, err
			}
			merged.Statements = append(merged.Statements, doc.Statements...)
		}
		for _, ip := range pr.inline {
			doc, err := inlineDocument(pr.kind+" "+pr.name, ip)
			if err != nil {
				return nil, err
			}
			merged.Statements = append(merged.Statements, doc.Statements...)
		}
		esc := policy.PrivilegeEscalations(merged)
		if len(esc) == 0 {
			f.Status, f.Reason = secpillar.StatusPass, fmt.Sprintf("The policies of %s %s allow no known privilege-escalation path. %s", pr.kind, pr.name, notEvaluatedNote)
			out = append(out, f)
			continue
		}
		names := make([]string, len(esc))
		for i, e := range esc {
			names[i] = e.Name
		}
		sort.Strings(names)
		f.Status = secpillar.StatusFail
		f.Evidence["escalation_paths"] = strings.Join(names, ",")
		shown := names
		if len(shown) > 5 {
			shown = append(append([]string(nil), shown[:5]...), fmt.Sprintf("and %d more", len(names)-5))
		}
		f.Reason = fmt.Sprintf("The policies of %s %s allow privilege escalation (%s): remove those actions or scope them to specific resources. %s", pr.kind, pr.name, strings.Join(shown, ", "), notEvaluatedNote)
		if admin, _ := policy.IsAdmin(merged); admin {
			f.Evidence["administrator"] = "true"
			f.Reason = fmt.Sprintf("The policies of %s %s grant administrator access, which includes every escalation path (%d known): grant least privilege instead. %s", pr.kind, pr.name, len(names), notEvaluatedNote)
		}
		out = append(out, f)
	}
	if len(out) == 0 {
		out = append(out, secpillar.Finding{Control: ControlNoPrivilegeEscalation, Status: secpillar.StatusNotApplicable, Severity: sev, Resource: secpillar.AccountResource(""), Reason: noPrincipalsReason})
	}
	return out, nil
}
