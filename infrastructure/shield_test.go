package infrastructure

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/globalaccelerator"
	"github.com/aws/aws-sdk-go-v2/service/inspector2"
	inspectortypes "github.com/aws/aws-sdk-go-v2/service/inspector2/types"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/shield"
	shieldtypes "github.com/aws/aws-sdk-go-v2/service/shield/types"
	"github.com/google/go-cmp/cmp"

	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	gatypes "github.com/aws/aws-sdk-go-v2/service/globalaccelerator/types"
	r53types "github.com/aws/aws-sdk-go-v2/service/route53/types"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/internal/fakeaws"
)

func shieldClient(acct *fakeaws.Account) *shield.Client { return shield.NewFromConfig(acct.Config()) }

func TestShieldAdvancedSubscription(t *testing.T) {
	ctx := context.Background()
	for _, on := range []bool{true, false} {
		acct := fakeaws.New(testAccount)
		acct.Shield.Subscribed = on
		f, err := CheckShieldAdvancedSubscription(ctx, shieldClient(acct), testAccount)
		want := map[bool]secpillar.Status{true: "PASS", false: "FAIL"}[on]
		if err != nil || f.Status != want {
			t.Errorf("subscribed=%v: %+v %v", on, f, err)
		}
	}
	check := func(a *fakeaws.Account) error {
		_, err := CheckShieldAdvancedSubscription(ctx, shieldClient(a), "")
		return err
	}
	wantError(t, "access denied", nil, func(a *fakeaws.Account) { a.DenyAccess("Shield", "GetSubscriptionState", "") }, check, "explicit deny")
	wantError(t, "nil state", nil, respondWith("Shield", "GetSubscriptionState", &shield.GetSubscriptionStateOutput{}), check, "no SubscriptionState")
	wantError(t, "unknown state", nil, respondWith("Shield", "GetSubscriptionState", &shield.GetSubscriptionStateOutput{SubscriptionState: "PENDING"}), check, `unknown SubscriptionState "PENDING"`)
}

func seedShield(acct *fakeaws.Account) ShieldResourceSources {
	acls := seedWAF(acct)
	lbs := seedALBs(acct, acls)
	acct.EC2.Region("eu-west-1").Addresses = []ec2types.Address{{AllocationId: aws.String("eipalloc-1"), PublicIp: aws.String("203.0.113.5"), Domain: ec2types.DomainTypeVpc}}
	d := acct.CloudFront.AddDistribution(goodDistribution("site"))
	acct.Route53.HostedZones = []r53types.HostedZone{
		{Id: aws.String("/hostedzone/ZPUBLIC"), Name: aws.String("example.com."), Config: &r53types.HostedZoneConfig{PrivateZone: false}},
		{Id: aws.String("/hostedzone/ZPRIVATE"), Name: aws.String("corp.internal."), Config: &r53types.HostedZoneConfig{PrivateZone: true}},
	}
	acct.GlobalAccel.Accelerators = []gatypes.Accelerator{{AcceleratorArn: aws.String("arn:aws:globalaccelerator::111122223333:accelerator/abc"), Name: aws.String("edge")}}
	acct.Shield.Subscribed = true
	acct.Shield.Protections = []shieldtypes.Protection{
		{Id: aws.String("p-1"), ResourceArn: aws.String(lbs["public-protected"])},
		{Id: aws.String("p-2"), ResourceArn: aws.String(d.ARN)},
	}
	cfg := acct.Config(func(c *aws.Config) { c.Region = "eu-west-1" })
	return ShieldResourceSources{LoadBalancers: elbClient(cfg), Addresses: ec2Client(cfg), Distributions: cfClient(acct), HostedZones: r53Client(acct), Accelerators: gaClient(acct), Region: "eu-west-1", Account: testAccount}
}

