package fakeaws

import (
	"bytes"
	"context"
	"encoding/csv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// credentialReport is the state of the account's credential report.
type credentialReport struct {
	pending   int // calls left before the report completes
	generated time.Time
	content   []byte
}

// CredentialReportColumns are the columns of the IAM credential report, in
// IAM's order.
var CredentialReportColumns = []string{
	"user", "arn", "user_creation_time", "password_enabled", "password_last_used",
	"password_last_changed", "password_next_rotation", "mfa_active",
	"access_key_1_active", "access_key_1_last_rotated", "access_key_1_last_used_date",
	"access_key_1_last_used_region", "access_key_1_last_used_service",
	"access_key_2_active", "access_key_2_last_rotated", "access_key_2_last_used_date",
	"access_key_2_last_used_region", "access_key_2_last_used_service",
	"cert_1_active", "cert_1_last_rotated", "cert_2_active", "cert_2_last_rotated",
}

// reportValidity is how long IAM serves a report before a new
// GenerateCredentialReport builds another one.
const reportValidity = 4 * time.Hour

// advanceReportLocked moves a report being generated one call forward and
// builds its content when it completes. It reports whether the report is
// complete.
func (f *IAM) advanceReportLocked() bool {
	r := f.report
	if r == nil {
		return false
	}
	if r.content != nil {
		return true
	}
	if r.pending > 0 {
		r.pending--
	}
	if r.pending > 0 {
		return false
	}
	r.generated = f.acct.now().Truncate(time.Second)
	r.content = f.buildReportLocked(r.generated)
	return true
}

// GenerateCredentialReport starts a credential report (STARTED), reports
// progress (INPROGRESS) on later calls and COMPLETE once it is ready. A
// complete report younger than four hours is not regenerated.
func (f *IAM) GenerateCredentialReport(ctx context.Context, in *iam.GenerateCredentialReportInput, optFns ...func(*iam.Options)) (*iam.GenerateCredentialReportOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	r := f.report
	if r != nil && r.content != nil && f.acct.now().Sub(r.generated) < reportValidity {
		return &iam.GenerateCredentialReportOutput{State: iamtypes.ReportStateTypeComplete, Description: aws.String("The credential report is complete.")}, nil
	}
	if r == nil || r.content != nil {
		n := f.ReportReadyAfter
		if n == 0 {
			n = 2
		}
		f.report = &credentialReport{pending: n}
		if n < 0 {
			f.advanceReportLocked()
			return &iam.GenerateCredentialReportOutput{State: iamtypes.ReportStateTypeComplete, Description: aws.String("The credential report is complete.")}, nil
		}
		return &iam.GenerateCredentialReportOutput{State: iamtypes.ReportStateTypeStarted, Description: aws.String("No report exists. Starting a new report generation task")}, nil
	}
	if f.advanceReportLocked() {
		return &iam.GenerateCredentialReportOutput{State: iamtypes.ReportStateTypeComplete, Description: aws.String("The credential report is complete.")}, nil
	}
	return &iam.GenerateCredentialReportOutput{State: iamtypes.ReportStateTypeInprogress, Description: aws.String("The credential report is being generated.")}, nil
}

// GetCredentialReport returns the report as CSV, or
// CredentialReportNotPresentException before one was generated,
// CredentialReportNotReadyException while it is being generated and
// CredentialReportExpiredException once it is four hours old.
func (f *IAM) GetCredentialReport(ctx context.Context, in *iam.GetCredentialReportInput, optFns ...func(*iam.Options)) (*iam.GetCredentialReportOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	if f.report == nil {
		return nil, &iamtypes.CredentialReportNotPresentException{Message: aws.String("Credential report not present. Please call GenerateCredentialReport.")}
	}
	if !f.advanceReportLocked() {
		return nil, &iamtypes.CredentialReportNotReadyException{Message: aws.String("Credential report is being generated.")}
	}
	if f.acct.now().Sub(f.report.generated) >= reportValidity {
		return nil, &iamtypes.CredentialReportExpiredException{Message: aws.String("Credential report is expired. Please call GenerateCredentialReport.")}
	}
	gen := f.report.generated
	return &iam.GetCredentialReportOutput{
		Content:       append([]byte(nil), f.report.content...),
		GeneratedTime: &gen,
		ReportFormat:  iamtypes.ReportFormatTypeTextCsv,
	}, nil
}

// ExpireCredentialReport forgets the current report, as if it were older
// than four hours and had been removed.
func (f *IAM) ExpireCredentialReport() {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	f.report = nil
}

func reportTime(t *time.Time) string {
	if t == nil || t.IsZero() {
		return "N/A"
	}
	return t.UTC().Format("2006-01-02T15:04:05+00:00")
}

func reportBool(v bool) string {
	if v {
		return "true"
	}
	return "false"
}

// buildReportLocked renders the credential report from the state.
func (f *IAM) buildReportLocked(now time.Time) []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write(CredentialReportColumns)

	root := f.Root
	created := root.Created
	if created.IsZero() {
		created = now.AddDate(-1, 0, 0)
	}
	row := []string{"<root_account>", "arn:aws:iam::" + f.acct.ID + ":root", reportTime(&created), "not_supported"}
	switch {
	case root.PasswordLastUsed != nil:
		row = append(row, reportTime(root.PasswordLastUsed))
	case root.PasswordEnabled:
		row = append(row, "no_information")
	default:
		row = append(row, "N/A")
	}
	row = append(row, "not_supported", "not_supported", reportBool(root.MFAActive))
	for i := 0; i < 2; i++ {
		if i >= len(root.AccessKeys) {
			row = append(row, "false", "N/A", "N/A", "N/A", "N/A")
			continue
		}
		k := root.AccessKeys[i]
		rot := k.Rotated
		row = append(row, reportBool(k.Active), reportTime(&rot))
		if k.LastUsed != nil {
			row = append(row, reportTime(k.LastUsed), "us-east-1", "sts")
		} else {
			row = append(row, "N/A", "N/A", "N/A")
		}
	}
	certs := root.SigningCerts
	for i := 0; i < 2; i++ {
		if i < certs {
			c := created
			row = append(row, "true", reportTime(&c))
		} else {
			row = append(row, "false", "N/A")
		}
	}
	_ = w.Write(row)

	maxAge := int32(0)
	if f.PasswordPolicy != nil && f.PasswordPolicy.MaxPasswordAge != nil {
		maxAge = *f.PasswordPolicy.MaxPasswordAge
	}
	for _, u := range f.Users {
		row := []string{aws.ToString(u.User.UserName), aws.ToString(u.User.Arn), reportTime(u.User.CreateDate)}
		if u.LoginProfile != nil {
			row = append(row, "true")
			if u.User.PasswordLastUsed != nil {
				row = append(row, reportTime(u.User.PasswordLastUsed))
			} else {
				row = append(row, "no_information")
			}
			changed := u.LoginProfile.CreateDate
			if changed == nil {
				changed = u.User.CreateDate
			}
			row = append(row, reportTime(changed))
			if maxAge > 0 && changed != nil {
				next := changed.AddDate(0, 0, int(maxAge))
				row = append(row, reportTime(&next))
			} else {
				row = append(row, "N/A")
			}
		} else {
			row = append(row, "false", "N/A", "N/A", "N/A")
		}
		row = append(row, reportBool(len(u.MFADevices) > 0))
		for i := 0; i < 2; i++ {
			if i >= len(u.AccessKeys) {
				row = append(row, "false", "N/A", "N/A", "N/A", "N/A")
				continue
			}
			k := u.AccessKeys[i]
			row = append(row, reportBool(k.Status == iamtypes.StatusTypeActive), reportTime(k.CreateDate))
			lu, ok := u.KeyLastUsed[aws.ToString(k.AccessKeyId)]
			if ok && lu.LastUsedDate != nil {
				row = append(row, reportTime(lu.LastUsedDate), orNA(aws.ToString(lu.Region)), orNA(aws.ToString(lu.ServiceName)))
			} else {
				row = append(row, "N/A", "N/A", "N/A")
			}
		}
		row = append(row, "false", "N/A", "false", "N/A")
		_ = w.Write(row)
	}
	w.Flush()
	return buf.Bytes()
}

func orNA(s string) string {
	if s == "" {
		return "N/A"
	}
	return s
}
