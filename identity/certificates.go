package identity

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/internal/pagetoken"
)

// ControlExpiredCertificatesRemoved is the ID of the server certificate
// control.
const ControlExpiredCertificatesRemoved = "identity.expired-certificates-removed"

// ServerCertificatesAPI is the part of the IAM API that
// CheckExpiredCertificates calls. *iam.Client satisfies it.
type ServerCertificatesAPI interface {
	ListServerCertificates(ctx context.Context, in *iam.ListServerCertificatesInput, optFns ...func(*iam.Options)) (*iam.ListServerCertificatesOutput, error)
}

var _ ServerCertificatesAPI = (*iam.Client)(nil)

// ServerCertificatesRemediationAPI adds the write of
// RemediateExpiredCertificate. *iam.Client satisfies it.
type ServerCertificatesRemediationAPI interface {
	ServerCertificatesAPI
	DeleteServerCertificate(ctx context.Context, in *iam.DeleteServerCertificateInput, optFns ...func(*iam.Options)) (*iam.DeleteServerCertificateOutput, error)
}

var _ ServerCertificatesRemediationAPI = (*iam.Client)(nil)

// CertificateOptions tune the server certificate control.
type CertificateOptions struct {
	// Now is the clock; nil is time.Now.
	Now func() time.Time
}

type serverCert struct {
	name, arn string
	expires   time.Time
}

func listServerCerts(ctx context.Context, api ServerCertificatesAPI) ([]serverCert, error) {
	var out []serverCert
	p := iam.NewListServerCertificatesPaginator(api, &iam.ListServerCertificatesInput{})
	tokens := pagetoken.Guard{What: "identity: list server certificates"}
	for p.HasMorePages() {
		pg, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("identity: list server certificates: %w", err)
		}
		if err := tokens.Check(pg.IsTruncated, pg.Marker); err != nil {
			return nil, err
		}
		for _, c := range pg.ServerCertificateMetadataList {
			name := aws.ToString(c.ServerCertificateName)
			if name == "" || c.Arn == nil {
				return nil, errors.New("identity: list server certificates: a certificate without a name or ARN")
			}
			if c.Expiration == nil {
				return nil, fmt.Errorf("identity: server certificate %s has no expiration date", name)
			}
			out = append(out, serverCert{name: name, arn: aws.ToString(c.Arn), expires: c.Expiration.UTC()})
		}
	}
	return out, nil
}

// CheckExpiredCertificates reports, per IAM server certificate, whether it
// has expired (CIS 1.19). An account without server certificates yields
// one NOT_APPLICABLE finding.
func CheckExpiredCertificates(ctx context.Context, api ServerCertificatesAPI, optFns ...func(*CertificateOptions)) ([]secpillar.Finding, error) {
	var o CertificateOptions
	for _, fn := range optFns {
		fn(&o)
	}
	certs, err := listServerCerts(ctx, api)
	if err != nil {
		return nil, err
	}
	const sev = secpillar.SeverityMedium
	if len(certs) == 0 {
		return []secpillar.Finding{{Control: ControlExpiredCertificatesRemoved, Status: secpillar.StatusNotApplicable, Severity: sev, Resource: secpillar.AccountResource(""), Reason: "The account has no IAM server certificates."}}, nil
	}
	now := nowFunc(o.Now)
	var out []secpillar.Finding
	for _, c := range certs {
		f := secpillar.Finding{Control: ControlExpiredCertificatesRemoved, Severity: sev,
			Resource: secpillar.Resource{Type: "AWS::IAM::ServerCertificate", ID: c.arn, Account: accountOfARN(c.arn)},
			Evidence: map[string]string{"expiration": rfc3339(c.expires)}}
		if c.expires.Before(now) {
			f.Status, f.Reason = secpillar.StatusFail, fmt.Sprintf("Server certificate %s expired on %s: delete it (after checking nothing still serves it).", c.name, rfc3339(c.expires))
		} else {
			f.Status, f.Reason = secpillar.StatusPass, fmt.Sprintf("Server certificate %s is valid until %s.", c.name, rfc3339(c.expires))
		}
		out = append(out, f)
	}
	return out, nil
}

// RemediateExpiredCertificate deletes the IAM server certificate name if,
// on a fresh read, it has expired; a certificate still valid is left
// alone (an error). Deleting an expired certificate removes nothing in
// use: AWS no longer accepts it.
func RemediateExpiredCertificate(ctx context.Context, api ServerCertificatesRemediationAPI, name string, o CertificateOptions, optFns ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
	opts := secpillar.NewRemediateOptions(optFns...)
	rem := secpillar.Remediation{Control: ControlExpiredCertificatesRemoved}
	if name == "" {
		return rem, errors.New("identity: remediate expired certificate: empty certificate name")
	}
	certs, err := listServerCerts(ctx, api)
	if err != nil {
		return rem, err
	}
	var cert *serverCert
	for i := range certs {
		if certs[i].name == name {
			cert = &certs[i]
		}
	}
	if cert == nil {
		rem.Resource = secpillar.Resource{Type: "AWS::IAM::ServerCertificate", ID: name}
		rem.Outcome = secpillar.OutcomeCompliant
		return rem, nil
	}
	rem.Resource = secpillar.Resource{Type: "AWS::IAM::ServerCertificate", ID: cert.arn, Account: accountOfARN(cert.arn)}
	if !cert.expires.Before(nowFunc(o.Now)) {
		return rem, fmt.Errorf("identity: server certificate %s is valid until %s: not deleting it", name, rfc3339(cert.expires))
	}
	rem.Changes = []secpillar.Change{{Resource: rem.Resource, Action: "iam:DeleteServerCertificate", Field: "ServerCertificate " + name, Before: "expired " + rfc3339(cert.expires), After: "deleted"}}
	rem.Undo = "A deleted certificate cannot be restored; upload a valid replacement with iam:UploadServerCertificate."
	if opts.DryRun {
		rem.Outcome = secpillar.OutcomePlanned
		return rem, nil
	}
	if _, err := api.DeleteServerCertificate(ctx, &iam.DeleteServerCertificateInput{ServerCertificateName: aws.String(name)}); err != nil {
		return rem, fmt.Errorf("identity: delete server certificate %s: %w", name, err)
	}
	certs, err = listServerCerts(secpillar.FreshReads(ctx), api)
	if err != nil {
		return rem, fmt.Errorf("identity: verify: %w", err)
	}
	rem.Outcome = secpillar.OutcomeChanged
	for _, c := range certs {
		if c.name == name {
			rem.Outcome = secpillar.OutcomeVerifyPending
		}
	}
	return rem, nil
}
