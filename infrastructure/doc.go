// Package infrastructure holds the Infrastructure protection controls of the AWS Well-Architected
// Security pillar: VPC security groups and NACLs, flow logs, EC2 instance metadata, CloudFront, WAF, Shield and Inspector.
//
// Each control is a typed Check function over a small interface that the
// aws-sdk-go-v2 client satisfies, an entry in Controls, and, where a safe
// automatic fix exists, a typed Remediate function.
package infrastructure
