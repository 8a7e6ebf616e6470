package dataprotection

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	s3ctypes "github.com/aws/aws-sdk-go-v2/service/s3control/types"
	"github.com/secpillar/secpillar"
)

// ControlS3AccountPublicAccessBlock is the ID of the control that checks
// the account-level S3 Block Public Access flags.
const ControlS3AccountPublicAccessBlock = "dataprotection.s3-account-public-access-block"

// PublicAccessBlock holds the four S3 Block Public Access flags, at account
// or bucket level. A configuration that does not exist has all four off.
type PublicAccessBlock struct {
	BlockPublicAcls       bool `json:"block_public_acls"`
	IgnorePublicAcls      bool `json:"ignore_public_acls"`
	BlockPublicPolicy     bool `json:"block_public_policy"`
	RestrictPublicBuckets bool `json:"restrict_public_buckets"`
}

// All reports whether all four flags are on.
func (p PublicAccessBlock) All() bool {
	return p.BlockPublicAcls && p.IgnorePublicAcls && p.BlockPublicPolicy && p.RestrictPublicBuckets
}

// Off returns the names of the flags that are off, in AWS's order.
func (p PublicAccessBlock) Off() []string {
	var off []string
	for _, f := range p.fields() {
		if !f.on {
			off = append(off, f.name)
		}
	}
	return off
}

// Raise returns p with every flag of q that is on also on: flags are only
// ever raised, never lowered.
func (p PublicAccessBlock) Raise(q PublicAccessBlock) PublicAccessBlock {
	return PublicAccessBlock{
		BlockPublicAcls:       p.BlockPublicAcls || q.BlockPublicAcls,
		IgnorePublicAcls:      p.IgnorePublicAcls || q.IgnorePublicAcls,
		BlockPublicPolicy:     p.BlockPublicPolicy || q.BlockPublicPolicy,
		RestrictPublicBuckets: p.RestrictPublicBuckets || q.RestrictPublicBuckets,
	}
}

// String renders the flags as "BlockPublicAcls=true,IgnorePublicAcls=..." .
func (p PublicAccessBlock) String() string {
	var parts []string
	for _, f := range p.fields() {
		parts = append(parts, f.name+"="+bstr(f.on))
	}
	return strings.Join(parts, ",")
}

type bpaField struct {
	name string
	on   bool
}

func (p PublicAccessBlock) fields() []bpaField {
	return []bpaField{
		{"BlockPublicAcls", p.BlockPublicAcls},
		{"IgnorePublicAcls", p.IgnorePublicAcls},
		{"BlockPublicPolicy", p.BlockPublicPolicy},
		{"RestrictPublicBuckets", p.RestrictPublicBuckets},
	}
}

// changesTo returns one Change per flag that q raises over p.
func (p PublicAccessBlock) changesTo(q PublicAccessBlock, r secpillar.Resource, action string) []secpillar.Change {
	var out []secpillar.Change
	pf, qf := p.fields(), q.fields()
	for i := range pf {
		if pf[i].on != qf[i].on {
			out = append(out, secpillar.Change{Resource: r, Action: action, Field: pf[i].name, Before: bstr(pf[i].on), After: bstr(qf[i].on)})
		}
	}
	return out
}

// S3AccountPublicAccessBlockAPI is the part of the S3 Control API that
// CheckS3AccountPublicAccessBlock calls. *s3control.Client satisfies it.
type S3AccountPublicAccessBlockAPI interface {
	GetPublicAccessBlock(ctx context.Context, in *s3control.GetPublicAccessBlockInput, optFns ...func(*s3control.Options)) (*s3control.GetPublicAccessBlockOutput, error)
}

var _ S3AccountPublicAccessBlockAPI = (*s3control.Client)(nil)

// S3AccountPublicAccessBlockRemediationAPI adds the write that
// RemediateS3AccountPublicAccessBlock makes. *s3control.Client satisfies it.
type S3AccountPublicAccessBlockRemediationAPI interface {
	S3AccountPublicAccessBlockAPI
	PutPublicAccessBlock(ctx context.Context, in *s3control.PutPublicAccessBlockInput, optFns ...func(*s3control.Options)) (*s3control.PutPublicAccessBlockOutput, error)
}

var _ S3AccountPublicAccessBlockRemediationAPI = (*s3control.Client)(nil)

