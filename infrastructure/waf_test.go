package infrastructure

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/aws-sdk-go-v2/service/wafv2"
	waftypes "github.com/aws/aws-sdk-go-v2/service/wafv2/types"
	"github.com/google/go-cmp/cmp"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/internal/fakeaws"
)

func managedRule(name string, prio int32, count, metrics bool) waftypes.Rule {
	r := waftypes.Rule{Name: aws.String(name), Priority: prio,
		Statement:        &waftypes.Statement{ManagedRuleGroupStatement: &waftypes.ManagedRuleGroupStatement{VendorName: aws.String("AWS"), Name: aws.String(name)}},
		VisibilityConfig: &waftypes.VisibilityConfig{CloudWatchMetricsEnabled: metrics, MetricName: aws.String(name), SampledRequestsEnabled: true},
		OverrideAction:   &waftypes.OverrideAction{None: &waftypes.NoneAction{}}}
	if count {
		r.OverrideAction = &waftypes.OverrideAction{Count: &waftypes.CountAction{}}
	}
	return r
}

func webACL(name string, rules ...waftypes.Rule) waftypes.WebACL {
	return waftypes.WebACL{Name: aws.String(name), DefaultAction: &waftypes.DefaultAction{Allow: &waftypes.AllowAction{}}, Rules: rules,
		VisibilityConfig: &waftypes.VisibilityConfig{CloudWatchMetricsEnabled: true, MetricName: aws.String(name)}}
}

// seedWAF: in eu-west-1 a good and an empty REGIONAL ACL; in us-east-1 a
// REGIONAL ACL with a counting baseline and a CLOUDFRONT ACL without
// metrics on one rule.
func seedWAF(acct *fakeaws.Account) map[string]*fakeaws.WAFWebACL {
	w := acct.WAFv2
	base := []waftypes.Rule{managedRule("AWSManagedRulesCommonRuleSet", 1, false, true), managedRule("AWSManagedRulesKnownBadInputsRuleSet", 2, false, true)}
	acls := map[string]*fakeaws.WAFWebACL{
		"good":     w.AddWebACL(waftypes.ScopeRegional, "eu-west-1", webACL("good", base...)),
		"empty":    w.AddWebACL(waftypes.ScopeRegional, "eu-west-1", webACL("empty")),
		"counting": w.AddWebACL(waftypes.ScopeRegional, "us-east-1", webACL("counting", managedRule("AWSManagedRulesCommonRuleSet", 1, true, true), base[1])),
		"edge":     w.AddWebACL(waftypes.ScopeCloudfront, "", webACL("edge", base[0], managedRule("AWSManagedRulesKnownBadInputsRuleSet", 2, false, false))),
	}
	w.Logging = map[string]waftypes.LoggingConfiguration{
		*acls["good"].ACL.ARN: {ResourceArn: acls["good"].ACL.ARN, LogDestinationConfigs: []string{"arn:aws:firehose:eu-west-1:111122223333:deliverystream/aws-waf-logs-good"}},
		*acls["edge"].ACL.ARN: {ResourceArn: acls["edge"].ACL.ARN, LogDestinationConfigs: []string{"arn:aws:logs:us-east-1:111122223333:log-group:aws-waf-logs-edge"}},
	}
	return acls
}

func wafIn(acct *fakeaws.Account, region string) *wafv2.Client {
	return wafv2.NewFromConfig(acct.Config(func(c *aws.Config) { c.Region = region }))
}

