package dataprotection

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/google/go-cmp/cmp"
	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/internal/awserr"
	"github.com/secpillar/secpillar/internal/fakeaws"
)

func forward(tg string) []elbtypes.Action {
	return []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: aws.String(tg)}}
}

func elbAccount() (*fakeaws.Account, *elb.Client, map[string]string) {
	a := fakeaws.New(testAccount)
	r := a.ELBv2.Region("eu-west-1")
	web := r.AddLoadBalancer(testAccount, "eu-west-1", elbtypes.LoadBalancer{LoadBalancerName: aws.String("web"), Type: elbtypes.LoadBalancerTypeEnumApplication, Scheme: elbtypes.LoadBalancerSchemeEnumInternetFacing})
	legacy := r.AddLoadBalancer(testAccount, "eu-west-1", elbtypes.LoadBalancer{LoadBalancerName: aws.String("legacy"), Type: elbtypes.LoadBalancerTypeEnumApplication})
	nlb := r.AddLoadBalancer(testAccount, "eu-west-1", elbtypes.LoadBalancer{LoadBalancerName: aws.String("nlb"), Type: elbtypes.LoadBalancerTypeEnumNetwork})
	r.AddLoadBalancer(testAccount, "eu-west-1", elbtypes.LoadBalancer{LoadBalancerName: aws.String("gwlb"), Type: elbtypes.LoadBalancerTypeEnumGateway})
	ids := map[string]string{}
	ids["web-https"] = r.AddListener(web, elbtypes.Listener{Protocol: elbtypes.ProtocolEnumHttps, Port: aws.Int32(443), SslPolicy: aws.String("ELBSecurityPolicy-TLS13-1-2-2021-06"), DefaultActions: forward("tg-web")})
	ids["web-http"] = r.AddListener(web, elbtypes.Listener{Protocol: elbtypes.ProtocolEnumHttp, Port: aws.Int32(80), DefaultActions: forward("tg-web")})
	ids["legacy-https"] = r.AddListener(legacy, elbtypes.Listener{Protocol: elbtypes.ProtocolEnumHttps, Port: aws.Int32(443), SslPolicy: aws.String("ELBSecurityPolicy-2016-08"), DefaultActions: forward("tg-legacy")})
	ids["legacy-redirect"] = r.AddListener(legacy, elbtypes.Listener{Protocol: elbtypes.ProtocolEnumHttp, Port: aws.Int32(80), DefaultActions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumRedirect,
		RedirectConfig: &elbtypes.RedirectActionConfig{Protocol: aws.String("HTTPS"), Port: aws.String("443"), StatusCode: elbtypes.RedirectActionStatusCodeEnumHttp301}}}})
	ids["nlb-tls"] = r.AddListener(nlb, elbtypes.Listener{Protocol: elbtypes.ProtocolEnumTls, Port: aws.Int32(443), SslPolicy: aws.String("ELBSecurityPolicy-TLS13-1-3-2021-06"), DefaultActions: forward("tg-nlb")})
	ids["nlb-tcp"] = r.AddListener(nlb, elbtypes.Listener{Protocol: elbtypes.ProtocolEnumTcp, Port: aws.Int32(5432), DefaultActions: forward("tg-db")})
	ids["nlb-udp"] = r.AddListener(nlb, elbtypes.Listener{Protocol: elbtypes.ProtocolEnumUdp, Port: aws.Int32(53), DefaultActions: forward("tg-dns")})
	return a, elb.NewFromConfig(a.Config(func(c *aws.Config) { c.Region = "eu-west-1" })), ids
}

func byListener(fs []secpillar.Finding, ids map[string]string) map[string]string {
	name := map[string]string{}
	for k, v := range ids {
		name[v] = k
	}
	m := map[string]string{}
	for _, f := range fs {
		m[name[f.Resource.ID]] = string(f.Status) + ": " + f.Reason
	}
	return m
}

