package detective

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	shtypes "github.com/aws/aws-sdk-go-v2/service/securityhub/types"

	"github.com/secpillar/secpillar"
)

// Limits of BatchImportFindings and of ASFF fields that ToASFF respects,
// so that no finding is rejected for its size.
const (
	ASFFMaxBatch          = 100
	ASFFMaxBatchBytes     = 6 << 20
	ASFFMaxFindingBytes   = 240 << 10
	ASFFMaxTitle          = 256
	ASFFMaxDescription    = 1024
	ASFFMaxID             = 512
	ASFFMaxRecommendation = 512
	ASFFMaxProductFields  = 50
	ASFFMaxFieldKey       = 128
	ASFFMaxFieldValue     = 2048
	ASFFMaxRequirements   = 32
)

// ImportFindingsAPI is the part of the Security Hub API that
// ExportToSecurityHub calls. *securityhub.Client satisfies it.
type ImportFindingsAPI interface {
	BatchImportFindings(ctx context.Context, in *securityhub.BatchImportFindingsInput, optFns ...func(*securityhub.Options)) (*securityhub.BatchImportFindingsOutput, error)
}

var _ ImportFindingsAPI = (*securityhub.Client)(nil)

// ASFFOptions says where findings are imported and how they are labelled.
type ASFFOptions struct {
	// Region is the Region the Security Hub client imports into; it is
	// part of the product ARN. Required.
	Region string
	// AccountID is the account of findings that carry none. Security Hub
	// accepts only findings of the calling account with the default
	// product ARN.
	AccountID string
	// Partition is "aws" when empty.
	Partition string
	// Now stamps CreatedAt and UpdatedAt; nil means time.Now.
	Now func() time.Time
	// Controls gives titles and framework references by control ID
	// (for example the whole catalogue); without it the control ID is the
	// title.
	Controls []secpillar.Control
}

func (o ASFFOptions) partition() string {
	if o.Partition == "" {
		return "aws"
	}
	return o.Partition
}

// truncate cuts s to at most max characters, marking the cut.
func truncate(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return string(r[:max-3]) + "..."
}

// boundedID keeps an identifier within ASFFMaxID characters, replacing
// the tail with a hash so that it stays unique and stable.
func boundedID(s string) string {
	if utf8.RuneCountInString(s) <= ASFFMaxID {
		return s
	}
	sum := sha256.Sum256([]byte(s))
	h := hex.EncodeToString(sum[:16])
	return string([]rune(s)[:ASFFMaxID-len(h)-1]) + "-" + h
}

// asffResourceType maps a CloudFormation type ("AWS::CloudTrail::Trail")
// to the ASFF spelling ("AwsCloudTrailTrail").
func asffResourceType(t string) string {
	switch t {
	case "":
		return "Other"
	case secpillar.AccountResourceType:
		return "AwsAccount"
	}
	var b strings.Builder
	for _, part := range strings.Split(t, "::") {
		if part == "" {
			continue
		}
		if strings.ToUpper(part) == part { // AWS, EC2, IAM -> Aws, Ec2, Iam
			part = part[:1] + strings.ToLower(part[1:])
		}
		b.WriteString(part)
	}
	if b.Len() == 0 {
		return "Other"
	}
	return truncate(b.String(), 256)
}

func frameworkName(f string) string {
	switch f {
	case "cis-aws-foundations-3.0.0":
		return "CIS AWS Foundations Benchmark v3.0.0"
	case "aws-fsbp":
		return "AWS Foundational Security Best Practices"
	}
	return f
}

