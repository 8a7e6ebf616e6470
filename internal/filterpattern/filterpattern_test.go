package filterpattern

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseTree(t *testing.T) {
	tests := []struct {
		src  string
		want string
	}{
		{`{ $.eventName = CreateVpc }`, `{ $.eventName = "CreateVpc" }`},
		{`{($.eventName=CreateVpc)||($.eventName="DeleteVpc")}`, `{ ($.eventName = "CreateVpc") || ($.eventName = "DeleteVpc") }`},
		{"{\n  $.a = 1 &&\n  $.b != \"x y\" || $.c > 2\n}", `{ (($.a = "1") && ($.b != "x y")) || ($.c > "2") }`},
		{`{ $.a[0].b.c <= -1.5 }`, `{ $.a[0].b.c <= "-1.5" }`},
		{`{ $.x IS NULL && $.y NOT EXISTS && $.z is true && $.w IS FALSE }`, `{ ($.x IS NULL) && ($.y NOT EXISTS) && ($.z IS TRUE) && ($.w IS FALSE) }`},
		{`{ $.errorCode = "*UnauthorizedOperation" }`, `{ $.errorCode = "*UnauthorizedOperation" }`},
		{`{ $.eventName = %^Create.*% }`, `{ $.eventName = %^Create.*% }`},
		{`{ $.msg = "say \"hi\"" }`, `{ $.msg = "say \"hi\"" }`},
		{`{ ((($.a = 1))) }`, `{ $.a = "1" }`},
	}
	for _, tt := range tests {
		p, err := Parse(tt.src)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.src, err)
			continue
		}
		if got := p.String(); got != tt.want {
			t.Errorf("Parse(%q) = %s, want %s", tt.src, got, tt.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, src := range []string{
		`{ }`, `{ $.a = }`, `{ $.a == 1 && }`, `{ $.a = 1`, `{ ($.a = 1 }`, `{ a = 1 }`, `{ $. = 1 }`, `{ $.a[x] = 1 }`,
		`{ $.a > abc }`, `{ $.a IS MAYBE }`, `{ $.a NOT THERE }`, `{ $.a = "open }`, `{ $.a = %[% }`, `{ $.a = 1 } trailing`,
		`{ $.a = 1 | $.b = 2 }`, `{ $ = 1 }`,
	} {
		_, err := Parse(src)
		var se *SyntaxError
		if err == nil {
			t.Errorf("Parse(%q): want an error", src)
		} else if !errors.As(err, &se) {
			t.Errorf("Parse(%q): error %T, want *SyntaxError", src, err)
		}
	}
	if _, err := Parse(`ERROR "Failed authentication"`); !errors.Is(err, ErrNotJSON) {
		t.Errorf("term pattern: err = %v, want ErrNotJSON", err)
	}
}

func TestMatch(t *testing.T) {
	ev := map[string]any{
		"eventName": "CreateVpc", "n": 42.0, "flag": true, "off": false, "nothing": nil,
		"obj":  map[string]any{"list": []any{map[string]any{"id": 2.0}, "x"}},
		"text": "Failed authentication",
	}
	tests := []struct {
		src  string
		want bool
	}{
		{`{ $.eventName = CreateVpc }`, true},
		{`{ $.eventName = "Create*" }`, true},
		{`{ $.eventName = *Vpc }`, true},
		{`{ $.eventName = C*e*c }`, true},
		{`{ $.eventName = C*z*c }`, false},
		{`{ $.eventName != CreateVpc }`, false},
		{`{ $.missing != CreateVpc }`, false},
		{`{ $.n = 42 }`, true},
		{`{ $.n = 42.0 }`, true},
		{`{ $.n > 41 && $.n < 43 && $.n >= 42 && $.n <= 42 }`, true},
		{`{ $.n > 42 }`, false},
		{`{ $.text > 1 }`, false},
		{`{ $.flag IS TRUE && $.off IS FALSE }`, true},
		{`{ $.flag IS FALSE }`, false},
		{`{ $.nothing IS NULL && $.absent NOT EXISTS }`, true},
		{`{ $.absent IS NULL }`, false},
		{`{ $.eventName NOT EXISTS }`, false},
		{`{ $.obj.list[0].id = 2 }`, true},
		{`{ $.obj.list[1] = x }`, true},
		{`{ $.obj.list[5] = x }`, false},
		{`{ $.obj = x }`, false},
		{`{ $.text = "Failed authentication" }`, true},
		{`{ $.eventName = %Vp.$% }`, true},
		{`{ $.eventName = X || $.n = 42 && $.flag IS TRUE }`, true},
		{`{ ($.eventName = X || $.n = 42) && $.flag IS FALSE }`, false},
	}
	for _, tt := range tests {
		p, err := Parse(tt.src)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.src, err)
		}
		if got := p.Match(ev); got != tt.want {
			t.Errorf("%s matches = %v, want %v", tt.src, got, tt.want)
		}
	}
}

