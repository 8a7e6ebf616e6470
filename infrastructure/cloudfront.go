package infrastructure

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	cftypes "github.com/aws/aws-sdk-go-v2/service/cloudfront/types"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/internal/pagetoken"
)

// The IDs of the CloudFront controls.
const (
	ControlCloudFrontViewerHTTPS           = "infrastructure.cloudfront-viewer-https"
	ControlCloudFrontOriginHTTPS           = "infrastructure.cloudfront-origin-https"
	ControlCloudFrontNoDeprecatedOriginSSL = "infrastructure.cloudfront-no-deprecated-origin-ssl"
	ControlCloudFrontViewerTLSPolicy       = "infrastructure.cloudfront-viewer-tls-policy"
	ControlCloudFrontWAF                   = "infrastructure.cloudfront-waf"
	ControlCloudFrontLogging               = "infrastructure.cloudfront-logging"
	ControlCloudFrontS3OriginOAC           = "infrastructure.cloudfront-s3-origin-oac"
	ControlCloudFrontDefaultRootObject     = "infrastructure.cloudfront-default-root-object"
)

// DistributionResourceType is the resource type of CloudFront findings.
const DistributionResourceType = "AWS::CloudFront::Distribution"

// DefaultViewerTLSPolicy is the oldest viewer security policy
// CheckCloudFrontViewerTLSPolicy accepts.
const DefaultViewerTLSPolicy = cftypes.MinimumProtocolVersionTLSv122021

// CloudFrontListAPI is the part of the CloudFront API that lists
// distributions. *cloudfront.Client satisfies it.
type CloudFrontListAPI interface {
	ListDistributions(ctx context.Context, in *cloudfront.ListDistributionsInput, optFns ...func(*cloudfront.Options)) (*cloudfront.ListDistributionsOutput, error)
}

var _ CloudFrontListAPI = (*cloudfront.Client)(nil)

// CloudFrontConfigsAPI is the part of the CloudFront API that
// CheckCloudFrontLogging and CheckCloudFrontDefaultRootObject call: the
// list, then each distribution's configuration (the summaries do not carry
// logging or the default root object). *cloudfront.Client satisfies it.
type CloudFrontConfigsAPI interface {
	CloudFrontListAPI
	GetDistributionConfig(ctx context.Context, in *cloudfront.GetDistributionConfigInput, optFns ...func(*cloudfront.Options)) (*cloudfront.GetDistributionConfigOutput, error)
}

var _ CloudFrontConfigsAPI = (*cloudfront.Client)(nil)

// CloudFrontUpdateAPI is the part of the CloudFront API that the
// CloudFront remediations call. *cloudfront.Client satisfies it.
type CloudFrontUpdateAPI interface {
	GetDistributionConfig(ctx context.Context, in *cloudfront.GetDistributionConfigInput, optFns ...func(*cloudfront.Options)) (*cloudfront.GetDistributionConfigOutput, error)
	UpdateDistribution(ctx context.Context, in *cloudfront.UpdateDistributionInput, optFns ...func(*cloudfront.Options)) (*cloudfront.UpdateDistributionOutput, error)
}

var _ CloudFrontUpdateAPI = (*cloudfront.Client)(nil)

// listDistributions walks ListDistributions once.
func listDistributions(ctx context.Context, api CloudFrontListAPI) ([]cftypes.DistributionSummary, error) {
	var out []cftypes.DistributionSummary
	guard := pagetoken.New("infrastructure: list CloudFront distributions")
	p := cloudfront.NewListDistributionsPaginator(api, &cloudfront.ListDistributionsInput{}, func(o *cloudfront.ListDistributionsPaginatorOptions) { o.Limit = 1000 })
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("infrastructure: list CloudFront distributions: %w", err)
		}
		if page.DistributionList == nil {
			return nil, errors.New("infrastructure: list CloudFront distributions: the answer has no DistributionList")
		}
		l := page.DistributionList
		if aws.ToBool(l.IsTruncated) && aws.ToString(l.NextMarker) == "" {
			return nil, errors.New("infrastructure: list CloudFront distributions: a truncated page has no NextMarker")
		}
		for _, d := range l.Items {
			if d.Id == nil || d.ARN == nil {
				return nil, errors.New("infrastructure: list CloudFront distributions: a distribution has no Id or ARN")
			}
			out = append(out, d)
		}
		if err := guard.Check(false, l.NextMarker); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func distributionResource(arnStr string) secpillar.Resource {
	return secpillar.Resource{Type: DistributionResourceType, ID: arnStr, Account: accountOfARN(arnStr)}
}

// distributionView is what every CloudFront check reads, from a summary or
// a full configuration.
type distributionView struct {
	id, arn  string
	dcb      *cftypes.DefaultCacheBehavior
	cbs      *cftypes.CacheBehaviors
	origins  *cftypes.Origins
	cert     *cftypes.ViewerCertificate
	webACLID *string
}

func summaryView(d cftypes.DistributionSummary) distributionView {
	return distributionView{id: *d.Id, arn: *d.ARN, dcb: d.DefaultCacheBehavior, cbs: d.CacheBehaviors, origins: d.Origins, cert: d.ViewerCertificate, webACLID: d.WebACLId}
}

