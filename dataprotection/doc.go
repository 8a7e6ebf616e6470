// Package dataprotection holds the Data protection controls of the AWS
// Well-Architected Security pillar: KMS, S3, RDS, EBS, AMIs, encryption in
// transit and data classification.
//
// Each control is a typed Check function over a small interface that the
// aws-sdk-go-v2 client satisfies, an entry in Controls, and, where a safe
// automatic fix exists, a typed Remediate function that reads, writes only
// the difference, re-reads to verify, makes no write in a dry run or when
// the resource already complies, and never deletes what it did not author.
//
// S3 exposure follows AWS's own meaning of "public": account-level and
// bucket-level Block Public Access are combined (a missing configuration
// means all four flags are off), an ACL is public when it grants to
// AllUsers or AuthenticatedUsers, a policy when internal/policy finds a
// public statement; RestrictPublicBuckets at either level neutralises a
// public policy and IgnorePublicAcls a public ACL, and such buckets PASS
// with that in the evidence. The remediation turns Block Public Access on
// and never touches the policy.
//
// Reads are kept cheap: ListBuckets is paginated and its BucketRegion
// routes every bucket call to the bucket's Region; the account-level flags
// are read once; per bucket only the sub-documents a control needs are
// read (none at all when the account-level flags already neutralise ACLs
// and policies). Public EBS snapshots and AMIs come from one Describe call
// per Region that asks for what anyone can use, not one call per resource.
//
// Every bucket control accepts S3BucketOptions.Buckets to evaluate only
// named buckets, so that other packages (the CloudTrail bucket checks of
// detective) reuse CheckS3BucketNotPublic and CheckS3BucketAccessLogging.
//
// There is deliberately no "default encryption enabled" control for S3:
// every bucket has been encrypted (SSE-S3) since January 2023.
package dataprotection
