// Package infrastructure holds the Infrastructure protection controls of
// the AWS Well-Architected Security pillar: VPC security groups and network
// ACLs, flow logs, subnets and public addresses, EC2 instance metadata
// (IMDSv2), CloudFront, AWS WAF, Shield Advanced and Amazon Inspector.
//
// Each control is a typed Check function over a small interface that the
// aws-sdk-go-v2 client satisfies, an entry in Controls, and, where a safe
// automatic fix exists, a typed Remediate function.
//
// # Reachability
//
// Security group checks read the Region's rules with one paginated walk of
// DescribeSecurityGroupRules (plus one of DescribeSecurityGroups, because a
// group without rules never appears in the rule listing and must still be
// reported), never a call per group; the port controls and the default
// group control make identical reads, so Run shares them. A rule is open to
// the internet when its source is 0.0.0.0/0 or ::/0; rules whose source is
// a prefix list or a security group are not. Port ranges and protocol -1
// (all traffic) are understood, for TCP and UDP. Network ACL entries are
// evaluated in rule-number order, the first match deciding: an allow that
// an earlier internet-wide deny shadows is not open. Remediations revoke
// exactly the offending rules by rule ID, or delete exactly the offending
// ACL entries, under the RemediateOptions.MaxResources guard.
//
// # Regions and global services
//
// Regional controls evaluate the Region of the client (cfg.Region in the
// catalogue). Functions whose AWS answers carry no ARN take the Region as
// an argument to build one. CloudFront and Shield's subscription are
// account-wide. AWS WAF web ACLs of CLOUDFRONT scope are served by
// us-east-1: the WAF controls evaluate REGIONAL web ACLs in every Region
// and CLOUDFRONT ones in us-east-1. Likewise the Shield Advanced protection
// control evaluates a Region's load balancers and Elastic IPs there, and
// the global resources (distributions, public hosted zones, accelerators)
// in us-east-1, so that each resource is reported once.
//
// # CloudFront updates
//
// CloudFront remediations read the distribution configuration with its
// ETag, change only the field they own on a copy, and write it back with
// IfMatch. When the ETag is stale (someone changed the distribution in
// between) they read again and recompute once, then fail with a clear
// error; nothing else in the configuration is touched.
//
// # What is never automatic
//
// No function subscribes to Shield Advanced (a paid commitment), creates
// log destinations, buckets, roles or web ACLs, or replaces an existing
// web ACL association or logging configuration. Remediations that need
// such a target from the caller (flow logs, WAF logging, CloudFront
// logging and web ACL, ALB web ACL) have no catalogue adapter.
package infrastructure