func configView(id string, c *cftypes.DistributionConfig) distributionView {
	return distributionView{id: id, dcb: c.DefaultCacheBehavior, cbs: c.CacheBehaviors, origins: c.Origins, cert: c.ViewerCertificate, webACLID: c.WebACLId}
}

// behavior is one cache behavior's path and viewer policy.
type behavior struct {
	path   string
	policy cftypes.ViewerProtocolPolicy
	origin string
}

func (v distributionView) behaviors() ([]behavior, error) {
	if v.dcb == nil {
		return nil, fmt.Errorf("distribution %s has no DefaultCacheBehavior", v.id)
	}
	out := []behavior{{path: "default (*)", policy: v.dcb.ViewerProtocolPolicy, origin: aws.ToString(v.dcb.TargetOriginId)}}
	if v.cbs != nil {
		for _, cb := range v.cbs.Items {
			if cb.PathPattern == nil {
				return nil, fmt.Errorf("distribution %s has a cache behavior without PathPattern", v.id)
			}
			out = append(out, behavior{path: aws.ToString(cb.PathPattern), policy: cb.ViewerProtocolPolicy, origin: aws.ToString(cb.TargetOriginId)})
		}
	}
	for _, b := range out {
		if b.origin == "" {
			return nil, fmt.Errorf("distribution %s cache behavior %s has no TargetOriginId", v.id, b.path)
		}
		switch b.policy {
		case cftypes.ViewerProtocolPolicyAllowAll, cftypes.ViewerProtocolPolicyHttpsOnly, cftypes.ViewerProtocolPolicyRedirectToHttps:
		case "":
			return nil, fmt.Errorf("distribution %s cache behavior %s has no ViewerProtocolPolicy", v.id, b.path)
		default:
			return nil, fmt.Errorf("distribution %s cache behavior %s has an unknown ViewerProtocolPolicy %q", v.id, b.path, b.policy)
		}
	}
	return out, nil
}

func (v distributionView) originList() ([]cftypes.Origin, error) {
	if v.origins == nil {
		return nil, fmt.Errorf("distribution %s has no Origins", v.id)
	}
	for _, o := range v.origins.Items {
		if o.Id == nil || o.DomainName == nil {
			return nil, fmt.Errorf("distribution %s has an origin without Id or DomainName", v.id)
		}
		if o.CustomOriginConfig == nil && o.S3OriginConfig == nil && o.VpcOriginConfig == nil {
			// Every origin is one of the three kinds; without the
			// configuration its protocols cannot be judged.
			return nil, fmt.Errorf("distribution %s origin %s has no CustomOriginConfig, S3OriginConfig or VpcOriginConfig", v.id, *o.Id)
		}
	}
	return v.origins.Items, nil
}

// isS3Origin reports whether an origin is an S3 bucket's REST endpoint
// (website endpoints are custom origins).
func isS3Origin(o cftypes.Origin) bool {
	return o.S3OriginConfig != nil
}

// s3BucketOfOrigin returns the bucket name of an S3 origin domain
// ("bucket.s3.amazonaws.com", "bucket.s3.eu-west-1.amazonaws.com").
func s3BucketOfOrigin(domain string) string {
	i := strings.Index(domain, ".s3.")
	if i < 0 {
		i = strings.Index(domain, ".s3-")
	}
	if i <= 0 {
		return ""
	}
	return domain[:i]
}

// ---- verdicts, shared by checks and remediations --------------------------

type verdict struct {
	ok       bool
	reason   string            // why it fails, or what passes
	evidence map[string]string // a few values
}

func viewerHTTPSVerdict(v distributionView) (verdict, error) {
	bs, err := v.behaviors()
	if err != nil {
		return verdict{}, err
	}
	var bad []string
	for _, b := range bs {
		if b.policy == cftypes.ViewerProtocolPolicyAllowAll {
			bad = append(bad, b.path)
		}
	}
	if len(bad) == 0 {
		return verdict{ok: true, reason: "every cache behavior requires HTTPS or redirects to it", evidence: map[string]string{}}, nil
	}
	return verdict{reason: "cache behavior(s) " + strings.Join(bad, ", ") + " allow plain HTTP viewers (allow-all)", evidence: map[string]string{"allow_all_behaviors": strings.Join(bad, ",")}}, nil
}

func originHTTPSVerdict(v distributionView) (verdict, error) {
	origins, err := v.originList()
	if err != nil {
		return verdict{}, err
	}
	bs, err := v.behaviors()
	if err != nil {
		return verdict{}, err
	}
	var bad []string
	for _, o := range origins {
		c := o.CustomOriginConfig
		if c == nil {
			continue
		}
		switch c.OriginProtocolPolicy {
		case cftypes.OriginProtocolPolicyHttpsOnly:
		case cftypes.OriginProtocolPolicyHttpOnly:
			bad = append(bad, *o.Id+" (http-only)")
		case cftypes.OriginProtocolPolicyMatchViewer:
			for _, b := range bs {
				if b.origin == *o.Id && b.policy == cftypes.ViewerProtocolPolicyAllowAll {
					bad = append(bad, *o.Id+" (match-viewer with HTTP viewers)")
					break
				}
			}
		case "":
			return verdict{}, fmt.Errorf("distribution %s origin %s has no OriginProtocolPolicy", v.id, *o.Id)
		default:
			return verdict{}, fmt.Errorf("distribution %s origin %s has an unknown OriginProtocolPolicy %q", v.id, *o.Id, c.OriginProtocolPolicy)
		}
	}
	if len(bad) == 0 {
		return verdict{ok: true, reason: "every custom origin is reached over HTTPS", evidence: map[string]string{}}, nil
	}
	return verdict{reason: "custom origin(s) " + strings.Join(bad, ", ") + " may be reached over plain HTTP", evidence: map[string]string{"http_origins": strings.Join(bad, ",")}}, nil
}

