package identity

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/secpillar/secpillar"
)

// ControlPasswordPolicy is the ID of the password policy control.
const ControlPasswordPolicy = "identity.password-policy"

// Defaults of PasswordPolicyOptions (CIS 1.8 and 1.9).
const (
	DefaultMinPasswordLength       = 14
	DefaultPasswordReusePrevention = 24
)

// PasswordPolicyAPI is the part of the IAM API that CheckPasswordPolicy
// calls. *iam.Client satisfies it.
type PasswordPolicyAPI interface {
	GetAccountPasswordPolicy(ctx context.Context, in *iam.GetAccountPasswordPolicyInput, optFns ...func(*iam.Options)) (*iam.GetAccountPasswordPolicyOutput, error)
}

var _ PasswordPolicyAPI = (*iam.Client)(nil)

// PasswordPolicyRemediationAPI adds the write RemediatePasswordPolicy
// makes. *iam.Client satisfies it.
type PasswordPolicyRemediationAPI interface {
	PasswordPolicyAPI
	UpdateAccountPasswordPolicy(ctx context.Context, in *iam.UpdateAccountPasswordPolicyInput, optFns ...func(*iam.Options)) (*iam.UpdateAccountPasswordPolicyOutput, error)
}

var _ PasswordPolicyRemediationAPI = (*iam.Client)(nil)

// PasswordPolicyOptions are the requirements of the password policy
// control. The zero value requires a minimum length of 14 and reuse
// prevention of 24 (CIS 1.8, 1.9) and nothing else.
type PasswordPolicyOptions struct {
	// MinLength is the least acceptable minimum password length; 0 means
	// DefaultMinPasswordLength. Values below it are raised to it.
	MinLength int
	// ReusePrevention is the least acceptable number of remembered
	// passwords; 0 means DefaultPasswordReusePrevention (24, IAM's maximum).
	ReusePrevention int
	// MaxAge, when positive, requires passwords to expire after at most
	// this many days.
	MaxAge int
	// Require* demand the character classes.
	RequireUppercase bool
	RequireLowercase bool
	RequireNumbers   bool
	RequireSymbols   bool
}

func (o PasswordPolicyOptions) withDefaults() (PasswordPolicyOptions, error) {
	if o.MinLength == 0 {
		o.MinLength = DefaultMinPasswordLength
	}
	if o.ReusePrevention == 0 {
		o.ReusePrevention = DefaultPasswordReusePrevention
	}
	if o.MinLength < DefaultMinPasswordLength || o.MinLength > 128 {
		return o, fmt.Errorf("identity: password policy options: MinLength %d must be between %d and 128", o.MinLength, DefaultMinPasswordLength)
	}
	if o.ReusePrevention < 1 || o.ReusePrevention > 24 {
		return o, fmt.Errorf("identity: password policy options: ReusePrevention %d must be between 1 and 24", o.ReusePrevention)
	}
	if o.MaxAge < 0 || o.MaxAge > 1095 {
		return o, fmt.Errorf("identity: password policy options: MaxAge %d must be between 0 and 1095", o.MaxAge)
	}
	return o, nil
}

// readPasswordPolicy returns the account's password policy, or nil when
// none is set (NoSuchEntity).
func readPasswordPolicy(ctx context.Context, api PasswordPolicyAPI) (*iamtypes.PasswordPolicy, error) {
	out, err := api.GetAccountPasswordPolicy(ctx, &iam.GetAccountPasswordPolicyInput{})
	var nse *iamtypes.NoSuchEntityException
	if errors.As(err, &nse) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("identity: read password policy: %w", err)
	}
	if out == nil || out.PasswordPolicy == nil {
		return nil, errors.New("identity: read password policy: the response has no PasswordPolicy")
	}
	if out.PasswordPolicy.MinimumPasswordLength == nil {
		return nil, errors.New("identity: read password policy: the policy has no MinimumPasswordLength")
	}
	return out.PasswordPolicy, nil
}

// shortfalls lists how p falls short of o, in a fixed order.
func shortfalls(p *iamtypes.PasswordPolicy, o PasswordPolicyOptions) []string {
	var out []string
	if n := int(aws.ToInt32(p.MinimumPasswordLength)); n < o.MinLength {
		out = append(out, fmt.Sprintf("minimum length is %d, want at least %d", n, o.MinLength))
	}
	if n := int(aws.ToInt32(p.PasswordReusePrevention)); n < o.ReusePrevention {
		out = append(out, fmt.Sprintf("reuse prevention is %d, want at least %d", n, o.ReusePrevention))
	}
	if o.MaxAge > 0 {
		if n := int(aws.ToInt32(p.MaxPasswordAge)); n <= 0 || n > o.MaxAge {
			out = append(out, fmt.Sprintf("maximum password age is %s, want at most %d days", ageString(p.MaxPasswordAge), o.MaxAge))
		}
	}
	if o.RequireUppercase && !p.RequireUppercaseCharacters {
		out = append(out, "uppercase letters are not required")
	}
	if o.RequireLowercase && !p.RequireLowercaseCharacters {
		out = append(out, "lowercase letters are not required")
	}
	if o.RequireNumbers && !p.RequireNumbers {
		out = append(out, "numbers are not required")
	}
	if o.RequireSymbols && !p.RequireSymbols {
		out = append(out, "symbols are not required")
	}
	return out
}

