package identity

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/google/go-cmp/cmp"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/internal/fakeaws"
)

func addCert(a *fakeaws.Account, name string, expires time.Time) {
	a.IAM.ServerCerts = append(a.IAM.ServerCerts, iamtypes.ServerCertificateMetadata{ServerCertificateName: aws.String(name),
		Arn: aws.String("arn:aws:iam::111122223333:server-certificate/" + name), Expiration: aws.Time(expires), Path: aws.String("/")})
}

func TestCheckExpiredCertificates(t *testing.T) {
	clock := func(o *CertificateOptions) { o.Now = func() time.Time { return now } }
	acct := newAccount()
	for i, d := range []int{400, 10, -30, -365} {
		addCert(acct, "c"+string(rune('0'+i)), days(d))
	}
	fs, err := CheckExpiredCertificates(context.Background(), iam.NewFromConfig(acct.Config()), clock)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"c0=FAIL", "c1=FAIL", "c2=PASS", "c3=PASS"}, statuses(fs)); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}
	fs, err = CheckExpiredCertificates(context.Background(), iam.NewFromConfig(newAccount().Config()), clock)
	if err != nil || !cmp.Equal([]string{"account=NOT_APPLICABLE"}, statuses(fs)) {
		t.Errorf("no certificates: %v, %v", statuses(fs), err)
	}
	denied := newAccount()
	denied.DenyAccess("IAM", "ListServerCertificates", "")
	if _, err := CheckExpiredCertificates(context.Background(), iam.NewFromConfig(denied.Config())); err == nil {
		t.Error("access denied: want error")
	}
	nilExp := newAccount()
	respond(nilExp, "IAM", "ListServerCertificates", &iam.ListServerCertificatesOutput{ServerCertificateMetadataList: []iamtypes.ServerCertificateMetadata{{ServerCertificateName: aws.String("x"), Arn: aws.String("arn:aws:iam::1:server-certificate/x")}}}, nil)
	if _, err := CheckExpiredCertificates(context.Background(), iam.NewFromConfig(nilExp.Config())); err == nil {
		t.Error("nil expiration: want error")
	}
}

func TestRemediateExpiredCertificate(t *testing.T) {
	ctx := context.Background()
	o := CertificateOptions{Now: func() time.Time { return now }}
	acct := newAccount()
	addCert(acct, "old", days(10))
	addCert(acct, "valid", days(-100))
	api := iam.NewFromConfig(acct.Config())
	plan, err := RemediateExpiredCertificate(ctx, api, "old", o, secpillar.DryRun)
	if err != nil || plan.Outcome != secpillar.OutcomePlanned || len(acct.IAM.ServerCerts) != 2 {
		t.Fatalf("plan = %+v, %v", plan, err)
	}
	rem, err := RemediateExpiredCertificate(ctx, api, "old", o)
	if err != nil || rem.Outcome != secpillar.OutcomeChanged || len(acct.IAM.ServerCerts) != 1 || aws.ToString(acct.IAM.ServerCerts[0].ServerCertificateName) != "valid" {
		t.Fatalf("remediation = %+v, %v, certs %+v", rem, err, acct.IAM.ServerCerts)
	}
	again, err := RemediateExpiredCertificate(ctx, api, "old", o)
	if err != nil || again.Outcome != secpillar.OutcomeCompliant || acct.CallCount("IAM", "DeleteServerCertificate") != 1 {
		t.Fatalf("second run = %+v, %v", again, err)
	}
	if _, err := RemediateExpiredCertificate(ctx, api, "valid", o); err == nil || len(acct.IAM.ServerCerts) != 1 {
		t.Fatal("a valid certificate must not be deleted")
	}
	if _, err := RemediateExpiredCertificate(ctx, api, "", o); err == nil {
		t.Fatal("empty name: want error")
	}
}
