// Package filterpattern parses CloudWatch Logs JSON filter patterns, such
// as { ($.eventName = CreateVpc) || ($.eventName = "DeleteVpc") }, into a
// tree, evaluates the tree against JSON events, and decides whether a
// pattern covers every event a requirement (such as a CIS 4.x alarm)
// needs, whatever its quoting, spacing, newlines and clause order.
//
// The grammar is the JSON pattern syntax of CloudWatch Logs:
//
//	pattern  = "{" expr "}"
//	expr     = and { "||" and }
//	and      = unary { "&&" unary }
//	unary    = "(" expr ")" | cond
//	cond     = selector op value | selector "IS" ("NULL" | "TRUE" | "FALSE") | selector "NOT" "EXISTS"
//	selector = "$" { "." name | "[" index "]" }
//	op       = "=" | "!=" | "<" | ">" | "<=" | ">="
//	value    = quoted string | %regular expression% | bare word
//
// && binds tighter than ||. Values may hold the wildcard "*". Keywords are
// case-insensitive.
package filterpattern

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Node is a node of a parsed pattern: *Or, *And, *Comparison or *Test.
type Node interface {
	// String renders the node in a canonical form that Parse reads back
	// to the same tree.
	String() string
	match(ev any) bool
}

// Or matches when any of its terms matches.
type Or struct{ Terms []Node }

// And matches when every one of its terms matches.
type And struct{ Terms []Node }

// Op is a comparison operator.
type Op string

// The comparison operators.
const (
	OpEq Op = "="
	OpNe Op = "!="
	OpLt Op = "<"
	OpGt Op = ">"
	OpLe Op = "<="
	OpGe Op = ">="
)

// Step is one step of a selector: a field name or an array index.
type Step struct {
	Field   string
	Index   int
	IsIndex bool
}

// Selector is a path into a JSON event, such as $.userIdentity.type or
// $.resources[0].ARN.
type Selector []Step

// Value is the right-hand side of a comparison.
type Value struct {
	// Text is the value with quotes removed and escapes resolved.
	Text string
	// Regex is set for a %regular expression% value.
	Regex bool
	re    *regexp.Regexp
}

// Comparison compares the value at a selector with a value.
type Comparison struct {
	Selector Selector
	Op       Op
	Value    Value
}

// TestKind is the kind of a Test.
type TestKind string

// The tests.
const (
	IsNull    TestKind = "IS NULL"
	IsTrue    TestKind = "IS TRUE"
	IsFalse   TestKind = "IS FALSE"
	NotExists TestKind = "NOT EXISTS"
)

// Test checks a selector for null, true, false or absence.
type Test struct {
	Selector Selector
	Kind     TestKind
}

// Pattern is a parsed JSON filter pattern.
type Pattern struct {
	// Source is the text that was parsed.
	Source string
	// Root is the tree.
	Root Node
}

// String renders the pattern canonically.
func (p *Pattern) String() string { return "{ " + p.Root.String() + " }" }

// Match reports whether the pattern matches a decoded JSON event (as
// encoding/json decodes into any: map[string]any, []any, string, float64,
// bool, nil).
func (p *Pattern) Match(event any) bool { return p.Root.match(event) }

// SyntaxError is a pattern that does not parse.
type SyntaxError struct {
	Offset int
	Msg    string
}

// Error says where the pattern went wrong.
func (e *SyntaxError) Error() string {
	return fmt.Sprintf("filterpattern: at offset %d: %s", e.Offset, e.Msg)
}

// ErrNotJSON is returned for patterns that are not JSON patterns (term or
// space-delimited patterns); they cannot select JSON fields.
var ErrNotJSON = errors.New("filterpattern: not a JSON pattern (it must be enclosed in { })")

// maxDepth bounds nesting so a hostile pattern cannot exhaust the stack.
const maxDepth = 100

