package dataprotection

import (
	"context"
	"slices"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/internal/policy"
)

// ControlS3BucketCrossAccountRestricted is the ID of the control that
// checks bucket policies for grants to accounts outside a trusted set.
const ControlS3BucketCrossAccountRestricted = "dataprotection.s3-bucket-cross-account-restricted"

// S3BucketCrossAccountAPI is the part of the S3 API that
// CheckS3BucketCrossAccountRestricted calls. *s3.Client satisfies it.
type S3BucketCrossAccountAPI interface {
	S3ListBucketsAPI
	S3BucketPolicyReadAPI
}

var _ S3BucketCrossAccountAPI = (*s3.Client)(nil)

// S3CrossAccountOptions configures CheckS3BucketCrossAccountRestricted.
type S3CrossAccountOptions struct {
	S3BucketOptions
	// TrustedAccounts are the account IDs (besides the bucket owner's)
	// that bucket policies may grant access to. Empty means none.
	TrustedAccounts []string
}

// accountIDOf returns the 12-digit account of a bare ID or an ARN, or "".
func accountIDOf(p string) string {
	if accountIDPattern.MatchString(p) {
		return p
	}
	parts := strings.SplitN(p, ":", 6)
	if len(parts) == 6 && parts[0] == "arn" && accountIDPattern.MatchString(parts[4]) {
		return parts[4]
	}
	return ""
}

// conditionAccounts returns the fixed account IDs a positive condition
// pins aws:PrincipalAccount or aws:SourceAccount to.
func conditionAccounts(c policy.Condition) []string {
	var out []string
	for _, op := range []string{"StringEquals", "StringLike", "ForAnyValue:StringEquals", "ForAnyValue:StringLike"} {
		for _, k := range []string{"aws:PrincipalAccount", "aws:SourceAccount"} {
			vs, _ := c.Lookup(op, k)
			out = append(out, vs...)
		}
	}
	return out
}

// externalGrants returns the principals of d's Allow statements that lie
// outside own and trusted: account IDs, or "anyone" for public statements.
func externalGrants(d *policy.Document, own string, trusted []string) []string {
	if d == nil {
		return nil
	}
	public := map[int]bool{}
	for _, p := range policy.PublicStatements(d, policy.PublicOptions{BucketPolicy: true, Account: own}) {
		public[p.Index] = true
	}
	ok := func(acct string) bool { return acct == own || slices.Contains(trusted, acct) }
	set := map[string]bool{}
	for i, s := range d.Statements {
		if s.Effect != "Allow" {
			continue
		}
		if public[i] {
			set["anyone ("+statementLabel(i, s.Sid)+")"] = true
			continue
		}
		if s.Principal == nil {
			continue
		}
		if s.Principal.Wildcard {
			for _, a := range conditionAccounts(s.Condition) {
				if !ok(a) {
					set[a] = true
				}
			}
		}
		for _, p := range s.Principal.AWS {
			if a := accountIDOf(p); a != "" && !ok(a) {
				set[a] = true
			}
		}
	}
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// CheckS3BucketCrossAccountRestricted reports, per bucket of accountID,
// whether its policy grants access only to accountID and the
// TrustedAccounts (S3.6). Named principals of other accounts, accounts
// named by aws:PrincipalAccount or aws:SourceAccount conditions, and public
// statements FAIL. Deny statements are not grants.
func CheckS3BucketCrossAccountRestricted(ctx context.Context, api S3BucketCrossAccountAPI, accountID string, optFns ...func(*S3CrossAccountOptions)) ([]secpillar.Finding, error) {
	var o S3CrossAccountOptions
	for _, fn := range optFns {
		fn(&o)
	}
	if err := validAccountID(accountID); err != nil {
		return nil, err
	}
	for _, t := range o.TrustedAccounts {
		if err := validAccountID(t); err != nil {
			return nil, err
		}
	}
	return eachBucket(ctx, api, o.S3BucketOptions, func(b Bucket) (secpillar.Finding, error) {
		doc, err := ReadBucketPolicy(ctx, api, b)
		if err != nil {
			return secpillar.Finding{}, err
		}
		d, err := parseBucketPolicy(b, doc)
		if err != nil {
			return secpillar.Finding{}, err
		}
		ext := externalGrants(d, accountID, o.TrustedAccounts)
		const c, sev = ControlS3BucketCrossAccountRestricted, secpillar.SeverityHigh
		if len(ext) == 0 {
			return pass(c, sev, b.Resource(), "The bucket policy grants access only to the owner and trusted accounts.", map[string]string{"trusted_accounts": strings.Join(o.TrustedAccounts, ",")}), nil
		}
		return fail(c, sev, b.Resource(), "The bucket policy grants access outside the trusted accounts to "+strings.Join(ext, ", ")+"; remove those grants or trust those accounts explicitly.",
			map[string]string{"external": strings.Join(ext, ","), "trusted_accounts": strings.Join(o.TrustedAccounts, ",")}), nil
	})
}
