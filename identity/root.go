package identity

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/internal/credreport"
	"github.com/secpillar/secpillar/internal/pagetoken"
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

// RootHardwareMFAAPI is the part of the IAM API that CheckRootHardwareMFA
// calls. *iam.Client satisfies it.
type RootHardwareMFAAPI interface {
	RootMFAAPI
	ListVirtualMFADevices(ctx context.Context, in *iam.ListVirtualMFADevicesInput, optFns ...func(*iam.Options)) (*iam.ListVirtualMFADevicesOutput, error)
}

var _ RootHardwareMFAAPI = (*iam.Client)(nil)

// RootReportOptions tune the root checks built on the credential report.
type RootReportOptions struct {
	// Report tunes the wait for the credential report.
	Report ReportOptions
	// MaxAge is, for CheckRootNotUsed, the window in days within which a
	// use of the root password or keys fails; 0 means 90.
	MaxAge int
	// Now is the clock; nil is time.Now.
	Now func() time.Time
}

// DefaultRootUnusedDays is the default window of CheckRootNotUsed.
const DefaultRootUnusedDays = 90

func rootRow(ctx context.Context, api CredentialReportAPI, o RootReportOptions) (*credreport.Entry, map[string]string, error) {
	rep, err := fetchReport(ctx, api, o.Report)
	if err != nil {
		return nil, nil, err
	}
	if rep.Root == nil {
		return nil, nil, errors.New("identity: read credential report: the report has no <root_account> row")
	}
	return rep.Root, reportEvidence(rep), nil
}

// CheckRootAccessKeys reports whether the root user has no active access
// keys (CIS 1.4, IAM.4), from the credential report. A root user without
// keys passes, also under centralised root management.
func CheckRootAccessKeys(ctx context.Context, api CredentialReportAPI, optFns ...func(*RootReportOptions)) (secpillar.Finding, error) {
	var o RootReportOptions
	for _, fn := range optFns {
		fn(&o)
	}
	root, ev, err := rootRow(ctx, api, o)
	if err != nil {
		return secpillar.Finding{}, err
	}
	f := secpillar.Finding{Control: ControlRootNoAccessKeys, Severity: secpillar.SeverityCritical, Resource: secpillar.AccountResource(accountOfARN(root.ARN)), Evidence: ev}
	var active []string
	for i, k := range root.AccessKeys {
		ev[fmt.Sprintf("access_key_%d_active", i+1)] = boolString(k.Active)
		if k.Active {
			active = append(active, fmt.Sprintf("access key %d", i+1))
		}
	}
	if len(active) > 0 {
		f.Status = secpillar.StatusFail
		f.Reason = fmt.Sprintf("The root user has %d active access key(s) (%s): sign in as root, move any automation to IAM roles and delete the root keys.", len(active), strings.Join(active, ", "))
		return f, nil
	}
	f.Status = secpillar.StatusPass
	f.Reason = "The root user has no active access keys."
	return f, nil
}