func TestCheckELBTLSInTransit(t *testing.T) {
	a, api, ids := elbAccount()
	got, err := CheckELBTLSInTransit(context.Background(), api)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"web-https":       "PASS: The listener uses HTTPS with a policy that allows only TLS 1.2 and later.",
		"web-http":        "FAIL: The HTTP listener serves traffic in clear text; redirect it to HTTPS.",
		"legacy-https":    "FAIL: The listener's policy ELBSecurityPolicy-2016-08 still allows TLSv1, TLSv1.1; switch to a TLS 1.2+ policy such as ELBSecurityPolicy-TLS13-1-2-2021-06.",
		"legacy-redirect": "PASS: The HTTP listener redirects to HTTPS.",
		"nlb-tls":         "PASS: The listener uses TLS with a policy that allows only TLS 1.2 and later.",
		"nlb-tcp":         "FAIL: The TCP listener carries traffic without TLS at the load balancer; use a TLS listener, or allow passthrough if the targets terminate TLS.",
		"nlb-udp":         "NOT_APPLICABLE: TLS does not apply to UDP listeners.",
	}
	if diff := cmp.Diff(want, byListener(got, ids)); diff != "" {
		t.Errorf("verdicts (-want +got):\n%s", diff)
	}
	if n := a.CallCount("Elastic Load Balancing v2", "DescribeSSLPolicies"); n != 1 {
		t.Errorf("DescribeSSLPolicies called %d times, want 1", n)
	}
	got, err = CheckELBTLSInTransit(context.Background(), api, func(o *ELBTLSOptions) { o.AllowTCPPassthrough = true })
	if err != nil || !strings.HasPrefix(byListener(got, ids)["nlb-tcp"], "PASS") {
		t.Errorf("passthrough allowed: %v, %v", byListener(got, ids)["nlb-tcp"], err)
	}

	a.ELBv2.Region("eu-west-1").Listeners[0].SslPolicy = nil
	if _, err := CheckELBTLSInTransit(context.Background(), api); err == nil || !strings.Contains(err.Error(), "without an SslPolicy") {
		t.Errorf("err = %v, want missing SslPolicy", err)
	}
	a.DenyAccess("Elastic Load Balancing v2", "DescribeListeners", "")
	if _, err := CheckELBTLSInTransit(context.Background(), api); !awserr.IsAccessDenied(err) {
		t.Errorf("err = %v, want access denied", err)
	}
	empty := fakeaws.New(testAccount)
	if got, err := CheckELBTLSInTransit(context.Background(), elb.NewFromConfig(empty.Config())); err != nil || len(got) != 0 {
		t.Errorf("no load balancers: %v, %v", got, err)
	}
}