func TestShieldAdvancedProtections(t *testing.T) {
	ctx := context.Background()
	acct := fakeaws.New(testAccount)
	src := seedShield(acct)
	fs, err := CheckShieldAdvancedProtections(ctx, shieldClient(acct), src)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]secpillar.Status{}
	for _, f := range fs {
		got[f.Resource.Type+" "+f.Resource.ID[strings.LastIndex(f.Resource.ID, "/")+1:]] = f.Status
	}
	want := map[string]secpillar.Status{
		"AWS::ElasticLoadBalancingV2::LoadBalancer 0000000000000001": "PASS", "AWS::ElasticLoadBalancingV2::LoadBalancer 0000000000000002": "FAIL",
		"AWS::EC2::EIP eipalloc-1": "FAIL", "AWS::CloudFront::Distribution " + acct.CloudFront.Distributions[0].ID: "PASS",
		"AWS::Route53::HostedZone ZPUBLIC": "FAIL", "AWS::GlobalAccelerator::Accelerator abc": "FAIL",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}

	// Without a subscription every resource is NOT_APPLICABLE and the
	// remediation refuses.
	acct.Shield.Subscribed = false
	fs, err = CheckShieldAdvancedProtections(ctx, shieldClient(acct), src)
	if err != nil || len(fs) != 6 {
		t.Fatalf("unsubscribed: %d findings, %v", len(fs), err)
	}
	for _, f := range fs {
		if f.Status != secpillar.StatusNotApplicable {
			t.Errorf("unsubscribed: %+v", f)
		}
	}
	if _, err := RemediateShieldProtection(ctx, shieldClient(acct), "arn:aws:route53:::hostedzone/ZPUBLIC"); err == nil || !strings.Contains(err.Error(), "no Shield Advanced subscription") {
		t.Errorf("unsubscribed remediation: %v", err)
	}
	if n := acct.CallCount("Shield", "CreateProtection"); n != 0 {
		t.Errorf("%d protections created without a subscription", n)
	}

	acct.Shield.Subscribed = true
	check := func(a *fakeaws.Account) error {
		_, err := CheckShieldAdvancedProtections(ctx, shieldClient(a), seedShield(a))
		return err
	}
	wantError(t, "access denied", nil, func(a *fakeaws.Account) { a.DenyAccess("Shield", "ListProtections", "") }, check, "explicit deny")
	wantError(t, "nil resource ARN", nil, func(a *fakeaws.Account) {
		respondWith("Shield", "ListProtections", &shield.ListProtectionsOutput{Protections: []shieldtypes.Protection{{Id: aws.String("p")}}})(a)
	}, check, "no ResourceArn")

	zone := "arn:aws:route53:::hostedzone/ZPUBLIC"
	rem, err := RemediateShieldProtection(ctx, shieldClient(acct), zone, secpillar.DryRun)
	if err != nil || rem.Outcome != secpillar.OutcomePlanned || acct.CallCount("Shield", "CreateProtection") != 0 {
		t.Fatalf("dry run: %+v %v", rem, err)
	}
	rem, err = RemediateShieldProtection(ctx, shieldClient(acct), zone)
	if err != nil || rem.Outcome != secpillar.OutcomeChanged {
		t.Fatalf("apply: %+v %v", rem, err)
	}
	rem, err = RemediateShieldProtection(ctx, shieldClient(acct), zone)
	if err != nil || rem.Outcome != secpillar.OutcomeCompliant || acct.CallCount("Shield", "CreateProtection") != 1 || len(acct.Shield.Protections) != 3 {
		t.Fatalf("second run: %+v %v", rem, err)
	}
	if _, err := RemediateShieldProtection(ctx, shieldClient(acct), "arn:aws:s3:::bucket"); err == nil {
		t.Error("an S3 bucket was accepted")
	}
}

