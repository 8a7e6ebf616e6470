package incident_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/google/go-cmp/cmp"

	"github.com/secpillar/secpillar/incident"
	"github.com/secpillar/secpillar/internal/fakeaws"
)

func allSteps(o *incident.CompromisedKeyOptions) {
	o.RevokeSessions, o.Quarantine, o.DisableConsole = true, true, true
	o.Now = func() time.Time { return t0 }
}

type stepView struct {
	Name    string
	Outcome incident.StepOutcome
}

func steps(rep incident.PlaybookReport) []stepView {
	var out []stepView
	for _, s := range rep.Steps {
		out = append(out, stepView{s.Name, s.Outcome})
	}
	return out
}

func playbookAccount(t *testing.T) (*fakeaws.Account, *sts.Client, *iam.Client) {
	acct, iamc := iamAccount(t)
	alice := acct.IAM.Users[0]
	used := t0.Add(-2 * time.Hour)
	alice.KeyLastUsed["AKIAALICE00000000001"] = iamtypes.AccessKeyLastUsed{LastUsedDate: &used, ServiceName: aws.String("s3"), Region: aws.String("eu-west-1")}
	return acct, sts.NewFromConfig(acct.Config()), iamc
}

func TestContainCompromisedKey(t *testing.T) {
	acct, stsc, iamc := playbookAccount(t)
	const key = "AKIAALICE00000000001"

	t.Run("dry run shows the whole plan and writes nothing", func(t *testing.T) {
		rep, err := incident.ContainCompromisedKey(bg, stsc, iamc, key, allSteps, incident.PlaybookDryRun)
		if err != nil {
			t.Fatal(err)
		}
		want := []stepView{
			{incident.StepFindAccount, incident.StepDone}, {incident.StepFindOwner, incident.StepDone},
			{incident.StepDeactivateKey, incident.StepPlanned}, {incident.StepRevokeSessions, incident.StepPlanned},
			{incident.StepQuarantine, incident.StepPlanned}, {incident.StepDisableConsole, incident.StepPlanned},
		}
		if diff := cmp.Diff(want, steps(rep)); diff != "" {
			t.Errorf("steps (-want +got):\n%s", diff)
		}
		if !rep.DryRun || !rep.Contained || rep.User != "alice" || rep.Account != acctID {
			t.Errorf("report = %+v", rep)
		}
		if got := rep.Steps[1].Detail; got != "user alice, last used 2026-11-30T06:00:00Z by s3 in eu-west-1" {
			t.Errorf("owner detail = %q", got)
		}
		if n := writes(acct, "IAM", iamWrites...); n != 0 {
			t.Errorf("%d writes in a dry run", n)
		}
	})
	t.Run("contains for real, only the named key", func(t *testing.T) {
		rep, err := incident.ContainCompromisedKey(bg, stsc, iamc, key, allSteps)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range rep.Steps {
			if s.Outcome != incident.StepDone {
				t.Errorf("%s: %s %s", s.Name, s.Outcome, s.Error)
			}
		}
		if diff := cmp.Diff(map[string]iamtypes.StatusType{"AKIAALICE00000000001": "Inactive", "AKIAALICE00000000002": "Active"}, keyStatus(acct, "alice")); diff != "" {
			t.Errorf("keys (-want +got):\n%s", diff)
		}
		pol := inline(acct, "user", "alice")
		if pol[incident.RevokeSessionsPolicyName] != incident.RevokeSessionsPolicy(t0) || pol[incident.QuarantinePolicyName] == "" || pol["read-logs"] == "" {
			t.Errorf("policies = %v", pol)
		}
		if acct.IAM.Users[0].LoginProfile != nil {
			t.Error("console password still there")
		}
	})
	t.Run("second run writes nothing", func(t *testing.T) {
		acct.ResetCalls()
		rep, err := incident.ContainCompromisedKey(bg, stsc, iamc, key, allSteps)
		if err != nil || !rep.Contained {
			t.Fatalf("%+v, %v", rep, err)
		}
		for _, s := range rep.Steps[2:] {
			if s.Outcome != incident.StepAlreadyDone {
				t.Errorf("%s: %s", s.Name, s.Outcome)
			}
		}
		if n := writes(acct, "IAM", iamWrites...); n != 0 {
			t.Errorf("%d writes", n)
		}
	})
}