// ToASFF converts findings to the AWS Security Finding Format, within the
// field limits of Security Hub. Each finding's ID is derived from its
// control, Region and resource, so exporting again updates it instead of
// adding a duplicate.
func ToASFF(findings []secpillar.Finding, opts ASFFOptions) ([]shtypes.AwsSecurityFinding, error) {
	if opts.Region == "" {
		return nil, errors.New("detective: ASFFOptions.Region is empty: name the Region of the Security Hub client")
	}
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	stamp := now().UTC().Format("2006-01-02T15:04:05.000Z")
	controls := map[string]secpillar.Control{}
	for _, c := range opts.Controls {
		controls[c.ID] = c
	}
	out := make([]shtypes.AwsSecurityFinding, 0, len(findings))
	for i, f := range findings {
		acct := f.Resource.Account
		if acct == "" {
			acct = opts.AccountID
		}
		if len(acct) != 12 {
			return nil, fmt.Errorf("detective: finding %d (%s): account %q is not a 12-digit account ID (set ASFFOptions.AccountID)", i, f.Control, acct)
		}
		if f.Control == "" {
			return nil, fmt.Errorf("detective: finding %d has no control ID", i)
		}
		region := f.Resource.Region
		if region == "" {
			region = opts.Region
		}
		c := controls[f.Control]
		title := c.Title
		if title == "" {
			title = f.Control
		}
		sev := f.Severity
		if sev == "" {
			sev = c.Severity
		}
		comp, wf := shtypes.ComplianceStatusNotAvailable, shtypes.WorkflowStatusNew
		switch f.Status {
		case secpillar.StatusPass:
			comp, wf, sev = shtypes.ComplianceStatusPassed, shtypes.WorkflowStatusResolved, secpillar.SeverityInformational
		case secpillar.StatusFail:
			comp = shtypes.ComplianceStatusFailed
		case secpillar.StatusNotApplicable:
			wf, sev = shtypes.WorkflowStatusResolved, secpillar.SeverityInformational
		case secpillar.StatusError:
			sev = secpillar.SeverityInformational
		default:
			return nil, fmt.Errorf("detective: finding %d (%s): unknown status %q", i, f.Control, f.Status)
		}
		if sev.Rank() == 0 {
			return nil, fmt.Errorf("detective: finding %d (%s): unknown severity %q", i, f.Control, sev)
		}
		resID := f.Resource.ID
		if resID == "" {
			resID = secpillar.AccountResourceType + ":" + acct
		}
		var reqs []string
		types := []string{"Software and Configuration Checks/AWS Security Best Practices"}
		for _, r := range c.References {
			if len(reqs) < ASFFMaxRequirements {
				reqs = append(reqs, truncate(frameworkName(r.Framework)+"/"+r.ID, 256))
			}
			if r.Framework == cis && len(types) == 1 {
				types = append(types, "Software and Configuration Checks/Industry and Regulatory Standards/CIS AWS Foundations Benchmark")
			}
		}
		desc := f.Reason
		if desc == "" {
			desc = title
		}
		x := shtypes.AwsSecurityFinding{
			SchemaVersion: aws.String("2018-10-08"),
			Id:            aws.String(boundedID("secpillar/" + f.Control + "/" + region + "/" + resID)),
			ProductArn:    aws.String(fmt.Sprintf("arn:%s:securityhub:%s:%s:product/%s/default", opts.partition(), opts.Region, acct, acct)),
			GeneratorId:   aws.String(boundedID("secpillar/" + f.Control)),
			AwsAccountId:  aws.String(acct),
			Types:         types,
			CreatedAt:     aws.String(stamp),
			UpdatedAt:     aws.String(stamp),
			Severity:      &shtypes.Severity{Label: shtypes.SeverityLabel(sev)},
			Title:         aws.String(truncate(title, ASFFMaxTitle)),
			Description:   aws.String(truncate(desc, ASFFMaxDescription)),
			Resources: []shtypes.Resource{{
				Type: aws.String(asffResourceType(f.Resource.Type)), Id: aws.String(boundedID(resID)),
				Region: aws.String(region), Partition: shtypes.Partition(opts.partition()),
			}},
			Compliance:    &shtypes.Compliance{Status: comp, RelatedRequirements: reqs},
			Workflow:      &shtypes.Workflow{Status: wf},
			RecordState:   shtypes.RecordStateActive,
			ProductName:   aws.String("secpillar"),
			CompanyName:   aws.String("secpillar"),
			ProductFields: productFields(f),
		}
		if f.Status == secpillar.StatusFail && f.Reason != "" {
			x.Remediation = &shtypes.Remediation{Recommendation: &shtypes.Recommendation{Text: aws.String(truncate(f.Reason, ASFFMaxRecommendation))}}
		}
		out = append(out, x)
	}
	return out, nil
}

