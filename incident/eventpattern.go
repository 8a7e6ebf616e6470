package incident

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"slices"
	"sort"
	"strings"
)

// eventPattern is a parsed EventBridge event pattern. Every field must
// match and, when alternatives ($or) are present, at least one of them.
// Leaf values are sets: order and duplicates do not matter.
type eventPattern struct {
	fields map[string]*patternNode
	or     []*eventPattern
}

// patternNode is the value of one field: a list of matchers (a leaf) or a
// nested pattern.
type patternNode struct {
	leaf []patternMatcher
	sub  *eventPattern
}

// patternMatcher is one element of a leaf list.
type patternMatcher struct {
	// kind is "exact", "prefix", "suffix", "equals-ignore-case",
	// "wildcard", "exists", "anything-but", "literal" (a number, boolean or
	// null, which never equals a string) or "opaque" (numeric, cidr and
	// matchers this library does not evaluate: they match no string).
	kind string
	// value is the string operand; for anything-but, values holds the
	// excluded strings and inner the kind applied to each.
	value  string
	values []string
	nums   []string // anything-but numbers, kept for canonical form only
	inner  string
	exists bool
}

const maxPatternDepth = 32

var errPattern = errors.New("invalid event pattern")

// parseEventPattern parses an event pattern's JSON.
func parseEventPattern(doc string) (*eventPattern, error) {
	d := json.NewDecoder(strings.NewReader(doc))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, fmt.Errorf("%w: %v", errPattern, err)
	}
	if d.More() {
		return nil, fmt.Errorf("%w: data after the top-level object", errPattern)
	}
	if _, err := d.Token(); err == nil {
		return nil, fmt.Errorf("%w: data after the top-level object", errPattern)
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%w: the pattern is not a JSON object", errPattern)
	}
	return parsePatternObject(obj, 0)
}

func parsePatternObject(obj map[string]any, depth int) (*eventPattern, error) {
	if depth > maxPatternDepth {
		return nil, fmt.Errorf("%w: nested more than %d levels", errPattern, maxPatternDepth)
	}
	if len(obj) == 0 {
		return nil, fmt.Errorf("%w: empty object", errPattern)
	}
	p := &eventPattern{fields: map[string]*patternNode{}}
	for k, v := range obj {
		if k == "$or" {
			alts, ok := v.([]any)
			if !ok || len(alts) < 2 {
				return nil, fmt.Errorf("%w: $or needs an array of at least two patterns", errPattern)
			}
			for _, a := range alts {
				o, ok := a.(map[string]any)
				if !ok {
					return nil, fmt.Errorf("%w: $or holds a non-object", errPattern)
				}
				sub, err := parsePatternObject(o, depth+1)
				if err != nil {
					return nil, err
				}
				p.or = append(p.or, sub)
			}
			continue
		}
		switch t := v.(type) {
		case map[string]any:
			sub, err := parsePatternObject(t, depth+1)
			if err != nil {
				return nil, err
			}
			p.fields[k] = &patternNode{sub: sub}
		case []any:
			if len(t) == 0 {
				return nil, fmt.Errorf("%w: field %q has an empty list", errPattern, k)
			}
			var leaf []patternMatcher
			for _, e := range t {
				m, err := parseMatcher(e)
				if err != nil {
					return nil, fmt.Errorf("field %q: %w", k, err)
				}
				leaf = append(leaf, m)
			}
			p.fields[k] = &patternNode{leaf: leaf}
		default:
			return nil, fmt.Errorf("%w: field %q must be a list or an object", errPattern, k)
		}
	}
	return p, nil
}

