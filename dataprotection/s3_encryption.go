package dataprotection

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/internal/awserr"
)

// IDs of the bucket encryption controls. There is deliberately no
// "default encryption enabled" control: every bucket has been encrypted
// (SSE-S3) by default since January 2023 and it cannot be turned off.
const (
	ControlS3BucketSSEKMS      = "dataprotection.s3-bucket-sse-kms"
	ControlS3BucketSSECBlocked = "dataprotection.s3-bucket-ssec-blocked"
)

// S3BucketEncryptionReadAPI reads a bucket's default encryption.
// *s3.Client satisfies it.
type S3BucketEncryptionReadAPI interface {
	GetBucketEncryption(ctx context.Context, in *s3.GetBucketEncryptionInput, optFns ...func(*s3.Options)) (*s3.GetBucketEncryptionOutput, error)
}

var _ S3BucketEncryptionReadAPI = (*s3.Client)(nil)

// S3BucketEncryptionAPI is the part of the S3 API that CheckS3BucketSSEKMS
// and CheckS3BucketSSECBlocked call. *s3.Client satisfies it.
type S3BucketEncryptionAPI interface {
	S3ListBucketsAPI
	S3BucketEncryptionReadAPI
}

var _ S3BucketEncryptionAPI = (*s3.Client)(nil)

// S3BucketEncryptionRemediationAPI is what RemediateS3BucketSSEKMS and
// RemediateS3BucketSSECBlocked call. *s3.Client satisfies it.
type S3BucketEncryptionRemediationAPI interface {
	S3BucketEncryptionReadAPI
	PutBucketEncryption(ctx context.Context, in *s3.PutBucketEncryptionInput, optFns ...func(*s3.Options)) (*s3.PutBucketEncryptionOutput, error)
}

var _ S3BucketEncryptionRemediationAPI = (*s3.Client)(nil)

// S3BucketSSEKMSOptions configures CheckS3BucketSSEKMS.
type S3BucketSSEKMSOptions struct {
	S3BucketOptions
	// KMSKeyID, when set, is the key every bucket must use: a key ID or a
	// key ARN (aliases are compared as written, not resolved).
	KMSKeyID string
}

// bucketEncryption is a bucket's default encryption: all rules as read,
// and the index of the rule with a default (-1 when none).
type bucketEncryption struct {
	rules []s3types.ServerSideEncryptionRule
	def   int
}

func (e bucketEncryption) rule() s3types.ServerSideEncryptionRule {
	if e.def < 0 {
		return s3types.ServerSideEncryptionRule{}
	}
	return e.rules[e.def]
}

func (e bucketEncryption) algorithm() s3types.ServerSideEncryption {
	if r := e.rule(); r.ApplyServerSideEncryptionByDefault != nil {
		return r.ApplyServerSideEncryptionByDefault.SSEAlgorithm
	}
	return ""
}

func (e bucketEncryption) keyID() string {
	if r := e.rule(); r.ApplyServerSideEncryptionByDefault != nil {
		return aws.ToString(r.ApplyServerSideEncryptionByDefault.KMSMasterKeyID)
	}
	return ""
}

func (e bucketEncryption) blocked() []s3types.EncryptionType {
	if r := e.rule(); r.BlockedEncryptionTypes != nil {
		return r.BlockedEncryptionTypes.EncryptionType
	}
	return nil
}

