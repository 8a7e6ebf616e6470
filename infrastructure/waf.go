package infrastructure

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/aws-sdk-go-v2/service/wafv2"
	waftypes "github.com/aws/aws-sdk-go-v2/service/wafv2/types"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/internal/awserr"
	"github.com/secpillar/secpillar/internal/pagetoken"
)

// The IDs of the WAF controls.
const (
	ControlWAFACLHasRules          = "infrastructure.waf-acl-has-rules"
	ControlWAFLogging              = "infrastructure.waf-logging"
	ControlWAFBaselineManagedRules = "infrastructure.waf-baseline-managed-rules"
	ControlALBWAFAssociated        = "infrastructure.alb-waf-associated"
)

// Resource types of the WAF findings.
const (
	WebACLResourceType       = "AWS::WAFv2::WebACL"
	LoadBalancerResourceType = "AWS::ElasticLoadBalancingV2::LoadBalancer"
)

// DefaultBaselineRuleGroups are the AWS managed rule groups
// CheckWebACLBaselineRules requires unless told otherwise.
var DefaultBaselineRuleGroups = []string{"AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet"}

// WebACLsAPI is the part of the WAFv2 API that reads web ACLs.
// *wafv2.Client satisfies it.
type WebACLsAPI interface {
	ListWebACLs(ctx context.Context, in *wafv2.ListWebACLsInput, optFns ...func(*wafv2.Options)) (*wafv2.ListWebACLsOutput, error)
	GetWebACL(ctx context.Context, in *wafv2.GetWebACLInput, optFns ...func(*wafv2.Options)) (*wafv2.GetWebACLOutput, error)
}

var _ WebACLsAPI = (*wafv2.Client)(nil)

// WebACLLoggingAPI is the part of the WAFv2 API that CheckWebACLLogging
// calls. *wafv2.Client satisfies it.
type WebACLLoggingAPI interface {
	ListWebACLs(ctx context.Context, in *wafv2.ListWebACLsInput, optFns ...func(*wafv2.Options)) (*wafv2.ListWebACLsOutput, error)
	ListLoggingConfigurations(ctx context.Context, in *wafv2.ListLoggingConfigurationsInput, optFns ...func(*wafv2.Options)) (*wafv2.ListLoggingConfigurationsOutput, error)
}

var _ WebACLLoggingAPI = (*wafv2.Client)(nil)

// WebACLLoggingRemediationAPI is the part of the WAFv2 API that
// RemediateWebACLLogging calls. *wafv2.Client satisfies it.
type WebACLLoggingRemediationAPI interface {
	GetLoggingConfiguration(ctx context.Context, in *wafv2.GetLoggingConfigurationInput, optFns ...func(*wafv2.Options)) (*wafv2.GetLoggingConfigurationOutput, error)
	PutLoggingConfiguration(ctx context.Context, in *wafv2.PutLoggingConfigurationInput, optFns ...func(*wafv2.Options)) (*wafv2.PutLoggingConfigurationOutput, error)
}

var _ WebACLLoggingRemediationAPI = (*wafv2.Client)(nil)

// scopesFor returns the web ACL scopes evaluated in a Region: REGIONAL
// everywhere, and CLOUDFRONT in us-east-1, where AWS serves it.
func scopesFor(region string) []waftypes.Scope {
	if region == "us-east-1" {
		return []waftypes.Scope{waftypes.ScopeRegional, waftypes.ScopeCloudfront}
	}
	return []waftypes.Scope{waftypes.ScopeRegional}
}

type webACLRef struct {
	scope         waftypes.Scope
	arn, id, name string
}

