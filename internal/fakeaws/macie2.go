package fakeaws

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/macie2"
	macietypes "github.com/aws/aws-sdk-go-v2/service/macie2/types"
)

// Macie2 fakes Amazon Macie sessions, per Region.
type Macie2 struct {
	acct *Account
	// Status per Region: "" (never enabled), "ENABLED" or "PAUSED".
	Status map[string]macietypes.MacieStatus
}

func (f *Macie2) regionOf(ctx context.Context, optFns []func(*macie2.Options)) string {
	var o macie2.Options
	for _, fn := range optFns {
		fn(&o)
	}
	if f.Status == nil {
		f.Status = map[string]macietypes.MacieStatus{}
	}
	return f.acct.region(ctx, o.Region)
}

// macieNotEnabled is what Macie answers when it is off: an
// AccessDeniedException whose message says so, as AWS does.
func macieNotEnabled() error {
	return &macietypes.AccessDeniedException{Message: aws.String("Macie is not enabled.")}
}

// GetMacieSession returns the Region's session.
func (f *Macie2) GetMacieSession(ctx context.Context, in *macie2.GetMacieSessionInput, optFns ...func(*macie2.Options)) (*macie2.GetMacieSessionOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	st := f.Status[f.regionOf(ctx, optFns)]
	if st == "" {
		return nil, macieNotEnabled()
	}
	return &macie2.GetMacieSessionOutput{Status: st, FindingPublishingFrequency: macietypes.FindingPublishingFrequencyFifteenMinutes,
		ServiceRole: aws.String("arn:aws:iam::" + f.acct.ID + ":role/aws-service-role/macie.amazonaws.com/AWSServiceRoleForAmazonMacie"),
		CreatedAt:   aws.Time(f.acct.now()), UpdatedAt: aws.Time(f.acct.now())}, nil
}

// EnableMacie turns Macie on; it is refused when it already is.
func (f *Macie2) EnableMacie(ctx context.Context, in *macie2.EnableMacieInput, optFns ...func(*macie2.Options)) (*macie2.EnableMacieOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	r := f.regionOf(ctx, optFns)
	if f.Status[r] != "" {
		return nil, &macietypes.ConflictException{Message: aws.String("Macie is already enabled")}
	}
	st := in.Status
	if st == "" {
		st = macietypes.MacieStatusEnabled
	}
	f.Status[r] = st
	return &macie2.EnableMacieOutput{}, nil
}

// UpdateMacieSession pauses or resumes Macie.
func (f *Macie2) UpdateMacieSession(ctx context.Context, in *macie2.UpdateMacieSessionInput, optFns ...func(*macie2.Options)) (*macie2.UpdateMacieSessionOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	r := f.regionOf(ctx, optFns)
	if f.Status[r] == "" {
		return nil, macieNotEnabled()
	}
	if in.Status != "" {
		f.Status[r] = in.Status
	}
	return &macie2.UpdateMacieSessionOutput{}, nil
}