// CheckRootHardwareMFA reports whether the root user's MFA is a hardware
// device rather than a virtual one (CIS 1.6, IAM.6). A root user without
// any credential passes, as in CheckRootMFA; one with credentials and no
// MFA fails.
func CheckRootHardwareMFA(ctx context.Context, api RootHardwareMFAAPI) (secpillar.Finding, error) {
	s, err := readRootSummary(ctx, api)
	if err != nil {
		return secpillar.Finding{}, err
	}
	f := secpillar.Finding{Control: ControlRootHardwareMFA, Severity: secpillar.SeverityCritical, Resource: secpillar.AccountResource(""), Evidence: s.evidence()}
	if !s.mfa {
		if !s.hasCredentials() {
			f.Status = secpillar.StatusPass
			f.Reason = "The root user has no credentials (no password, access keys or signing certificates), as under centralised root management; it cannot sign in."
			return f, nil
		}
		f.Status = secpillar.StatusFail
		f.Reason = "The root user has credentials but no MFA device at all: assign a hardware MFA device to it."
		return f, nil
	}
	// Read every page before deciding, so that a malformed later page is
	// an error rather than hidden behind an early answer.
	rootSerial := ""
	p := iam.NewListVirtualMFADevicesPaginator(api, &iam.ListVirtualMFADevicesInput{AssignmentStatus: iamtypes.AssignmentStatusTypeAny})
	tokens := pagetoken.Guard{What: "identity: list virtual MFA devices"}
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return secpillar.Finding{}, fmt.Errorf("identity: list virtual MFA devices: %w", err)
		}
		if err := tokens.Check(out.IsTruncated, out.Marker); err != nil {
			return secpillar.Finding{}, err
		}
		for _, d := range out.VirtualMFADevices {
			serial := aws.ToString(d.SerialNumber)
			if serial == "" {
				return secpillar.Finding{}, errors.New("identity: list virtual MFA devices: a device without a serial number")
			}
			if isRootVirtualMFA(d) && rootSerial == "" {
				rootSerial = serial
			}
		}
	}
	if rootSerial != "" {
		f.Status = secpillar.StatusFail
		f.Evidence["virtual_mfa_serial"] = rootSerial
		f.Reason = "The root user's MFA device is virtual: replace it with a hardware MFA device or security key."
		return f, nil
	}
	f.Status = secpillar.StatusPass
	f.Reason = "The root user's MFA device is not a virtual device."
	return f, nil
}

func isRootVirtualMFA(d iamtypes.VirtualMFADevice) bool {
	if d.User != nil && strings.HasSuffix(aws.ToString(d.User.Arn), ":root") {
		return true
	}
	return strings.HasSuffix(aws.ToString(d.SerialNumber), ":mfa/root-account-mfa-device")
}

// CheckRootNotUsed reports whether the root user's password and access
// keys went unused for the last MaxAge days (default 90; CIS 1.7), from
// the credential report.
func CheckRootNotUsed(ctx context.Context, api CredentialReportAPI, optFns ...func(*RootReportOptions)) (secpillar.Finding, error) {
	var o RootReportOptions
	for _, fn := range optFns {
		fn(&o)
	}
	maxAge := daysOr(o.MaxAge, DefaultRootUnusedDays)
	root, ev, err := rootRow(ctx, api, o)
	if err != nil {
		return secpillar.Finding{}, err
	}
	now := nowFunc(o.Now)
	since := now.AddDate(0, 0, -maxAge)
	f := secpillar.Finding{Control: ControlRootNotUsed, Severity: secpillar.SeverityHigh, Resource: secpillar.AccountResource(accountOfARN(root.ARN)), Evidence: ev}
	ev["password_last_used"] = root.PasswordLastUsed.String()
	var used []string
	if root.PasswordLastUsed.IsSet() && root.PasswordLastUsed.Time.After(since) {
		used = append(used, "the password on "+rfc3339(root.PasswordLastUsed.Time))
	}
	for i, k := range root.AccessKeys {
		ev[fmt.Sprintf("access_key_%d_last_used", i+1)] = k.LastUsed.String()
		if k.LastUsed.IsSet() && k.LastUsed.Time.After(since) {
			used = append(used, fmt.Sprintf("access key %d on %s", i+1, rfc3339(k.LastUsed.Time)))
		}
	}
	ev["window_days"] = fmt.Sprint(maxAge)
	if len(used) > 0 {
		f.Status = secpillar.StatusFail
		f.Reason = fmt.Sprintf("The root user was used within the last %d days (%s): use IAM roles for daily work and keep root for the few tasks that need it.", maxAge, strings.Join(used, "; "))
		return f, nil
	}
	f.Status = secpillar.StatusPass
	f.Reason = fmt.Sprintf("The root user's password and keys were not used within the last %d days.", maxAge)
	return f, nil
}
