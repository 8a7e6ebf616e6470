package fakeaws

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	s3ctypes "github.com/aws/aws-sdk-go-v2/service/s3control/types"
)

// S3Control fakes Amazon S3 Control (account-level settings and access points).
type S3Control struct {
	acct *Account

	// PublicAccessBlock is the account-level Block Public Access
	// configuration; nil means none was ever put
	// (NoSuchPublicAccessBlockConfiguration).
	PublicAccessBlock *s3ctypes.PublicAccessBlockConfiguration

	// AccessPoints are the account's access points, each in its Region.
	AccessPoints []S3AccessPoint
}

// S3AccessPoint is one S3 access point. Its Block Public Access settings
// are fixed when it is created, as in AWS.
type S3AccessPoint struct {
	Name          string
	Bucket        string
	Region        string
	NetworkOrigin s3ctypes.NetworkOrigin // "Internet" or "VPC"
	VpcID         string
	// PublicAccessBlock is nil only to model an answer without one.
	PublicAccessBlock *s3ctypes.PublicAccessBlockConfiguration
	CreationDate      time.Time
}

func (p S3AccessPoint) arn(account string) string {
	return "arn:aws:s3:" + p.Region + ":" + account + ":accesspoint/" + p.Name
}

func (f *S3Control) regionOf(ctx context.Context, optFns []func(*s3control.Options)) string {
	var o s3control.Options
	for _, fn := range optFns {
		fn(&o)
	}
	return f.acct.region(ctx, o.Region)
}

func (f *S3Control) checkAccount(id *string) error {
	if aws.ToString(id) != f.acct.ID {
		return apiError("AccessDenied", "Access Denied: the account ID does not match the caller's account")
	}
	return nil
}

func copyS3CBPA(c *s3ctypes.PublicAccessBlockConfiguration) *s3ctypes.PublicAccessBlockConfiguration {
	if c == nil {
		return nil
	}
	return &s3ctypes.PublicAccessBlockConfiguration{
		BlockPublicAcls:       aws.Bool(aws.ToBool(c.BlockPublicAcls)),
		IgnorePublicAcls:      aws.Bool(aws.ToBool(c.IgnorePublicAcls)),
		BlockPublicPolicy:     aws.Bool(aws.ToBool(c.BlockPublicPolicy)),
		RestrictPublicBuckets: aws.Bool(aws.ToBool(c.RestrictPublicBuckets)),
	}
}

// GetPublicAccessBlock returns the account-level Block Public Access
// configuration, or NoSuchPublicAccessBlockConfiguration.
func (f *S3Control) GetPublicAccessBlock(ctx context.Context, in *s3control.GetPublicAccessBlockInput, optFns ...func(*s3control.Options)) (*s3control.GetPublicAccessBlockOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	if err := f.checkAccount(in.AccountId); err != nil {
		return nil, err
	}
	if f.PublicAccessBlock == nil {
		return nil, &s3ctypes.NoSuchPublicAccessBlockConfiguration{Message: aws.String("The public access block configuration was not found")}
	}
	return &s3control.GetPublicAccessBlockOutput{PublicAccessBlockConfiguration: copyS3CBPA(f.PublicAccessBlock)}, nil
}

// PutPublicAccessBlock replaces all four account-level flags (a flag left
// out is false, as in AWS).
func (f *S3Control) PutPublicAccessBlock(ctx context.Context, in *s3control.PutPublicAccessBlockInput, optFns ...func(*s3control.Options)) (*s3control.PutPublicAccessBlockOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	if err := f.checkAccount(in.AccountId); err != nil {
		return nil, err
	}
	if in.PublicAccessBlockConfiguration == nil {
		return nil, apiError("InvalidRequest", "PublicAccessBlockConfiguration is required")
	}
	f.PublicAccessBlock = copyS3CBPA(in.PublicAccessBlockConfiguration)
	return &s3control.PutPublicAccessBlockOutput{}, nil
}

// ListAccessPoints lists the access points of the call's Region,
// optionally of one bucket, paginated.
func (f *S3Control) ListAccessPoints(ctx context.Context, in *s3control.ListAccessPointsInput, optFns ...func(*s3control.Options)) (*s3control.ListAccessPointsOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	if err := f.checkAccount(in.AccountId); err != nil {
		return nil, err
	}
	region := f.regionOf(ctx, optFns)
	var all []s3ctypes.AccessPoint
	for _, p := range f.AccessPoints {
		if p.Region != region || (in.Bucket != nil && *in.Bucket != p.Bucket) {
			continue
		}
		ap := s3ctypes.AccessPoint{
			Name:            aws.String(p.Name),
			Bucket:          aws.String(p.Bucket),
			NetworkOrigin:   p.NetworkOrigin,
			AccessPointArn:  aws.String(p.arn(f.acct.ID)),
			BucketAccountId: aws.String(f.acct.ID),
		}
		if p.VpcID != "" {
			ap.VpcConfiguration = &s3ctypes.VpcConfiguration{VpcId: aws.String(p.VpcID)}
		}
		all = append(all, ap)
	}
	items, next, err := page(f.acct, all, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	return &s3control.ListAccessPointsOutput{AccessPointList: items, NextToken: next}, nil
}

// GetAccessPoint returns one access point of the call's Region with its
// Block Public Access configuration.
func (f *S3Control) GetAccessPoint(ctx context.Context, in *s3control.GetAccessPointInput, optFns ...func(*s3control.Options)) (*s3control.GetAccessPointOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	if err := f.checkAccount(in.AccountId); err != nil {
		return nil, err
	}
	region := f.regionOf(ctx, optFns)
	for _, p := range f.AccessPoints {
		if p.Region == region && p.Name == aws.ToString(in.Name) {
			created := p.CreationDate
			out := &s3control.GetAccessPointOutput{
				Name:                           aws.String(p.Name),
				Bucket:                         aws.String(p.Bucket),
				NetworkOrigin:                  p.NetworkOrigin,
				AccessPointArn:                 aws.String(p.arn(f.acct.ID)),
				BucketAccountId:                aws.String(f.acct.ID),
				CreationDate:                   &created,
				PublicAccessBlockConfiguration: copyS3CBPA(p.PublicAccessBlock),
			}
			if p.VpcID != "" {
				out.VpcConfiguration = &s3ctypes.VpcConfiguration{VpcId: aws.String(p.VpcID)}
			}
			return out, nil
		}
	}
	return nil, apiError("NoSuchAccessPoint", "The specified accesspoint does not exist")
}