// listWebACLs walks ListWebACLs for each scope. The WAFv2 SDK has no
// paginators, so the marker loop is written here, with the repeated-token
// guard.
func listWebACLs(ctx context.Context, api interface {
	ListWebACLs(ctx context.Context, in *wafv2.ListWebACLsInput, optFns ...func(*wafv2.Options)) (*wafv2.ListWebACLsOutput, error)
}, scopes []waftypes.Scope) ([]webACLRef, error) {
	var out []webACLRef
	for _, scope := range scopes {
		guard := pagetoken.New("infrastructure: list " + string(scope) + " web ACLs")
		var marker *string
		for {
			page, err := api.ListWebACLs(ctx, &wafv2.ListWebACLsInput{Scope: scope, NextMarker: marker, Limit: aws.Int32(100)})
			if err != nil {
				return nil, fmt.Errorf("infrastructure: list %s web ACLs: %w", scope, err)
			}
			for _, s := range page.WebACLs {
				if s.ARN == nil || s.Id == nil || s.Name == nil {
					return nil, fmt.Errorf("infrastructure: list %s web ACLs: a web ACL has no ARN, Id or Name", scope)
				}
				out = append(out, webACLRef{scope: scope, arn: *s.ARN, id: *s.Id, name: *s.Name})
			}
			if aws.ToString(page.NextMarker) == "" {
				break
			}
			if err := guard.Check(false, page.NextMarker); err != nil {
				return nil, err
			}
			marker = page.NextMarker
		}
	}
	return out, nil
}

func (w webACLRef) resource() secpillar.Resource {
	return secpillar.Resource{Type: WebACLResourceType, ID: w.arn, Region: regionOfARN(w.arn), Account: accountOfARN(w.arn)}
}

func (w webACLRef) finding(control string, sev secpillar.Severity) secpillar.Finding {
	return secpillar.Finding{Control: control, Severity: sev, Resource: w.resource(), Evidence: map[string]string{"web_acl": w.name, "scope": string(w.scope)}}
}

// eachWebACL lists the web ACLs of the Region's scopes and reads each.
func eachWebACL(ctx context.Context, api WebACLsAPI, region string, fn func(webACLRef, *waftypes.WebACL) error) error {
	refs, err := listWebACLs(ctx, api, scopesFor(region))
	if err != nil {
		return err
	}
	for _, r := range refs {
		out, err := api.GetWebACL(ctx, &wafv2.GetWebACLInput{Id: aws.String(r.id), Name: aws.String(r.name), Scope: r.scope})
		if err != nil {
			return fmt.Errorf("infrastructure: read web ACL %s: %w", r.name, err)
		}
		if out.WebACL == nil {
			return fmt.Errorf("infrastructure: read web ACL %s: the answer has no WebACL", r.name)
		}
		if err := fn(r, out.WebACL); err != nil {
			return err
		}
	}
	return nil
}

// CheckWebACLRules reports, for every web ACL of the Region (REGIONAL,
// and CLOUDFRONT when region is us-east-1), whether it has at least one
// rule or rule group (WAF.10) and whether every rule sends CloudWatch
// metrics (WAF.12).
func CheckWebACLRules(ctx context.Context, api WebACLsAPI, region string) ([]secpillar.Finding, error) {
	var out []secpillar.Finding
	err := eachWebACL(ctx, api, region, func(r webACLRef, acl *waftypes.WebACL) error {
		f := r.finding(ControlWAFACLHasRules, secpillar.SeverityMedium)
		n := len(acl.Rules) + len(acl.PreProcessFirewallManagerRuleGroups) + len(acl.PostProcessFirewallManagerRuleGroups)
		var noMetrics []string
		for _, rule := range acl.Rules {
			if rule.VisibilityConfig == nil {
				return fmt.Errorf("infrastructure: web ACL %s rule %s has no VisibilityConfig", r.name, aws.ToString(rule.Name))
			}
			if !rule.VisibilityConfig.CloudWatchMetricsEnabled {
				noMetrics = append(noMetrics, aws.ToString(rule.Name))
			}
		}
		f.Evidence["rules"] = fmt.Sprint(n)
		switch {
		case n == 0:
			f.Status = secpillar.StatusFail
			f.Reason = fmt.Sprintf("Web ACL %s has no rules or rule groups, so it only applies its default action; add rules.", r.name)
		case len(noMetrics) > 0:
			f.Status = secpillar.StatusFail
			f.Reason = fmt.Sprintf("Rules %s of web ACL %s send no CloudWatch metrics; turn metrics on so that blocked traffic is visible.", strings.Join(noMetrics, ", "), r.name)
			f.Evidence["rules_without_metrics"] = strings.Join(noMetrics, ",")
		default:
			f.Status = secpillar.StatusPass
			f.Reason = fmt.Sprintf("Web ACL %s has %d rule(s), all sending CloudWatch metrics.", r.name, n)
		}
		out = append(out, f)
		return nil
	})
	return out, err
}

