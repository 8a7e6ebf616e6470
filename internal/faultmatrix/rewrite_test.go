package faultmatrix

import (
	"encoding/json"
	"net/url"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/google/go-cmp/cmp"

	"github.com/secpillar/secpillar/internal/fakeaws"
)

func sgOutput() *ec2.DescribeSecurityGroupRulesOutput {
	return &ec2.DescribeSecurityGroupRulesOutput{
		NextToken: aws.String("3"),
		SecurityGroupRules: []ec2types.SecurityGroupRule{
			{SecurityGroupRuleId: aws.String("sgr-1"), CidrIpv4: aws.String("0.0.0.0/0"), FromPort: aws.Int32(22), IpProtocol: aws.String("tcp")},
			{SecurityGroupRuleId: aws.String("sgr-2"), CidrIpv4: aws.String("10.0.0.0/8"), FromPort: aws.Int32(22), IpProtocol: aws.String("tcp")},
		},
	}
}

func TestFieldSitesAndNilFields(t *testing.T) {
	call := fakeaws.Call{Service: "EC2", Operation: "DescribeSecurityGroupRules"}
	var paths []string
	for _, s := range fakeaws.FieldSites(call, sgOutput()) {
		paths = append(paths, s.Path+"/"+s.Kind.String())
	}
	want := []string{
		"SecurityGroupRules/slice",
		"SecurityGroupRules[].CidrIpv4/ptr",
		"SecurityGroupRules[].FromPort/ptr",
		"SecurityGroupRules[].IpProtocol/ptr",
		"SecurityGroupRules[].SecurityGroupRuleId/ptr",
	}
	if diff := cmp.Diff(want, paths); diff != "" {
		t.Errorf("sites (-want +got):\n%s", diff)
	}
	in := sgOutput()
	site := fakeaws.FieldSite{Service: "EC2", Operation: "DescribeSecurityGroupRules", Path: "SecurityGroupRules[].CidrIpv4", Kind: reflect.Pointer}
	got := fakeaws.NilFields(func(s fakeaws.FieldSite, n int) bool { return s == site && n == 1 })(call, in).(*ec2.DescribeSecurityGroupRulesOutput)
	if got.SecurityGroupRules[0].CidrIpv4 == nil || got.SecurityGroupRules[1].CidrIpv4 != nil {
		t.Errorf("want only the second rule's CidrIpv4 cleared, got %+v", got.SecurityGroupRules)
	}
	if aws.ToString(got.NextToken) != "3" {
		t.Error("the pagination token was touched")
	}
	if in.SecurityGroupRules[1].CidrIpv4 == nil {
		t.Error("the original output was modified")
	}
}

func TestSetEnums(t *testing.T) {
	in := &iam.GenerateCredentialReportOutput{State: iamtypes.ReportStateTypeComplete}
	call := fakeaws.Call{Service: "IAM", Operation: "GenerateCredentialReport"}
	sites := fakeaws.FieldSites(call, in)
	if len(sites) != 1 || sites[0].Path != "State" || sites[0].Kind != reflect.String {
		t.Fatalf("enum sites = %+v", sites)
	}
	got := fakeaws.SetEnums(fakeaws.FutureEnumValue, fakeaws.SitesAt(sites...))(call, in).(*iam.GenerateCredentialReportOutput)
	if got.State != fakeaws.FutureEnumValue || in.State != iamtypes.ReportStateTypeComplete {
		t.Errorf("State = %q (original %q)", got.State, in.State)
	}
}

func TestPolicyDocumentRewrites(t *testing.T) {
	doc := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`
	in := &iam.GetPolicyVersionOutput{PolicyVersion: &iamtypes.PolicyVersion{Document: aws.String(rfc3986(doc))}}
	var n atomic.Int32
	out := docRewrite(pad("111122223333", 6144), &n)(fakeaws.Call{Service: "IAM", Operation: "GetPolicyVersion"}, in).(*iam.GetPolicyVersionOutput)
	enc := aws.ToString(out.PolicyVersion.Document)
	if !strings.HasPrefix(enc, "%7B") {
		t.Fatalf("the padded document is not URL-encoded: %.40s", enc)
	}
	plain, err := url.PathUnescape(enc)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Statement []map[string]any
	}
	if err := json.Unmarshal([]byte(plain), &got); err != nil {
		t.Fatal(err)
	}
	if len(plain) < 6144 || got.Statement[0]["Action"] != "*" {
		t.Errorf("padded document: %d bytes, first statement %v", len(plain), got.Statement[0])
	}
	nested := docRewrite(nest(20000), &n)(fakeaws.Call{}, in).(*iam.GetPolicyVersionOutput)
	plain, _ = url.PathUnescape(aws.ToString(nested.PolicyVersion.Document))
	var v any
	if err := json.Unmarshal([]byte(plain), &v); err == nil {
		t.Error("the nested document parses: it is not deeper than encoding/json allows")
	}
	if n.Load() != 2 {
		t.Errorf("%d documents rewritten, want 2", n.Load())
	}
}