func readEncryption(ctx context.Context, api S3BucketEncryptionReadAPI, b Bucket) (bucketEncryption, error) {
	if err := validBucket(b); err != nil {
		return bucketEncryption{}, err
	}
	out, err := api.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: aws.String(b.Name)}, b.inRegion)
	if err != nil {
		if awserr.IsCode(err, "ServerSideEncryptionConfigurationNotFoundError") {
			return bucketEncryption{def: -1}, nil
		}
		return bucketEncryption{}, fmt.Errorf("dataprotection: read encryption of bucket %s: %w", b.Name, err)
	}
	if out.ServerSideEncryptionConfiguration == nil {
		return bucketEncryption{}, fmt.Errorf("dataprotection: read encryption of bucket %s: the answer has no ServerSideEncryptionConfiguration", b.Name)
	}
	e := bucketEncryption{rules: out.ServerSideEncryptionConfiguration.Rules, def: -1}
	for i, r := range e.rules {
		if r.ApplyServerSideEncryptionByDefault != nil && e.def < 0 {
			e.def = i
			switch alg := r.ApplyServerSideEncryptionByDefault.SSEAlgorithm; alg {
			case s3types.ServerSideEncryptionAes256, s3types.ServerSideEncryptionAwsKms, s3types.ServerSideEncryptionAwsKmsDsse:
			default:
				return bucketEncryption{}, fmt.Errorf("dataprotection: read encryption of bucket %s: unknown SSE algorithm %q", b.Name, alg)
			}
		}
		if r.BlockedEncryptionTypes != nil {
			for _, t := range r.BlockedEncryptionTypes.EncryptionType {
				if t != s3types.EncryptionTypeSseC && t != s3types.EncryptionTypeNone {
					return bucketEncryption{}, fmt.Errorf("dataprotection: read encryption of bucket %s: unknown blocked encryption type %q", b.Name, t)
				}
			}
		}
	}
	return e, nil
}

// sameKey reports whether two KMS key references name the same key: equal,
// or one is a key ARN whose key ID is the other.
func sameKey(a, b string) bool {
	if a == b {
		return true
	}
	id := func(s string) string {
		if i := strings.LastIndex(s, ":key/"); i >= 0 {
			return s[i+len(":key/"):]
		}
		return s
	}
	return id(a) == id(b) && !strings.Contains(a, "alias/") && !strings.Contains(b, "alias/")
}

// sseKMSVerdict evaluates SSE-KMS with bucket keys (and the key, when
// wantKey is set); reason says what is wrong.
func sseKMSVerdict(e bucketEncryption, wantKey string) (ok bool, reason string) {
	alg := e.algorithm()
	switch {
	case alg == "":
		return false, "The bucket has no default encryption rule; set SSE-KMS with a bucket key."
	case alg == s3types.ServerSideEncryptionAes256:
		return false, "Default encryption is SSE-S3; set SSE-KMS with a bucket key."
	case wantKey != "" && !sameKey(e.keyID(), wantKey):
		got := e.keyID()
		if got == "" {
			got = "the AWS managed key aws/s3"
		}
		return false, "Default encryption uses " + got + ", not the required key " + wantKey + "."
	case alg == s3types.ServerSideEncryptionAwsKms && !aws.ToBool(e.rule().BucketKeyEnabled):
		return false, "Default encryption is SSE-KMS without a bucket key; enable the bucket key to cut KMS requests and cost."
	}
	return true, "Default encryption is " + string(alg) + " with a bucket key where it applies."
}

func (e bucketEncryption) evidence() map[string]string {
	ev := map[string]string{"sse_algorithm": string(e.algorithm()), "bucket_key_enabled": bstr(aws.ToBool(e.rule().BucketKeyEnabled))}
	if ev["sse_algorithm"] == "" {
		ev["sse_algorithm"] = "none"
	}
	if k := e.keyID(); k != "" {
		ev["kms_key"] = k
	}
	var bl []string
	for _, t := range e.blocked() {
		bl = append(bl, string(t))
	}
	ev["blocked_encryption_types"] = strings.Join(bl, ",")
	return ev
}

