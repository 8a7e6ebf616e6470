package identity

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/internal/pagetoken"
)

// KeyRemediationAPI is the part of the IAM API that the access key
// remediations call. *iam.Client satisfies it.
type KeyRemediationAPI interface {
	GetUser(ctx context.Context, in *iam.GetUserInput, optFns ...func(*iam.Options)) (*iam.GetUserOutput, error)
	ListAccessKeys(ctx context.Context, in *iam.ListAccessKeysInput, optFns ...func(*iam.Options)) (*iam.ListAccessKeysOutput, error)
	GetAccessKeyLastUsed(ctx context.Context, in *iam.GetAccessKeyLastUsedInput, optFns ...func(*iam.Options)) (*iam.GetAccessKeyLastUsedOutput, error)
	UpdateAccessKey(ctx context.Context, in *iam.UpdateAccessKeyInput, optFns ...func(*iam.Options)) (*iam.UpdateAccessKeyOutput, error)
}

var _ KeyRemediationAPI = (*iam.Client)(nil)

// keyTarget is one key a remediation deactivates.
type keyTarget struct {
	user, userARN, id, why string
}

// keyPicker says whether an active key must be deactivated, and why.
type keyPicker func(ctx context.Context, user *iamtypes.User, k iamtypes.AccessKeyMetadata) (bool, string, error)

func listKeys(ctx context.Context, api KeyRemediationAPI, user string) ([]iamtypes.AccessKeyMetadata, error) {
	var keys []iamtypes.AccessKeyMetadata
	p := iam.NewListAccessKeysPaginator(api, &iam.ListAccessKeysInput{UserName: aws.String(user)})
	tokens := pagetoken.Guard{What: "identity: list access keys of " + user}
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("identity: list access keys of %s: %w", user, err)
		}
		if err := tokens.Check(out.IsTruncated, out.Marker); err != nil {
			return nil, err
		}
		keys = append(keys, out.AccessKeyMetadata...)
	}
	return keys, nil
}

// keyLastUsed returns when a key was last used, or nil if never.
func keyLastUsed(ctx context.Context, api KeyRemediationAPI, id string) (*time.Time, error) {
	out, err := api.GetAccessKeyLastUsed(ctx, &iam.GetAccessKeyLastUsedInput{AccessKeyId: aws.String(id)})
	if err != nil {
		return nil, fmt.Errorf("identity: read last use of access key %s: %w", id, err)
	}
	if out == nil || out.AccessKeyLastUsed == nil {
		return nil, fmt.Errorf("identity: read last use of access key %s: the response has no AccessKeyLastUsed", id)
	}
	return out.AccessKeyLastUsed.LastUsedDate, nil
}

// deactivateKeys sets every active key of users that pick selects to
// Inactive, refusing before the first write when more than MaxResources
// keys would change, then re-reads to verify. Keys are never deleted.
func deactivateKeys(ctx context.Context, api KeyRemediationAPI, control string, users []string, opts secpillar.RemediateOptions, pick keyPicker) (secpillar.Remediation, error) {
	rem := secpillar.Remediation{Control: control, Resource: secpillar.AccountResource("")}
	if len(users) == 0 {
		return rem, fmt.Errorf("identity: %s: no user names given", control)
	}
	for _, u := range users {
		if strings.TrimSpace(u) == "" {
			return rem, fmt.Errorf("identity: %s: an empty user name", control)
		}
	}
	var targets []keyTarget
	for _, name := range users {
		out, err := api.GetUser(ctx, &iam.GetUserInput{UserName: aws.String(name)})
		if err != nil {
			return rem, fmt.Errorf("identity: read user %s: %w", name, err)
		}
		if out == nil || out.User == nil || out.User.Arn == nil {
			return rem, fmt.Errorf("identity: read user %s: the response has no user ARN", name)
		}
		if len(users) == 1 {
			rem.Resource = userResource(aws.ToString(out.User.Arn))
		}
		keys, err := listKeys(ctx, api, name)
		if err != nil {
			return rem, err
		}
		for _, k := range keys {
			id := aws.ToString(k.AccessKeyId)
			if id == "" {
				return rem, fmt.Errorf("identity: list access keys of %s: a key without an ID", name)
			}
			switch k.Status {
			case iamtypes.StatusTypeInactive:
				continue
			case iamtypes.StatusTypeActive:
			default:
				return rem, fmt.Errorf("identity: access key %s of %s: unknown status %q", id, name, k.Status)
			}
			ok, why, err := pick(ctx, out.User, k)
			if err != nil {
				return rem, err
			}
			if ok {
				targets = append(targets, keyTarget{user: name, userARN: aws.ToString(out.User.Arn), id: id, why: why})
			}
		}
	}
	if len(targets) == 0 {
		rem.Outcome = secpillar.OutcomeCompliant
		return rem, nil
	}
	if len(targets) > opts.Limit() {
		return rem, &secpillar.TooManyResourcesError{Control: control, Count: len(targets), Max: opts.Limit()}
	}
	var ids []string
	for _, t := range targets {
		rem.Changes = append(rem.Changes, secpillar.Change{Resource: userResource(t.userARN), Action: "iam:UpdateAccessKey",
			Field: "AccessKey " + t.id + " Status (" + t.why + ")", Before: string(iamtypes.StatusTypeActive), After: string(iamtypes.StatusTypeInactive)})
		ids = append(ids, t.user+"/"+t.id)
	}
	rem.Undo = "Reactivate the keys with iam:UpdateAccessKey Status=Active: " + strings.Join(ids, ", ") + "."
	rem.Notes = []string{"The keys were deactivated, not deleted; applications that still use them will fail until they move to new credentials."}
	if opts.DryRun {
		rem.Outcome = secpillar.OutcomePlanned
		return rem, nil
	}
	for _, t := range targets {
		if _, err := api.UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{UserName: aws.String(t.user), AccessKeyId: aws.String(t.id), Status: iamtypes.StatusTypeInactive}); err != nil {
			return rem, fmt.Errorf("identity: deactivate access key %s of %s: %w", t.id, t.user, err)
		}
	}
	rem.Outcome = secpillar.OutcomeChanged
	fresh := secpillar.FreshReads(ctx)
	for _, name := range uniqueUsers(targets) {
		keys, err := listKeys(fresh, api, name)
		if err != nil {
			return rem, fmt.Errorf("identity: verify: %w", err)
		}
		for _, k := range keys {
			for _, t := range targets {
				if t.user == name && t.id == aws.ToString(k.AccessKeyId) && k.Status != iamtypes.StatusTypeInactive {
					rem.Outcome = secpillar.OutcomeVerifyPending
				}
			}
		}
	}
	return rem, nil
}

