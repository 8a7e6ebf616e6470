package fakeaws

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/globalaccelerator"
	gatypes "github.com/aws/aws-sdk-go-v2/service/globalaccelerator/types"
)

// GlobalAccelerator fakes AWS Global Accelerator (a global service).
type GlobalAccelerator struct {
	acct *Account

	Accelerators []gatypes.Accelerator
}

// ListAccelerators lists accelerators, paginated.
func (f *GlobalAccelerator) ListAccelerators(ctx context.Context, in *globalaccelerator.ListAcceleratorsInput, optFns ...func(*globalaccelerator.Options)) (*globalaccelerator.ListAcceleratorsOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	if in == nil {
		in = &globalaccelerator.ListAcceleratorsInput{}
	}
	items, next, err := page(f.acct, f.Accelerators, in.NextToken, aws.ToInt32(in.MaxResults))
	if err != nil {
		return nil, err
	}
	return &globalaccelerator.ListAcceleratorsOutput{Accelerators: items, NextToken: next}, nil
}
