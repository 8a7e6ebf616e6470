package fakeaws

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	r53types "github.com/aws/aws-sdk-go-v2/service/route53/types"
)

// Route53 fakes Amazon Route 53 hosted zones (a global service). Zone IDs
// are kept as AWS returns them: "/hostedzone/Z...".
type Route53 struct {
	acct *Account

	HostedZones []r53types.HostedZone
}

// ListHostedZones lists hosted zones, paginated by Marker.
func (f *Route53) ListHostedZones(ctx context.Context, in *route53.ListHostedZonesInput, optFns ...func(*route53.Options)) (*route53.ListHostedZonesOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	if in == nil {
		in = &route53.ListHostedZonesInput{}
	}
	items, next, err := page(f.acct, f.HostedZones, in.Marker, aws.ToInt32(in.MaxItems))
	if err != nil {
		return nil, err
	}
	return &route53.ListHostedZonesOutput{HostedZones: items, IsTruncated: next != nil, NextMarker: next, Marker: in.Marker, MaxItems: aws.Int32(int32(f.acct.pageSize()))}, nil
}
