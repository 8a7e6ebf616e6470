package identity

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/account"
	accounttypes "github.com/aws/aws-sdk-go-v2/service/account/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/secpillar/secpillar"
)

// Control IDs of the account settings controls.
const (
	ControlSecurityContactRegistered = "identity.security-contact-registered"
	ControlSTSGlobalTokensV2         = "identity.sts-global-tokens-v2"
)

// AlternateContactAPI is the part of the Account Management API that
// CheckSecurityContact calls. *account.Client satisfies it.
type AlternateContactAPI interface {
	GetAlternateContact(ctx context.Context, in *account.GetAlternateContactInput, optFns ...func(*account.Options)) (*account.GetAlternateContactOutput, error)
}

var _ AlternateContactAPI = (*account.Client)(nil)

// AlternateContactRemediationAPI adds the write of RemediateSecurityContact.
// *account.Client satisfies it.
type AlternateContactRemediationAPI interface {
	AlternateContactAPI
	PutAlternateContact(ctx context.Context, in *account.PutAlternateContactInput, optFns ...func(*account.Options)) (*account.PutAlternateContactOutput, error)
}

var _ AlternateContactRemediationAPI = (*account.Client)(nil)

// readSecurityContact returns the SECURITY alternate contact, or nil when
// none is registered.
func readSecurityContact(ctx context.Context, api AlternateContactAPI) (*accounttypes.AlternateContact, error) {
	out, err := api.GetAlternateContact(ctx, &account.GetAlternateContactInput{AlternateContactType: accounttypes.AlternateContactTypeSecurity})
	var nf *accounttypes.ResourceNotFoundException
	if errors.As(err, &nf) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("identity: read security contact: %w", err)
	}
	if out == nil || out.AlternateContact == nil {
		return nil, errors.New("identity: read security contact: the response has no AlternateContact")
	}
	return out.AlternateContact, nil
}

// CheckSecurityContact reports whether the account has a SECURITY
// alternate contact, so that AWS can reach the security team (CIS 1.2,
// Account.1). A contact without an email address fails.
func CheckSecurityContact(ctx context.Context, api AlternateContactAPI) (secpillar.Finding, error) {
	f := secpillar.Finding{Control: ControlSecurityContactRegistered, Severity: secpillar.SeverityMedium, Resource: secpillar.AccountResource(""), Evidence: map[string]string{}}
	c, err := readSecurityContact(ctx, api)
	if err != nil {
		return f, err
	}
	switch {
	case c == nil:
		f.Status = secpillar.StatusFail
		f.Evidence["security_contact"] = "not configured"
		f.Reason = "The account has no security alternate contact: register one so that AWS can reach your security team."
	case aws.ToString(c.EmailAddress) == "":
		f.Status = secpillar.StatusFail
		f.Reason = "The security alternate contact has no email address: set one."
	default:
		f.Status = secpillar.StatusPass
		f.Evidence["security_contact_email"] = aws.ToString(c.EmailAddress)
		f.Reason = "The account has a security alternate contact (" + aws.ToString(c.EmailAddress) + ")."
	}
	return f, nil
}

// SecurityContact is the contact RemediateSecurityContact registers. Every
// field is required.
type SecurityContact struct {
	Name, Title, Email, Phone string
}

