package dataprotection

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/secpillar/secpillar"
)

// bucketControl fills the fields every bucket control shares.
func bucketControl(id, title string, sev secpillar.Severity, refs []secpillar.Reference, perms []string,
	check func(ctx context.Context, api *s3.Client) ([]secpillar.Finding, error)) secpillar.Control {
	return secpillar.Control{
		ID: id, Title: title, Domain: secpillar.DomainDataProtection, Severity: sev, References: refs,
		Scope:       secpillar.ScopeAccount,
		Permissions: append([]string{"s3:ListAllMyBuckets"}, perms...),
		Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
			return check(ctx, s3.NewFromConfig(cfg))
		},
	}
}

// bucketRemediation adapts a typed bucket remediation.
func bucketRemediation(fn func(ctx context.Context, api *s3.Client, b Bucket, optFns ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error)) func(context.Context, aws.Config, secpillar.Finding, secpillar.RemediateOptions) (secpillar.Remediation, error) {
	return func(ctx context.Context, cfg aws.Config, f secpillar.Finding, o secpillar.RemediateOptions) (secpillar.Remediation, error) {
		b, err := bucketOf(f)
		if err != nil {
			return secpillar.Remediation{}, err
		}
		return fn(ctx, s3.NewFromConfig(cfg), b, withOptions(o))
	}
}

