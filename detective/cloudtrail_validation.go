package detective

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"

	"github.com/secpillar/secpillar"
)

// IDCloudTrailLogValidation is the ID of the log file validation control.
const IDCloudTrailLogValidation = "detective.cloudtrail-log-validation"

// LogValidationAPI is the part of the CloudTrail API that
// CheckCloudTrailLogValidation calls. *cloudtrail.Client satisfies it.
type LogValidationAPI interface {
	TrailsAPI
}

var _ LogValidationAPI = (*cloudtrail.Client)(nil)

// LogValidationRemediationAPI is the part of the CloudTrail API that
// RemediateCloudTrailLogValidation calls. *cloudtrail.Client satisfies it.
type LogValidationRemediationAPI interface {
	TrailsAPI
	UpdateTrail(ctx context.Context, in *cloudtrail.UpdateTrailInput, optFns ...func(*cloudtrail.Options)) (*cloudtrail.UpdateTrailOutput, error)
}

var _ LogValidationRemediationAPI = (*cloudtrail.Client)(nil)

// CheckCloudTrailLogValidation reports, for every trail whose home Region
// is region (the Region the client calls), whether log file integrity
// validation is on (CIS 3.2, CloudTrail.4). Shadow trails of multi-Region
// and organization trails homed elsewhere are evaluated in their home
// Region, so each trail is reported once; organization trails owned by
// the management account are reported with that account. A Region where
// no trail has its home gets one NOT_APPLICABLE finding.
func CheckCloudTrailLogValidation(ctx context.Context, api LogValidationAPI, region string) ([]secpillar.Finding, error) {
	trails, shadows, err := homeTrails(ctx, api, region)
	if err != nil {
		return nil, err
	}
	if len(trails) == 0 {
		return []secpillar.Finding{noHomeTrails(IDCloudTrailLogValidation, secpillar.SeverityMedium, region, shadows)}, nil
	}
	var out []secpillar.Finding
	for _, t := range trails {
		if t.Trail.LogFileValidationEnabled == nil {
			return nil, fmt.Errorf("detective: trail %s: DescribeTrails returned no LogFileValidationEnabled", t.ARN)
		}
		on := *t.Trail.LogFileValidationEnabled
		f := secpillar.Finding{
			Control: IDCloudTrailLogValidation, Severity: secpillar.SeverityMedium, Resource: t.resource(),
			Evidence: map[string]string{
				"trail_arn":           t.ARN,
				"log_file_validation": boolString(on),
				"organization_trail":  boolString(aws.ToBool(t.Trail.IsOrganizationTrail)),
			},
		}
		if on {
			f.Status = secpillar.StatusPass
			f.Reason = fmt.Sprintf("Trail %s validates its log files with digest files.", t.Name)
		} else {
			f.Status = secpillar.StatusFail
			f.Reason = fmt.Sprintf("Trail %s does not validate its log files: turn on log file validation so tampering with delivered logs can be detected.", t.Name)
		}
		out = append(out, f)
	}
	return out, nil
}

// RemediateCloudTrailLogValidation turns on log file validation for one
// trail, given by name (looked up in the client's Region) or ARN. It
// changes nothing else (UpdateTrail is sent with EnableLogFileValidation
// only), calls UpdateTrail in the trail's home Region, and re-reads the
// trail to verify. An organization trail can only be changed from the
// management account: from a member account AWS's refusal is returned.
func RemediateCloudTrailLogValidation(ctx context.Context, api LogValidationRemediationAPI, trail string, optFns ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
	opts := secpillar.NewRemediateOptions(optFns...)
	ref, err := lookupTrail(ctx, api, trail)
	if err != nil {
		return secpillar.Remediation{}, err
	}
	rem := secpillar.Remediation{Control: IDCloudTrailLogValidation, Resource: ref.resource()}
	if ref.Trail.LogFileValidationEnabled == nil {
		return rem, fmt.Errorf("detective: trail %s: DescribeTrails returned no LogFileValidationEnabled", ref.ARN)
	}
	if *ref.Trail.LogFileValidationEnabled {
		rem.Outcome = secpillar.OutcomeCompliant
		return rem, nil
	}
	rem.Changes = []secpillar.Change{{Resource: ref.resource(), Action: "cloudtrail:UpdateTrail", Field: "LogFileValidationEnabled", Before: "false", After: "true"}}
	rem.Undo = fmt.Sprintf("Call cloudtrail:UpdateTrail on %s in %s with EnableLogFileValidation=false.", ref.ARN, ref.Home)
	if opts.DryRun {
		rem.Outcome = secpillar.OutcomePlanned
		return rem, nil
	}
	if _, err := api.UpdateTrail(ctx, &cloudtrail.UpdateTrailInput{Name: aws.String(ref.ARN), EnableLogFileValidation: aws.Bool(true)}, inRegion(ref.Home)); err != nil {
		return rem, fmt.Errorf("detective: enable log file validation on %s: %w", ref.ARN, err)
	}
	after, err := lookupTrail(ctx, api, ref.ARN)
	if err != nil {
		return rem, fmt.Errorf("detective: verify log file validation: %w", err)
	}
	rem.Outcome = secpillar.OutcomeVerifyPending
	if aws.ToBool(after.Trail.LogFileValidationEnabled) {
		rem.Outcome = secpillar.OutcomeChanged
	}
	return rem, nil
}
