// Package incident holds the Incident response controls of the AWS Well-Architected
// Security pillar: containment of keys, sessions and instances, EventBridge alerting and CloudFormation recovery.
//
// Each control is a typed Check function over a small interface that the
// aws-sdk-go-v2 client satisfies, an entry in Controls, and, where a safe
// automatic fix exists, a typed Remediate function.
package incident
