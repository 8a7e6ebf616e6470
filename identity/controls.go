package identity

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer"
	"github.com/aws/aws-sdk-go-v2/service/account"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/organizations"

	"github.com/secpillar/secpillar"
)

const (
	cis  = "cis-aws-foundations-3.0.0"
	fsbp = "aws-fsbp"
)

func refs(pairs ...string) []secpillar.Reference {
	var out []secpillar.Reference
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, secpillar.Reference{Framework: pairs[i], ID: pairs[i+1]})
	}
	return out
}

// one adapts a check of one account-level setting.
func one(f secpillar.Finding, err error) ([]secpillar.Finding, error) {
	if err != nil {
		return nil, err
	}
	return []secpillar.Finding{f}, nil
}

// with hands RemediateOptions to a typed Remediate function.
func with(o secpillar.RemediateOptions) func(*secpillar.RemediateOptions) {
	return func(p *secpillar.RemediateOptions) { *p = o }
}

// accountFinding rejects a finding that is not an account-level finding of
// control id.
func accountFinding(id string, f secpillar.Finding) error {
	if f.Control != id {
		return fmt.Errorf("identity: %s cannot remediate a finding of control %q", id, f.Control)
	}
	if f.Resource.Type != secpillar.AccountResourceType {
		return fmt.Errorf("identity: %s cannot remediate resource %q of type %q (want an account)", id, f.Resource.ID, f.Resource.Type)
	}
	return nil
}

// retarget names the finding's account resource in a remediation of an
// account-level setting.
func retarget(rem secpillar.Remediation, res secpillar.Resource) secpillar.Remediation {
	rem.Resource = res
	for i := range rem.Changes {
		if rem.Changes[i].Resource.Type == secpillar.AccountResourceType {
			rem.Changes[i].Resource = res
		}
	}
	return rem
}

// resourceFinding rejects a finding that is not of control id about a
// resource of type typ.
func resourceFinding(id, typ string, f secpillar.Finding) error {
	if f.Control != id {
		return fmt.Errorf("identity: %s cannot remediate a finding of control %q", id, f.Control)
	}
	if f.Resource.Type != typ {
		return fmt.Errorf("identity: %s cannot remediate resource %q of type %q (want %s)", id, f.Resource.ID, f.Resource.Type, typ)
	}
	return nil
}

// keyRemediation adapts a typed access key remediation to the user of a
// finding.
func keyRemediation(id string, fn func(ctx context.Context, api KeyRemediationAPI, users []string, o UserCredentialOptions, optFns ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error)) func(context.Context, aws.Config, secpillar.Finding, secpillar.RemediateOptions) (secpillar.Remediation, error) {
	return func(ctx context.Context, cfg aws.Config, f secpillar.Finding, o secpillar.RemediateOptions) (secpillar.Remediation, error) {
		if err := resourceFinding(id, "AWS::IAM::User", f); err != nil {
			return secpillar.Remediation{}, err
		}
		user, err := userNameOfARN(f.Resource.ID)
		if err != nil {
			return secpillar.Remediation{}, err
		}
		return fn(ctx, iam.NewFromConfig(cfg), []string{user}, UserCredentialOptions{}, with(o))
	}
}

var (
	reportPermissions         = []string{"iam:GenerateCredentialReport", "iam:GetCredentialReport"}
	authzPermissions          = []string{"iam:GetAccountAuthorizationDetails"}
	keyRemediationPermissions = []string{"iam:GetUser", "iam:ListAccessKeys", "iam:GetAccessKeyLastUsed", "iam:UpdateAccessKey"}
)

func reportCheck(fn func(context.Context, CredentialReportAPI, ...func(*UserCredentialOptions)) ([]secpillar.Finding, error)) func(context.Context, aws.Config) ([]secpillar.Finding, error) {
	return func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
		return fn(ctx, iam.NewFromConfig(cfg))
	}
}

func authzCheck(fn func(context.Context, AuthorizationDetailsAPI) ([]secpillar.Finding, error)) func(context.Context, aws.Config) ([]secpillar.Finding, error) {
	return func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
		return fn(ctx, iam.NewFromConfig(cfg))
	}
}

