package dataprotection

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/internal/pagetoken"
)

// ControlELBTLSInTransit is the ID of the control that checks load
// balancer listeners for TLS.
const ControlELBTLSInTransit = "dataprotection.elb-tls-in-transit"

// ELBListenerResourceType is the resource type of listener findings.
const ELBListenerResourceType = "AWS::ElasticLoadBalancingV2::Listener"

// ELBTLSInTransitAPI is the part of the Elastic Load Balancing v2 API that
// CheckELBTLSInTransit calls. *elasticloadbalancingv2.Client satisfies it.
type ELBTLSInTransitAPI interface {
	DescribeLoadBalancers(ctx context.Context, in *elb.DescribeLoadBalancersInput, optFns ...func(*elb.Options)) (*elb.DescribeLoadBalancersOutput, error)
	DescribeListeners(ctx context.Context, in *elb.DescribeListenersInput, optFns ...func(*elb.Options)) (*elb.DescribeListenersOutput, error)
	DescribeSSLPolicies(ctx context.Context, in *elb.DescribeSSLPoliciesInput, optFns ...func(*elb.Options)) (*elb.DescribeSSLPoliciesOutput, error)
}

var _ ELBTLSInTransitAPI = (*elb.Client)(nil)

// ELBHTTPSRedirectRemediationAPI is what RemediateELBHTTPSRedirect calls.
// *elasticloadbalancingv2.Client satisfies it.
type ELBHTTPSRedirectRemediationAPI interface {
	DescribeListeners(ctx context.Context, in *elb.DescribeListenersInput, optFns ...func(*elb.Options)) (*elb.DescribeListenersOutput, error)
	ModifyListener(ctx context.Context, in *elb.ModifyListenerInput, optFns ...func(*elb.Options)) (*elb.ModifyListenerOutput, error)
}

var _ ELBHTTPSRedirectRemediationAPI = (*elb.Client)(nil)

// ELBTLSOptions configures CheckELBTLSInTransit.
type ELBTLSOptions struct {
	// AllowTCPPassthrough passes NLB TCP listeners, for targets that
	// terminate TLS themselves. Off by default: a TCP listener FAILs.
	AllowTCPPassthrough bool
}

// modernProtocols are the protocols a modern security policy may allow.
var modernProtocols = []string{"TLSv1.2", "TLSv1.3"}

// redirectsToHTTPS reports whether a listener's default action redirects
// to HTTPS.
func redirectsToHTTPS(actions []elbtypes.Action) bool {
	for _, a := range actions {
		if a.Type == elbtypes.ActionTypeEnumRedirect && a.RedirectConfig != nil && strings.EqualFold(aws.ToString(a.RedirectConfig.Protocol), "HTTPS") {
			return true
		}
	}
	return false
}

type lbListeners struct {
	lb        elbtypes.LoadBalancer
	listeners []elbtypes.Listener
}