var deprecatedOriginSSL = []cftypes.SslProtocol{cftypes.SslProtocolSSLv3, cftypes.SslProtocolTLSv1, cftypes.SslProtocolTLSv11}

func originSSLVerdict(v distributionView) (verdict, error) {
	origins, err := v.originList()
	if err != nil {
		return verdict{}, err
	}
	var bad []string
	for _, o := range origins {
		c := o.CustomOriginConfig
		if c == nil || c.OriginProtocolPolicy == cftypes.OriginProtocolPolicyHttpOnly {
			continue // no TLS to this origin (the origin-https control reports that)
		}
		if c.OriginSslProtocols == nil {
			return verdict{}, fmt.Errorf("distribution %s origin %s has no OriginSslProtocols", v.id, *o.Id)
		}
		var old []string
		for _, p := range c.OriginSslProtocols.Items {
			switch p {
			case cftypes.SslProtocolTLSv12:
			case cftypes.SslProtocolSSLv3, cftypes.SslProtocolTLSv1, cftypes.SslProtocolTLSv11:
				old = append(old, string(p))
			default:
				return verdict{}, fmt.Errorf("distribution %s origin %s has an unknown origin SSL protocol %q", v.id, *o.Id, p)
			}
		}
		if len(old) > 0 {
			bad = append(bad, *o.Id+" ("+strings.Join(old, "/")+")")
		}
	}
	if len(bad) == 0 {
		return verdict{ok: true, reason: "no custom origin allows SSLv3, TLSv1 or TLSv1.1", evidence: map[string]string{}}, nil
	}
	return verdict{reason: "custom origin(s) " + strings.Join(bad, ", ") + " allow deprecated protocols", evidence: map[string]string{"deprecated_origins": strings.Join(bad, ",")}}, nil
}

// viewerPolicyRank orders the viewer security policies; 0 is unknown.
func viewerPolicyRank(p cftypes.MinimumProtocolVersion) int {
	return slices.Index([]cftypes.MinimumProtocolVersion{"", cftypes.MinimumProtocolVersionSSLv3, cftypes.MinimumProtocolVersionTLSv1, cftypes.MinimumProtocolVersionTLSv12016,
		cftypes.MinimumProtocolVersionTLSv112016, cftypes.MinimumProtocolVersionTLSv122018, cftypes.MinimumProtocolVersionTLSv122019,
		cftypes.MinimumProtocolVersionTLSv122021, cftypes.MinimumProtocolVersionTLSv122025, cftypes.MinimumProtocolVersionTLSv132025}, p)
}

func viewerTLSVerdict(v distributionView, min cftypes.MinimumProtocolVersion) (verdict, error) {
	c := v.cert
	if c == nil {
		return verdict{}, fmt.Errorf("distribution %s has no ViewerCertificate", v.id)
	}
	if aws.ToBool(c.CloudFrontDefaultCertificate) {
		return verdict{reason: "it uses the default *.cloudfront.net certificate, which accepts TLSv1; use a custom certificate with a " + string(min) + " or newer policy",
			evidence: map[string]string{"minimum_protocol_version": string(c.MinimumProtocolVersion), "default_certificate": "true"}}, nil
	}
	r := viewerPolicyRank(c.MinimumProtocolVersion)
	if r <= 0 {
		return verdict{}, fmt.Errorf("distribution %s has an unknown MinimumProtocolVersion %q", v.id, c.MinimumProtocolVersion)
	}
	ev := map[string]string{"minimum_protocol_version": string(c.MinimumProtocolVersion)}
	if r >= viewerPolicyRank(min) {
		return verdict{ok: true, reason: "its viewer security policy is " + string(c.MinimumProtocolVersion), evidence: ev}, nil
	}
	return verdict{reason: "its viewer security policy " + string(c.MinimumProtocolVersion) + " is older than " + string(min), evidence: ev}, nil
}

func wafVerdict(v distributionView) (verdict, error) {
	if v.webACLID == nil {
		return verdict{}, fmt.Errorf("distribution %s has no WebACLId field", v.id)
	}
	if *v.webACLID == "" {
		return verdict{reason: "no AWS WAF web ACL is associated", evidence: map[string]string{}}, nil
	}
	return verdict{ok: true, reason: "web ACL " + *v.webACLID + " is associated", evidence: map[string]string{"web_acl": *v.webACLID}}, nil
}

