package report

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/secpillar/secpillar"
)

// ASFFSchemaVersion is the ASFF schema version the findings declare.
const ASFFSchemaVersion = "2018-10-08"

// DefaultGeneratorPrefix prefixes GeneratorId and Id when
// ASFFOptions.GeneratorPrefix is empty.
const DefaultGeneratorPrefix = "secpillar"

// Field limits of BatchImportFindings, in bytes (at most as many
// characters). A longer value makes Security Hub reject the finding, so
// ASFF cuts text to fit (ending it with "…") and keeps identifiers unique
// by ending a cut one with a hash of the whole.
const (
	ASFFMaxID             = 512  // Id, GeneratorId, Resources[].Id
	ASFFMaxTitle          = 256  // Title
	ASFFMaxDescription    = 1024 // Description
	ASFFMaxRecommendation = 512  // Remediation.Recommendation.Text
	ASFFMaxType           = 128  // each of Types
	ASFFMaxTypes          = 50   // number of Types
	ASFFMaxRequirement    = 128  // each of Compliance.RelatedRequirements
	ASFFMaxRequirements   = 32   // number of Compliance.RelatedRequirements
	ASFFMaxResourceType   = 256  // Resources[].Type
	ASFFMaxProductFields  = 50   // number of ProductFields
	ASFFMaxFieldKey       = 128  // each ProductFields key
	ASFFMaxFieldValue     = 2048 // each ProductFields value
)

// Request limits of BatchImportFindings.
const (
	// MaxBatchImport is the most findings one BatchImportFindings call
	// takes.
	MaxBatchImport = 100
	// MaxBatchImportBytes is the most one BatchImportFindings request
	// may hold.
	MaxBatchImportBytes = 6 << 20
	// MaxFindingBytes is the most one finding may take.
	MaxFindingBytes = 240 << 10
)

// asffProductName and asffCompanyName name secpillar in the findings it
// makes, so that they can be filtered in Security Hub. (Security Hub keeps
// these fields only for the account's default product; a partner
// product's are its own.)
const (
	asffProductName = "secpillar"
	asffCompanyName = "secpillar"
)

// ASFFOptions controls ASFF. The zero value is usable: findings go to the
// default product of their own account in their Region, generated now.
type ASFFOptions struct {
	// ProductARN is the product the findings are imported as. Empty means
	// the account's default product,
	// "arn:<partition>:securityhub:<region>:<account>:product/<account>/default",
	// with the Region of Region (or, when that is empty, of the finding's
	// resource, else us-east-1). Security Hub accepts a finding only in the
	// Region of its ProductArn.
	ProductARN string
	// Region is the Region the findings will be imported into; it sets the
	// Region of the default ProductARN and of resources without one.
	Region string
	// AccountID is the account of findings whose resource names none
	// (neither in Resource.Account nor in its ID), such as a check's
	// AccountResource(""). Security Hub requires every finding's
	// AwsAccountId; empty leaves it empty for such findings.
	AccountID string
	// GeneratorPrefix starts GeneratorId ("<prefix>/<control>") and Id;
	// empty means DefaultGeneratorPrefix.
	GeneratorPrefix string
	// Now stamps CreatedAt and UpdatedAt; the zero value means time.Now.
	Now time.Time
	// Controls, when given, supplies each finding's title, finding types
	// and related requirements from the catalogue entry of its control,
	// and its severity when the finding has none. Without it the title is
	// the control ID.
	Controls []secpillar.Control
}

// ASFFFinding is one finding in the AWS Security Finding Format, with the
// JSON names BatchImportFindings expects. SecurityHubFindings converts it
// to the SDK's type.
type ASFFFinding struct {
	SchemaVersion string         `json:"SchemaVersion"`
	Id            string         `json:"Id"`
	ProductArn    string         `json:"ProductArn"`
	GeneratorId   string         `json:"GeneratorId"`
	AwsAccountId  string         `json:"AwsAccountId"`
	Types         []string       `json:"Types"`
	CreatedAt     string         `json:"CreatedAt"`
	UpdatedAt     string         `json:"UpdatedAt"`
	Severity      ASFFSeverity   `json:"Severity"`
	Title         string         `json:"Title"`
	Description   string         `json:"Description"`
	Resources     []ASFFResource `json:"Resources"`
	Compliance    ASFFCompliance `json:"Compliance"`
	// Workflow is the investigation status a new finding starts with:
	// RESOLVED for a passed or not-applicable check, NEW otherwise.
	// Security Hub takes it only when it creates the finding, and itself
	// moves it as later imports change Compliance.Status and RecordState.
	Workflow ASFFWorkflow `json:"Workflow"`
	// Remediation recommends the fix of a failed check: its reason.
	Remediation   *ASFFRemediation  `json:"Remediation,omitempty"`
	RecordState   string            `json:"RecordState"`
	ProductName   string            `json:"ProductName"`
	CompanyName   string            `json:"CompanyName"`
	ProductFields map[string]string `json:"ProductFields,omitempty"`
	// FindingProviderFields repeats Severity and Types where Security Hub
	// takes a provider's updates from once a finding exists, so that a
	// re-import (a fixed resource, now PASSED and INFORMATIONAL) updates
	// them.
	FindingProviderFields ASFFFindingProviderFields `json:"FindingProviderFields"`
}