// Parse parses a JSON filter pattern.
func Parse(src string) (*Pattern, error) {
	p := &parser{src: src}
	p.skip()
	if p.pos >= len(src) || src[p.pos] != '{' {
		return nil, ErrNotJSON
	}
	p.pos++
	root, err := p.expr(0)
	if err != nil {
		return nil, err
	}
	p.skip()
	if p.pos >= len(src) || src[p.pos] != '}' {
		return nil, p.errf("want } or an operator (&&, ||)")
	}
	p.pos++
	p.skip()
	if p.pos != len(src) {
		return nil, p.errf("unexpected text after }")
	}
	return &Pattern{Source: src, Root: root}, nil
}

type parser struct {
	src string
	pos int
}

func (p *parser) errf(format string, args ...any) error {
	return &SyntaxError{Offset: p.pos, Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) skip() {
	for p.pos < len(p.src) {
		switch p.src[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *parser) peek(s string) bool { return strings.HasPrefix(p.src[p.pos:], s) }

func (p *parser) expr(depth int) (Node, error) {
	if depth > maxDepth {
		return nil, p.errf("nested too deeply")
	}
	var terms []Node
	for {
		n, err := p.and(depth)
		if err != nil {
			return nil, err
		}
		terms = append(terms, n)
		p.skip()
		if !p.peek("||") {
			break
		}
		p.pos += 2
	}
	if len(terms) == 1 {
		return terms[0], nil
	}
	return &Or{Terms: terms}, nil
}

func (p *parser) and(depth int) (Node, error) {
	var terms []Node
	for {
		n, err := p.unary(depth)
		if err != nil {
			return nil, err
		}
		terms = append(terms, n)
		p.skip()
		if !p.peek("&&") {
			break
		}
		p.pos += 2
	}
	if len(terms) == 1 {
		return terms[0], nil
	}
	return &And{Terms: terms}, nil
}

func (p *parser) unary(depth int) (Node, error) {
	p.skip()
	if p.peek("(") {
		p.pos++
		n, err := p.expr(depth + 1)
		if err != nil {
			return nil, err
		}
		p.skip()
		if !p.peek(")") {
			return nil, p.errf("want )")
		}
		p.pos++
		return n, nil
	}
	return p.cond()
}

func (p *parser) cond() (Node, error) {
	sel, err := p.selector()
	if err != nil {
		return nil, err
	}
	p.skip()
	for _, op := range []Op{OpNe, OpLe, OpGe, OpEq, OpLt, OpGt} {
		if p.peek(string(op)) {
			p.pos += len(op)
			v, err := p.value()
			if err != nil {
				return nil, err
			}
			if (op == OpLt || op == OpGt || op == OpLe || op == OpGe) && (v.Regex || !isNumber(v.Text)) {
				return nil, p.errf("operator %s needs a number, got %q", op, v.Text)
			}
			return &Comparison{Selector: sel, Op: op, Value: v}, nil
		}
	}
	w1 := p.word()
	switch strings.ToUpper(w1) {
	case "IS":
		p.skip()
		switch w2 := strings.ToUpper(p.word()); w2 {
		case "NULL":
			return &Test{Selector: sel, Kind: IsNull}, nil
		case "TRUE":
			return &Test{Selector: sel, Kind: IsTrue}, nil
		case "FALSE":
			return &Test{Selector: sel, Kind: IsFalse}, nil
		}
		return nil, p.errf("want NULL, TRUE or FALSE after IS")
	case "NOT":
		p.skip()
		if strings.ToUpper(p.word()) == "EXISTS" {
			return &Test{Selector: sel, Kind: NotExists}, nil
		}
		return nil, p.errf("want EXISTS after NOT")
	}
	return nil, p.errf("want an operator (=, !=, <, >, <=, >=, IS, NOT EXISTS) after the selector")
}

// word reads letters.
func (p *parser) word() string {
	start := p.pos
	for p.pos < len(p.src) && (p.src[p.pos] >= 'a' && p.src[p.pos] <= 'z' || p.src[p.pos] >= 'A' && p.src[p.pos] <= 'Z') {
		p.pos++
	}
	return p.src[start:p.pos]
}

func nameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '@' || c == ':' || c >= 0x80
}

func (p *parser) selector() (Selector, error) {
	p.skip()
	if !p.peek("$") {
		return nil, p.errf("want a selector starting with $")
	}
	p.pos++
	var sel Selector
	for p.pos < len(p.src) {
		switch p.src[p.pos] {
		case '.':
			p.pos++
			start := p.pos
			for p.pos < len(p.src) && nameByte(p.src[p.pos]) {
				p.pos++
			}
			if p.pos == start {
				return nil, p.errf("want a field name after .")
			}
			sel = append(sel, Step{Field: p.src[start:p.pos]})
		case '[':
			p.pos++
			start := p.pos
			for p.pos < len(p.src) && p.src[p.pos] >= '0' && p.src[p.pos] <= '9' {
				p.pos++
			}
			n, err := strconv.Atoi(p.src[start:p.pos])
			if err != nil || n > 1<<20 {
				return nil, p.errf("want an array index")
			}
			if !p.peek("]") {
				return nil, p.errf("want ]")
			}
			p.pos++
			sel = append(sel, Step{Index: n, IsIndex: true})
		default:
			if len(sel) == 0 {
				return nil, p.errf("want .field or [index] after $")
			}
			return sel, nil
		}
	}
	if len(sel) == 0 {
		return nil, p.errf("want .field or [index] after $")
	}
	return sel, nil
}

func (p *parser) value() (Value, error) {
	p.skip()
	if p.pos >= len(p.src) {
		return Value{}, p.errf("want a value")
	}
	switch p.src[p.pos] {
	case '"':
		p.pos++
		var b strings.Builder
		for p.pos < len(p.src) {
			c := p.src[p.pos]
			switch {
			case c == '\\' && p.pos+1 < len(p.src):
				b.WriteByte(p.src[p.pos+1])
				p.pos += 2
			case c == '"':
				p.pos++
				return Value{Text: b.String()}, nil
			default:
				b.WriteByte(c)
				p.pos++
			}
		}
		return Value{}, p.errf("unterminated string")
	case '%':
		p.pos++
		end := strings.IndexByte(p.src[p.pos:], '%')
		if end < 0 {
			return Value{}, p.errf("unterminated regular expression")
		}
		text := p.src[p.pos : p.pos+end]
		re, err := regexp.Compile(text)
		if err != nil {
			return Value{}, p.errf("bad regular expression: %v", err)
		}
		p.pos += end + 1
		return Value{Text: text, Regex: true, re: re}, nil
	}
	start := p.pos
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ')' || c == '(' || c == '}' || c == '"' || p.peek("&&") || p.peek("||") {
			break
		}
		p.pos++
	}
	if p.pos == start {
		return Value{}, p.errf("want a value")
	}
	return Value{Text: p.src[start:p.pos]}, nil
}

func isNumber(s string) bool {
	_, err := strconv.ParseFloat(s, 64)
	return err == nil && !strings.ContainsAny(s, "xXpP_") && strings.ToLower(s) != "inf" && !strings.Contains(strings.ToLower(s), "nan") && !strings.Contains(strings.ToLower(s), "inf")
}

// String renders the selector as $.a.b[0].
func (s Selector) String() string {
	var b strings.Builder
	b.WriteByte('$')
	for _, st := range s {
		if st.IsIndex {
			fmt.Fprintf(&b, "[%d]", st.Index)
		} else {
			b.WriteString("." + st.Field)
		}
	}
	return b.String()
}

// String renders the value quoted (or as %regex%).
func (v Value) String() string {
	if v.Regex {
		return "%" + v.Text + "%"
	}
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(v.Text) + `"`
}

// String renders the terms, each in parentheses, joined by ||.
func (n *Or) String() string { return join(n.Terms, " || ") }

// String renders the terms, each in parentheses, joined by &&.
func (n *And) String() string { return join(n.Terms, " && ") }

func join(terms []Node, sep string) string {
	parts := make([]string, len(terms))
	for i, t := range terms {
		parts[i] = "(" + t.String() + ")"
	}
	return strings.Join(parts, sep)
}

// String renders the comparison as selector, operator and quoted value.
func (n *Comparison) String() string {
	return n.Selector.String() + " " + string(n.Op) + " " + n.Value.String()
}

// String renders the test as selector and keyword.
func (n *Test) String() string { return n.Selector.String() + " " + string(n.Kind) }