func loggingVerdict(id string, c *cftypes.DistributionConfig) (verdict, error) {
	l := c.Logging
	if l == nil || l.Enabled == nil {
		return verdict{}, fmt.Errorf("distribution %s has no Logging.Enabled", id)
	}
	if *l.Enabled && aws.ToString(l.Bucket) != "" {
		return verdict{ok: true, reason: "standard access logs go to " + *l.Bucket, evidence: map[string]string{"log_bucket": *l.Bucket}}, nil
	}
	return verdict{reason: "standard access logging is off (logs delivered through CloudWatch Logs delivery sources are not visible in the distribution configuration)", evidence: map[string]string{}}, nil
}

func rootObjectVerdict(id string, c *cftypes.DistributionConfig) (verdict, error) {
	if c.DefaultRootObject == nil || *c.DefaultRootObject == "" {
		return verdict{reason: "no default root object is set, so a request for / goes to the origin's root", evidence: map[string]string{}}, nil
	}
	return verdict{ok: true, reason: "the default root object is " + *c.DefaultRootObject, evidence: map[string]string{"default_root_object": *c.DefaultRootObject}}, nil
}

// ---- checks ---------------------------------------------------------------

func cloudFrontFindings(ctx context.Context, api CloudFrontListAPI, control string, sev secpillar.Severity, fix string, eval func(distributionView) (verdict, error)) ([]secpillar.Finding, error) {
	ds, err := listDistributions(ctx, api)
	if err != nil {
		return nil, err
	}
	out := make([]secpillar.Finding, 0, len(ds))
	for _, d := range ds {
		v, err := eval(summaryView(d))
		if err != nil {
			return nil, fmt.Errorf("infrastructure: %w", err)
		}
		out = append(out, distributionFinding(control, sev, *d.ARN, *d.Id, v, fix))
	}
	return out, nil
}

func distributionFinding(control string, sev secpillar.Severity, arnStr, id string, v verdict, fix string) secpillar.Finding {
	f := secpillar.Finding{Control: control, Severity: sev, Resource: distributionResource(arnStr), Evidence: v.evidence}
	if f.Evidence == nil {
		f.Evidence = map[string]string{}
	}
	f.Evidence["distribution_id"] = id
	if v.ok {
		f.Status = secpillar.StatusPass
		f.Reason = fmt.Sprintf("Distribution %s passes: %s.", id, v.reason)
	} else {
		f.Status = secpillar.StatusFail
		f.Reason = fmt.Sprintf("Distribution %s fails: %s; %s.", id, v.reason, fix)
	}
	return f
}

// CheckCloudFrontViewerHTTPS reports, for every distribution, whether all
// its cache behaviors make viewers use HTTPS (https-only or
// redirect-to-https; CloudFront.3).
func CheckCloudFrontViewerHTTPS(ctx context.Context, api CloudFrontListAPI) ([]secpillar.Finding, error) {
	return cloudFrontFindings(ctx, api, ControlCloudFrontViewerHTTPS, secpillar.SeverityMedium, "set their viewer protocol policy to redirect-to-https", viewerHTTPSVerdict)
}

// CheckCloudFrontOriginHTTPS reports, for every distribution, whether its
// custom origins are reached over HTTPS only (CloudFront.9): http-only
// fails, and match-viewer fails when a behavior using the origin accepts
// HTTP viewers.
func CheckCloudFrontOriginHTTPS(ctx context.Context, api CloudFrontListAPI) ([]secpillar.Finding, error) {
	return cloudFrontFindings(ctx, api, ControlCloudFrontOriginHTTPS, secpillar.SeverityMedium, "set their origin protocol policy to https-only", originHTTPSVerdict)
}

// CheckCloudFrontNoDeprecatedOriginSSL reports, for every distribution,
// whether any custom origin reached over TLS allows SSLv3, TLSv1 or
// TLSv1.1 (CloudFront.10).
func CheckCloudFrontNoDeprecatedOriginSSL(ctx context.Context, api CloudFrontListAPI) ([]secpillar.Finding, error) {
	return cloudFrontFindings(ctx, api, ControlCloudFrontNoDeprecatedOriginSSL, secpillar.SeverityMedium, "allow TLSv1.2 only", originSSLVerdict)
}

// CloudFrontViewerTLSOptions configures CheckCloudFrontViewerTLSPolicy.
type CloudFrontViewerTLSOptions struct {
	// Minimum is the oldest accepted security policy; empty means
	// DefaultViewerTLSPolicy.
	Minimum cftypes.MinimumProtocolVersion
}

// CheckCloudFrontViewerTLSPolicy reports, for every distribution, whether
// its viewer security policy is TLSv1.2_2021 or newer (CloudFront.15). A
// distribution on the default CloudFront certificate fails: that
// certificate accepts TLSv1 and its policy cannot be changed.
func CheckCloudFrontViewerTLSPolicy(ctx context.Context, api CloudFrontListAPI, optFns ...func(*CloudFrontViewerTLSOptions)) ([]secpillar.Finding, error) {
	var o CloudFrontViewerTLSOptions
	for _, fn := range optFns {
		fn(&o)
	}
	min := o.Minimum
	if min == "" {
		min = DefaultViewerTLSPolicy
	}
	if viewerPolicyRank(min) <= 0 {
		return nil, fmt.Errorf("infrastructure: unknown minimum viewer policy %q", min)
	}
	return cloudFrontFindings(ctx, api, ControlCloudFrontViewerTLSPolicy, secpillar.SeverityMedium, "raise the viewer security policy",
		func(v distributionView) (verdict, error) { return viewerTLSVerdict(v, min) })
}

