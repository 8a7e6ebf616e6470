package detective_test

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/detective"
	"github.com/secpillar/secpillar/internal/fakeaws"
)

// A trail without log file validation fails, and the remediation turns it
// on, dry run first.
func ExampleCheckCloudTrailLogValidation() {
	acct := fakeaws.New("111122223333")
	acct.CloudTrail.AddTrail(fakeaws.CloudTrailTrail{Trail: cttypes.Trail{
		Name: aws.String("management-events"), HomeRegion: aws.String("us-east-1"),
		S3BucketName: aws.String("trail-logs"), IsMultiRegionTrail: aws.Bool(true),
		IncludeGlobalServiceEvents: aws.Bool(true), LogFileValidationEnabled: aws.Bool(false),
	}, Logging: true})
	ctx := context.Background()
	client := cloudtrail.NewFromConfig(acct.Config())

	findings, err := detective.CheckCloudTrailLogValidation(ctx, client, "us-east-1")
	if err != nil {
		panic(err)
	}
	for _, f := range findings {
		fmt.Println(f.Status, f.Resource.ID)
	}
	plan, _ := detective.RemediateCloudTrailLogValidation(ctx, client, "management-events", secpillar.DryRun)
	fmt.Println(plan.Outcome, plan.Changes[0].Field, plan.Changes[0].Before, "->", plan.Changes[0].After)
	done, _ := detective.RemediateCloudTrailLogValidation(ctx, client, "management-events")
	fmt.Println(done.Outcome)
	// Output:
	// FAIL arn:aws:cloudtrail:us-east-1:111122223333:trail/management-events
	// PLANNED LogFileValidationEnabled false -> true
	// CHANGED
}
