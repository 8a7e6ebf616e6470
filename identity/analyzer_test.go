package identity

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer"
	aatypes "github.com/aws/aws-sdk-go-v2/service/accessanalyzer/types"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/internal/fakeaws"
)

func analyzerClient(a *fakeaws.Account, region string) *accessanalyzer.Client {
	return accessanalyzer.NewFromConfig(a.Config(), func(o *accessanalyzer.Options) { o.Region = region })
}

func TestCheckAccessAnalyzer(t *testing.T) {
	tests := []struct {
		name    string
		setup   func(a *fakeaws.Account)
		want    secpillar.Status
		wantErr bool
	}{
		{"active account analyzer", func(a *fakeaws.Account) {
			a.AccessAnalyzer.AddAnalyzer("eu-west-1", "a", aatypes.TypeAccount, aatypes.AnalyzerStatusActive, days(1))
		}, secpillar.StatusPass, false},
		{"organization analyzer", func(a *fakeaws.Account) {
			a.AccessAnalyzer.AddAnalyzer("eu-west-1", "o", aatypes.TypeOrganization, aatypes.AnalyzerStatusActive, days(1))
		}, secpillar.StatusPass, false},
		{"only in another Region", func(a *fakeaws.Account) {
			a.AccessAnalyzer.AddAnalyzer("us-east-1", "a", aatypes.TypeAccount, aatypes.AnalyzerStatusActive, days(1))
		}, secpillar.StatusFail, false},
		{"unused-access only", func(a *fakeaws.Account) {
			a.AccessAnalyzer.AddAnalyzer("eu-west-1", "u", aatypes.TypeAccountUnusedAccess, aatypes.AnalyzerStatusActive, days(1))
		}, secpillar.StatusFail, false},
		{"failed analyzer", func(a *fakeaws.Account) {
			a.AccessAnalyzer.AddAnalyzer("eu-west-1", "a", aatypes.TypeAccount, aatypes.AnalyzerStatusFailed, days(1))
		}, secpillar.StatusFail, false},
		{"none", func(a *fakeaws.Account) {}, secpillar.StatusFail, false},
		{"access denied", func(a *fakeaws.Account) { a.DenyAccess("AccessAnalyzer", "ListAnalyzers", "eu-west-1") }, "", true},
		{"unknown status", func(a *fakeaws.Account) {
			a.AccessAnalyzer.AddAnalyzer("eu-west-1", "a", aatypes.TypeAccount, "PAUSED", days(1))
		}, "", true},
		{"nil name", func(a *fakeaws.Account) {
			respond(a, "AccessAnalyzer", "ListAnalyzers", &accessanalyzer.ListAnalyzersOutput{Analyzers: []aatypes.AnalyzerSummary{{Status: aatypes.AnalyzerStatusActive}}}, nil)
		}, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			acct := newAccount()
			tt.setup(acct)
			f, err := CheckAccessAnalyzer(context.Background(), analyzerClient(acct, "eu-west-1"))
			if tt.wantErr {
				if err == nil {
					t.Fatalf("want error, got %+v", f)
				}
				return
			}
			if err != nil || f.Status != tt.want {
				t.Fatalf("finding = %+v, %v; want %s", f, err, tt.want)
			}
		})
	}
}

func TestRemediateAccessAnalyzer(t *testing.T) {
	ctx := context.Background()
	acct := newAccount()
	acct.AccessAnalyzer.AddAnalyzer("eu-west-1", "unused", aatypes.TypeAccountUnusedAccess, aatypes.AnalyzerStatusActive, days(1))
	api := analyzerClient(acct, "eu-west-1")
	plan, err := RemediateAccessAnalyzer(ctx, api, "", secpillar.DryRun)
	if err != nil || plan.Outcome != secpillar.OutcomePlanned || len(plan.Changes) != 1 || acct.CallCount("AccessAnalyzer", "CreateAnalyzer") != 0 {
		t.Fatalf("plan = %+v, %v", plan, err)
	}
	rem, err := RemediateAccessAnalyzer(ctx, api, "")
	if err != nil || rem.Outcome != secpillar.OutcomeChanged {
		t.Fatalf("remediation = %+v, %v", rem, err)
	}
	again, err := RemediateAccessAnalyzer(ctx, api, "")
	if err != nil || again.Outcome != secpillar.OutcomeCompliant || acct.CallCount("AccessAnalyzer", "CreateAnalyzer") != 1 {
		t.Fatalf("second run = %+v, %v", again, err)
	}
	got := acct.AccessAnalyzer.Region("eu-west-1").Analyzers
	if len(got) != 2 || aws.ToString(got[1].Name) != DefaultAnalyzerName || len(acct.AccessAnalyzer.Region("us-east-1").Analyzers) != 0 {
		t.Errorf("analyzers = %+v; the unused-access analyzer must stay and other Regions be untouched", got)
	}

	fresh := newAccount()
	if _, err := RemediateAccessAnalyzer(ctx, analyzerClient(fresh, "eu-west-1"), "bad name!"); err == nil || len(fresh.Calls()) != 0 {
		t.Errorf("bad name: error %v, calls %v", err, fresh.Calls())
	}

	// The adapter creates the analyzer in the Region of the finding.
	var c secpillar.Control
	for _, x := range Controls() {
		if x.ID == ControlAccessAnalyzerEnabled {
			c = x
		}
	}
	f := secpillar.Finding{Control: c.ID, Status: secpillar.StatusFail, Resource: secpillar.AccountResource(testAccount)}
	f.Resource.Region = "ap-southeast-2"
	if rem, err := c.Remediate(ctx, acct.Config(), f, secpillar.RemediateOptions{}); err != nil || rem.Outcome != secpillar.OutcomeChanged {
		t.Fatalf("adapter = %+v, %v", rem, err)
	}
	if len(acct.AccessAnalyzer.Region("ap-southeast-2").Analyzers) != 1 {
		t.Error("the adapter did not create the analyzer in the finding's Region")
	}
	f.Resource.Region = ""
	if _, err := c.Remediate(ctx, acct.Config(), f, secpillar.RemediateOptions{}); err == nil {
		t.Error("a finding without a Region must be refused")
	}
}
