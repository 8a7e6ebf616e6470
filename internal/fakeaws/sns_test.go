package fakeaws_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/google/go-cmp/cmp"

	"github.com/secpillar/secpillar/internal/awserr"
	"github.com/secpillar/secpillar/internal/fakeaws"
)

func TestSNSSubscriptions(t *testing.T) {
	acct := fakeaws.New("111122223333")
	topic := acct.SNS.AddTopic("eu-west-1", "alerts", "email:a@example.com", "pending:email:b@example.com", "sqs:arn:aws:sqs:eu-west-1:111122223333:q", "https:https://example.com/hook")
	ctx := context.Background()
	c := sns.NewFromConfig(acct.Config(func(c *aws.Config) { c.Region = "eu-west-1" }))
	var subs []snstypes.Subscription
	p := sns.NewListSubscriptionsByTopicPaginator(c, &sns.ListSubscriptionsByTopicInput{TopicArn: aws.String(topic.ARN)})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		subs = append(subs, out.Subscriptions...)
	}
	if len(subs) != 4 || aws.ToString(subs[1].SubscriptionArn) != fakeaws.PendingConfirmation {
		t.Fatalf("subscriptions = %+v", subs)
	}
	attrs, err := c.GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: aws.String(topic.ARN)})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{"c": attrs.Attributes["SubscriptionsConfirmed"], "p": attrs.Attributes["SubscriptionsPending"]}
	if diff := cmp.Diff(map[string]string{"c": "3", "p": "1"}, got); diff != "" {
		t.Errorf("counts (-want +got):\n%s", diff)
	}
	// The topic lives in eu-west-1 only.
	_, err = sns.NewFromConfig(acct.Config()).GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: aws.String(topic.ARN)})
	if !awserr.IsCode(err, "NotFound") {
		t.Errorf("other Region: want NotFound, got %v", err)
	}
}