// productFields carries the control, status and evidence, within the
// key count and length limits (evidence beyond them is left out and
// counted).
func productFields(f secpillar.Finding) map[string]string {
	pf := map[string]string{"secpillar/control": f.Control, "secpillar/status": string(f.Status)}
	keys := make([]string, 0, len(f.Evidence))
	for k := range f.Evidence {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	room := ASFFMaxProductFields - len(pf) - 1
	left := 0
	for _, k := range keys {
		if room == 0 {
			left++
			continue
		}
		pf[truncate("secpillar/evidence/"+k, ASFFMaxFieldKey)] = truncate(f.Evidence[k], ASFFMaxFieldValue)
		room--
	}
	if left > 0 {
		pf["secpillar/evidence_omitted"] = fmt.Sprint(left)
	}
	return pf
}

// ExportFailure is a finding Security Hub did not import.
type ExportFailure struct {
	// Index is the finding's position in the input.
	Index   int    `json:"index"`
	ID      string `json:"id"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// ExportResult says what ExportToSecurityHub imported.
type ExportResult struct {
	Imported int             `json:"imported"`
	Failed   []ExportFailure `json:"failed,omitempty"`
	// Calls is the number of BatchImportFindings calls made.
	Calls int `json:"calls"`
}

// ExportToSecurityHub converts findings with ToASFF and imports them with
// BatchImportFindings, in batches of at most 100 findings and 6 MB. A
// finding Security Hub rejects is reported in Failed; an API error stops
// the export and is returned with what was imported so far.
func ExportToSecurityHub(ctx context.Context, api ImportFindingsAPI, findings []secpillar.Finding, opts ASFFOptions) (ExportResult, error) {
	var res ExportResult
	asff, err := ToASFF(findings, opts)
	if err != nil {
		return res, err
	}
	byID := map[string]int{}
	for i, x := range asff {
		byID[aws.ToString(x.Id)] = i
	}
	start := 0
	for start < len(asff) {
		end, size := start, 0
		for end < len(asff) && end-start < ASFFMaxBatch {
			b, err := json.Marshal(asff[end])
			if err != nil {
				return res, fmt.Errorf("detective: encode finding %d: %w", end, err)
			}
			if len(b) > ASFFMaxFindingBytes {
				return res, fmt.Errorf("detective: finding %d (%s) is %d bytes, more than Security Hub's %d", end, findings[end].Control, len(b), ASFFMaxFindingBytes)
			}
			if size+len(b) > ASFFMaxBatchBytes && end > start {
				break
			}
			size += len(b)
			end++
		}
		out, err := api.BatchImportFindings(ctx, &securityhub.BatchImportFindingsInput{Findings: asff[start:end]})
		res.Calls++
		if err != nil {
			return res, fmt.Errorf("detective: import findings %d-%d into Security Hub: %w", start, end-1, err)
		}
		res.Imported += int(aws.ToInt32(out.SuccessCount))
		for _, fe := range out.FailedFindings {
			idx := -1
			if i, ok := byID[aws.ToString(fe.Id)]; ok {
				idx = i
			}
			res.Failed = append(res.Failed, ExportFailure{Index: idx, ID: aws.ToString(fe.Id), Code: aws.ToString(fe.ErrorCode), Message: aws.ToString(fe.ErrorMessage)})
		}
		start = end
	}
	return res, nil
}
