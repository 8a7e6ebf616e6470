package secpillar

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// RunPermissions are the IAM actions Run itself needs beside the controls'
// own: ec2:DescribeRegions to list the enabled Regions (not needed when
// RunOptions.Regions names them). sts:GetCallerIdentity needs no
// permission. Treat it as read-only.
var RunPermissions = []string{"ec2:DescribeRegions"}

// Policy statement IDs of PolicyDocument.
const (
	ReadStatementID        = "SecPillarRead"
	RemediationStatementID = "SecPillarRemediate"
)

var actionPattern = regexp.MustCompile(`^[A-Za-z0-9-]+:[A-Za-z0-9]+$`)

// policyDocument is an IAM policy document.
type policyDocument struct {
	Version   string            `json:"Version"`
	Statement []policyStatement `json:"Statement"`
}

type policyStatement struct {
	Sid      string   `json:"Sid"`
	Effect   string   `json:"Effect"`
	Action   []string `json:"Action"`
	Resource string   `json:"Resource"`
}

// PolicyDocument returns the minimal IAM identity policy, as indented
// JSON, that lets a principal evaluate controls with Run: every action of
// the controls' Permissions plus RunPermissions, sorted and deduplicated
// (IAM action names are case-insensitive), allowed on Resource "*", in the
// statement ReadStatementID. It is read-only unless withRemediation is
// true, in which case a second statement, RemediationStatementID, allows
// the controls' RemediationPermissions.
//
// A permission that is not "service:Action" (a wildcard, a space, no
// prefix) is an error naming the control. Attach the document to the role
// that RunOrganization assumes; the scanning principal in the management
// account needs organizations:ListAccounts and sts:AssumeRole on that
// role besides. For the whole catalogue the document may exceed the 6,144
// characters of a managed policy: split the controls, or use it as an
// inline policy (10,240 characters per role).
func PolicyDocument(controls []Control, withRemediation bool) (string, error) {
	read := map[string]string{}
	write := map[string]string{}
	add := func(set map[string]string, c Control, actions []string, field string) error {
		for _, a := range actions {
			if !actionPattern.MatchString(a) {
				return fmt.Errorf("secpillar: policy document: control %q: %s entry %q is not an IAM action (service:Action)", c.ID, field, a)
			}
			prefix, name, _ := strings.Cut(a, ":")
			key := strings.ToLower(a)
			if _, ok := set[key]; !ok {
				set[key] = strings.ToLower(prefix) + ":" + name
			}
		}
		return nil
	}
	for _, a := range RunPermissions {
		read[strings.ToLower(a)] = a
	}
	for _, c := range controls {
		if err := add(read, c, c.Permissions, "Permissions"); err != nil {
			return "", err
		}
		if withRemediation {
			if err := add(write, c, c.RemediationPermissions, "RemediationPermissions"); err != nil {
				return "", err
			}
		}
	}
	doc := policyDocument{Version: "2012-10-17"}
	doc.Statement = append(doc.Statement, policyStatement{Sid: ReadStatementID, Effect: "Allow", Action: sortedValues(read), Resource: "*"})
	if len(write) > 0 {
		doc.Statement = append(doc.Statement, policyStatement{Sid: RemediationStatementID, Effect: "Allow", Action: sortedValues(write), Resource: "*"})
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return "", fmt.Errorf("secpillar: policy document: %w", err)
	}
	return string(b), nil
}

// sortedValues returns the values of m sorted by their lower-case keys.
func sortedValues(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = m[k]
	}
	return out
}

