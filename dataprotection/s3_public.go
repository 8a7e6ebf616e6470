package dataprotection

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/internal/awserr"
	"github.com/secpillar/secpillar/internal/policy"
)

// ControlS3BucketNotPublic is the ID of the control that checks the
// effective public exposure of buckets.
const ControlS3BucketNotPublic = "dataprotection.s3-bucket-not-public"

// S3BucketPolicyReadAPI reads a bucket policy. *s3.Client satisfies it.
type S3BucketPolicyReadAPI interface {
	GetBucketPolicy(ctx context.Context, in *s3.GetBucketPolicyInput, optFns ...func(*s3.Options)) (*s3.GetBucketPolicyOutput, error)
}

var _ S3BucketPolicyReadAPI = (*s3.Client)(nil)

// S3BucketExposureAPI is what EvaluateBucketExposure calls for one bucket.
// *s3.Client satisfies it.
type S3BucketExposureAPI interface {
	S3BucketPublicAccessBlockReadAPI
	S3BucketPolicyReadAPI
	GetBucketAcl(ctx context.Context, in *s3.GetBucketAclInput, optFns ...func(*s3.Options)) (*s3.GetBucketAclOutput, error)
}

var _ S3BucketExposureAPI = (*s3.Client)(nil)

// S3BucketNotPublicAPI is the part of the S3 API that CheckS3BucketNotPublic
// calls. *s3.Client satisfies it.
type S3BucketNotPublicAPI interface {
	S3ListBucketsAPI
	S3BucketExposureAPI
}

var _ S3BucketNotPublicAPI = (*s3.Client)(nil)

// S3BucketNotPublicOptions configures CheckS3BucketNotPublic.
type S3BucketNotPublicOptions struct {
	S3BucketOptions
	// InspectNeutralised also reads the ACL and policy of buckets where
	// Block Public Access already neutralises them, to report latent
	// exposure in the evidence. Off by default: those reads cannot change
	// the verdict.
	InspectNeutralised bool
}

// BucketExposure is the effective public exposure of one bucket, after
// account-level and bucket-level Block Public Access.
type BucketExposure struct {
	// Public is true when anyone can reach the bucket through its ACL or
	// its policy, after Block Public Access.
	Public bool
	// Access is "read", "write" or "read,write" for a public bucket.
	Access string
	// Reason is one sentence for a finding.
	Reason string
	// Evidence holds the layers the verdict rests on.
	Evidence map[string]string
}

// ReadBucketPolicy returns the bucket policy of b as plain JSON, or "" when
// the bucket has none.
func ReadBucketPolicy(ctx context.Context, api S3BucketPolicyReadAPI, b Bucket) (string, error) {
	if err := validBucket(b); err != nil {
		return "", err
	}
	out, err := api.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String(b.Name)}, b.inRegion)
	if err != nil {
		if awserr.IsCode(err, "NoSuchBucketPolicy") {
			return "", nil
		}
		return "", fmt.Errorf("dataprotection: read policy of bucket %s: %w", b.Name, err)
	}
	if out.Policy == nil {
		return "", fmt.Errorf("dataprotection: read policy of bucket %s: the answer has no Policy", b.Name)
	}
	return *out.Policy, nil
}

// parseBucketPolicy parses a bucket policy (plain JSON: S3 policies are
// never URL-encoded); "" is no policy.
func parseBucketPolicy(b Bucket, doc string) (*policy.Document, error) {
	if doc == "" {
		return nil, nil
	}
	d, err := policy.Parse(doc)
	if err != nil {
		return nil, fmt.Errorf("dataprotection: policy of bucket %s: %w", b.Name, err)
	}
	return d, nil
}

var s3WriteActions = []string{"s3:PutObject", "s3:DeleteObject", "s3:PutObjectAcl", "s3:PutBucketPolicy", "s3:PutBucketAcl", "s3:DeleteBucket"}

func addAccess(set map[string]bool, write bool) {
	if write {
		set["write"] = true
	} else {
		set["read"] = true
	}
}

