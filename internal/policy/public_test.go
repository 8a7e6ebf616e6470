package policy

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// stmtDoc builds a one-statement Allow document with the given principal
// and condition JSON ("" for none).
func stmtDoc(effect, principal, condition string) string {
	s := fmt.Sprintf(`{"Effect":%q,%s,"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"`, effect, principal)
	if condition != "" {
		s += `,"Condition":` + condition
	}
	return `{"Version":"2012-10-17","Statement":[` + s + `}]}`
}

func TestIsPublic(t *testing.T) {
	const (
		star     = `"Principal":"*"`
		awsStar  = `"Principal":{"AWS":"*"}`
		awsStarL = `"Principal":{"AWS":["arn:aws:iam::111122223333:root","*"]}`
	)
	bucket := PublicOptions{BucketPolicy: true, Account: "111122223333"}
	kms := PublicOptions{KMS: true, Account: "111122223333"}
	tests := []struct {
		name      string
		principal string
		condition string
		effect    string // default Allow
		opts      PublicOptions
		want      bool
	}{
		// Principals.
		{name: "principal star", principal: star, want: true},
		{name: "AWS star", principal: awsStar, want: true},
		{name: "AWS star in a list", principal: awsStarL, want: true},
		{name: "AWS partial wildcard", principal: `"Principal":{"AWS":"arn:aws:iam::*:root"}`, want: true},
		{name: "federated web identity cognito", principal: `"Principal":{"Federated":"cognito-identity.amazonaws.com"}`, want: true},
		{name: "federated web identity google", principal: `"Principal":{"Federated":"accounts.google.com"}`, want: true},
		{name: "federated SAML provider ARN", principal: `"Principal":{"Federated":"arn:aws:iam::111122223333:saml-provider/corp"}`, want: false},
		{name: "NotPrincipal with Allow", principal: `"NotPrincipal":{"AWS":"arn:aws:iam::111122223333:root"}`, want: true},
		{name: "NotPrincipal with Deny", principal: `"NotPrincipal":{"AWS":"arn:aws:iam::111122223333:root"}`, effect: "Deny", want: false},
		{name: "Deny star", principal: star, effect: "Deny", want: false},
		{name: "service principal", principal: `"Principal":{"Service":"cloudtrail.amazonaws.com"}`, want: false},
		{name: "service principals list", principal: `"Principal":{"Service":["cloudtrail.amazonaws.com","config.amazonaws.com"]}`, want: false},
		{name: "own account root", principal: `"Principal":{"AWS":"arn:aws:iam::111122223333:root"}`, opts: kms, want: false},
		{name: "own bare account", principal: `"Principal":{"AWS":"111122223333"}`, opts: bucket, want: false},
		{name: "other account", principal: `"Principal":{"AWS":"arn:aws:iam::444455556666:role/r"}`, want: false},
		{name: "canonical user", principal: `"Principal":{"CanonicalUser":"79a59df900b949e55d96a1e698fbaced"}`, want: false},
		{name: "empty principal map", principal: `"Principal":{}`, want: false},

		// Restricting keys with fixed values.
		{name: "SourceIp range", principal: star, condition: `{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`, want: false},
		{name: "SourceIp single address", principal: star, condition: `{"IpAddress":{"aws:SourceIp":"203.0.113.7"}}`, want: false},
		{name: "SourceIp IPv6 range", principal: star, condition: `{"IpAddress":{"aws:SourceIp":["2001:db8::/32","203.0.113.0/24"]}}`, want: false},
		{name: "SourceIp 0.0.0.0/0", principal: star, condition: `{"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}}`, want: true},
		{name: "SourceIp ::/0", principal: star, condition: `{"IpAddress":{"aws:SourceIp":"::/0"}}`, want: true},
		{name: "SourceIp any /0", principal: star, condition: `{"IpAddress":{"aws:SourceIp":"10.0.0.0/0"}}`, want: true},
		{name: "SourceIp /0 among specific", principal: star, condition: `{"IpAddress":{"aws:SourceIp":["203.0.113.0/24","0.0.0.0/0"]}}`, want: true},
		{name: "SourceIp not an address", principal: star, condition: `{"IpAddress":{"aws:SourceIp":"anywhere"}}`, want: true},
		{name: "SourceIp with string operator", principal: star, condition: `{"StringEquals":{"aws:SourceIp":"203.0.113.7"}}`, want: true},
		{name: "IpAddress on another key", principal: star, condition: `{"IpAddress":{"aws:SourceVpc":"10.0.0.0/8"}}`, want: true},
		{name: "SourceArn", principal: star, condition: `{"ArnEquals":{"aws:SourceArn":"arn:aws:cloudtrail:us-east-1:111122223333:trail/t"}}`, want: false},
		{name: "SourceArn ArnLike fixed", principal: star, condition: `{"ArnLike":{"aws:SourceArn":"arn:aws:sns:us-east-1:111122223333:topic"}}`, want: false},
		{name: "SourceArn wildcard", principal: star, condition: `{"ArnLike":{"aws:SourceArn":"arn:aws:sns:us-east-1:*:topic"}}`, want: true},
		{name: "SourceVpc", principal: star, condition: `{"StringEquals":{"aws:SourceVpc":"vpc-1a2b3c4d"}}`, want: false},
		{name: "SourceVpce", principal: star, condition: `{"StringEquals":{"aws:SourceVpce":["vpce-1a2b3c4d","vpce-5e6f"]}}`, want: false},
		{name: "SourceAccount", principal: star, condition: `{"StringEquals":{"aws:SourceAccount":"111122223333"}}`, want: false},
		{name: "SourceOwner", principal: star, condition: `{"StringEquals":{"aws:SourceOwner":"111122223333"}}`, want: false},
		{name: "PrincipalOrgID", principal: star, condition: `{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}`, want: false},
		{name: "PrincipalAccount", principal: star, condition: `{"StringEquals":{"aws:PrincipalAccount":"111122223333"}}`, want: false},
		{name: "PrincipalArn", principal: star, condition: `{"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/r"}}`, want: false},
		{name: "PrincipalArn account wildcard", principal: star, condition: `{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/r"}}`, want: true},
		{name: "userid fixed", principal: star, condition: `{"StringEquals":{"aws:userid":"AIDAEXAMPLEUSERID"}}`, want: false},
		{name: "userid role sessions", principal: star, condition: `{"StringLike":{"aws:userid":"AROAEXAMPLEROLEID:*"}}`, want: false},
		{name: "userid other wildcard", principal: star, condition: `{"StringLike":{"aws:userid":"AIDA*"}}`, want: true},
		{name: "userid role prefix wildcard", principal: star, condition: `{"StringLike":{"aws:userid":"AROA*:*"}}`, want: true},
		{name: "userid bare star", principal: star, condition: `{"StringLike":{"aws:userid":"*"}}`, want: true},
		{name: "kms key id", principal: star, condition: `{"StringEquals":{"s3:x-amz-server-side-encryption-aws-kms-key-id":"arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}}`, want: false},
		{name: "DataAccessPointAccount", principal: star, condition: `{"StringEquals":{"s3:DataAccessPointAccount":"111122223333"}}`, want: false},
		{name: "DataAccessPointArn fixed", principal: star, condition: `{"StringEquals":{"s3:DataAccessPointArn":"arn:aws:s3:us-east-1:111122223333:accesspoint/ap"}}`, want: false},
		{name: "DataAccessPointArn wildcard name in bucket policy", principal: star, condition: `{"StringLike":{"s3:DataAccessPointArn":"arn:aws:s3:us-east-1:111122223333:accesspoint/*"}}`, opts: bucket, want: false},
		{name: "DataAccessPointArn wildcard name elsewhere", principal: star, condition: `{"StringLike":{"s3:DataAccessPointArn":"arn:aws:s3:us-east-1:111122223333:accesspoint/*"}}`, want: true},
		{name: "DataAccessPointArn wildcard account", principal: star, condition: `{"StringLike":{"s3:DataAccessPointArn":"arn:aws:s3:us-east-1:*:accesspoint/*"}}`, opts: bucket, want: true},
		{name: "DataAccessPointArn wildcard region", principal: star, condition: `{"StringLike":{"s3:DataAccessPointArn":"arn:aws:s3:*:111122223333:accesspoint/ap"}}`, opts: bucket, want: true},
		{name: "DataAccessPointArn policy variable", principal: star, condition: `{"StringLike":{"s3:DataAccessPointArn":"arn:aws:s3:us-east-1:111122223333:accesspoint/${aws:username}"}}`, opts: bucket, want: true},
		{name: "kms CallerAccount in key policy", principal: star, condition: `{"StringEquals":{"kms:CallerAccount":"111122223333"}}`, opts: kms, want: false},
		{name: "kms CallerAccount outside key policy", principal: star, condition: `{"StringEquals":{"kms:CallerAccount":"111122223333"}}`, want: true},
		{name: "kms ViaService alone", principal: star, condition: `{"StringEquals":{"kms:ViaService":"s3.us-east-1.amazonaws.com"}}`, opts: kms, want: true},
		{name: "kms ViaService with CallerAccount", principal: star, condition: `{"StringEquals":{"kms:ViaService":"s3.us-east-1.amazonaws.com","kms:CallerAccount":"111122223333"}}`, opts: kms, want: false},

		// Operators.
		{name: "StringEqualsIgnoreCase", principal: star, condition: `{"StringEqualsIgnoreCase":{"aws:SourceVpc":"vpc-1"}}`, want: false},
		{name: "operator case-insensitive", principal: star, condition: `{"stringequals":{"aws:SourceVpc":"vpc-1"}}`, want: false},
		{name: "key case-insensitive", principal: star, condition: `{"StringEquals":{"AWS:PRINCIPALORGID":"o-1"}}`, want: false},
		{name: "StringNotEquals", principal: star, condition: `{"StringNotEquals":{"aws:SourceVpc":"vpc-1"}}`, want: true},
		{name: "StringNotLike", principal: star, condition: `{"StringNotLike":{"aws:PrincipalOrgID":"o-1"}}`, want: true},
		{name: "ArnNotEquals", principal: star, condition: `{"ArnNotEquals":{"aws:SourceArn":"arn:aws:sns:us-east-1:111122223333:t"}}`, want: true},
		{name: "NotIpAddress", principal: star, condition: `{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`, want: true},
		{name: "IfExists", principal: star, condition: `{"StringEqualsIfExists":{"aws:SourceVpc":"vpc-1"}}`, want: true},
		{name: "IpAddressIfExists", principal: star, condition: `{"IpAddressIfExists":{"aws:SourceIp":"203.0.113.0/24"}}`, want: true},
		{name: "ForAllValues", principal: star, condition: `{"ForAllValues:StringEquals":{"aws:PrincipalOrgID":"o-1"}}`, want: true},
		{name: "ForAnyValue positive", principal: star, condition: `{"ForAnyValue:StringEquals":{"aws:PrincipalOrgID":"o-1"}}`, want: false},
		{name: "ForAnyValue negated", principal: star, condition: `{"ForAnyValue:StringNotEquals":{"aws:PrincipalOrgID":"o-1"}}`, want: true},
		{name: "ForAnyValue IfExists", principal: star, condition: `{"ForAnyValue:StringEqualsIfExists":{"aws:PrincipalOrgID":"o-1"}}`, want: true},
		{name: "Null operator", principal: star, condition: `{"Null":{"aws:SourceVpce":"false"}}`, want: true},
		{name: "Bool SecureTransport", principal: star, condition: `{"Bool":{"aws:SecureTransport":"true"}}`, want: true},

		// Values.
		{name: "star value", principal: star, condition: `{"StringLike":{"aws:SourceAccount":"*"}}`, want: true},
		{name: "question mark value", principal: star, condition: `{"StringLike":{"aws:SourceAccount":"11112222333?"}}`, want: true},
		{name: "policy variable value", principal: star, condition: `{"StringEquals":{"aws:PrincipalArn":"${aws:username}"}}`, want: true},
		{name: "one wildcard among fixed values", principal: star, condition: `{"StringLike":{"aws:SourceVpce":["vpce-1","vpce-*"]}}`, want: true},
		{name: "empty value list", principal: star, condition: `{"StringEquals":{"aws:SourceAccount":[]}}`, want: true},
		{name: "unlisted key", principal: star, condition: `{"StringEquals":{"aws:username":"alice"}}`, want: true},
		{name: "unlisted key with a listed one", principal: star, condition: `{"StringEquals":{"aws:username":"alice"},"StringLike":{"aws:SourceAccount":"111122223333"}}`, want: false},
		{name: "negated plus positive", principal: star, condition: `{"StringNotEquals":{"aws:SourceVpc":"vpc-2"},"StringEquals":{"aws:SourceVpc":"vpc-1"}}`, want: false},
		{name: "empty condition", principal: star, condition: `{}`, want: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			effect := tt.effect
			if effect == "" {
				effect = "Allow"
			}
			d := mustParse(t, stmtDoc(effect, tt.principal, tt.condition))
			if got := IsPublic(d, tt.opts); got != tt.want {
				t.Errorf("IsPublic = %v, want %v (%+v)", got, tt.want, PublicStatements(d, tt.opts))
			}
		})
	}
}