func TestWebACLChecks(t *testing.T) {
	ctx := context.Background()
	acct := fakeaws.New(testAccount)
	seedWAF(acct)
	type result map[string]secpillar.Status
	run := func(region string) map[string]result {
		c := wafIn(acct, region)
		rules, err := CheckWebACLRules(ctx, c, region)
		if err != nil {
			t.Fatal(err)
		}
		base, err := CheckWebACLBaselineRules(ctx, c, region)
		if err != nil {
			t.Fatal(err)
		}
		logs, err := CheckWebACLLogging(ctx, c, region)
		if err != nil {
			t.Fatal(err)
		}
		return map[string]result{"rules": result(statuses(rules, "web_acl")), "baseline": result(statuses(base, "web_acl")), "logging": result(statuses(logs, "web_acl"))}
	}
	want := map[string]map[string]result{
		"eu-west-1": {"rules": {"good": "PASS", "empty": "FAIL"}, "baseline": {"good": "PASS", "empty": "FAIL"}, "logging": {"good": "PASS", "empty": "FAIL"}},
		// us-east-1 covers its REGIONAL ACLs and the CLOUDFRONT ones.
		"us-east-1":      {"rules": {"counting": "PASS", "edge": "FAIL"}, "baseline": {"counting": "FAIL", "edge": "PASS"}, "logging": {"counting": "FAIL", "edge": "PASS"}},
		"ap-southeast-2": {"rules": {}, "baseline": {}, "logging": {}},
	}
	for region, w := range want {
		if diff := cmp.Diff(w, run(region)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", region, diff)
		}
	}
	// Custom baseline list.
	fs, err := CheckWebACLBaselineRules(ctx, wafIn(acct, "eu-west-1"), "eu-west-1", func(o *WebACLBaselineOptions) { o.RuleGroups = []string{"AWSManagedRulesSQLiRuleSet"} })
	if err != nil || len(fs) != 2 || fs[0].Status != secpillar.StatusFail || !strings.Contains(fs[0].Evidence["missing"], "SQLi") {
		t.Errorf("custom baseline: %+v %v", fs, err)
	}

	check := func(a *fakeaws.Account) error {
		_, err := CheckWebACLRules(ctx, wafIn(a, "eu-west-1"), "eu-west-1")
		return err
	}
	logCheck := func(a *fakeaws.Account) error {
		_, err := CheckWebACLLogging(ctx, wafIn(a, "eu-west-1"), "eu-west-1")
		return err
	}
	seed := func(a *fakeaws.Account) { seedWAF(a) }
	wantError(t, "access denied", seed, func(a *fakeaws.Account) { a.DenyAccess("WAFV2", "GetWebACL", "") }, check, "explicit deny")
	wantError(t, "logging access denied", seed, func(a *fakeaws.Account) { a.DenyAccess("WAFV2", "ListLoggingConfigurations", "") }, logCheck, "explicit deny")
	wantError(t, "nil visibility", seed, respondWith("WAFV2", "GetWebACL", &wafv2.GetWebACLOutput{WebACL: &waftypes.WebACL{Rules: []waftypes.Rule{{Name: aws.String("r")}}}}), check, "no VisibilityConfig")
	wantError(t, "nil web ACL", seed, respondWith("WAFV2", "GetWebACL", &wafv2.GetWebACLOutput{}), check, "no WebACL")
	wantError(t, "repeated marker", nil, respondWith("WAFV2", "ListWebACLs", &wafv2.ListWebACLsOutput{NextMarker: aws.String("m")}), check, "same pagination token")
}

func TestRemediateWebACLLogging(t *testing.T) {
	ctx := context.Background()
	acct := fakeaws.New(testAccount)
	acls := seedWAF(acct)
	c := wafIn(acct, "eu-west-1")
	arn := *acls["empty"].ACL.ARN
	dest := "arn:aws:firehose:eu-west-1:111122223333:deliverystream/aws-waf-logs-empty"
	if _, err := RemediateWebACLLogging(ctx, c, arn, "arn:aws:firehose:eu-west-1:111122223333:deliverystream/logs"); err == nil {
		t.Error("a destination without the aws-waf-logs- prefix was accepted")
	}
	if _, err := RemediateWebACLLogging(ctx, c, "acl", dest); err == nil {
		t.Error("a bad ACL ARN was accepted")
	}
	rem, err := RemediateWebACLLogging(ctx, c, arn, dest, secpillar.DryRun)
	if err != nil || rem.Outcome != secpillar.OutcomePlanned || acct.CallCount("WAFV2", "PutLoggingConfiguration") != 0 {
		t.Fatalf("dry run: %+v %v", rem, err)
	}
	rem, err = RemediateWebACLLogging(ctx, c, arn, dest)
	if err != nil || rem.Outcome != secpillar.OutcomeChanged {
		t.Fatalf("apply: %+v %v", rem, err)
	}
	rem, err = RemediateWebACLLogging(ctx, c, arn, dest)
	if err != nil || rem.Outcome != secpillar.OutcomeCompliant || acct.CallCount("WAFV2", "PutLoggingConfiguration") != 1 {
		t.Fatalf("second run: %+v %v", rem, err)
	}
	// An ACL that already logs elsewhere keeps its configuration.
	good := *acls["good"].ACL.ARN
	before := acct.WAFv2.Logging[good].LogDestinationConfigs[0]
	if rem, err := RemediateWebACLLogging(ctx, c, good, dest); err != nil || rem.Outcome != secpillar.OutcomeCompliant || acct.WAFv2.Logging[good].LogDestinationConfigs[0] != before {
		t.Errorf("existing logging: %+v %v", rem, err)
	}
}

