package report

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/secpillar/secpillar"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

// golden compares got with testdata/<name>.golden, or rewrites the file
// with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run go test -update to create it): %v", err)
	}
	if !bytes.Equal(want, got) {
		t.Errorf("%s mismatch (-want +got):\n%s", path, cmp.Diff(string(want), string(got)))
	}
}

// fixedNow is the time stamped on findings in the golden files.
var fixedNow = time.Date(2026, 3, 14, 9, 26, 53, 0, time.UTC)

// sampleControls is a small catalogue for the golden tests.
var sampleControls = []secpillar.Control{
	{
		ID: "identity.root-mfa-enabled", Title: "The root user has MFA", Domain: secpillar.DomainIdentity,
		Severity: secpillar.SeverityCritical, Scope: secpillar.ScopeAccount,
		References: []secpillar.Reference{{Framework: "cis-aws-foundations-3.0.0", ID: "1.5"}, {Framework: "aws-fsbp", ID: "IAM.9"}},
	},
	{
		ID: "dataprotection.s3-bucket-versioning", Title: "S3 buckets have versioning enabled", Domain: secpillar.DomainDataProtection,
		Severity: secpillar.SeverityLow, Scope: secpillar.ScopeRegional,
		References: []secpillar.Reference{{Framework: "aws-fsbp", ID: "S3.14"}},
	},
	{
		ID: "infrastructure.sg-no-admin-ports-open", Title: "No security group allows admin ports from the internet", Domain: secpillar.DomainInfrastructure,
		Severity: secpillar.SeverityHigh, Scope: secpillar.ScopeRegional,
		References: []secpillar.Reference{{Framework: "cis-aws-foundations-3.0.0", ID: "5.2"}},
	},
	{
		ID: "detective.guardduty-enabled", Title: "GuardDuty is enabled", Domain: secpillar.DomainDetective,
		Severity: secpillar.SeverityMedium, Scope: secpillar.ScopeRegional,
	},
}

// sampleFindings covers every status, several severities and resource
// types, evidence and a long reason.
func sampleFindings() []secpillar.Finding {
	return []secpillar.Finding{
		{
			Control: "dataprotection.s3-bucket-versioning", Status: secpillar.StatusPass, Severity: secpillar.SeverityLow,
			Resource: secpillar.Resource{Type: "AWS::S3::Bucket", ID: "arn:aws:s3:::demo-logs", Region: "eu-west-1", Account: "123456789012"},
			Reason:   "Versioning is enabled.", Evidence: map[string]string{"status": "Enabled"},
		},
		{
			Control: "identity.root-mfa-enabled", Status: secpillar.StatusFail, Severity: secpillar.SeverityCritical,
			Resource: secpillar.AccountResource("123456789012"),
			Reason:   "The root user has a password but no MFA device: enable MFA for the root user.",
			Evidence: map[string]string{"AccountMFAEnabled": "0", "root_password": "true"},
		},
		{
			Control: "infrastructure.sg-no-admin-ports-open", Status: secpillar.StatusFail, Severity: secpillar.SeverityHigh,
			Resource: secpillar.Resource{Type: "AWS::EC2::SecurityGroup", ID: "arn:aws:ec2:us-east-1:123456789012:security-group/sg-0123456789abcdef0", Region: "us-east-1", Account: "123456789012"},
			Reason:   "Security group sg-0123456789abcdef0 allows 0.0.0.0/0 to port 22: remove the rule or narrow its source.",
			Evidence: map[string]string{"rule": "sgr-0aa tcp 22 0.0.0.0/0"},
		},
		{
			Control: "detective.guardduty-enabled", Status: secpillar.StatusError, Severity: secpillar.SeverityMedium,
			Resource: secpillar.Resource{Type: secpillar.AccountResourceType, ID: "AWS::::Account:123456789012", Region: "ap-southeast-2", Account: "123456789012"},
			Reason:   "The control could not be evaluated: operation error GuardDuty: ListDetectors, AccessDeniedException: not authorized",
		},
		{
			Control: "dataprotection.s3-bucket-versioning", Status: secpillar.StatusNotApplicable, Severity: secpillar.SeverityLow,
			Resource: secpillar.Resource{Type: "AWS::Logs::LogGroup", ID: "arn:aws:logs:us-east-1:123456789012:log-group:/app", Region: "us-east-1", Account: "123456789012"},
			Reason:   "No bucket in this Region.",
		},
	}
}
