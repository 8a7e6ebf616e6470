package identity

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/secpillar/secpillar"
)

// Control IDs of the root user controls.
const (
	ControlRootNoAccessKeys = "identity.root-no-access-keys"
	ControlRootMFAEnabled   = "identity.root-mfa-enabled"
	ControlRootHardwareMFA  = "identity.root-hardware-mfa"
	ControlRootNotUsed      = "identity.root-not-used"
)

// RootMFAAPI is the part of the IAM API that CheckRootMFA calls.
// *iam.Client satisfies it.
type RootMFAAPI interface {
	GetAccountSummary(ctx context.Context, in *iam.GetAccountSummaryInput, optFns ...func(*iam.Options)) (*iam.GetAccountSummaryOutput, error)
}

var _ RootMFAAPI = (*iam.Client)(nil)

// rootSummary is what GetAccountSummary says about the root user.
type rootSummary struct {
	mfa, password, keys, certs bool
	// passwordKnown is false when the summary has no
	// AccountPasswordPresent key (older partitions).
	passwordKnown bool
}

// hasCredentials reports whether the root user may have any credential;
// when the password is unknown it assumes one.
func (s rootSummary) hasCredentials() bool {
	return s.password || !s.passwordKnown || s.keys || s.certs
}

func (s rootSummary) evidence() map[string]string {
	ev := map[string]string{
		"account_mfa_enabled":          boolString(s.mfa),
		"account_access_keys_present":  boolString(s.keys),
		"account_signing_certificates": boolString(s.certs),
	}
	if s.passwordKnown {
		ev["account_password_present"] = boolString(s.password)
	} else {
		ev["account_password_present"] = "unknown"
	}
	return ev
}

func readRootSummary(ctx context.Context, api RootMFAAPI) (rootSummary, error) {
	out, err := api.GetAccountSummary(ctx, &iam.GetAccountSummaryInput{})
	if err != nil {
		return rootSummary{}, fmt.Errorf("identity: read account summary: %w", err)
	}
	if out == nil || out.SummaryMap == nil {
		return rootSummary{}, errors.New("identity: read account summary: the response has no SummaryMap")
	}
	flag := func(key string, required bool) (v, present bool, err error) {
		n, ok := out.SummaryMap[key]
		if !ok {
			if required {
				return false, false, fmt.Errorf("identity: read account summary: SummaryMap has no %s", key)
			}
			return false, false, nil
		}
		switch n {
		case 0:
			return false, true, nil
		case 1:
			return true, true, nil
		}
		return false, true, fmt.Errorf("identity: read account summary: %s is %d, want 0 or 1", key, n)
	}
	var s rootSummary
	if s.mfa, _, err = flag("AccountMFAEnabled", true); err != nil {
		return s, err
	}
	if s.keys, _, err = flag("AccountAccessKeysPresent", true); err != nil {
		return s, err
	}
	if s.password, s.passwordKnown, err = flag("AccountPasswordPresent", false); err != nil {
		return s, err
	}
	if s.certs, _, err = flag("AccountSigningCertificatesPresent", false); err != nil {
		return s, err
	}
	return s, nil
}

// CheckRootMFA reports whether the root user has MFA (CIS 1.5, IAM.9).
//
// It reads the root user's flags from GetAccountSummary. A root user with
// no password, no access keys and no signing certificates, as in a member
// account whose root credentials the organization manages centrally,
// passes: there is nothing to sign in with. When the summary does not say
// whether root has a password, the root user is assumed to have one.
func CheckRootMFA(ctx context.Context, api RootMFAAPI) (secpillar.Finding, error) {
	s, err := readRootSummary(ctx, api)
	if err != nil {
		return secpillar.Finding{}, err
	}
	f := secpillar.Finding{
		Control:  ControlRootMFAEnabled,
		Severity: secpillar.SeverityCritical,
		Resource: secpillar.AccountResource(""),
		Evidence: s.evidence(),
	}
	switch {
	case s.mfa:
		f.Status = secpillar.StatusPass
		f.Reason = "The root user has an MFA device."
	case !s.hasCredentials():
		f.Status = secpillar.StatusPass
		f.Reason = "The root user has no credentials (no password, access keys or signing certificates), as under centralised root management; it cannot sign in."
	default:
		f.Status = secpillar.StatusFail
		f.Reason = "The root user has credentials but no MFA device: sign in as root and assign an MFA device (preferably hardware), or remove the root credentials through centralised root management."
	}
	return f, nil
}

func boolString(v bool) string {
	if v {
		return "true"
	}
	return "false"
}
