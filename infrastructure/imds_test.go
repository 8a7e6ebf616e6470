package infrastructure

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/google/go-cmp/cmp"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/internal/fakeaws"
)

func TestInstancesIMDSv2(t *testing.T) {
	ctx := context.Background()
	acct := fakeaws.New(testAccount)
	seedInstances(acct)
	c := ec2In(acct, "us-east-1")
	fs, err := CheckInstancesIMDSv2(ctx, c, "us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]secpillar.Status{"i-public": "FAIL", "i-private": "PASS", "i-eni": "PASS", "i-noimds": "PASS"}
	if diff := cmp.Diff(want, statuses(fs, "instance_id")); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	check := func(a *fakeaws.Account) error {
		_, err := CheckInstancesIMDSv2(ctx, ec2In(a, "us-east-1"), "us-east-1")
		return err
	}
	wantError(t, "access denied", seedInstances, func(a *fakeaws.Account) { a.DenyAccess("EC2", "DescribeInstances", "") }, check, "explicit deny")
	running := &ec2types.InstanceState{Name: ec2types.InstanceStateNameRunning}
	wantError(t, "nil metadata options", nil, respondWith("EC2", "DescribeInstances", &ec2.DescribeInstancesOutput{Reservations: []ec2types.Reservation{{OwnerId: aws.String("1"), Instances: []ec2types.Instance{{InstanceId: aws.String("i-1"), State: running}}}}}), check, "no MetadataOptions")
	wantError(t, "unknown tokens", nil, respondWith("EC2", "DescribeInstances", &ec2.DescribeInstancesOutput{Reservations: []ec2types.Reservation{{OwnerId: aws.String("1"), Instances: []ec2types.Instance{{InstanceId: aws.String("i-1"), State: running, MetadataOptions: &ec2types.InstanceMetadataOptionsResponse{HttpTokens: "sometimes"}}}}}}), check, `unknown MetadataOptions.HttpTokens "sometimes"`)

	var failed secpillar.Finding
	for _, f := range fs {
		if f.Status == secpillar.StatusFail {
			failed = f
		}
	}
	control := controlByID(t, ControlIMDSv2Required)
	rem, err := control.Remediate(ctx, acct.Config(), failed, secpillar.RemediateOptions{DryRun: true})
	if err != nil || rem.Outcome != secpillar.OutcomePlanned || acct.CallCount("EC2", "ModifyInstanceMetadataOptions") != 0 {
		t.Fatalf("dry run: %+v %v", rem, err)
	}
	rem, err = control.Remediate(ctx, acct.Config(), failed, secpillar.RemediateOptions{})
	if err != nil || rem.Outcome != secpillar.OutcomeChanged {
		t.Fatalf("apply: %+v %v", rem, err)
	}
	rem, err = RemediateInstanceIMDSv2(ctx, c, "i-public")
	if err != nil || rem.Outcome != secpillar.OutcomeCompliant || acct.CallCount("EC2", "ModifyInstanceMetadataOptions") != 1 {
		t.Fatalf("second run: %+v %v", rem, err)
	}
	mo := acct.EC2.Region("us-east-1").Instances[0].MetadataOptions
	if mo.HttpTokens != "required" || aws.ToInt32(mo.HttpPutResponseHopLimit) != 2 || mo.HttpEndpoint != "enabled" {
		t.Errorf("metadata options now %+v; the hop limit and endpoint must be kept", mo)
	}
	if _, err := RemediateInstanceIMDSv2(ctx, c, "sg-1"); err == nil {
		t.Error("a non-instance ID was accepted")
	}
}

func TestIMDSv2AccountDefault(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name     string
		defaults ec2types.InstanceMetadataDefaultsResponse
		want     secpillar.Status
	}{
		{"required", ec2types.InstanceMetadataDefaultsResponse{HttpTokens: "required"}, secpillar.StatusPass},
		{"optional", ec2types.InstanceMetadataDefaultsResponse{HttpTokens: "optional"}, secpillar.StatusFail},
		{"not configured", ec2types.InstanceMetadataDefaultsResponse{}, secpillar.StatusFail},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			acct := fakeaws.New(testAccount)
			acct.EC2.Region("eu-west-1").MetadataDefaults = tt.defaults
			f, err := CheckIMDSv2AccountDefault(ctx, ec2In(acct, "eu-west-1"), testAccount)
			if err != nil || f.Status != tt.want || f.Resource.Type != secpillar.AccountResourceType {
				t.Fatalf("got %+v, %v; want %s", f, err, tt.want)
			}
		})
	}
	check := func(a *fakeaws.Account) error {
		_, err := CheckIMDSv2AccountDefault(ctx, ec2In(a, "eu-west-1"), "")
		return err
	}
	wantError(t, "access denied", nil, func(a *fakeaws.Account) { a.DenyAccess("EC2", "GetInstanceMetadataDefaults", "") }, check, "explicit deny")
	wantError(t, "nil account level", nil, respondWith("EC2", "GetInstanceMetadataDefaults", &ec2.GetInstanceMetadataDefaultsOutput{}), check, "no AccountLevel")
	wantError(t, "unknown value", nil, respondWith("EC2", "GetInstanceMetadataDefaults", &ec2.GetInstanceMetadataDefaultsOutput{AccountLevel: &ec2types.InstanceMetadataDefaultsResponse{HttpTokens: "maybe"}}), check, `unknown HttpTokens "maybe"`)

	acct := fakeaws.New(testAccount)
	r := acct.EC2.Region("eu-west-1")
	r.MetadataDefaults = ec2types.InstanceMetadataDefaultsResponse{HttpTokens: "optional", HttpPutResponseHopLimit: aws.Int32(1), InstanceMetadataTags: "enabled"}
	control := controlByID(t, ControlIMDSv2AccountDefault)
	fs, err := control.Check(ctx, acct.Config(func(c *aws.Config) { c.Region = "eu-west-1" }))
	if err != nil || len(fs) != 1 {
		t.Fatal(fs, err)
	}
	fs[0].Resource.Region = "eu-west-1" // as Run fills it in
	rem, err := control.Remediate(ctx, acct.Config(), fs[0], secpillar.RemediateOptions{DryRun: true})
	if err != nil || rem.Outcome != secpillar.OutcomePlanned || acct.CallCount("EC2", "ModifyInstanceMetadataDefaults") != 0 {
		t.Fatalf("dry run: %+v %v", rem, err)
	}
	rem, err = control.Remediate(ctx, acct.Config(), fs[0], secpillar.RemediateOptions{})
	if err != nil || rem.Outcome != secpillar.OutcomeChanged {
		t.Fatalf("apply: %+v %v", rem, err)
	}
	rem, err = RemediateIMDSv2AccountDefault(ctx, ec2In(acct, "eu-west-1"), testAccount)
	if err != nil || rem.Outcome != secpillar.OutcomeCompliant || acct.CallCount("EC2", "ModifyInstanceMetadataDefaults") != 1 {
		t.Fatalf("second run: %+v %v", rem, err)
	}
	want := ec2types.InstanceMetadataDefaultsResponse{HttpTokens: "required", HttpPutResponseHopLimit: aws.Int32(1), InstanceMetadataTags: "enabled"}
	if diff := cmp.Diff(want, r.MetadataDefaults, cmpIgnoreSmithy); diff != "" {
		t.Errorf("defaults (-want +got):\n%s", diff)
	}
	// Other Regions are untouched.
	if acct.EC2.Region("us-east-1").MetadataDefaults.HttpTokens != "" {
		t.Error("us-east-1 changed")
	}
	managed := fakeaws.New(testAccount)
	managed.EC2.Region("us-east-1").MetadataDefaults = ec2types.InstanceMetadataDefaultsResponse{HttpTokens: "optional", ManagedBy: ec2types.ManagedByDeclarativePolicy}
	if _, err := RemediateIMDSv2AccountDefault(ctx, ec2In(managed, "us-east-1"), ""); err == nil || !strings.Contains(err.Error(), "declarative policy") {
		t.Errorf("declarative policy: %v", err)
	}
}

