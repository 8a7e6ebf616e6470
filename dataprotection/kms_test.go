package dataprotection

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/google/go-cmp/cmp"
	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/internal/awserr"
	"github.com/secpillar/secpillar/internal/fakeaws"
	"github.com/secpillar/secpillar/internal/policy"
)

func kmsVerdicts(fs []secpillar.Finding) map[string]string {
	m := map[string]string{}
	for _, f := range fs {
		id := f.Resource.ID
		if i := strings.LastIndex(id, "/"); i >= 0 {
			id = id[i+1:]
		}
		m[id] = string(f.Status) + ": " + f.Reason
	}
	return m
}

func kmsAccount() (*fakeaws.Account, *kms.Client) {
	a := fakeaws.New(testAccount)
	a.KMS.AddKey("eu-west-1", "cmk-rotating", kmstypes.KeyManagerTypeCustomer, kmstypes.KeyStateEnabled).RotationEnabled = true
	a.KMS.AddKey("eu-west-1", "cmk-static", kmstypes.KeyManagerTypeCustomer, kmstypes.KeyStateEnabled)
	a.KMS.AddKey("eu-west-1", "aws-managed", kmstypes.KeyManagerTypeAws, kmstypes.KeyStateEnabled)
	asym := a.KMS.AddKey("eu-west-1", "cmk-rsa", kmstypes.KeyManagerTypeCustomer, kmstypes.KeyStateEnabled)
	asym.Metadata.KeySpec, asym.Metadata.KeyUsage = kmstypes.KeySpecRsa2048, kmstypes.KeyUsageTypeSignVerify
	a.KMS.AddKey("eu-west-1", "cmk-doomed", kmstypes.KeyManagerTypeCustomer, kmstypes.KeyStatePendingDeletion)
	a.KMS.AddKey("us-east-1", "elsewhere", kmstypes.KeyManagerTypeCustomer, kmstypes.KeyStateEnabled)
	return a, kms.NewFromConfig(a.Config(func(c *aws.Config) { c.Region = "eu-west-1" }))
}

func TestCheckKMSKeyRotation(t *testing.T) {
	a, api := kmsAccount()
	got, err := CheckKMSKeyRotation(context.Background(), api)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"cmk-rotating": "PASS: Automatic key rotation is on.",
		"cmk-static":   "FAIL: Automatic key rotation is off; enable it.",
		"aws-managed":  "NOT_APPLICABLE: " + awsManagedReason,
		"cmk-rsa":      "NOT_APPLICABLE: KMS cannot rotate this key automatically (not a symmetric key with KMS key material).",
		"cmk-doomed":   "NOT_APPLICABLE: The key is pending deletion.",
	}
	if diff := cmp.Diff(want, kmsVerdicts(got)); diff != "" {
		t.Errorf("verdicts (-want +got):\n%s", diff)
	}
	if n := a.CallCount("KMS", "GetKeyRotationStatus"); n != 2 {
		t.Errorf("GetKeyRotationStatus called %d times, want 2 (AWS managed and unrotatable keys skipped)", n)
	}
	if got[0].Resource != (secpillar.Resource{Type: KMSKeyResourceType, ID: "arn:aws:kms:eu-west-1:111122223333:key/cmk-rotating", Region: "eu-west-1", Account: testAccount}) {
		t.Errorf("resource = %+v", got[0].Resource)
	}

	t.Run("access denied", func(t *testing.T) {
		a, api := kmsAccount()
		a.DenyAccess("KMS", "GetKeyRotationStatus", "")
		if _, err := CheckKMSKeyRotation(context.Background(), api); !awserr.IsAccessDenied(err) {
			t.Errorf("err = %v, want access denied", err)
		}
	})
	t.Run("nil metadata", func(t *testing.T) {
		a, api := kmsAccount()
		a.Inject(fakeaws.Fault{Service: "KMS", Operation: "DescribeKey", Respond: func(context.Context, any) (any, error) { return &kms.DescribeKeyOutput{}, nil }})
		if _, err := CheckKMSKeyRotation(context.Background(), api); err == nil || !strings.Contains(err.Error(), "no KeyMetadata") {
			t.Errorf("err = %v, want missing KeyMetadata", err)
		}
	})
	t.Run("unknown key state", func(t *testing.T) {
		a, api := kmsAccount()
		a.KMS.Region("eu-west-1").Keys[0].Metadata.KeyState = "Hibernating"
		if _, err := CheckKMSKeyRotation(context.Background(), api); err == nil || !strings.Contains(err.Error(), `"Hibernating"`) {
			t.Errorf("err = %v, want unknown state named", err)
		}
	})
	t.Run("no keys", func(t *testing.T) {
		a := fakeaws.New(testAccount)
		got, err := CheckKMSKeyRotation(context.Background(), kms.NewFromConfig(a.Config()))
		if err != nil || len(got) != 0 {
			t.Errorf("got %v, %v; want no findings", got, err)
		}
	})
	t.Run("truncated page without marker", func(t *testing.T) {
		a, api := kmsAccount()
		a.Inject(fakeaws.Fault{Service: "KMS", Operation: "ListKeys", Respond: func(context.Context, any) (any, error) { return &kms.ListKeysOutput{Truncated: true}, nil }})
		if _, err := CheckKMSKeyRotation(context.Background(), api); err == nil {
			t.Error("want an error")
		}
	})
}