// ReadAccountPublicAccessBlock returns the account-level Block Public
// Access flags of accountID. configured is false when the account has no
// configuration (NoSuchPublicAccessBlockConfiguration), in which case all
// four flags are off. A flag missing from the answer reads as off.
func ReadAccountPublicAccessBlock(ctx context.Context, api S3AccountPublicAccessBlockAPI, accountID string) (p PublicAccessBlock, configured bool, err error) {
	if err := validAccountID(accountID); err != nil {
		return PublicAccessBlock{}, false, err
	}
	out, err := api.GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{AccountId: aws.String(accountID)})
	if err != nil {
		var nsc *s3ctypes.NoSuchPublicAccessBlockConfiguration
		if errors.As(err, &nsc) {
			return PublicAccessBlock{}, false, nil
		}
		return PublicAccessBlock{}, false, fmt.Errorf("dataprotection: read account public access block of %s: %w", accountID, err)
	}
	c := out.PublicAccessBlockConfiguration
	if c == nil {
		return PublicAccessBlock{}, false, fmt.Errorf("dataprotection: read account public access block of %s: the answer has no PublicAccessBlockConfiguration", accountID)
	}
	return PublicAccessBlock{
		BlockPublicAcls:       aws.ToBool(c.BlockPublicAcls),
		IgnorePublicAcls:      aws.ToBool(c.IgnorePublicAcls),
		BlockPublicPolicy:     aws.ToBool(c.BlockPublicPolicy),
		RestrictPublicBuckets: aws.ToBool(c.RestrictPublicBuckets),
	}, true, nil
}

// CheckS3AccountPublicAccessBlock reports whether all four account-level
// S3 Block Public Access flags of accountID are on (CIS 2.1.4, S3.1). An
// account without a configuration FAILs: all four flags are off.
func CheckS3AccountPublicAccessBlock(ctx context.Context, api S3AccountPublicAccessBlockAPI, accountID string) (secpillar.Finding, error) {
	p, configured, err := ReadAccountPublicAccessBlock(ctx, api, accountID)
	if err != nil {
		return secpillar.Finding{}, err
	}
	r := secpillar.AccountResource(accountID)
	ev := map[string]string{"configured": bstr(configured), "flags": p.String()}
	switch {
	case !configured:
		return fail(ControlS3AccountPublicAccessBlock, secpillar.SeverityHigh, r,
			"The account has no S3 Block Public Access configuration, so all four flags are off; turn all four on.", ev), nil
	case p.All():
		return pass(ControlS3AccountPublicAccessBlock, secpillar.SeverityHigh, r,
			"All four account-level S3 Block Public Access flags are on.", ev), nil
	}
	return fail(ControlS3AccountPublicAccessBlock, secpillar.SeverityHigh, r,
		"Account-level S3 Block Public Access flags are off: "+strings.Join(p.Off(), ", ")+"; turn them on.", ev), nil
}

// RemediateS3AccountPublicAccessBlock turns on every account-level Block
// Public Access flag of accountID that is off. Flags are only raised: since
// PutPublicAccessBlock replaces all four, the flags already on are carried
// forward. It re-reads to verify.
func RemediateS3AccountPublicAccessBlock(ctx context.Context, api S3AccountPublicAccessBlockRemediationAPI, accountID string, optFns ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
	opts := secpillar.NewRemediateOptions(optFns...)
	ctx = secpillar.FreshReads(ctx) // act on current state, never on a shared read
	cur, _, err := ReadAccountPublicAccessBlock(ctx, api, accountID)
	if err != nil {
		return secpillar.Remediation{}, err
	}
	r := secpillar.AccountResource(accountID)
	rem := secpillar.Remediation{Control: ControlS3AccountPublicAccessBlock, Resource: r}
	want := cur.Raise(PublicAccessBlock{true, true, true, true})
	if want == cur {
		rem.Outcome = secpillar.OutcomeCompliant
		return rem, nil
	}
	rem.Changes = cur.changesTo(want, r, "s3:PutAccountPublicAccessBlock")
	rem.Undo = "Put the previous account-level flags back with s3control PutPublicAccessBlock: " + cur.String() + "."
	rem.Notes = []string{"Buckets and objects that rely on public ACLs or policies stop being reachable by anonymous callers."}
	if opts.DryRun {
		rem.Outcome = secpillar.OutcomePlanned
		return rem, nil
	}
	if _, err := api.PutPublicAccessBlock(ctx, &s3control.PutPublicAccessBlockInput{
		AccountId:                      aws.String(accountID),
		PublicAccessBlockConfiguration: want.s3control(),
	}); err != nil {
		return rem, fmt.Errorf("dataprotection: put account public access block of %s: %w", accountID, err)
	}
	got, _, err := ReadAccountPublicAccessBlock(ctx, api, accountID)
	if err != nil {
		return rem, fmt.Errorf("dataprotection: verify account public access block: %w", err)
	}
	rem.Outcome = outcome(got == want)
	return rem, nil
}

func (p PublicAccessBlock) s3control() *s3ctypes.PublicAccessBlockConfiguration {
	return &s3ctypes.PublicAccessBlockConfiguration{
		BlockPublicAcls:       aws.Bool(p.BlockPublicAcls),
		IgnorePublicAcls:      aws.Bool(p.IgnorePublicAcls),
		BlockPublicPolicy:     aws.Bool(p.BlockPublicPolicy),
		RestrictPublicBuckets: aws.Bool(p.RestrictPublicBuckets),
	}
}