// variants renders a pattern in equivalent ways: reversed clause order,
// every value quoted, values bare where they can be, no spaces, and
// spread over lines.
func variants(t *testing.T, src string) []string {
	t.Helper()
	p, err := Parse(src)
	if err != nil {
		t.Fatalf("Parse(%q): %v", src, err)
	}
	return []string{
		src,
		p.String(),
		"{" + render(p.Root, style{reverse: true}) + "}",
		"{" + render(p.Root, style{bare: true, tight: true}) + "}",
		"{\n\t" + render(p.Root, style{newlines: true, reverse: true, bare: true}) + "\n}",
		"{ ( " + render(p.Root, style{}) + " ) }",
	}
}

type style struct{ reverse, bare, tight, newlines bool }

func render(n Node, s style) string {
	sp := " "
	if s.tight {
		sp = ""
	}
	switch n := n.(type) {
	case *Or, *And:
		var terms []Node
		op := "&&"
		if o, ok := n.(*Or); ok {
			terms, op = append(terms, o.Terms...), "||"
		} else {
			terms = append(terms, n.(*And).Terms...)
		}
		if s.reverse {
			for i, j := 0, len(terms)-1; i < j; i, j = i+1, j-1 {
				terms[i], terms[j] = terms[j], terms[i]
			}
		}
		parts := make([]string, len(terms))
		for i, t := range terms {
			parts[i] = "(" + render(t, s) + ")"
		}
		sep := sp + op + sp
		if s.newlines {
			sep = "\n  " + op + " "
		}
		return strings.Join(parts, sep)
	case *Comparison:
		v := n.Value.String()
		if s.bare && !n.Value.Regex && n.Value.Text != "" && !strings.ContainsAny(n.Value.Text, " \t\n()&|\"}{%") {
			v = n.Value.Text
		}
		return n.Selector.String() + sp + string(n.Op) + sp + v
	case *Test:
		return n.String()
	}
	return ""
}

func TestCISCanonicalPatternsInEquivalentForms(t *testing.T) {
	for _, req := range CIS() {
		for _, v := range variants(t, req.Pattern) {
			c, err := Covers(v, req)
			if err != nil {
				t.Fatalf("%s: Covers(%q): %v", req.ID, v, err)
			}
			if !c.Covered {
				t.Errorf("%s: %q does not cover %v", req.ID, v, c.Missed)
			}
		}
	}
}