// CheckCloudFrontWAF reports, for every distribution, whether an AWS WAF
// web ACL is associated (CloudFront.6).
func CheckCloudFrontWAF(ctx context.Context, api CloudFrontListAPI) ([]secpillar.Finding, error) {
	return cloudFrontFindings(ctx, api, ControlCloudFrontWAF, secpillar.SeverityMedium, "associate a CLOUDFRONT-scope web ACL", wafVerdict)
}

// configFindings lists the distributions, then reads each configuration.
func configFindings(ctx context.Context, api CloudFrontConfigsAPI, control string, sev secpillar.Severity, fix string, eval func(string, *cftypes.DistributionConfig) (verdict, error)) ([]secpillar.Finding, error) {
	ds, err := listDistributions(ctx, api)
	if err != nil {
		return nil, err
	}
	out := make([]secpillar.Finding, 0, len(ds))
	for _, d := range ds {
		c, err := api.GetDistributionConfig(ctx, &cloudfront.GetDistributionConfigInput{Id: d.Id})
		if err != nil {
			return nil, fmt.Errorf("infrastructure: read configuration of distribution %s: %w", *d.Id, err)
		}
		if c.DistributionConfig == nil {
			return nil, fmt.Errorf("infrastructure: read configuration of distribution %s: the answer has no DistributionConfig", *d.Id)
		}
		v, err := eval(*d.Id, c.DistributionConfig)
		if err != nil {
			return nil, fmt.Errorf("infrastructure: %w", err)
		}
		out = append(out, distributionFinding(control, sev, *d.ARN, *d.Id, v, fix))
	}
	return out, nil
}

// CheckCloudFrontLogging reports, for every distribution, whether standard
// access logging to S3 is on (CloudFront.5). It reads each
// distribution's configuration: the list does not carry logging.
func CheckCloudFrontLogging(ctx context.Context, api CloudFrontConfigsAPI) ([]secpillar.Finding, error) {
	return configFindings(ctx, api, ControlCloudFrontLogging, secpillar.SeverityMedium, "turn on access logging to a log bucket", loggingVerdict)
}

// CheckCloudFrontDefaultRootObject reports, for every distribution,
// whether a default root object is set (CloudFront.1). It reads each
// distribution's configuration.
func CheckCloudFrontDefaultRootObject(ctx context.Context, api CloudFrontConfigsAPI) ([]secpillar.Finding, error) {
	return configFindings(ctx, api, ControlCloudFrontDefaultRootObject, secpillar.SeverityHigh, "set a default root object such as index.html", rootObjectVerdict)
}

// ---- remediations ---------------------------------------------------------

// cfMutation changes a copy of a distribution configuration and returns
// the changes it made (none when already compliant).
type cfMutation func(id string, c *cftypes.DistributionConfig) ([]secpillar.Change, error)

func validDistributionID(id string) error {
	if id == "" || strings.ContainsAny(id, "/: ") {
		return fmt.Errorf("infrastructure: %q is not a CloudFront distribution ID", id)
	}
	return nil
}

// updateDistribution reads the configuration with its ETag, applies
// mutate to a copy, and writes it back with IfMatch. When the ETag is
// stale (someone changed the distribution in between) it re-reads and
// recomputes once, then fails.
func updateDistribution(ctx context.Context, api CloudFrontUpdateAPI, control, id, undo string, mutate cfMutation, opts secpillar.RemediateOptions) (secpillar.Remediation, error) {
	reported := id
	if strings.HasPrefix(id, "arn:") {
		a, err := arn.Parse(id)
		if err != nil || a.Service != "cloudfront" || !strings.HasPrefix(a.Resource, "distribution/") {
			return secpillar.Remediation{}, fmt.Errorf("infrastructure: %q is not a CloudFront distribution ARN", id)
		}
		id = strings.TrimPrefix(a.Resource, "distribution/")
	}
	if err := validDistributionID(id); err != nil {
		return secpillar.Remediation{}, err
	}
	res := secpillar.Resource{Type: DistributionResourceType, ID: reported, Account: accountOfARN(reported)}
	rem := secpillar.Remediation{Control: control, Resource: res}
	fresh := secpillar.FreshReads(ctx)
	for attempt := 0; ; attempt++ {
		cur, err := api.GetDistributionConfig(fresh, &cloudfront.GetDistributionConfigInput{Id: aws.String(id)})
		if err != nil {
			return rem, fmt.Errorf("infrastructure: read configuration of distribution %s: %w", id, err)
		}
		if cur.DistributionConfig == nil || aws.ToString(cur.ETag) == "" {
			return rem, fmt.Errorf("infrastructure: read configuration of distribution %s: no DistributionConfig or ETag in the answer", id)
		}
		cfg, err := copyDistributionConfig(cur.DistributionConfig)
		if err != nil {
			return rem, err
		}
		changes, err := mutate(id, cfg)
		if err != nil {
			return rem, err
		}
		for i := range changes {
			changes[i].Resource = res
			changes[i].Action = "cloudfront:UpdateDistribution"
		}
		rem.Changes = changes
		if len(changes) == 0 {
			if attempt == 0 {
				rem.Outcome = secpillar.OutcomeCompliant
			}
			return rem, nil
		}
		rem.Undo = undo
		rem.Notes = []string{"CloudFront deploys the change to its edge locations over several minutes."}
		if opts.DryRun {
			rem.Outcome = secpillar.OutcomePlanned
			return rem, nil
		}
		_, err = api.UpdateDistribution(ctx, &cloudfront.UpdateDistributionInput{Id: aws.String(id), IfMatch: cur.ETag, DistributionConfig: cfg})
		var stale *cftypes.PreconditionFailed
		if errors.As(err, &stale) {
			if attempt == 0 {
				continue // changed since we read it: read again and recompute
			}
			return rem, fmt.Errorf("infrastructure: distribution %s changed again while it was being updated; nothing was written, try later: %w", id, err)
		}
		if err != nil {
			return rem, fmt.Errorf("infrastructure: update distribution %s: %w", id, err)
		}
		after, err := api.GetDistributionConfig(fresh, &cloudfront.GetDistributionConfigInput{Id: aws.String(id)})
		if err != nil {
			return rem, fmt.Errorf("infrastructure: verify distribution %s: %w", id, err)
		}
		if after.DistributionConfig == nil {
			return rem, fmt.Errorf("infrastructure: verify distribution %s: no DistributionConfig in the answer", id)
		}
		check, err := copyDistributionConfig(after.DistributionConfig)
		if err != nil {
			return rem, err
		}
		left, err := mutate(id, check)
		if err != nil {
			return rem, err
		}
		rem.Outcome = secpillar.OutcomeChanged
		if len(left) > 0 {
			rem.Outcome = secpillar.OutcomeVerifyPending
		}
		return rem, nil
	}
}

