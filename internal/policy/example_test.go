package policy_test

import (
	"encoding/json"
	"fmt"

	"github.com/secpillar/secpillar/internal/policy"
)

// A bucket policy is plain JSON: parse it and ask whether it is public.
func ExamplePublicStatements() {
	bucketPolicy := `{
	  "Version": "2012-10-17",
	  "Statement": [
	    {"Sid": "OrgRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
	     "Resource": "arn:aws:s3:::example-bucket/*",
	     "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}},
	    {"Sid": "Website", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "s3:GetObject",
	     "Resource": "arn:aws:s3:::example-bucket/site/*",
	     "Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}}
	  ]
	}`
	d, err := policy.Parse(bucketPolicy)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range policy.PublicStatements(d, policy.PublicOptions{BucketPolicy: true, Account: "111122223333"}) {
		fmt.Println(p.Index, p.Sid)
		fmt.Println(p.Reason)
	}
	// Output:
	// 1 Website
	// statement 1 (Sid "Website") allows principal "*" and its conditions do not restrict it to specific accounts, networks or organizations
}

// IAM returns documents URL-encoded: ParseIAM decodes them first.
func ExampleIsAdmin() {
	encoded := "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C" +
		"%22NotAction%22%3A%22iam%3A%2A%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D"
	d, err := policy.ParseIAM(encoded)
	if err != nil {
		fmt.Println(err)
		return
	}
	admin, why := policy.IsAdmin(d)
	fmt.Println(admin, why)
	// Output:
	// true statement 0 allows every action except ["iam:*"] (NotAction) on Resource "*"
}

// Trust policies: who can assume the role, from which account, with or
// without an external ID.
func ExampleTrustGrants() {
	trust := `{"Version":"2012-10-17","Statement":[
	  {"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"},
	  {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"sts:AssumeRole",
	   "Condition":{"StringEquals":{"sts:ExternalId":"c2VjcGlsbGFy"}}}]}`
	d, err := policy.Parse(trust)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, g := range policy.TrustGrants(d, "111122223333") {
		fmt.Printf("%s account=%q external-id=%v public=%v\n", g.Principal, g.Account, g.HasExternalID, g.Public)
	}
	// Output:
	// ec2.amazonaws.com account="" external-id=false public=false
	// arn:aws:iam::444455556666:root account="444455556666" external-id=true public=false
}

// Merge a statement into a policy by its Sid: other statements are kept
// byte for byte, and a second run returns the document unchanged.
func ExampleUpsertStatement() {
	current := `{"Version":"2012-10-17","Statement":[{"Sid":"Logs","Effect":"Allow","Principal":{"Service":"logging.s3.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::example-bucket/logs/*"}]}`
	deny := json.RawMessage(`{"Sid":"DenyInsecureTransport","Effect":"Deny","Principal":"*","Action":"s3:*",
	  "Resource":["arn:aws:s3:::example-bucket","arn:aws:s3:::example-bucket/*"],
	  "Condition":{"Bool":{"aws:SecureTransport":"false"}}}`)
	updated, err := policy.UpsertStatement(current, "DenyInsecureTransport", deny)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(updated)
	again, _ := policy.UpsertStatement(updated, "DenyInsecureTransport", deny)
	fmt.Println(again == updated)
	// Output:
	// {"Version":"2012-10-17","Statement":[{"Sid":"Logs","Effect":"Allow","Principal":{"Service":"logging.s3.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::example-bucket/logs/*"},{"Sid":"DenyInsecureTransport","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::example-bucket","arn:aws:s3:::example-bucket/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}
	// true
}
