// Package guardrail shows how a team composes secpillar controls, plus one
// control of its own written in the same shape, into a release guardrail:
// a release to an account is blocked while any selected control fails at
// or above a severity, or could not be evaluated.
package guardrail

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/catalogue"
)

// Baseline is the selection of catalogue controls the guardrail enforces.
var Baseline = []string{
	"identity.root-mfa-enabled",
	"identity.password-policy",
	"infrastructure.sg-no-admin-ports-open",
	"dataprotection.s3-account-public-access-block",
}

// OwnerTagControl is the team's own control: every VPC carries an "owner"
// tag. It follows the library's shape: a Check adapter over aws.Config
// that returns one finding per resource and an error when it cannot read.
var OwnerTagControl = secpillar.Control{
	ID:          "acme.vpc-owner-tagged",
	Title:       "VPCs carry an owner tag",
	Domain:      "acme",
	Severity:    secpillar.SeverityMedium,
	Scope:       secpillar.ScopeRegional,
	Permissions: []string{"ec2:DescribeVpcs"},
	Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
		var out []secpillar.Finding
		p := ec2.NewDescribeVpcsPaginator(ec2.NewFromConfig(cfg), &ec2.DescribeVpcsInput{})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return nil, fmt.Errorf("acme: list VPCs: %w", err)
			}
			for _, v := range page.Vpcs {
				f := secpillar.Finding{Status: secpillar.StatusFail, Reason: "The VPC has no owner tag; add one naming the team that runs it.",
					Resource: secpillar.Resource{Type: "AWS::EC2::VPC", ID: aws.ToString(v.VpcId), Region: cfg.Region}}
				for _, t := range v.Tags {
					if aws.ToString(t.Key) == "owner" && aws.ToString(t.Value) != "" {
						f.Status, f.Reason = secpillar.StatusPass, "The VPC is owned by "+aws.ToString(t.Value)+"."
					}
				}
				out = append(out, f)
			}
		}
		return out, nil
	},
}

// Verdict is the guardrail's answer.
type Verdict struct {
	Allowed    bool
	Violations []secpillar.Finding // failures at or above the threshold, and ERROR findings
}

// Evaluate runs the baseline and the team's control in the given Regions
// and blocks on any failure at or above threshold, or any control it could
// not evaluate.
func Evaluate(ctx context.Context, cfg aws.Config, regions []string, threshold secpillar.Severity) (Verdict, error) {
	controls, err := secpillar.Select(catalogue.All(), Baseline...)
	if err != nil {
		return Verdict{}, fmt.Errorf("guardrail: %w", err)
	}
	controls = append(controls, OwnerTagControl)
	rep, err := secpillar.Run(ctx, cfg, controls, func(o *secpillar.RunOptions) { o.Regions = regions })
	if err != nil {
		return Verdict{}, fmt.Errorf("guardrail: %w", err)
	}
	v := Verdict{Allowed: true}
	for _, f := range rep.Findings {
		if f.Status == secpillar.StatusError || (f.Status == secpillar.StatusFail && f.Severity.Rank() >= threshold.Rank()) {
			v.Allowed = false
			v.Violations = append(v.Violations, f)
		}
	}
	return v, nil
}

// String renders the verdict for a CI log.
func (v Verdict) String() string {
	if v.Allowed {
		return "release allowed"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "release blocked by %d findings:", len(v.Violations))
	for _, f := range v.Violations {
		fmt.Fprintf(&b, "\n  %s %s %s: %s", f.Status, f.Control, f.Resource.ID, f.Reason)
	}
	return b.String()
}
