package identity

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/internal/fakeaws"
)

func strongPolicy() *iamtypes.PasswordPolicy {
	return &iamtypes.PasswordPolicy{MinimumPasswordLength: aws.Int32(14), PasswordReusePrevention: aws.Int32(24), AllowUsersToChangePassword: true}
}

func TestCheckPasswordPolicy(t *testing.T) {
	tests := []struct {
		name    string
		setup   func(a *fakeaws.Account)
		opts    func(*PasswordPolicyOptions)
		want    secpillar.Status
		reason  string
		wantErr bool
	}{
		{name: "cis minimum", setup: func(a *fakeaws.Account) { a.IAM.PasswordPolicy = strongPolicy() }, want: secpillar.StatusPass,
			reason: "The IAM password policy requires at least 14 characters and prevents reuse of the last 24 passwords."},
		{name: "not configured", setup: func(a *fakeaws.Account) {}, want: secpillar.StatusFail,
			reason: "The account has no IAM password policy: set one that requires at least 14 characters and prevents reuse of the last 24 passwords."},
		{name: "too short, no reuse prevention", setup: func(a *fakeaws.Account) {
			a.IAM.PasswordPolicy = &iamtypes.PasswordPolicy{MinimumPasswordLength: aws.Int32(8)}
		}, want: secpillar.StatusFail, reason: "The IAM password policy is too weak: minimum length is 8, want at least 14; reuse prevention is 0, want at least 24."},
		{name: "stricter options", setup: func(a *fakeaws.Account) { a.IAM.PasswordPolicy = strongPolicy() },
			opts: func(o *PasswordPolicyOptions) { o.MinLength = 16; o.RequireSymbols = true; o.MaxAge = 90 }, want: secpillar.StatusFail,
			reason: "The IAM password policy is too weak: minimum length is 14, want at least 16; maximum password age is unset (passwords never expire), want at most 90 days; symbols are not required."},
		{name: "stricter options met", setup: func(a *fakeaws.Account) {
			p := strongPolicy()
			p.MinimumPasswordLength = aws.Int32(20)
			p.RequireSymbols = true
			p.MaxPasswordAge = aws.Int32(60)
			a.IAM.PasswordPolicy = p
		}, opts: func(o *PasswordPolicyOptions) { o.MinLength = 16; o.RequireSymbols = true; o.MaxAge = 90 }, want: secpillar.StatusPass,
			reason: "The IAM password policy requires at least 20 characters and prevents reuse of the last 24 passwords."},
		{name: "access denied", setup: func(a *fakeaws.Account) { a.DenyAccess("IAM", "GetAccountPasswordPolicy", "") }, wantErr: true},
		{name: "nil policy in output", setup: func(a *fakeaws.Account) {
			respond(a, "IAM", "GetAccountPasswordPolicy", &iam.GetAccountPasswordPolicyOutput{}, nil)
		}, wantErr: true},
		{name: "nil minimum length", setup: func(a *fakeaws.Account) {
			respond(a, "IAM", "GetAccountPasswordPolicy", &iam.GetAccountPasswordPolicyOutput{PasswordPolicy: &iamtypes.PasswordPolicy{PasswordReusePrevention: aws.Int32(24)}}, nil)
		}, wantErr: true},
		{name: "weaker option rejected", setup: func(a *fakeaws.Account) {}, opts: func(o *PasswordPolicyOptions) { o.MinLength = 8 }, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			acct := newAccount()
			tt.setup(acct)
			var opts []func(*PasswordPolicyOptions)
			if tt.opts != nil {
				opts = append(opts, tt.opts)
			}
			f, err := CheckPasswordPolicy(context.Background(), iam.NewFromConfig(acct.Config()), opts...)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("want error, got %+v", f)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if f.Status != tt.want {
				t.Errorf("status = %s, want %s (%s)", f.Status, tt.want, f.Reason)
			}
			if diff := cmp.Diff(tt.reason, f.Reason); diff != "" {
				t.Errorf("reason (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRemediatePasswordPolicy(t *testing.T) {
	ctx := context.Background()
	t.Run("raises only and carries every other setting forward", func(t *testing.T) {
		acct := newAccount()
		acct.IAM.PasswordPolicy = &iamtypes.PasswordPolicy{
			MinimumPasswordLength: aws.Int32(20), PasswordReusePrevention: aws.Int32(5), MaxPasswordAge: aws.Int32(30),
			ExpirePasswords: true, HardExpiry: aws.Bool(true), AllowUsersToChangePassword: false,
			RequireSymbols: true, RequireNumbers: true,
		}
		api := iam.NewFromConfig(acct.Config())
		rem, err := RemediatePasswordPolicy(ctx, api, PasswordPolicyOptions{MaxAge: 90})
		if err != nil {
			t.Fatal(err)
		}
		want := secpillar.Remediation{
			Control:  ControlPasswordPolicy,
			Resource: secpillar.AccountResource(""),
			Outcome:  secpillar.OutcomeChanged,
			Changes: []secpillar.Change{{Resource: secpillar.AccountResource(""), Action: "iam:UpdateAccountPasswordPolicy",
				Field: "PasswordReusePrevention", Before: "5", After: "24"}},
		}
		if diff := cmp.Diff(want, rem, cmpopts.IgnoreFields(secpillar.Remediation{}, "Undo", "Notes")); diff != "" {
			t.Errorf("remediation (-want +got):\n%s", diff)
		}
		got := acct.IAM.PasswordPolicy
		wantPolicy := &iamtypes.PasswordPolicy{
			MinimumPasswordLength: aws.Int32(20), PasswordReusePrevention: aws.Int32(24), MaxPasswordAge: aws.Int32(30),
			ExpirePasswords: true, HardExpiry: aws.Bool(true), AllowUsersToChangePassword: false,
			RequireSymbols: true, RequireNumbers: true,
		}
		if diff := cmp.Diff(wantPolicy, got, cmpopts.IgnoreUnexported(iamtypes.PasswordPolicy{})); diff != "" {
			t.Errorf("policy (-want +got):\n%s", diff)
		}
		// Second run: nothing to do, no write.
		rem, err = RemediatePasswordPolicy(ctx, api, PasswordPolicyOptions{MaxAge: 90})
		if err != nil || rem.Outcome != secpillar.OutcomeCompliant {
			t.Fatalf("second run = %+v, %v; want COMPLIANT", rem, err)
		}
		if n := acct.CallCount("IAM", "UpdateAccountPasswordPolicy"); n != 1 {
			t.Errorf("UpdateAccountPasswordPolicy calls = %d, want 1", n)
		}
	})
	t.Run("dry run writes nothing", func(t *testing.T) {
		acct := newAccount()
		rem, err := RemediatePasswordPolicy(ctx, iam.NewFromConfig(acct.Config()), PasswordPolicyOptions{}, secpillar.DryRun)
		if err != nil {
			t.Fatal(err)
		}
		if rem.Outcome != secpillar.OutcomePlanned || len(rem.Changes) != 3 {
			t.Errorf("dry run = %+v", rem)
		}
		if n := acct.CallCount("IAM", "UpdateAccountPasswordPolicy"); n != 0 || acct.IAM.PasswordPolicy != nil {
			t.Errorf("dry run wrote: %d calls, policy %+v", n, acct.IAM.PasswordPolicy)
		}
	})
	t.Run("creates a policy that keeps users able to change passwords", func(t *testing.T) {
		acct := newAccount()
		rem, err := RemediatePasswordPolicy(ctx, iam.NewFromConfig(acct.Config()), PasswordPolicyOptions{})
		if err != nil || rem.Outcome != secpillar.OutcomeChanged {
			t.Fatalf("remediation = %+v, %v", rem, err)
		}
		p := acct.IAM.PasswordPolicy
		if aws.ToInt32(p.MinimumPasswordLength) != 14 || aws.ToInt32(p.PasswordReusePrevention) != 24 || !p.AllowUsersToChangePassword {
			t.Errorf("policy = %+v", p)
		}
		f, err := CheckPasswordPolicy(ctx, iam.NewFromConfig(acct.Config()))
		if err != nil || f.Status != secpillar.StatusPass {
			t.Errorf("check after remediation = %+v, %v", f, err)
		}
	})
	t.Run("write denied", func(t *testing.T) {
		acct := newAccount()
		acct.DenyAccess("IAM", "UpdateAccountPasswordPolicy", "")
		if _, err := RemediatePasswordPolicy(ctx, iam.NewFromConfig(acct.Config()), PasswordPolicyOptions{}); err == nil {
			t.Fatal("want error")
		}
	})
	t.Run("verify pending when the re-read lags", func(t *testing.T) {
		acct := newAccount()
		acct.IAM.PasswordPolicy = &iamtypes.PasswordPolicy{MinimumPasswordLength: aws.Int32(8)}
		acct.Inject(fakeaws.Fault{Service: "IAM", Operation: "GetAccountPasswordPolicy", EveryN: 2, Respond: func(context.Context, any) (any, error) {
			return &iam.GetAccountPasswordPolicyOutput{PasswordPolicy: &iamtypes.PasswordPolicy{MinimumPasswordLength: aws.Int32(8)}}, nil
		}})
		rem, err := RemediatePasswordPolicy(ctx, iam.NewFromConfig(acct.Config()), PasswordPolicyOptions{})
		if err != nil || rem.Outcome != secpillar.OutcomeVerifyPending {
			t.Fatalf("remediation = %+v, %v; want VERIFY_PENDING", rem, err)
		}
	})
}
