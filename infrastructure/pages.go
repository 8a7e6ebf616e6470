package infrastructure

import (
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/arn"
)

// regionOfARN returns the Region field of an ARN, or "" when s is not an
// ARN.
func regionOfARN(s string) string {
	a, err := arn.Parse(s)
	if err != nil {
		return ""
	}
	return a.Region
}

// accountOfARN returns the account field of an ARN, or "".
func accountOfARN(s string) string {
	a, err := arn.Parse(s)
	if err != nil {
		return ""
	}
	return a.AccountID
}

// ec2ResourceFromARN returns the Region and resource ID of an EC2 ARN of
// the given type ("security-group", "network-acl", ...), or an error
// naming the ARN.
func ec2ResourceFromARN(s, typ string) (region, id string, err error) {
	a, err := arn.Parse(s)
	if err != nil {
		return "", "", fmt.Errorf("infrastructure: %q is not an ARN: %w", s, err)
	}
	rest, ok := strings.CutPrefix(a.Resource, typ+"/")
	if a.Service != "ec2" || !ok || rest == "" {
		return "", "", fmt.Errorf("infrastructure: %q is not an EC2 %s ARN", s, typ)
	}
	return a.Region, rest, nil
}

// ec2ARN builds the ARN of an EC2 resource.
func ec2ARN(region, account, typ, id string) string {
	return "arn:aws:ec2:" + region + ":" + account + ":" + typ + "/" + id
}

func joinOrNone(xs []string) string {
	if len(xs) == 0 {
		return "none"
	}
	return strings.Join(xs, ",")
}

// ec2IDOrARN accepts an EC2 resource ID (such as "acl-0123...") or its
// ARN, and returns the ID and the ID a remediation reports its resource
// under: the ARN when one was given (so that it matches the finding),
// else the plain ID.
func ec2IDOrARN(s, typ, prefix string) (id, reported string, err error) {
	reported = s
	if strings.HasPrefix(s, "arn:") {
		if _, s, err = ec2ResourceFromARN(s, typ); err != nil {
			return "", "", err
		}
	}
	if !strings.HasPrefix(s, prefix) || len(s) <= len(prefix) {
		return "", "", fmt.Errorf("infrastructure: %q is not a %s ID (%s...) or ARN", reported, typ, prefix)
	}
	return s, reported, nil
}
