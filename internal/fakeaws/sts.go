package fakeaws

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// STS fakes the AWS Security Token Service.
type STS struct {
	acct *Account
}

// GetCallerIdentity returns the account and a fixed auditor identity.
func (f *STS) GetCallerIdentity(ctx context.Context, in *sts.GetCallerIdentityInput, optFns ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error) {
	return &sts.GetCallerIdentityOutput{
		Account: aws.String(f.acct.ID),
		Arn:     aws.String("arn:aws:iam::" + f.acct.ID + ":user/auditor"),
		UserId:  aws.String("AIDAFAKEAUDITOR00001"),
	}, nil
}