// ASFFWorkflow is the workflow state of a finding: Status is NEW,
// NOTIFIED, RESOLVED or SUPPRESSED.
type ASFFWorkflow struct {
	Status string `json:"Status"`
}

// The ASFF workflow statuses ASFF sets.
const (
	WorkflowNew      = "NEW"
	WorkflowResolved = "RESOLVED"
)

// ASFFRemediation is how to fix what a finding reports.
type ASFFRemediation struct {
	Recommendation ASFFRecommendation `json:"Recommendation"`
}

// ASFFRecommendation is a recommended fix in words.
type ASFFRecommendation struct {
	Text string `json:"Text"`
}

// ASFFFindingProviderFields are the fields a finding provider updates.
type ASFFFindingProviderFields struct {
	Severity ASFFSeverity `json:"Severity"`
	Types    []string     `json:"Types"`
}

// ASFFSeverity is the severity of an ASFF finding. Label is an ASFF label;
// Original is the control's severity, kept when Label is lowered to
// INFORMATIONAL for a passed check (as Security Hub does for its own
// controls).
type ASFFSeverity struct {
	Label    string `json:"Label"`
	Original string `json:"Original,omitempty"`
}

// ASFFResource is the resource an ASFF finding is about. Type is an ASFF
// resource type ("AwsS3Bucket", "AwsAccount", ...) or "Other", in which
// case Details.Other["CloudFormationType"] keeps the original type.
type ASFFResource struct {
	Type      string               `json:"Type"`
	Id        string               `json:"Id"`
	Partition string               `json:"Partition"`
	Region    string               `json:"Region"`
	Details   *ASFFResourceDetails `json:"Details,omitempty"`
}

// ASFFResourceDetails carries the details of a resource of type "Other".
type ASFFResourceDetails struct {
	Other map[string]string `json:"Other,omitempty"`
}

// ASFFCompliance is the compliance verdict: Status is PASSED, FAILED,
// WARNING or NOT_AVAILABLE.
type ASFFCompliance struct {
	Status              string   `json:"Status"`
	RelatedRequirements []string `json:"RelatedRequirements,omitempty"`
}

// The ASFF compliance statuses.
const (
	CompliancePassed       = "PASSED"
	ComplianceFailed       = "FAILED"
	ComplianceWarning      = "WARNING"
	ComplianceNotAvailable = "NOT_AVAILABLE"
)

