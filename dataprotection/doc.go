// Package dataprotection holds the Data protection controls of the AWS Well-Architected
// Security pillar: KMS, S3, RDS, EBS, AMIs and encryption in transit.
//
// Each control is a typed Check function over a small interface that the
// aws-sdk-go-v2 client satisfies, an entry in Controls, and, where a safe
// automatic fix exists, a typed Remediate function.
package dataprotection