func ageString(p *int32) string {
	if p == nil || *p <= 0 {
		return "unset (passwords never expire)"
	}
	return strconv.Itoa(int(*p))
}

func policyEvidence(p *iamtypes.PasswordPolicy) map[string]string {
	return map[string]string{
		"minimum_password_length":   strconv.Itoa(int(aws.ToInt32(p.MinimumPasswordLength))),
		"password_reuse_prevention": strconv.Itoa(int(aws.ToInt32(p.PasswordReusePrevention))),
		"max_password_age":          strconv.Itoa(int(aws.ToInt32(p.MaxPasswordAge))),
		"require_uppercase":         boolString(p.RequireUppercaseCharacters),
		"require_lowercase":         boolString(p.RequireLowercaseCharacters),
		"require_numbers":           boolString(p.RequireNumbers),
		"require_symbols":           boolString(p.RequireSymbols),
	}
}

// CheckPasswordPolicy reports whether the account password policy requires
// at least 14 characters and prevents reuse of the last 24 passwords (CIS
// 1.8, 1.9, IAM.7), plus any stricter settings optFns ask for. An account
// without a password policy fails: IAM then accepts any password of 8
// characters or more.
func CheckPasswordPolicy(ctx context.Context, api PasswordPolicyAPI, optFns ...func(*PasswordPolicyOptions)) (secpillar.Finding, error) {
	var o PasswordPolicyOptions
	for _, fn := range optFns {
		fn(&o)
	}
	o, err := o.withDefaults()
	if err != nil {
		return secpillar.Finding{}, err
	}
	p, err := readPasswordPolicy(ctx, api)
	if err != nil {
		return secpillar.Finding{}, err
	}
	f := secpillar.Finding{
		Control:  ControlPasswordPolicy,
		Severity: secpillar.SeverityMedium,
		Resource: secpillar.AccountResource(""),
	}
	if p == nil {
		f.Status = secpillar.StatusFail
		f.Reason = "The account has no IAM password policy: set one that requires at least " + strconv.Itoa(o.MinLength) + " characters and prevents reuse of the last " + strconv.Itoa(o.ReusePrevention) + " passwords."
		f.Evidence = map[string]string{"password_policy": "not configured"}
		return f, nil
	}
	f.Evidence = policyEvidence(p)
	if s := shortfalls(p, o); len(s) > 0 {
		f.Status = secpillar.StatusFail
		f.Reason = "The IAM password policy is too weak: " + strings.Join(s, "; ") + "."
		return f, nil
	}
	f.Status = secpillar.StatusPass
	f.Reason = fmt.Sprintf("The IAM password policy requires at least %d characters and prevents reuse of the last %d passwords.", aws.ToInt32(p.MinimumPasswordLength), aws.ToInt32(p.PasswordReusePrevention))
	return f, nil
}

// desiredPolicy raises cur to meet o and returns the whole policy to
// write; every setting o does not ask about is carried forward. A nil cur
// starts from IAM's behaviour without a policy, in which users may change
// their own password.
func desiredPolicy(cur *iamtypes.PasswordPolicy, o PasswordPolicyOptions) *iam.UpdateAccountPasswordPolicyInput {
	in := &iam.UpdateAccountPasswordPolicyInput{AllowUsersToChangePassword: true}
	if cur != nil {
		in = &iam.UpdateAccountPasswordPolicyInput{
			AllowUsersToChangePassword: cur.AllowUsersToChangePassword,
			HardExpiry:                 cur.HardExpiry,
			MaxPasswordAge:             cur.MaxPasswordAge,
			MinimumPasswordLength:      cur.MinimumPasswordLength,
			PasswordReusePrevention:    cur.PasswordReusePrevention,
			RequireLowercaseCharacters: cur.RequireLowercaseCharacters,
			RequireNumbers:             cur.RequireNumbers,
			RequireSymbols:             cur.RequireSymbols,
			RequireUppercaseCharacters: cur.RequireUppercaseCharacters,
		}
		if in.MaxPasswordAge != nil && *in.MaxPasswordAge <= 0 {
			in.MaxPasswordAge = nil
		}
	}
	if int(aws.ToInt32(in.MinimumPasswordLength)) < o.MinLength {
		in.MinimumPasswordLength = aws.Int32(int32(o.MinLength))
	}
	if int(aws.ToInt32(in.PasswordReusePrevention)) < o.ReusePrevention {
		in.PasswordReusePrevention = aws.Int32(int32(o.ReusePrevention))
	}
	if o.MaxAge > 0 && (in.MaxPasswordAge == nil || int(*in.MaxPasswordAge) > o.MaxAge) {
		in.MaxPasswordAge = aws.Int32(int32(o.MaxAge))
	}
	in.RequireUppercaseCharacters = in.RequireUppercaseCharacters || o.RequireUppercase
	in.RequireLowercaseCharacters = in.RequireLowercaseCharacters || o.RequireLowercase
	in.RequireNumbers = in.RequireNumbers || o.RequireNumbers
	in.RequireSymbols = in.RequireSymbols || o.RequireSymbols
	return in
}

