package incident

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/secpillar/secpillar"
)

// CompromisedKeySTSAPI is the part of the STS API that
// ContainCompromisedKey calls. *sts.Client satisfies it.
type CompromisedKeySTSAPI interface {
	GetCallerIdentity(ctx context.Context, in *sts.GetCallerIdentityInput, optFns ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error)
	GetAccessKeyInfo(ctx context.Context, in *sts.GetAccessKeyInfoInput, optFns ...func(*sts.Options)) (*sts.GetAccessKeyInfoOutput, error)
}

var _ CompromisedKeySTSAPI = (*sts.Client)(nil)

// CompromisedKeyIAMAPI is the part of the IAM API that
// ContainCompromisedKey calls. *iam.Client satisfies it.
type CompromisedKeyIAMAPI interface {
	GetAccessKeyLastUsed(ctx context.Context, in *iam.GetAccessKeyLastUsedInput, optFns ...func(*iam.Options)) (*iam.GetAccessKeyLastUsedOutput, error)
	DeactivateAccessKeysAPI
	UserInlinePolicyAPI
	DisableConsoleAccessAPI
}

var _ CompromisedKeyIAMAPI = (*iam.Client)(nil)

// CompromisedKeyOptions chooses the containment steps of
// ContainCompromisedKey beyond deactivating the key. The zero value only
// deactivates the key, for real.
type CompromisedKeyOptions struct {
	// DryRun makes no write: the report shows every step planned.
	DryRun bool
	// RevokeSessions puts AWSRevokeOlderSessions on the owner, so that
	// temporary credentials obtained with the key stop working.
	RevokeSessions bool
	// Quarantine puts the deny-all quarantine policy on the owner.
	Quarantine bool
	// DisableConsole deletes the owner's console password (cannot be
	// undone but by setting a new one).
	DisableConsole bool
	// Now is the clock for the sessions cut-off; nil means time.Now.
	Now func() time.Time
}

// PlaybookDryRun is an option for ContainCompromisedKey that turns on
// DryRun.
func PlaybookDryRun(o *CompromisedKeyOptions) { o.DryRun = true }

// StepOutcome is what one playbook step did.
type StepOutcome string

// The outcomes of a playbook step.
const (
	StepDone          StepOutcome = "DONE"           // written and verified, or found
	StepPlanned       StepOutcome = "PLANNED"        // dry run: would write
	StepAlreadyDone   StepOutcome = "ALREADY_DONE"   // nothing to write
	StepVerifyPending StepOutcome = "VERIFY_PENDING" // written, not yet visible
	StepSkipped       StepOutcome = "SKIPPED"        // not asked for, or not possible after an earlier step
	StepFailed        StepOutcome = "FAILED"
)

// PlaybookStep is one step of a playbook run.
type PlaybookStep struct {
	Name        string                 `json:"name"`
	Outcome     StepOutcome            `json:"outcome"`
	Detail      string                 `json:"detail,omitempty"`
	Remediation *secpillar.Remediation `json:"remediation,omitempty"`
	Error       string                 `json:"error,omitempty"`
}

// PlaybookReport is the account of a playbook run: every step, in order,
// with its outcome.
type PlaybookReport struct {
	AccessKeyID string         `json:"access_key_id"`
	Account     string         `json:"account,omitempty"`
	User        string         `json:"user,omitempty"`
	DryRun      bool           `json:"dry_run"`
	Contained   bool           `json:"contained"` // the key is (or, in a dry run, would be) inactive and no step failed
	Steps       []PlaybookStep `json:"steps"`
}

// ErrKeyNotContainable is wrapped by the error ContainCompromisedKey
// returns when the key cannot be contained from this account: it belongs
// to another account, or to no IAM user here (a root key, or a key whose
// user was deleted).
var ErrKeyNotContainable = errors.New("the access key cannot be contained from this account")

// The names of the playbook's steps.
const (
	StepFindAccount    = "find the key's account (sts:GetAccessKeyInfo)"
	StepFindOwner      = "find the key's owner (iam:GetAccessKeyLastUsed)"
	StepDeactivateKey  = "deactivate the key"
	StepRevokeSessions = "revoke the owner's sessions"
	StepQuarantine     = "quarantine the owner"
	StepDisableConsole = "disable the owner's console access"
)

