package fakeaws

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/secpillar/secpillar/internal/policy"
)

// S3 fakes Amazon S3 (general purpose buckets). Buckets live in one
// Region each; a call for a bucket sent to another Region fails with
// PermanentRedirect, as in AWS, so callers must use the Region ListBuckets
// returns.
type S3 struct {
	acct *Account

	// Buckets are the account's buckets, by name.
	Buckets map[string]*S3Bucket
}

// S3Bucket is one bucket and its sub-resources. A nil or empty field means
// the sub-resource does not exist and the Get call answers with AWS's
// "not configured" error.
type S3Bucket struct {
	Name         string
	Region       string
	CreationDate time.Time

	// Policy is the bucket policy as plain JSON ("" means none).
	Policy string
	// ACL is the access control list; nil means the owner has
	// FULL_CONTROL and nothing else (the default).
	ACL *S3ACL
	// PublicAccessBlock is the bucket-level Block Public Access
	// configuration; nil means NoSuchPublicAccessBlockConfiguration.
	PublicAccessBlock *s3types.PublicAccessBlockConfiguration
	// Logging is the server access logging target; nil means off.
	Logging *s3types.LoggingEnabled
	// Encryption is the default encryption; nil means SSE-S3 (every
	// bucket has been encrypted by default since January 2023).
	Encryption *s3types.ServerSideEncryptionConfiguration
	// Versioning is "", "Enabled" or "Suspended"; MFADelete "" or
	// "Enabled" / "Disabled".
	Versioning s3types.BucketVersioningStatus
	MFADelete  s3types.MFADeleteStatus
	// Ownership is the object ownership setting; "" means no ownership
	// controls (OwnershipControlsNotFoundError).
	Ownership s3types.ObjectOwnership
	// Tags is the bucket's tag set; empty means NoSuchTagSet.
	Tags map[string]string
}

// S3ACL is a bucket ACL.
type S3ACL struct {
	Grants []s3types.Grant
}

// Bucket returns the bucket named name, creating it in region. The caller
// must not use it concurrently with calls to the fake.
func (f *S3) Bucket(name, region string) *S3Bucket {
	if f.Buckets == nil {
		f.Buckets = map[string]*S3Bucket{}
	}
	b := f.Buckets[name]
	if b == nil {
		b = &S3Bucket{Name: name, Region: region, CreationDate: f.acct.now().Add(-24 * time.Hour)}
		f.Buckets[name] = b
	}
	return b
}

func (f *S3) callRegion(ctx context.Context, optFns []func(*s3.Options)) string {
	var o s3.Options
	for _, fn := range optFns {
		fn(&o)
	}
	return f.acct.region(ctx, o.Region)
}

// bucket finds the bucket of a call; the account lock must be held.
func (f *S3) bucket(ctx context.Context, name *string, optFns []func(*s3.Options)) (*S3Bucket, error) {
	b := f.Buckets[aws.ToString(name)]
	if b == nil {
		return nil, &s3types.NoSuchBucket{Message: aws.String("The specified bucket does not exist")}
	}
	if r := f.callRegion(ctx, optFns); r != b.Region {
		return nil, apiError("PermanentRedirect", "The bucket you are attempting to access must be addressed using the specified endpoint ("+b.Region+").")
	}
	return b, nil
}

func (f *S3) owner() *s3types.Owner {
	return &s3types.Owner{ID: aws.String("c0ffee" + f.acct.ID), DisplayName: aws.String("owner")}
}

// ListBuckets lists the buckets by name, optionally of one Region or name
// prefix, with each bucket's Region. Without MaxBuckets every bucket comes
// in one answer, as in AWS; with it, pages are bounded by the account's
// page size too.
func (f *S3) ListBuckets(ctx context.Context, in *s3.ListBucketsInput, optFns ...func(*s3.Options)) (*s3.ListBucketsOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	names := make([]string, 0, len(f.Buckets))
	for n, b := range f.Buckets {
		if in.BucketRegion != nil && *in.BucketRegion != b.Region {
			continue
		}
		if in.Prefix != nil && !strings.HasPrefix(n, *in.Prefix) {
			continue
		}
		names = append(names, n)
	}
	sort.Strings(names)
	all := make([]s3types.Bucket, len(names))
	for i, n := range names {
		b := f.Buckets[n]
		created := b.CreationDate
		all[i] = s3types.Bucket{Name: aws.String(n), BucketRegion: aws.String(b.Region), CreationDate: &created,
			BucketArn: aws.String("arn:aws:s3:::" + n)}
	}
	out := &s3.ListBucketsOutput{Owner: f.owner(), Prefix: in.Prefix}
	if in.MaxBuckets == nil && in.ContinuationToken == nil {
		out.Buckets = all
		return out, nil
	}
	items, next, err := page(f.acct, all, in.ContinuationToken, aws.ToInt32(in.MaxBuckets))
	if err != nil {
		return nil, err
	}
	out.Buckets, out.ContinuationToken = items, next
	return out, nil
}

