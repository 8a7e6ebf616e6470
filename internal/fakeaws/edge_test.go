package fakeaws

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	cftypes "github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
	"github.com/aws/aws-sdk-go-v2/service/shield"
	shieldtypes "github.com/aws/aws-sdk-go-v2/service/shield/types"
	"github.com/aws/aws-sdk-go-v2/service/wafv2"
	waftypes "github.com/aws/aws-sdk-go-v2/service/wafv2/types"
)

func TestCloudFrontETags(t *testing.T) {
	ctx := context.Background()
	a := New("111122223333")
	d := a.CloudFront.AddDistribution(cftypes.DistributionConfig{Comment: aws.String("x"), Enabled: aws.Bool(true),
		DefaultCacheBehavior: &cftypes.DefaultCacheBehavior{TargetOriginId: aws.String("o"), ViewerProtocolPolicy: "allow-all"},
		Origins:              &cftypes.Origins{Quantity: aws.Int32(1), Items: []cftypes.Origin{{Id: aws.String("o"), DomainName: aws.String("o.example.com")}}}})
	c := cloudfront.NewFromConfig(a.Config())
	got, err := c.GetDistributionConfig(ctx, &cloudfront.GetDistributionConfigInput{Id: aws.String(d.ID)})
	if err != nil {
		t.Fatal(err)
	}
	got.DistributionConfig.Comment = aws.String("y")
	if _, err := c.UpdateDistribution(ctx, &cloudfront.UpdateDistributionInput{Id: aws.String(d.ID), DistributionConfig: got.DistributionConfig}); !errors.As(err, new(*cftypes.InvalidIfMatchVersion)) {
		t.Fatalf("missing IfMatch: %v", err)
	}
	up, err := c.UpdateDistribution(ctx, &cloudfront.UpdateDistributionInput{Id: aws.String(d.ID), IfMatch: got.ETag, DistributionConfig: got.DistributionConfig})
	if err != nil {
		t.Fatal(err)
	}
	if *up.ETag == *got.ETag {
		t.Error("the ETag did not change")
	}
	if _, err := c.UpdateDistribution(ctx, &cloudfront.UpdateDistributionInput{Id: aws.String(d.ID), IfMatch: got.ETag, DistributionConfig: got.DistributionConfig}); !errors.As(err, new(*cftypes.PreconditionFailed)) {
		t.Fatalf("stale ETag: %v", err)
	}
	got.DistributionConfig.CallerReference = aws.String("other")
	if _, err := c.UpdateDistribution(ctx, &cloudfront.UpdateDistributionInput{Id: aws.String(d.ID), IfMatch: up.ETag, DistributionConfig: got.DistributionConfig}); !errors.As(err, new(*cftypes.IllegalUpdate)) {
		t.Fatalf("changed caller reference: %v", err)
	}
	// Outputs are copies: changing one does not change the distribution.
	got.DistributionConfig.Comment = aws.String("mutated")
	if aws.ToString(d.Config.Comment) != "y" {
		t.Errorf("comment %q", aws.ToString(d.Config.Comment))
	}
	if _, err := c.GetDistributionConfig(ctx, &cloudfront.GetDistributionConfigInput{Id: aws.String("ENONE")}); !errors.As(err, new(*cftypes.NoSuchDistribution)) {
		t.Errorf("missing distribution: %v", err)
	}
}

func TestWAFScopes(t *testing.T) {
	ctx := context.Background()
	a := New("111122223333")
	a.WAFv2.AddWebACL(waftypes.ScopeCloudfront, "", waftypes.WebACL{Name: aws.String("edge")})
	a.WAFv2.AddWebACL(waftypes.ScopeRegional, "eu-west-1", waftypes.WebACL{Name: aws.String("eu")})
	eu := wafv2.NewFromConfig(a.Config(func(c *aws.Config) { c.Region = "eu-west-1" }))
	if _, err := eu.ListWebACLs(ctx, &wafv2.ListWebACLsInput{Scope: waftypes.ScopeCloudfront}); !errors.As(err, new(*waftypes.WAFInvalidParameterException)) {
		t.Errorf("CLOUDFRONT outside us-east-1: %v", err)
	}
	out, err := eu.ListWebACLs(ctx, &wafv2.ListWebACLsInput{Scope: waftypes.ScopeRegional})
	if err != nil || len(out.WebACLs) != 1 || *out.WebACLs[0].Name != "eu" {
		t.Errorf("regional in eu-west-1: %+v %v", out, err)
	}
	us := wafv2.NewFromConfig(a.Config())
	out, err = us.ListWebACLs(ctx, &wafv2.ListWebACLsInput{Scope: waftypes.ScopeCloudfront})
	if err != nil || len(out.WebACLs) != 1 || *out.WebACLs[0].Name != "edge" {
		t.Errorf("CLOUDFRONT in us-east-1: %+v %v", out, err)
	}
	if _, err := us.GetLoggingConfiguration(ctx, &wafv2.GetLoggingConfigurationInput{ResourceArn: out.WebACLs[0].ARN}); !errors.As(err, new(*waftypes.WAFNonexistentItemException)) {
		t.Errorf("no logging: %v", err)
	}
}

func TestShieldNeedsSubscription(t *testing.T) {
	ctx := context.Background()
	a := New("111122223333")
	c := shield.NewFromConfig(a.Config())
	if _, err := c.CreateProtection(ctx, &shield.CreateProtectionInput{Name: aws.String("p"), ResourceArn: aws.String("arn:aws:route53:::hostedzone/Z1")}); !errors.As(err, new(*shieldtypes.ResourceNotFoundException)) {
		t.Errorf("unsubscribed: %v", err)
	}
	a.Shield.Subscribed = true
	if _, err := c.CreateProtection(ctx, &shield.CreateProtectionInput{Name: aws.String("p"), ResourceArn: aws.String("arn:aws:route53:::hostedzone/Z1")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateProtection(ctx, &shield.CreateProtectionInput{Name: aws.String("p"), ResourceArn: aws.String("arn:aws:route53:::hostedzone/Z1")}); !errors.As(err, new(*shieldtypes.ResourceAlreadyExistsException)) {
		t.Errorf("duplicate: %v", err)
	}
}