func parseMatcher(e any) (patternMatcher, error) {
	switch t := e.(type) {
	case string:
		return patternMatcher{kind: "exact", value: t}, nil
	case json.Number:
		return patternMatcher{kind: "literal", value: t.String()}, nil
	case bool:
		return patternMatcher{kind: "literal", value: fmt.Sprint(t)}, nil
	case nil:
		return patternMatcher{kind: "literal", value: "null"}, nil
	case map[string]any:
		if len(t) != 1 {
			return patternMatcher{}, fmt.Errorf("%w: a matcher object has %d keys, want 1", errPattern, len(t))
		}
		for k, v := range t {
			switch k {
			case "prefix", "suffix":
				if s, ok := v.(string); ok {
					return patternMatcher{kind: k, value: s}, nil
				}
				if o, ok := v.(map[string]any); ok && len(o) == 1 {
					if s, ok := o["equals-ignore-case"].(string); ok {
						return patternMatcher{kind: k + "-ignore-case", value: s}, nil
					}
				}
				return patternMatcher{}, fmt.Errorf("%w: %s needs a string", errPattern, k)
			case "equals-ignore-case", "wildcard":
				s, ok := v.(string)
				if !ok {
					return patternMatcher{}, fmt.Errorf("%w: %s needs a string", errPattern, k)
				}
				return patternMatcher{kind: k, value: s}, nil
			case "exists":
				b, ok := v.(bool)
				if !ok {
					return patternMatcher{}, fmt.Errorf("%w: exists needs true or false", errPattern)
				}
				return patternMatcher{kind: "exists", exists: b}, nil
			case "anything-but":
				return parseAnythingBut(v)
			default:
				// numeric, cidr and newer matchers: valid in AWS, never
				// satisfied by the string values this library asks about.
				b, _ := json.Marshal(v)
				return patternMatcher{kind: "opaque", inner: k, value: string(b)}, nil
			}
		}
	}
	return patternMatcher{}, fmt.Errorf("%w: unsupported list element %T", errPattern, e)
}

func parseAnythingBut(v any) (patternMatcher, error) {
	m := patternMatcher{kind: "anything-but", inner: "exact"}
	switch t := v.(type) {
	case string:
		m.values = []string{t}
	case json.Number:
		m.nums = []string{t.String()} // a number never equals a string
	case []any:
		for _, e := range t {
			switch s := e.(type) {
			case string:
				m.values = append(m.values, s)
			case json.Number:
				m.nums = append(m.nums, s.String())
			default:
				return m, fmt.Errorf("%w: anything-but list holds %T", errPattern, e)
			}
		}
		if len(m.values)+len(m.nums) == 0 {
			return m, fmt.Errorf("%w: anything-but with an empty list", errPattern)
		}
	case map[string]any:
		if len(t) != 1 {
			return m, fmt.Errorf("%w: anything-but object needs one key", errPattern)
		}
		for k, iv := range t {
			switch k {
			case "prefix", "suffix", "equals-ignore-case", "wildcard":
			default:
				return m, fmt.Errorf("%w: anything-but does not take %q", errPattern, k)
			}
			m.inner = k
			switch s := iv.(type) {
			case string:
				m.values = []string{s}
			case []any:
				for _, e := range s {
					str, ok := e.(string)
					if !ok {
						return m, fmt.Errorf("%w: anything-but %s list holds %T", errPattern, k, e)
					}
					m.values = append(m.values, str)
				}
				if len(m.values) == 0 {
					return m, fmt.Errorf("%w: anything-but %s with an empty list", errPattern, k)
				}
			default:
				return m, fmt.Errorf("%w: anything-but %s needs a string", errPattern, k)
			}
		}
	default:
		return m, fmt.Errorf("%w: anything-but needs a string, list or object", errPattern)
	}
	return m, nil
}

// matches reports whether the pattern matches every event of a shape: a
// set of fields (dotted paths such as "detail.userIdentity.type") whose
// values are known. A constraint on a field the shape leaves open narrows
// the pattern, so it does not match.
func (p *eventPattern) matches(shape map[string]string) bool {
	return p.matchesAt("", shape)
}

func (p *eventPattern) matchesAt(prefix string, shape map[string]string) bool {
	for k, n := range p.fields {
		key := k
		if prefix != "" {
			key = prefix + "." + k
		}
		if n.sub != nil {
			if !n.sub.matchesAt(key, shape) {
				return false
			}
			continue
		}
		v, ok := shape[key]
		if !slices.ContainsFunc(n.leaf, func(m patternMatcher) bool { return m.match(v, ok) }) {
			return false
		}
	}
	if len(p.or) == 0 {
		return true
	}
	return slices.ContainsFunc(p.or, func(alt *eventPattern) bool { return alt.matchesAt(prefix, shape) })
}

func (m patternMatcher) match(v string, present bool) bool {
	if m.kind == "exists" {
		// exists:false asks for an absent field; a shape's open fields
		// may be present, so only exists:true on a known field matches.
		return m.exists && present
	}
	if !present {
		return false
	}
	switch m.kind {
	case "anything-but":
		return !slices.ContainsFunc(m.values, func(x string) bool { return stringMatch(m.inner, x, v) })
	case "literal", "opaque":
		return false
	}
	return stringMatch(m.kind, m.value, v)
}