func (c SecurityContact) validate() error {
	var missing []string
	for _, f := range []struct{ name, v string }{{"Name", c.Name}, {"Title", c.Title}, {"Email", c.Email}, {"Phone", c.Phone}} {
		if strings.TrimSpace(f.v) == "" {
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("identity: security contact: %s must be set", strings.Join(missing, ", "))
	}
	if _, err := mail.ParseAddress(c.Email); err != nil {
		return fmt.Errorf("identity: security contact: Email %q is not an address: %w", c.Email, err)
	}
	return nil
}

// RemediateSecurityContact registers contact as the account's SECURITY
// alternate contact, replacing a different one (PutAlternateContact
// replaces the whole contact), and re-reads to verify.
func RemediateSecurityContact(ctx context.Context, api AlternateContactRemediationAPI, contact SecurityContact, optFns ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
	opts := secpillar.NewRemediateOptions(optFns...)
	res := secpillar.AccountResource("")
	rem := secpillar.Remediation{Control: ControlSecurityContactRegistered, Resource: res}
	if err := contact.validate(); err != nil {
		return rem, err
	}
	cur, err := readSecurityContact(ctx, api)
	if err != nil {
		return rem, err
	}
	render := func(c *accounttypes.AlternateContact) [][2]string {
		if c == nil {
			return [][2]string{{"Name", "not set"}, {"Title", "not set"}, {"EmailAddress", "not set"}, {"PhoneNumber", "not set"}}
		}
		return [][2]string{{"Name", aws.ToString(c.Name)}, {"Title", aws.ToString(c.Title)}, {"EmailAddress", aws.ToString(c.EmailAddress)}, {"PhoneNumber", aws.ToString(c.PhoneNumber)}}
	}
	want := &accounttypes.AlternateContact{Name: aws.String(contact.Name), Title: aws.String(contact.Title), EmailAddress: aws.String(contact.Email), PhoneNumber: aws.String(contact.Phone)}
	before, after := render(cur), render(want)
	for i := range before {
		if before[i][1] != after[i][1] {
			rem.Changes = append(rem.Changes, secpillar.Change{Resource: res, Action: "account:PutAlternateContact", Field: "SECURITY." + before[i][0], Before: before[i][1], After: after[i][1]})
		}
	}
	if len(rem.Changes) == 0 {
		rem.Outcome = secpillar.OutcomeCompliant
		return rem, nil
	}
	if cur == nil {
		rem.Undo = "Remove the contact with account:DeleteAlternateContact (AlternateContactType SECURITY)."
	} else {
		rem.Undo = "Put the previous contact back with account:PutAlternateContact: " + aws.ToString(cur.Name) + " <" + aws.ToString(cur.EmailAddress) + ">."
	}
	if opts.DryRun {
		rem.Outcome = secpillar.OutcomePlanned
		return rem, nil
	}
	if _, err := api.PutAlternateContact(ctx, &account.PutAlternateContactInput{AlternateContactType: accounttypes.AlternateContactTypeSecurity,
		Name: want.Name, Title: want.Title, EmailAddress: want.EmailAddress, PhoneNumber: want.PhoneNumber}); err != nil {
		return rem, fmt.Errorf("identity: put security contact: %w", err)
	}
	got, err := readSecurityContact(secpillar.FreshReads(ctx), api)
	if err != nil {
		return rem, fmt.Errorf("identity: verify: %w", err)
	}
	rem.Outcome = secpillar.OutcomeChanged
	if got == nil || aws.ToString(got.EmailAddress) != contact.Email {
		rem.Outcome = secpillar.OutcomeVerifyPending
	}
	return rem, nil
}

// STSPreferencesAPI is the part of the IAM API that CheckSTSGlobalTokens
// calls (the account summary carries the token version). *iam.Client
// satisfies it.
type STSPreferencesAPI interface {
	GetAccountSummary(ctx context.Context, in *iam.GetAccountSummaryInput, optFns ...func(*iam.Options)) (*iam.GetAccountSummaryOutput, error)
}

var _ STSPreferencesAPI = (*iam.Client)(nil)

// STSPreferencesRemediationAPI adds the write of RemediateSTSGlobalTokens.
// *iam.Client satisfies it.
type STSPreferencesRemediationAPI interface {
	STSPreferencesAPI
	SetSecurityTokenServicePreferences(ctx context.Context, in *iam.SetSecurityTokenServicePreferencesInput, optFns ...func(*iam.Options)) (*iam.SetSecurityTokenServicePreferencesOutput, error)
}

var _ STSPreferencesRemediationAPI = (*iam.Client)(nil)

func tokenVersion(ctx context.Context, api STSPreferencesAPI) (int32, error) {
	out, err := api.GetAccountSummary(ctx, &iam.GetAccountSummaryInput{})
	if err != nil {
		return 0, fmt.Errorf("identity: read account summary: %w", err)
	}
	if out == nil || out.SummaryMap == nil {
		return 0, errors.New("identity: read account summary: the response has no SummaryMap")
	}
	v, ok := out.SummaryMap[string(iamtypes.SummaryKeyTypeGlobalEndpointTokenVersion)]
	if !ok {
		return 0, errors.New("identity: read account summary: SummaryMap has no GlobalEndpointTokenVersion")
	}
	if v != 1 && v != 2 {
		return 0, fmt.Errorf("identity: read account summary: unknown GlobalEndpointTokenVersion %d", v)
	}
	return v, nil
}

// CheckSTSGlobalTokens reports whether session tokens from the STS global
// endpoint are version 2, valid in every Region (including Regions enabled
// later); version 1 tokens only work in Regions enabled by default.
func CheckSTSGlobalTokens(ctx context.Context, api STSPreferencesAPI) (secpillar.Finding, error) {
	f := secpillar.Finding{Control: ControlSTSGlobalTokensV2, Severity: secpillar.SeverityLow, Resource: secpillar.AccountResource("")}
	v, err := tokenVersion(ctx, api)
	if err != nil {
		return f, err
	}
	f.Evidence = map[string]string{"global_endpoint_token_version": fmt.Sprint(v)}
	if v == 2 {
		f.Status, f.Reason = secpillar.StatusPass, "Global STS endpoint tokens are version 2, valid in all Regions."
		return f, nil
	}
	f.Status, f.Reason = secpillar.StatusFail, "Global STS endpoint tokens are version 1, valid only in Regions enabled by default: set the version to v2Token (or use Regional STS endpoints)."
	return f, nil
}

// RemediateSTSGlobalTokens sets the STS global endpoint token version to
// v2Token and re-reads to verify. Version 2 tokens are longer; callers
// that store tokens in fixed-size fields must allow for it.
func RemediateSTSGlobalTokens(ctx context.Context, api STSPreferencesRemediationAPI, optFns ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
	opts := secpillar.NewRemediateOptions(optFns...)
	res := secpillar.AccountResource("")
	rem := secpillar.Remediation{Control: ControlSTSGlobalTokensV2, Resource: res}
	v, err := tokenVersion(ctx, api)
	if err != nil {
		return rem, err
	}
	if v == 2 {
		rem.Outcome = secpillar.OutcomeCompliant
		return rem, nil
	}
	rem.Changes = []secpillar.Change{{Resource: res, Action: "iam:SetSecurityTokenServicePreferences", Field: "GlobalEndpointTokenVersion", Before: "v1Token", After: "v2Token"}}
	rem.Undo = "Set it back with iam:SetSecurityTokenServicePreferences GlobalEndpointTokenVersion=v1Token."
	rem.Notes = []string{"Version 2 tokens are longer than version 1 tokens; check that nothing stores them in fixed-size fields."}
	if opts.DryRun {
		rem.Outcome = secpillar.OutcomePlanned
		return rem, nil
	}
	if _, err := api.SetSecurityTokenServicePreferences(ctx, &iam.SetSecurityTokenServicePreferencesInput{GlobalEndpointTokenVersion: iamtypes.GlobalEndpointTokenVersionV2Token}); err != nil {
		return rem, fmt.Errorf("identity: set STS token version: %w", err)
	}
	v, err = tokenVersion(secpillar.FreshReads(ctx), api)
	if err != nil {
		return rem, fmt.Errorf("identity: verify: %w", err)
	}
	rem.Outcome = secpillar.OutcomeChanged
	if v != 2 {
		rem.Outcome = secpillar.OutcomeVerifyPending
	}
	return rem, nil
}
