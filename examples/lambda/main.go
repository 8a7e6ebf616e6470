// Command lambda is an AWS Lambda function that scans one account of an
// organization per invocation with the secpillar catalogue and writes the
// findings to S3 (JSON lines), Security Hub (ASFF), or both.
//
// statemachine.json beside it is a Step Functions definition that lists
// the organization's accounts and fans out over them with a Distributed
// Map, one invocation per ACTIVE account.
//
// Configuration, from the environment:
//
//	SECPILLAR_BUCKET        S3 bucket for the JSON lines (optional)
//	SECPILLAR_PREFIX        key prefix in the bucket (default "secpillar/")
//	SECPILLAR_SECURITY_HUB  "true" to import the findings into Security Hub
//	SECPILLAR_EXTERNAL_ID   external ID for sts:AssumeRole (optional)
//
// The function's role needs sts:AssumeRole on the scanning role of every
// account, s3:PutObject on the bucket and securityhub:BatchImportFindings;
// the scanning role in each account needs the read-only policy that
// secpillar.PolicyDocument returns for the catalogue.
//
// Run outside Lambda with -demo, it does what statemachine.json does, on
// the built-in demo organization, writing the objects under -out:
//
//	go run ./examples/lambda -demo -out /tmp/secpillar-demo
//
// With -policy, it prints the IAM policy that the
// scanning role needs for the catalogue (add -remediation for the write
// statement, -controls to select):
//
//	go run ./examples/lambda -policy -controls identity,CIS:3.1
//
// Build for the provided.al2023 runtime:
//
//	GOOS=linux GOARCH=arm64 go build -tags lambda.norpc -o bootstrap ./examples/lambda
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"strings"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/catalogue"
)

func main() {
	policy := flag.Bool("policy", false, "print the IAM policy the scanning role needs, and exit")
	remediation := flag.Bool("remediation", false, "with -policy: add the remediation permissions")
	controls := flag.String("controls", "", "with -policy: comma-separated control IDs, prefixes, domains or references (default all)")
	demo := flag.Bool("demo", false, "scan the built-in demo organization as the state machine would, and exit")
	out := flag.String("out", "", "with -demo: directory for the objects (default a new temporary directory)")
	flag.Parse()
	if *demo {
		dir := *out
		if dir == "" {
			var err error
			if dir, err = os.MkdirTemp("", "secpillar-demo-"); err != nil {
				log.Fatal(err)
			}
		}
		if err := runDemo(context.Background(), os.Stdout, dir); err != nil {
			log.Fatal(err)
		}
		fmt.Fprintln(os.Stderr, "objects written under", dir)
		return
	}
	if *policy {
		if err := printPolicy(os.Stdout, *controls, *remediation); err != nil {
			log.Fatal(err)
		}
		return
	}

	cfg, err := config.LoadDefaultConfig(context.Background())
	if err != nil {
		log.Fatalf("lambda: load AWS configuration: %v", err)
	}
	h := &Handler{
		Config:     cfg,
		Controls:   catalogue.All(),
		ExternalID: os.Getenv("SECPILLAR_EXTERNAL_ID"),
		STS:        sts.NewFromConfig(cfg),
	}
	if b := os.Getenv("SECPILLAR_BUCKET"); b != "" {
		h.S3, h.Bucket = s3.NewFromConfig(cfg), b
		h.Prefix = os.Getenv("SECPILLAR_PREFIX")
		if h.Prefix == "" {
			h.Prefix = "secpillar/"
		}
	}
	if os.Getenv("SECPILLAR_SECURITY_HUB") == "true" {
		h.SecurityHub = securityhub.NewFromConfig(cfg)
	}
	lambda.Start(h.Handle)
}

// printPolicy writes the policy document for the selected controls.
func printPolicy(w io.Writer, exprs string, withRemediation bool) error {
	var sel []string
	if exprs != "" {
		sel = strings.Split(exprs, ",")
	}
	controls, err := secpillar.Select(catalogue.All(), sel...)
	if err != nil {
		return err
	}
	doc, err := secpillar.PolicyDocument(controls, withRemediation)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(w, doc)
	return err
}
