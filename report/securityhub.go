package report

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	shtypes "github.com/aws/aws-sdk-go-v2/service/securityhub/types"
)

// SecurityHubFindings converts ASFF findings to the SDK's type, ready for
// securityhub.BatchImportFindingsInput.Findings (at most 100 per call).
func SecurityHubFindings(findings []ASFFFinding) []shtypes.AwsSecurityFinding {
	out := make([]shtypes.AwsSecurityFinding, 0, len(findings))
	for _, f := range findings {
		sf := shtypes.AwsSecurityFinding{
			SchemaVersion: aws.String(f.SchemaVersion),
			Id:            aws.String(f.Id),
			ProductArn:    aws.String(f.ProductArn),
			GeneratorId:   aws.String(f.GeneratorId),
			AwsAccountId:  aws.String(f.AwsAccountId),
			Types:         append([]string(nil), f.Types...),
			CreatedAt:     aws.String(f.CreatedAt),
			UpdatedAt:     aws.String(f.UpdatedAt),
			Severity:      &shtypes.Severity{Label: shtypes.SeverityLabel(f.Severity.Label)},
			Title:         aws.String(f.Title),
			Description:   aws.String(f.Description),
			Compliance: &shtypes.Compliance{
				Status:              shtypes.ComplianceStatus(f.Compliance.Status),
				RelatedRequirements: append([]string(nil), f.Compliance.RelatedRequirements...),
			},
			Workflow:    &shtypes.Workflow{Status: shtypes.WorkflowStatus(f.Workflow.Status)},
			RecordState: shtypes.RecordState(f.RecordState),
			FindingProviderFields: &shtypes.FindingProviderFields{
				Severity: &shtypes.FindingProviderSeverity{Label: shtypes.SeverityLabel(f.FindingProviderFields.Severity.Label)},
				Types:    append([]string(nil), f.FindingProviderFields.Types...),
			},
		}
		if f.ProductName != "" {
			sf.ProductName = aws.String(f.ProductName)
		}
		if f.CompanyName != "" {
			sf.CompanyName = aws.String(f.CompanyName)
		}
		if f.Remediation != nil {
			sf.Remediation = &shtypes.Remediation{Recommendation: &shtypes.Recommendation{Text: aws.String(f.Remediation.Recommendation.Text)}}
		}
		if f.Severity.Original != "" {
			sf.Severity.Original = aws.String(f.Severity.Original)
		}
		if o := f.FindingProviderFields.Severity.Original; o != "" {
			sf.FindingProviderFields.Severity.Original = aws.String(o)
		}
		if len(f.ProductFields) > 0 {
			sf.ProductFields = make(map[string]string, len(f.ProductFields))
			for k, v := range f.ProductFields {
				sf.ProductFields[k] = v
			}
		}
		for _, r := range f.Resources {
			res := shtypes.Resource{
				Type:      aws.String(r.Type),
				Id:        aws.String(r.Id),
				Partition: shtypes.Partition(r.Partition),
				Region:    aws.String(r.Region),
			}
			if r.Details != nil && len(r.Details.Other) > 0 {
				other := make(map[string]string, len(r.Details.Other))
				for k, v := range r.Details.Other {
					other[k] = v
				}
				res.Details = &shtypes.ResourceDetails{Other: other}
			}
			sf.Resources = append(sf.Resources, res)
		}
		out = append(out, sf)
	}
	return out
}

// Batches splits findings into batches of at most size (100, the
// BatchImportFindings limit, when size is not positive), in order. It
// counts findings only; detective.ExportToSecurityHub also keeps each
// request within MaxBatchImportBytes.
func Batches[T any](findings []T, size int) [][]T {
	if size <= 0 {
		size = MaxBatchImport
	}
	var out [][]T
	for len(findings) > 0 {
		n := min(size, len(findings))
		out = append(out, findings[:n:n])
		findings = findings[n:]
	}
	return out
}