func seedTemplates(acct *fakeaws.Account) map[string]string {
	r := acct.EC2.Region("us-east-1")
	return map[string]string{
		"required": r.AddLaunchTemplate("required", &ec2types.ResponseLaunchTemplateData{MetadataOptions: &ec2types.LaunchTemplateInstanceMetadataOptions{HttpTokens: "required"}}),
		"optional": r.AddLaunchTemplate("optional", &ec2types.ResponseLaunchTemplateData{ImageId: aws.String("ami-1"), InstanceType: ec2types.InstanceTypeT3Small, SecurityGroupIds: []string{"sg-1"},
			UserData: aws.String("IyEvYmluL3NoCg=="), MetadataOptions: &ec2types.LaunchTemplateInstanceMetadataOptions{HttpTokens: "optional", HttpPutResponseHopLimit: aws.Int32(3), InstanceMetadataTags: "enabled"}}),
		"unset":    r.AddLaunchTemplate("unset", &ec2types.ResponseLaunchTemplateData{ImageId: aws.String("ami-2")}),
		"disabled": r.AddLaunchTemplate("disabled", &ec2types.ResponseLaunchTemplateData{MetadataOptions: &ec2types.LaunchTemplateInstanceMetadataOptions{HttpEndpoint: "disabled"}}),
	}
}

