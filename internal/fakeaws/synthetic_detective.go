package fakeaws

import (
	"fmt"
	"math/rand/v2"

	"github.com/aws/aws-sdk-go-v2/aws"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	gdtypes "github.com/aws/aws-sdk-go-v2/service/guardduty/types"
)

// synthDetective adds the detective domain's state to a synthetic account; the
// account lock is held.
//
// The first Region holds a multi-Region management trail with a log
// group, a few CIS metric filters and alarms; every enabled Region gets a
// Config recorder (some stopped), a GuardDuty detector (some plans off,
// a few findings), Security Hub in most and a handful of log groups.
func synthDetective(a *Account, p SyntheticParams, rng *rand.Rand) {
	regions := a.EnabledRegions()
	if len(regions) == 0 {
		return
	}
	home := regions[0]
	group := a.Logs.AddLogGroup(home, "synthetic-cloudtrail", 365)
	a.CloudTrail.AddTrail(CloudTrailTrail{Trail: cttypes.Trail{
		Name: aws.String("synthetic-management"), HomeRegion: aws.String(home), S3BucketName: aws.String("synthetic-trail-" + a.ID),
		IsMultiRegionTrail: aws.Bool(true), IncludeGlobalServiceEvents: aws.Bool(true), IsOrganizationTrail: aws.Bool(false),
		LogFileValidationEnabled: aws.Bool(rng.IntN(2) == 0), CloudWatchLogsLogGroupArn: aws.String(group),
		CloudWatchLogsRoleArn: aws.String("arn:aws:iam::" + a.ID + ":role/synthetic-trail-logs"),
	}, Logging: true})
	topic := a.SNS.AddTopic(home, "synthetic-alerts", "email:alerts@example.com")
	for i, pat := range demoAlarmPatterns {
		if rng.IntN(3) == 0 {
			continue
		}
		metric := fmt.Sprintf("Synthetic%d", i)
		a.Logs.AddMetricFilter(home, "synthetic-cloudtrail", pat.name, pat.pattern, metric, "Synthetic")
		a.CloudWatch.AddAlarm(home, "synthetic-"+pat.name, metric, "Synthetic", topic.ARN)
	}
	for _, r := range regions {
		a.ConfigService.AddRecorder(r, r == home, rng.IntN(4) != 0, "synthetic-config-"+a.ID)
		var off []gdtypes.DetectorFeatureResult
		if rng.IntN(3) == 0 {
			off = append(off, gdtypes.DetectorFeatureResultRuntimeMonitoring)
		}
		d := a.GuardDuty.EnableDetector(r, off...)
		for j := 0; j < rng.IntN(4); j++ {
			d.Findings = append(d.Findings, GuardDutyFinding{ID: fmt.Sprintf("%s-%d", r, j), Severity: float64(1 + rng.IntN(9))})
		}
		a.SecurityHub.Region(r).Enabled = rng.IntN(5) != 0
		for j := 0; j < 5; j++ {
			a.Logs.AddLogGroup(r, fmt.Sprintf("/synthetic/app-%d", j), ValidRetentionDays[rng.IntN(len(ValidRetentionDays))])
		}
	}
}
