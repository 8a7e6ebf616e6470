package dataprotection

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/internal/policy"
)

// ControlS3BucketDenyInsecureTransport is the ID of the control that checks
// that bucket policies deny requests without TLS.
const ControlS3BucketDenyInsecureTransport = "dataprotection.s3-bucket-deny-insecure-transport"

// DenyInsecureTransportSid is the Sid of the statement that
// RemediateS3BucketDenyInsecureTransport merges into a bucket policy.
const DenyInsecureTransportSid = "SecpillarDenyInsecureTransport"

// S3BucketDenyInsecureTransportAPI is the part of the S3 API that
// CheckS3BucketDenyInsecureTransport calls. *s3.Client satisfies it.
type S3BucketDenyInsecureTransportAPI interface {
	S3ListBucketsAPI
	S3BucketPolicyReadAPI
}

var _ S3BucketDenyInsecureTransportAPI = (*s3.Client)(nil)

// S3BucketPolicyRemediationAPI is what the bucket policy remediations
// call. *s3.Client satisfies it.
type S3BucketPolicyRemediationAPI interface {
	S3BucketPolicyReadAPI
	PutBucketPolicy(ctx context.Context, in *s3.PutBucketPolicyInput, optFns ...func(*s3.Options)) (*s3.PutBucketPolicyOutput, error)
}

var _ S3BucketPolicyRemediationAPI = (*s3.Client)(nil)

// deniesInsecureTransport returns the Sid (or position) of a statement of d
// that denies every principal every S3 action on the bucket and its
// objects when aws:SecureTransport is false, or "" when there is none.
func deniesInsecureTransport(d *policy.Document, bucket string) string {
	if d == nil {
		return ""
	}
	arn := "arn:aws:s3:::" + bucket
	for i, s := range d.Statements {
		if s.Effect != "Deny" || s.Principal == nil || !s.Principal.Wildcard {
			continue
		}
		if !s.MatchesAction("s3:GetObject") || !s.MatchesAction("s3:PutObject") || !s.MatchesAction("s3:ListBucket") || !s.MatchesAction("s3:DeleteObject") {
			continue
		}
		if !s.MatchesResource(arn) || !s.MatchesResource(arn+"/x") {
			continue
		}
		if !insecureTransportCondition(s.Condition) {
			continue
		}
		return statementLabel(i, s.Sid)
	}
	return ""
}

// insecureTransportCondition reports whether the condition block is exactly
// "aws:SecureTransport is false" (Bool or BoolIfExists), with nothing else
// narrowing the Deny.
func insecureTransportCondition(c policy.Condition) bool {
	found := false
	for op, keys := range c {
		for k, vs := range keys {
			if !strings.EqualFold(k, "aws:SecureTransport") || !(strings.EqualFold(op, "Bool") || strings.EqualFold(op, "BoolIfExists")) {
				return false
			}
			if len(vs) != 1 || !strings.EqualFold(vs[0], "false") {
				return false
			}
			found = true
		}
	}
	return found
}

// CheckS3BucketDenyInsecureTransport reports, per bucket, whether its
// policy denies all S3 requests that do not use TLS (CIS 2.1.1, S3.5): a
// Deny for every principal, of s3:* on the bucket and its objects, under
// Bool aws:SecureTransport false. Any statement that says the same counts,
// whatever its Sid.
func CheckS3BucketDenyInsecureTransport(ctx context.Context, api S3BucketDenyInsecureTransportAPI, optFns ...func(*S3BucketOptions)) ([]secpillar.Finding, error) {
	return eachBucket(ctx, api, bucketOptions(optFns), func(b Bucket) (secpillar.Finding, error) {
		doc, err := ReadBucketPolicy(ctx, api, b)
		if err != nil {
			return secpillar.Finding{}, err
		}
		d, err := parseBucketPolicy(b, doc)
		if err != nil {
			return secpillar.Finding{}, err
		}
		const c, sev = ControlS3BucketDenyInsecureTransport, secpillar.SeverityMedium
		if d == nil {
			return fail(c, sev, b.Resource(), "The bucket has no policy, so requests over plain HTTP are allowed; add a Deny for aws:SecureTransport false.", map[string]string{"policy": "none"}), nil
		}
		if sid := deniesInsecureTransport(d, b.Name); sid != "" {
			return pass(c, sev, b.Resource(), "The bucket policy denies requests that do not use TLS.", map[string]string{"statement": sid}), nil
		}
		return fail(c, sev, b.Resource(), "The bucket policy does not deny requests over plain HTTP; add a Deny of s3:* for every principal when aws:SecureTransport is false.", map[string]string{"policy": "no matching Deny"}), nil
	})
}