// Controls returns the identity catalogue.
func Controls() []secpillar.Control {
	const d = secpillar.DomainIdentity
	return []secpillar.Control{
		{
			ID: ControlRootNoAccessKeys, Title: "The root user has no active access keys", Domain: d,
			Severity: secpillar.SeverityCritical, References: refs(cis, "1.4", fsbp, "IAM.4"), Scope: secpillar.ScopeAccount,
			Permissions: reportPermissions,
			Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
				return one(CheckRootAccessKeys(ctx, iam.NewFromConfig(cfg)))
			},
		},
		{
			ID: ControlRootMFAEnabled, Title: "The root user has MFA, or no credentials at all", Domain: d,
			Severity: secpillar.SeverityCritical, References: refs(cis, "1.5", fsbp, "IAM.9"), Scope: secpillar.ScopeAccount,
			Permissions: []string{"iam:GetAccountSummary"},
			Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
				return one(CheckRootMFA(ctx, iam.NewFromConfig(cfg)))
			},
		},
		{
			ID: ControlRootHardwareMFA, Title: "The root user's MFA is a hardware device", Domain: d,
			Severity: secpillar.SeverityCritical, References: refs(cis, "1.6", fsbp, "IAM.6"), Scope: secpillar.ScopeAccount,
			Permissions: []string{"iam:GetAccountSummary", "iam:ListVirtualMFADevices"},
			Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
				return one(CheckRootHardwareMFA(ctx, iam.NewFromConfig(cfg)))
			},
		},
		{
			ID: ControlRootNotUsed, Title: "The root user was not used in the last 90 days", Domain: d,
			Severity: secpillar.SeverityHigh, References: refs(cis, "1.7"), Scope: secpillar.ScopeAccount,
			Permissions: reportPermissions,
			Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
				return one(CheckRootNotUsed(ctx, iam.NewFromConfig(cfg)))
			},
		},
		{
			ID: ControlPasswordPolicy, Title: "The IAM password policy requires at least 14 characters and prevents reuse of 24 passwords", Domain: d,
			Severity: secpillar.SeverityMedium, References: refs(cis, "1.8", cis, "1.9", fsbp, "IAM.7"), Scope: secpillar.ScopeAccount,
			Permissions:            []string{"iam:GetAccountPasswordPolicy"},
			RemediationPermissions: []string{"iam:GetAccountPasswordPolicy", "iam:UpdateAccountPasswordPolicy"},
			Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
				return one(CheckPasswordPolicy(ctx, iam.NewFromConfig(cfg)))
			},
			Remediate: func(ctx context.Context, cfg aws.Config, f secpillar.Finding, o secpillar.RemediateOptions) (secpillar.Remediation, error) {
				if err := accountFinding(ControlPasswordPolicy, f); err != nil {
					return secpillar.Remediation{}, err
				}
				rem, err := RemediatePasswordPolicy(ctx, iam.NewFromConfig(cfg), PasswordPolicyOptions{}, with(o))
				return retarget(rem, f.Resource), err
			},
		},
		{
			ID: ControlConsoleUsersMFA, Title: "Every IAM user with a console password has MFA", Domain: d,
			Severity: secpillar.SeverityHigh, References: refs(cis, "1.10", fsbp, "IAM.5"), Scope: secpillar.ScopeAccount,
			Permissions: reportPermissions,
			Check:       reportCheck(CheckConsoleUsersMFA),
		},
		{
			ID: ControlNoInitialAccessKeys, Title: "No console user has an unused access key created with the user", Domain: d,
			Severity: secpillar.SeverityMedium, References: refs(cis, "1.11"), Scope: secpillar.ScopeAccount,
			Permissions: reportPermissions, RemediationPermissions: keyRemediationPermissions,
			Check:     reportCheck(CheckNoInitialAccessKeys),
			Remediate: keyRemediation(ControlNoInitialAccessKeys, RemediateInitialAccessKeys),
		},
		{
			ID: ControlUnusedCredentialsDisabled, Title: "No password or active access key is unused for more than 45 days", Domain: d,
			Severity: secpillar.SeverityMedium, References: refs(cis, "1.12", fsbp, "IAM.8"), Scope: secpillar.ScopeAccount,
			Permissions: reportPermissions, RemediationPermissions: keyRemediationPermissions,
			Check:     reportCheck(CheckUnusedCredentials),
			Remediate: keyRemediation(ControlUnusedCredentialsDisabled, RemediateUnusedAccessKeys),
		},
		{
			ID: ControlSingleActiveAccessKey, Title: "No IAM user has two active access keys", Domain: d,
			Severity: secpillar.SeverityMedium, References: refs(cis, "1.13"), Scope: secpillar.ScopeAccount,
			Permissions: reportPermissions,
			Check:       reportCheck(CheckSingleActiveAccessKey),
		},
		{
			ID: ControlAccessKeysRotated, Title: "Active access keys are younger than 90 days", Domain: d,
			Severity: secpillar.SeverityMedium, References: refs(cis, "1.14", fsbp, "IAM.3"), Scope: secpillar.ScopeAccount,
			Permissions: reportPermissions, RemediationPermissions: keyRemediationPermissions,
			Check:     reportCheck(CheckAccessKeysRotated),
			Remediate: keyRemediation(ControlAccessKeysRotated, RemediateAccessKeysRotated),
		},
		{
			ID: ControlUserPermissionsViaGroups, Title: "IAM users get permissions only through groups", Domain: d,
			Severity: secpillar.SeverityLow, References: refs(cis, "1.15", fsbp, "IAM.2"), Scope: secpillar.ScopeAccount,
			Permissions: authzPermissions,
			Check:       authzCheck(CheckUserPermissionsViaGroups),
		},
		{
			ID: ControlNoAdminPolicies, Title: "No attached policy grants full administrator access", Domain: d,
			Severity: secpillar.SeverityHigh, References: refs(cis, "1.16", fsbp, "IAM.1"), Scope: secpillar.ScopeAccount,
			Permissions: authzPermissions,
			Check:       authzCheck(CheckNoAdminPolicies),
		},
		{
			ID: ControlNoWildcardServiceActions, Title: "No customer managed policy allows every action of a service", Domain: d,
			Severity: secpillar.SeverityLow, References: refs(fsbp, "IAM.21"), Scope: secpillar.ScopeAccount,
			Permissions: authzPermissions,
			Check:       authzCheck(CheckNoWildcardServiceActions),
		},
		{
			ID: ControlNoPrivilegeEscalation, Title: "No user, group or role can escalate its privileges", Domain: d,
			Severity: secpillar.SeverityHigh, Scope: secpillar.ScopeAccount,
			Permissions: authzPermissions,
			Check:       authzCheck(CheckNoPrivilegeEscalation),
		},
		{
			ID: ControlSupportRoleExists, Title: "A role can manage incidents with AWS Support", Domain: d,
			Severity: secpillar.SeverityLow, References: refs(cis, "1.17"), Scope: secpillar.ScopeAccount,
			Permissions:            authzPermissions,
			RemediationPermissions: []string{"iam:GetRole", "iam:ListAttachedRolePolicies", "iam:CreateRole", "iam:AttachRolePolicy"},
			Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
				return one(CheckSupportRole(ctx, iam.NewFromConfig(cfg)))
			},
			// No adapter: RemediateSupportRole needs the principal to trust.
		},
		{
			ID: ControlExpiredCertificatesRemoved, Title: "No expired IAM server certificate is stored", Domain: d,
			Severity: secpillar.SeverityMedium, References: refs(cis, "1.19"), Scope: secpillar.ScopeAccount,
			Permissions:            []string{"iam:ListServerCertificates"},
			RemediationPermissions: []string{"iam:ListServerCertificates", "iam:DeleteServerCertificate"},
			Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
				return CheckExpiredCertificates(ctx, iam.NewFromConfig(cfg))
			},
			Remediate: func(ctx context.Context, cfg aws.Config, f secpillar.Finding, o secpillar.RemediateOptions) (secpillar.Remediation, error) {
				if err := resourceFinding(ControlExpiredCertificatesRemoved, "AWS::IAM::ServerCertificate", f); err != nil {
					return secpillar.Remediation{}, err
				}
				i := strings.LastIndex(f.Resource.ID, "/")
				if !strings.HasPrefix(f.Resource.ID, "arn:") || i < 0 || i == len(f.Resource.ID)-1 {
					return secpillar.Remediation{}, fmt.Errorf("identity: %q is not a server certificate ARN", f.Resource.ID)
				}
				return RemediateExpiredCertificate(ctx, iam.NewFromConfig(cfg), f.Resource.ID[i+1:], CertificateOptions{}, with(o))
			},
		},
		{
			ID: ControlAccessAnalyzerEnabled, Title: "An active IAM Access Analyzer runs in every Region", Domain: d,
			Severity: secpillar.SeverityMedium, References: refs(cis, "1.20"), Scope: secpillar.ScopeRegional,
			Permissions:            []string{"access-analyzer:ListAnalyzers"},
			RemediationPermissions: []string{"access-analyzer:ListAnalyzers", "access-analyzer:CreateAnalyzer"},
			Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
				f, err := CheckAccessAnalyzer(ctx, accessanalyzer.NewFromConfig(cfg))
				f.Resource.Region = cfg.Region
				return one(f, err)
			},
			Remediate: func(ctx context.Context, cfg aws.Config, f secpillar.Finding, o secpillar.RemediateOptions) (secpillar.Remediation, error) {
				if err := accountFinding(ControlAccessAnalyzerEnabled, f); err != nil {
					return secpillar.Remediation{}, err
				}
				if f.Resource.Region == "" {
					return secpillar.Remediation{}, fmt.Errorf("identity: %s: the finding names no Region", ControlAccessAnalyzerEnabled)
				}
				client := accessanalyzer.NewFromConfig(cfg, func(o *accessanalyzer.Options) { o.Region = f.Resource.Region })
				rem, err := RemediateAccessAnalyzer(ctx, client, "", with(o))
				return retarget(rem, f.Resource), err
			},
		},
		{
			ID: ControlRoleTrustNotPublic, Title: "No role trust policy lets anyone assume the role", Domain: d,
			Severity: secpillar.SeverityCritical, Scope: secpillar.ScopeAccount,
			Permissions: authzPermissions,
			Check:       authzCheck(CheckRoleTrustNotPublic),
		},
		{
			ID: ControlCrossAccountTrustExternalID, Title: "Roles trusted by accounts outside the organization require an external ID", Domain: d,
			Severity: secpillar.SeverityHigh, Scope: secpillar.ScopeAccount,
			Permissions: []string{"iam:GetAccountAuthorizationDetails", "organizations:DescribeOrganization", "organizations:ListAccounts"},
			Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
				return CheckCrossAccountTrustExternalID(ctx, iam.NewFromConfig(cfg), organizations.NewFromConfig(cfg))
			},
		},
		{
			ID: ControlOrganizationsMember, Title: "The account belongs to an organization with all features", Domain: d,
			Severity: secpillar.SeverityMedium, Scope: secpillar.ScopeAccount,
			Permissions: []string{"organizations:DescribeOrganization"},
			Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
				return one(CheckOrganizationsMember(ctx, organizations.NewFromConfig(cfg)))
			},
		},
		{
			ID: ControlCentralRootManagement, Title: "The organization manages member root credentials centrally", Domain: d,
			Severity: secpillar.SeverityMedium, Scope: secpillar.ScopeAccount,
			Permissions:            []string{"iam:ListOrganizationsFeatures"},
			RemediationPermissions: []string{"iam:ListOrganizationsFeatures", "organizations:EnableAWSServiceAccess", "iam:EnableOrganizationsRootCredentialsManagement"},
			Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
				return one(CheckCentralRootManagement(ctx, iam.NewFromConfig(cfg)))
			},
			Remediate: func(ctx context.Context, cfg aws.Config, f secpillar.Finding, o secpillar.RemediateOptions) (secpillar.Remediation, error) {
				if err := accountFinding(ControlCentralRootManagement, f); err != nil {
					return secpillar.Remediation{}, err
				}
				rem, err := RemediateCentralRootManagement(ctx, iam.NewFromConfig(cfg), organizations.NewFromConfig(cfg), with(o))
				return retarget(rem, f.Resource), err
			},
		},
		{
			ID: ControlSecurityContactRegistered, Title: "A security alternate contact is registered", Domain: d,
			Severity: secpillar.SeverityMedium, References: refs(cis, "1.2", fsbp, "Account.1"), Scope: secpillar.ScopeAccount,
			Permissions:            []string{"account:GetAlternateContact"},
			RemediationPermissions: []string{"account:GetAlternateContact", "account:PutAlternateContact"},
			Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
				return one(CheckSecurityContact(ctx, account.NewFromConfig(cfg)))
			},
			// No adapter: RemediateSecurityContact needs the contact to register.
		},
		{
			ID: ControlSTSGlobalTokensV2, Title: "Global STS endpoint tokens are valid in all Regions", Domain: d,
			Severity: secpillar.SeverityLow, Scope: secpillar.ScopeAccount,
			Permissions:            []string{"iam:GetAccountSummary"},
			RemediationPermissions: []string{"iam:GetAccountSummary", "iam:SetSecurityTokenServicePreferences"},
			Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
				return one(CheckSTSGlobalTokens(ctx, iam.NewFromConfig(cfg)))
			},
			Remediate: func(ctx context.Context, cfg aws.Config, f secpillar.Finding, o secpillar.RemediateOptions) (secpillar.Remediation, error) {
				if err := accountFinding(ControlSTSGlobalTokensV2, f); err != nil {
					return secpillar.Remediation{}, err
				}
				rem, err := RemediateSTSGlobalTokens(ctx, iam.NewFromConfig(cfg), with(o))
				return retarget(rem, f.Resource), err
			},
		},
	}
}
