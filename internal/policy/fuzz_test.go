package policy

import (
	"encoding/json"
	"net/url"
	"regexp"
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
	})
}

// checkAnalysisInvariants holds what must be true of the analyses for any
// parsed document; it grows with the analyses.
func checkAnalysisInvariants(t *testing.T, doc string, d *Document) {
	t.Helper()
	before, _ := json.Marshal(d)
	after, _ := json.Marshal(d)
	if string(before) != string(after) {
		t.Fatalf("analyses mutated the document %q", doc)
	}
}
