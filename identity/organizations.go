package identity

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/secpillar/secpillar"
)

// Control IDs of the Organizations controls.
const (
	ControlOrganizationsMember   = "identity.organizations-member"
	ControlCentralRootManagement = "identity.central-root-management"
)

// OrganizationAPI is the part of the Organizations API that
// CheckOrganizationsMember calls. *organizations.Client satisfies it.
type OrganizationAPI interface {
	DescribeOrganization(ctx context.Context, in *organizations.DescribeOrganizationInput, optFns ...func(*organizations.Options)) (*organizations.DescribeOrganizationOutput, error)
}

var _ OrganizationAPI = (*organizations.Client)(nil)

// CheckOrganizationsMember reports whether the account belongs to an AWS
// Organizations organization with all features enabled (needed for service
// control policies and centralised root management). An organization that
// cannot be read is an error that says so.
func CheckOrganizationsMember(ctx context.Context, api OrganizationAPI) (secpillar.Finding, error) {
	f := secpillar.Finding{Control: ControlOrganizationsMember, Severity: secpillar.SeverityMedium, Resource: secpillar.AccountResource(""), Evidence: map[string]string{}}
	out, err := api.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
	var notInUse *orgtypes.AWSOrganizationsNotInUseException
	if errors.As(err, &notInUse) {
		f.Status = secpillar.StatusFail
		f.Evidence["organization"] = "none"
		f.Reason = "The account is not in an organization: join one with all features enabled so that service control policies and central root management apply."
		return f, nil
	}
	if err != nil {
		return f, fmt.Errorf("identity: the organization cannot be read: describe organization: %w", err)
	}
	if out == nil || out.Organization == nil {
		return f, errors.New("identity: describe organization: the response has no Organization")
	}
	o := out.Organization
	f.Evidence["organization_id"] = aws.ToString(o.Id)
	f.Evidence["feature_set"] = string(o.FeatureSet)
	f.Evidence["management_account"] = aws.ToString(o.MasterAccountId)
	switch o.FeatureSet {
	case orgtypes.OrganizationFeatureSetAll:
		f.Status = secpillar.StatusPass
		f.Reason = fmt.Sprintf("The account belongs to organization %s with all features enabled.", aws.ToString(o.Id))
	case orgtypes.OrganizationFeatureSetConsolidatedBilling:
		f.Status = secpillar.StatusFail
		f.Reason = fmt.Sprintf("Organization %s has only consolidated billing: enable all features so that service control policies apply.", aws.ToString(o.Id))
	case "":
		return f, errors.New("identity: describe organization: the organization has no FeatureSet")
	default:
		return f, fmt.Errorf("identity: describe organization: unknown feature set %q", o.FeatureSet)
	}
	return f, nil
}

// CentralRootAPI is the part of the IAM API that CheckCentralRootManagement
// calls. *iam.Client satisfies it.
type CentralRootAPI interface {
	ListOrganizationsFeatures(ctx context.Context, in *iam.ListOrganizationsFeaturesInput, optFns ...func(*iam.Options)) (*iam.ListOrganizationsFeaturesOutput, error)
}

var _ CentralRootAPI = (*iam.Client)(nil)

// CentralRootRemediationAPI adds the IAM write of
// RemediateCentralRootManagement. *iam.Client satisfies it.
type CentralRootRemediationAPI interface {
	CentralRootAPI
	EnableOrganizationsRootCredentialsManagement(ctx context.Context, in *iam.EnableOrganizationsRootCredentialsManagementInput, optFns ...func(*iam.Options)) (*iam.EnableOrganizationsRootCredentialsManagementOutput, error)
}

var _ CentralRootRemediationAPI = (*iam.Client)(nil)

// ServiceAccessAPI is the Organizations write that gives IAM trusted
// access. *organizations.Client satisfies it.
type ServiceAccessAPI interface {
	EnableAWSServiceAccess(ctx context.Context, in *organizations.EnableAWSServiceAccessInput, optFns ...func(*organizations.Options)) (*organizations.EnableAWSServiceAccessOutput, error)
}

var _ ServiceAccessAPI = (*organizations.Client)(nil)

const rootCredentialsManagement = iamtypes.FeatureTypeRootCredentialsManagement

// rootFeatures reads the enabled centralised root access features. found
// is false (with a reason) when the account is in no organization, or IAM
// has no trusted access to it, both of which mean "not enabled".
func rootFeatures(ctx context.Context, api CentralRootAPI) (features []iamtypes.FeatureType, orgID, off string, err error) {
	out, err := api.ListOrganizationsFeatures(ctx, &iam.ListOrganizationsFeaturesInput{})
	var (
		noOrg     *iamtypes.OrganizationNotFoundException
		notAll    *iamtypes.OrganizationNotInAllFeaturesModeException
		noAccess  *iamtypes.ServiceAccessNotEnabledException
		notMgmt   *iamtypes.AccountNotManagementOrDelegatedAdministratorException
		notCaller *iamtypes.CallerIsNotManagementAccountException
	)
	switch {
	case errors.As(err, &noOrg):
		return nil, "", "the account is not in an organization", nil
	case errors.As(err, &notAll):
		return nil, "", "the organization does not have all features enabled", nil
	case errors.As(err, &noAccess):
		return nil, "", "IAM has no trusted access to the organization", nil
	case errors.As(err, &notMgmt), errors.As(err, &notCaller):
		return nil, "", "", fmt.Errorf("identity: the organization's root access settings cannot be read from this account (run from the management account or an IAM delegated administrator): %w", err)
	case err != nil:
		return nil, "", "", fmt.Errorf("identity: list organization root access features: %w", err)
	}
	if out == nil {
		return nil, "", "", errors.New("identity: list organization root access features: empty response")
	}
	for _, f := range out.EnabledFeatures {
		switch f {
		case iamtypes.FeatureTypeRootCredentialsManagement, iamtypes.FeatureTypeRootSessions:
		default:
			return nil, "", "", fmt.Errorf("identity: list organization root access features: unknown feature %q", f)
		}
	}
	return out.EnabledFeatures, aws.ToString(out.OrganizationId), "", nil
}

