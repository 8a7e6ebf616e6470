// Package detective holds the Detective controls of the AWS Well-Architected
// Security pillar: CloudTrail, AWS Config, CloudWatch alarms, GuardDuty,
// Security Hub and Macie, and an exporter of findings to Security Hub.
//
// Each control is a typed Check function over a small interface that the
// aws-sdk-go-v2 client satisfies, an entry in Controls, and, where a safe
// automatic fix exists, a typed Remediate function.
//
// # Trails
//
// A multi-Region trail is visible in every Region as a "shadow" trail.
// Per-trail controls (log validation, KMS, CloudWatch Logs, the trail
// bucket) evaluate each trail once, in its home Region, and a Region where
// no trail is homed gets one NOT_APPLICABLE finding. Account-wide
// controls (multi-Region logging, S3 data events, the alarms) read every
// trail visible from the home Region and read each trail's status and
// selectors in its own home Region. Basic and advanced event selectors
// are both understood; remediations add a selector and keep every
// existing one. Organization trails count; they can only be changed from
// the management account.
//
// # Alarms
//
// The fifteen CIS 4.x alarm controls (detective.alarm-*) pass only with
// the whole chain: a multi-Region trail logging all management events ->
// its CloudWatch Logs group -> a metric filter whose pattern covers every
// required event (parsed and evaluated, so quoting, spacing and clause
// order do not matter) -> an alarm on that metric with an enabled action
// -> an SNS topic with a confirmed subscription. ReadAlarmChains makes the
// same requests for all fifteen, so a run shares them.
//
// # Exporting
//
// ExportToSecurityHub converts findings to ASFF with report.ASFF (the one
// conversion, within Security Hub's field limits) and imports them in
// batches of at most 100 findings and 6 MB, reporting the findings
// Security Hub rejects.
package detective
