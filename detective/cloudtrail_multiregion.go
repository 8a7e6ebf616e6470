package detective

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"

	"github.com/secpillar/secpillar"
)

// IDCloudTrailMultiRegion is the ID of the multi-Region trail control.
const IDCloudTrailMultiRegion = "detective.cloudtrail-multi-region"

// MultiRegionTrailAPI is the part of the CloudTrail API that
// CheckCloudTrailMultiRegion calls. *cloudtrail.Client satisfies it.
type MultiRegionTrailAPI interface {
	TrailStateAPI
}

var _ MultiRegionTrailAPI = (*cloudtrail.Client)(nil)

// MultiRegionTrailRemediationAPI is the part of the CloudTrail API that
// RemediateCloudTrailMultiRegion calls. *cloudtrail.Client satisfies it.
type MultiRegionTrailRemediationAPI interface {
	TrailStateAPI
	CreateTrail(ctx context.Context, in *cloudtrail.CreateTrailInput, optFns ...func(*cloudtrail.Options)) (*cloudtrail.CreateTrailOutput, error)
	UpdateTrail(ctx context.Context, in *cloudtrail.UpdateTrailInput, optFns ...func(*cloudtrail.Options)) (*cloudtrail.UpdateTrailOutput, error)
	PutEventSelectors(ctx context.Context, in *cloudtrail.PutEventSelectorsInput, optFns ...func(*cloudtrail.Options)) (*cloudtrail.PutEventSelectorsOutput, error)
	StartLogging(ctx context.Context, in *cloudtrail.StartLoggingInput, optFns ...func(*cloudtrail.Options)) (*cloudtrail.StartLoggingOutput, error)
}

var _ MultiRegionTrailRemediationAPI = (*cloudtrail.Client)(nil)

// CheckCloudTrailMultiRegion reports whether the account has a
// multi-Region trail that is logging and records every read and write
// management event (CIS 3.1, CloudTrail.1). Basic and advanced event
// selectors are both understood; a selector that excludes event sources
// does not count. Organization trails count. The trails are read from the
// client's Region, where every multi-Region trail is visible.
func CheckCloudTrailMultiRegion(ctx context.Context, api MultiRegionTrailAPI) (secpillar.Finding, error) {
	trails, err := readTrails(ctx, api)
	if err != nil {
		return secpillar.Finding{}, err
	}
	f := secpillar.Finding{Control: IDCloudTrailMultiRegion, Severity: secpillar.SeverityHigh, Resource: secpillar.AccountResource(""), Evidence: map[string]string{"trails": fmt.Sprint(len(trails))}}
	if good := managementTrails(trails); len(good) > 0 {
		f.Status = secpillar.StatusPass
		f.Evidence["trail_arn"] = good[0].ARN
		f.Reason = fmt.Sprintf("Trail %s is multi-Region, logging, and records all read and write management events.", good[0].Name)
		return f, nil
	}
	f.Status = secpillar.StatusFail
	if len(trails) == 0 {
		f.Reason = "No trail records this account's API activity: create a multi-Region trail that logs all management events."
		return f, nil
	}
	var why []string
	for _, t := range trails {
		p := t.problems()
		if len(t.Management.Partial) > 0 {
			p = append(p, t.Management.Partial...)
		}
		why = append(why, t.Name+" "+strings.Join(p, ", "))
		f.Evidence["problems:"+t.ARN] = strings.Join(p, "; ")
	}
	f.Reason = "No trail is multi-Region, logging and recording all read and write management events (" + strings.Join(why, "; ") + ")."
	return f, nil
}

// MultiRegionTrailTarget names the trail RemediateCloudTrailMultiRegion
// fixes or creates.
type MultiRegionTrailTarget struct {
	// Trail is the trail's name (in the client's Region) or ARN. Required.
	Trail string
	// BucketName is the S3 bucket for a trail that does not exist yet; its
	// bucket policy must already let CloudTrail write. Without it a
	// missing trail is an error, never invented.
	BucketName string
}