func TestPublicStatements(t *testing.T) {
	// A key policy: the default root statement, a service statement, a
	// restricted statement and two public ones.
	doc := `{"Version":"2012-10-17","Id":"key-default-1","Statement":[
		{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"},
		{"Sid":"CloudTrail","Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"kms:GenerateDataKey*","Resource":"*"},
		{"Sid":"ViaS3","Effect":"Allow","Principal":{"AWS":"*"},"Action":["kms:Decrypt"],"Resource":"*","Condition":{"StringEquals":{"kms:ViaService":"s3.us-east-1.amazonaws.com"}}},
		{"Effect":"Deny","Principal":"*","Action":"kms:*","Resource":"*"},
		{"Sid":"Org","Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"*","Condition":{"StringEquals":{"kms:CallerAccount":"111122223333"}}},
		{"Effect":"Allow","Principal":"*","Action":"kms:Encrypt","Resource":"*"}]}`
	d := mustParse(t, doc)
	want := []PublicStatement{
		{Index: 2, Sid: "ViaS3", Reason: `statement 2 (Sid "ViaS3") allows principal "*" and its conditions do not restrict it to specific accounts, networks or organizations`},
		{Index: 5, Reason: `statement 5 allows principal "*" with no condition restricting it`},
	}
	if diff := cmp.Diff(want, PublicStatements(d, PublicOptions{KMS: true, Account: "111122223333"})); diff != "" {
		t.Errorf("PublicStatements (-want +got):\n%s", diff)
	}
	// Without KMS, kms:CallerAccount does not restrict.
	if got := len(PublicStatements(d, PublicOptions{})); got != 3 {
		t.Errorf("PublicStatements without KMS: %d statements, want 3", got)
	}
	if PublicStatements(nil, PublicOptions{}) != nil || IsPublic(nil, PublicOptions{}) {
		t.Error("nil document is public")
	}
	d2 := mustParse(t, `{"Statement":[{"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:user/u"},"Action":"s3:*"},
		{"Effect":"Allow","Principal":{"Federated":"graph.facebook.com"},"Action":"sts:AssumeRoleWithWebIdentity"}]}`)
	want2 := []PublicStatement{
		{Index: 0, Reason: "statement 0 allows every principal except its NotPrincipal list with no condition restricting it"},
		{Index: 1, Reason: `statement 1 allows federated web identity "graph.facebook.com" with no condition restricting it`},
	}
	if diff := cmp.Diff(want2, PublicStatements(d2, PublicOptions{})); diff != "" {
		t.Errorf("PublicStatements (-want +got):\n%s", diff)
	}
}

func TestIsPublicACLGrantee(t *testing.T) {
	tests := []struct {
		uri  string
		want bool
	}{
		{"http://acs.amazonaws.com/groups/global/AllUsers", true},
		{"https://acs.amazonaws.com/groups/global/AllUsers", true},
		{"http://acs.amazonaws.com/groups/global/AuthenticatedUsers", true},
		{"https://acs.amazonaws.com/groups/global/AuthenticatedUsers", true},
		{"http://acs.amazonaws.com/groups/s3/LogDelivery", false},
		{"", false},
		{"acs.amazonaws.com/groups/global/AllUsers", false},
		{"http://acs.amazonaws.com/groups/global/AllUsersX", false},
		{"http://example.com/groups/global/AllUsers", false},
	}
	for _, tt := range tests {
		if got := IsPublicACLGrantee(tt.uri); got != tt.want {
			t.Errorf("IsPublicACLGrantee(%q) = %v, want %v", tt.uri, got, tt.want)
		}
	}
}
