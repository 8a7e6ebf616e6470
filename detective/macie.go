package detective

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/macie2"
	macietypes "github.com/aws/aws-sdk-go-v2/service/macie2/types"

	"github.com/secpillar/secpillar"
)

// IDMacieEnabled is the ID of the Macie control.
const IDMacieEnabled = "detective.macie-enabled"

// MacieAPI is the part of the Macie API that CheckMacieEnabled calls.
// *macie2.Client satisfies it.
type MacieAPI interface {
	GetMacieSession(ctx context.Context, in *macie2.GetMacieSessionInput, optFns ...func(*macie2.Options)) (*macie2.GetMacieSessionOutput, error)
}

var _ MacieAPI = (*macie2.Client)(nil)

// MacieRemediationAPI is the part of the Macie API that
// RemediateMacieEnabled calls. *macie2.Client satisfies it.
type MacieRemediationAPI interface {
	MacieAPI
	EnableMacie(ctx context.Context, in *macie2.EnableMacieInput, optFns ...func(*macie2.Options)) (*macie2.EnableMacieOutput, error)
	UpdateMacieSession(ctx context.Context, in *macie2.UpdateMacieSessionInput, optFns ...func(*macie2.Options)) (*macie2.UpdateMacieSessionOutput, error)
}

var _ MacieRemediationAPI = (*macie2.Client)(nil)

// macieStatus returns the session status, "" when Macie is not enabled.
// Macie answers AccessDeniedException with "Macie is not enabled" when it
// is off; any other access denial stays an error.
func macieStatus(ctx context.Context, api MacieAPI) (macietypes.MacieStatus, error) {
	out, err := api.GetMacieSession(ctx, &macie2.GetMacieSessionInput{})
	var ad *macietypes.AccessDeniedException
	if errors.As(err, &ad) && strings.Contains(strings.ToLower(ad.ErrorMessage()), "macie is not enabled") {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("detective: get Macie session: %w", err)
	}
	switch out.Status {
	case macietypes.MacieStatusEnabled, macietypes.MacieStatusPaused:
		return out.Status, nil
	}
	return "", fmt.Errorf("detective: Macie session: unknown status %q", out.Status)
}

// CheckMacieEnabled reports whether Macie is enabled (not paused) in
// region, the client's Region, for sensitive data discovery (CIS 2.1.3).
func CheckMacieEnabled(ctx context.Context, api MacieAPI, region string) (secpillar.Finding, error) {
	if err := needRegion(region); err != nil {
		return secpillar.Finding{}, err
	}
	st, err := macieStatus(ctx, api)
	if err != nil {
		return secpillar.Finding{}, err
	}
	res := secpillar.AccountResource("")
	res.Region = region
	f := secpillar.Finding{Control: IDMacieEnabled, Severity: secpillar.SeverityMedium, Resource: res, Evidence: map[string]string{"region": region, "status": string(st)}}
	switch st {
	case macietypes.MacieStatusEnabled:
		f.Status, f.Reason = secpillar.StatusPass, fmt.Sprintf("Macie is enabled in %s.", region)
	case macietypes.MacieStatusPaused:
		f.Status, f.Reason = secpillar.StatusFail, fmt.Sprintf("Macie is paused in %s: resume it so buckets are classified.", region)
	default:
		f.Evidence["status"] = "NOT_ENABLED"
		f.Status, f.Reason = secpillar.StatusFail, fmt.Sprintf("Macie is not enabled in %s: enable it to discover sensitive data in S3.", region)
	}
	return f, nil
}

// RemediateMacieEnabled enables Macie in the client's Region, or resumes
// it when paused.
func RemediateMacieEnabled(ctx context.Context, api MacieRemediationAPI, optFns ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
	opts := secpillar.NewRemediateOptions(optFns...)
	fresh := secpillar.FreshReads(ctx)
	st, err := macieStatus(fresh, api)
	if err != nil {
		return secpillar.Remediation{}, err
	}
	rem := secpillar.Remediation{Control: IDMacieEnabled, Resource: secpillar.AccountResource("")}
	if st == macietypes.MacieStatusEnabled {
		rem.Outcome = secpillar.OutcomeCompliant
		return rem, nil
	}
	before := string(st)
	action := "macie2:UpdateMacieSession"
	if st == "" {
		before, action = "NOT_ENABLED", "macie2:EnableMacie"
	}
	rem.Changes = []secpillar.Change{{Resource: rem.Resource, Action: action, Field: "Status", Before: before, After: "ENABLED"}}
	rem.Undo = "Pause Macie with macie2:UpdateMacieSession Status=PAUSED."
	rem.Notes = []string{"Macie is charged per bucket monitored and per byte inspected by discovery jobs."}
	if opts.DryRun {
		rem.Outcome = secpillar.OutcomePlanned
		return rem, nil
	}
	if st == "" {
		_, err = api.EnableMacie(ctx, &macie2.EnableMacieInput{Status: macietypes.MacieStatusEnabled})
	} else {
		_, err = api.UpdateMacieSession(ctx, &macie2.UpdateMacieSessionInput{Status: macietypes.MacieStatusEnabled})
	}
	if err != nil {
		return rem, fmt.Errorf("detective: enable Macie: %w", err)
	}
	after, err := macieStatus(fresh, api)
	if err != nil {
		return rem, fmt.Errorf("detective: verify Macie: %w", err)
	}
	rem.Outcome = secpillar.OutcomeVerifyPending
	if after == macietypes.MacieStatusEnabled {
		rem.Outcome = secpillar.OutcomeChanged
	}
	return rem, nil
}