// EvaluateBucketExposure decides whether bucket b of accountID is public
// given the account-level flags (see ReadAccountPublicAccessBlock). It
// reads the bucket-level flags, then only the layers they leave open: the
// ACL unless IgnorePublicAcls is on at either level, the policy unless
// RestrictPublicBuckets is on at either level (inspectNeutralised reads
// them anyway, for the evidence). A public layer that Block Public Access
// neutralises does not make the bucket public.
func EvaluateBucketExposure(ctx context.Context, api S3BucketExposureAPI, accountID string, account PublicAccessBlock, b Bucket, inspectNeutralised bool) (BucketExposure, error) {
	if err := validBucket(b); err != nil {
		return BucketExposure{}, err
	}
	ev := map[string]string{"account_bpa": account.String()}
	bucket := PublicAccessBlock{}
	if !(account.IgnorePublicAcls && account.RestrictPublicBuckets) || inspectNeutralised {
		p, _, err := ReadBucketPublicAccessBlock(ctx, api, b)
		if err != nil {
			return BucketExposure{}, err
		}
		bucket = p
		ev["bucket_bpa"] = p.String()
	} else {
		ev["bucket_bpa"] = "not read: the account-level flags neutralise ACLs and policies"
	}
	eff := account.Raise(bucket)
	access := map[string]bool{}
	var reasons, neutralised, skipped []string

	// ACL layer.
	switch {
	case eff.IgnorePublicAcls && !inspectNeutralised:
		ev["acl"] = "not read: IgnorePublicAcls is on (" + level(account.IgnorePublicAcls) + ")"
		skipped = append(skipped, "IgnorePublicAcls "+level(account.IgnorePublicAcls)+" neutralises any public ACL")
	default:
		acl, err := api.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: aws.String(b.Name)}, b.inRegion)
		if err != nil {
			return BucketExposure{}, fmt.Errorf("dataprotection: read ACL of bucket %s: %w", b.Name, err)
		}
		var grants []string
		aclAccess := map[string]bool{}
		for _, g := range acl.Grants {
			if g.Grantee == nil {
				return BucketExposure{}, fmt.Errorf("dataprotection: read ACL of bucket %s: a grant without a grantee", b.Name)
			}
			switch g.Grantee.Type {
			case s3types.TypeGroup:
			case s3types.TypeCanonicalUser, s3types.TypeAmazonCustomerByEmail:
				continue
			default:
				// A grantee type the SDK does not know could be public.
				return BucketExposure{}, fmt.Errorf("dataprotection: read ACL of bucket %s: unknown grantee type %q", b.Name, g.Grantee.Type)
			}
			if !policy.IsPublicACLGrantee(aws.ToString(g.Grantee.URI)) {
				continue
			}
			group := aws.ToString(g.Grantee.URI)
			group = group[strings.LastIndex(group, "/")+1:]
			grants = append(grants, group+":"+string(g.Permission))
			switch g.Permission {
			case s3types.PermissionRead, s3types.PermissionReadAcp:
				addAccess(aclAccess, false)
			case s3types.PermissionWrite, s3types.PermissionWriteAcp:
				addAccess(aclAccess, true)
			case s3types.PermissionFullControl:
				addAccess(aclAccess, false)
				addAccess(aclAccess, true)
			default:
				return BucketExposure{}, fmt.Errorf("dataprotection: read ACL of bucket %s: unknown permission %q", b.Name, g.Permission)
			}
		}
		if len(grants) == 0 {
			ev["acl"] = "not public"
		} else {
			ev["acl"] = "public grants " + strings.Join(grants, ", ")
			if eff.IgnorePublicAcls {
				neutralised = append(neutralised, "its public ACL grants are ignored (IgnorePublicAcls "+level(account.IgnorePublicAcls)+")")
			} else {
				for k := range aclAccess {
					access[k] = true
				}
				reasons = append(reasons, "its ACL grants "+strings.Join(grants, ", "))
			}
		}
	}

	// Policy layer.
	switch {
	case eff.RestrictPublicBuckets && !inspectNeutralised:
		ev["policy"] = "not read: RestrictPublicBuckets is on (" + level(account.RestrictPublicBuckets) + ")"
		skipped = append(skipped, "RestrictPublicBuckets "+level(account.RestrictPublicBuckets)+" neutralises any public policy")
	default:
		doc, err := ReadBucketPolicy(ctx, api, b)
		if err != nil {
			return BucketExposure{}, err
		}
		d, err := parseBucketPolicy(b, doc)
		if err != nil {
			return BucketExposure{}, err
		}
		pub := policy.PublicStatements(d, policy.PublicOptions{BucketPolicy: true, Account: accountID})
		switch {
		case d == nil:
			ev["policy"] = "none"
		case len(pub) == 0:
			ev["policy"] = "not public"
		default:
			var sids []string
			polAccess := map[string]bool{}
			for _, p := range pub {
				sids = append(sids, p.Reason)
				s := d.Statements[p.Index]
				write := false
				for _, a := range s3WriteActions {
					if s.MatchesAction(a) {
						write = true
					}
				}
				addAccess(polAccess, write)
				if write && (s.MatchesAction("s3:GetObject") || s.MatchesAction("s3:ListBucket")) {
					addAccess(polAccess, false)
				}
			}
			ev["policy"] = "public: " + strings.Join(sids, "; ")
			if eff.RestrictPublicBuckets {
				neutralised = append(neutralised, "its public policy is restricted to the account and AWS services (RestrictPublicBuckets "+level(account.RestrictPublicBuckets)+")")
			} else {
				for k := range polAccess {
					access[k] = true
				}
				var labels []string
				for _, p := range pub {
					labels = append(labels, statementLabel(p.Index, p.Sid))
				}
				reasons = append(reasons, "its policy lets anyone in through "+strings.Join(labels, ", "))
			}
		}
	}

	x := BucketExposure{Evidence: ev}
	if len(reasons) > 0 {
		x.Public = true
		var acc []string
		for _, k := range []string{"read", "write"} {
			if access[k] {
				acc = append(acc, k)
			}
		}
		x.Access = strings.Join(acc, ",")
		ev["public_access"] = x.Access
		x.Reason = "The bucket is public (" + x.Access + "): " + strings.Join(reasons, " and ") + "; turn on Block Public Access and remove the public grants."
		return x, nil
	}
	if len(neutralised)+len(skipped) > 0 {
		x.Reason = "The bucket is not public: " + strings.Join(append(neutralised, skipped...), " and ") + "."
		return x, nil
	}
	x.Reason = "The bucket is not public: no public ACL grant or policy statement is in effect."
	return x, nil
}