// CheckS3BucketSSEKMS reports, per bucket, whether default encryption is
// SSE-KMS (or DSSE-KMS) with an S3 bucket key, and with the named key when
// KMSKeyID is set (S3.17). DSSE-KMS does not support bucket keys and passes
// without one.
func CheckS3BucketSSEKMS(ctx context.Context, api S3BucketEncryptionAPI, optFns ...func(*S3BucketSSEKMSOptions)) ([]secpillar.Finding, error) {
	var o S3BucketSSEKMSOptions
	for _, fn := range optFns {
		fn(&o)
	}
	return eachBucket(ctx, api, o.S3BucketOptions, func(b Bucket) (secpillar.Finding, error) {
		e, err := readEncryption(ctx, api, b)
		if err != nil {
			return secpillar.Finding{}, err
		}
		ok, reason := sseKMSVerdict(e, o.KMSKeyID)
		return verdict(ok, ControlS3BucketSSEKMS, secpillar.SeverityMedium, b.Resource(), reason, reason, e.evidence()), nil
	})
}

// CheckS3BucketSSECBlocked reports, per bucket, whether uploads with
// customer-provided keys (SSE-C) are blocked through the
// BlockedEncryptionTypes of the default encryption rule.
func CheckS3BucketSSECBlocked(ctx context.Context, api S3BucketEncryptionAPI, optFns ...func(*S3BucketOptions)) ([]secpillar.Finding, error) {
	return eachBucket(ctx, api, bucketOptions(optFns), func(b Bucket) (secpillar.Finding, error) {
		e, err := readEncryption(ctx, api, b)
		if err != nil {
			return secpillar.Finding{}, err
		}
		return verdict(slices.Contains(e.blocked(), s3types.EncryptionTypeSseC), ControlS3BucketSSECBlocked, secpillar.SeverityLow, b.Resource(),
			"Uploads encrypted with customer-provided keys (SSE-C) are blocked.",
			"Uploads with customer-provided keys (SSE-C) are allowed; block SSE-C in the default encryption rule unless a workload needs it.",
			e.evidence()), nil
	})
}

// putRule writes e's rules with the default rule replaced by r, then
// re-reads.
func putRule(ctx context.Context, api S3BucketEncryptionRemediationAPI, b Bucket, e bucketEncryption, r s3types.ServerSideEncryptionRule) (bucketEncryption, error) {
	rules := slices.Clone(e.rules)
	if e.def < 0 {
		rules = append([]s3types.ServerSideEncryptionRule{r}, rules...)
	} else {
		rules[e.def] = r
	}
	if _, err := api.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: aws.String(b.Name),
		ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{Rules: rules}}, b.inRegion); err != nil {
		return bucketEncryption{}, fmt.Errorf("dataprotection: put encryption of bucket %s: %w", b.Name, err)
	}
	got, err := readEncryption(ctx, api, b)
	if err != nil {
		return bucketEncryption{}, fmt.Errorf("dataprotection: verify encryption of bucket %s: %w", b.Name, err)
	}
	return got, nil
}

func renderEncryption(e bucketEncryption) string {
	ev := e.evidence()
	s := ev["sse_algorithm"]
	if k := ev["kms_key"]; k != "" {
		s += " key " + k
	}
	return s + " bucket_key=" + ev["bucket_key_enabled"]
}

