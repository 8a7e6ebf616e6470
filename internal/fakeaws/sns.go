package fakeaws

import (
	"context"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"
)

// SNS fakes Amazon SNS, per Region. Topics are addressed by ARN; a topic's
// Region is the one in its ARN, and calls for a topic in another Region
// answer NotFound as AWS does.
type SNS struct {
	acct    *Account
	regions map[string]*SNSRegion
}

// SNSRegion is the SNS state of one Region.
type SNSRegion struct {
	// Topics in creation order.
	Topics []*SNSTopic
	nextID int
}

// SNSTopic is one topic: its attributes (Policy, DisplayName,
// KmsMasterKeyId, ... as GetTopicAttributes returns them; TopicArn, Owner
// and the subscription counts are derived) and its subscriptions.
type SNSTopic struct {
	ARN        string
	Attributes map[string]string
	// Subscriptions of the topic. A subscription waiting for confirmation
	// has SubscriptionArn "PendingConfirmation", as AWS lists it.
	Subscriptions []snstypes.Subscription
}

// PendingConfirmation is the SubscriptionArn AWS lists for a subscription
// that has not been confirmed.
const PendingConfirmation = "PendingConfirmation"

// Region returns the state of one Region, creating it empty. The caller
// must not use it concurrently with calls to the fake.
func (f *SNS) Region(name string) *SNSRegion {
	if f.regions == nil {
		f.regions = map[string]*SNSRegion{}
	}
	r := f.regions[name]
	if r == nil {
		r = &SNSRegion{}
		f.regions[name] = r
	}
	return r
}

// AddTopic adds a topic named name in region with the given subscription
// endpoints and returns it. Each endpoint is "protocol:endpoint" (such as
// "email:secops@example.com"); a leading "pending:" makes the
// subscription unconfirmed. It is for seeding state and does not lock.
func (f *SNS) AddTopic(region, name string, endpoints ...string) *SNSTopic {
	arn := "arn:aws:sns:" + region + ":" + f.acct.ID + ":" + name
	t := &SNSTopic{ARN: arn, Attributes: map[string]string{"DisplayName": ""}}
	r := f.Region(region)
	for _, e := range endpoints {
		pending := strings.HasPrefix(e, "pending:")
		e = strings.TrimPrefix(e, "pending:")
		proto, ep, _ := strings.Cut(e, ":")
		r.nextID++
		subARN := arn + ":" + hex17(r.nextID)[9:] + "-sub"
		if pending {
			subARN = PendingConfirmation
		}
		t.Subscriptions = append(t.Subscriptions, snstypes.Subscription{
			Endpoint: aws.String(ep), Owner: aws.String(f.acct.ID), Protocol: aws.String(proto),
			SubscriptionArn: aws.String(subARN), TopicArn: aws.String(arn),
		})
	}
	r.Topics = append(r.Topics, t)
	return t
}

func (f *SNS) regionOf(ctx context.Context, optFns []func(*sns.Options)) (string, *SNSRegion) {
	var o sns.Options
	for _, fn := range optFns {
		fn(&o)
	}
	name := f.acct.region(ctx, o.Region)
	return name, f.Region(name)
}

func (r *SNSRegion) topic(arn string) *SNSTopic {
	for _, t := range r.Topics {
		if t.ARN == arn {
			return t
		}
	}
	return nil
}

func snsNotFound(what string) error {
	return &snstypes.NotFoundException{Message: aws.String(what + " does not exist")}
}

func snsInvalid(msg string) error {
	return &snstypes.InvalidParameterException{Message: aws.String("Invalid parameter: " + msg)}
}

// ListTopics lists the Region's topics, paginated.
func (f *SNS) ListTopics(ctx context.Context, in *sns.ListTopicsInput, optFns ...func(*sns.Options)) (*sns.ListTopicsOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	_, r := f.regionOf(ctx, optFns)
	all := make([]snstypes.Topic, 0, len(r.Topics))
	for _, t := range r.Topics {
		all = append(all, snstypes.Topic{TopicArn: aws.String(t.ARN)})
	}
	items, next, err := page(f.acct, all, in.NextToken, 0)
	if err != nil {
		return nil, err
	}
	return &sns.ListTopicsOutput{Topics: items, NextToken: next}, nil
}