func uniqueUsers(ts []keyTarget) []string {
	var out []string
	seen := map[string]bool{}
	for _, t := range ts {
		if !seen[t.user] {
			seen[t.user] = true
			out = append(out, t.user)
		}
	}
	return out
}

func optionsOf(optFns []func(*secpillar.RemediateOptions)) secpillar.RemediateOptions {
	return secpillar.NewRemediateOptions(optFns...)
}

// RemediateInitialAccessKeys deactivates the active access keys of the
// named users that were created with the user (within o.InitialKeyWindow)
// and never used (CIS 1.11). Name the console users of the failed findings
// of CheckNoInitialAccessKeys. Keys are deactivated, never deleted; more than
// MaxResources keys is refused before the first write.
func RemediateInitialAccessKeys(ctx context.Context, api KeyRemediationAPI, users []string, o UserCredentialOptions, optFns ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
	o = o.withDefaults()
	return deactivateKeys(ctx, api, ControlNoInitialAccessKeys, users, optionsOf(optFns), func(ctx context.Context, u *iamtypes.User, k iamtypes.AccessKeyMetadata) (bool, string, error) {
		if u.CreateDate == nil || k.CreateDate == nil {
			return false, "", fmt.Errorf("identity: user %s or its key %s has no creation date", aws.ToString(u.UserName), aws.ToString(k.AccessKeyId))
		}
		if d := k.CreateDate.Sub(*u.CreateDate); d < -time.Second || d > o.InitialKeyWindow {
			return false, "", nil
		}
		last, err := keyLastUsed(ctx, api, aws.ToString(k.AccessKeyId))
		if err != nil || last != nil {
			return false, "", err
		}
		return true, "created with the user, never used", nil
	})
}

// RemediateUnusedAccessKeys deactivates the named users' active access
// keys not used within o.UnusedDays (default 45; CIS 1.12); a key never
// used counts from its creation. Console passwords are not touched: see
// the incident package's function that disables console access. Keys are
// deactivated, never deleted; more than MaxResources keys is refused
// before the first write.
func RemediateUnusedAccessKeys(ctx context.Context, api KeyRemediationAPI, users []string, o UserCredentialOptions, optFns ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
	o = o.withDefaults()
	since := nowFunc(o.Now).AddDate(0, 0, -o.UnusedDays)
	rem, err := deactivateKeys(ctx, api, ControlUnusedCredentialsDisabled, users, optionsOf(optFns), func(ctx context.Context, u *iamtypes.User, k iamtypes.AccessKeyMetadata) (bool, string, error) {
		last, err := keyLastUsed(ctx, api, aws.ToString(k.AccessKeyId))
		if err != nil {
			return false, "", err
		}
		if last == nil {
			if k.CreateDate == nil {
				return false, "", fmt.Errorf("identity: access key %s has no creation date", aws.ToString(k.AccessKeyId))
			}
			last = k.CreateDate
			if last.Before(since) {
				return true, fmt.Sprintf("never used, created %s", rfc3339(*last)), nil
			}
			return false, "", nil
		}
		if last.Before(since) {
			return true, "last used " + rfc3339(*last), nil
		}
		return false, "", nil
	})
	if err == nil && rem.Outcome != secpillar.OutcomeCompliant {
		rem.Notes = append(rem.Notes, "Unused console passwords are not changed here; disable them with the incident package's console-access containment.")
	}
	return rem, err
}

// RemediateAccessKeysRotated deactivates the named users' active access
// keys older than o.MaxKeyAge days (default 90; CIS 1.14). Create a new
// key for the user first if it still needs one. Keys are deactivated,
// never deleted; more than MaxResources keys is refused before the first
// write.
func RemediateAccessKeysRotated(ctx context.Context, api KeyRemediationAPI, users []string, o UserCredentialOptions, optFns ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
	o = o.withDefaults()
	limit := nowFunc(o.Now).AddDate(0, 0, -o.MaxKeyAge)
	return deactivateKeys(ctx, api, ControlAccessKeysRotated, users, optionsOf(optFns), func(ctx context.Context, u *iamtypes.User, k iamtypes.AccessKeyMetadata) (bool, string, error) {
		if k.CreateDate == nil {
			return false, "", fmt.Errorf("identity: access key %s has no creation date", aws.ToString(k.AccessKeyId))
		}
		if k.CreateDate.Before(limit) {
			return true, "created " + rfc3339(*k.CreateDate), nil
		}
		return false, "", nil
	})
}