// GetBucketPolicy returns the bucket policy, or NoSuchBucketPolicy.
func (f *S3) GetBucketPolicy(ctx context.Context, in *s3.GetBucketPolicyInput, optFns ...func(*s3.Options)) (*s3.GetBucketPolicyOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	b, err := f.bucket(ctx, in.Bucket, optFns)
	if err != nil {
		return nil, err
	}
	if b.Policy == "" {
		return nil, apiError("NoSuchBucketPolicy", "The bucket policy does not exist")
	}
	return &s3.GetBucketPolicyOutput{Policy: aws.String(b.Policy)}, nil
}

// PutBucketPolicy replaces the bucket policy. As in AWS, a document that
// does not parse is MalformedPolicy, and a public policy is refused with
// AccessDenied while BlockPublicPolicy is on at bucket or account level.
func (f *S3) PutBucketPolicy(ctx context.Context, in *s3.PutBucketPolicyInput, optFns ...func(*s3.Options)) (*s3.PutBucketPolicyOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	b, err := f.bucket(ctx, in.Bucket, optFns)
	if err != nil {
		return nil, err
	}
	d, err := policy.Parse(aws.ToString(in.Policy))
	if err != nil {
		return nil, apiError("MalformedPolicy", "Policies must be valid JSON and the first byte must be '{'")
	}
	blocked := b.PublicAccessBlock != nil && aws.ToBool(b.PublicAccessBlock.BlockPublicPolicy)
	if c := f.acct.S3Control.PublicAccessBlock; c != nil && aws.ToBool(c.BlockPublicPolicy) {
		blocked = true
	}
	if blocked && policy.IsPublic(d, policy.PublicOptions{BucketPolicy: true, Account: f.acct.ID}) {
		return nil, apiError("AccessDenied", "Access Denied: public policies are blocked by the BlockPublicPolicy block public access setting")
	}
	b.Policy = *in.Policy
	return &s3.PutBucketPolicyOutput{}, nil
}

// GetBucketAcl returns the bucket ACL (the owner's FULL_CONTROL by
// default).
func (f *S3) GetBucketAcl(ctx context.Context, in *s3.GetBucketAclInput, optFns ...func(*s3.Options)) (*s3.GetBucketAclOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	b, err := f.bucket(ctx, in.Bucket, optFns)
	if err != nil {
		return nil, err
	}
	out := &s3.GetBucketAclOutput{Owner: f.owner()}
	if b.ACL == nil {
		out.Grants = []s3types.Grant{{Grantee: &s3types.Grantee{Type: s3types.TypeCanonicalUser, ID: out.Owner.ID}, Permission: s3types.PermissionFullControl}}
	} else {
		out.Grants = append([]s3types.Grant(nil), b.ACL.Grants...)
	}
	return out, nil
}

func copyS3BPA(c *s3types.PublicAccessBlockConfiguration) *s3types.PublicAccessBlockConfiguration {
	return &s3types.PublicAccessBlockConfiguration{
		BlockPublicAcls:       aws.Bool(aws.ToBool(c.BlockPublicAcls)),
		IgnorePublicAcls:      aws.Bool(aws.ToBool(c.IgnorePublicAcls)),
		BlockPublicPolicy:     aws.Bool(aws.ToBool(c.BlockPublicPolicy)),
		RestrictPublicBuckets: aws.Bool(aws.ToBool(c.RestrictPublicBuckets)),
	}
}

// GetPublicAccessBlock returns the bucket-level Block Public Access
// configuration, or NoSuchPublicAccessBlockConfiguration.
func (f *S3) GetPublicAccessBlock(ctx context.Context, in *s3.GetPublicAccessBlockInput, optFns ...func(*s3.Options)) (*s3.GetPublicAccessBlockOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	b, err := f.bucket(ctx, in.Bucket, optFns)
	if err != nil {
		return nil, err
	}
	if b.PublicAccessBlock == nil {
		return nil, apiError("NoSuchPublicAccessBlockConfiguration", "The public access block configuration was not found")
	}
	return &s3.GetPublicAccessBlockOutput{PublicAccessBlockConfiguration: copyS3BPA(b.PublicAccessBlock)}, nil
}