func TestRemediateELBHTTPSRedirect(t *testing.T) {
	a, api, ids := elbAccount()
	ctx := context.Background()
	dry, err := RemediateELBHTTPSRedirect(ctx, api, ids["web-http"], secpillar.DryRun)
	if err != nil || dry.Outcome != secpillar.OutcomePlanned || a.CallCount("Elastic Load Balancing v2", "ModifyListener") != 0 {
		t.Fatalf("dry run = %+v, %v", dry, err)
	}
	got, err := RemediateELBHTTPSRedirect(ctx, api, ids["web-http"])
	if err != nil || got.Outcome != secpillar.OutcomeChanged {
		t.Fatalf("remediation = %+v, %v", got, err)
	}
	want := []secpillar.Change{{Resource: got.Resource, Action: "elasticloadbalancing:ModifyListener", Field: "DefaultActions", Before: "forward tg-web", After: "redirect HTTPS:443"}}
	if diff := cmp.Diff(want, got.Changes); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
	l := a.ELBv2.Region("eu-west-1").Listeners[1]
	if l.Protocol != elbtypes.ProtocolEnumHttp || aws.ToInt32(l.Port) != 80 {
		t.Errorf("listener port/protocol changed: %v %v", l.Protocol, aws.ToInt32(l.Port))
	}
	a.ResetCalls()
	again, err := RemediateELBHTTPSRedirect(ctx, api, ids["web-http"])
	if err != nil || again.Outcome != secpillar.OutcomeCompliant || a.CallCount("Elastic Load Balancing v2", "ModifyListener") != 0 {
		t.Errorf("second run = %+v, %v", again, err)
	}
	if _, err := RemediateELBHTTPSRedirect(ctx, api, ids["web-https"]); err == nil {
		t.Error("HTTPS listener: want an error")
	}
	if _, err := RemediateELBHTTPSRedirect(ctx, api, "arn:aws:s3:::b"); err == nil {
		t.Error("bad ARN: want an error")
	}
	// No HTTPS listener to redirect to.
	r := a.ELBv2.Region("eu-west-1")
	lone := r.AddLoadBalancer(testAccount, "eu-west-1", elbtypes.LoadBalancer{LoadBalancerName: aws.String("lone"), Type: elbtypes.LoadBalancerTypeEnumApplication})
	http := r.AddListener(lone, elbtypes.Listener{Protocol: elbtypes.ProtocolEnumHttp, Port: aws.Int32(80), DefaultActions: forward("tg-lone")})
	if _, err := RemediateELBHTTPSRedirect(ctx, api, http); err == nil || !strings.Contains(err.Error(), "no HTTPS listener on port 443") {
		t.Errorf("err = %v, want refusal", err)
	}
}

func TestRemediateELBTLSPolicy(t *testing.T) {
	a, api, ids := elbAccount()
	ctx := context.Background()
	dry, err := RemediateELBTLSPolicy(ctx, api, ids["legacy-https"], "", secpillar.DryRun)
	if err != nil || dry.Outcome != secpillar.OutcomePlanned || a.CallCount("Elastic Load Balancing v2", "ModifyListener") != 0 {
		t.Fatalf("dry run = %+v, %v", dry, err)
	}
	got, err := RemediateELBTLSPolicy(ctx, api, ids["legacy-https"], "")
	if err != nil || got.Outcome != secpillar.OutcomeChanged {
		t.Fatalf("remediation = %+v, %v", got, err)
	}
	want := []secpillar.Change{{Resource: got.Resource, Action: "elasticloadbalancing:ModifyListener", Field: "SslPolicy", Before: "ELBSecurityPolicy-2016-08", After: DefaultTLSPolicy}}
	if diff := cmp.Diff(want, got.Changes); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
	l := a.ELBv2.Region("eu-west-1").Listeners[2]
	if aws.ToInt32(l.Port) != 443 || len(l.DefaultActions) != 1 || aws.ToString(l.DefaultActions[0].TargetGroupArn) != "tg-legacy" {
		t.Errorf("listener changed beyond its policy: %+v", l)
	}
	a.ResetCalls()
	if again, err := RemediateELBTLSPolicy(ctx, api, ids["legacy-https"], ""); err != nil || again.Outcome != secpillar.OutcomeCompliant || a.CallCount("Elastic Load Balancing v2", "ModifyListener") != 0 {
		t.Errorf("second run = %+v, %v", again, err)
	}
	if _, err := RemediateELBTLSPolicy(ctx, api, ids["web-https"], "ELBSecurityPolicy-TLS-1-1-2017-01"); err != nil {
		t.Errorf("already modern listener: %v", err)
	}
	_, api2, ids2 := elbAccount()
	if _, err := RemediateELBTLSPolicy(ctx, api2, ids2["legacy-https"], "ELBSecurityPolicy-TLS-1-1-2017-01"); err == nil || !strings.Contains(err.Error(), "older than TLS 1.2") {
		t.Errorf("err = %v, want refusal of an old target policy", err)
	}
	if _, err := RemediateELBTLSPolicy(ctx, api, ids["web-http"], ""); err == nil {
		t.Error("HTTP listener: want an error")
	}
}