// ASFF converts findings to the AWS Security Finding Format, one ASFF
// finding per finding, in order.
//
// Id is deterministic — "<prefix>/<control>/<hash>" where the hash covers
// the account, Region, control and resource — so re-importing a later scan
// updates the same Security Hub findings instead of adding new ones.
// Compliance.Status is PASSED for PASS, FAILED for FAIL and NOT_AVAILABLE
// for NOT_APPLICABLE and ERROR (the check could not be evaluated).
// RecordState is ARCHIVED for NOT_APPLICABLE and ACTIVE otherwise. Passed
// and not-applicable findings carry the label INFORMATIONAL; a finding
// without a severity takes its control's (from Controls), else
// INFORMATIONAL. Values longer than Security Hub's limits (the ASFFMax
// constants) are cut to fit, and the finding's evidence goes into
// ProductFields ("secpillar/evidence/<key>").
//
// ASFF reports nothing: a finding without an account (see
// ASFFOptions.AccountID) gets an empty AwsAccountId, an unknown status
// NOT_AVAILABLE. Code that imports the findings should check its input
// first, as detective.ExportToSecurityHub does.
func ASFF(findings []secpillar.Finding, opts ASFFOptions) []ASFFFinding {
	prefix := opts.GeneratorPrefix
	if prefix == "" {
		prefix = DefaultGeneratorPrefix
	}
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	stamp := now.UTC().Format("2006-01-02T15:04:05.000Z")
	catalog := catalogOf(opts.Controls)

	out := make([]ASFFFinding, 0, len(findings))
	for _, f := range findings {
		c, known := catalog[f.Control]
		account := accountOf(f.Resource)
		if account == "" {
			account = opts.AccountID
		}
		f.Resource = withAccountID(f.Resource, account)
		region := f.Resource.Region
		if region == "" {
			region = opts.Region
		}
		importRegion := opts.Region
		if importRegion == "" {
			importRegion = region
		}
		if importRegion == "" {
			importRegion = "us-east-1"
		}
		if region == "" {
			region = importRegion
		}
		partition := partitionOf(f.Resource.ID, region)
		product := opts.ProductARN
		if product == "" {
			product = DefaultProductARN(importRegion, account)
		}

		title := f.Control
		if known && c.Title != "" {
			title = c.Title
		}
		desc := f.Reason
		if desc == "" {
			desc = title
		}

		severity := f.Severity
		if severity == "" {
			severity = c.Severity
		}
		sev := ASFFSeverity{Label: string(severity)}
		if sev.Label == "" || severity.Rank() == 0 {
			sev.Label = string(secpillar.SeverityInformational)
		}
		workflow := WorkflowNew
		if f.Status == secpillar.StatusPass || f.Status == secpillar.StatusNotApplicable {
			sev = ASFFSeverity{Label: string(secpillar.SeverityInformational), Original: string(severity)}
			workflow = WorkflowResolved
		}
		var remediation *ASFFRemediation
		if f.Status == secpillar.StatusFail && f.Reason != "" {
			remediation = &ASFFRemediation{Recommendation: ASFFRecommendation{Text: truncate(f.Reason, ASFFMaxRecommendation)}}
		}

		recordState := "ACTIVE"
		if f.Status == secpillar.StatusNotApplicable {
			recordState = "ARCHIVED"
		}

		types := asffTypes(c.References)
		out = append(out, ASFFFinding{
			SchemaVersion: ASFFSchemaVersion,
			Id:            findingID(prefix, account, f),
			ProductArn:    product,
			GeneratorId:   boundedID(prefix + "/" + f.Control),
			AwsAccountId:  account,
			Types:         types,
			CreatedAt:     stamp,
			UpdatedAt:     stamp,
			Severity:      sev,
			Title:         truncate(oneLine(title), ASFFMaxTitle),
			Description:   truncate(desc, ASFFMaxDescription),
			Resources:     []ASFFResource{asffResource(f.Resource, partition, region)},
			Compliance: ASFFCompliance{
				Status:              complianceStatus(f.Status),
				RelatedRequirements: relatedRequirements(c.References),
			},
			Workflow:              ASFFWorkflow{Status: workflow},
			Remediation:           remediation,
			RecordState:           recordState,
			ProductName:           asffProductName,
			CompanyName:           asffCompanyName,
			ProductFields:         productFields(f),
			FindingProviderFields: ASFFFindingProviderFields{Severity: sev, Types: append([]string(nil), types...)},
		})
	}
	return out
}

// WriteASFF writes the findings in ASFF as one indented JSON array, the
// shape "aws securityhub batch-import-findings --findings file://..." reads.
func WriteASFF(w io.Writer, findings []secpillar.Finding, opts ASFFOptions) error {
	b, err := json.MarshalIndent(ASFF(findings, opts), "", "  ")
	if err != nil {
		return fmt.Errorf("report: encode ASFF: %w", err)
	}
	if _, err := w.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("report: write ASFF: %w", err)
	}
	return nil
}

// catalogOf indexes controls by ID.
func catalogOf(controls []secpillar.Control) map[string]secpillar.Control {
	m := make(map[string]secpillar.Control, len(controls))
	for _, c := range controls {
		m[c.ID] = c
	}
	return m
}

// DefaultProductARN is the ARN of an account's default Security Hub
// product in a Region, the product of findings an account imports about
// itself: "arn:<partition>:securityhub:<region>:<account>:product/<account>/default".
func DefaultProductARN(region, account string) string {
	return fmt.Sprintf("arn:%s:securityhub:%s:%s:product/%s/default", partitionOf("", region), region, account, account)
}

// findingID is a finding's Id, "<prefix>/<control>/<hash>": when it is
// too long the control is cut, never the hash, so that Ids stay unique.
func findingID(prefix, account string, f secpillar.Finding) string {
	tail := "/" + findingHash(account, f)
	return cutRunes(prefix+"/"+f.Control, ASFFMaxID-len(tail)) + tail
}

