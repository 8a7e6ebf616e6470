package identity

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/internal/awserr"
	"github.com/secpillar/secpillar/internal/pagetoken"
	"github.com/secpillar/secpillar/internal/policy"
)

// Control IDs of the role trust controls.
const (
	ControlRoleTrustNotPublic          = "identity.role-trust-not-public"
	ControlCrossAccountTrustExternalID = "identity.cross-account-trust-external-id"
)

// trustVerdict evaluates one role's URL-encoded trust policy: the
// principals that make it public, and the principals of other accounts
// (not own, not in internal) trusted without sts:ExternalId.
func trustVerdict(encoded, own string, internal map[string]bool) (public, external []string, err error) {
	doc, err := policy.ParseIAM(encoded)
	if err != nil {
		return nil, nil, err
	}
	for _, g := range policy.TrustGrants(doc, own) {
		if g.Public {
			public = append(public, g.Principal)
			continue
		}
		if g.Account != "" && g.Account != own && !internal[g.Account] && !g.HasExternalID {
			external = append(external, g.Principal)
		}
	}
	return dedupe(public), dedupe(external), nil
}

func dedupe(v []string) []string {
	if len(v) == 0 {
		return nil
	}
	sort.Strings(v)
	out := v[:1]
	for _, s := range v[1:] {
		if s != out[len(out)-1] {
			out = append(out, s)
		}
	}
	return out
}

// CheckRoleTrustNotPublic reports, per IAM role, whether its trust policy
// lets anyone assume it: a principal of "*" (or a wildcard AWS principal, a
// web identity provider, NotPrincipal) without a condition that restricts
// the caller to known accounts, organizations or sources.
func CheckRoleTrustNotPublic(ctx context.Context, api AuthorizationDetailsAPI) ([]secpillar.Finding, error) {
	d, err := readAuthDetails(ctx, api)
	if err != nil {
		return nil, err
	}
	const sev = secpillar.SeverityCritical
	if len(d.Roles) == 0 {
		return []secpillar.Finding{{Control: ControlRoleTrustNotPublic, Status: secpillar.StatusNotApplicable, Severity: sev, Resource: secpillar.AccountResource(""), Reason: "The account has no IAM roles."}}, nil
	}
	var out []secpillar.Finding
	for _, r := range d.Roles {
		name, arn := aws.ToString(r.RoleName), aws.ToString(r.Arn)
		if r.AssumeRolePolicyDocument == nil {
			return nil, fmt.Errorf("identity: role %s: the authorization details have no trust policy", name)
		}
		public, _, err := trustVerdict(*r.AssumeRolePolicyDocument, accountOfARN(arn), nil)
		if err != nil {
			return nil, fmt.Errorf("identity: role %s: trust policy: %w", name, err)
		}
		f := secpillar.Finding{Control: ControlRoleTrustNotPublic, Severity: sev, Resource: roleResource(arn), Evidence: map[string]string{}}
		if len(public) > 0 {
			f.Status = secpillar.StatusFail
			f.Evidence["public_principals"] = strings.Join(public, ",")
			f.Reason = fmt.Sprintf("Role %s can be assumed by anyone (%s): name the trusted principals, or add a condition on aws:PrincipalOrgID, aws:SourceAccount or sts:ExternalId.", name, strings.Join(public, ", "))
		} else {
			f.Status = secpillar.StatusPass
			f.Reason = fmt.Sprintf("Role %s's trust policy names its principals or restricts them by condition.", name)
		}
		out = append(out, f)
	}
	return out, nil
}

// OrganizationAccountsAPI is the part of the Organizations API that
// CheckCrossAccountTrustExternalID calls to learn which accounts are in
// the organization. *organizations.Client satisfies it.
type OrganizationAccountsAPI interface {
	DescribeOrganization(ctx context.Context, in *organizations.DescribeOrganizationInput, optFns ...func(*organizations.Options)) (*organizations.DescribeOrganizationOutput, error)
	ListAccounts(ctx context.Context, in *organizations.ListAccountsInput, optFns ...func(*organizations.Options)) (*organizations.ListAccountsOutput, error)
}

var _ OrganizationAccountsAPI = (*organizations.Client)(nil)

// CrossAccountTrustOptions tune CheckCrossAccountTrustExternalID.
type CrossAccountTrustOptions struct {
	// TrustedAccounts are account IDs to treat as internal besides the
	// organization's (for example partners that cannot send an external
	// ID are not internal; your own other organizations are).
	TrustedAccounts []string
}

