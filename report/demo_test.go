package report_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/catalogue"
	"github.com/secpillar/secpillar/internal/fakeaws"
	"github.com/secpillar/secpillar/report"
)

// demoFindings runs the whole catalogue against the demo account. Two
// controls of the test's own make sure the formats see an account-level
// FAIL and an ERROR in every Region even while the catalogue is small.
func demoFindings(t *testing.T) ([]secpillar.Finding, []secpillar.Control) {
	t.Helper()
	controls := slices.Concat(catalogue.All(),
		[]secpillar.Control{
			{ID: "test.account-level", Title: "An account-level test control", Severity: secpillar.SeverityHigh, Scope: secpillar.ScopeAccount,
				Check: func(context.Context, aws.Config) ([]secpillar.Finding, error) {
					return []secpillar.Finding{{Status: secpillar.StatusFail, Resource: secpillar.AccountResource(""), Reason: "test"}}, nil
				}},
			{ID: "test.regional-error", Title: "A regional test control that cannot read", Severity: secpillar.SeverityLow, Scope: secpillar.ScopeRegional,
				Check: func(context.Context, aws.Config) ([]secpillar.Finding, error) {
					return nil, errors.New("access denied")
				}},
		})
	rep, err := secpillar.Run(context.Background(), fakeaws.Demo().Config(), controls)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Findings) == 0 {
		t.Fatal("the demo run produced no finding")
	}
	return rep.Findings, controls
}

// lines decodes each line of out as a JSON object.
func lines(t *testing.T, out []byte) []map[string]any {
	t.Helper()
	var objs []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("line %d is not a JSON object: %v\n%s", n, err, sc.Text())
		}
		objs = append(objs, m)
	}
	return objs
}

// field walks a path of object keys.
func field(m map[string]any, path ...string) any {
	var v any = m
	for _, k := range path {
		o, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = o[k]
	}
	return v
}

func nonEmpty(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case string:
		return x != ""
	case []any:
		return len(x) > 0
	case map[string]any:
		return len(x) > 0
	}
	return true
}

func TestFormatsOnDemoAccount(t *testing.T) {
	findings, controls := demoFindings(t)
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

	t.Run("json", func(t *testing.T) {
		var buf bytes.Buffer
		if err := report.WriteJSONLines(&buf, findings); err != nil {
			t.Fatal(err)
		}
		objs := lines(t, buf.Bytes())
		if len(objs) != len(findings) {
			t.Fatalf("%d lines for %d findings", len(objs), len(findings))
		}
		for i, o := range objs {
			for _, k := range []string{"control", "status", "severity", "resource"} {
				if !nonEmpty(o[k]) {
					t.Errorf("line %d: no %q: %v", i+1, k, o)
				}
			}
			if !nonEmpty(field(o, "resource", "account")) {
				t.Errorf("line %d: no resource.account: %v", i+1, o)
			}
		}
	})

	t.Run("ocsf", func(t *testing.T) {
		var buf bytes.Buffer
		if err := report.WriteOCSF(&buf, findings, report.OCSFOptions{Now: now, Controls: controls}); err != nil {
			t.Fatal(err)
		}
		objs := lines(t, buf.Bytes())
		if len(objs) != len(findings) {
			t.Fatalf("%d lines for %d findings", len(objs), len(findings))
		}
		for i, o := range objs {
			if o["class_uid"] != float64(2004) || o["category_uid"] != float64(2) || o["type_uid"] != float64(200401) {
				t.Errorf("line %d: class/category/type = %v/%v/%v", i+1, o["class_uid"], o["category_uid"], o["type_uid"])
			}
			for _, path := range [][]string{
				{"activity_id"}, {"time"}, {"severity_id"}, {"status_id"}, {"status"},
				{"metadata", "version"}, {"metadata", "product", "name"}, {"metadata", "product", "vendor_name"},
				{"finding_info", "uid"}, {"finding_info", "title"}, {"resources"},
				{"cloud", "provider"}, {"cloud", "account", "uid"},
			} {
				if !nonEmpty(field(o, path...)) {
					t.Errorf("line %d: no %v", i+1, path)
				}
			}
			if field(o, "cloud", "provider") != "AWS" {
				t.Errorf("line %d: cloud.provider = %v", i+1, field(o, "cloud", "provider"))
			}
		}
	})

	t.Run("asff", func(t *testing.T) {
		var buf bytes.Buffer
		if err := report.WriteASFF(&buf, findings, report.ASFFOptions{Now: now, Region: "us-east-1", Controls: controls}); err != nil {
			t.Fatal(err)
		}
		var objs []map[string]any
		if err := json.Unmarshal(buf.Bytes(), &objs); err != nil {
			t.Fatalf("not a JSON array: %v", err)
		}
		if len(objs) != len(findings) {
			t.Fatalf("%d ASFF findings for %d findings", len(objs), len(findings))
		}
		account := regexp.MustCompile(`^\d{12}$`)
		ids := map[string]bool{}
		for i, o := range objs {
			for _, k := range []string{"SchemaVersion", "Id", "ProductArn", "GeneratorId", "AwsAccountId", "Types",
				"CreatedAt", "UpdatedAt", "Title", "Description", "Resources", "RecordState"} {
				if !nonEmpty(o[k]) {
					t.Errorf("finding %d: no %s", i, k)
				}
			}
			if !nonEmpty(field(o, "Severity", "Label")) || !nonEmpty(field(o, "Compliance", "Status")) {
				t.Errorf("finding %d: no Severity.Label or Compliance.Status", i)
			}
			if s, _ := o["AwsAccountId"].(string); !account.MatchString(s) {
				t.Errorf("finding %d: AwsAccountId %q", i, s)
			}
			id, _ := o["Id"].(string)
			if ids[id] {
				t.Errorf("finding %d: duplicate Id %q", i, id)
			}
			ids[id] = true
			for _, r := range o["Resources"].([]any) {
				rm := r.(map[string]any)
				for _, k := range []string{"Type", "Id", "Partition", "Region"} {
					if !nonEmpty(rm[k]) {
						t.Errorf("finding %d: resource without %s", i, k)
					}
				}
			}
		}
	})

	t.Run("table", func(t *testing.T) {
		var buf bytes.Buffer
		if err := report.Write(&buf, report.FormatTable, findings, report.Options{}); err != nil {
			t.Fatal(err)
		}
		if got, want := bytes.Count(buf.Bytes(), []byte("\n")), len(findings)+1; got < want {
			t.Errorf("%d lines, want at least %d", got, want)
		}
		s := report.Summarize(findings)
		if s.Total.Total() != len(findings) {
			t.Errorf("summary counts %d findings, want %d", s.Total.Total(), len(findings))
		}
	})
}