// WebACLBaselineOptions configures CheckWebACLBaselineRules.
type WebACLBaselineOptions struct {
	// RuleGroups are the names of the AWS managed rule groups required;
	// empty means DefaultBaselineRuleGroups.
	RuleGroups []string
}

// CheckWebACLBaselineRules reports, for every web ACL of the Region,
// whether it includes the baseline AWS managed rule groups (the common
// rule set and known bad inputs by default). A group present with its
// action overridden to count does not block, and does not count.
func CheckWebACLBaselineRules(ctx context.Context, api WebACLsAPI, region string, optFns ...func(*WebACLBaselineOptions)) ([]secpillar.Finding, error) {
	var o WebACLBaselineOptions
	for _, fn := range optFns {
		fn(&o)
	}
	want := o.RuleGroups
	if len(want) == 0 {
		want = DefaultBaselineRuleGroups
	}
	var out []secpillar.Finding
	err := eachWebACL(ctx, api, region, func(r webACLRef, acl *waftypes.WebACL) error {
		enforcing, counting := map[string]bool{}, map[string]bool{}
		for _, rule := range acl.Rules {
			if rule.Statement == nil {
				return fmt.Errorf("infrastructure: web ACL %s rule %s has no Statement", r.name, aws.ToString(rule.Name))
			}
			m := rule.Statement.ManagedRuleGroupStatement
			if m == nil || aws.ToString(m.VendorName) != "AWS" {
				continue
			}
			if rule.OverrideAction != nil && rule.OverrideAction.Count != nil {
				counting[aws.ToString(m.Name)] = true
			} else {
				enforcing[aws.ToString(m.Name)] = true
			}
		}
		var missing []string
		for _, g := range want {
			switch {
			case enforcing[g]:
			case counting[g]:
				missing = append(missing, g+" (count only)")
			default:
				missing = append(missing, g)
			}
		}
		f := r.finding(ControlWAFBaselineManagedRules, secpillar.SeverityMedium)
		f.Evidence["required"] = strings.Join(want, ",")
		if len(missing) == 0 {
			f.Status = secpillar.StatusPass
			f.Reason = fmt.Sprintf("Web ACL %s enforces the baseline AWS managed rule groups.", r.name)
		} else {
			f.Status = secpillar.StatusFail
			f.Reason = fmt.Sprintf("Web ACL %s lacks the AWS managed rule group(s) %s; add them in block mode.", r.name, strings.Join(missing, ", "))
			f.Evidence["missing"] = strings.Join(missing, ",")
		}
		out = append(out, f)
		return nil
	})
	return out, err
}

// CheckWebACLLogging reports, for every web ACL of the Region, whether
// logging is on (WAF.11). It reads the logging configurations in bulk,
// not one call per web ACL.
func CheckWebACLLogging(ctx context.Context, api WebACLLoggingAPI, region string) ([]secpillar.Finding, error) {
	scopes := scopesFor(region)
	refs, err := listWebACLs(ctx, api, scopes)
	if err != nil {
		return nil, err
	}
	logging := map[string][]string{}
	for _, scope := range scopes {
		guard := pagetoken.New("infrastructure: list " + string(scope) + " logging configurations")
		var marker *string
		for {
			page, err := api.ListLoggingConfigurations(ctx, &wafv2.ListLoggingConfigurationsInput{Scope: scope, NextMarker: marker, Limit: aws.Int32(100)})
			if err != nil {
				return nil, fmt.Errorf("infrastructure: list %s logging configurations: %w", scope, err)
			}
			for _, lc := range page.LoggingConfigurations {
				if lc.ResourceArn == nil {
					return nil, errors.New("infrastructure: list logging configurations: a configuration has no ResourceArn")
				}
				logging[*lc.ResourceArn] = lc.LogDestinationConfigs
			}
			if aws.ToString(page.NextMarker) == "" {
				break
			}
			if err := guard.Check(false, page.NextMarker); err != nil {
				return nil, err
			}
			marker = page.NextMarker
		}
	}
	out := make([]secpillar.Finding, 0, len(refs))
	for _, r := range refs {
		f := r.finding(ControlWAFLogging, secpillar.SeverityMedium)
		if dest, ok := logging[r.arn]; ok && len(dest) > 0 {
			f.Status = secpillar.StatusPass
			f.Reason = fmt.Sprintf("Web ACL %s logs to %s.", r.name, strings.Join(dest, ", "))
			f.Evidence["destinations"] = strings.Join(dest, ",")
		} else {
			f.Status = secpillar.StatusFail
			f.Reason = fmt.Sprintf("Web ACL %s has no logging; send its logs to a destination named aws-waf-logs-*.", r.name)
		}
		out = append(out, f)
	}
	return out, nil
}

