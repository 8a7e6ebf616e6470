// Command containment runs the compromised-access-key playbook: given only
// a key ID, it finds the key's account and owner, shows the whole plan as a
// dry run, and contains the key (deactivate, revoke the owner's sessions,
// quarantine) only with -yes.
//
//	go run ./examples/containment -demo                 # plan for a key of the demo account
//	go run ./examples/containment -demo -yes            # contain it
//	go run ./examples/containment -key AKIA... -yes     # a real key, default credential chain
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/secpillar/secpillar/incident"
	"github.com/secpillar/secpillar/internal/fakeaws"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout))
}

// demoKey returns the demo account and the first active access key of its
// first user that has one.
func demoKey() (aws.Config, string) {
	acct := fakeaws.Demo()
	for _, u := range acct.IAM.Users {
		for _, k := range u.AccessKeys {
			if k.Status == "Active" {
				return acct.Config(), aws.ToString(k.AccessKeyId)
			}
		}
	}
	return acct.Config(), ""
}

func run(ctx context.Context, args []string, w io.Writer) int {
	fs := flag.NewFlagSet("containment", flag.ContinueOnError)
	fs.SetOutput(w)
	demo := fs.Bool("demo", false, "use the built-in demo account and one of its keys")
	key := fs.String("key", "", "the compromised access key ID")
	yes := fs.Bool("yes", false, "contain the key (default: dry run)")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	var cfg aws.Config
	if *demo {
		var k string
		cfg, k = demoKey()
		if *key == "" {
			*key = k
		}
	} else {
		var err error
		if cfg, err = config.LoadDefaultConfig(ctx); err != nil {
			fmt.Fprintln(w, "containment:", err)
			return 2
		}
	}
	rep, err := incident.ContainCompromisedKey(ctx, sts.NewFromConfig(cfg), iam.NewFromConfig(cfg), *key, func(o *incident.CompromisedKeyOptions) {
		o.DryRun = !*yes
		o.RevokeSessions = true
		o.Quarantine = true
	})
	if *asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.Encode(rep)
	} else {
		mode := "contain"
		if rep.DryRun {
			mode = "dry run (nothing written; add -yes to contain)"
		}
		fmt.Fprintf(w, "key %s of user %q in account %s: %s\n", rep.AccessKeyID, rep.User, rep.Account, mode)
		for _, s := range rep.Steps {
			fmt.Fprintf(w, "  %-15s %s", s.Outcome, s.Name)
			if s.Detail != "" {
				fmt.Fprintf(w, ": %s", s.Detail)
			}
			if s.Error != "" {
				fmt.Fprintf(w, ": %s", s.Error)
			}
			fmt.Fprintln(w)
			if s.Remediation != nil && s.Remediation.Undo != "" {
				fmt.Fprintf(w, "                  undo: %s\n", s.Remediation.Undo)
			}
		}
	}
	if err != nil {
		fmt.Fprintln(w, "containment:", err)
		return 2
	}
	if !rep.Contained {
		return 1
	}
	return 0
}