func TestContainCompromisedKeyNotContainable(t *testing.T) {
	acct, stsc, iamc := playbookAccount(t)
	other := fakeaws.New("444455556666")
	other.IAM.AddUser("eve", t0).AddAccessKey("AKIAEVE0000000000001", iamtypes.StatusTypeActive, t0, nil)
	acct.Linked = map[string]*fakeaws.Account{"444455556666": other}

	skipped := []stepView{
		{incident.StepDeactivateKey, incident.StepSkipped}, {incident.StepRevokeSessions, incident.StepSkipped},
		{incident.StepQuarantine, incident.StepSkipped}, {incident.StepDisableConsole, incident.StepSkipped},
	}
	tests := []struct {
		name string
		key  string
		want []stepView
	}{
		{"a key that belongs to no user in the account", "AKIANOBODY0000000001", append([]stepView{{incident.StepFindAccount, incident.StepDone}, {incident.StepFindOwner, incident.StepFailed}}, skipped...)},
		{"a key of another account", "AKIAEVE0000000000001", append([]stepView{{incident.StepFindAccount, incident.StepDone}}, skipped...)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			acct.ResetCalls()
			rep, err := incident.ContainCompromisedKey(bg, stsc, iamc, tt.key, allSteps)
			if !errors.Is(err, incident.ErrKeyNotContainable) {
				t.Fatalf("err = %v, want ErrKeyNotContainable", err)
			}
			if diff := cmp.Diff(tt.want, steps(rep)); diff != "" {
				t.Errorf("steps (-want +got):\n%s", diff)
			}
			if rep.Contained || writes(acct, "IAM", iamWrites...) != 0 {
				t.Errorf("contained = %v, writes = %d", rep.Contained, writes(acct, "IAM", iamWrites...))
			}
		})
	}
	t.Run("bad and temporary key IDs refused before any call", func(t *testing.T) {
		acct.ResetCalls()
		for _, k := range []string{"", "hello", "ASIATEMP000000000001"} {
			if _, err := incident.ContainCompromisedKey(bg, stsc, iamc, k); err == nil {
				t.Errorf("%q: want error", k)
			}
		}
		if len(acct.Calls()) != 0 {
			t.Errorf("calls: %v", acct.Calls())
		}
	})
	t.Run("access denied finding the account", func(t *testing.T) {
		f := acct.DenyAccess("STS", "GetAccessKeyInfo", "")
		defer acct.Remove(f)
		rep, err := incident.ContainCompromisedKey(bg, stsc, iamc, "AKIAALICE00000000001")
		if err == nil || !strings.Contains(err.Error(), "explicit deny") || rep.Steps[0].Outcome != incident.StepFailed {
			t.Errorf("err = %v, steps = %v", err, steps(rep))
		}
	})
}

func TestContainCompromisedKeyStepFailureDoesNotStopTheRest(t *testing.T) {
	acct, stsc, iamc := playbookAccount(t)
	acct.DenyAccess("IAM", "PutUserPolicy", "")
	rep, err := incident.ContainCompromisedKey(bg, stsc, iamc, "AKIAALICE00000000001", allSteps)
	if err == nil || !strings.Contains(err.Error(), "explicit deny") {
		t.Fatalf("err = %v", err)
	}
	want := []stepView{
		{incident.StepFindAccount, incident.StepDone}, {incident.StepFindOwner, incident.StepDone},
		{incident.StepDeactivateKey, incident.StepDone}, {incident.StepRevokeSessions, incident.StepFailed},
		{incident.StepQuarantine, incident.StepFailed}, {incident.StepDisableConsole, incident.StepDone},
	}
	if diff := cmp.Diff(want, steps(rep)); diff != "" {
		t.Errorf("steps (-want +got):\n%s", diff)
	}
	if rep.Contained {
		t.Error("contained with failed steps")
	}
}
