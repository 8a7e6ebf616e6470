package fakeaws

import (
	"fmt"
	"math/rand/v2"

	"github.com/aws/aws-sdk-go-v2/aws"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
)

// synthIncident adds the incident domain's state to a synthetic account; the
// account lock is held. It is small on purpose: a few stacks per Region
// (one in twenty stuck, a third without protection or notifications, some
// drifted) and an alert rule in every other Region.
func synthIncident(a *Account, p SyntheticParams, rng *rand.Rand) {
	now := a.now()
	for ri, r := range a.Regions {
		if r.OptInStatus == "not-opted-in" {
			continue
		}
		n := 2 + rng.IntN(4)
		for i := 0; i < n; i++ {
			created := now.AddDate(0, 0, -rng.IntN(700))
			s := cfntypes.Stack{
				StackName:                   aws.String(fmt.Sprintf("app-%02d-%03d", ri, i)),
				EnableTerminationProtection: aws.Bool(rng.IntN(3) != 0),
				CreationTime:                &created,
				StackStatus:                 cfntypes.StackStatusCreateComplete,
			}
			if rng.IntN(3) != 0 {
				s.NotificationARNs = []string{"arn:aws:sns:" + r.Name + ":" + a.ID + ":stack-events"}
			}
			if rng.IntN(20) == 0 {
				s.StackStatus = cfntypes.StackStatusUpdateRollbackFailed
			}
			st := a.CloudFormation.AddStack(r.Name, s)
			if rng.IntN(4) == 0 {
				st.ResourceDrifts = []cfntypes.StackResourceDrift{{LogicalResourceId: aws.String("Resource"), ResourceType: aws.String("AWS::SQS::Queue"), StackResourceDriftStatus: cfntypes.StackResourceDriftStatusModified}}
			}
		}
		if ri%2 == 0 {
			a.EventBridge.AddRule(r.Name, "", "security-findings", `{"source":["aws.guardduty","aws.securityhub"]}`,
				ebtypes.Target{Id: aws.String("sns"), Arn: aws.String("arn:aws:sns:" + r.Name + ":" + a.ID + ":security-alerts")})
		}
	}
}