func denyInsecureTransportStatement(bucket string) json.RawMessage {
	arn := "arn:aws:s3:::" + bucket
	return json.RawMessage(`{"Sid":"` + DenyInsecureTransportSid + `","Effect":"Deny","Principal":{"AWS":"*"},"Action":"s3:*","Resource":["` + arn + `","` + arn + `/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}`)
}

// RemediateS3BucketDenyInsecureTransport merges one Deny statement, with
// Sid DenyInsecureTransportSid, into the policy of b (creating the policy
// when there is none). Every other statement is kept byte for byte; a
// policy that already denies insecure transport, with any Sid, is left as
// it is, so a second run writes nothing.
//
// S3 has no conditional PutBucketPolicy, so the policy is read again just
// before the write and the merge recomputed when another writer changed it
// in between; a policy that keeps changing is an error, not a write.
func RemediateS3BucketDenyInsecureTransport(ctx context.Context, api S3BucketPolicyRemediationAPI, b Bucket, optFns ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
	opts := secpillar.NewRemediateOptions(optFns...)
	ctx = secpillar.FreshReads(ctx) // act on current state, never on a shared read
	doc, err := ReadBucketPolicy(ctx, api, b)
	if err != nil {
		return secpillar.Remediation{}, err
	}
	rem := secpillar.Remediation{Control: ControlS3BucketDenyInsecureTransport, Resource: b.Resource()}
	const attempts = 3
	var merged string
	for attempt := 1; ; attempt++ {
		var compliant bool
		merged, compliant, err = mergeDenyInsecureTransport(b, doc)
		if err != nil {
			return secpillar.Remediation{}, err
		}
		if compliant {
			rem.Outcome = secpillar.OutcomeCompliant
			return rem, nil
		}
		if opts.DryRun {
			break
		}
		again, err := ReadBucketPolicy(ctx, api, b)
		if err != nil {
			return secpillar.Remediation{}, err
		}
		if again == doc {
			break
		}
		if attempt == attempts {
			return secpillar.Remediation{}, fmt.Errorf("dataprotection: policy of bucket %s changed on each of %d reads; not writing over another writer", b.Name, attempts)
		}
		doc = again
	}
	before := doc
	if before == "" {
		before = "none"
	}
	rem.Changes = []secpillar.Change{{Resource: b.Resource(), Action: "s3:PutBucketPolicy", Field: "Statement[" + DenyInsecureTransportSid + "]", Before: before, After: merged}}
	rem.Undo = "Remove the statement with Sid " + DenyInsecureTransportSid + " from the bucket policy (or delete the policy if it was created)."
	rem.Notes = []string{"Clients that still call S3 over plain HTTP are refused from now on.",
		"S3 has no conditional policy write: the policy was read again just before the write, but a change made in that last moment can still be overwritten."}
	if opts.DryRun {
		rem.Outcome = secpillar.OutcomePlanned
		return rem, nil
	}
	if _, err := api.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(b.Name), Policy: aws.String(merged)}, b.inRegion); err != nil {
		return rem, fmt.Errorf("dataprotection: put policy of bucket %s: %w", b.Name, err)
	}
	got, err := ReadBucketPolicy(ctx, api, b)
	if err != nil {
		return rem, fmt.Errorf("dataprotection: verify policy of bucket %s: %w", b.Name, err)
	}
	gd, err := parseBucketPolicy(b, got)
	if err != nil {
		return rem, err
	}
	rem.Outcome = outcome(deniesInsecureTransport(gd, b.Name) != "")
	return rem, nil
}

// mergeDenyInsecureTransport returns policy doc of b with the Deny
// statement merged in, or compliant when doc already denies insecure
// transport.
func mergeDenyInsecureTransport(b Bucket, doc string) (merged string, compliant bool, err error) {
	d, err := parseBucketPolicy(b, doc)
	if err != nil {
		return "", false, err
	}
	if deniesInsecureTransport(d, b.Name) != "" {
		return "", true, nil
	}
	merged, err = policy.UpsertStatement(doc, DenyInsecureTransportSid, denyInsecureTransportStatement(b.Name))
	if err != nil {
		return "", false, fmt.Errorf("dataprotection: merge TLS statement into policy of bucket %s: %w", b.Name, err)
	}
	return merged, false, nil
}
