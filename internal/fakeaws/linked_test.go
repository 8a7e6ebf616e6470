package fakeaws_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/google/go-cmp/cmp"

	"github.com/secpillar/secpillar/internal/awserr"
	"github.com/secpillar/secpillar/internal/fakeaws"
)

func assumed(cfg aws.Config, account, role, externalID string) aws.Config {
	c := cfg.Copy()
	c.Credentials = aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(sts.NewFromConfig(cfg), "arn:aws:iam::"+account+":role/"+role,
		func(o *stscreds.AssumeRoleOptions) { o.ExternalID = aws.String(externalID) }))
	return c
}

func TestOrgConfigRoutesAssumedCredentials(t *testing.T) {
	ctx := context.Background()
	root, member := fakeaws.New("111111111111"), fakeaws.New("222222222222")
	member.AddAuditRole("audit/SecPillarAudit", root.ID, "ext-1")
	cfg := fakeaws.OrgConfig(root, member)

	id, err := sts.NewFromConfig(assumed(cfg, member.ID, "audit/SecPillarAudit", "ext-1")).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(id.Account); got != member.ID {
		t.Errorf("Account = %q, want the member %q", got, member.ID)
	}
	if diff := cmp.Diff(map[string]int{"STS.AssumeRole": 1}, root.CallCounts()); diff != "" {
		t.Errorf("root calls (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]int{"STS.GetCallerIdentity": 1}, member.CallCounts()); diff != "" {
		t.Errorf("member calls (-want +got):\n%s", diff)
	}

	// Root's own credentials still reach root.
	id, err = sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(id.Account) != root.ID {
		t.Errorf("root identity = %v, %v", aws.ToString(id.Account), err)
	}
}

func TestAssumeRoleRefusals(t *testing.T) {
	ctx := context.Background()
	root, member, stranger := fakeaws.New("111111111111"), fakeaws.New("222222222222"), fakeaws.New("333333333333")
	member.AddAuditRole("SecPillarAudit", root.ID, "ext-1")
	stranger.AddAuditRole("SecPillarAudit", "999999999999", "")
	cfg := fakeaws.OrgConfig(root, member, stranger)
	tests := []struct {
		name, account, role, externalID string
	}{
		{"wrong external ID", member.ID, "SecPillarAudit", "ext-2"},
		{"no external ID", member.ID, "SecPillarAudit", ""},
		{"no such role", member.ID, "Other", "ext-1"},
		{"trusts another account", stranger.ID, "SecPillarAudit", ""},
		{"not linked", "444444444444", "SecPillarAudit", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := sts.NewFromConfig(assumed(cfg, tt.account, tt.role, tt.externalID)).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			if !awserr.IsAccessDenied(err) {
				t.Errorf("err = %v, want AccessDenied", err)
			}
		})
	}
}

func TestListAccountsPaginates(t *testing.T) {
	ctx := context.Background()
	root := fakeaws.New("111111111111")
	var members []*fakeaws.Account
	for _, id := range []string{"222222222222", "333333333333", "444444444444", "555555555555"} {
		members = append(members, fakeaws.New(id))
	}
	fakeaws.SeedOrganization(root, members...)
	var ids []string
	p := organizations.NewListAccountsPaginator(organizations.NewFromConfig(root.Config()), &organizations.ListAccountsInput{})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range out.Accounts {
			ids = append(ids, aws.ToString(a.Id))
		}
	}
	want := []string{"111111111111", "222222222222", "333333333333", "444444444444", "555555555555"}
	if diff := cmp.Diff(want, ids); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if n := root.CallCount("Organizations", "ListAccounts"); n != 2 {
		t.Errorf("%d ListAccounts calls, want 2 pages", n)
	}

	// Outside an organization, and from a plain member.
	_, err := organizations.NewFromConfig(fakeaws.New("666666666666").Config()).ListAccounts(ctx, &organizations.ListAccountsInput{})
	var notInUse *orgtypes.AWSOrganizationsNotInUseException
	if !errors.As(err, &notInUse) {
		t.Errorf("outside an organization: err = %v, want AWSOrganizationsNotInUseException", err)
	}
	_, err = organizations.NewFromConfig(members[0].Config()).ListAccounts(ctx, &organizations.ListAccountsInput{})
	if !awserr.IsAccessDenied(err) {
		t.Errorf("from a member: err = %v, want access denied", err)
	}
}

// Calls of every protocol (query, JSON, REST-XML) signed with a member's
// assumed-role credentials reach the member.
func TestOrgConfigRoutesEveryProtocol(t *testing.T) {
	ctx := context.Background()
	root, member := fakeaws.New("111111111111"), fakeaws.New("222222222222")
	member.AddAuditRole("SecPillarAudit", root.ID, "")
	member.Regions = member.Regions[:1]
	member.S3.Bucket("member-bucket", "us-east-1")
	root.S3.Bucket("root-bucket", "us-east-1")
	cfg := assumed(fakeaws.OrgConfig(root, member), member.ID, "SecPillarAudit", "")

	regions, err := ec2.NewFromConfig(cfg).DescribeRegions(ctx, &ec2.DescribeRegionsInput{AllRegions: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(regions.Regions); n != 1 {
		t.Errorf("EC2: %d Regions, want the member's 1", n)
	}
	buckets, err := s3.NewFromConfig(cfg).ListBuckets(ctx, &s3.ListBucketsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(buckets.Buckets) != 1 || aws.ToString(buckets.Buckets[0].Name) != "member-bucket" {
		t.Errorf("S3: buckets %+v, want the member's", buckets.Buckets)
	}
	if n := root.CallCount("EC2", "") + root.CallCount("S3", ""); n != 0 {
		t.Errorf("root answered %d EC2/S3 calls", n)
	}
}

// Credentials for an account OrgConfig does not know are refused, as AWS
// refuses a token it did not issue.
func TestOrgConfigUnknownAssumedAccount(t *testing.T) {
	root := fakeaws.New("111111111111")
	cfg := fakeaws.OrgConfig(root)
	cfg.Credentials = aws.NewCredentialsCache(aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return aws.Credentials{AccessKeyID: fakeaws.AssumedKeyID("999999999999"), SecretAccessKey: "x", SessionToken: "y"}, nil
	}))
	_, err := sts.NewFromConfig(cfg).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if got := awserr.Code(err); got != "InvalidClientTokenId" {
		t.Errorf("code %q (%v), want InvalidClientTokenId", got, err)
	}
}
