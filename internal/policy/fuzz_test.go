package policy

import (
	"encoding/json"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// encodeIAM encodes s the way IAM does: every byte outside A-Za-z0-9-_.~ as %XX.
func encodeIAM(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

func FuzzDecodeIAM(f *testing.F) {
	for _, s := range []string{"", "{}", "a+b", "%7B%7D", "%", "%zz", "%2", "caf%C3%A9", `{"Statement":[{"Effect":"Allow","Action":"s3:*"}]}`, "\xff\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		// Whatever IAM encodes decodes back exactly.
		got, err := DecodeIAM(encodeIAM(s))
		if err != nil || got != s {
			t.Fatalf("DecodeIAM(encodeIAM(%q)) = %q, %v", s, got, err)
		}
		// Arbitrary input: no panic, and the same answer as url.PathUnescape.
		got, err = DecodeIAM(s)
		want, werr := url.PathUnescape(s)
		if (err == nil) != (werr == nil) || got != want {
			t.Fatalf("DecodeIAM(%q) = %q, %v; PathUnescape = %q, %v", s, got, err, want, werr)
		}
		if err == nil && !strings.Contains(s, "%") && got != s {
			t.Fatalf("DecodeIAM(%q) changed a string without escapes to %q", s, got)
		}
		// ParseIAM agrees with DecodeIAM then Parse.
		if err == nil {
			d1, e1 := ParseIAM(s)
			d2, e2 := Parse(got)
			if (e1 == nil) != (e2 == nil) || !cmp.Equal(d1, d2, ignoreRaw) {
				t.Fatalf("ParseIAM(%q) disagrees with Parse(DecodeIAM)", s)
			}
		}
	})
}

func FuzzMatchAction(f *testing.F) {
	seeds := [][2]string{
		{"*", "s3:GetObject"}, {"s3:Get*", "S3:getobject"}, {"s3:?et*", "s3:GetObject"}, {"", ""},
		{"a*b*c*d", "aXbXcXd"}, {"*:*", "iam:PassRole"}, {"iam:Pass?ole", "iam:PassRole"}, {"\u212a", "k"}, {"ſ", "S"},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, pattern, action string) {
		got := MatchAction(pattern, action)
		if !MatchAction(pattern, pattern) {
			t.Fatalf("MatchAction(%q, itself) = false", pattern)
		}
		if !MatchAction("*", action) {
			t.Fatalf("MatchAction(*, %q) = false", action)
		}
		if got && !MatchAction(pattern+"*", action) {
			t.Fatalf("appending * lost a match: %q %q", pattern, action)
		}
		if isASCII(pattern) && isASCII(action) {
			if MatchAction(strings.ToUpper(pattern), strings.ToLower(action)) != got {
				t.Fatalf("MatchAction(%q, %q) is case-sensitive", pattern, action)
			}
		}
		// Reference: a regular expression built from the pattern.
		if utf8.ValidString(pattern) && utf8.ValidString(action) && len(pattern) <= 64 && len(action) <= 128 {
			var b strings.Builder
			b.WriteString(`(?is)\A`)
			for _, r := range pattern {
				switch r {
				case '*':
					b.WriteString(`.*`)
				case '?':
					b.WriteString(`.`)
				default:
					b.WriteString(regexp.QuoteMeta(string(r)))
				}
			}
			b.WriteString(`\z`)
			re := regexp.MustCompile(b.String())
			if want := re.MatchString(action); want != got {
				t.Fatalf("MatchAction(%q, %q) = %v, regexp %s says %v", pattern, action, got, b.String(), want)
			}
		}
	})
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// fuzzDocSeeds are the policy shapes every document fuzzer starts from.
var fuzzDocSeeds = []string{
	`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`,
	`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}]}`,
	`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`,
	`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-123"}}}]}`,
	`{"Statement":[{"Effect":"Allow","Principal":{"AWS":["*"]},"Action":"s3:*","Condition":{"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}}}]}`,
	`{"Statement":[{"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:*"}]}`,
	`{"Statement":[{"Effect":"Allow","Principal":{"Federated":"accounts.google.com"},"Action":"sts:AssumeRoleWithWebIdentity"}]}`,
	`{"Statement":[{"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:PutObject"}]}`,
	`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"x"}}}]}`,
	`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"StringEquals":{"kms:CallerAccount":"111122223333","kms:ViaService":"s3.us-east-1.amazonaws.com"}}}]}`,
	`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Condition":{"StringNotEquals":{"aws:SourceVpc":"vpc-1"},"ForAllValues:StringEquals":{"aws:SourceVpce":"vpce-1"}}}]}`,
	`{"Statement":[{"Effect":"Allow","Action":["iam:PassRole","ec2:RunInstances","lambda:UpdateFunctionCode"],"Resource":"*"},{"Effect":"Deny","Action":"*","Resource":"*"}]}`,
	`{"Statement":[{"Sid":"x","Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":true},"NumericLessThan":{"s3:TlsVersion":1.2}}}]}`,
	`{}`,
	`{"Statement":[]}`,
	`{"Statement":[{"Effect":"Allow","Principal":{},"Action":[],"Resource":[],"Condition":{}}]}`,
}

func FuzzParse(f *testing.F) {
	for _, s := range fuzzDocSeeds {
		f.Add(s)
	}
	f.Add(`{"Statement":[{"Effect":"allow"}]}`)
	f.Add(`{"Statement":"x"}`)
	f.Add(`[`)
	f.Fuzz(func(t *testing.T, doc string) {
		d, err := Parse(doc)
		if err != nil {
			return
		}
		// Canonical form parses back to the same document.
		b, err := json.Marshal(d)
		if err != nil {
			t.Fatalf("Marshal of %q: %v", doc, err)
		}
		d2, err := Parse(string(b))
		if err != nil {
			t.Fatalf("Parse of re-marshalled %s (from %q): %v", b, doc, err)
		}
		if diff := cmp.Diff(d, d2, ignoreRaw); diff != "" {
			t.Fatalf("round trip of %q via %s (-want +got):\n%s", doc, b, diff)
		}
		for i, s := range d.Statements {
			if s.Effect != "Allow" && s.Effect != "Deny" {
				t.Fatalf("statement %d Effect %q", i, s.Effect)
			}
			// Each statement's Raw is a statement that parses to itself.
			one, err := Parse(`{"Statement":[` + string(s.Raw) + `]}`)
			if err != nil || len(one.Statements) != 1 {
				t.Fatalf("Raw of statement %d (%s) does not parse: %v", i, s.Raw, err)
			}
			if diff := cmp.Diff(s, one.Statements[0], ignoreRaw); diff != "" {
				t.Fatalf("Raw of statement %d parses differently (-want +got):\n%s", i, diff)
			}
		}
		checkAnalysisInvariants(t, doc, d)
		checkEditInvariants(t, doc, d)
	})
}

// checkAnalysisInvariants holds what must be true of the analyses for any
// parsed document; it grows with the analyses.
func checkAnalysisInvariants(t *testing.T, doc string, d *Document) {
	t.Helper()
	before, _ := json.Marshal(d)

	admin, reason := IsAdmin(d)
	if reason == "" {
		t.Fatalf("IsAdmin(%q) gave no reason", doc)
	}
	wild := ServiceWildcards(d)
	if !slices.IsSorted(wild) || len(slices.Compact(slices.Clone(wild))) != len(wild) {
		t.Fatalf("ServiceWildcards(%q) = %v, not sorted and unique", doc, wild)
	}
	esc := PrivilegeEscalations(d)
	if admin && len(esc) == 0 && !slices.ContainsFunc(d.Statements, func(s Statement) bool { return s.Effect == "Deny" }) {
		t.Fatalf("%q is admin without a Deny but has no escalation paths", doc)
	}

	// A document with an unconditional Deny of everything grants nothing.
	denied := &Document{Version: d.Version, ID: d.ID, Statements: append(slices.Clone(d.Statements),
		Statement{Effect: "Deny", Action: []string{"*"}, Resource: []string{"*"}})}
	if ok, why := IsAdmin(denied); ok {
		t.Fatalf("IsAdmin with Deny * * = true (%s) for %q", why, doc)
	}
	if w := ServiceWildcards(denied); len(w) != 0 {
		t.Fatalf("ServiceWildcards with Deny * * = %v for %q", w, doc)
	}
	if e := PrivilegeEscalations(denied); len(e) != 0 {
		t.Fatalf("PrivilegeEscalations with Deny * * = %v for %q", e, doc)
	}

	after, _ := json.Marshal(d)
	if string(before) != string(after) {
		t.Fatalf("analyses mutated the document %q", doc)
	}
}

func FuzzIsPublic(f *testing.F) {
	f.Add(0, "StringEquals", "aws:PrincipalOrgID", "o-123", "")
	f.Add(1, "IpAddress", "aws:SourceIp", "0.0.0.0/0", "")
	f.Add(2, "StringLike", "aws:userid", "AROAEXAMPLE:*", "")
	f.Add(3, "ForAnyValue:StringEquals", "kms:CallerAccount", "111122223333", "")
	f.Add(4, "StringLike", "s3:DataAccessPointArn", "arn:aws:s3:us-east-1:111122223333:accesspoint/*", "")
	f.Add(5, "StringNotEquals", "aws:SourceVpc", "vpc-1", "")
	f.Add(6, "ArnLike", "aws:SourceArn", "arn:aws:sns:*:111122223333:t", "")
	for _, s := range fuzzDocSeeds {
		f.Add(0, "", "", "", s)
	}
	principals := []any{
		"*",
		map[string]any{"AWS": "*"},
		map[string]any{"AWS": []string{"arn:aws:iam::111122223333:root", "*"}},
		map[string]any{"Federated": "accounts.google.com"},
		map[string]any{"Service": "cloudtrail.amazonaws.com"},
		map[string]any{"AWS": "arn:aws:iam::111122223333:root"},
		map[string]any{"CanonicalUser": "abc"},
	}
	f.Fuzz(func(t *testing.T, pi int, op, key, value, doc string) {
		var d *Document
		if doc != "" {
			var err error
			if d, err = Parse(doc); err != nil {
				return
			}
		} else {
			if pi < 0 {
				pi = -pi
			}
			stmt := map[string]any{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
			if pi%(len(principals)+1) == len(principals) {
				stmt["NotPrincipal"] = map[string]any{"AWS": "arn:aws:iam::111122223333:root"}
			} else {
				stmt["Principal"] = principals[pi%(len(principals)+1)]
			}
			if op != "" {
				stmt["Condition"] = map[string]any{op: map[string]any{key: value}}
			}
			b, err := json.Marshal(map[string]any{"Statement": []any{stmt}})
			if err != nil {
				return
			}
			if d, err = Parse(string(b)); err != nil {
				return // e.g. an operator that differs from another only in case
			}
		}
		before, _ := json.Marshal(d)
		for _, o := range []PublicOptions{{}, {KMS: true}, {BucketPolicy: true, Account: "111122223333"}, {KMS: true, BucketPolicy: true}} {
			ps := PublicStatements(d, o)
			if IsPublic(d, o) != (len(ps) > 0) {
				t.Fatalf("IsPublic disagrees with PublicStatements for %s", before)
			}
			for _, p := range ps {
				if p.Index < 0 || p.Index >= len(d.Statements) || d.Statements[p.Index].Effect != "Allow" || p.Reason == "" || p.Sid != d.Statements[p.Index].Sid {
					t.Fatalf("bad public statement %+v for %s", p, before)
				}
			}
		}
		// Options only ever add restrictions.
		if IsPublic(d, PublicOptions{KMS: true, BucketPolicy: true}) && !IsPublic(d, PublicOptions{}) {
			t.Fatalf("KMS/BucketPolicy options made %s more public", before)
		}
		// Deny-only documents are never public.
		deny := &Document{Statements: slices.Clone(d.Statements)}
		for i := range deny.Statements {
			deny.Statements[i].Effect = "Deny"
		}
		if IsPublic(deny, PublicOptions{}) {
			t.Fatalf("Deny-only version of %s is public", before)
		}
		// A fixed organization condition on every statement restricts it.
		restricted := &Document{Statements: slices.Clone(d.Statements)}
		for i := range restricted.Statements {
			c := Condition{"StringEquals": {"aws:PrincipalOrgID": {"o-fixed"}}}
			for k, v := range restricted.Statements[i].Condition {
				if !strings.EqualFold(k, "StringEquals") {
					c[k] = v
				}
			}
			restricted.Statements[i].Condition = c
		}
		if IsPublic(restricted, PublicOptions{}) {
			t.Fatalf("%s is public despite a fixed aws:PrincipalOrgID", before)
		}
		// Weakening an operator never makes a statement less public.
		if op != "" && doc == "" && IsPublic(d, PublicOptions{}) {
			for _, weaker := range []string{op + "IfExists", "ForAllValues:" + op} {
				w := &Document{Statements: slices.Clone(d.Statements)}
				w.Statements[0].Condition = Condition{weaker: {key: {value}}}
				if !IsPublic(w, PublicOptions{}) {
					t.Fatalf("weaker operator %q restricts what %q left public", weaker, op)
				}
			}
		}
		// No principal at all (an identity policy) is never public.
		none := &Document{Statements: slices.Clone(d.Statements)}
		for i := range none.Statements {
			none.Statements[i].Principal, none.Statements[i].NotPrincipal = nil, nil
		}
		if IsPublic(none, PublicOptions{}) {
			t.Fatalf("%s without principals is public", before)
		}
		// Trust grants are public exactly for public statements that allow
		// assuming the role.
		publicIdx := map[int]bool{}
		for _, p := range PublicStatements(d, PublicOptions{Account: "111122223333"}) {
			publicIdx[p.Index] = true
		}
		grantIdx := map[int]bool{}
		for _, g := range TrustGrants(d, "111122223333") {
			if g.Public {
				grantIdx[g.Index] = true
				if !publicIdx[g.Index] {
					t.Fatalf("public trust grant %+v in a statement that is not public: %s", g, before)
				}
			}
			if g.Account != "" && !isAccountID(g.Account) {
				t.Fatalf("trust grant account %q", g.Account)
			}
		}
		for i := range publicIdx {
			if allowsAssume(d.Statements[i]) && !grantIdx[i] {
				t.Fatalf("public statement %d allows sts:AssumeRole but has no public grant: %s", i, before)
			}
		}
		if after, _ := json.Marshal(d); string(after) != string(before) {
			t.Fatalf("PublicStatements mutated %s", before)
		}
	})
}

// checkEditInvariants holds what RemoveStatements, UpsertStatement and
// Equivalent guarantee for any parsed document.
func checkEditInvariants(t *testing.T, doc string, d *Document) {
	t.Helper()
	if eq, err := Equivalent(doc, doc); err != nil || !eq {
		t.Fatalf("Equivalent(%q, itself) = %v, %v", doc, eq, err)
	}
	if n := len(d.Statements); n > 0 {
		out, err := RemoveStatements(doc, []int{0})
		if err != nil {
			t.Fatalf("RemoveStatements(%q, [0]): %v", doc, err)
		}
		r, err := Parse(out)
		if err != nil || len(r.Statements) != n-1 {
			t.Fatalf("RemoveStatements(%q, [0]) = %s: %v", doc, out, err)
		}
		for i, s := range r.Statements {
			if string(s.Raw) != string(d.Statements[i+1].Raw) {
				t.Fatalf("RemoveStatements changed statement %d: %s -> %s", i+1, d.Statements[i+1].Raw, s.Raw)
			}
		}
		if r.Version != d.Version || r.ID != d.ID {
			t.Fatalf("RemoveStatements lost Version/Id of %q", doc)
		}
	}
	stmt := json.RawMessage(`{"Sid":"FuzzSid","Effect":"Deny","Action":"*","Resource":"*"}`)
	out, err := UpsertStatement(doc, "FuzzSid", stmt)
	if err != nil {
		t.Fatalf("UpsertStatement(%q): %v", doc, err)
	}
	u, err := Parse(out)
	if err != nil {
		t.Fatalf("UpsertStatement(%q) = %s does not parse: %v", doc, out, err)
	}
	if again, err := UpsertStatement(out, "FuzzSid", stmt); err != nil || again != out {
		t.Fatalf("second UpsertStatement changed %s to %s (%v)", out, again, err)
	}
	var kept []string
	for _, s := range d.Statements {
		if s.Sid != "FuzzSid" {
			kept = append(kept, string(s.Raw))
		}
	}
	var got []string
	found := 0
	for _, s := range u.Statements {
		if s.Sid == "FuzzSid" {
			found++
			continue
		}
		got = append(got, string(s.Raw))
	}
	if found != 1 || !cmp.Equal(kept, got) {
		t.Fatalf("UpsertStatement(%q) = %s: %d FuzzSid statements, others changed", doc, out, found)
	}
	if ok, _ := IsAdmin(u); ok {
		t.Fatalf("IsAdmin true after upserting Deny * * into %q", doc)
	}
}