func TestRemediateKMSKeyRotation(t *testing.T) {
	a, api := kmsAccount()
	ctx := context.Background()
	dry, err := RemediateKMSKeyRotation(ctx, api, "cmk-static", secpillar.DryRun)
	if err != nil || dry.Outcome != secpillar.OutcomePlanned || len(dry.Changes) != 1 {
		t.Fatalf("dry run = %+v, %v", dry, err)
	}
	if a.CallCount("KMS", "EnableKeyRotation") != 0 {
		t.Fatal("dry run wrote")
	}
	got, err := RemediateKMSKeyRotation(ctx, api, "cmk-static")
	if err != nil || got.Outcome != secpillar.OutcomeChanged {
		t.Fatalf("remediation = %+v, %v", got, err)
	}
	a.ResetCalls()
	again, err := RemediateKMSKeyRotation(ctx, api, "arn:aws:kms:eu-west-1:111122223333:key/cmk-static")
	if err != nil || again.Outcome != secpillar.OutcomeCompliant || a.CallCount("KMS", "EnableKeyRotation") != 0 {
		t.Errorf("second run = %+v, %v", again, err)
	}
	if _, err := RemediateKMSKeyRotation(ctx, api, "aws-managed"); err == nil {
		t.Error("rotating an AWS managed key: want an error")
	}
	if _, err := RemediateKMSKeyRotation(ctx, api, ""); err == nil {
		t.Error("empty key: want an error")
	}
}

func TestKMSKeyPendingDeletion(t *testing.T) {
	a, api := kmsAccount()
	ctx := context.Background()
	got, err := CheckKMSKeyNotPendingDeletion(ctx, api)
	if err != nil {
		t.Fatal(err)
	}
	v := kmsVerdicts(got)
	if !strings.HasPrefix(v["cmk-doomed"], "FAIL: The key is scheduled for deletion on ") || v["cmk-static"] != "PASS: The key is not scheduled for deletion." ||
		!strings.HasPrefix(v["aws-managed"], "NOT_APPLICABLE") {
		t.Errorf("verdicts: %v", v)
	}
	dry, err := RemediateKMSKeyNotPendingDeletion(ctx, api, "cmk-doomed", secpillar.DryRun)
	if err != nil || dry.Outcome != secpillar.OutcomePlanned || a.CallCount("KMS", "CancelKeyDeletion") != 0 {
		t.Fatalf("dry run = %+v, %v", dry, err)
	}
	rem, err := RemediateKMSKeyNotPendingDeletion(ctx, api, "cmk-doomed")
	if err != nil || rem.Outcome != secpillar.OutcomeChanged {
		t.Fatalf("remediation = %+v, %v", rem, err)
	}
	want := []secpillar.Change{{Resource: rem.Resource, Action: "kms:CancelKeyDeletion", Field: "KeyState", Before: "PendingDeletion", After: "Disabled"}}
	if diff := cmp.Diff(want, rem.Changes); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
	a.ResetCalls()
	if again, err := RemediateKMSKeyNotPendingDeletion(ctx, api, "cmk-doomed"); err != nil || again.Outcome != secpillar.OutcomeCompliant || a.CallCount("KMS", "CancelKeyDeletion") != 0 {
		t.Errorf("second run = %+v, %v", again, err)
	}
	a.DenyAccess("KMS", "ListKeys", "")
	if _, err := CheckKMSKeyNotPendingDeletion(ctx, api); !awserr.IsAccessDenied(err) {
		t.Errorf("err = %v, want access denied", err)
	}
}