func TestLaunchTemplatesIMDSv2(t *testing.T) {
	ctx := context.Background()
	acct := fakeaws.New(testAccount)
	ids := seedTemplates(acct)
	c := ec2In(acct, "us-east-1")
	fs, err := CheckLaunchTemplatesIMDSv2(ctx, c, "us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]secpillar.Status{"required": "PASS", "optional": "FAIL", "unset": "FAIL", "disabled": "PASS"}
	if diff := cmp.Diff(want, statuses(fs, "name")); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	// Two walks for the Region, not a call per template.
	if got := acct.CallCounts(); got["EC2.DescribeLaunchTemplateVersions"] != 2 || got["EC2.DescribeLaunchTemplates"] != 2 {
		t.Errorf("calls: %v", got)
	}
	check := func(a *fakeaws.Account) error {
		_, err := CheckLaunchTemplatesIMDSv2(ctx, ec2In(a, "us-east-1"), "us-east-1")
		return err
	}
	setup := func(a *fakeaws.Account) { seedTemplates(a) }
	wantError(t, "access denied", setup, func(a *fakeaws.Account) { a.DenyAccess("EC2", "DescribeLaunchTemplateVersions", "") }, check, "explicit deny")
	wantError(t, "nil data", setup, respondWith("EC2", "DescribeLaunchTemplateVersions", &ec2.DescribeLaunchTemplateVersionsOutput{LaunchTemplateVersions: []ec2types.LaunchTemplateVersion{{LaunchTemplateId: aws.String(ids["required"])}}}), check, "no LaunchTemplateData")
	wantError(t, "default version missing", setup, respondWith("EC2", "DescribeLaunchTemplateVersions", &ec2.DescribeLaunchTemplateVersionsOutput{}), check, "default version was not in the listing")

	control := controlByID(t, ControlLaunchTemplateIMDSv2)
	var optional secpillar.Finding
	for _, f := range fs {
		if f.Evidence["name"] == "optional" {
			optional = f
		}
	}
	rem, err := control.Remediate(ctx, acct.Config(), optional, secpillar.RemediateOptions{DryRun: true})
	if err != nil || rem.Outcome != secpillar.OutcomePlanned || acct.CallCount("EC2", "CreateLaunchTemplateVersion") != 0 || acct.CallCount("EC2", "ModifyLaunchTemplate") != 0 {
		t.Fatalf("dry run: %+v %v", rem, err)
	}
	rem, err = control.Remediate(ctx, acct.Config(), optional, secpillar.RemediateOptions{})
	if err != nil || rem.Outcome != secpillar.OutcomeChanged || !strings.Contains(rem.Undo, "version 1") {
		t.Fatalf("apply: %+v %v", rem, err)
	}
	rem, err = RemediateLaunchTemplateIMDSv2(ctx, c, ids["optional"])
	if err != nil || rem.Outcome != secpillar.OutcomeCompliant || acct.CallCount("EC2", "CreateLaunchTemplateVersion") != 1 {
		t.Fatalf("second run: %+v %v", rem, err)
	}
	v, err := c.DescribeLaunchTemplateVersions(ctx, &ec2.DescribeLaunchTemplateVersionsInput{LaunchTemplateId: aws.String(ids["optional"]), Versions: []string{"$Default"}})
	if err != nil {
		t.Fatal(err)
	}
	got := v.LaunchTemplateVersions[0]
	wantData := &ec2types.ResponseLaunchTemplateData{ImageId: aws.String("ami-1"), InstanceType: ec2types.InstanceTypeT3Small, SecurityGroupIds: []string{"sg-1"}, UserData: aws.String("IyEvYmluL3NoCg=="),
		MetadataOptions: &ec2types.LaunchTemplateInstanceMetadataOptions{HttpTokens: "required", HttpPutResponseHopLimit: aws.Int32(3), InstanceMetadataTags: "enabled"}}
	if aws.ToInt64(got.VersionNumber) != 2 {
		t.Errorf("default version %d, want 2", aws.ToInt64(got.VersionNumber))
	}
	if diff := cmp.Diff(wantData, got.LaunchTemplateData, cmpIgnoreSmithy); diff != "" {
		t.Errorf("new default version data (-want +got):\n%s", diff)
	}
	// The unset template gets metadata options with only HttpTokens.
	rem, err = RemediateLaunchTemplateIMDSv2(ctx, c, ids["unset"])
	if err != nil || rem.Outcome != secpillar.OutcomeChanged {
		t.Fatalf("unset: %+v %v", rem, err)
	}
	if _, err := RemediateLaunchTemplateIMDSv2(ctx, c, "template"); err == nil {
		t.Error("a bad template ID was accepted")
	}
}
