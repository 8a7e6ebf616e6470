// Package detective holds the Detective controls of the AWS Well-Architected
// Security pillar: CloudTrail, AWS Config, CloudWatch alarms, GuardDuty, Security Hub and Macie.
//
// Each control is a typed Check function over a small interface that the
// aws-sdk-go-v2 client satisfies, an entry in Controls, and, where a safe
// automatic fix exists, a typed Remediate function.
package detective