// boundedID keeps an identifier within ASFFMaxID bytes; a longer one is
// cut and ends with a hash of the whole, so that it stays unique and
// stable.
func boundedID(s string) string {
	if len(s) <= ASFFMaxID {
		return s
	}
	sum := sha256.Sum256([]byte(s))
	tail := "-" + hex.EncodeToString(sum[:16])
	return cutRunes(s, ASFFMaxID-len(tail)) + tail
}

// withAccountID completes the resource of an account-level finding made
// without its account (AccountResource("")) once the account is known.
func withAccountID(r secpillar.Resource, account string) secpillar.Resource {
	if account == "" || r.Type != secpillar.AccountResourceType {
		return r
	}
	if r.ID == "" || r.ID == secpillar.AccountResourceType+":" {
		r.ID = secpillar.AccountResourceType + ":" + account
	}
	if r.Account == "" {
		r.Account = account
	}
	return r
}

// findingHash is the stable part of a finding's Id.
func findingHash(account string, f secpillar.Finding) string {
	h := sha256.New()
	for _, s := range []string{account, f.Resource.Region, f.Control, f.Resource.Type, f.Resource.ID} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}

// accountOf returns the account of a resource: its Account field, else the
// account in its ARN or account resource ID.
func accountOf(r secpillar.Resource) string {
	if r.Account != "" {
		return r.Account
	}
	if strings.HasPrefix(r.ID, secpillar.AccountResourceType+":") {
		return strings.TrimPrefix(r.ID, secpillar.AccountResourceType+":")
	}
	if parts := strings.SplitN(r.ID, ":", 6); len(parts) == 6 && parts[0] == "arn" {
		return parts[4]
	}
	return ""
}

// partitionOf returns the partition of an ARN, else the partition of the
// Region.
func partitionOf(id, region string) string {
	if parts := strings.SplitN(id, ":", 3); len(parts) == 3 && parts[0] == "arn" && parts[1] != "" {
		return parts[1]
	}
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	}
	return "aws"
}

// complianceStatus maps a finding status to the ASFF compliance status.
func complianceStatus(s secpillar.Status) string {
	switch s {
	case secpillar.StatusPass:
		return CompliancePassed
	case secpillar.StatusFail:
		return ComplianceFailed
	}
	// NOT_APPLICABLE and ERROR: the check gave no verdict.
	return ComplianceNotAvailable
}

// asffResourceTypes maps CloudFormation resource types to ASFF resource
// types. Types not listed become "Other".
var asffResourceTypes = map[string]string{
	secpillar.AccountResourceType:               "AwsAccount",
	"AWS::AutoScaling::AutoScalingGroup":        "AwsAutoScalingAutoScalingGroup",
	"AWS::CloudFormation::Stack":                "AwsCloudFormationStack",
	"AWS::CloudFront::Distribution":             "AwsCloudFrontDistribution",
	"AWS::CloudTrail::Trail":                    "AwsCloudTrailTrail",
	"AWS::CloudWatch::Alarm":                    "AwsCloudWatchAlarm",
	"AWS::EC2::EIP":                             "AwsEc2Eip",
	"AWS::EC2::Instance":                        "AwsEc2Instance",
	"AWS::EC2::LaunchTemplate":                  "AwsEc2LaunchTemplate",
	"AWS::EC2::NetworkAcl":                      "AwsEc2NetworkAcl",
	"AWS::EC2::NetworkInterface":                "AwsEc2NetworkInterface",
	"AWS::EC2::SecurityGroup":                   "AwsEc2SecurityGroup",
	"AWS::EC2::Subnet":                          "AwsEc2Subnet",
	"AWS::EC2::Volume":                          "AwsEc2Volume",
	"AWS::EC2::VPC":                             "AwsEc2Vpc",
	"AWS::EC2::VPCPeeringConnection":            "AwsEc2VpcPeeringConnection",
	"AWS::ElasticLoadBalancingV2::LoadBalancer": "AwsElbv2LoadBalancer",
	"AWS::Events::EventBus":                     "AwsEventsEventbus",
	"AWS::GuardDuty::Detector":                  "AwsGuardDutyDetector",
	"AWS::IAM::AccessKey":                       "AwsIamAccessKey",
	"AWS::IAM::Group":                           "AwsIamGroup",
	"AWS::IAM::ManagedPolicy":                   "AwsIamPolicy",
	"AWS::IAM::Policy":                          "AwsIamPolicy",
	"AWS::IAM::Role":                            "AwsIamRole",
	"AWS::IAM::User":                            "AwsIamUser",
	"AWS::KMS::Key":                             "AwsKmsKey",
	"AWS::Lambda::Function":                     "AwsLambdaFunction",
	"AWS::RDS::DBCluster":                       "AwsRdsDbCluster",
	"AWS::RDS::DBClusterSnapshot":               "AwsRdsDbClusterSnapshot",
	"AWS::RDS::DBInstance":                      "AwsRdsDbInstance",
	"AWS::RDS::DBSnapshot":                      "AwsRdsDbSnapshot",
	"AWS::Route53::HostedZone":                  "AwsRoute53HostedZone",
	"AWS::S3::AccessPoint":                      "AwsS3AccessPoint",
	"AWS::S3::AccountPublicAccessBlock":         "AwsS3AccountPublicAccessBlock",
	"AWS::S3::Bucket":                           "AwsS3Bucket",
	"AWS::SNS::Topic":                           "AwsSnsTopic",
	"AWS::WAFv2::WebACL":                        "AwsWafv2WebAcl",
}