// iamPrefixes maps SDK service IDs to IAM service prefixes.
var iamPrefixes = map[string]string{
	"AccessAnalyzer":            "access-analyzer",
	"Account":                   "account",
	"Auto Scaling":              "autoscaling",
	"CloudFormation":            "cloudformation",
	"CloudFront":                "cloudfront",
	"CloudTrail":                "cloudtrail",
	"CloudWatch":                "cloudwatch",
	"CloudWatch Logs":           "logs",
	"Config Service":            "config",
	"EC2":                       "ec2",
	"ECR":                       "ecr",
	"Elastic Load Balancing v2": "elasticloadbalancing",
	"Elastic Load Balancing":    "elasticloadbalancing",
	"EventBridge":               "events",
	"Global Accelerator":        "globalaccelerator",
	"GuardDuty":                 "guardduty",
	"IAM":                       "iam",
	"Inspector2":                "inspector2",
	"KMS":                       "kms",
	"Lambda":                    "lambda",
	"Macie2":                    "macie2",
	"Organizations":             "organizations",
	"RDS":                       "rds",
	"Route 53":                  "route53",
	"S3":                        "s3",
	"S3 Control":                "s3",
	"SecurityHub":               "securityhub",
	"SFN":                       "states",
	"Shield":                    "shield",
	"SNS":                       "sns",
	"SQS":                       "sqs",
	"STS":                       "sts",
	"WAFV2":                     "wafv2",
}

// iamActionNames holds the operations whose IAM action is not named
// after them, by "<service ID>.<operation>". An empty value means the
// operation needs no permission.
var iamActionNames = map[string]string{
	"STS.GetCallerIdentity": "",

	"S3.ListBuckets":                        "ListAllMyBuckets",
	"S3.HeadBucket":                         "ListBucket",
	"S3.ListObjects":                        "ListBucket",
	"S3.ListObjectsV2":                      "ListBucket",
	"S3.ListObjectVersions":                 "ListBucketVersions",
	"S3.GetBucketEncryption":                "GetEncryptionConfiguration",
	"S3.PutBucketEncryption":                "PutEncryptionConfiguration",
	"S3.DeleteBucketEncryption":             "PutEncryptionConfiguration",
	"S3.GetPublicAccessBlock":               "GetBucketPublicAccessBlock",
	"S3.PutPublicAccessBlock":               "PutBucketPublicAccessBlock",
	"S3.DeletePublicAccessBlock":            "PutBucketPublicAccessBlock",
	"S3.GetBucketLifecycleConfiguration":    "GetLifecycleConfiguration",
	"S3.PutBucketLifecycleConfiguration":    "PutLifecycleConfiguration",
	"S3.GetBucketReplication":               "GetReplicationConfiguration",
	"S3.PutBucketReplication":               "PutReplicationConfiguration",
	"S3.GetObjectLockConfiguration":         "GetBucketObjectLockConfiguration",
	"S3.PutObjectLockConfiguration":         "PutBucketObjectLockConfiguration",
	"S3.GetBucketNotificationConfiguration": "GetBucketNotification",
	"S3.PutBucketNotificationConfiguration": "PutBucketNotification",
	"S3.GetBucketCors":                      "GetBucketCORS",
	"S3.PutBucketCors":                      "PutBucketCORS",
	"S3.GetBucketAccelerateConfiguration":   "GetAccelerateConfiguration",
	"S3.DeleteBucketOwnershipControls":      "PutBucketOwnershipControls",
	"S3.DeleteBucketTagging":                "PutBucketTagging",

	"S3 Control.GetPublicAccessBlock":    "GetAccountPublicAccessBlock",
	"S3 Control.PutPublicAccessBlock":    "PutAccountPublicAccessBlock",
	"S3 Control.DeletePublicAccessBlock": "PutAccountPublicAccessBlock",
}

// IAMAction returns the IAM action ("s3:ListAllMyBuckets") that an SDK
// call needs, from the client's service ID (its ServiceID constant, such
// as "S3" or "Elastic Load Balancing v2") and the operation name
// ("ListBuckets"). needed is false for a call that needs no permission
// (sts:GetCallerIdentity); ok is false for a service this table does not
// know.
func IAMAction(serviceID, operation string) (action string, needed, ok bool) {
	prefix, ok := iamPrefixes[serviceID]
	if !ok {
		return "", false, false
	}
	name, renamed := iamActionNames[serviceID+"."+operation]
	if !renamed {
		name = operation
	}
	if name == "" {
		return "", false, true
	}
	return prefix + ":" + name, true, true
}