func TestCISHandWrittenForms(t *testing.T) {
	tests := []struct {
		id, pattern string
	}{
		{"4.3", `{$.userIdentity.type="Root"&&$.userIdentity.invokedBy NOT EXISTS&&$.eventType!="AwsServiceEvent"}`},
		{"4.3", "{ ( $.eventType != AwsServiceEvent ) &&\n ( $.userIdentity.invokedBy NOT EXISTS ) &&\n ( $.userIdentity.type = Root ) }"},
		{"4.2", `{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }`},
		{"4.6", `{($.errorMessage="Failed authentication")&&($.eventName=ConsoleLogin)}`},
		{"4.7", `{ ($.eventName = ScheduleKeyDeletion || $.eventName = DisableKey) && $.eventSource = "kms.amazonaws.com" }`},
		{"4.5", `{ $.eventName = CreateTrail || $.eventName = UpdateTrail || $.eventName = DeleteTrail || $.eventName = StartLogging || $.eventName = StopLogging }`},
		{"4.5", `{ $.eventSource = cloudtrail.amazonaws.com && ($.eventName = *Trail || $.eventName = *Logging) }`},
		{"4.1", `{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }`},
		{"4.10", `{ $.eventName = %^(Authorize|Revoke)SecurityGroup(Ingress|Egress)$% || $.eventName = CreateSecurityGroup || $.eventName = DeleteSecurityGroup }`},
	}
	for _, tt := range tests {
		req, _ := CISRequirement(tt.id)
		c, err := Covers(tt.pattern, req)
		if err != nil || !c.Covered {
			t.Errorf("%s: %q: covered=%v missed=%v err=%v", tt.id, tt.pattern, c.Covered, c.Missed, err)
		}
	}
}

func TestCISPatternsMissingAnEventFail(t *testing.T) {
	for _, req := range CIS() {
		p, err := Parse(req.Pattern)
		if err != nil {
			t.Fatal(err)
		}
		// Drop each OR term that names an event, one at a time.
		or := findOr(p.Root)
		if or == nil {
			continue
		}
		for i := range or.Terms {
			saved := or.Terms
			or.Terms = append(append([]Node(nil), saved[:i]...), saved[i+1:]...)
			if c := p.Covers(req); c.Covered {
				t.Errorf("%s without term %d (%s) still covers", req.ID, i, saved[i])
			} else if len(c.Missed) == 0 {
				t.Errorf("%s: not covered but nothing missed", req.ID)
			}
			or.Terms = saved
		}
	}
	bad := []struct{ id, pattern string }{
		{"4.2", `{ ($.eventName = "ConsoleLogin") && ($.userIdentity.sessionContext.attributes.mfaAuthenticated = "false") }`},
		{"4.3", `{ $.userIdentity.type = "Root" && $.eventType = "AwsApiCall" }`},
		{"4.6", `{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed Authentication") }`},
		{"4.7", `{ ($.eventSource = kms.amazonaws.com) && ($.eventName = DisableKey) }`},
		{"4.1", `{ $.errorCode = "AccessDenied" }`},
		{"4.14", `ConsoleLogin`},
	}
	for _, tt := range bad {
		req, _ := CISRequirement(tt.id)
		c, err := Covers(tt.pattern, req)
		if err != nil || c.Covered {
			t.Errorf("%s: %q: want not covered, got %v (%v)", tt.id, tt.pattern, c, err)
		}
	}
	if _, err := Covers(`{ $.eventName = `, CIS()[0]); err == nil {
		t.Error("malformed pattern: want an error")
	}
}

func findOr(n Node) *Or {
	switch n := n.(type) {
	case *Or:
		return n
	case *And:
		for _, t := range n.Terms {
			if o := findOr(t); o != nil {
				return o
			}
		}
	}
	return nil
}

func TestCISRequirementLookup(t *testing.T) {
	if len(CIS()) != 15 {
		t.Fatalf("CIS() has %d requirements, want 15", len(CIS()))
	}
	r, ok := CISRequirement("cmk-disable-or-deletion")
	if !ok || r.ID != "4.7" {
		t.Fatalf("lookup by name: %v %v", r.ID, ok)
	}
	if diff := cmp.Diff([]string{"DisableKey", "ScheduleKeyDeletion"}, r.EventNames()); diff != "" {
		t.Errorf("EventNames (-want +got):\n%s", diff)
	}
	if _, ok := CISRequirement("9.9"); ok {
		t.Error("unknown id found")
	}
}
