package dataprotection_test

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/dataprotection"
	"github.com/secpillar/secpillar/internal/fakeaws"
)

// The account-level Block Public Access check, then its remediation, which
// only ever raises flags.
func ExampleCheckS3AccountPublicAccessBlock() {
	acct := fakeaws.New("111122223333")
	client := s3control.NewFromConfig(acct.Config())
	ctx := context.Background()

	f, err := dataprotection.CheckS3AccountPublicAccessBlock(ctx, client, "111122223333")
	if err != nil {
		panic(err)
	}
	fmt.Println(f.Status, f.Reason)

	plan, err := dataprotection.RemediateS3AccountPublicAccessBlock(ctx, client, "111122223333", secpillar.DryRun)
	if err != nil {
		panic(err)
	}
	fmt.Println(plan.Outcome, len(plan.Changes), "changes")

	done, err := dataprotection.RemediateS3AccountPublicAccessBlock(ctx, client, "111122223333")
	if err != nil {
		panic(err)
	}
	fmt.Println(done.Outcome)
	// Output:
	// FAIL The account has no S3 Block Public Access configuration, so all four flags are off; turn all four on.
	// PLANNED 4 changes
	// CHANGED
}
