package report_test

import (
	"fmt"
	"os"
	"time"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/report"
)

func exampleFindings() []secpillar.Finding {
	return []secpillar.Finding{
		{Control: "dataprotection.s3-bucket-versioning", Status: secpillar.StatusPass, Severity: secpillar.SeverityLow,
			Resource: secpillar.Resource{Type: "AWS::S3::Bucket", ID: "arn:aws:s3:::demo-logs", Region: "eu-west-1", Account: "123456789012"},
			Reason:   "Versioning is enabled."},
		{Control: "identity.root-mfa-enabled", Status: secpillar.StatusFail, Severity: secpillar.SeverityCritical,
			Resource: secpillar.AccountResource("123456789012"), Reason: "The root user has no MFA device."},
	}
}

// A terminal report: the findings, most severe first, then the summary by
// domain and severity.
func ExampleWriteTable() {
	findings := exampleFindings()
	report.WriteTable(os.Stdout, findings)
	fmt.Println()
	report.WriteSummary(os.Stdout, report.Summarize(findings))
	// Output:
	// SEVERITY  STATUS  CONTROL                              REGION     RESOURCE                     REASON
	// CRITICAL  FAIL    identity.root-mfa-enabled            -          AWS::::Account:123456789012  The root user has no MFA device.
	// LOW       PASS    dataprotection.s3-bucket-versioning  eu-west-1  arn:aws:s3:::demo-logs       Versioning is enabled.
	//
	// DOMAIN          CRITICAL  HIGH  MEDIUM  LOW  INFORMATIONAL  FAIL  ERROR  PASS  N/A
	// identity        1         0     0       0    0              1     0      0     0
	// dataprotection  0         0     0       0    0              0     0      1     0
	// TOTAL           1         0     0       0    0              1     0      1     0
}

// JSON lines carry the findings exactly as secpillar.Finding marshals.
func ExampleWriteJSONLines() {
	report.WriteJSONLines(os.Stdout, exampleFindings()[1:])
	// Output:
	// {"control":"identity.root-mfa-enabled","status":"FAIL","severity":"CRITICAL","resource":{"type":"AWS::::Account","id":"AWS::::Account:123456789012","account":"123456789012"},"reason":"The root user has no MFA device."}
}

// ASFF findings for Security Hub: the Id is the same on every scan, so a
// re-import updates the finding.
func ExampleASFF() {
	asff := report.ASFF(exampleFindings(), report.ASFFOptions{
		Region: "eu-west-1",
		Now:    time.Date(2026, 3, 14, 9, 0, 0, 0, time.UTC),
	})
	for _, f := range asff {
		fmt.Println(f.GeneratorId, f.Compliance.Status, f.Severity.Label, f.Resources[0].Type)
	}
	fmt.Println(asff[1].ProductArn)
	// Output:
	// secpillar/dataprotection.s3-bucket-versioning PASSED INFORMATIONAL AwsS3Bucket
	// secpillar/identity.root-mfa-enabled FAILED CRITICAL AwsAccount
	// arn:aws:securityhub:eu-west-1:123456789012:product/123456789012/default
}

// OCSF Detection Findings (class 2004) for a security data lake or SIEM.
func ExampleOCSF() {
	for _, f := range report.OCSF(exampleFindings(), report.OCSFOptions{Now: time.Unix(0, 0)}) {
		fmt.Println(f.ClassUID, f.TypeUID, f.SeverityID, f.StatusID, f.Status, f.StatusCode, f.Cloud.Account.UID)
	}
	// Output:
	// 2004 200401 2 4 Resolved PASS 123456789012
	// 2004 200401 5 1 New FAIL 123456789012
}

// Write picks a format by name, as a command-line flag gives it.
func ExampleParseFormat() {
	f, err := report.ParseFormat("JSON")
	fmt.Println(f, err)
	_, err = report.ParseFormat("xml")
	fmt.Println(err)
	// Output:
	// json <nil>
	// report: unknown format "xml" (want table, json, ocsf or asff)
}