func stringMatch(kind, operand, v string) bool {
	switch kind {
	case "exact":
		return v == operand
	case "prefix":
		return strings.HasPrefix(v, operand)
	case "suffix":
		return strings.HasSuffix(v, operand)
	case "prefix-ignore-case":
		return len(v) >= len(operand) && strings.EqualFold(v[:len(operand)], operand)
	case "suffix-ignore-case":
		return len(v) >= len(operand) && strings.EqualFold(v[len(v)-len(operand):], operand)
	case "equals-ignore-case":
		return strings.EqualFold(v, operand)
	case "wildcard":
		return wildcardMatch(operand, v)
	}
	return false
}

// wildcardMatch matches EventBridge wildcards: '*' is any run of
// characters, '\*' a literal star.
func wildcardMatch(pat, v string) bool {
	// Translate to path.Match syntax, escaping its other metacharacters.
	var b strings.Builder
	for i := 0; i < len(pat); i++ {
		c := pat[i]
		switch {
		case c == '\\' && i+1 < len(pat) && pat[i+1] == '*':
			b.WriteString(`\*`)
			i++
		case c == '*':
			b.WriteByte('*')
		case c == '?' || c == '[' || c == ']' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '/':
			// path.Match's '*' stops at '/'; handled below.
			b.WriteByte(0)
		default:
			b.WriteByte(c)
		}
	}
	ok, err := path.Match(b.String(), strings.ReplaceAll(v, "/", "\x00"))
	return err == nil && ok
}

// canonical renders the pattern with sorted keys and sorted, de-duplicated
// sets, so that two patterns with the same meaning render the same.
func (p *eventPattern) canonical() string {
	var b bytes.Buffer
	p.write(&b)
	return b.String()
}

func (p *eventPattern) write(b *bytes.Buffer) {
	keys := make([]string, 0, len(p.fields))
	for k := range p.fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		b.Write(kb)
		b.WriteByte(':')
		n := p.fields[k]
		if n.sub != nil {
			n.sub.write(b)
			continue
		}
		var elems []string
		for _, m := range n.leaf {
			elems = append(elems, m.canonical())
		}
		sort.Strings(elems)
		elems = slices.Compact(elems)
		b.WriteString("[" + strings.Join(elems, ",") + "]")
	}
	if len(p.or) > 0 {
		var alts []string
		for _, a := range p.or {
			alts = append(alts, a.canonical())
		}
		sort.Strings(alts)
		alts = slices.Compact(alts)
		if len(keys) > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`"$or":[` + strings.Join(alts, ",") + "]")
	}
	b.WriteByte('}')
}

func (m patternMatcher) canonical() string {
	q := func(s string) string { b, _ := json.Marshal(s); return string(b) }
	switch m.kind {
	case "exact":
		return q(m.value)
	case "literal":
		return m.value
	case "exists":
		return fmt.Sprintf(`{"exists":%t}`, m.exists)
	case "prefix-ignore-case":
		return `{"prefix":{"equals-ignore-case":` + q(m.value) + `}}`
	case "suffix-ignore-case":
		return `{"suffix":{"equals-ignore-case":` + q(m.value) + `}}`
	case "opaque":
		return "{" + q(m.inner) + ":" + m.value + "}"
	case "anything-but":
		var parts []string
		for _, v := range m.values {
			parts = append(parts, q(v))
		}
		parts = append(parts, m.nums...)
		sort.Strings(parts)
		parts = slices.Compact(parts)
		list := "[" + strings.Join(parts, ",") + "]"
		if m.inner == "exact" {
			return `{"anything-but":` + list + `}`
		}
		return `{"anything-but":{` + q(m.inner) + `:` + list + `}}`
	}
	return "{" + q(m.kind) + ":" + q(m.value) + "}"
}

// samePattern reports whether two event patterns mean the same.
func samePattern(a, b string) bool {
	pa, err := parseEventPattern(a)
	if err != nil {
		return false
	}
	pb, err := parseEventPattern(b)
	if err != nil {
		return false
	}
	return pa.canonical() == pb.canonical()
}