// asffResource converts a resource; types without an ASFF name become
// "Other" with the CloudFormation type kept in the details.
func asffResource(r secpillar.Resource, partition, region string) ASFFResource {
	out := ASFFResource{Id: boundedID(r.ID), Partition: partition, Region: region}
	if t, ok := asffResourceTypes[r.Type]; ok {
		out.Type = t
		return out
	}
	out.Type = "Other"
	if r.Type != "" {
		out.Details = &ASFFResourceDetails{Other: map[string]string{"CloudFormationType": truncate(r.Type, ASFFMaxFieldValue)}}
	}
	return out
}

// frameworkNames are the display names of the frameworks of the catalogue.
var frameworkNames = map[string]string{
	"cis-aws-foundations-3.0.0": "CIS AWS Foundations Benchmark v3.0.0",
	"aws-fsbp":                  "AWS Foundational Security Best Practices",
}

// frameworkTypes are the ASFF finding types of the frameworks.
var frameworkTypes = map[string]string{
	"cis-aws-foundations-3.0.0": "Software and Configuration Checks/Industry and Regulatory Standards/CIS AWS Foundations Benchmark",
	"aws-fsbp":                  "Software and Configuration Checks/Industry and Regulatory Standards/AWS-Foundational-Security-Best-Practices",
}

// defaultType is the finding type of a control with no known framework.
const defaultType = "Software and Configuration Checks/AWS Security Best Practices"

// asffTypes returns the finding types of a control: one per framework it
// references, else defaultType.
func asffTypes(refs []secpillar.Reference) []string {
	seen := map[string]bool{}
	var types []string
	for _, r := range refs {
		t, ok := frameworkTypes[r.Framework]
		if !ok || seen[t] {
			continue
		}
		seen[t] = true
		types = append(types, truncate(t, ASFFMaxType))
	}
	if len(types) == 0 {
		return []string{defaultType}
	}
	sort.Strings(types)
	if len(types) > ASFFMaxTypes {
		types = types[:ASFFMaxTypes]
	}
	return types
}

// relatedRequirements names the framework requirements a control covers,
// such as "CIS AWS Foundations Benchmark v3.0.0/1.5".
func relatedRequirements(refs []secpillar.Reference) []string {
	var out []string
	for _, r := range refs {
		name := frameworkNames[r.Framework]
		if name == "" {
			name = r.Framework
		}
		out = append(out, truncate(name+"/"+r.ID, ASFFMaxRequirement))
		if len(out) == ASFFMaxRequirements {
			break
		}
	}
	return out
}

// productFields carries what ASFF has no field for: the control ID, the
// secpillar status and the evidence, within Security Hub's limits (the
// evidence keys in sorted order, as many as fit; when some do not,
// "secpillar/EvidenceOmitted" counts them).
func productFields(f secpillar.Finding) map[string]string {
	m := map[string]string{
		"secpillar/Control": truncate(f.Control, ASFFMaxFieldValue),
		"secpillar/Status":  truncate(string(f.Status), ASFFMaxFieldValue),
	}
	keys := make([]string, 0, len(f.Evidence))
	for k := range f.Evidence {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	room := ASFFMaxProductFields - len(m)
	if len(keys) > room {
		room-- // keep a field for the count of those left out
	}
	omitted := 0
	for _, k := range keys {
		key := truncate("secpillar/evidence/"+k, ASFFMaxFieldKey)
		if _, dup := m[key]; dup || room == 0 {
			omitted++
			continue
		}
		m[key] = truncate(f.Evidence[k], ASFFMaxFieldValue)
		room--
	}
	if omitted > 0 {
		m["secpillar/EvidenceOmitted"] = strconv.Itoa(omitted)
	}
	return m
}
