// Command remediation shows a remediation with a review step: it prints the
// dry-run plan of the account password policy fix, applies it only after
// the operator confirms, and runs it again to show that a second run
// writes nothing.
//
//	go run ./examples/remediation -demo        # a demo account with a weak policy
//	go run ./examples/remediation -demo -yes   # apply without asking
//
// Without -demo it acts on the account of the default credential chain.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/identity"
	"github.com/secpillar/secpillar/internal/fakeaws"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdin, os.Stdout))
}

// demoAccount is an account whose password policy is too weak but has
// settings (hard expiry, symbols) that the fix must carry forward.
func demoAccount() aws.Config {
	acct := fakeaws.New(fakeaws.DemoAccountID)
	acct.IAM.PasswordPolicy = &iamtypes.PasswordPolicy{
		MinimumPasswordLength:      aws.Int32(8),
		PasswordReusePrevention:    aws.Int32(5),
		RequireSymbols:             true,
		HardExpiry:                 aws.Bool(true),
		MaxPasswordAge:             aws.Int32(60),
		ExpirePasswords:            true,
		AllowUsersToChangePassword: true,
	}
	return acct.Config()
}

func run(ctx context.Context, args []string, stdin io.Reader, w io.Writer) int {
	fs := flag.NewFlagSet("remediation", flag.ContinueOnError)
	fs.SetOutput(w)
	demo := fs.Bool("demo", false, "use a demo account with a weak password policy")
	yes := fs.Bool("yes", false, "apply without asking")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	var cfg aws.Config
	if *demo {
		cfg = demoAccount()
	} else {
		var err error
		if cfg, err = config.LoadDefaultConfig(ctx); err != nil {
			fmt.Fprintln(w, "remediation:", err)
			return 2
		}
	}
	api := iam.NewFromConfig(cfg)
	want := identity.PasswordPolicyOptions{} // CIS: length 14, reuse prevention 24

	plan, err := identity.RemediatePasswordPolicy(ctx, api, want, secpillar.DryRun)
	if err != nil {
		fmt.Fprintln(w, "remediation: plan:", err)
		return 2
	}
	fmt.Fprintf(w, "plan: %s\n", plan.Outcome)
	for _, c := range plan.Changes {
		fmt.Fprintf(w, "  %s %s: %s -> %s\n", c.Action, c.Field, c.Before, c.After)
	}
	if plan.Outcome == secpillar.OutcomeCompliant {
		return 0
	}
	if !*yes {
		fmt.Fprint(w, "apply? [y/N] ")
		line, _ := bufio.NewReader(stdin).ReadString('\n')
		if a := strings.ToLower(strings.TrimSpace(line)); a != "y" && a != "yes" {
			fmt.Fprintln(w, "not applied")
			return 1
		}
	}
	res, err := identity.RemediatePasswordPolicy(ctx, api, want)
	if err != nil {
		fmt.Fprintln(w, "remediation: apply:", err)
		return 2
	}
	fmt.Fprintf(w, "applied: %s\n", res.Outcome)
	if res.Undo != "" {
		fmt.Fprintf(w, "undo: %s\n", res.Undo)
	}
	again, err := identity.RemediatePasswordPolicy(ctx, api, want)
	if err != nil {
		fmt.Fprintln(w, "remediation: second run:", err)
		return 2
	}
	fmt.Fprintf(w, "second run: %s, %d changes\n", again.Outcome, len(again.Changes))
	return 0
}