func TestShieldAdapterScopesGlobalResourcesToUSEast1(t *testing.T) {
	ctx := context.Background()
	acct := fakeaws.New(testAccount)
	seedShield(acct)
	control := controlByID(t, ControlShieldAdvancedProtections)
	count := map[string]int{}
	for _, region := range []string{"us-east-1", "eu-west-1"} {
		fs, err := control.Check(ctx, acct.Config(func(c *aws.Config) { c.Region = region }))
		if err != nil {
			t.Fatal(err)
		}
		count[region] = len(fs)
	}
	// eu-west-1: two ALBs and one EIP; us-east-1: the distribution, the
	// public zone and the accelerator.
	if diff := cmp.Diff(map[string]int{"us-east-1": 3, "eu-west-1": 3}, count); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func inspectorIn(acct *fakeaws.Account, region string) *inspector2.Client {
	return inspector2.NewFromConfig(acct.Config(func(c *aws.Config) { c.Region = region }))
}

func TestInspectorEnabled(t *testing.T) {
	ctx := context.Background()
	acct := fakeaws.New(testAccount)
	r := acct.Inspector2.Region("eu-west-1")
	for _, typ := range DefaultInspectorScanTypes {
		r.Enabled[typ] = true
	}
	acct.Inspector2.Region("us-east-1").Enabled[inspectortypes.ResourceScanTypeEc2] = true
	tests := []struct {
		region string
		want   secpillar.Status
	}{{"eu-west-1", "PASS"}, {"us-east-1", "FAIL"}, {"ap-southeast-2", "FAIL"}}
	for _, tt := range tests {
		f, err := CheckInspectorEnabled(ctx, inspectorIn(acct, tt.region))
		if err != nil || f.Status != tt.want {
			t.Errorf("%s: %+v %v", tt.region, f, err)
		}
	}
	f, err := CheckInspectorEnabled(ctx, inspectorIn(acct, "us-east-1"), func(o *InspectorOptions) { o.ScanTypes = []inspectortypes.ResourceScanType{"EC2"} })
	if err != nil || f.Status != secpillar.StatusPass {
		t.Errorf("EC2 only: %+v %v", f, err)
	}
	check := func(a *fakeaws.Account) error {
		_, err := CheckInspectorEnabled(ctx, inspectorIn(a, "us-east-1"))
		return err
	}
	wantError(t, "access denied", nil, func(a *fakeaws.Account) { a.DenyAccess("Inspector2", "BatchGetAccountStatus", "") }, check, "explicit deny")
	wantError(t, "nil resource state", nil, respondWith("Inspector2", "BatchGetAccountStatus", &inspector2.BatchGetAccountStatusOutput{Accounts: []inspectortypes.AccountState{{AccountId: aws.String("1")}}}), check, "no ResourceState")
	wantError(t, "missing type", nil, respondWith("Inspector2", "BatchGetAccountStatus", &inspector2.BatchGetAccountStatusOutput{Accounts: []inspectortypes.AccountState{{AccountId: aws.String("1"), ResourceState: &inspectortypes.ResourceState{Ec2: &inspectortypes.State{Status: "ENABLED"}}}}}), check, "no ECR state")
	wantError(t, "unknown status", nil, respondWith("Inspector2", "BatchGetAccountStatus", &inspector2.BatchGetAccountStatusOutput{Accounts: []inspectortypes.AccountState{{AccountId: aws.String("1"), ResourceState: &inspectortypes.ResourceState{Ec2: &inspectortypes.State{Status: "HALF"}, Ecr: &inspectortypes.State{Status: "ENABLED"}, Lambda: &inspectortypes.State{Status: "ENABLED"}}}}}), check, `unknown EC2 status "HALF"`)
	// With every state missing the account's scanning is unknown: the
	// findings control must not say "Inspector scans nothing".
	wantError(t, "no states", nil, respondWith("Inspector2", "BatchGetAccountStatus", &inspector2.BatchGetAccountStatusOutput{Accounts: []inspectortypes.AccountState{{AccountId: aws.String("1"), ResourceState: &inspectortypes.ResourceState{}}}}),
		func(a *fakeaws.Account) error {
			_, err := CheckInspectorCriticalFindings(ctx, inspectorIn(a, "us-east-1"))
			return err
		}, "no EC2 state")

	c := inspectorIn(acct, "us-east-1")
	rem, err := RemediateInspectorEnabled(ctx, c, nil, secpillar.DryRun)
	if err != nil || rem.Outcome != secpillar.OutcomePlanned || len(rem.Changes) != 3 || acct.CallCount("Inspector2", "Enable") != 0 {
		t.Fatalf("dry run: %+v %v", rem, err)
	}
	control := controlByID(t, ControlInspectorEnabled)
	rem, err = control.Remediate(ctx, acct.Config(), secpillar.Finding{Control: control.ID, Resource: secpillar.Resource{Region: "us-east-1"}}, secpillar.RemediateOptions{})
	if err != nil || rem.Outcome != secpillar.OutcomeChanged {
		t.Fatalf("apply: %+v %v", rem, err)
	}
	rem, err = RemediateInspectorEnabled(ctx, c, nil)
	if err != nil || rem.Outcome != secpillar.OutcomeCompliant || acct.CallCount("Inspector2", "Enable") != 1 {
		t.Fatalf("second run: %+v %v", rem, err)
	}
	if acct.Inspector2.Region("eu-west-1").Enabled[inspectortypes.ResourceScanTypeCodeRepository] || acct.Inspector2.Region("ap-southeast-2").Enabled[inspectortypes.ResourceScanTypeEc2] {
		t.Error("the remediation enabled something it was not asked to")
	}
}

func TestInspectorCriticalFindings(t *testing.T) {
	ctx := context.Background()
	acct := fakeaws.New(testAccount)
	r := acct.Inspector2.Region("eu-west-1")
	r.Enabled[inspectortypes.ResourceScanTypeEc2] = true
	finding := func(id string, sev inspectortypes.Severity, status inspectortypes.FindingStatus) inspectortypes.Finding {
		return inspectortypes.Finding{FindingArn: aws.String("arn:aws:inspector2:eu-west-1:111122223333:finding/" + id), Severity: sev, Status: status}
	}
	r.Findings = []inspectortypes.Finding{
		finding("1", "CRITICAL", "ACTIVE"), finding("2", "CRITICAL", "CLOSED"), finding("3", "HIGH", "ACTIVE"),
		finding("4", "CRITICAL", "ACTIVE"), finding("5", "CRITICAL", "SUPPRESSED"), finding("6", "CRITICAL", "ACTIVE"), finding("7", "CRITICAL", "ACTIVE"),
	}
	f, err := CheckInspectorCriticalFindings(ctx, inspectorIn(acct, "eu-west-1"))
	if err != nil || f.Status != secpillar.StatusFail || f.Evidence["critical_findings"] != "4" {
		t.Fatalf("got %+v %v", f, err)
	}
	acct.Inspector2.Region("us-east-1").Enabled[inspectortypes.ResourceScanTypeLambda] = true
	if f, err := CheckInspectorCriticalFindings(ctx, inspectorIn(acct, "us-east-1")); err != nil || f.Status != secpillar.StatusPass {
		t.Errorf("no findings: %+v %v", f, err)
	}
	if f, err := CheckInspectorCriticalFindings(ctx, inspectorIn(acct, "ap-southeast-2")); err != nil || f.Status != secpillar.StatusNotApplicable {
		t.Errorf("not enabled: %+v %v", f, err)
	}
	check := func(a *fakeaws.Account) error {
		a.Inspector2.Region("eu-west-1").Enabled["EC2"] = true
		_, err := CheckInspectorCriticalFindings(ctx, inspectorIn(a, "eu-west-1"))
		return err
	}
	wantError(t, "access denied", nil, func(a *fakeaws.Account) { a.DenyAccess("Inspector2", "ListFindings", "") }, check, "explicit deny")
	wantError(t, "unknown severity", nil, respondWith("Inspector2", "ListFindings", &inspector2.ListFindingsOutput{Findings: []inspectortypes.Finding{{FindingArn: aws.String("f"), Severity: "APOCALYPTIC", Status: "ACTIVE"}}}), check, `unknown severity "APOCALYPTIC"`)
	wantError(t, "unknown status", nil, respondWith("Inspector2", "ListFindings", &inspector2.ListFindingsOutput{Findings: []inspectortypes.Finding{{FindingArn: aws.String("f"), Severity: "CRITICAL", Status: "PENDING"}}}), check, `unknown status "PENDING"`)
	wantError(t, "repeated token", nil, respondWith("Inspector2", "ListFindings", &inspector2.ListFindingsOutput{NextToken: aws.String("t")}), check, "same pagination token")
}

func elbClient(cfg aws.Config) *elb.Client { return elb.NewFromConfig(cfg) }
func ec2Client(cfg aws.Config) *ec2.Client { return ec2.NewFromConfig(cfg) }
func r53Client(acct *fakeaws.Account) *route53.Client {
	return route53.NewFromConfig(acct.Config())
}
func gaClient(acct *fakeaws.Account) *globalaccelerator.Client {
	return globalaccelerator.NewFromConfig(acct.Config(func(c *aws.Config) { c.Region = "us-west-2" }))
}