func validWebACLARN(s string) (arn.ARN, error) {
	a, err := arn.Parse(s)
	if err != nil || a.Service != "wafv2" || !strings.Contains(a.Resource, "webacl/") {
		return arn.ARN{}, fmt.Errorf("infrastructure: %q is not a WAFv2 web ACL ARN", s)
	}
	return a, nil
}

// RemediateWebACLLogging turns on logging for one web ACL to destination
// (the ARN of a Firehose stream, CloudWatch Logs group or S3 bucket whose
// name starts with aws-waf-logs-). A web ACL that already logs is left as
// it is: its configuration is never replaced.
func RemediateWebACLLogging(ctx context.Context, api WebACLLoggingRemediationAPI, webACLARN, destination string, optFns ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
	opts := secpillar.NewRemediateOptions(optFns...)
	if _, err := validWebACLARN(webACLARN); err != nil {
		return secpillar.Remediation{}, err
	}
	if _, err := arn.Parse(destination); err != nil || !strings.Contains(destination, "aws-waf-logs-") {
		return secpillar.Remediation{}, fmt.Errorf("infrastructure: log destination %q is not the ARN of a resource named aws-waf-logs-*", destination)
	}
	res := secpillar.Resource{Type: WebACLResourceType, ID: webACLARN, Region: regionOfARN(webACLARN), Account: accountOfARN(webACLARN)}
	rem := secpillar.Remediation{Control: ControlWAFLogging, Resource: res}
	read := func(ctx context.Context) (bool, error) {
		out, err := api.GetLoggingConfiguration(ctx, &wafv2.GetLoggingConfigurationInput{ResourceArn: aws.String(webACLARN)})
		var none *waftypes.WAFNonexistentItemException
		switch {
		case errors.As(err, &none):
			return false, nil
		case err != nil:
			return false, fmt.Errorf("infrastructure: read logging of %s: %w", webACLARN, err)
		}
		return out.LoggingConfiguration != nil && len(out.LoggingConfiguration.LogDestinationConfigs) > 0, nil
	}
	on, err := read(ctx)
	if err != nil {
		return rem, err
	}
	if on {
		rem.Outcome = secpillar.OutcomeCompliant
		return rem, nil
	}
	rem.Changes = []secpillar.Change{{Resource: res, Action: "wafv2:PutLoggingConfiguration", Field: "LogDestinationConfigs", Before: "none", After: destination}}
	rem.Undo = "Turn logging off with wafv2:DeleteLoggingConfiguration on " + webACLARN + "."
	if opts.DryRun {
		rem.Outcome = secpillar.OutcomePlanned
		return rem, nil
	}
	if _, err := api.PutLoggingConfiguration(ctx, &wafv2.PutLoggingConfigurationInput{LoggingConfiguration: &waftypes.LoggingConfiguration{ResourceArn: aws.String(webACLARN), LogDestinationConfigs: []string{destination}}}); err != nil {
		return rem, fmt.Errorf("infrastructure: turn on logging of %s: %w", webACLARN, err)
	}
	on, err = read(secpillar.FreshReads(ctx))
	if err != nil {
		return rem, fmt.Errorf("infrastructure: verify: %w", err)
	}
	rem.Outcome = secpillar.OutcomeChanged
	if !on {
		rem.Outcome = secpillar.OutcomeVerifyPending
	}
	return rem, nil
}

// ---- ALB association ------------------------------------------------------

// LoadBalancersAPI is the part of the Elastic Load Balancing v2 API that
// lists load balancers. *elasticloadbalancingv2.Client satisfies it.
type LoadBalancersAPI interface {
	DescribeLoadBalancers(ctx context.Context, in *elb.DescribeLoadBalancersInput, optFns ...func(*elb.Options)) (*elb.DescribeLoadBalancersOutput, error)
}