// Findings of an organization-wide run keep their accounts through every
// format, and ASFF Ids stay unique across accounts.
func TestFormatsOnDemoOrganization(t *testing.T) {
	cfg, _ := fakeaws.DemoOrganization()
	rep, err := secpillar.RunOrganization(context.Background(), cfg, catalogue.All(), func(o *secpillar.OrgOptions) {
		o.RoleName = fakeaws.DemoOrgRole
		o.Run.Regions = []string{"us-east-1", "eu-west-1"}
	})
	if err != nil {
		t.Fatal(err)
	}
	findings := rep.Findings()
	asff := report.ASFF(findings, report.ASFFOptions{Region: "us-east-1", Now: time.Unix(0, 0)})
	ids := map[string]bool{}
	accounts := map[string]bool{}
	for i, f := range asff {
		if ids[f.Id] {
			t.Errorf("duplicate Id %q", f.Id)
		}
		ids[f.Id] = true
		if f.AwsAccountId != findings[i].Resource.Account {
			t.Errorf("finding %d: AwsAccountId %q, resource account %q", i, f.AwsAccountId, findings[i].Resource.Account)
		}
		accounts[f.AwsAccountId] = true
	}
	if len(accounts) != 4 {
		t.Errorf("findings from %d accounts, want 4 (3 scanned, 1 not scannable)", len(accounts))
	}
	for i, o := range report.OCSF(findings, report.OCSFOptions{Now: time.Unix(0, 0)}) {
		if o.Cloud.Account == nil || o.Cloud.Account.UID != findings[i].Resource.Account {
			t.Errorf("OCSF finding %d: cloud.account %+v", i, o.Cloud.Account)
		}
	}
	var buf bytes.Buffer
	if err := report.WriteOrgReport(&buf, report.FormatTable, rep, report.Options{}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(buf.Bytes(), []byte("skipped: SUSPENDED")) || !bytes.Contains(buf.Bytes(), []byte("not scanned: ")) {
		t.Errorf("the table does not show the skipped and failed accounts:\n%s", buf.String())
	}
}
