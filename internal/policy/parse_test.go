package policy

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// ignoreRaw compares statements by their parsed fields only.
var ignoreRaw = cmpopts.IgnoreFields(Statement{}, "Raw")

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want *Document
	}{
		{
			name: "single statement object, string elements",
			doc:  `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}`,
			want: &Document{Version: "2012-10-17", Statements: []Statement{
				{Effect: "Allow", Action: []string{"s3:GetObject"}, Resource: []string{"arn:aws:s3:::b/*"}},
			}},
		},
		{
			name: "array of statements, array elements, Id and Sid",
			doc: `{"Version":"2012-10-17","Id":"key-policy","Statement":[
				{"Sid":"A","Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"]},
				{"Sid":"B","Effect":"Deny","NotAction":"iam:*","NotResource":["arn:aws:iam::111122223333:role/x"]}]}`,
			want: &Document{Version: "2012-10-17", ID: "key-policy", Statements: []Statement{
				{Sid: "A", Effect: "Allow", Action: []string{"s3:GetObject", "s3:PutObject"}, Resource: []string{"arn:aws:s3:::b", "arn:aws:s3:::b/*"}},
				{Sid: "B", Effect: "Deny", NotAction: []string{"iam:*"}, NotResource: []string{"arn:aws:iam::111122223333:role/x"}},
			}},
		},
		{
			name: "principal star string",
			doc:  `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject"}]}`,
			want: &Document{Statements: []Statement{
				{Effect: "Allow", Principal: &Principal{Wildcard: true}, Action: []string{"s3:GetObject"}},
			}},
		},
		{
			name: "principal AWS star",
			doc:  `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:GetObject"}]}`,
			want: &Document{Statements: []Statement{
				{Effect: "Allow", Principal: &Principal{Wildcard: true, AWS: []string{"*"}}, Action: []string{"s3:GetObject"}},
			}},
		},
		{
			name: "principal map of every type",
			doc: `{"Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:root","444455556666"],
				"Service":"cloudtrail.amazonaws.com","Federated":"cognito-identity.amazonaws.com","CanonicalUser":"79a59df900b949e55d96a1e698fbaced"},"Action":"sts:AssumeRole"}]}`,
			want: &Document{Statements: []Statement{{
				Effect: "Allow",
				Principal: &Principal{
					AWS:           []string{"arn:aws:iam::111122223333:root", "444455556666"},
					Service:       []string{"cloudtrail.amazonaws.com"},
					Federated:     []string{"cognito-identity.amazonaws.com"},
					CanonicalUser: []string{"79a59df900b949e55d96a1e698fbaced"},
				},
				Action: []string{"sts:AssumeRole"},
			}}},
		},
		{
			name: "NotPrincipal",
			doc:  `{"Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"*","Resource":"*"}]}`,
			want: &Document{Statements: []Statement{
				{Effect: "Deny", NotPrincipal: &Principal{AWS: []string{"arn:aws:iam::111122223333:root"}}, Action: []string{"*"}, Resource: []string{"*"}},
			}},
		},
		{
			name: "condition values of every scalar type",
			doc: `{"Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{
				"Bool":{"aws:SecureTransport":false},"NumericLessThan":{"s3:TlsVersion":1.2},
				"StringEquals":{"aws:PrincipalOrgID":["o-abc","o-def"]},"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]}`,
			want: &Document{Statements: []Statement{{
				Effect: "Deny", Action: []string{"s3:*"}, Resource: []string{"*"},
				Condition: Condition{
					"Bool":            {"aws:SecureTransport": {"false"}},
					"NumericLessThan": {"s3:TlsVersion": {"1.2"}},
					"StringEquals":    {"aws:PrincipalOrgID": {"o-abc", "o-def"}},
					"IpAddress":       {"aws:SourceIp": {"10.0.0.0/8"}},
				},
			}}},
		},
		{
			name: "empty arrays stay non-nil",
			doc:  `{"Statement":[{"Effect":"Allow","Action":[],"Resource":[],"Condition":{"StringEquals":{"aws:SourceAccount":[]}}}]}`,
			want: &Document{Statements: []Statement{{
				Effect: "Allow", Action: []string{}, Resource: []string{},
				Condition: Condition{"StringEquals": {"aws:SourceAccount": {}}},
			}}},
		},
		{
			name: "element names case-insensitive",
			doc:  `{"version":"2012-10-17","statement":[{"effect":"Allow","action":"s3:*","resource":"*","principal":{"aws":"*"}}]}`,
			want: &Document{Version: "2012-10-17", Statements: []Statement{
				{Effect: "Allow", Action: []string{"s3:*"}, Resource: []string{"*"}, Principal: &Principal{Wildcard: true, AWS: []string{"*"}}},
			}},
		},
		{
			name: "no statements",
			doc:  `{"Version":"2012-10-17"}`,
			want: &Document{Version: "2012-10-17"},
		},
		{
			name: "null statement",
			doc:  `{"Version":"2012-10-17","Statement":null}`,
			want: &Document{Version: "2012-10-17"},
		},
		{
			name: "empty statement array",
			doc:  `{"Statement":[]}`,
			want: &Document{},
		},
		{
			name: "plus sign kept literally (Parse never URL-decodes)",
			doc:  `{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/a+b%20c"}]}`,
			want: &Document{Statements: []Statement{
				{Effect: "Allow", Action: []string{"s3:GetObject"}, Resource: []string{"arn:aws:s3:::b/a+b%20c"}},
			}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.doc)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if diff := cmp.Diff(tt.want, got, ignoreRaw); diff != "" {
				t.Errorf("Parse (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseRaw(t *testing.T) {
	s0 := `{ "Sid" : "A", "Effect":"Allow" ,"Action":"s3:*"}`
	s1 := `{"Effect":"Deny",
	   "Action":["*"]}`
	doc := `{"Statement":[` + s0 + ` ,  ` + s1 + `]}`
	d, err := Parse(doc)
	if err != nil {
		t.Fatal(err)
	}
	got := []string{string(d.Statements[0].Raw), string(d.Statements[1].Raw)}
	if diff := cmp.Diff([]string{s0, s1}, got); diff != "" {
		t.Errorf("Raw (-want +got):\n%s", diff)
	}
	one, err := Parse(`{"Statement":` + s0 + `}`)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(s0, string(one.Statements[0].Raw)); diff != "" {
		t.Errorf("Raw of single statement (-want +got):\n%s", diff)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, doc, wantSub string
	}{
		{"empty", ``, "empty document"},
		{"blank", "  \n", "empty document"},
		{"not JSON", `nope`, "policy: parse document"},
		{"array document", `[{"Effect":"Allow"}]`, "must be a JSON object"},
		{"trailing data", `{"Statement":[]} {}`, "after the JSON object"},
		{"unknown top-level element", `{"Statements":[]}`, `unknown element "Statements"`},
		{"duplicate element", `{"Statement":[],"statement":[]}`, "duplicated element"},
		{"statement string", `{"Statement":"x"}`, "must be an object or an array"},
		{"statement element not object", `{"Statement":[1]}`, "statement 0: statement must be a JSON object"},
		{"lowercase effect", `{"Statement":[{"Sid":"S1","Effect":"allow","Action":"*"}]}`, `statement 0 (Sid "S1"): Effect: must be "Allow" or "Deny", not "allow"`},
		{"bad effect second statement", `{"Statement":[{"Effect":"Allow","Action":"*"},{"Effect":"Permit"}]}`, `statement 1: Effect`},
		{"missing effect", `{"Statement":[{"Action":"*"}]}`, "Effect is missing"},
		{"effect not string", `{"Statement":[{"Effect":true}]}`, "Effect: must be a string"},
		{"action number", `{"Statement":[{"Effect":"Allow","Action":5}]}`, "Action: must be a string or an array"},
		{"action array with number", `{"Statement":[{"Effect":"Allow","Action":["s3:*",5]}]}`, "Action: array elements must be strings"},
		{"resource object", `{"Statement":[{"Effect":"Allow","Resource":{}}]}`, "Resource: must be a string"},
		{"Action and NotAction", `{"Statement":[{"Effect":"Allow","Action":"*","NotAction":"iam:*"}]}`, "both Action and NotAction"},
		{"Resource and NotResource", `{"Statement":[{"Effect":"Allow","Resource":"*","NotResource":"x"}]}`, "both Resource and NotResource"},
		{"Principal and NotPrincipal", `{"Statement":[{"Effect":"Allow","Principal":"*","NotPrincipal":"*"}]}`, "both Principal and NotPrincipal"},
		{"principal string not star", `{"Statement":[{"Effect":"Allow","Principal":"arn:aws:iam::111122223333:root"}]}`, `a string principal must be "*"`},
		{"principal unknown type", `{"Statement":[{"Effect":"Allow","Principal":{"User":"x"}}]}`, `unknown principal type "User"`},
		{"principal number", `{"Statement":[{"Effect":"Allow","Principal":1}]}`, "Principal: must be"},
		{"principal AWS object", `{"Statement":[{"Effect":"Allow","Principal":{"AWS":{}}}]}`, "AWS: must be a string or an array"},
		{"condition array", `{"Statement":[{"Effect":"Allow","Condition":[]}]}`, "Condition: must be an object"},
		{"condition operator string", `{"Statement":[{"Effect":"Allow","Condition":{"StringEquals":"x"}}]}`, "StringEquals: must be an object"},
		{"condition value object", `{"Statement":[{"Effect":"Allow","Condition":{"StringEquals":{"k":{}}}}]}`, "StringEquals: k: values must be"},
		{"condition value null", `{"Statement":[{"Effect":"Allow","Condition":{"Null":{"k":null}}}]}`, "values must be"},
		{"condition duplicated key", `{"Statement":[{"Effect":"Allow","Condition":{"StringEquals":{"aws:SourceVpc":"a","AWS:sourcevpc":"b"}}}]}`, "duplicated element"},
		{"unknown statement element", `{"Statement":[{"Effect":"Allow","Actions":"*"}]}`, "Actions: unknown element"},
		{"truncated", `{"Statement":[{"Effect":"Allow"`, "policy: parse document"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Parse(tt.doc)
			if err == nil {
				t.Fatalf("Parse(%q) = %+v, want error containing %q", tt.doc, d, tt.wantSub)
			}
			if !strings.Contains(err.Error(), tt.wantSub) {
				t.Errorf("Parse(%q) error = %q, want it to contain %q", tt.doc, err, tt.wantSub)
			}
		})
	}
}

func TestDecodeIAM(t *testing.T) {
	tests := []struct {
		name, in, want, wantErr string
	}{
		{"plain", `{"a":1}`, `{"a":1}`, ""},
		{"percent encoded", "%7B%22Version%22%3A%222012-10-17%22%7D", `{"Version":"2012-10-17"}`, ""},
		{"plus stays plus", "a+b%2Bc", "a+b+c", ""},
		{"space encoded", "a%20b", "a b", ""},
		{"utf8", "caf%C3%A9", "café", ""},
		{"lowercase hex", "%7b%7d", "{}", ""},
		{"bad escape", "%ZZ", "", "policy: decode URL-encoded IAM document"},
		{"truncated escape", "abc%2", "", "invalid URL escape"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DecodeIAM(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("DecodeIAM(%q) = %q, %v; want error containing %q", tt.in, got, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("DecodeIAM(%q): %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("DecodeIAM (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseIAM(t *testing.T) {
	// As IAM returns a trust policy: every byte outside A-Za-z0-9-_.~ escaped.
	enc := "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C" +
		"%22Principal%22%3A%7B%22Service%22%3A%22ec2.amazonaws.com%22%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%5D%7D"
	got, err := ParseIAM(enc)
	if err != nil {
		t.Fatal(err)
	}
	want := &Document{Version: "2012-10-17", Statements: []Statement{{
		Effect: "Allow", Principal: &Principal{Service: []string{"ec2.amazonaws.com"}}, Action: []string{"sts:AssumeRole"},
	}}}
	if diff := cmp.Diff(want, got, ignoreRaw); diff != "" {
		t.Errorf("ParseIAM (-want +got):\n%s", diff)
	}
	if _, err := ParseIAM("%7B%2"); err == nil {
		t.Error("ParseIAM of a bad escape: want error")
	}
	if _, err := ParseIAM("%7B"); err == nil {
		t.Error("ParseIAM of truncated JSON: want error")
	}
}

func TestMarshalRoundTrip(t *testing.T) {
	docs := []string{
		`{"Version":"2012-10-17","Id":"x","Statement":{"Sid":"a","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}}`,
		`{"Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":["*"],"Service":"s"},"NotAction":[],"NotResource":[],"Condition":{}}]}`,
		`{"Statement":[{"Effect":"Allow","Principal":{},"Action":"*","Condition":{"Bool":{"aws:SecureTransport":true},"NumericEquals":{"n":[1,2.5e3]}}}]}`,
		`{}`,
	}
	for _, doc := range docs {
		d, err := Parse(doc)
		if err != nil {
			t.Fatalf("Parse(%s): %v", doc, err)
		}
		b, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		d2, err := Parse(string(b))
		if err != nil {
			t.Fatalf("Parse(%s): %v", b, err)
		}
		if d.Statements == nil {
			d.Statements = nil
		}
		if diff := cmp.Diff(d, d2, ignoreRaw, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("round trip of %s via %s (-want +got):\n%s", doc, b, diff)
		}
	}
}

func TestConditionLookup(t *testing.T) {
	c := Condition{"StringEquals": {"aws:SourceAccount": {"111122223333"}}, "stringequals": {"AWS:SOURCEVPC": {"vpc-1"}}}
	got, ok := c.Lookup("STRINGEQUALS", "aws:sourcevpc")
	if !ok || !cmp.Equal([]string{"vpc-1"}, got) {
		t.Errorf("Lookup = %v, %v", got, ok)
	}
	if _, ok := c.Lookup("StringLike", "aws:SourceAccount"); ok {
		t.Error("Lookup of another operator: want !ok")
	}
}