// statementLabel names a statement by Sid, or by position when it has none.
func statementLabel(i int, sid string) string {
	if sid != "" {
		return "statement " + sid
	}
	return fmt.Sprintf("statement #%d", i)
}

// level names where a flag is on, given whether the account has it.
func level(account bool) string {
	if account {
		return "at account level"
	}
	return "at bucket level"
}

// CheckS3BucketNotPublic reports, per bucket of accountID, whether anyone
// can read or write it through its ACL or policy once account-level and
// bucket-level Block Public Access are applied (S3.2, S3.3). The account
// flags are read once through accountAPI. Public policies and ACLs that
// Block Public Access neutralises PASS, with that in the evidence. Object
// ACLs are not read (that is one call per object): IgnorePublicAcls, or
// object ownership BucketOwnerEnforced (dataprotection.s3-bucket-acls-disabled),
// is what keeps them from making objects public.
func CheckS3BucketNotPublic(ctx context.Context, api S3BucketNotPublicAPI, accountAPI S3AccountPublicAccessBlockAPI, accountID string, optFns ...func(*S3BucketNotPublicOptions)) ([]secpillar.Finding, error) {
	var o S3BucketNotPublicOptions
	for _, fn := range optFns {
		fn(&o)
	}
	acct, _, err := ReadAccountPublicAccessBlock(ctx, accountAPI, accountID)
	if err != nil {
		return nil, err
	}
	return eachBucket(ctx, api, o.S3BucketOptions, func(b Bucket) (secpillar.Finding, error) {
		x, err := EvaluateBucketExposure(ctx, api, accountID, acct, b, o.InspectNeutralised)
		if err != nil {
			return secpillar.Finding{}, err
		}
		r := b.Resource()
		sev := secpillar.SeverityHigh
		if strings.Contains(x.Access, "write") {
			sev = secpillar.SeverityCritical
		}
		return verdict(!x.Public, ControlS3BucketNotPublic, sev, r, x.Reason, x.Reason, x.Evidence), nil
	})
}

// RemediateS3BucketNotPublic turns on all four bucket-level Block Public
// Access flags of b (raising only), which neutralises public ACLs and
// policies. It never deletes or edits the bucket policy or ACL, so the
// change is undone by putting the previous flags back.
func RemediateS3BucketNotPublic(ctx context.Context, api S3BucketPublicAccessBlockRemediationAPI, b Bucket, optFns ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
	return raiseBucketPublicAccessBlock(ctx, api, b, ControlS3BucketNotPublic, secpillar.NewRemediateOptions(optFns...))
}