// CheckCentralRootManagement reports whether the organization manages the
// member accounts' root credentials centrally (IAM's
// RootCredentialsManagement feature), so that members can run without
// root passwords and keys. It must run in the management account or an IAM
// delegated administrator; elsewhere it returns an error saying so.
func CheckCentralRootManagement(ctx context.Context, api CentralRootAPI) (secpillar.Finding, error) {
	f := secpillar.Finding{Control: ControlCentralRootManagement, Severity: secpillar.SeverityMedium, Resource: secpillar.AccountResource(""), Evidence: map[string]string{}}
	features, orgID, off, err := rootFeatures(ctx, api)
	if err != nil {
		return f, err
	}
	if off != "" {
		f.Status = secpillar.StatusFail
		f.Evidence["reason"] = off
		f.Reason = "Central root management is off (" + off + "): enable IAM trusted access and root credentials management in the management account."
		return f, nil
	}
	names := make([]string, len(features))
	for i, x := range features {
		names[i] = string(x)
	}
	f.Evidence["organization_id"] = orgID
	f.Evidence["enabled_features"] = strings.Join(names, ",")
	if slices.Contains(features, rootCredentialsManagement) {
		f.Status = secpillar.StatusPass
		f.Reason = fmt.Sprintf("Organization %s manages member accounts' root credentials centrally.", orgID)
		return f, nil
	}
	f.Status = secpillar.StatusFail
	f.Reason = fmt.Sprintf("Organization %s does not manage member root credentials centrally: enable root credentials management, then remove members' root passwords and keys.", orgID)
	return f, nil
}

// RemediateCentralRootManagement turns on centralised root credentials
// management: it gives IAM trusted access to the organization when it has
// none (organizations:EnableAWSServiceAccess for iam.amazonaws.com), then
// enables RootCredentialsManagement, and re-reads to verify. It runs in the
// management account. Existing member root credentials are not removed.
func RemediateCentralRootManagement(ctx context.Context, api CentralRootRemediationAPI, orgAPI ServiceAccessAPI, optFns ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
	opts := secpillar.NewRemediateOptions(optFns...)
	res := secpillar.AccountResource("")
	rem := secpillar.Remediation{Control: ControlCentralRootManagement, Resource: res}
	features, _, off, err := rootFeatures(ctx, api)
	if err != nil {
		return rem, err
	}
	switch off {
	case "":
		if slices.Contains(features, rootCredentialsManagement) {
			rem.Outcome = secpillar.OutcomeCompliant
			return rem, nil
		}
	case "IAM has no trusted access to the organization":
		rem.Changes = append(rem.Changes, secpillar.Change{Resource: res, Action: "organizations:EnableAWSServiceAccess", Field: "ServicePrincipal iam.amazonaws.com", Before: "disabled", After: "enabled"})
	default:
		return rem, fmt.Errorf("identity: cannot enable central root management: %s", off)
	}
	rem.Changes = append(rem.Changes, secpillar.Change{Resource: res, Action: "iam:EnableOrganizationsRootCredentialsManagement", Field: "RootCredentialsManagement", Before: "disabled", After: "enabled"})
	rem.Undo = "Disable it with iam:DisableOrganizationsRootCredentialsManagement (and organizations:DisableAWSServiceAccess for iam.amazonaws.com if it was enabled here)."
	rem.Notes = []string{"Member accounts keep their root credentials until you remove them from the management account (iam:AssumeRoot)."}
	if opts.DryRun {
		rem.Outcome = secpillar.OutcomePlanned
		return rem, nil
	}
	if off != "" {
		if orgAPI == nil {
			return rem, errors.New("identity: enable IAM trusted access: no Organizations client given")
		}
		if _, err := orgAPI.EnableAWSServiceAccess(ctx, &organizations.EnableAWSServiceAccessInput{ServicePrincipal: aws.String("iam.amazonaws.com")}); err != nil {
			return rem, fmt.Errorf("identity: enable IAM trusted access: %w", err)
		}
	}
	if _, err := api.EnableOrganizationsRootCredentialsManagement(ctx, &iam.EnableOrganizationsRootCredentialsManagementInput{}); err != nil {
		return rem, fmt.Errorf("identity: enable root credentials management: %w", err)
	}
	features, _, _, err = rootFeatures(secpillar.FreshReads(ctx), api)
	if err != nil {
		return rem, fmt.Errorf("identity: verify: %w", err)
	}
	rem.Outcome = secpillar.OutcomeChanged
	if !slices.Contains(features, rootCredentialsManagement) {
		rem.Outcome = secpillar.OutcomeVerifyPending
	}
	return rem, nil
}
