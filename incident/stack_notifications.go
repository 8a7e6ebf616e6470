package incident

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/cloudformation"

	"github.com/secpillar/secpillar"
)

// StackNotificationsID is the ID of the stack notifications control.
const StackNotificationsID = "incident.stack-notifications"

// StackNotificationsAPI is the part of the CloudFormation API that
// CheckStackNotifications calls. *cloudformation.Client satisfies it.
type StackNotificationsAPI interface {
	DescribeStacksAPI
}

var _ StackNotificationsAPI = (*cloudformation.Client)(nil)

// CheckStackNotifications reports, for every stack in the client's Region
// (deleted ones skipped), whether stack events are sent to at least one SNS
// topic, so that an unexpected update or deletion is seen. It does not
// check the topics' subscriptions. Each stack, nested or not, is judged on
// its own NotificationARNs.
func CheckStackNotifications(ctx context.Context, api StackNotificationsAPI) ([]secpillar.Finding, error) {
	stacks, err := listStacks(ctx, api)
	if err != nil {
		return nil, err
	}
	var out []secpillar.Finding
	for _, s := range stacks {
		f := secpillar.Finding{
			Control:  StackNotificationsID,
			Severity: secpillar.SeverityLow,
			Resource: s.resource,
			Evidence: map[string]string{"stack_name": s.name},
		}
		if arns := s.stack.NotificationARNs; len(arns) > 0 {
			f.Status = secpillar.StatusPass
			f.Reason = fmt.Sprintf("Stack %s sends its events to %d SNS topic(s).", s.name, len(arns))
			f.Evidence["notification_arns"] = strings.Join(arns, ",")
		} else {
			f.Status = secpillar.StatusFail
			f.Reason = fmt.Sprintf("Stack %s sends its events to no SNS topic: set NotificationARNs on its next update.", s.name)
		}
		out = append(out, f)
	}
	return out, nil
}