// PutPublicAccessBlock replaces all four bucket-level flags.
func (f *S3) PutPublicAccessBlock(ctx context.Context, in *s3.PutPublicAccessBlockInput, optFns ...func(*s3.Options)) (*s3.PutPublicAccessBlockOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	b, err := f.bucket(ctx, in.Bucket, optFns)
	if err != nil {
		return nil, err
	}
	if in.PublicAccessBlockConfiguration == nil {
		return nil, apiError("InvalidRequest", "PublicAccessBlockConfiguration is required")
	}
	b.PublicAccessBlock = copyS3BPA(in.PublicAccessBlockConfiguration)
	return &s3.PutPublicAccessBlockOutput{}, nil
}

// GetBucketLogging returns the server access logging target (none: an
// empty answer, as in AWS).
func (f *S3) GetBucketLogging(ctx context.Context, in *s3.GetBucketLoggingInput, optFns ...func(*s3.Options)) (*s3.GetBucketLoggingOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	b, err := f.bucket(ctx, in.Bucket, optFns)
	if err != nil {
		return nil, err
	}
	out := &s3.GetBucketLoggingOutput{}
	if b.Logging != nil {
		l := *b.Logging
		out.LoggingEnabled = &l
	}
	return out, nil
}

// PutBucketLogging sets (or, with no LoggingEnabled, removes) the server
// access logging target. The target bucket must exist.
func (f *S3) PutBucketLogging(ctx context.Context, in *s3.PutBucketLoggingInput, optFns ...func(*s3.Options)) (*s3.PutBucketLoggingOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	b, err := f.bucket(ctx, in.Bucket, optFns)
	if err != nil {
		return nil, err
	}
	if in.BucketLoggingStatus == nil {
		return nil, apiError("MalformedXML", "BucketLoggingStatus is required")
	}
	le := in.BucketLoggingStatus.LoggingEnabled
	if le == nil {
		b.Logging = nil
		return &s3.PutBucketLoggingOutput{}, nil
	}
	if f.Buckets[aws.ToString(le.TargetBucket)] == nil {
		return nil, apiError("InvalidTargetBucketForLogging", "The target bucket for logging does not exist")
	}
	l := *le
	b.Logging = &l
	return &s3.PutBucketLoggingOutput{}, nil
}

// GetBucketEncryption returns the default encryption (SSE-S3 when none was
// put).
func (f *S3) GetBucketEncryption(ctx context.Context, in *s3.GetBucketEncryptionInput, optFns ...func(*s3.Options)) (*s3.GetBucketEncryptionOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	b, err := f.bucket(ctx, in.Bucket, optFns)
	if err != nil {
		return nil, err
	}
	if b.Encryption == nil {
		return &s3.GetBucketEncryptionOutput{ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{
			Rules: []s3types.ServerSideEncryptionRule{{
				ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAes256},
				BucketKeyEnabled:                   aws.Bool(false),
			}},
		}}, nil
	}
	return &s3.GetBucketEncryptionOutput{ServerSideEncryptionConfiguration: copySSE(b.Encryption)}, nil
}

func copySSE(c *s3types.ServerSideEncryptionConfiguration) *s3types.ServerSideEncryptionConfiguration {
	out := &s3types.ServerSideEncryptionConfiguration{}
	for _, r := range c.Rules {
		nr := s3types.ServerSideEncryptionRule{BucketKeyEnabled: r.BucketKeyEnabled}
		if r.ApplyServerSideEncryptionByDefault != nil {
			d := *r.ApplyServerSideEncryptionByDefault
			nr.ApplyServerSideEncryptionByDefault = &d
		}
		if r.BlockedEncryptionTypes != nil {
			nr.BlockedEncryptionTypes = &s3types.BlockedEncryptionTypes{EncryptionType: append([]s3types.EncryptionType(nil), r.BlockedEncryptionTypes.EncryptionType...)}
		}
		out.Rules = append(out.Rules, nr)
	}
	return out
}

// PutBucketEncryption replaces the default encryption configuration.
func (f *S3) PutBucketEncryption(ctx context.Context, in *s3.PutBucketEncryptionInput, optFns ...func(*s3.Options)) (*s3.PutBucketEncryptionOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	b, err := f.bucket(ctx, in.Bucket, optFns)
	if err != nil {
		return nil, err
	}
	c := in.ServerSideEncryptionConfiguration
	if c == nil || len(c.Rules) == 0 {
		return nil, apiError("MalformedXML", "ServerSideEncryptionConfiguration needs a rule")
	}
	b.Encryption = copySSE(c)
	return &s3.PutBucketEncryptionOutput{}, nil
}

