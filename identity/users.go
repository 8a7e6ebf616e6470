package identity

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/internal/credreport"
)

// Control IDs of the user credential controls.
const (
	ControlConsoleUsersMFA           = "identity.console-users-mfa"
	ControlNoInitialAccessKeys       = "identity.no-initial-access-keys"
	ControlUnusedCredentialsDisabled = "identity.unused-credentials-disabled"
	ControlSingleActiveAccessKey     = "identity.single-active-access-key"
	ControlAccessKeysRotated         = "identity.access-keys-rotated"
)

// Defaults of UserCredentialOptions.
const (
	DefaultUnusedDays       = 45
	DefaultKeyMaxAgeDays    = 90
	DefaultInitialKeyWindow = 10 * time.Minute
)

// UserCredentialOptions tune the checks of users' credentials, all built
// on the credential report. The zero value uses the CIS defaults.
type UserCredentialOptions struct {
	// Report tunes the wait for the credential report.
	Report ReportOptions
	// UnusedDays is the idle time after which a password or active key
	// must be disabled (CheckUnusedCredentials); 0 means 45.
	UnusedDays int
	// MaxKeyAge is the age in days an active key may reach
	// (CheckAccessKeysRotated); 0 means 90.
	MaxKeyAge int
	// InitialKeyWindow is how soon after the user a key must have been
	// created to count as created with the user (CheckNoInitialAccessKeys);
	// 0 means 10 minutes.
	InitialKeyWindow time.Duration
	// Now is the clock; nil is time.Now.
	Now func() time.Time
}

func (o UserCredentialOptions) withDefaults() UserCredentialOptions {
	o.UnusedDays = daysOr(o.UnusedDays, DefaultUnusedDays)
	o.MaxKeyAge = daysOr(o.MaxKeyAge, DefaultKeyMaxAgeDays)
	if o.InitialKeyWindow <= 0 {
		o.InitialKeyWindow = DefaultInitialKeyWindow
	}
	return o
}

// perUser runs verdict on every user row of the credential report. A
// report without users yields one NOT_APPLICABLE account finding.
func perUser(ctx context.Context, api CredentialReportAPI, control string, sev secpillar.Severity, optFns []func(*UserCredentialOptions),
	verdict func(e credreport.Entry, o UserCredentialOptions, now time.Time, f *secpillar.Finding)) ([]secpillar.Finding, error) {
	var o UserCredentialOptions
	for _, fn := range optFns {
		fn(&o)
	}
	o = o.withDefaults()
	rep, err := fetchReport(ctx, api, o.Report)
	if err != nil {
		return nil, err
	}
	now := nowFunc(o.Now)
	if len(rep.Users) == 0 {
		ev := reportEvidence(rep)
		return []secpillar.Finding{{Control: control, Status: secpillar.StatusNotApplicable, Severity: sev, Resource: secpillar.AccountResource(""),
			Reason: "The account has no IAM users.", Evidence: ev}}, nil
	}
	out := make([]secpillar.Finding, 0, len(rep.Users))
	for _, e := range rep.Users {
		f := secpillar.Finding{Control: control, Severity: sev, Resource: userResource(e.ARN), Evidence: reportEvidence(rep)}
		verdict(e, o, now, &f)
		out = append(out, f)
	}
	return out, nil
}

// CheckConsoleUsersMFA reports, per IAM user, whether a user with a
// console password has an MFA device (CIS 1.10, IAM.5). Users without a
// password are NOT_APPLICABLE.
func CheckConsoleUsersMFA(ctx context.Context, api CredentialReportAPI, optFns ...func(*UserCredentialOptions)) ([]secpillar.Finding, error) {
	return perUser(ctx, api, ControlConsoleUsersMFA, secpillar.SeverityHigh, optFns, func(e credreport.Entry, _ UserCredentialOptions, _ time.Time, f *secpillar.Finding) {
		f.Evidence["password_enabled"] = boolString(e.HasPassword())
		f.Evidence["mfa_active"] = boolString(e.MFAActive)
		switch {
		case !e.HasPassword():
			f.Status, f.Reason = secpillar.StatusNotApplicable, fmt.Sprintf("User %s has no console password.", e.User)
		case e.MFAActive:
			f.Status, f.Reason = secpillar.StatusPass, fmt.Sprintf("User %s has a console password and MFA.", e.User)
		default:
			f.Status, f.Reason = secpillar.StatusFail, fmt.Sprintf("User %s can sign in to the console without MFA: assign an MFA device, or remove the password.", e.User)
		}
	})
}

// initialKeys returns the slots (1 or 2) of active keys that were created
// within window of the user and never used.
func initialKeys(e credreport.Entry, window time.Duration) []int {
	var out []int
	if !e.UserCreationTime.IsSet() {
		return nil
	}
	for i, k := range e.AccessKeys {
		if !k.Active || k.LastUsed.IsSet() || !k.LastRotated.IsSet() {
			continue
		}
		if d := k.LastRotated.Time.Sub(e.UserCreationTime.Time); d >= -time.Second && d <= window {
			out = append(out, i+1)
		}
	}
	return out
}