// CheckELBTLSInTransit reports, for every listener of every application and
// network load balancer in the client's Region, whether traffic is
// protected in transit (ELB.1): HTTPS and TLS listeners use a security
// policy that allows only TLS 1.2 and later (read with one
// DescribeSSLPolicies call per Region), HTTP listeners redirect to HTTPS.
// Gateway load balancers and UDP listeners are NOT_APPLICABLE.
func CheckELBTLSInTransit(ctx context.Context, api ELBTLSInTransitAPI, optFns ...func(*ELBTLSOptions)) ([]secpillar.Finding, error) {
	var o ELBTLSOptions
	for _, fn := range optFns {
		fn(&o)
	}
	var all []lbListeners
	// The largest page, and the same input as the infrastructure controls'
	// walk, so that within a run both share one set of pages.
	p := elb.NewDescribeLoadBalancersPaginator(api, &elb.DescribeLoadBalancersInput{PageSize: aws.Int32(400)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("dataprotection: describe load balancers: %w", err)
		}
		for _, lb := range page.LoadBalancers {
			arn := aws.ToString(lb.LoadBalancerArn)
			if arn == "" {
				return nil, errors.New("dataprotection: describe load balancers: a load balancer without an ARN")
			}
			entry := lbListeners{lb: lb}
			if lb.Type != elbtypes.LoadBalancerTypeEnumGateway {
				lp := elb.NewDescribeListenersPaginator(api, &elb.DescribeListenersInput{LoadBalancerArn: aws.String(arn)})
				for lp.HasMorePages() {
					lpage, err := lp.NextPage(ctx)
					if err != nil {
						return nil, fmt.Errorf("dataprotection: describe listeners of %s: %w", arn, err)
					}
					entry.listeners = append(entry.listeners, lpage.Listeners...)
				}
			}
			all = append(all, entry)
		}
	}
	protocols, err := sslPolicyProtocols(ctx, api, all)
	if err != nil {
		return nil, err
	}
	const c, sev = ControlELBTLSInTransit, secpillar.SeverityMedium
	var out []secpillar.Finding
	for _, e := range all {
		for _, l := range e.listeners {
			arn := aws.ToString(l.ListenerArn)
			if arn == "" {
				return nil, errors.New("dataprotection: describe listeners: a listener without an ARN")
			}
			r := secpillar.Resource{Type: ELBListenerResourceType, ID: arn, Region: regionOfARN(arn)}
			ev := map[string]string{"protocol": string(l.Protocol), "port": fmt.Sprint(aws.ToInt32(l.Port)), "load_balancer": aws.ToString(e.lb.LoadBalancerName)}
			switch l.Protocol {
			case elbtypes.ProtocolEnumHttps, elbtypes.ProtocolEnumTls:
				policy := aws.ToString(l.SslPolicy)
				if policy == "" {
					return nil, fmt.Errorf("dataprotection: listener %s: %s without an SslPolicy", arn, l.Protocol)
				}
				ev["ssl_policy"] = policy
				old := slices.DeleteFunc(slices.Clone(protocols[policy]), func(p string) bool { return slices.Contains(modernProtocols, p) })
				if len(old) == 0 {
					out = append(out, pass(c, sev, r, "The listener uses "+string(l.Protocol)+" with a policy that allows only TLS 1.2 and later.", ev))
				} else {
					out = append(out, fail(c, sev, r, "The listener's policy "+policy+" still allows "+strings.Join(old, ", ")+"; switch to a TLS 1.2+ policy such as ELBSecurityPolicy-TLS13-1-2-2021-06.", ev))
				}
			case elbtypes.ProtocolEnumHttp:
				if redirectsToHTTPS(l.DefaultActions) {
					out = append(out, pass(c, sev, r, "The HTTP listener redirects to HTTPS.", ev))
				} else {
					out = append(out, fail(c, sev, r, "The HTTP listener serves traffic in clear text; redirect it to HTTPS.", ev))
				}
			case elbtypes.ProtocolEnumTcp:
				out = append(out, verdict(o.AllowTCPPassthrough, c, sev, r, "The TCP listener passes traffic through to targets that are expected to terminate TLS.",
					"The TCP listener carries traffic without TLS at the load balancer; use a TLS listener, or allow passthrough if the targets terminate TLS.", ev))
			case elbtypes.ProtocolEnumUdp, elbtypes.ProtocolEnumTcpUdp, elbtypes.ProtocolEnumGeneve:
				out = append(out, notApplicable(c, sev, r, "TLS does not apply to "+string(l.Protocol)+" listeners.", ev))
			default:
				return nil, fmt.Errorf("dataprotection: listener %s: unknown protocol %q", arn, l.Protocol)
			}
		}
	}
	return out, nil
}

// sslPolicyProtocols describes every security policy the listeners use,
// in one call. DescribeSSLPolicies has no SDK paginator: the loop follows
// NextMarker and refuses a repeated one.
func sslPolicyProtocols(ctx context.Context, api ELBTLSInTransitAPI, all []lbListeners) (map[string][]string, error) {
	set := map[string]bool{}
	for _, e := range all {
		for _, l := range e.listeners {
			if p := aws.ToString(l.SslPolicy); p != "" {
				set[p] = true
			}
		}
	}
	out := map[string][]string{}
	if len(set) == 0 {
		return out, nil
	}
	names := make([]string, 0, len(set))
	for n := range set {
		names = append(names, n)
	}
	sort.Strings(names)
	in := &elb.DescribeSSLPoliciesInput{Names: names}
	guard := pagetoken.New("dataprotection: describe SSL policies")
	for {
		page, err := api.DescribeSSLPolicies(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("dataprotection: describe SSL policies: %w", err)
		}
		for _, p := range page.SslPolicies {
			out[aws.ToString(p.Name)] = p.SslProtocols
		}
		if aws.ToString(page.NextMarker) == "" {
			break
		}
		if err := guard.Check(false, page.NextMarker); err != nil {
			return nil, err
		}
		in = &elb.DescribeSSLPoliciesInput{Names: names, Marker: page.NextMarker}
	}
	for _, n := range names {
		if _, ok := out[n]; !ok {
			return nil, fmt.Errorf("dataprotection: describe SSL policies: no answer for policy %s", n)
		}
	}
	return out, nil
}

func readListener(ctx context.Context, api ELBHTTPSRedirectRemediationAPI, arn string) (elbtypes.Listener, error) {
	out, err := api.DescribeListeners(ctx, &elb.DescribeListenersInput{ListenerArns: []string{arn}})
	if err != nil {
		return elbtypes.Listener{}, fmt.Errorf("dataprotection: describe listener %s: %w", arn, err)
	}
	if len(out.Listeners) != 1 {
		return elbtypes.Listener{}, fmt.Errorf("dataprotection: describe listener %s: %d answers", arn, len(out.Listeners))
	}
	return out.Listeners[0], nil
}

