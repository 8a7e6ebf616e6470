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
// Build for the provided.al2023 runtime:
//
//	GOOS=linux GOARCH=arm64 go build -tags lambda.norpc -o bootstrap ./examples/lambda
package main

import (
	"context"
	"log"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/secpillar/secpillar/catalogue"
)

func main() {
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
