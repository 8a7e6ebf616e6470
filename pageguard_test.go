package secpillar_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	cftypes "github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	r53types "github.com/aws/aws-sdk-go-v2/service/route53/types"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/internal/fakeaws"
)

func listAllUsers(ctx context.Context, cfg aws.Config) (int, error) {
	p := iam.NewListUsersPaginator(iam.NewFromConfig(cfg), &iam.ListUsersInput{})
	n := 0
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return n, err
		}
		n += len(out.Users)
	}
	return n, nil
}

func TestPageGuard(t *testing.T) {
	user := iamtypes.User{UserName: aws.String("u")}
	for _, tc := range []struct {
		name    string
		respond func(ctx context.Context, params any) (any, error)
		wantErr string
		wantN   int
	}{
		{
			name: "truncated without marker",
			respond: func(ctx context.Context, params any) (any, error) {
				return &iam.ListUsersOutput{Users: []iamtypes.User{user}, IsTruncated: true}, nil
			},
			wantErr: "truncated but carries no marker",
		},
		{
			name: "same token twice",
			respond: func(ctx context.Context, params any) (any, error) {
				return &iam.ListUsersOutput{Users: []iamtypes.User{user}, IsTruncated: true, Marker: aws.String("m1")}, nil
			},
			wantErr: "same pagination token",
		},
		{
			name: "empty page with a next token is followed",
			respond: func(ctx context.Context, params any) (any, error) {
				if in := params.(*iam.ListUsersInput); in.Marker == nil {
					return &iam.ListUsersOutput{IsTruncated: true, Marker: aws.String("m1")}, nil
				}
				return &iam.ListUsersOutput{Users: []iamtypes.User{user}}, nil
			},
			wantN: 1,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			acct := fakeaws.New("111122223333")
			acct.Inject(fakeaws.Fault{Service: "IAM", Operation: "ListUsers", Respond: tc.respond})
			cfg := acct.Config()
			cfg.APIOptions = append(cfg.APIOptions, secpillar.PageGuard)
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			n, err := listAllUsers(ctx, cfg)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("want error containing %q, got %v (after %d calls)", tc.wantErr, err, acct.CallCount("IAM", "ListUsers"))
				}
				return
			}
			if err != nil || n != tc.wantN {
				t.Fatalf("got %d users, %v; want %d", n, err, tc.wantN)
			}
		})
	}
}

func TestRunInstallsPageGuard(t *testing.T) {
	acct := fakeaws.New("111122223333")
	acct.Inject(fakeaws.Fault{Service: "EC2", Operation: "DescribeVpcs", Respond: func(ctx context.Context, params any) (any, error) {
		return &ec2.DescribeVpcsOutput{Vpcs: []ec2types.Vpc{{VpcId: aws.String("vpc-1")}}, NextToken: aws.String("t1")}, nil
	}})
	loop := secpillar.Control{ID: "test.vpcs", Scope: secpillar.ScopeRegional, Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
		p := ec2.NewDescribeVpcsPaginator(ec2.NewFromConfig(cfg), &ec2.DescribeVpcsInput{})
		for p.HasMorePages() {
			if _, err := p.NextPage(ctx); err != nil {
				return nil, err
			}
		}
		return nil, nil
	}}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	rep, err := secpillar.Run(ctx, acct.Config(), []secpillar.Control{loop}, func(o *secpillar.RunOptions) { o.Regions = []string{"us-east-1"} })
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Errors) != 1 || !strings.Contains(rep.Errors[0].Error, "same pagination token") {
		t.Fatalf("want one ERROR naming the repeated token, got %+v", rep.Errors)
	}
}

// TestPageGuardEchoedMarker: Route 53 echoes the request's Marker in the
// output and carries the next one in NextMarker; WAF sends NextMarker in
// the request. Neither is a repeated token.
func TestPageGuardEchoedMarker(t *testing.T) {
	acct := fakeaws.New("111122223333")
	acct.Inject(fakeaws.Fault{Service: "Route 53", Operation: "ListHostedZones", Respond: func(ctx context.Context, params any) (any, error) {
		in := params.(*route53.ListHostedZonesInput)
		if in.Marker == nil {
			return &route53.ListHostedZonesOutput{HostedZones: []r53types.HostedZone{{Id: aws.String("Z1"), Name: aws.String("a."), CallerReference: aws.String("a")}}, IsTruncated: true, NextMarker: aws.String("Z2"), MaxItems: aws.Int32(1)}, nil
		}
		return &route53.ListHostedZonesOutput{HostedZones: []r53types.HostedZone{{Id: aws.String("Z2"), Name: aws.String("b."), CallerReference: aws.String("b")}}, Marker: in.Marker, MaxItems: aws.Int32(1)}, nil
	}})
	cfg := acct.Config()
	cfg.APIOptions = append(cfg.APIOptions, secpillar.PageGuard)
	p := route53.NewListHostedZonesPaginator(route53.NewFromConfig(cfg), &route53.ListHostedZonesInput{})
	n := 0
	for p.HasMorePages() {
		out, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		n += len(out.HostedZones)
	}
	if n != 2 {
		t.Errorf("zones = %d, want 2", n)
	}
}

// TestPageGuardNestedList: CloudFront keeps IsTruncated and NextMarker in
// a nested DistributionList; a truncated list without a marker is caught
// there too.
func TestPageGuardNestedList(t *testing.T) {
	acct := fakeaws.New("111122223333")
	acct.Inject(fakeaws.Fault{Service: "CloudFront", Operation: "ListDistributions", Respond: func(ctx context.Context, params any) (any, error) {
		return &cloudfront.ListDistributionsOutput{DistributionList: &cftypes.DistributionList{IsTruncated: aws.Bool(true), Marker: aws.String(""), MaxItems: aws.Int32(1), Quantity: aws.Int32(0)}}, nil
	}})
	cfg := acct.Config()
	cfg.APIOptions = append(cfg.APIOptions, secpillar.PageGuard)
	_, err := cloudfront.NewFromConfig(cfg).ListDistributions(context.Background(), &cloudfront.ListDistributionsInput{})
	if err == nil || !strings.Contains(err.Error(), "truncated") {
		t.Fatalf("want the truncated-without-marker error, got %v", err)
	}
}