// copyDistributionConfig copies the parts of a configuration that the
// mutations change, so that the SDK output (which Run may share between
// callers) is never modified.
func copyDistributionConfig(c *cftypes.DistributionConfig) (*cftypes.DistributionConfig, error) {
	cp := *c
	if c.DefaultCacheBehavior != nil {
		d := *c.DefaultCacheBehavior
		cp.DefaultCacheBehavior = &d
	}
	if c.CacheBehaviors != nil {
		cbs := *c.CacheBehaviors
		cbs.Items = slices.Clone(c.CacheBehaviors.Items)
		cp.CacheBehaviors = &cbs
	}
	if c.Origins != nil {
		os := *c.Origins
		os.Items = slices.Clone(c.Origins.Items)
		for i, o := range os.Items {
			if o.CustomOriginConfig != nil {
				coc := *o.CustomOriginConfig
				if coc.OriginSslProtocols != nil {
					sp := *coc.OriginSslProtocols
					sp.Items = slices.Clone(sp.Items)
					coc.OriginSslProtocols = &sp
				}
				os.Items[i].CustomOriginConfig = &coc
			}
		}
		cp.Origins = &os
	}
	if c.ViewerCertificate != nil {
		vc := *c.ViewerCertificate
		cp.ViewerCertificate = &vc
	}
	if c.Logging != nil {
		l := *c.Logging
		cp.Logging = &l
	}
	return &cp, nil
}

// RemediateCloudFrontViewerHTTPS sets every cache behavior that allows
// plain HTTP viewers to redirect-to-https, and changes nothing else.
func RemediateCloudFrontViewerHTTPS(ctx context.Context, api CloudFrontUpdateAPI, distributionID string, optFns ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
	return updateDistribution(ctx, api, ControlCloudFrontViewerHTTPS, distributionID,
		"Set the listed cache behaviors back to allow-all with cloudfront:UpdateDistribution.",
		func(id string, c *cftypes.DistributionConfig) ([]secpillar.Change, error) {
			if c.DefaultCacheBehavior == nil {
				return nil, fmt.Errorf("infrastructure: distribution %s has no DefaultCacheBehavior", id)
			}
			var ch []secpillar.Change
			if c.DefaultCacheBehavior.ViewerProtocolPolicy == cftypes.ViewerProtocolPolicyAllowAll {
				c.DefaultCacheBehavior.ViewerProtocolPolicy = cftypes.ViewerProtocolPolicyRedirectToHttps
				ch = append(ch, secpillar.Change{Field: "DefaultCacheBehavior.ViewerProtocolPolicy", Before: "allow-all", After: "redirect-to-https"})
			}
			if c.CacheBehaviors != nil {
				for i := range c.CacheBehaviors.Items {
					b := &c.CacheBehaviors.Items[i]
					if b.ViewerProtocolPolicy == cftypes.ViewerProtocolPolicyAllowAll {
						b.ViewerProtocolPolicy = cftypes.ViewerProtocolPolicyRedirectToHttps
						ch = append(ch, secpillar.Change{Field: "CacheBehaviors[" + aws.ToString(b.PathPattern) + "].ViewerProtocolPolicy", Before: "allow-all", After: "redirect-to-https"})
					}
				}
			}
			return ch, nil
		}, secpillar.NewRemediateOptions(optFns...))
}