// ContainCompromisedKey is the playbook for a leaked or abused long-term
// access key, given only its ID. It finds the key's account
// (sts:GetAccessKeyInfo) and checks that it is the caller's, finds the IAM
// user that owns it (iam:GetAccessKeyLastUsed, which also tells when and
// where it was last used), deactivates the key (never deletes it), then,
// as asked, revokes the user's sessions, quarantines the user and disables
// console access. It returns one report of every step, including those
// skipped; in a dry run every write is planned, none made.
//
// A key that belongs to another account or to no user here ends the run
// with an error wrapping ErrKeyNotContainable, the report saying why. A
// containment step that fails does not stop the later ones (each is worth
// doing on its own); their errors are joined in the returned error.
// Temporary keys (ASIA...) are refused: they belong to a role session,
// which IAM cannot name; find the role in CloudTrail and use
// RevokeRoleSessions.
func ContainCompromisedKey(ctx context.Context, stsAPI CompromisedKeySTSAPI, iamAPI CompromisedKeyIAMAPI, keyID string, optFns ...func(*CompromisedKeyOptions)) (PlaybookReport, error) {
	var opts CompromisedKeyOptions
	for _, fn := range optFns {
		fn(&opts)
	}
	rep := PlaybookReport{AccessKeyID: keyID, DryRun: opts.DryRun}
	if err := checkKeyID(keyID); err != nil {
		return rep, err
	}
	if keyID[:4] != "AKIA" {
		return rep, fmt.Errorf("incident: key %s is not a long-term IAM user key (AKIA...): for temporary credentials find the role session in CloudTrail and revoke the role's sessions", keyID)
	}
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	skipRest := func(reason string) {
		for _, n := range []string{StepDeactivateKey, StepRevokeSessions, StepQuarantine, StepDisableConsole} {
			rep.Steps = append(rep.Steps, PlaybookStep{Name: n, Outcome: StepSkipped, Detail: reason})
		}
	}

	// 1. The account.
	info, err := stsAPI.GetAccessKeyInfo(ctx, &sts.GetAccessKeyInfoInput{AccessKeyId: aws.String(keyID)})
	if err == nil && aws.ToString(info.Account) == "" {
		err = errors.New("GetAccessKeyInfo returned no Account")
	}
	if err != nil {
		rep.Steps = append(rep.Steps, PlaybookStep{Name: StepFindAccount, Outcome: StepFailed, Error: err.Error()})
		skipRest("the key's account is unknown")
		return rep, fmt.Errorf("incident: find the account of key %s: %w", keyID, err)
	}
	rep.Account = aws.ToString(info.Account)
	me, err := stsAPI.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err == nil && aws.ToString(me.Account) == "" {
		err = errors.New("GetCallerIdentity returned no Account")
	}
	if err != nil {
		rep.Steps = append(rep.Steps, PlaybookStep{Name: StepFindAccount, Outcome: StepFailed, Detail: "key account " + rep.Account, Error: err.Error()})
		skipRest("the caller's account is unknown")
		return rep, fmt.Errorf("incident: identify the caller's account: %w", err)
	}
	if mine := aws.ToString(me.Account); mine != rep.Account {
		detail := fmt.Sprintf("the key belongs to account %s, not the caller's account %s: run the playbook with credentials in %s", rep.Account, mine, rep.Account)
		rep.Steps = append(rep.Steps, PlaybookStep{Name: StepFindAccount, Outcome: StepDone, Detail: detail})
		skipRest("the key is in another account")
		return rep, fmt.Errorf("incident: key %s: %s: %w", keyID, detail, ErrKeyNotContainable)
	}
	rep.Steps = append(rep.Steps, PlaybookStep{Name: StepFindAccount, Outcome: StepDone, Detail: "account " + rep.Account})

	// 2. The owner.
	lu, err := iamAPI.GetAccessKeyLastUsed(ctx, &iam.GetAccessKeyLastUsedInput{AccessKeyId: aws.String(keyID)})
	var nse *iamtypes.NoSuchEntityException
	switch {
	case errors.As(err, &nse):
		detail := "no IAM user in account " + rep.Account + " has this key: it is the root user's (deactivate it signed in as root) or its user was deleted"
		rep.Steps = append(rep.Steps, PlaybookStep{Name: StepFindOwner, Outcome: StepFailed, Detail: detail, Error: err.Error()})
		skipRest("no owner")
		return rep, fmt.Errorf("incident: key %s: %s: %w", keyID, detail, ErrKeyNotContainable)
	case err != nil:
		rep.Steps = append(rep.Steps, PlaybookStep{Name: StepFindOwner, Outcome: StepFailed, Error: err.Error()})
		skipRest("the key's owner is unknown")
		return rep, fmt.Errorf("incident: find the owner of key %s: %w", keyID, err)
	}
	rep.User = aws.ToString(lu.UserName)
	if rep.User == "" {
		rep.Steps = append(rep.Steps, PlaybookStep{Name: StepFindOwner, Outcome: StepFailed, Error: "GetAccessKeyLastUsed returned no UserName"})
		skipRest("the key's owner is unknown")
		return rep, fmt.Errorf("incident: find the owner of key %s: GetAccessKeyLastUsed returned no UserName", keyID)
	}
	detail := "user " + rep.User + ", never used"
	if l := lu.AccessKeyLastUsed; l != nil && l.LastUsedDate != nil {
		detail = fmt.Sprintf("user %s, last used %s by %s in %s", rep.User, l.LastUsedDate.UTC().Format(time.RFC3339), aws.ToString(l.ServiceName), aws.ToString(l.Region))
	}
	rep.Steps = append(rep.Steps, PlaybookStep{Name: StepFindOwner, Outcome: StepDone, Detail: detail})

	// 3-6. Containment.
	ro := func(o *secpillar.RemediateOptions) { o.DryRun = opts.DryRun }
	var errs []error
	run := func(name string, asked bool, fn func() (secpillar.Remediation, error)) StepOutcome {
		if !asked {
			rep.Steps = append(rep.Steps, PlaybookStep{Name: name, Outcome: StepSkipped, Detail: "not requested"})
			return StepSkipped
		}
		rem, err := fn()
		st := PlaybookStep{Name: name, Remediation: &rem}
		if err != nil {
			st.Outcome, st.Error = StepFailed, err.Error()
			errs = append(errs, err)
		} else {
			st.Outcome = stepOutcome(rem.Outcome)
		}
		rep.Steps = append(rep.Steps, st)
		return st.Outcome
	}
	key := run(StepDeactivateKey, true, func() (secpillar.Remediation, error) {
		return DeactivateAccessKeys(ctx, iamAPI, rep.User, []string{keyID}, ro)
	})
	run(StepRevokeSessions, opts.RevokeSessions, func() (secpillar.Remediation, error) {
		return RevokeUserSessionsAt(ctx, iamAPI, rep.User, now(), ro)
	})
	run(StepQuarantine, opts.Quarantine, func() (secpillar.Remediation, error) {
		return QuarantineUser(ctx, iamAPI, rep.User, ro)
	})
	run(StepDisableConsole, opts.DisableConsole, func() (secpillar.Remediation, error) {
		return DisableConsoleAccess(ctx, iamAPI, rep.User, ro)
	})
	rep.Contained = len(errs) == 0 && (key == StepDone || key == StepPlanned || key == StepAlreadyDone)
	if len(errs) > 0 {
		return rep, fmt.Errorf("incident: contain key %s: %w", keyID, errors.Join(errs...))
	}
	return rep, nil
}

func stepOutcome(o secpillar.Outcome) StepOutcome {
	switch o {
	case secpillar.OutcomeChanged:
		return StepDone
	case secpillar.OutcomePlanned:
		return StepPlanned
	case secpillar.OutcomeCompliant:
		return StepAlreadyDone
	case secpillar.OutcomeVerifyPending:
		return StepVerifyPending
	}
	return StepFailed
}
