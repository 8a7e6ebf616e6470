package dataprotection

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/secpillar/secpillar"
)

// ControlS3AccessPointBlockPublic is the ID of the control that checks the
// Block Public Access settings of access points.
const ControlS3AccessPointBlockPublic = "dataprotection.s3-access-point-block-public"

// S3AccessPointBlockPublicAPI is the part of the S3 Control API that
// CheckS3AccessPointBlockPublic calls. *s3control.Client satisfies it.
type S3AccessPointBlockPublicAPI interface {
	ListAccessPoints(ctx context.Context, in *s3control.ListAccessPointsInput, optFns ...func(*s3control.Options)) (*s3control.ListAccessPointsOutput, error)
	GetAccessPoint(ctx context.Context, in *s3control.GetAccessPointInput, optFns ...func(*s3control.Options)) (*s3control.GetAccessPointOutput, error)
}

var _ S3AccessPointBlockPublicAPI = (*s3control.Client)(nil)

// CheckS3AccessPointBlockPublic reports, for every access point of
// accountID in the client's Region, whether all four of its Block Public
// Access flags are on (S3.19). An access point's flags are fixed when it is
// created, so there is no remediation: replace the access point.
func CheckS3AccessPointBlockPublic(ctx context.Context, api S3AccessPointBlockPublicAPI, accountID, region string) ([]secpillar.Finding, error) {
	if err := validAccountID(accountID); err != nil {
		return nil, err
	}
	p := s3control.NewListAccessPointsPaginator(api, &s3control.ListAccessPointsInput{AccountId: aws.String(accountID)})
	var out []secpillar.Finding
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("dataprotection: list access points: %w", err)
		}
		for _, ap := range page.AccessPointList {
			name := aws.ToString(ap.Name)
			if name == "" {
				return nil, fmt.Errorf("dataprotection: list access points: an access point without a name")
			}
			got, err := api.GetAccessPoint(ctx, &s3control.GetAccessPointInput{AccountId: aws.String(accountID), Name: aws.String(name)})
			if err != nil {
				return nil, fmt.Errorf("dataprotection: read access point %s: %w", name, err)
			}
			arn := aws.ToString(ap.AccessPointArn)
			if arn == "" {
				arn = "arn:aws:s3:" + region + ":" + accountID + ":accesspoint/" + name
			}
			r := secpillar.Resource{Type: "AWS::S3::AccessPoint", ID: arn, Region: region, Account: accountID}
			c := got.PublicAccessBlockConfiguration
			if c == nil {
				return nil, fmt.Errorf("dataprotection: read access point %s: the answer has no PublicAccessBlockConfiguration", name)
			}
			flags := PublicAccessBlock{
				BlockPublicAcls: aws.ToBool(c.BlockPublicAcls), IgnorePublicAcls: aws.ToBool(c.IgnorePublicAcls),
				BlockPublicPolicy: aws.ToBool(c.BlockPublicPolicy), RestrictPublicBuckets: aws.ToBool(c.RestrictPublicBuckets),
			}
			ev := map[string]string{"flags": flags.String(), "bucket": aws.ToString(got.Bucket), "network_origin": string(got.NetworkOrigin)}
			out = append(out, verdict(flags.All(), ControlS3AccessPointBlockPublic, secpillar.SeverityCritical, r,
				"The access point blocks public access (all four flags on).",
				"The access point's Block Public Access flags are off: "+strings.Join(flags.Off(), ", ")+"; its flags cannot be changed, so replace it with one that blocks public access.", ev))
		}
	}
	return out, nil
}
