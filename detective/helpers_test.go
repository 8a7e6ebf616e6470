package detective_test

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"

	"github.com/secpillar/secpillar/internal/fakeaws"
)

const acctID = "111122223333"

var ctx = context.Background()

// cfgIn returns a config answered by acct whose clients call region.
func cfgIn(acct *fakeaws.Account, region string) aws.Config {
	return acct.Config(func(c *aws.Config) { c.Region = region })
}

// trail returns a compliant trail homed in region.
func trail(name, region string, multi bool) fakeaws.CloudTrailTrail {
	return fakeaws.CloudTrailTrail{
		Trail: cttypes.Trail{
			Name: aws.String(name), HomeRegion: aws.String(region), S3BucketName: aws.String("trail-bucket"),
			IsMultiRegionTrail: aws.Bool(multi), IncludeGlobalServiceEvents: aws.Bool(true),
			IsOrganizationTrail: aws.Bool(false), LogFileValidationEnabled: aws.Bool(true),
			KmsKeyId: aws.String("arn:aws:kms:" + region + ":" + acctID + ":key/1234abcd-12ab-34cd-56ef-1234567890ab"),
		},
		Logging: true,
	}
}

func trailARN(region, name string) string {
	return "arn:aws:cloudtrail:" + region + ":" + acctID + ":trail/" + name
}

// writes counts the mutating calls recorded by acct.
func writes(acct *fakeaws.Account) int {
	n := 0
	for _, c := range acct.Calls() {
		switch {
		case hasPrefix(c.Operation, "Describe"), hasPrefix(c.Operation, "Get"), hasPrefix(c.Operation, "List"):
		default:
			n++
		}
	}
	return n
}

func hasPrefix(s, p string) bool { return len(s) >= len(p) && s[:len(p)] == p }
