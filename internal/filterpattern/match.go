package filterpattern

import (
	"encoding/json"
	"strconv"
	"strings"
)

func (n *Or) match(ev any) bool {
	for _, t := range n.Terms {
		if t.match(ev) {
			return true
		}
	}
	return false
}

func (n *And) match(ev any) bool {
	for _, t := range n.Terms {
		if !t.match(ev) {
			return false
		}
	}
	return true
}

// lookup follows a selector; ok is false when a step is absent.
func (s Selector) lookup(ev any) (any, bool) {
	cur := ev
	for _, st := range s {
		if st.IsIndex {
			arr, ok := cur.([]any)
			if !ok || st.Index >= len(arr) {
				return nil, false
			}
			cur = arr[st.Index]
			continue
		}
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[st.Field]; !ok {
			return nil, false
		}
	}
	return cur, true
}

func (n *Test) match(ev any) bool {
	v, ok := n.Selector.lookup(ev)
	switch n.Kind {
	case NotExists:
		return !ok
	case IsNull:
		return ok && v == nil
	case IsTrue:
		b, isBool := v.(bool)
		return ok && isBool && b
	case IsFalse:
		b, isBool := v.(bool)
		return ok && isBool && !b
	}
	return false
}

// scalar renders a JSON scalar as CloudWatch Logs compares it; objects and
// arrays do not compare.
func scalar(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	case json.Number:
		return x.String(), true
	case int:
		return strconv.Itoa(x), true
	case bool:
		return strconv.FormatBool(x), true
	}
	return "", false
}

// Comparisons need the field to exist: a missing field (or an object or
// array where a scalar is expected) matches neither = nor !=.
func (n *Comparison) match(ev any) bool {
	v, ok := n.Selector.lookup(ev)
	if !ok || v == nil {
		return false
	}
	s, ok := scalar(v)
	if !ok {
		return false
	}
	switch n.Op {
	case OpEq:
		return n.Value.equal(s, v)
	case OpNe:
		return !n.Value.equal(s, v)
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return false
	}
	want, err := strconv.ParseFloat(n.Value.Text, 64)
	if err != nil {
		return false
	}
	switch n.Op {
	case OpLt:
		return f < want
	case OpGt:
		return f > want
	case OpLe:
		return f <= want
	case OpGe:
		return f >= want
	}
	return false
}

func (v Value) equal(s string, raw any) bool {
	if v.Regex {
		return v.re != nil && v.re.MatchString(s)
	}
	if _, isNum := raw.(float64); isNum && isNumber(v.Text) {
		a, _ := strconv.ParseFloat(s, 64)
		b, _ := strconv.ParseFloat(v.Text, 64)
		return a == b
	}
	return glob(v.Text, s)
}

// glob matches s against a pattern where * stands for any run of
// characters.
func glob(pat, s string) bool {
	if !strings.Contains(pat, "*") {
		return pat == s
	}
	parts := strings.Split(pat, "*")
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	last := parts[len(parts)-1]
	for _, p := range parts[1 : len(parts)-1] {
		i := strings.Index(s, p)
		if i < 0 {
			return false
		}
		s = s[i+len(p):]
	}
	return strings.HasSuffix(s, last)
}
