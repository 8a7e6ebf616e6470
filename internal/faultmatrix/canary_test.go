package faultmatrix

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/internal/fakeaws"
	"github.com/secpillar/secpillar/report"
)

func TestCanaryPlantsSecretsOnly(t *testing.T) {
	c := &fakeaws.Canary{}
	in := &sts.AssumeRoleOutput{Credentials: &ststypes.Credentials{AccessKeyId: aws.String("ASIAFAKE"), SecretAccessKey: aws.String("s"), SessionToken: aws.String("t")}}
	out := c.Rewrite(fakeaws.Call{Service: "STS", Operation: "AssumeRole"}, in).(*sts.AssumeRoleOutput)
	if got := aws.ToString(out.Credentials.SecretAccessKey); !strings.HasPrefix(got, fakeaws.CanaryPrefix) {
		t.Errorf("SecretAccessKey = %q, want a canary", got)
	}
	if got := aws.ToString(out.Credentials.SessionToken); !strings.HasPrefix(got, fakeaws.CanaryPrefix) {
		t.Errorf("SessionToken = %q, want a canary", got)
	}
	if got := aws.ToString(out.Credentials.AccessKeyId); got != "ASIAFAKE" {
		t.Errorf("AccessKeyId = %q, an identifier is not a secret", got)
	}
	if aws.ToString(in.Credentials.SecretAccessKey) != "s" {
		t.Error("the fake's own output was modified")
	}
	lu := c.Rewrite(fakeaws.Call{Service: "IAM", Operation: "ListUsers"}, &iam.ListUsersOutput{Marker: aws.String("3"), IsTruncated: true,
		Users: []iamtypes.User{{UserName: aws.String("alice")}}}).(*iam.ListUsersOutput)
	if aws.ToString(lu.Marker) != "3" || aws.ToString(lu.Users[0].UserName) != "alice" {
		t.Errorf("pagination token or a plain field was planted: %+v", lu)
	}
	if c.Count() != 2 {
		t.Errorf("planted %d canaries, want 2: %v", c.Count(), c.Planted())
	}
}

// TestSecretCanary runs the whole catalogue against the demo account with
// canaries planted in every output field that could carry a secret, writes
// every report format and dry-runs every remediation of a failing finding,
// and asserts that no canary appears anywhere.
func TestSecretCanary(t *testing.T) {
	e := newEnv(demo)
	// Resources that carry secrets in the outputs the checks read: a
	// launch template with user data, a stack with a password parameter, an
	// alarm topic with a webhook subscriber. The canary replaces the values.
	for _, r := range e.acct.EnabledRegions() {
		e.acct.EC2.Region(r).AddLaunchTemplate("canary-template", &ec2types.ResponseLaunchTemplateData{
			UserData:        aws.String("IyEvYmluL3NoCmV4cG9ydCBEQl9QQVNTV09SRD1odW50ZXIy"),
			MetadataOptions: &ec2types.LaunchTemplateInstanceMetadataOptions{HttpTokens: ec2types.LaunchTemplateHttpTokensStateOptional},
		})
		e.acct.CloudFormation.AddStack(r, cfntypes.Stack{StackName: aws.String("canary-stack"), StackStatus: cfntypes.StackStatusCreateComplete,
			Parameters: []cfntypes.Parameter{{ParameterKey: aws.String("DBPassword"), ParameterValue: aws.String("hunter2")}}})
		e.acct.SNS.AddTopic(r, "canary-alerts", "https://alerts:hunter2@hooks.example.com/notify")
	}
	can := &fakeaws.Canary{}
	e.acct.Rewrite = can.Rewrite
	var progress bytes.Buffer
	rep, err := e.run(context.Background(), e.acct.Config(), func(o *secpillar.RunOptions) {
		o.Progress = func(p secpillar.Progress) { _ = json.NewEncoder(&progress).Encode(p) }
	})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	e.noPanics(t)
	var all bytes.Buffer
	_ = json.NewEncoder(&all).Encode(rep) // findings, reasons, evidence, errors
	all.Write(progress.Bytes())
	for _, f := range report.Formats {
		var buf bytes.Buffer
		if err := report.Write(&buf, f, rep.Findings, report.Options{}); err != nil {
			t.Errorf("report.Write %s: %v", f, err)
		}
		if bytes.Contains(buf.Bytes(), []byte(fakeaws.CanaryPrefix)) {
			t.Errorf("a canary secret leaked into the %s report:\n%s", f, excerpt(buf.String()))
		}
	}
	remediations := 0
	for _, f := range rep.Findings {
		c := controlByID(e.controls, f.Control)
		if f.Status != secpillar.StatusFail || c.Remediate == nil {
			continue
		}
		cfg := e.acct.Config()
		cfg.Region = regionOf(f)
		res, err := c.Remediate(context.Background(), cfg, f, secpillar.NewRemediateOptions(secpillar.DryRun))
		remediations++
		_ = json.NewEncoder(&all).Encode(res)
		if err != nil {
			all.WriteString(err.Error())
		}
	}
	if s := all.String(); strings.Contains(s, fakeaws.CanaryPrefix) {
		t.Errorf("a canary secret leaked into findings, errors, progress or remediation plans:\n%s", excerpt(s))
	}
	if can.Count() == 0 {
		t.Error("no canary was planted: no output the catalogue reads carries a secret field, so this test proves nothing")
	}
	t.Logf("%d canaries planted, %d dry-run remediations; sites: %v", can.Count(), remediations, can.Planted())
}

func excerpt(s string) string {
	i := strings.Index(s, fakeaws.CanaryPrefix)
	lo, hi := max(0, i-300), min(len(s), i+200)
	return s[lo:hi]
}