var _ LoadBalancersAPI = (*elb.Client)(nil)

// WebACLForResourceAPI is the part of the WAFv2 API that
// CheckALBWebACL calls. *wafv2.Client satisfies it.
type WebACLForResourceAPI interface {
	GetWebACLForResource(ctx context.Context, in *wafv2.GetWebACLForResourceInput, optFns ...func(*wafv2.Options)) (*wafv2.GetWebACLForResourceOutput, error)
}

var _ WebACLForResourceAPI = (*wafv2.Client)(nil)

// WebACLAssociationAPI is the part of the WAFv2 API that
// RemediateALBWebACL calls. *wafv2.Client satisfies it.
type WebACLAssociationAPI interface {
	WebACLForResourceAPI
	AssociateWebACL(ctx context.Context, in *wafv2.AssociateWebACLInput, optFns ...func(*wafv2.Options)) (*wafv2.AssociateWebACLOutput, error)
}

var _ WebACLAssociationAPI = (*wafv2.Client)(nil)

// internetFacingALBs walks DescribeLoadBalancers once and keeps the
// internet-facing application load balancers.
func internetFacingALBs(ctx context.Context, api LoadBalancersAPI) ([]elbtypes.LoadBalancer, error) {
	var out []elbtypes.LoadBalancer
	guard := pagetoken.New("infrastructure: list load balancers")
	p := elb.NewDescribeLoadBalancersPaginator(api, &elb.DescribeLoadBalancersInput{PageSize: aws.Int32(400)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("infrastructure: list load balancers: %w", err)
		}
		for _, lb := range page.LoadBalancers {
			if lb.LoadBalancerArn == nil {
				return nil, errors.New("infrastructure: list load balancers: a load balancer has no LoadBalancerArn")
			}
			switch lb.Type {
			case elbtypes.LoadBalancerTypeEnumApplication, elbtypes.LoadBalancerTypeEnumNetwork, elbtypes.LoadBalancerTypeEnumGateway:
			case "":
				return nil, fmt.Errorf("infrastructure: list load balancers: %s has no Type or Scheme", *lb.LoadBalancerArn)
			default:
				return nil, fmt.Errorf("infrastructure: list load balancers: %s has an unknown Type %q", *lb.LoadBalancerArn, lb.Type)
			}
			switch lb.Scheme {
			case elbtypes.LoadBalancerSchemeEnumInternetFacing, elbtypes.LoadBalancerSchemeEnumInternal:
			case "":
				return nil, fmt.Errorf("infrastructure: list load balancers: %s has no Type or Scheme", *lb.LoadBalancerArn)
			default:
				return nil, fmt.Errorf("infrastructure: list load balancers: %s has an unknown Scheme %q", *lb.LoadBalancerArn, lb.Scheme)
			}
			if lb.Type == elbtypes.LoadBalancerTypeEnumApplication && lb.Scheme == elbtypes.LoadBalancerSchemeEnumInternetFacing {
				out = append(out, lb)
			}
		}
		if err := guard.Check(false, page.NextMarker); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func lbResource(a string) secpillar.Resource {
	return secpillar.Resource{Type: LoadBalancerResourceType, ID: a, Region: regionOfARN(a), Account: accountOfARN(a)}
}

// CheckALBWebACL reports, for every internet-facing application load
// balancer of the Region, whether an AWS WAF web ACL is associated.
func CheckALBWebACL(ctx context.Context, lbs LoadBalancersAPI, waf WebACLForResourceAPI) ([]secpillar.Finding, error) {
	albs, err := internetFacingALBs(ctx, lbs)
	if err != nil {
		return nil, err
	}
	out := make([]secpillar.Finding, 0, len(albs))
	for _, lb := range albs {
		a := *lb.LoadBalancerArn
		w, err := waf.GetWebACLForResource(ctx, &wafv2.GetWebACLForResourceInput{ResourceArn: aws.String(a)})
		if err != nil {
			return nil, fmt.Errorf("infrastructure: read web ACL of %s: %w", a, err)
		}
		f := secpillar.Finding{Control: ControlALBWAFAssociated, Severity: secpillar.SeverityMedium, Resource: lbResource(a), Evidence: map[string]string{"load_balancer": aws.ToString(lb.LoadBalancerName)}}
		if w.WebACL != nil {
			f.Status = secpillar.StatusPass
			f.Reason = fmt.Sprintf("Internet-facing load balancer %s is protected by web ACL %s.", aws.ToString(lb.LoadBalancerName), aws.ToString(w.WebACL.Name))
			f.Evidence["web_acl"] = aws.ToString(w.WebACL.ARN)
		} else {
			f.Status = secpillar.StatusFail
			f.Reason = fmt.Sprintf("Internet-facing load balancer %s has no AWS WAF web ACL; associate a REGIONAL web ACL.", aws.ToString(lb.LoadBalancerName))
		}
		out = append(out, f)
	}
	return out, nil
}

// RemediateALBWebACL associates a REGIONAL web ACL with a load balancer
// that has none. A load balancer that already has a web ACL is left as it
// is (associating would replace it).
func RemediateALBWebACL(ctx context.Context, api WebACLAssociationAPI, loadBalancerARN, webACLARN string, optFns ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
	opts := secpillar.NewRemediateOptions(optFns...)
	lb, err := arn.Parse(loadBalancerARN)
	if err != nil || lb.Service != "elasticloadbalancing" || !strings.HasPrefix(lb.Resource, "loadbalancer/app/") {
		return secpillar.Remediation{}, fmt.Errorf("infrastructure: %q is not an application load balancer ARN", loadBalancerARN)
	}
	acl, err := validWebACLARN(webACLARN)
	if err != nil {
		return secpillar.Remediation{}, err
	}
	if !strings.HasPrefix(acl.Resource, "regional/") || acl.Region != lb.Region {
		return secpillar.Remediation{}, fmt.Errorf("infrastructure: web ACL %s must be REGIONAL and in %s, the load balancer's Region", webACLARN, lb.Region)
	}
	res := lbResource(loadBalancerARN)
	rem := secpillar.Remediation{Control: ControlALBWAFAssociated, Resource: res}
	read := func(ctx context.Context) (string, error) {
		w, err := api.GetWebACLForResource(ctx, &wafv2.GetWebACLForResourceInput{ResourceArn: aws.String(loadBalancerARN)})
		if err != nil {
			return "", fmt.Errorf("infrastructure: read web ACL of %s: %w", loadBalancerARN, err)
		}
		if w.WebACL == nil {
			return "", nil
		}
		return aws.ToString(w.WebACL.ARN), nil
	}
	cur, err := read(ctx)
	if err != nil {
		return rem, err
	}
	if cur != "" {
		rem.Outcome = secpillar.OutcomeCompliant
		if cur != webACLARN {
			rem.Notes = []string{"The load balancer already has web ACL " + cur + "; it was not replaced."}
		}
		return rem, nil
	}
	rem.Changes = []secpillar.Change{{Resource: res, Action: "wafv2:AssociateWebACL", Field: "WebACL", Before: "none", After: webACLARN}}
	rem.Undo = "Remove the association with wafv2:DisassociateWebACL on " + loadBalancerARN + "."
	rem.Notes = []string{"Requests the web ACL blocks get 403 responses from now on; review its rules in count mode first if unsure."}
	if opts.DryRun {
		rem.Outcome = secpillar.OutcomePlanned
		return rem, nil
	}
	if _, err := api.AssociateWebACL(ctx, &wafv2.AssociateWebACLInput{ResourceArn: aws.String(loadBalancerARN), WebACLArn: aws.String(webACLARN)}); err != nil {
		if awserr.IsAccessDenied(err) {
			return rem, fmt.Errorf("infrastructure: associate web ACL (needs wafv2:AssociateWebACL and elasticloadbalancing:SetWebACL): %w", err)
		}
		return rem, fmt.Errorf("infrastructure: associate web ACL with %s: %w", loadBalancerARN, err)
	}
	cur, err = read(secpillar.FreshReads(ctx))
	if err != nil {
		return rem, fmt.Errorf("infrastructure: verify: %w", err)
	}
	rem.Outcome = secpillar.OutcomeChanged
	if cur != webACLARN {
		rem.Outcome = secpillar.OutcomeVerifyPending
	}
	return rem, nil
}