const publicKeyStatement = `{"Sid":"Everyone","Effect":"Allow","Principal":{"AWS":"*"},"Action":["kms:Decrypt","kms:DescribeKey"],"Resource":"*"}`

func TestKMSKeyPolicyNotPublic(t *testing.T) {
	a, api := kmsAccount()
	ctx := context.Background()
	keys := a.KMS.Region("eu-west-1").Keys
	base := fakeaws.DefaultKeyPolicy(testAccount)
	withStatement := func(stmt string) string {
		return strings.Replace(base, `"Resource":"*"}]}`, `"Resource":"*"},`+stmt+`]}`, 1)
	}
	keys[0].Policy = withStatement(publicKeyStatement)
	keys[1].Policy = withStatement(`{"Sid":"Org","Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"*","Condition":{"StringEquals":{"kms:CallerAccount":"444455556666"}}}`)
	keys[3].Policy = withStatement(`{"Sid":"Via","Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"*","Condition":{"StringEquals":{"kms:ViaService":"s3.eu-west-1.amazonaws.com"}}}`)
	got, err := CheckKMSKeyPolicyNotPublic(ctx, api)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"cmk-rotating": "FAIL: The key policy lets anyone use the key through statement Everyone; remove those statements or restrict them to your accounts.",
		"cmk-static":   "PASS: The key policy is not public.",
		"aws-managed":  "NOT_APPLICABLE: " + awsManagedReason,
		"cmk-rsa":      "FAIL: The key policy lets anyone use the key through statement Via; remove those statements or restrict them to your accounts.",
		"cmk-doomed":   "PASS: The key policy is not public.",
	}
	if diff := cmp.Diff(want, kmsVerdicts(got)); diff != "" {
		t.Errorf("verdicts (-want +got):\n%s", diff)
	}

	dry, err := RemediateKMSKeyPolicyNotPublic(ctx, api, "cmk-rotating", secpillar.DryRun)
	if err != nil || dry.Outcome != secpillar.OutcomePlanned || a.CallCount("KMS", "PutKeyPolicy") != 0 {
		t.Fatalf("dry run = %+v, %v", dry, err)
	}
	rem, err := RemediateKMSKeyPolicyNotPublic(ctx, api, "cmk-rotating")
	if err != nil || rem.Outcome != secpillar.OutcomeChanged {
		t.Fatalf("remediation = %+v, %v", rem, err)
	}
	after, err := policy.Parse(keys[0].Policy)
	if err != nil {
		t.Fatal(err)
	}
	before, _ := policy.Parse(base)
	if len(after.Statements) != 1 || string(after.Statements[0].Raw) != string(before.Statements[0].Raw) || after.ID != "key-default-1" {
		t.Errorf("policy after removal: %s", keys[0].Policy)
	}
	a.ResetCalls()
	if again, err := RemediateKMSKeyPolicyNotPublic(ctx, api, "cmk-rotating"); err != nil || again.Outcome != secpillar.OutcomeCompliant || a.CallCount("KMS", "PutKeyPolicy") != 0 {
		t.Errorf("second run = %+v, %v", again, err)
	}

	keys[1].Policy = `{"Statement":[` + publicKeyStatement + `]}`
	if _, err := RemediateKMSKeyPolicyNotPublic(ctx, api, "cmk-static"); err == nil || !strings.Contains(err.Error(), "lock the key") {
		t.Errorf("err = %v, want a refusal to empty the policy", err)
	}
	keys[1].Policy = `not json`
	if _, err := CheckKMSKeyPolicyNotPublic(ctx, api); err == nil {
		t.Error("malformed key policy: want an error")
	}
	a.DenyAccess("KMS", "GetKeyPolicy", "")
	if _, err := CheckKMSKeyPolicyNotPublic(ctx, api); !awserr.IsAccessDenied(err) {
		t.Errorf("err = %v, want access denied", err)
	}
}