// RemediateCloudTrailMultiRegion makes target.Trail a multi-Region trail
// that is logging and records all management events: it creates the trail
// (with the given bucket and log file validation) when it does not exist,
// turns on IsMultiRegionTrail and global service events, adds a
// management-events selector while keeping every existing selector (basic
// stay basic, advanced stay advanced), and starts logging. Every write is
// made in the trail's home Region, then the trail is re-read.
func RemediateCloudTrailMultiRegion(ctx context.Context, api MultiRegionTrailRemediationAPI, target MultiRegionTrailTarget, optFns ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
	opts := secpillar.NewRemediateOptions(optFns...)
	if target.Trail == "" {
		return secpillar.Remediation{}, errors.New("detective: target.Trail is empty: name the trail to fix or create")
	}
	rem := secpillar.Remediation{Control: IDCloudTrailMultiRegion}
	ref, err := lookupTrail(ctx, api, target.Trail)
	if err != nil && !errors.Is(err, errTrailNotFound) {
		return rem, err
	}
	if err != nil {
		return createMultiRegionTrail(ctx, api, target, opts)
	}
	rem.Resource = ref.resource()
	st, err := readTrailState(secpillar.FreshReads(ctx), api, ref)
	if err != nil {
		return rem, err
	}
	res := ref.resource()
	var put *cloudtrail.PutEventSelectorsInput
	if !st.MultiRegion || !aws.ToBool(ref.Trail.IncludeGlobalServiceEvents) {
		rem.Changes = append(rem.Changes, secpillar.Change{Resource: res, Action: "cloudtrail:UpdateTrail", Field: "IsMultiRegionTrail", Before: boolString(st.MultiRegion), After: "true"})
	}
	if !st.Management.full() {
		put, err = mergeSelectors(ref.ARN, st.Selectors, selectorAddition{Management: true})
		if err != nil {
			return rem, err
		}
		rem.Changes = append(rem.Changes, secpillar.Change{Resource: res, Action: "cloudtrail:PutEventSelectors", Field: "ManagementEvents", Before: st.Management.describe(), After: "read and write (selector added, existing selectors kept)"})
	}
	if !st.Logging {
		rem.Changes = append(rem.Changes, secpillar.Change{Resource: res, Action: "cloudtrail:StartLogging", Field: "IsLogging", Before: "false", After: "true"})
	}
	if len(rem.Changes) == 0 {
		rem.Outcome = secpillar.OutcomeCompliant
		return rem, nil
	}
	rem.Undo = "Reverse each change on " + ref.ARN + " in " + ref.Home + ": UpdateTrail IsMultiRegionTrail=false, PutEventSelectors with the previous selectors, StopLogging."
	if opts.DryRun {
		rem.Outcome = secpillar.OutcomePlanned
		return rem, nil
	}
	home := inRegion(ref.Home)
	if !st.MultiRegion || !aws.ToBool(ref.Trail.IncludeGlobalServiceEvents) {
		if _, err := api.UpdateTrail(ctx, &cloudtrail.UpdateTrailInput{Name: aws.String(ref.ARN), IsMultiRegionTrail: aws.Bool(true), IncludeGlobalServiceEvents: aws.Bool(true)}, home); err != nil {
			return rem, fmt.Errorf("detective: make trail %s multi-Region: %w", ref.ARN, err)
		}
	}
	if put != nil {
		if _, err := api.PutEventSelectors(ctx, put, home); err != nil {
			return rem, fmt.Errorf("detective: add management event selector to %s: %w", ref.ARN, err)
		}
	}
	if !st.Logging {
		if _, err := api.StartLogging(ctx, &cloudtrail.StartLoggingInput{Name: aws.String(ref.ARN)}, home); err != nil {
			return rem, fmt.Errorf("detective: start logging on %s: %w", ref.ARN, err)
		}
	}
	return verifyTrail(ctx, api, rem, ref.ARN)
}

func createMultiRegionTrail(ctx context.Context, api MultiRegionTrailRemediationAPI, target MultiRegionTrailTarget, opts secpillar.RemediateOptions) (secpillar.Remediation, error) {
	rem := secpillar.Remediation{Control: IDCloudTrailMultiRegion, Resource: secpillar.Resource{Type: TrailResourceType, ID: target.Trail}}
	if strings.HasPrefix(target.Trail, "arn:") {
		return rem, fmt.Errorf("detective: trail %s not found: give a name to create a trail", target.Trail)
	}
	if target.BucketName == "" {
		return rem, fmt.Errorf("detective: trail %s not found and target.BucketName is empty: give the bucket a new trail delivers to", target.Trail)
	}
	rem.Changes = []secpillar.Change{
		{Resource: rem.Resource, Action: "cloudtrail:CreateTrail", Field: "Trail", Before: "absent", After: "multi-Region, global service events, log file validation, bucket " + target.BucketName},
		{Resource: rem.Resource, Action: "cloudtrail:StartLogging", Field: "IsLogging", Before: "false", After: "true"},
	}
	rem.Undo = "Stop logging on trail " + target.Trail + " (StopLogging); delete it only if nothing else depends on it."
	if opts.DryRun {
		rem.Outcome = secpillar.OutcomePlanned
		return rem, nil
	}
	out, err := api.CreateTrail(ctx, &cloudtrail.CreateTrailInput{
		Name: aws.String(target.Trail), S3BucketName: aws.String(target.BucketName), IsMultiRegionTrail: aws.Bool(true),
		IncludeGlobalServiceEvents: aws.Bool(true), EnableLogFileValidation: aws.Bool(true),
	})
	if err != nil {
		return rem, fmt.Errorf("detective: create trail %s: %w", target.Trail, err)
	}
	arn := aws.ToString(out.TrailARN)
	if arn == "" {
		return rem, fmt.Errorf("detective: create trail %s: CreateTrail returned no TrailARN", target.Trail)
	}
	rem.Resource.ID = arn
	for i := range rem.Changes {
		rem.Changes[i].Resource.ID = arn
	}
	if _, err := api.StartLogging(ctx, &cloudtrail.StartLoggingInput{Name: aws.String(arn)}); err != nil {
		return rem, fmt.Errorf("detective: start logging on %s: %w", arn, err)
	}
	return verifyTrail(ctx, api, rem, arn)
}

// verifyTrail re-reads a trail and sets the outcome of a multi-Region
// remediation.
func verifyTrail(ctx context.Context, api TrailStateAPI, rem secpillar.Remediation, arn string) (secpillar.Remediation, error) {
	fresh := secpillar.FreshReads(ctx)
	ref, err := lookupTrail(fresh, api, arn)
	if err != nil {
		return rem, fmt.Errorf("detective: verify trail: %w", err)
	}
	rem.Resource = ref.resource()
	st, err := readTrailState(fresh, api, ref)
	if err != nil {
		return rem, fmt.Errorf("detective: verify trail: %w", err)
	}
	rem.Outcome = secpillar.OutcomeVerifyPending
	if len(st.problems()) == 0 {
		rem.Outcome = secpillar.OutcomeChanged
	}
	return rem, nil
}