// GetBucketVersioning returns the versioning state; a bucket that never
// had versioning answers with neither Status nor MFADelete.
func (f *S3) GetBucketVersioning(ctx context.Context, in *s3.GetBucketVersioningInput, optFns ...func(*s3.Options)) (*s3.GetBucketVersioningOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	b, err := f.bucket(ctx, in.Bucket, optFns)
	if err != nil {
		return nil, err
	}
	return &s3.GetBucketVersioningOutput{Status: b.Versioning, MFADelete: b.MFADelete}, nil
}

// PutBucketVersioning sets versioning. Changing MFADelete needs the MFA
// header (only the root user can send it).
func (f *S3) PutBucketVersioning(ctx context.Context, in *s3.PutBucketVersioningInput, optFns ...func(*s3.Options)) (*s3.PutBucketVersioningOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	b, err := f.bucket(ctx, in.Bucket, optFns)
	if err != nil {
		return nil, err
	}
	vc := in.VersioningConfiguration
	if vc == nil {
		return nil, apiError("MalformedXML", "VersioningConfiguration is required")
	}
	if vc.MFADelete != "" && string(vc.MFADelete) != string(b.MFADelete) && aws.ToString(in.MFA) == "" {
		return nil, apiError("InvalidRequest", "DevPay and Mfa are mutually exclusive authorization methods, or the MFA header is missing")
	}
	if vc.Status != "" {
		b.Versioning = vc.Status
	}
	if vc.MFADelete != "" {
		b.MFADelete = s3types.MFADeleteStatus(vc.MFADelete)
	}
	return &s3.PutBucketVersioningOutput{}, nil
}

// GetBucketOwnershipControls returns the object ownership setting, or
// OwnershipControlsNotFoundError.
func (f *S3) GetBucketOwnershipControls(ctx context.Context, in *s3.GetBucketOwnershipControlsInput, optFns ...func(*s3.Options)) (*s3.GetBucketOwnershipControlsOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	b, err := f.bucket(ctx, in.Bucket, optFns)
	if err != nil {
		return nil, err
	}
	if b.Ownership == "" {
		return nil, apiError("OwnershipControlsNotFoundError", "The bucket ownership controls were not found")
	}
	return &s3.GetBucketOwnershipControlsOutput{OwnershipControls: &s3types.OwnershipControls{
		Rules: []s3types.OwnershipControlsRule{{ObjectOwnership: b.Ownership}},
	}}, nil
}

// PutBucketOwnershipControls sets the object ownership setting.
func (f *S3) PutBucketOwnershipControls(ctx context.Context, in *s3.PutBucketOwnershipControlsInput, optFns ...func(*s3.Options)) (*s3.PutBucketOwnershipControlsOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	b, err := f.bucket(ctx, in.Bucket, optFns)
	if err != nil {
		return nil, err
	}
	if in.OwnershipControls == nil || len(in.OwnershipControls.Rules) != 1 {
		return nil, apiError("MalformedXML", "OwnershipControls needs exactly one rule")
	}
	o := in.OwnershipControls.Rules[0].ObjectOwnership
	if o == s3types.ObjectOwnershipBucketOwnerEnforced && b.ACL != nil {
		for _, g := range b.ACL.Grants {
			if g.Grantee == nil || g.Grantee.Type != s3types.TypeCanonicalUser || aws.ToString(g.Grantee.ID) != aws.ToString(f.owner().ID) {
				return nil, apiError("InvalidBucketAclWithObjectOwnership", "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting")
			}
		}
	}
	b.Ownership = o
	return &s3.PutBucketOwnershipControlsOutput{}, nil
}

// GetBucketTagging returns the bucket's tags, or NoSuchTagSet.
func (f *S3) GetBucketTagging(ctx context.Context, in *s3.GetBucketTaggingInput, optFns ...func(*s3.Options)) (*s3.GetBucketTaggingOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	b, err := f.bucket(ctx, in.Bucket, optFns)
	if err != nil {
		return nil, err
	}
	if len(b.Tags) == 0 {
		return nil, apiError("NoSuchTagSet", "The TagSet does not exist")
	}
	keys := make([]string, 0, len(b.Tags))
	for k := range b.Tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := &s3.GetBucketTaggingOutput{}
	for _, k := range keys {
		out.TagSet = append(out.TagSet, s3types.Tag{Key: aws.String(k), Value: aws.String(b.Tags[k])})
	}
	return out, nil
}