func TestCheckKMSNoDecryptAllKeys(t *testing.T) {
	a := fakeaws.New(testAccount)
	now := time.Now()
	a.IAM.AddPolicy("decrypt-everything", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Decrypt","Resource":"*"}]}`, now)
	a.IAM.AddPolicy("decrypt-one", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["kms:Decrypt","kms:ReEncryptFrom"],"Resource":"arn:aws:kms:eu-west-1:111122223333:key/1234"}]}`, now)
	a.IAM.AddPolicy("decrypt-via-s3", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Decrypt","Resource":"*","Condition":{"StringEquals":{"kms:ViaService":"s3.eu-west-1.amazonaws.com"}}}]}`, now)
	a.IAM.AddPolicy("allow-deny", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:*","Resource":"*"},{"Effect":"Deny","Action":["kms:Decrypt","kms:ReEncrypt*"],"Resource":"*"}]}`, now)
	r := a.IAM.AddRole("app", `{"Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`, now)
	r.InlinePolicies = append(r.InlinePolicies, fakeaws.NamedDocument{Name: "wide", Document: `{"Statement":{"Effect":"Allow","Action":"kms:*","Resource":"arn:aws:kms:*:*:key/*"}}`})
	a.IAM.AddRole("plain", `{"Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`, now)
	api := iam.NewFromConfig(a.Config())
	got, err := CheckKMSNoDecryptAllKeys(context.Background(), api)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"decrypt-everything": "FAIL: Allows decryption with every KMS key: decrypt-everything (kms:Decrypt); scope the Resource to the keys needed.",
		"decrypt-one":        "PASS: No policy allows kms:Decrypt or kms:ReEncryptFrom on all keys.",
		"decrypt-via-s3":     "PASS: No policy allows kms:Decrypt or kms:ReEncryptFrom on all keys.",
		"allow-deny":         "PASS: No policy allows kms:Decrypt or kms:ReEncryptFrom on all keys.",
		"app":                "FAIL: Allows decryption with every KMS key: wide (kms:Decrypt, kms:ReEncryptFrom); scope the Resource to the keys needed.",
	}
	if diff := cmp.Diff(want, kmsVerdicts(got)); diff != "" {
		t.Errorf("verdicts (-want +got):\n%s", diff)
	}
	a.DenyAccess("IAM", "GetAccountAuthorizationDetails", "")
	if _, err := CheckKMSNoDecryptAllKeys(context.Background(), api); !awserr.IsAccessDenied(err) {
		t.Errorf("err = %v, want access denied", err)
	}
	a.ClearFaults()
	a.Inject(fakeaws.Fault{Service: "IAM", Operation: "GetAccountAuthorizationDetails", Respond: func(context.Context, any) (any, error) {
		return &iam.GetAccountAuthorizationDetailsOutput{IsTruncated: true}, nil
	}})
	if _, err := CheckKMSNoDecryptAllKeys(context.Background(), api); err == nil {
		t.Error("truncated page without a marker: want an error")
	}
}