// GetTopicAttributes returns a topic's attributes with the derived
// TopicArn, Owner and subscription counts.
func (f *SNS) GetTopicAttributes(ctx context.Context, in *sns.GetTopicAttributesInput, optFns ...func(*sns.Options)) (*sns.GetTopicAttributesOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	if in == nil || aws.ToString(in.TopicArn) == "" {
		return nil, snsInvalid("TopicArn")
	}
	_, r := f.regionOf(ctx, optFns)
	t := r.topic(aws.ToString(in.TopicArn))
	if t == nil {
		return nil, snsNotFound("Topic")
	}
	attrs := map[string]string{}
	for k, v := range t.Attributes {
		attrs[k] = v
	}
	confirmed, pending := 0, 0
	for _, s := range t.Subscriptions {
		if aws.ToString(s.SubscriptionArn) == PendingConfirmation {
			pending++
		} else {
			confirmed++
		}
	}
	attrs["TopicArn"] = t.ARN
	attrs["Owner"] = f.acct.ID
	attrs["SubscriptionsConfirmed"] = strconv.Itoa(confirmed)
	attrs["SubscriptionsPending"] = strconv.Itoa(pending)
	attrs["SubscriptionsDeleted"] = "0"
	return &sns.GetTopicAttributesOutput{Attributes: attrs}, nil
}

// ListSubscriptionsByTopic lists a topic's subscriptions, paginated;
// unconfirmed ones carry SubscriptionArn "PendingConfirmation".
func (f *SNS) ListSubscriptionsByTopic(ctx context.Context, in *sns.ListSubscriptionsByTopicInput, optFns ...func(*sns.Options)) (*sns.ListSubscriptionsByTopicOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	if in == nil || aws.ToString(in.TopicArn) == "" {
		return nil, snsInvalid("TopicArn")
	}
	_, r := f.regionOf(ctx, optFns)
	t := r.topic(aws.ToString(in.TopicArn))
	if t == nil {
		return nil, snsNotFound("Topic")
	}
	items, next, err := page(f.acct, t.Subscriptions, in.NextToken, 0)
	if err != nil {
		return nil, err
	}
	return &sns.ListSubscriptionsByTopicOutput{Subscriptions: items, NextToken: next}, nil
}

// CreateTopic creates a topic, or returns the existing one of that name
// (CreateTopic is idempotent in AWS).
func (f *SNS) CreateTopic(ctx context.Context, in *sns.CreateTopicInput, optFns ...func(*sns.Options)) (*sns.CreateTopicOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	if in == nil || aws.ToString(in.Name) == "" {
		return nil, snsInvalid("Name")
	}
	region, r := f.regionOf(ctx, optFns)
	arn := "arn:aws:sns:" + region + ":" + f.acct.ID + ":" + aws.ToString(in.Name)
	if t := r.topic(arn); t != nil {
		return &sns.CreateTopicOutput{TopicArn: aws.String(arn)}, nil
	}
	t := &SNSTopic{ARN: arn, Attributes: map[string]string{}}
	for k, v := range in.Attributes {
		t.Attributes[k] = v
	}
	r.Topics = append(r.Topics, t)
	return &sns.CreateTopicOutput{TopicArn: aws.String(arn)}, nil
}

// Subscribe adds a subscription awaiting confirmation (its ARN is listed
// as "PendingConfirmation") and returns "pending confirmation", as AWS
// does for email and HTTP endpoints.
func (f *SNS) Subscribe(ctx context.Context, in *sns.SubscribeInput, optFns ...func(*sns.Options)) (*sns.SubscribeOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	if in == nil || aws.ToString(in.TopicArn) == "" || aws.ToString(in.Protocol) == "" {
		return nil, snsInvalid("TopicArn and Protocol are required")
	}
	_, r := f.regionOf(ctx, optFns)
	t := r.topic(aws.ToString(in.TopicArn))
	if t == nil {
		return nil, snsNotFound("Topic")
	}
	t.Subscriptions = append(t.Subscriptions, snstypes.Subscription{
		Endpoint: in.Endpoint, Owner: aws.String(f.acct.ID), Protocol: in.Protocol,
		SubscriptionArn: aws.String(PendingConfirmation), TopicArn: in.TopicArn,
	})
	return &sns.SubscribeOutput{SubscriptionArn: aws.String("pending confirmation")}, nil
}
