package policy

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const (
	rawA = `{ "Sid": "A", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*" }`
	rawB = `{"Sid":"B","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},
		"Action":["s3:GetObject"],"Resource":"arn:aws:s3:::b/*","Condition":{"Bool":{"aws:SecureTransport":true}}}`
	rawC = `{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}`
)

var editDoc = "{\n  \"Version\": \"2012-10-17\",\n  \"Id\": \"Policy1\",\n  \"Statement\": [\n    " + rawA + ",\n    " + rawB + ",\n    " + rawC + "\n  ]\n}"

func TestRemoveStatements(t *testing.T) {
	tests := []struct {
		name, doc string
		drop      []int
		want      string
	}{
		{"first", editDoc, []int{0}, `{"Version":"2012-10-17","Id":"Policy1","Statement":[` + rawB + `,` + rawC + `]}`},
		{"middle", editDoc, []int{1}, `{"Version":"2012-10-17","Id":"Policy1","Statement":[` + rawA + `,` + rawC + `]}`},
		{"two, unsorted, repeated", editDoc, []int{2, 0, 2}, `{"Version":"2012-10-17","Id":"Policy1","Statement":[` + rawB + `]}`},
		{"all", editDoc, []int{0, 1, 2}, `{"Version":"2012-10-17","Id":"Policy1","Statement":[]}`},
		{"none returns doc unchanged", editDoc, nil, editDoc},
		{"single statement object", `{"Statement":` + rawA + `,"Version":"2012-10-17"}`, []int{0}, `{"Statement":[],"Version":"2012-10-17"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := RemoveStatements(tt.doc, tt.drop)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("RemoveStatements (-want +got):\n%s", diff)
			}
			if _, err := Parse(got); err != nil {
				t.Errorf("result does not parse: %v", err)
			}
		})
	}
	for _, bad := range []struct {
		doc     string
		drop    []int
		wantSub string
	}{
		{editDoc, []int{3}, "index 3 out of range (document has 3 statements)"},
		{editDoc, []int{-1}, "index -1 out of range"},
		{`{"Statement":[{"Effect":"Maybe"}]}`, []int{0}, "policy: remove statements: policy: parse document"},
		{"", nil, "empty document"},
	} {
		if _, err := RemoveStatements(bad.doc, bad.drop); err == nil || !strings.Contains(err.Error(), bad.wantSub) {
			t.Errorf("RemoveStatements(%q, %v) error = %v, want it to contain %q", bad.doc, bad.drop, err, bad.wantSub)
		}
	}
}

func TestUpsertStatement(t *testing.T) {
	const deny = `{"Sid":"DenyInsecureTransport","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}`
	const denyPretty = "{\n  \"Sid\": \"DenyInsecureTransport\",\n  \"Effect\": \"Deny\",\n  \"Principal\": \"*\",\n  \"Action\": \"s3:*\",\n  \"Resource\": [\"arn:aws:s3:::b\", \"arn:aws:s3:::b/*\"],\n  \"Condition\": {\"Bool\": {\"aws:SecureTransport\": \"false\"}}\n}"
	const denyOld = `{"Sid":"DenyInsecureTransport","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}`
	const denyOldSpelledDifferently = `{"Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"],"Sid":"DenyInsecureTransport","effect":"Deny","Principal":"*","Action":["s3:*"],"Condition":{"Bool":{"aws:SecureTransport":false}}}`
	tests := []struct {
		name, doc, stmt, want string
	}{
		{"empty doc", "", deny, `{"Version":"2012-10-17","Statement":[` + deny + `]}`},
		{"empty object", " {} ", deny, `{"Version":"2012-10-17","Statement":[` + deny + `]}`},
		{"compacts the new statement", "", denyPretty, `{"Version":"2012-10-17","Statement":[` + deny + `]}`},
		{"append keeps others", editDoc, deny, `{"Version":"2012-10-17","Id":"Policy1","Statement":[` + rawA + `,` + rawB + `,` + rawC + `,` + deny + `]}`},
		{"replace in place", `{"Version":"2012-10-17","Statement":[` + rawA + `,` + denyOld + `,` + rawB + `]}`, deny,
			`{"Version":"2012-10-17","Statement":[` + rawA + `,` + deny + `,` + rawB + `]}`},
		{"duplicates of the Sid folded", `{"Version":"2012-10-17","Statement":[` + denyOld + `,` + rawA + `,` + denyOld + `]}`, deny,
			`{"Version":"2012-10-17","Statement":[` + deny + `,` + rawA + `]}`},
		{"equivalent statement: doc unchanged", `{"Version":"2012-10-17","Statement":[` + rawA + `,` + denyOldSpelledDifferently + `]}`, deny,
			`{"Version":"2012-10-17","Statement":[` + rawA + `,` + denyOldSpelledDifferently + `]}`},
		{"no Statement element", `{"Version":"2012-10-17"}`, deny, `{"Version":"2012-10-17","Statement":[` + deny + `]}`},
		{"single statement object", `{"Version":"2012-10-17","Statement":` + rawA + `}`, deny, `{"Version":"2012-10-17","Statement":[` + rawA + `,` + deny + `]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := UpsertStatement(tt.doc, "DenyInsecureTransport", json.RawMessage(tt.stmt))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("UpsertStatement (-want +got):\n%s", diff)
			}
			// A second run changes nothing.
			again, err := UpsertStatement(got, "DenyInsecureTransport", json.RawMessage(tt.stmt))
			if err != nil {
				t.Fatal(err)
			}
			if again != got {
				t.Errorf("second UpsertStatement changed the document:\n%s\n%s", got, again)
			}
		})
	}
	for _, bad := range []struct {
		name, doc, sid, stmt, wantSub string
	}{
		{"empty sid", "", "", deny, "empty Sid"},
		{"sid mismatch", "", "Other", deny, `statement has Sid "DenyInsecureTransport"`},
		{"no sid in statement", "", "X", `{"Effect":"Deny","Action":"*"}`, `statement has Sid ""`},
		{"statement not JSON", "", "X", `{`, "statement is not JSON"},
		{"statement invalid", "", "X", `{"Sid":"X","Effect":"deny"}`, `Effect: must be "Allow" or "Deny"`},
		{"statement is an array", "", "X", `[` + deny + `]`, "statement must be a JSON object"},
		{"doc invalid", `{"Statement":{"Effect":"x"}}`, "DenyInsecureTransport", deny, "policy: upsert statement"},
	} {
		t.Run(bad.name, func(t *testing.T) {
			if _, err := UpsertStatement(bad.doc, bad.sid, json.RawMessage(bad.stmt)); err == nil || !strings.Contains(err.Error(), bad.wantSub) {
				t.Errorf("error = %v, want it to contain %q", err, bad.wantSub)
			}
		})
	}
}

func TestEditsDoNotMutateInput(t *testing.T) {
	stmt := json.RawMessage(`{"Sid":"X","Effect":"Deny","Action":"*","Resource":"*"}`)
	before := string(stmt)
	if _, err := UpsertStatement(editDoc, "X", stmt); err != nil {
		t.Fatal(err)
	}
	if string(stmt) != before {
		t.Errorf("UpsertStatement mutated its statement argument")
	}
	drop := []int{2, 0}
	if _, err := RemoveStatements(editDoc, drop); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int{2, 0}, drop); diff != "" {
		t.Errorf("RemoveStatements mutated drop (-want +got):\n%s", diff)
	}
}

func TestEquivalent(t *testing.T) {
	tests := []struct {
		name, a, b string
		want       bool
	}{
		{"identical", editDoc, editDoc, true},
		{"string vs array, case, order, whitespace",
			`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":true}}}}`,
			`{"statement":[{"Condition":{"Bool":{"aws:SecureTransport":"true"}},"Resource":["*"],"Action":["s3:GetObject"],"effect":"Allow"}],"version":"2012-10-17"}`, true},
		{"different action", `{"Statement":[{"Effect":"Allow","Action":"s3:GetObject"}]}`, `{"Statement":[{"Effect":"Allow","Action":"s3:PutObject"}]}`, false},
		{"statement order matters", `{"Statement":[` + rawA + `,` + rawB + `]}`, `{"Statement":[` + rawB + `,` + rawA + `]}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Equivalent(tt.a, tt.b)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("Equivalent = %v, want %v", got, tt.want)
			}
		})
	}
	if _, err := Equivalent("{", "{}"); err == nil {
		t.Error("Equivalent of invalid JSON: want error")
	}
	if _, err := Equivalent("{}", "x"); err == nil {
		t.Error("Equivalent of invalid JSON: want error")
	}
}