func seedALBs(acct *fakeaws.Account, acls map[string]*fakeaws.WAFWebACL) map[string]string {
	r := acct.ELBv2.Region("eu-west-1")
	lbs := map[string]string{}
	for _, lb := range []elbtypes.LoadBalancer{
		{LoadBalancerName: aws.String("public-protected"), Type: elbtypes.LoadBalancerTypeEnumApplication, Scheme: elbtypes.LoadBalancerSchemeEnumInternetFacing},
		{LoadBalancerName: aws.String("public-open"), Type: elbtypes.LoadBalancerTypeEnumApplication, Scheme: elbtypes.LoadBalancerSchemeEnumInternetFacing},
		{LoadBalancerName: aws.String("internal"), Type: elbtypes.LoadBalancerTypeEnumApplication, Scheme: elbtypes.LoadBalancerSchemeEnumInternal},
		{LoadBalancerName: aws.String("nlb"), Type: elbtypes.LoadBalancerTypeEnumNetwork, Scheme: elbtypes.LoadBalancerSchemeEnumInternetFacing},
	} {
		lbs[*lb.LoadBalancerName] = r.AddLoadBalancer(acct.ID, "eu-west-1", lb)
	}
	acct.WAFv2.Associations = map[string]string{lbs["public-protected"]: *acls["good"].ACL.ARN}
	return lbs
}

func TestALBWebACL(t *testing.T) {
	ctx := context.Background()
	acct := fakeaws.New(testAccount)
	acls := seedWAF(acct)
	lbs := seedALBs(acct, acls)
	cfg := acct.Config(func(c *aws.Config) { c.Region = "eu-west-1" })
	fs, err := CheckALBWebACL(ctx, elb.NewFromConfig(cfg), wafv2.NewFromConfig(cfg))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]secpillar.Status{"public-protected": "PASS", "public-open": "FAIL"}, statuses(fs, "load_balancer")); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	check := func(a *fakeaws.Account) error {
		cfg := a.Config(func(c *aws.Config) { c.Region = "eu-west-1" })
		_, err := CheckALBWebACL(ctx, elb.NewFromConfig(cfg), wafv2.NewFromConfig(cfg))
		return err
	}
	seed := func(a *fakeaws.Account) { seedALBs(a, seedWAF(a)) }
	wantError(t, "access denied", seed, func(a *fakeaws.Account) { a.DenyAccess("Elastic Load Balancing v2", "DescribeLoadBalancers", "") }, check, "explicit deny")
	wantError(t, "waf access denied", seed, func(a *fakeaws.Account) { a.DenyAccess("WAFV2", "GetWebACLForResource", "") }, check, "explicit deny")
	wantError(t, "unknown type", nil, respondWith("Elastic Load Balancing v2", "DescribeLoadBalancers", &elb.DescribeLoadBalancersOutput{LoadBalancers: []elbtypes.LoadBalancer{{LoadBalancerArn: aws.String("arn:x"), Type: "quantum", Scheme: "internal"}}}), check, `unknown Type "quantum"`)
	wantError(t, "unknown scheme", nil, respondWith("Elastic Load Balancing v2", "DescribeLoadBalancers", &elb.DescribeLoadBalancersOutput{LoadBalancers: []elbtypes.LoadBalancer{{LoadBalancerArn: aws.String("arn:x"), Type: "application", Scheme: "semi-public"}}}), check, `unknown Scheme "semi-public"`)
	wantError(t, "nil scheme", nil, respondWith("Elastic Load Balancing v2", "DescribeLoadBalancers", &elb.DescribeLoadBalancersOutput{LoadBalancers: []elbtypes.LoadBalancer{{LoadBalancerArn: aws.String("arn:x")}}}), check, "no Type or Scheme")

	c := wafv2.NewFromConfig(cfg)
	acl := *acls["good"].ACL.ARN
	if _, err := RemediateALBWebACL(ctx, c, lbs["public-open"], *acls["edge"].ACL.ARN); err == nil {
		t.Error("a CLOUDFRONT web ACL was accepted for an ALB")
	}
	rem, err := RemediateALBWebACL(ctx, c, lbs["public-open"], acl, secpillar.DryRun)
	if err != nil || rem.Outcome != secpillar.OutcomePlanned || acct.CallCount("WAFV2", "AssociateWebACL") != 0 {
		t.Fatalf("dry run: %+v %v", rem, err)
	}
	rem, err = RemediateALBWebACL(ctx, c, lbs["public-open"], acl)
	if err != nil || rem.Outcome != secpillar.OutcomeChanged {
		t.Fatalf("apply: %+v %v", rem, err)
	}
	rem, err = RemediateALBWebACL(ctx, c, lbs["public-open"], acl)
	if err != nil || rem.Outcome != secpillar.OutcomeCompliant || acct.CallCount("WAFV2", "AssociateWebACL") != 1 {
		t.Fatalf("second run: %+v %v", rem, err)
	}
	// An ALB with another ACL keeps it.
	other := acct.WAFv2.AddWebACL(waftypes.ScopeRegional, "eu-west-1", webACL("other"))
	rem, err = RemediateALBWebACL(ctx, c, lbs["public-protected"], *other.ACL.ARN)
	if err != nil || rem.Outcome != secpillar.OutcomeCompliant || acct.WAFv2.Associations[lbs["public-protected"]] != acl || len(rem.Notes) == 0 {
		t.Errorf("existing association: %+v %v", rem, err)
	}
}
