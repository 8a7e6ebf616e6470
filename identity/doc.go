// Package identity holds the Identity controls of the AWS Well-Architected
// Security pillar: IAM, STS, Organizations, MFA and account settings.
//
// Each control is a typed Check function over a small interface that the
// aws-sdk-go-v2 client satisfies, an entry in Controls, and, where a safe
// automatic fix exists, a typed Remediate function.
package identity