func describeActions(as []elbtypes.Action) string {
	var parts []string
	for _, a := range as {
		s := string(a.Type)
		if a.TargetGroupArn != nil {
			s += " " + *a.TargetGroupArn
		}
		if a.RedirectConfig != nil {
			s += " " + aws.ToString(a.RedirectConfig.Protocol) + ":" + aws.ToString(a.RedirectConfig.Port)
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "; ")
}

// RemediateELBHTTPSRedirect makes the default action of the HTTP listener
// listenerARN a permanent (301) redirect to HTTPS on port 443, keeping
// host, path and query, and re-reads. It refuses when the load balancer
// has no HTTPS listener on 443 (the redirect would lead nowhere). Listener
// rules are left as they are.
func RemediateELBHTTPSRedirect(ctx context.Context, api ELBHTTPSRedirectRemediationAPI, listenerARN string, optFns ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
	opts := secpillar.NewRemediateOptions(optFns...)
	ctx = secpillar.FreshReads(ctx) // act on current state, never on a shared read
	if !strings.Contains(listenerARN, ":listener/") {
		return secpillar.Remediation{}, fmt.Errorf("dataprotection: %q is not a listener ARN", listenerARN)
	}
	l, err := readListener(ctx, api, listenerARN)
	if err != nil {
		return secpillar.Remediation{}, err
	}
	r := secpillar.Resource{Type: ELBListenerResourceType, ID: listenerARN, Region: regionOfARN(listenerARN)}
	rem := secpillar.Remediation{Control: ControlELBTLSInTransit, Resource: r}
	if l.Protocol != elbtypes.ProtocolEnumHttp {
		return rem, fmt.Errorf("dataprotection: listener %s is %s, not HTTP: only HTTP listeners can be redirected", listenerARN, l.Protocol)
	}
	if redirectsToHTTPS(l.DefaultActions) {
		rem.Outcome = secpillar.OutcomeCompliant
		return rem, nil
	}
	siblings, err := api.DescribeListeners(ctx, &elb.DescribeListenersInput{LoadBalancerArn: l.LoadBalancerArn})
	if err != nil {
		return rem, fmt.Errorf("dataprotection: describe listeners of %s: %w", aws.ToString(l.LoadBalancerArn), err)
	}
	if !slices.ContainsFunc(siblings.Listeners, func(s elbtypes.Listener) bool {
		return s.Protocol == elbtypes.ProtocolEnumHttps && aws.ToInt32(s.Port) == 443
	}) {
		return rem, fmt.Errorf("dataprotection: load balancer %s has no HTTPS listener on port 443; add one before redirecting HTTP", aws.ToString(l.LoadBalancerArn))
	}
	redirect := []elbtypes.Action{{Type: elbtypes.ActionTypeEnumRedirect, Order: aws.Int32(1), RedirectConfig: &elbtypes.RedirectActionConfig{
		Protocol: aws.String("HTTPS"), Port: aws.String("443"), Host: aws.String("#{host}"), Path: aws.String("/#{path}"), Query: aws.String("#{query}"),
		StatusCode: elbtypes.RedirectActionStatusCodeEnumHttp301,
	}}}
	rem.Changes = []secpillar.Change{{Resource: r, Action: "elasticloadbalancing:ModifyListener", Field: "DefaultActions", Before: describeActions(l.DefaultActions), After: describeActions(redirect)}}
	rem.Undo = "Put the previous default actions back with elasticloadbalancing ModifyListener: " + describeActions(l.DefaultActions) + "."
	rem.Notes = []string{"Clients that cannot follow redirects, or that post data over HTTP, stop working; listener rules that forward HTTP traffic are not changed."}
	if opts.DryRun {
		rem.Outcome = secpillar.OutcomePlanned
		return rem, nil
	}
	if _, err := api.ModifyListener(ctx, &elb.ModifyListenerInput{ListenerArn: aws.String(listenerARN), DefaultActions: redirect}); err != nil {
		return rem, fmt.Errorf("dataprotection: modify listener %s: %w", listenerARN, err)
	}
	got, err := readListener(ctx, api, listenerARN)
	if err != nil {
		return rem, err
	}
	rem.Outcome = outcome(redirectsToHTTPS(got.DefaultActions))
	return rem, nil
}

// DefaultTLSPolicy is the security policy RemediateELBTLSPolicy sets when
// none is given: TLS 1.3 and 1.2 only.
const DefaultTLSPolicy = "ELBSecurityPolicy-TLS13-1-2-2021-06"

// ELBTLSPolicyRemediationAPI is what RemediateELBTLSPolicy calls.
// *elasticloadbalancingv2.Client satisfies it.
type ELBTLSPolicyRemediationAPI interface {
	DescribeListeners(ctx context.Context, in *elb.DescribeListenersInput, optFns ...func(*elb.Options)) (*elb.DescribeListenersOutput, error)
	DescribeSSLPolicies(ctx context.Context, in *elb.DescribeSSLPoliciesInput, optFns ...func(*elb.Options)) (*elb.DescribeSSLPoliciesOutput, error)
	ModifyListener(ctx context.Context, in *elb.ModifyListenerInput, optFns ...func(*elb.Options)) (*elb.ModifyListenerOutput, error)
}

var _ ELBTLSPolicyRemediationAPI = (*elb.Client)(nil)

func policyIsModern(ctx context.Context, api ELBTLSPolicyRemediationAPI, name string) (bool, error) {
	out, err := api.DescribeSSLPolicies(ctx, &elb.DescribeSSLPoliciesInput{Names: []string{name}})
	if err != nil {
		return false, fmt.Errorf("dataprotection: describe SSL policy %s: %w", name, err)
	}
	if len(out.SslPolicies) != 1 {
		return false, fmt.Errorf("dataprotection: describe SSL policy %s: %d answers", name, len(out.SslPolicies))
	}
	for _, p := range out.SslPolicies[0].SslProtocols {
		if !slices.Contains(modernProtocols, p) {
			return false, nil
		}
	}
	return len(out.SslPolicies[0].SslProtocols) > 0, nil
}

// RemediateELBTLSPolicy sets the security policy of the HTTPS or TLS
// listener listenerARN to policy (DefaultTLSPolicy when empty), which must
// itself allow only TLS 1.2 and later, when its current policy allows
// older protocols; certificates, port and actions are left as they are.
// Clients limited to TLS 1.0 or 1.1 can no longer connect.
func RemediateELBTLSPolicy(ctx context.Context, api ELBTLSPolicyRemediationAPI, listenerARN, policy string, optFns ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
	opts := secpillar.NewRemediateOptions(optFns...)
	ctx = secpillar.FreshReads(ctx) // act on current state, never on a shared read
	if policy == "" {
		policy = DefaultTLSPolicy
	}
	if !strings.Contains(listenerARN, ":listener/") {
		return secpillar.Remediation{}, fmt.Errorf("dataprotection: %q is not a listener ARN", listenerARN)
	}
	l, err := readListener(ctx, api, listenerARN)
	if err != nil {
		return secpillar.Remediation{}, err
	}
	r := secpillar.Resource{Type: ELBListenerResourceType, ID: listenerARN, Region: regionOfARN(listenerARN)}
	rem := secpillar.Remediation{Control: ControlELBTLSInTransit, Resource: r}
	if l.Protocol != elbtypes.ProtocolEnumHttps && l.Protocol != elbtypes.ProtocolEnumTls {
		return rem, fmt.Errorf("dataprotection: listener %s is %s: only HTTPS and TLS listeners have a security policy", listenerARN, l.Protocol)
	}
	cur := aws.ToString(l.SslPolicy)
	if cur == "" {
		return rem, fmt.Errorf("dataprotection: listener %s: %s without an SslPolicy", listenerARN, l.Protocol)
	}
	if ok, err := policyIsModern(ctx, api, cur); err != nil || ok {
		if err == nil {
			rem.Outcome = secpillar.OutcomeCompliant
		}
		return rem, err
	}
	if ok, err := policyIsModern(ctx, api, policy); err != nil || !ok {
		if err == nil {
			err = fmt.Errorf("dataprotection: policy %s still allows protocols older than TLS 1.2", policy)
		}
		return rem, err
	}
	rem.Changes = []secpillar.Change{{Resource: r, Action: "elasticloadbalancing:ModifyListener", Field: "SslPolicy", Before: cur, After: policy}}
	rem.Undo = "Put the previous policy back with elasticloadbalancing ModifyListener (SslPolicy " + cur + ")."
	rem.Notes = []string{"Clients that only speak TLS 1.0 or 1.1 can no longer connect."}
	if opts.DryRun {
		rem.Outcome = secpillar.OutcomePlanned
		return rem, nil
	}
	if _, err := api.ModifyListener(ctx, &elb.ModifyListenerInput{ListenerArn: aws.String(listenerARN), SslPolicy: aws.String(policy)}); err != nil {
		return rem, fmt.Errorf("dataprotection: modify listener %s: %w", listenerARN, err)
	}
	got, err := readListener(ctx, api, listenerARN)
	if err != nil {
		return rem, err
	}
	rem.Outcome = outcome(aws.ToString(got.SslPolicy) == policy)
	return rem, nil
}