// RemediateCloudFrontOriginHTTPS sets every custom origin that may be
// reached over HTTP to https-only. The origins must serve HTTPS with a
// certificate CloudFront trusts, or requests to them fail: Notes say so.
func RemediateCloudFrontOriginHTTPS(ctx context.Context, api CloudFrontUpdateAPI, distributionID string, optFns ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
	rem, err := updateDistribution(ctx, api, ControlCloudFrontOriginHTTPS, distributionID,
		"Set the listed origins' protocol policy back with cloudfront:UpdateDistribution.",
		func(id string, c *cftypes.DistributionConfig) ([]secpillar.Change, error) {
			v, err := originHTTPSVerdict(configView(id, c))
			if err != nil {
				return nil, fmt.Errorf("infrastructure: %w", err)
			}
			if v.ok {
				return nil, nil
			}
			var ch []secpillar.Change
			for i := range c.Origins.Items {
				o := &c.Origins.Items[i]
				if o.CustomOriginConfig == nil || !strings.Contains(v.evidence["http_origins"], *o.Id+" (") {
					continue
				}
				ch = append(ch, secpillar.Change{Field: "Origins[" + *o.Id + "].OriginProtocolPolicy", Before: string(o.CustomOriginConfig.OriginProtocolPolicy), After: "https-only"})
				o.CustomOriginConfig.OriginProtocolPolicy = cftypes.OriginProtocolPolicyHttpsOnly
			}
			return ch, nil
		}, secpillar.NewRemediateOptions(optFns...))
	if len(rem.Changes) > 0 {
		rem.Notes = append(rem.Notes, "The origins must accept HTTPS on their HTTPS port with a certificate CloudFront trusts, or viewers get 502 errors.")
	}
	return rem, err
}

// RemediateCloudFrontNoDeprecatedOriginSSL removes SSLv3, TLSv1 and
// TLSv1.1 from every custom origin's allowed protocols, leaving TLSv1.2.
func RemediateCloudFrontNoDeprecatedOriginSSL(ctx context.Context, api CloudFrontUpdateAPI, distributionID string, optFns ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
	return updateDistribution(ctx, api, ControlCloudFrontNoDeprecatedOriginSSL, distributionID,
		"Add the removed protocols back to the origins with cloudfront:UpdateDistribution.",
		func(id string, c *cftypes.DistributionConfig) ([]secpillar.Change, error) {
			if _, err := originSSLVerdict(configView(id, c)); err != nil {
				return nil, fmt.Errorf("infrastructure: %w", err)
			}
			var ch []secpillar.Change
			for i := range c.Origins.Items {
				o := &c.Origins.Items[i]
				coc := o.CustomOriginConfig
				if coc == nil || coc.OriginSslProtocols == nil || coc.OriginProtocolPolicy == cftypes.OriginProtocolPolicyHttpOnly {
					continue
				}
				kept := slices.DeleteFunc(slices.Clone(coc.OriginSslProtocols.Items), func(p cftypes.SslProtocol) bool { return slices.Contains(deprecatedOriginSSL, p) })
				if len(kept) == len(coc.OriginSslProtocols.Items) {
					continue
				}
				if len(kept) == 0 {
					kept = []cftypes.SslProtocol{cftypes.SslProtocolTLSv12}
				}
				ch = append(ch, secpillar.Change{Field: "Origins[" + *o.Id + "].OriginSslProtocols", Before: sslList(coc.OriginSslProtocols.Items), After: sslList(kept)})
				coc.OriginSslProtocols = &cftypes.OriginSslProtocols{Items: kept, Quantity: aws.Int32(int32(len(kept)))}
			}
			return ch, nil
		}, secpillar.NewRemediateOptions(optFns...))
}

func sslList(ps []cftypes.SslProtocol) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = string(p)
	}
	return strings.Join(s, ",")
}

// RemediateCloudFrontViewerTLSPolicy raises the viewer security policy to
// minimum (DefaultViewerTLSPolicy when empty) on a distribution with a
// custom certificate. It fails for one on the default certificate, whose
// policy cannot be changed.
func RemediateCloudFrontViewerTLSPolicy(ctx context.Context, api CloudFrontUpdateAPI, distributionID string, minimum cftypes.MinimumProtocolVersion, optFns ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
	if minimum == "" {
		minimum = DefaultViewerTLSPolicy
	}
	if viewerPolicyRank(minimum) <= 0 {
		return secpillar.Remediation{}, fmt.Errorf("infrastructure: unknown minimum viewer policy %q", minimum)
	}
	return updateDistribution(ctx, api, ControlCloudFrontViewerTLSPolicy, distributionID,
		"Set the previous MinimumProtocolVersion again with cloudfront:UpdateDistribution.",
		func(id string, c *cftypes.DistributionConfig) ([]secpillar.Change, error) {
			v, err := viewerTLSVerdict(configView(id, c), minimum)
			if err != nil {
				return nil, fmt.Errorf("infrastructure: %w", err)
			}
			if v.ok {
				return nil, nil
			}
			if aws.ToBool(c.ViewerCertificate.CloudFrontDefaultCertificate) {
				return nil, fmt.Errorf("infrastructure: distribution %s uses the default CloudFront certificate, whose security policy cannot be raised; attach a custom certificate first", id)
			}
			before := string(c.ViewerCertificate.MinimumProtocolVersion)
			c.ViewerCertificate.MinimumProtocolVersion = minimum
			return []secpillar.Change{{Field: "ViewerCertificate.MinimumProtocolVersion", Before: before, After: string(minimum)}}, nil
		}, secpillar.NewRemediateOptions(optFns...))
}

