package detective

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	shtypes "github.com/aws/aws-sdk-go-v2/service/securityhub/types"

	"github.com/secpillar/secpillar"
)

// IDSecurityHubEnabled is the ID of the Security Hub control.
const IDSecurityHubEnabled = "detective.securityhub-enabled"

// SecurityHubResourceType is the resource type of hub findings.
const SecurityHubResourceType = "AWS::SecurityHub::Hub"

// SecurityHubAPI is the part of the Security Hub API that
// CheckSecurityHubEnabled calls. *securityhub.Client satisfies it.
type SecurityHubAPI interface {
	DescribeHub(ctx context.Context, in *securityhub.DescribeHubInput, optFns ...func(*securityhub.Options)) (*securityhub.DescribeHubOutput, error)
}

var _ SecurityHubAPI = (*securityhub.Client)(nil)

// SecurityHubRemediationAPI is the part of the Security Hub API that
// RemediateSecurityHubEnabled calls. *securityhub.Client satisfies it.
type SecurityHubRemediationAPI interface {
	SecurityHubAPI
	EnableSecurityHub(ctx context.Context, in *securityhub.EnableSecurityHubInput, optFns ...func(*securityhub.Options)) (*securityhub.EnableSecurityHubOutput, error)
}

var _ SecurityHubRemediationAPI = (*securityhub.Client)(nil)

// hubEnabled reads the hub; "not subscribed" (InvalidAccessException) is
// the answer "off", not an error.
func hubEnabled(ctx context.Context, api SecurityHubAPI) (*securityhub.DescribeHubOutput, error) {
	out, err := api.DescribeHub(ctx, &securityhub.DescribeHubInput{})
	var ia *shtypes.InvalidAccessException
	if errors.As(err, &ia) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("detective: describe Security Hub: %w", err)
	}
	if aws.ToString(out.HubArn) == "" {
		return nil, errors.New("detective: DescribeHub returned no HubArn")
	}
	return out, nil
}

// CheckSecurityHubEnabled reports whether Security Hub is enabled in
// region, the client's Region (CIS 4.16).
func CheckSecurityHubEnabled(ctx context.Context, api SecurityHubAPI, region string) (secpillar.Finding, error) {
	if err := needRegion(region); err != nil {
		return secpillar.Finding{}, err
	}
	hub, err := hubEnabled(ctx, api)
	if err != nil {
		return secpillar.Finding{}, err
	}
	f := secpillar.Finding{Control: IDSecurityHubEnabled, Severity: secpillar.SeverityMedium, Evidence: map[string]string{"region": region}}
	if hub == nil {
		f.Resource = secpillar.AccountResource("")
		f.Resource.Region = region
		f.Status = secpillar.StatusFail
		f.Reason = fmt.Sprintf("Security Hub is not enabled in %s: enable it to aggregate findings there.", region)
		return f, nil
	}
	f.Resource = secpillar.Resource{Type: SecurityHubResourceType, ID: aws.ToString(hub.HubArn), Region: region}
	f.Status = secpillar.StatusPass
	f.Evidence["subscribed_at"] = aws.ToString(hub.SubscribedAt)
	f.Reason = fmt.Sprintf("Security Hub is enabled in %s.", region)
	return f, nil
}

// RemediateSecurityHubEnabled enables Security Hub in the client's Region,
// without turning on default standards (the caller chooses standards).
func RemediateSecurityHubEnabled(ctx context.Context, api SecurityHubRemediationAPI, optFns ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
	opts := secpillar.NewRemediateOptions(optFns...)
	fresh := secpillar.FreshReads(ctx)
	hub, err := hubEnabled(fresh, api)
	if err != nil {
		return secpillar.Remediation{}, err
	}
	rem := secpillar.Remediation{Control: IDSecurityHubEnabled, Resource: secpillar.Resource{Type: SecurityHubResourceType}}
	if hub != nil {
		rem.Resource.ID = aws.ToString(hub.HubArn)
		rem.Outcome = secpillar.OutcomeCompliant
		return rem, nil
	}
	rem.Changes = []secpillar.Change{{Resource: rem.Resource, Action: "securityhub:EnableSecurityHub", Field: "Hub", Before: "disabled", After: "enabled (no default standards)"}}
	rem.Undo = "Call securityhub:DisableSecurityHub (this discards its findings)."
	rem.Notes = []string{"Enable the standards you want (for example CIS AWS Foundations) separately; AWS Config must record resources for control checks."}
	if opts.DryRun {
		rem.Outcome = secpillar.OutcomePlanned
		return rem, nil
	}
	if _, err := api.EnableSecurityHub(ctx, &securityhub.EnableSecurityHubInput{EnableDefaultStandards: aws.Bool(false)}); err != nil {
		return rem, fmt.Errorf("detective: enable Security Hub: %w", err)
	}
	after, err := hubEnabled(fresh, api)
	if err != nil {
		return rem, fmt.Errorf("detective: verify Security Hub: %w", err)
	}
	rem.Outcome = secpillar.OutcomeVerifyPending
	if after != nil {
		rem.Resource.ID = aws.ToString(after.HubArn)
		rem.Changes[0].Resource.ID = rem.Resource.ID
		rem.Outcome = secpillar.OutcomeChanged
	}
	return rem, nil
}