// RemediateS3BucketSSEKMS sets the default encryption of b to SSE-KMS
// with a bucket key, using kmsKeyID (a key ID or ARN), or when it is empty
// the key already configured or else the AWS managed key aws/s3. A bucket
// on DSSE-KMS stays on DSSE-KMS (only its key changes). The
// rule's other settings (blocked encryption types) and other rules are
// carried forward. Objects already stored keep their encryption.
func RemediateS3BucketSSEKMS(ctx context.Context, api S3BucketEncryptionRemediationAPI, b Bucket, kmsKeyID string, optFns ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
	opts := secpillar.NewRemediateOptions(optFns...)
	ctx = secpillar.FreshReads(ctx) // act on current state, never on a shared read
	e, err := readEncryption(ctx, api, b)
	if err != nil {
		return secpillar.Remediation{}, err
	}
	rem := secpillar.Remediation{Control: ControlS3BucketSSEKMS, Resource: b.Resource()}
	if ok, _ := sseKMSVerdict(e, kmsKeyID); ok {
		rem.Outcome = secpillar.OutcomeCompliant
		return rem, nil
	}
	r := e.rule()
	key := kmsKeyID
	if key == "" && e.algorithm() == s3types.ServerSideEncryptionAwsKms {
		key = e.keyID()
	}
	def := &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAwsKms}
	if e.algorithm() == s3types.ServerSideEncryptionAwsKmsDsse {
		def.SSEAlgorithm = s3types.ServerSideEncryptionAwsKmsDsse // never downgrade dual-layer encryption
		if key == "" {
			key = e.keyID()
		}
	}
	if key != "" {
		def.KMSMasterKeyID = aws.String(key)
	}
	r.ApplyServerSideEncryptionByDefault = def
	r.BucketKeyEnabled = aws.Bool(def.SSEAlgorithm == s3types.ServerSideEncryptionAwsKms) // DSSE-KMS has no bucket keys
	after := bucketEncryption{rules: []s3types.ServerSideEncryptionRule{r}}
	rem.Changes = []secpillar.Change{{Resource: b.Resource(), Action: "s3:PutEncryptionConfiguration", Field: "DefaultEncryption", Before: renderEncryption(e), After: renderEncryption(after)}}
	rem.Undo = "Put the previous default encryption back with s3 PutBucketEncryption (" + renderEncryption(e) + ")."
	rem.Notes = []string{"Only new objects are encrypted with the new setting; writers and readers need kms:GenerateDataKey and kms:Decrypt on the key."}
	if opts.DryRun {
		rem.Outcome = secpillar.OutcomePlanned
		return rem, nil
	}
	got, err := putRule(ctx, api, b, e, r)
	if err != nil {
		return rem, err
	}
	ok, _ := sseKMSVerdict(got, kmsKeyID)
	rem.Outcome = outcome(ok)
	return rem, nil
}

// RemediateS3BucketSSECBlocked adds SSE-C to the blocked encryption types
// of b's default encryption rule, carrying every other setting forward.
// Existing SSE-C objects stay readable.
func RemediateS3BucketSSECBlocked(ctx context.Context, api S3BucketEncryptionRemediationAPI, b Bucket, optFns ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
	opts := secpillar.NewRemediateOptions(optFns...)
	ctx = secpillar.FreshReads(ctx) // act on current state, never on a shared read
	e, err := readEncryption(ctx, api, b)
	if err != nil {
		return secpillar.Remediation{}, err
	}
	rem := secpillar.Remediation{Control: ControlS3BucketSSECBlocked, Resource: b.Resource()}
	if slices.Contains(e.blocked(), s3types.EncryptionTypeSseC) {
		rem.Outcome = secpillar.OutcomeCompliant
		return rem, nil
	}
	r := e.rule()
	if r.ApplyServerSideEncryptionByDefault == nil {
		r.ApplyServerSideEncryptionByDefault = &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAes256}
	}
	var types []s3types.EncryptionType
	for _, t := range e.blocked() {
		if t != s3types.EncryptionTypeNone {
			types = append(types, t)
		}
	}
	r.BlockedEncryptionTypes = &s3types.BlockedEncryptionTypes{EncryptionType: append(types, s3types.EncryptionTypeSseC)}
	before := e.evidence()["blocked_encryption_types"]
	if before == "" {
		before = "none"
	}
	rem.Changes = []secpillar.Change{{Resource: b.Resource(), Action: "s3:PutEncryptionConfiguration", Field: "BlockedEncryptionTypes", Before: before, After: "SSE-C"}}
	rem.Undo = "Put the rule back without SSE-C in BlockedEncryptionTypes with s3 PutBucketEncryption."
	rem.Notes = []string{"Uploads and copies that send SSE-C headers are refused from now on; existing SSE-C objects stay readable."}
	if opts.DryRun {
		rem.Outcome = secpillar.OutcomePlanned
		return rem, nil
	}
	got, err := putRule(ctx, api, b, e, r)
	if err != nil {
		return rem, err
	}
	rem.Outcome = outcome(slices.Contains(got.blocked(), s3types.EncryptionTypeSseC))
	return rem, nil
}