func s3Controls() []secpillar.Control {
	bpa := bucketControl(ControlS3BucketPublicAccessBlock, "S3 buckets have all four Block Public Access flags on", secpillar.SeverityHigh,
		[]secpillar.Reference{fsbp("S3.8")}, []string{"s3:GetBucketPublicAccessBlock"},
		func(ctx context.Context, api *s3.Client) ([]secpillar.Finding, error) {
			return CheckS3BucketPublicAccessBlock(ctx, api)
		})
	bpa.RemediationPermissions = []string{"s3:PutBucketPublicAccessBlock"}
	bpa.Remediate = bucketRemediation(func(ctx context.Context, api *s3.Client, b Bucket, o ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
		return RemediateS3BucketPublicAccessBlock(ctx, api, b, o...)
	})

	mfa := bucketControl(ControlS3BucketMFADelete, "S3 buckets have versioning with MFA delete", secpillar.SeverityLow,
		[]secpillar.Reference{cis("2.1.2")}, []string{"s3:GetBucketVersioning"},
		func(ctx context.Context, api *s3.Client) ([]secpillar.Finding, error) {
			return CheckS3BucketMFADelete(ctx, api)
		})

	acls := bucketControl(ControlS3BucketACLsDisabled, "S3 buckets have ACLs disabled (BucketOwnerEnforced)", secpillar.SeverityMedium,
		[]secpillar.Reference{fsbp("S3.12")}, []string{"s3:GetBucketOwnershipControls"},
		func(ctx context.Context, api *s3.Client) ([]secpillar.Finding, error) {
			return CheckS3BucketACLsDisabled(ctx, api)
		})
	acls.RemediationPermissions = []string{"s3:PutBucketOwnershipControls"}
	acls.Remediate = bucketRemediation(func(ctx context.Context, api *s3.Client, b Bucket, o ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
		return RemediateS3BucketACLsDisabled(ctx, api, b, o...)
	})

	logging := bucketControl(ControlS3BucketAccessLogging, "S3 buckets have server access logging on", secpillar.SeverityMedium,
		[]secpillar.Reference{fsbp("S3.9")}, []string{"s3:GetBucketLogging"},
		func(ctx context.Context, api *s3.Client) ([]secpillar.Finding, error) {
			return CheckS3BucketAccessLogging(ctx, api)
		})
	logging.RemediationPermissions = []string{"s3:PutBucketLogging"} // RemediateS3BucketAccessLogging needs a target: no adapter

	ssekms := bucketControl(ControlS3BucketSSEKMS, "S3 buckets encrypt with SSE-KMS and a bucket key", secpillar.SeverityMedium,
		[]secpillar.Reference{fsbp("S3.17")}, []string{"s3:GetEncryptionConfiguration"},
		func(ctx context.Context, api *s3.Client) ([]secpillar.Finding, error) {
			return CheckS3BucketSSEKMS(ctx, api)
		})
	// No adapter: the key is the caller's choice (the AWS managed key
	// cannot be used across accounts), see RemediateS3BucketSSEKMS.
	ssekms.RemediationPermissions = []string{"s3:PutEncryptionConfiguration"}

	ssec := bucketControl(ControlS3BucketSSECBlocked, "S3 buckets block uploads with customer-provided keys (SSE-C)", secpillar.SeverityLow,
		nil, []string{"s3:GetEncryptionConfiguration"},
		func(ctx context.Context, api *s3.Client) ([]secpillar.Finding, error) {
			return CheckS3BucketSSECBlocked(ctx, api)
		})
	ssec.RemediationPermissions = []string{"s3:PutEncryptionConfiguration"}
	ssec.Remediate = bucketRemediation(func(ctx context.Context, api *s3.Client, b Bucket, o ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
		return RemediateS3BucketSSECBlocked(ctx, api, b, o...)
	})

	ver := bucketControl(ControlS3BucketVersioning, "S3 buckets have versioning on", secpillar.SeverityLow,
		[]secpillar.Reference{fsbp("S3.14")}, []string{"s3:GetBucketVersioning"},
		func(ctx context.Context, api *s3.Client) ([]secpillar.Finding, error) {
			return CheckS3BucketVersioning(ctx, api)
		})
	ver.RemediationPermissions = []string{"s3:PutBucketVersioning"}
	ver.Remediate = bucketRemediation(func(ctx context.Context, api *s3.Client, b Bucket, o ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
		return RemediateS3BucketVersioning(ctx, api, b, o...)
	})

	notPublic := secpillar.Control{
		ID: ControlS3BucketNotPublic, Title: "S3 buckets are not public after Block Public Access", Domain: secpillar.DomainDataProtection,
		Severity: secpillar.SeverityCritical, References: []secpillar.Reference{fsbp("S3.2"), fsbp("S3.3")}, Scope: secpillar.ScopeAccount,
		Permissions:            []string{"sts:GetCallerIdentity", "s3:GetAccountPublicAccessBlock", "s3:ListAllMyBuckets", "s3:GetBucketPublicAccessBlock", "s3:GetBucketAcl", "s3:GetBucketPolicy"},
		RemediationPermissions: []string{"s3:PutBucketPublicAccessBlock"},
		Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
			acct, err := callerAccount(ctx, cfg)
			if err != nil {
				return nil, err
			}
			return CheckS3BucketNotPublic(ctx, s3.NewFromConfig(cfg), s3control.NewFromConfig(cfg), acct)
		},
		Remediate: bucketRemediation(func(ctx context.Context, api *s3.Client, b Bucket, o ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
			return RemediateS3BucketNotPublic(ctx, api, b, o...)
		}),
	}

	tls := bucketControl(ControlS3BucketDenyInsecureTransport, "S3 bucket policies deny requests without TLS", secpillar.SeverityMedium,
		[]secpillar.Reference{cis("2.1.1"), fsbp("S3.5")}, []string{"s3:GetBucketPolicy"},
		func(ctx context.Context, api *s3.Client) ([]secpillar.Finding, error) {
			return CheckS3BucketDenyInsecureTransport(ctx, api)
		})
	tls.RemediationPermissions = []string{"s3:PutBucketPolicy"}
	tls.Remediate = bucketRemediation(func(ctx context.Context, api *s3.Client, b Bucket, o ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
		return RemediateS3BucketDenyInsecureTransport(ctx, api, b, o...)
	})

	cross := secpillar.Control{
		ID: ControlS3BucketCrossAccountRestricted, Title: "S3 bucket policies grant nothing to accounts outside the trusted set",
		Domain: secpillar.DomainDataProtection, Severity: secpillar.SeverityHigh, References: []secpillar.Reference{fsbp("S3.6")},
		Scope:       secpillar.ScopeAccount,
		Permissions: []string{"sts:GetCallerIdentity", "s3:ListAllMyBuckets", "s3:GetBucketPolicy"},
		// The catalogue trusts no other account; call
		// CheckS3BucketCrossAccountRestricted with TrustedAccounts to name them.
		Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
			acct, err := callerAccount(ctx, cfg)
			if err != nil {
				return nil, err
			}
			return CheckS3BucketCrossAccountRestricted(ctx, s3.NewFromConfig(cfg), acct)
		},
	}

	ap := secpillar.Control{
		ID: ControlS3AccessPointBlockPublic, Title: "S3 access points block public access", Domain: secpillar.DomainDataProtection,
		Severity: secpillar.SeverityCritical, References: []secpillar.Reference{fsbp("S3.19")}, Scope: secpillar.ScopeRegional,
		Permissions: []string{"sts:GetCallerIdentity", "s3:ListAccessPoints", "s3:GetAccessPoint"},
		Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
			acct, err := callerAccount(ctx, cfg)
			if err != nil {
				return nil, err
			}
			return CheckS3AccessPointBlockPublic(ctx, s3control.NewFromConfig(cfg), acct, cfg.Region)
		},
	}

	return []secpillar.Control{bpa, notPublic, tls, mfa, cross, acls, logging, ssekms, ssec, ver, ap}
}
