package identity_test

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/identity"
	"github.com/secpillar/secpillar/internal/fakeaws"
)

func ExampleCheckRootMFA() {
	acct := fakeaws.New("111122223333")
	acct.IAM.Root.PasswordEnabled = true // root can sign in, without MFA
	client := iam.NewFromConfig(acct.Config())

	f, err := identity.CheckRootMFA(context.Background(), client)
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(f.Status, f.Evidence["account_mfa_enabled"])
	// Output: FAIL false
}

func ExampleCheckPasswordPolicy() {
	acct := fakeaws.New("111122223333")
	acct.IAM.PasswordPolicy = &iamtypes.PasswordPolicy{MinimumPasswordLength: aws.Int32(14), PasswordReusePrevention: aws.Int32(24)}
	client := iam.NewFromConfig(acct.Config())

	// Ask for more than the CIS minimum: symbols too.
	f, err := identity.CheckPasswordPolicy(context.Background(), client, func(o *identity.PasswordPolicyOptions) {
		o.RequireSymbols = true
	})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(f.Status, f.Reason)
	// Output: FAIL The IAM password policy is too weak: symbols are not required.
}

func ExampleRemediatePasswordPolicy() {
	acct := fakeaws.New("111122223333")
	acct.IAM.PasswordPolicy = &iamtypes.PasswordPolicy{MinimumPasswordLength: aws.Int32(8), RequireSymbols: true}
	client := iam.NewFromConfig(acct.Config())
	ctx := context.Background()

	// A dry run plans the changes and writes nothing.
	plan, _ := identity.RemediatePasswordPolicy(ctx, client, identity.PasswordPolicyOptions{}, secpillar.DryRun)
	fmt.Println(plan.Outcome)
	for _, c := range plan.Changes {
		fmt.Printf("  %s: %s -> %s\n", c.Field, c.Before, c.After)
	}

	// Then apply: only the two settings are raised; RequireSymbols stays on.
	rem, err := identity.RemediatePasswordPolicy(ctx, client, identity.PasswordPolicyOptions{})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(rem.Outcome, acct.IAM.PasswordPolicy.RequireSymbols)
	// Output:
	// PLANNED
	//   MinimumPasswordLength: 8 -> 14
	//   PasswordReusePrevention: not set -> 24
	// CHANGED true
}

func ExampleControls() {
	acct := fakeaws.New("111122223333")
	var controls []secpillar.Control
	for _, c := range identity.Controls() {
		if c.ID == identity.ControlRootMFAEnabled || c.ID == identity.ControlPasswordPolicy {
			controls = append(controls, c)
		}
	}
	rep, err := secpillar.Run(context.Background(), acct.Config(), controls, func(o *secpillar.RunOptions) {
		o.Regions = []string{"us-east-1"}
	})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	for _, f := range rep.Findings {
		fmt.Println(f.Control, f.Status)
	}
	// Output:
	// identity.root-mfa-enabled PASS
	// identity.password-policy FAIL
}

func ExampleCheckConsoleUsersMFA() {
	acct := fakeaws.New("111122223333")
	now := time.Now()
	alice := acct.IAM.AddUser("alice", now.AddDate(-1, 0, 0))
	alice.SetPassword(now.AddDate(0, -1, 0), nil) // a console password, no MFA
	acct.IAM.AddUser("deploy-bot", now.AddDate(-1, 0, 0))

	// The check generates the credential report and waits for it.
	fs, err := identity.CheckConsoleUsersMFA(context.Background(), iam.NewFromConfig(acct.Config()))
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	for _, f := range fs {
		fmt.Println(f.Resource.ID, f.Status)
	}
	// Output:
	// arn:aws:iam::111122223333:user/alice FAIL
	// arn:aws:iam::111122223333:user/deploy-bot NOT_APPLICABLE
}

func ExampleRemediateAccessKeysRotated() {
	acct := fakeaws.New("111122223333")
	now := time.Now()
	bot := acct.IAM.AddUser("deploy-bot", now.AddDate(-2, 0, 0))
	bot.AddAccessKey("AKIAEXAMPLEOLD000001", iamtypes.StatusTypeActive, now.AddDate(-1, 0, 0), nil)
	bot.AddAccessKey("AKIAEXAMPLENEW000001", iamtypes.StatusTypeActive, now.AddDate(0, 0, -5), nil)

	rem, err := identity.RemediateAccessKeysRotated(context.Background(), iam.NewFromConfig(acct.Config()),
		[]string{"deploy-bot"}, identity.UserCredentialOptions{}, func(o *secpillar.RemediateOptions) { o.MaxResources = 10 })
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(rem.Outcome)
	for _, k := range bot.AccessKeys {
		fmt.Println(aws.ToString(k.AccessKeyId), k.Status)
	}
	// Output:
	// CHANGED
	// AKIAEXAMPLEOLD000001 Inactive
	// AKIAEXAMPLENEW000001 Active
}
