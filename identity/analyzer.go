package identity

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer"
	aatypes "github.com/aws/aws-sdk-go-v2/service/accessanalyzer/types"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/internal/pagetoken"
)

// ControlAccessAnalyzerEnabled is the ID of the Access Analyzer control.
const ControlAccessAnalyzerEnabled = "identity.access-analyzer-enabled"

// DefaultAnalyzerName is the name RemediateAccessAnalyzer gives the
// analyzer it creates.
const DefaultAnalyzerName = "secpillar-external-access"

var analyzerNameRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_.-]{0,254}$`)

// AccessAnalyzerAPI is the part of the IAM Access Analyzer API that
// CheckAccessAnalyzer calls. *accessanalyzer.Client satisfies it.
type AccessAnalyzerAPI interface {
	ListAnalyzers(ctx context.Context, in *accessanalyzer.ListAnalyzersInput, optFns ...func(*accessanalyzer.Options)) (*accessanalyzer.ListAnalyzersOutput, error)
}

var _ AccessAnalyzerAPI = (*accessanalyzer.Client)(nil)

// AccessAnalyzerRemediationAPI adds the write of RemediateAccessAnalyzer.
// *accessanalyzer.Client satisfies it.
type AccessAnalyzerRemediationAPI interface {
	AccessAnalyzerAPI
	CreateAnalyzer(ctx context.Context, in *accessanalyzer.CreateAnalyzerInput, optFns ...func(*accessanalyzer.Options)) (*accessanalyzer.CreateAnalyzerOutput, error)
}

var _ AccessAnalyzerRemediationAPI = (*accessanalyzer.Client)(nil)

// activeExternalAnalyzers lists the Region's ACTIVE external-access
// analyzers (account or organization zone of trust), and all analyzers'
// "name (type, status)".
func activeExternalAnalyzers(ctx context.Context, api AccessAnalyzerAPI) (active, all []string, err error) {
	p := accessanalyzer.NewListAnalyzersPaginator(api, &accessanalyzer.ListAnalyzersInput{})
	tokens := pagetoken.Guard{What: "identity: list access analyzers"}
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return nil, nil, fmt.Errorf("identity: list access analyzers: %w", err)
		}
		if err := tokens.Check(false, out.NextToken); err != nil {
			return nil, nil, err
		}
		for _, a := range out.Analyzers {
			name := aws.ToString(a.Name)
			if name == "" {
				return nil, nil, errors.New("identity: list access analyzers: an analyzer without a name")
			}
			switch a.Status {
			case aatypes.AnalyzerStatusActive, aatypes.AnalyzerStatusCreating, aatypes.AnalyzerStatusDisabled, aatypes.AnalyzerStatusFailed:
			default:
				return nil, nil, fmt.Errorf("identity: access analyzer %s: unknown status %q", name, a.Status)
			}
			all = append(all, fmt.Sprintf("%s (%s, %s)", name, a.Type, a.Status))
			switch a.Type {
			case aatypes.TypeAccount, aatypes.TypeOrganization:
				if a.Status == aatypes.AnalyzerStatusActive {
					active = append(active, name)
				}
			case aatypes.TypeAccountUnusedAccess, aatypes.TypeOrganizationUnusedAccess, "ACCOUNT_INTERNAL_ACCESS", "ORGANIZATION_INTERNAL_ACCESS":
			default:
				return nil, nil, fmt.Errorf("identity: access analyzer %s: unknown type %q", name, a.Type)
			}
		}
	}
	return active, all, nil
}

// CheckAccessAnalyzer reports whether the Region of the client has an
// ACTIVE IAM Access Analyzer for external access (zone of trust: the
// account or the organization) (CIS 1.20). Unused-access analyzers do not
// count. It is a regional control: run it in every Region.
func CheckAccessAnalyzer(ctx context.Context, api AccessAnalyzerAPI) (secpillar.Finding, error) {
	f := secpillar.Finding{Control: ControlAccessAnalyzerEnabled, Severity: secpillar.SeverityMedium, Resource: secpillar.AccountResource(""), Evidence: map[string]string{}}
	active, all, err := activeExternalAnalyzers(ctx, api)
	if err != nil {
		return f, err
	}
	f.Evidence["analyzers"] = strings.Join(all, "; ")
	if len(active) > 0 {
		f.Status, f.Reason = secpillar.StatusPass, "An active external-access analyzer runs in the Region ("+strings.Join(active, ", ")+")."
		return f, nil
	}
	f.Status = secpillar.StatusFail
	f.Reason = "No active IAM Access Analyzer for external access runs in the Region: create one (account or organization zone of trust)."
	return f, nil
}

// RemediateAccessAnalyzer creates an account analyzer named name (empty
// means DefaultAnalyzerName) in the client's Region when the Region has no
// active external-access analyzer, and re-reads to verify.
func RemediateAccessAnalyzer(ctx context.Context, api AccessAnalyzerRemediationAPI, name string, optFns ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
	opts := secpillar.NewRemediateOptions(optFns...)
	if name == "" {
		name = DefaultAnalyzerName
	}
	if !analyzerNameRE.MatchString(name) {
		return secpillar.Remediation{Control: ControlAccessAnalyzerEnabled}, fmt.Errorf("identity: analyzer name %q must start with a letter and hold only letters, digits, '.', '_' and '-' (at most 255)", name)
	}
	res := secpillar.AccountResource("")
	rem := secpillar.Remediation{Control: ControlAccessAnalyzerEnabled, Resource: res}
	active, _, err := activeExternalAnalyzers(ctx, api)
	if err != nil {
		return rem, err
	}
	if len(active) > 0 {
		rem.Outcome = secpillar.OutcomeCompliant
		return rem, nil
	}
	rem.Changes = []secpillar.Change{{Resource: res, Action: "access-analyzer:CreateAnalyzer", Field: "Analyzer " + name + " (ACCOUNT)", Before: "none", After: "ACTIVE"}}
	rem.Undo = "Delete the analyzer with access-analyzer:DeleteAnalyzer " + name + "."
	rem.Notes = []string{"An account analyzer reports access from outside the account; in an organization, an organization analyzer in the delegated administrator covers every member."}
	if opts.DryRun {
		rem.Outcome = secpillar.OutcomePlanned
		return rem, nil
	}
	if _, err := api.CreateAnalyzer(ctx, &accessanalyzer.CreateAnalyzerInput{AnalyzerName: aws.String(name), Type: aatypes.TypeAccount,
		Tags: map[string]string{"created-by": "secpillar"}}); err != nil {
		return rem, fmt.Errorf("identity: create access analyzer: %w", err)
	}
	active, _, err = activeExternalAnalyzers(secpillar.FreshReads(ctx), api)
	if err != nil {
		return rem, fmt.Errorf("identity: verify: %w", err)
	}
	rem.Outcome = secpillar.OutcomeChanged
	if len(active) == 0 {
		rem.Outcome = secpillar.OutcomeVerifyPending
	}
	return rem, nil
}