// CheckNoInitialAccessKeys reports, per IAM user with a console password,
// whether the user has an active access key that was created with the user
// and never used (CIS 1.11): such keys were set up by default and are not
// needed.
func CheckNoInitialAccessKeys(ctx context.Context, api CredentialReportAPI, optFns ...func(*UserCredentialOptions)) ([]secpillar.Finding, error) {
	return perUser(ctx, api, ControlNoInitialAccessKeys, secpillar.SeverityMedium, optFns, func(e credreport.Entry, o UserCredentialOptions, _ time.Time, f *secpillar.Finding) {
		if !e.HasPassword() {
			f.Status, f.Reason = secpillar.StatusNotApplicable, fmt.Sprintf("User %s has no console password.", e.User)
			return
		}
		slots := initialKeys(e, o.InitialKeyWindow)
		if len(slots) == 0 {
			f.Status, f.Reason = secpillar.StatusPass, fmt.Sprintf("User %s has no unused access key created with the user.", e.User)
			return
		}
		f.Evidence["initial_key_slots"] = joinInts(slots)
		f.Status = secpillar.StatusFail
		f.Reason = fmt.Sprintf("Console user %s has %d active access key(s) created with the user and never used: deactivate them.", e.User, len(slots))
	})
}

// CheckUnusedCredentials reports, per IAM user, whether every console
// password and active access key was used within UnusedDays (default 45;
// CIS 1.12, IAM.8). A credential never used counts from its creation.
func CheckUnusedCredentials(ctx context.Context, api CredentialReportAPI, optFns ...func(*UserCredentialOptions)) ([]secpillar.Finding, error) {
	return perUser(ctx, api, ControlUnusedCredentialsDisabled, secpillar.SeverityMedium, optFns, func(e credreport.Entry, o UserCredentialOptions, now time.Time, f *secpillar.Finding) {
		since := now.AddDate(0, 0, -o.UnusedDays)
		var stale []string
		if e.HasPassword() {
			last := lastUse(e.PasswordLastUsed, e.PasswordLastChanged, e.UserCreationTime)
			f.Evidence["password_last_used"] = e.PasswordLastUsed.String()
			if last.IsZero() || last.Before(since) {
				stale = append(stale, "console password")
			}
		}
		for i, k := range e.AccessKeys {
			if !k.Active {
				continue
			}
			last := lastUse(k.LastUsed, k.LastRotated, e.UserCreationTime)
			f.Evidence[fmt.Sprintf("access_key_%d_last_used", i+1)] = k.LastUsed.String()
			if last.IsZero() || last.Before(since) {
				stale = append(stale, fmt.Sprintf("access key %d", i+1))
			}
		}
		f.Evidence["unused_days"] = fmt.Sprint(o.UnusedDays)
		if len(stale) == 0 {
			f.Status, f.Reason = secpillar.StatusPass, fmt.Sprintf("User %s has no credential unused for more than %d days.", e.User, o.UnusedDays)
			return
		}
		f.Status = secpillar.StatusFail
		f.Reason = fmt.Sprintf("User %s has credentials unused for more than %d days (%s): deactivate the keys and remove the password.", e.User, o.UnusedDays, strings.Join(stale, ", "))
	})
}

// lastUse returns the last use, or the creation time when the credential
// was never used (no_information or N/A), or zero when neither is known.
func lastUse(used, created, userCreated credreport.Time) time.Time {
	switch {
	case used.IsSet():
		return used.Time
	case created.IsSet():
		return created.Time
	case userCreated.IsSet():
		return userCreated.Time
	}
	return time.Time{}
}

// CheckSingleActiveAccessKey reports, per IAM user, whether the user has
// at most one active access key (CIS 1.13).
func CheckSingleActiveAccessKey(ctx context.Context, api CredentialReportAPI, optFns ...func(*UserCredentialOptions)) ([]secpillar.Finding, error) {
	return perUser(ctx, api, ControlSingleActiveAccessKey, secpillar.SeverityMedium, optFns, func(e credreport.Entry, _ UserCredentialOptions, _ time.Time, f *secpillar.Finding) {
		n := 0
		for _, k := range e.AccessKeys {
			if k.Active {
				n++
			}
		}
		f.Evidence["active_access_keys"] = fmt.Sprint(n)
		if n > 1 {
			f.Status, f.Reason = secpillar.StatusFail, fmt.Sprintf("User %s has %d active access keys: keep one, deactivate the other after rotation.", e.User, n)
			return
		}
		f.Status, f.Reason = secpillar.StatusPass, fmt.Sprintf("User %s has %d active access key(s).", e.User, n)
	})
}

// CheckAccessKeysRotated reports, per IAM user, whether every active
// access key is younger than MaxKeyAge days (default 90; CIS 1.14, IAM.3).
func CheckAccessKeysRotated(ctx context.Context, api CredentialReportAPI, optFns ...func(*UserCredentialOptions)) ([]secpillar.Finding, error) {
	return perUser(ctx, api, ControlAccessKeysRotated, secpillar.SeverityMedium, optFns, func(e credreport.Entry, o UserCredentialOptions, now time.Time, f *secpillar.Finding) {
		limit := now.AddDate(0, 0, -o.MaxKeyAge)
		var old []string
		for i, k := range e.AccessKeys {
			if !k.Active {
				continue
			}
			f.Evidence[fmt.Sprintf("access_key_%d_last_rotated", i+1)] = k.LastRotated.String()
			if !k.LastRotated.IsSet() || k.LastRotated.Time.Before(limit) {
				old = append(old, fmt.Sprintf("access key %d", i+1))
			}
		}
		f.Evidence["max_key_age_days"] = fmt.Sprint(o.MaxKeyAge)
		if len(old) == 0 {
			f.Status, f.Reason = secpillar.StatusPass, fmt.Sprintf("User %s has no active access key older than %d days.", e.User, o.MaxKeyAge)
			return
		}
		f.Status = secpillar.StatusFail
		f.Reason = fmt.Sprintf("User %s has active access keys older than %d days (%s): rotate them and deactivate the old ones.", e.User, o.MaxKeyAge, strings.Join(old, ", "))
	})
}

func joinInts(v []int) string {
	s := make([]string, len(v))
	for i, n := range v {
		s[i] = fmt.Sprint(n)
	}
	return strings.Join(s, ",")
}