// passwordFields renders the settings a remediation may change, in a fixed
// order; a nil policy renders as unset numbers and false flags.
func passwordFields(p *iamtypes.PasswordPolicy) [][2]string {
	if p == nil {
		p = &iamtypes.PasswordPolicy{}
	}
	i32 := func(v *int32) string {
		if v == nil || *v <= 0 {
			return "not set"
		}
		return strconv.Itoa(int(*v))
	}
	return [][2]string{
		{"MinimumPasswordLength", i32(p.MinimumPasswordLength)},
		{"PasswordReusePrevention", i32(p.PasswordReusePrevention)},
		{"MaxPasswordAge", i32(p.MaxPasswordAge)},
		{"RequireUppercaseCharacters", boolString(p.RequireUppercaseCharacters)},
		{"RequireLowercaseCharacters", boolString(p.RequireLowercaseCharacters)},
		{"RequireNumbers", boolString(p.RequireNumbers)},
		{"RequireSymbols", boolString(p.RequireSymbols)},
		{"AllowUsersToChangePassword", boolString(p.AllowUsersToChangePassword)},
	}
}

func inputAsPolicy(in *iam.UpdateAccountPasswordPolicyInput) *iamtypes.PasswordPolicy {
	return &iamtypes.PasswordPolicy{
		AllowUsersToChangePassword: in.AllowUsersToChangePassword,
		HardExpiry:                 in.HardExpiry,
		MaxPasswordAge:             in.MaxPasswordAge,
		MinimumPasswordLength:      in.MinimumPasswordLength,
		PasswordReusePrevention:    in.PasswordReusePrevention,
		RequireLowercaseCharacters: in.RequireLowercaseCharacters,
		RequireNumbers:             in.RequireNumbers,
		RequireSymbols:             in.RequireSymbols,
		RequireUppercaseCharacters: in.RequireUppercaseCharacters,
	}
}

// RemediatePasswordPolicy raises the account password policy to meet want
// (its zero value is the CIS minimum). It only ever raises: a stricter
// current setting is kept, and every setting want does not mention is
// carried forward, because UpdateAccountPasswordPolicy replaces the whole
// policy. An account without a policy gets one that also lets users
// change their own password, as they could before.
func RemediatePasswordPolicy(ctx context.Context, api PasswordPolicyRemediationAPI, want PasswordPolicyOptions, optFns ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
	opts := secpillar.NewRemediateOptions(optFns...)
	o, err := want.withDefaults()
	if err != nil {
		return secpillar.Remediation{}, err
	}
	res := secpillar.AccountResource("")
	rem := secpillar.Remediation{Control: ControlPasswordPolicy, Resource: res}
	cur, err := readPasswordPolicy(ctx, api)
	if err != nil {
		return rem, err
	}
	in := desiredPolicy(cur, o)
	before, after := passwordFields(cur), passwordFields(inputAsPolicy(in))
	for i := range before {
		if before[i][1] != after[i][1] {
			rem.Changes = append(rem.Changes, secpillar.Change{Resource: res, Action: "iam:UpdateAccountPasswordPolicy", Field: before[i][0], Before: before[i][1], After: after[i][1]})
		}
	}
	if len(rem.Changes) == 0 {
		rem.Outcome = secpillar.OutcomeCompliant
		return rem, nil
	}
	if cur == nil {
		rem.Undo = "Delete the password policy with iam:DeleteAccountPasswordPolicy to return to IAM's default."
		rem.Notes = append(rem.Notes, "The account had no password policy; the new one also lets users change their own password, as they could before.")
	} else {
		var prev []string
		for _, c := range rem.Changes {
			prev = append(prev, c.Field+"="+c.Before)
		}
		rem.Undo = "Call iam:UpdateAccountPasswordPolicy with the previous values (" + strings.Join(prev, ", ") + ") and every other current setting."
	}
	rem.Notes = append(rem.Notes, "Existing passwords stay valid; the new rules apply when users next change their password.")
	if opts.DryRun {
		rem.Outcome = secpillar.OutcomePlanned
		return rem, nil
	}
	if _, err := api.UpdateAccountPasswordPolicy(ctx, in); err != nil {
		return rem, fmt.Errorf("identity: update password policy: %w", err)
	}
	got, err := readPasswordPolicy(secpillar.FreshReads(ctx), api)
	if err != nil {
		return rem, fmt.Errorf("identity: verify password policy: %w", err)
	}
	rem.Outcome = secpillar.OutcomeChanged
	if got == nil || len(shortfalls(got, o)) > 0 {
		rem.Outcome = secpillar.OutcomeVerifyPending
	}
	return rem, nil
}
