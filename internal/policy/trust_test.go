package policy

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestTrustGrants(t *testing.T) {
	const own = "111122223333"
	tests := []struct {
		name, doc string
		want      []TrustGrant
	}{
		{
			name: "service",
			doc:  `{"Statement":[{"Effect":"Allow","Principal":{"Service":["ec2.amazonaws.com","lambda.amazonaws.com"]},"Action":"sts:AssumeRole"}]}`,
			want: []TrustGrant{{Principal: "ec2.amazonaws.com"}, {Principal: "lambda.amazonaws.com"}},
		},
		{
			name: "own account root and bare ID",
			doc:  `{"Statement":[{"Sid":"Own","Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:root","111122223333"]},"Action":"sts:AssumeRole"}]}`,
			want: []TrustGrant{{Sid: "Own", Principal: "arn:aws:iam::111122223333:root", Account: own}, {Sid: "Own", Principal: own, Account: own}},
		},
		{
			name: "cross-account without external ID",
			doc:  `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:role/deployer"},"Action":"sts:AssumeRole"}]}`,
			want: []TrustGrant{{Principal: "arn:aws:iam::444455556666:role/deployer", Account: "444455556666"}},
		},
		{
			name: "cross-account with external ID",
			doc:  `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"a1b2c3"}}}]}`,
			want: []TrustGrant{{Principal: "444455556666", Account: "444455556666", HasExternalID: true}},
		},
		{
			name: "external ID key and operator case-insensitive, StringLike fixed",
			doc:  `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"STS:assumerole","Condition":{"stringlike":{"STS:EXTERNALID":["x","y"]}}}]}`,
			want: []TrustGrant{{Principal: "444455556666", Account: "444455556666", HasExternalID: true}},
		},
		{
			name: "external ID wildcard does not count",
			doc:  `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"sts:AssumeRole","Condition":{"StringLike":{"sts:ExternalId":"*"}}}]}`,
			want: []TrustGrant{{Principal: "444455556666", Account: "444455556666"}},
		},
		{
			name: "external ID negated does not count",
			doc:  `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"sts:AssumeRole","Condition":{"StringNotEquals":{"sts:ExternalId":"x"}}}]}`,
			want: []TrustGrant{{Principal: "444455556666", Account: "444455556666"}},
		},
		{
			name: "external ID IfExists does not count",
			doc:  `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"sts:AssumeRole","Condition":{"StringEqualsIfExists":{"sts:ExternalId":"x"}}}]}`,
			want: []TrustGrant{{Principal: "444455556666", Account: "444455556666"}},
		},
		{
			name: "external ID empty list does not count",
			doc:  `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":[]}}}]}`,
			want: []TrustGrant{{Principal: "444455556666", Account: "444455556666"}},
		},
		{
			name: "public star",
			doc:  `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}]}`,
			want: []TrustGrant{{Principal: "*", Public: true}},
		},
		{
			name: "public AWS star restricted by org",
			doc:  `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-1"}}}]}`,
			want: []TrustGrant{{Principal: "*"}},
		},
		{
			name: "public AWS star with external ID only",
			doc:  `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"x"}}}]}`,
			want: []TrustGrant{{Principal: "*", HasExternalID: true, Public: true}},
		},
		{
			name: "web identity",
			doc:  `{"Statement":[{"Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"},"Action":"sts:AssumeRoleWithWebIdentity"}]}`,
			want: []TrustGrant{{Principal: "cognito-identity.amazonaws.com", Public: true}},
		},
		{
			name: "OIDC provider ARN",
			doc:  `{"Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity"}]}`,
			want: []TrustGrant{{Principal: "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com", Account: own}},
		},
		{
			name: "SAML",
			doc:  `{"Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:saml-provider/corp"},"Action":"sts:AssumeRoleWithSAML"}]}`,
			want: []TrustGrant{{Principal: "arn:aws:iam::111122223333:saml-provider/corp", Account: own}},
		},
		{
			name: "NotPrincipal",
			doc:  `{"Statement":[{"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"sts:AssumeRole"}]}`,
			want: []TrustGrant{{Principal: "*", Public: true}},
		},
		{
			name: "wildcard action and second statement",
			doc: `{"Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:*"},
				{"Sid":"X","Effect":"Allow","Principal":{"AWS":"arn:aws:sts::444455556666:assumed-role/r/s"},"Action":["sts:TagSession","sts:AssumeRole"]}]}`,
			want: []TrustGrant{{Principal: "ec2.amazonaws.com"}, {Index: 1, Sid: "X", Principal: "arn:aws:sts::444455556666:assumed-role/r/s", Account: "444455556666"}},
		},
		{
			name: "deny and non-assume statements skipped",
			doc: `{"Statement":[{"Effect":"Deny","Principal":"*","Action":"sts:AssumeRole"},
				{"Effect":"Allow","Principal":"*","Action":"sts:TagSession"},
				{"Effect":"Allow","Action":"sts:AssumeRole"}]}`,
			want: nil,
		},
		{
			name: "canonical user and unusual AWS value",
			doc:  `{"Statement":[{"Effect":"Allow","Principal":{"CanonicalUser":"abc","AWS":"AIDAEXAMPLE"},"Action":"sts:AssumeRole"}]}`,
			want: []TrustGrant{{Principal: "AIDAEXAMPLE"}, {Principal: "abc"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, TrustGrants(mustParse(t, tt.doc), own)); diff != "" {
				t.Errorf("TrustGrants (-want +got):\n%s", diff)
			}
		})
	}
	if TrustGrants(nil, own) != nil {
		t.Error("TrustGrants(nil) != nil")
	}
}
