package identity

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/internal/authdetails"
	"github.com/secpillar/secpillar/internal/credreport"
	"github.com/secpillar/secpillar/internal/policy"
)

// CredentialReportAPI is the part of the IAM API that the checks built on
// the credential report call. *iam.Client satisfies it.
type CredentialReportAPI interface {
	GenerateCredentialReport(ctx context.Context, in *iam.GenerateCredentialReportInput, optFns ...func(*iam.Options)) (*iam.GenerateCredentialReportOutput, error)
	GetCredentialReport(ctx context.Context, in *iam.GetCredentialReportInput, optFns ...func(*iam.Options)) (*iam.GetCredentialReportOutput, error)
}

var _ CredentialReportAPI = (*iam.Client)(nil)

// AuthorizationDetailsAPI is the part of the IAM API that the checks built
// on the account's authorization details call. *iam.Client satisfies it.
type AuthorizationDetailsAPI interface {
	GetAccountAuthorizationDetails(ctx context.Context, in *iam.GetAccountAuthorizationDetailsInput, optFns ...func(*iam.Options)) (*iam.GetAccountAuthorizationDetailsOutput, error)
}

var _ AuthorizationDetailsAPI = (*iam.Client)(nil)

// ReportOptions tune how the checks built on the credential report wait
// for it. The zero value waits at most a minute (or until the context's
// deadline).
type ReportOptions struct {
	// MaxWait caps the wait for the report to be generated.
	MaxWait time.Duration
}

// fetchReport generates (when needed) and reads the credential report.
// Within a secpillar.Run, every control that calls it shares one report.
func fetchReport(ctx context.Context, api CredentialReportAPI, o ReportOptions) (*credreport.Report, error) {
	rep, err := credreport.Fetch(ctx, api, func(co *credreport.Options) { co.MaxWait = o.MaxWait })
	if err != nil {
		return nil, fmt.Errorf("identity: read credential report: %w", err)
	}
	return rep, nil
}

func reportEvidence(rep *credreport.Report) map[string]string {
	return map[string]string{"report_generated_time": rep.GeneratedTime.UTC().Format(time.RFC3339)}
}

// authDetails is one walk of GetAccountAuthorizationDetails, with the
// managed policies indexed by ARN.
type authDetails struct {
	*authdetails.Details
	byARN map[string]*iamtypes.ManagedPolicyDetail
}

// readAuthDetails walks GetAccountAuthorizationDetails once, every page.
// Within a secpillar.Run every control that calls it shares the pages.
func readAuthDetails(ctx context.Context, api AuthorizationDetailsAPI) (*authDetails, error) {
	det, err := authdetails.Read(ctx, api)
	if err != nil {
		return nil, fmt.Errorf("identity: %w", err)
	}
	d := &authDetails{Details: det, byARN: make(map[string]*iamtypes.ManagedPolicyDetail, len(det.Policies))}
	for i := range d.Policies {
		d.byARN[aws.ToString(d.Policies[i].Arn)] = &d.Policies[i]
	}
	return d, nil
}

// defaultDocument returns the parsed default version of a managed policy.
func defaultDocument(p *iamtypes.ManagedPolicyDetail) (*policy.Document, error) {
	want := aws.ToString(p.DefaultVersionId)
	for _, v := range p.PolicyVersionList {
		if v.IsDefaultVersion || (want != "" && aws.ToString(v.VersionId) == want) {
			if v.Document == nil {
				return nil, fmt.Errorf("identity: policy %s: default version %s has no document", aws.ToString(p.Arn), aws.ToString(v.VersionId))
			}
			d, err := policy.ParseIAM(*v.Document)
			if err != nil {
				return nil, fmt.Errorf("identity: policy %s version %s: %w", aws.ToString(p.Arn), aws.ToString(v.VersionId), err)
			}
			return d, nil
		}
	}
	return nil, fmt.Errorf("identity: policy %s: no default version in the authorization details", aws.ToString(p.Arn))
}

func inlineDocument(owner string, pd iamtypes.PolicyDetail) (*policy.Document, error) {
	if pd.PolicyDocument == nil {
		return nil, fmt.Errorf("identity: %s: inline policy %q has no document", owner, aws.ToString(pd.PolicyName))
	}
	d, err := policy.ParseIAM(*pd.PolicyDocument)
	if err != nil {
		return nil, fmt.Errorf("identity: %s: inline policy %q: %w", owner, aws.ToString(pd.PolicyName), err)
	}
	return d, nil
}

// isAWSManaged reports whether arn names an AWS managed policy.
func isAWSManaged(arn string) bool {
	return strings.HasPrefix(arn, "arn:aws:iam::aws:policy/") || strings.Contains(arn, ":iam::aws:policy/")
}

// isServiceLinked reports whether a role is service-linked (AWS owns its
// policies and trust), from its path or, when the path is missing, its ARN.
func isServiceLinked(path, arn string) bool {
	return strings.HasPrefix(path, "/aws-service-role/") || strings.Contains(arn, ":role/aws-service-role/")
}

// accountOfARN returns the account field of an ARN, or "".
func accountOfARN(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return ""
	}
	return parts[4]
}

// userNameOfARN returns the user name of an IAM user ARN (the part after
// the last "/"), or an error naming the ARN.
func userNameOfARN(arn string) (string, error) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "iam" || !strings.HasPrefix(parts[5], "user/") {
		return "", fmt.Errorf("identity: %q is not an IAM user ARN", arn)
	}
	name := parts[5][strings.LastIndex(parts[5], "/")+1:]
	if name == "" {
		return "", fmt.Errorf("identity: %q is not an IAM user ARN", arn)
	}
	return name, nil
}

func userResource(arn string) secpillar.Resource {
	return secpillar.Resource{Type: "AWS::IAM::User", ID: arn, Account: accountOfARN(arn)}
}

func roleResource(arn string) secpillar.Resource {
	return secpillar.Resource{Type: "AWS::IAM::Role", ID: arn, Account: accountOfARN(arn)}
}

func groupResource(arn string) secpillar.Resource {
	return secpillar.Resource{Type: "AWS::IAM::Group", ID: arn, Account: accountOfARN(arn)}
}

func policyResource(arn string) secpillar.Resource {
	r := secpillar.Resource{Type: "AWS::IAM::ManagedPolicy", ID: arn}
	if !isAWSManaged(arn) {
		r.Account = accountOfARN(arn)
	}
	return r
}

// nowFunc returns fn, or time.Now.
func nowFunc(fn func() time.Time) time.Time {
	if fn != nil {
		return fn().UTC()
	}
	return time.Now().UTC()
}

func daysOr(n, def int) int {
	if n <= 0 {
		return def
	}
	return n
}

func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339) }
