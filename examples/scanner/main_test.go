package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/secpillar/secpillar"
)

func TestDemoJSONIsValid(t *testing.T) {
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"-demo", "-format", "json", "-quiet"}, strings.NewReader(""), &out, &errb)
	if code == 2 {
		t.Fatalf("exit 2 (incomplete): %s", errb.String())
	}
	domains := map[string]bool{}
	statuses := map[secpillar.Status]bool{}
	for i, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		if line == "" {
			continue
		}
		var f secpillar.Finding
		if err := json.Unmarshal([]byte(line), &f); err != nil {
			t.Fatalf("line %d is not a JSON finding: %v: %s", i+1, err, line)
		}
		d, _, _ := strings.Cut(f.Control, ".")
		domains[d] = true
		statuses[f.Status] = true
	}
	for _, d := range []string{"identity", "detective", "infrastructure", "dataprotection", "incident"} {
		if !domains[d] {
			t.Errorf("no finding from the %s domain", d)
		}
	}
	if !statuses[secpillar.StatusPass] || !statuses[secpillar.StatusFail] {
		t.Errorf("want PASS and FAIL findings, got %v", statuses)
	}
	if code != 1 {
		t.Errorf("exit status = %d, want 1 (the demo has failures)", code)
	}
	if !strings.Contains(errb.String(), "identity") {
		t.Errorf("no summary on stderr:\n%s", errb.String())
	}
}

func TestExitStatus(t *testing.T) {
	pass := secpillar.Finding{Status: secpillar.StatusPass, Severity: secpillar.SeverityHigh}
	lowFail := secpillar.Finding{Status: secpillar.StatusFail, Severity: secpillar.SeverityLow}
	for _, tc := range []struct {
		name      string
		rep       secpillar.Report
		threshold secpillar.Severity
		want      int
	}{
		{"all pass", secpillar.Report{Findings: []secpillar.Finding{pass}}, secpillar.SeverityInformational, 0},
		{"a fail", secpillar.Report{Findings: []secpillar.Finding{pass, lowFail}}, secpillar.SeverityInformational, 1},
		{"fail below threshold", secpillar.Report{Findings: []secpillar.Finding{lowFail}}, secpillar.SeverityHigh, 0},
		{"incomplete wins", secpillar.Report{Findings: []secpillar.Finding{lowFail}, Incomplete: true}, secpillar.SeverityInformational, 2},
	} {
		if got := exitStatus(tc.rep, nil, tc.threshold); got != tc.want {
			t.Errorf("%s: exit = %d, want %d", tc.name, got, tc.want)
		}
	}
}

func TestBadFlags(t *testing.T) {
	for _, args := range [][]string{{"-format", "xml"}, {"-severity", "URGENT"}, {"-controls", "nosuchdomain"}, {"extra"}} {
		var out, errb bytes.Buffer
		if code := run(context.Background(), append([]string{"-demo"}, args...), strings.NewReader(""), &out, &errb); code != 2 {
			t.Errorf("%q: exit %d, want 2", args, code)
		}
		if errb.Len() == 0 {
			t.Errorf("%q: no error message", args)
		}
	}
}

func TestOrganizationDemo(t *testing.T) {
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"-demo", "-org-role", "SecPillarAudit", "-controls", "identity.root-mfa-enabled", "-format", "json", "-quiet"}, strings.NewReader(""), &out, &errb)
	if code != 2 {
		t.Errorf("exit %d, want 2: one member account cannot be assumed", code)
	}
	accounts := map[string]secpillar.Status{}
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		var f secpillar.Finding
		if err := json.Unmarshal([]byte(line), &f); err != nil {
			t.Fatalf("not JSON: %v: %s", err, line)
		}
		accounts[f.Resource.Account] = f.Status
	}
	if len(accounts) < 3 {
		t.Errorf("findings from %d accounts, want the management account and its members: %v", len(accounts), accounts)
	}
	var errored int
	for _, s := range accounts {
		if s == secpillar.StatusError {
			errored++
		}
	}
	if errored != 1 {
		t.Errorf("want exactly one account in ERROR, got %v", accounts)
	}
	if !strings.Contains(errb.String(), "skipped") {
		t.Errorf("the suspended account is not reported as skipped:\n%s", errb.String())
	}
}

func TestPolicyFlag(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"-policy", "-controls", "identity.password-policy"}, strings.NewReader(""), &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var doc struct {
		Statement []struct {
			Action []string
		}
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatalf("not a policy document: %v\n%s", err, out.String())
	}
	if len(doc.Statement) != 1 || !strings.Contains(strings.Join(doc.Statement[0].Action, " "), "iam:GetAccountPasswordPolicy") {
		t.Errorf("want one read-only statement with iam:GetAccountPasswordPolicy:\n%s", out.String())
	}
}