// RemediateCloudFrontWAF associates a CLOUDFRONT-scope AWS WAF web ACL
// (its ARN, in us-east-1) with a distribution that has none. It never
// replaces an existing association.
func RemediateCloudFrontWAF(ctx context.Context, api CloudFrontUpdateAPI, distributionID, webACLARN string, optFns ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
	a, err := arn.Parse(webACLARN)
	if err != nil || a.Service != "wafv2" || !strings.HasPrefix(a.Resource, "global/webacl/") {
		return secpillar.Remediation{}, fmt.Errorf("infrastructure: %q is not the ARN of a CLOUDFRONT-scope WAFv2 web ACL (arn:aws:wafv2:us-east-1:...:global/webacl/...)", webACLARN)
	}
	return updateDistribution(ctx, api, ControlCloudFrontWAF, distributionID,
		"Remove the web ACL from the distribution (set WebACLId to empty) with cloudfront:UpdateDistribution.",
		func(id string, c *cftypes.DistributionConfig) ([]secpillar.Change, error) {
			if aws.ToString(c.WebACLId) != "" {
				return nil, nil
			}
			c.WebACLId = aws.String(webACLARN)
			return []secpillar.Change{{Field: "WebACLId", Before: "none", After: webACLARN}}, nil
		}, secpillar.NewRemediateOptions(optFns...))
}

// CloudFrontLogTarget is where RemediateCloudFrontLogging sends access
// logs.
type CloudFrontLogTarget struct {
	// Bucket is the log bucket's domain name, such as
	// "logs-bucket.s3.amazonaws.com". Its object ownership must allow ACLs
	// (CloudFront writes logs with the awslogsdelivery account's ACL).
	Bucket string
	// Prefix is optional.
	Prefix string
	// IncludeCookies logs cookies too.
	IncludeCookies bool
}

// RemediateCloudFrontLogging turns on standard access logging to target
// on a distribution whose logging is off.
func RemediateCloudFrontLogging(ctx context.Context, api CloudFrontUpdateAPI, distributionID string, target CloudFrontLogTarget, optFns ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
	if !strings.HasSuffix(target.Bucket, ".amazonaws.com") || s3BucketOfOrigin(target.Bucket) == "" {
		return secpillar.Remediation{}, fmt.Errorf("infrastructure: log bucket %q is not an S3 bucket domain name (bucket.s3.amazonaws.com)", target.Bucket)
	}
	return updateDistribution(ctx, api, ControlCloudFrontLogging, distributionID,
		"Turn logging off again with cloudfront:UpdateDistribution (Logging.Enabled false).",
		func(id string, c *cftypes.DistributionConfig) ([]secpillar.Change, error) {
			v, err := loggingVerdict(id, c)
			if err != nil {
				// A configuration without Logging is "off".
				if c.Logging != nil {
					return nil, fmt.Errorf("infrastructure: %w", err)
				}
			} else if v.ok {
				return nil, nil
			}
			c.Logging = &cftypes.LoggingConfig{Enabled: aws.Bool(true), Bucket: aws.String(target.Bucket), Prefix: aws.String(target.Prefix), IncludeCookies: aws.Bool(target.IncludeCookies)}
			return []secpillar.Change{{Field: "Logging", Before: "off", After: "on to " + target.Bucket + "/" + target.Prefix}}, nil
		}, secpillar.NewRemediateOptions(optFns...))
}

// DefaultRootObject is the object RemediateCloudFrontDefaultRootObject
// sets when none is given.
const DefaultRootObject = "index.html"

// RemediateCloudFrontDefaultRootObject sets the default root object
// (DefaultRootObject when object is empty) on a distribution that has
// none.
func RemediateCloudFrontDefaultRootObject(ctx context.Context, api CloudFrontUpdateAPI, distributionID, object string, optFns ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
	if object == "" {
		object = DefaultRootObject
	}
	if strings.HasPrefix(object, "/") {
		return secpillar.Remediation{}, fmt.Errorf("infrastructure: default root object %q must not start with /", object)
	}
	rem, err := updateDistribution(ctx, api, ControlCloudFrontDefaultRootObject, distributionID,
		"Clear DefaultRootObject again with cloudfront:UpdateDistribution.",
		func(id string, c *cftypes.DistributionConfig) ([]secpillar.Change, error) {
			if aws.ToString(c.DefaultRootObject) != "" {
				return nil, nil
			}
			c.DefaultRootObject = aws.String(object)
			return []secpillar.Change{{Field: "DefaultRootObject", Before: "none", After: object}}, nil
		}, secpillar.NewRemediateOptions(optFns...))
	if len(rem.Changes) > 0 {
		rem.Notes = append(rem.Notes, "Requests for / now return "+object+" from the origin: make sure it exists.")
	}
	return rem, err
}