// orgMembers returns the organization's account IDs and a note saying how
// complete that list is. Access denied or "not in an organization" are
// notes, not errors: every account not known to be internal is then
// treated as external, which can only add failures.
func orgMembers(ctx context.Context, api OrganizationAccountsAPI) (map[string]bool, string, error) {
	members := map[string]bool{}
	if api == nil {
		return members, "The organization was not read: every other account is treated as external.", nil
	}
	org, err := api.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
	var notInUse *orgtypes.AWSOrganizationsNotInUseException
	switch {
	case errors.As(err, &notInUse):
		return members, "The account is not in an organization: every other account is external.", nil
	case err != nil && awserr.IsAccessDenied(err):
		return members, "The organization could not be read (" + err.Error() + "): every other account is treated as external.", nil
	case err != nil:
		return nil, "", fmt.Errorf("identity: describe organization: %w", err)
	}
	if org == nil || org.Organization == nil {
		return nil, "", errors.New("identity: describe organization: the response has no Organization")
	}
	if m := aws.ToString(org.Organization.MasterAccountId); m != "" {
		members[m] = true
	}
	p := organizations.NewListAccountsPaginator(api, &organizations.ListAccountsInput{})
	tokens := pagetoken.Guard{What: "identity: list organization accounts"}
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		var notAdmin *orgtypes.AccessDeniedException
		if errors.As(err, &notAdmin) || (err != nil && awserr.IsAccessDenied(err)) {
			return members, "The organization's accounts could not be listed from this account (" + err.Error() + "): only the management account counts as internal; run from the management account or a delegated administrator for a complete answer.", nil
		}
		if err != nil {
			return nil, "", fmt.Errorf("identity: list organization accounts: %w", err)
		}
		if err := tokens.Check(false, out.NextToken); err != nil {
			return nil, "", err
		}
		for _, a := range out.Accounts {
			if id := aws.ToString(a.Id); id != "" {
				members[id] = true
			}
		}
	}
	return members, fmt.Sprintf("The organization %s has %d accounts; they count as internal.", aws.ToString(org.Organization.Id), len(members)), nil
}

// CheckCrossAccountTrustExternalID reports, per IAM role, whether every
// account outside the organization that its trust policy names must send
// sts:ExternalId. Accounts of the organization count as internal when the
// organization can be read (orgAPI may be nil); each finding's evidence
// says how complete the list of internal accounts was. Service principals
// and the role's own account are not cross-account. Public trust is the
// subject of CheckRoleTrustNotPublic.
func CheckCrossAccountTrustExternalID(ctx context.Context, api AuthorizationDetailsAPI, orgAPI OrganizationAccountsAPI, optFns ...func(*CrossAccountTrustOptions)) ([]secpillar.Finding, error) {
	var o CrossAccountTrustOptions
	for _, fn := range optFns {
		fn(&o)
	}
	for _, a := range o.TrustedAccounts {
		if len(a) != 12 || strings.Trim(a, "0123456789") != "" {
			return nil, fmt.Errorf("identity: cross-account trust options: %q is not a 12-digit account ID", a)
		}
	}
	d, err := readAuthDetails(ctx, api)
	if err != nil {
		return nil, err
	}
	const sev = secpillar.SeverityHigh
	if len(d.Roles) == 0 {
		return []secpillar.Finding{{Control: ControlCrossAccountTrustExternalID, Status: secpillar.StatusNotApplicable, Severity: sev, Resource: secpillar.AccountResource(""), Reason: "The account has no IAM roles."}}, nil
	}
	internal, note, err := orgMembers(ctx, orgAPI)
	if err != nil {
		return nil, err
	}
	for _, a := range o.TrustedAccounts {
		internal[a] = true
	}
	var out []secpillar.Finding
	for _, r := range d.Roles {
		name, arn := aws.ToString(r.RoleName), aws.ToString(r.Arn)
		if r.AssumeRolePolicyDocument == nil {
			return nil, fmt.Errorf("identity: role %s: the authorization details have no trust policy", name)
		}
		_, external, err := trustVerdict(*r.AssumeRolePolicyDocument, accountOfARN(arn), internal)
		if err != nil {
			return nil, fmt.Errorf("identity: role %s: trust policy: %w", name, err)
		}
		f := secpillar.Finding{Control: ControlCrossAccountTrustExternalID, Severity: sev, Resource: roleResource(arn), Evidence: map[string]string{"organization": note}}
		if len(external) > 0 {
			f.Status = secpillar.StatusFail
			f.Evidence["external_principals"] = strings.Join(external, ",")
			f.Reason = fmt.Sprintf("Role %s trusts accounts outside the organization without requiring sts:ExternalId (%s): add a StringEquals condition on sts:ExternalId. %s", name, strings.Join(external, ", "), note)
		} else {
			f.Status = secpillar.StatusPass
			f.Reason = fmt.Sprintf("Role %s trusts no account outside the organization without an external ID. %s", name, note)
		}
		out = append(out, f)
	}
	return out, nil
}
