package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
)

// Document is a parsed IAM or resource policy document.
type Document struct {
	// Version is the policy language version as written ("2012-10-17"), or
	// "" when the document has none.
	Version string
	// ID is the document's optional "Id" element.
	ID string
	// Statements holds the statements in document order. A document whose
	// "Statement" element is a single object has one statement here.
	Statements []Statement
}

// Statement is one statement of a policy document. String-or-array elements
// are normalised to slices; an element that is absent is nil, an element
// written as an empty array is an empty, non-nil slice.
type Statement struct {
	// Sid is the optional statement ID.
	Sid string
	// Effect is exactly "Allow" or "Deny" (Parse rejects anything else).
	Effect string
	// Principal and NotPrincipal are nil when absent.
	Principal, NotPrincipal *Principal
	// Action, NotAction, Resource and NotResource hold the values as written.
	Action, NotAction, Resource, NotResource []string
	// Condition holds the condition block as written; nil when absent.
	Condition Condition
	// Raw is the statement's original JSON, byte for byte, for edits that
	// must keep it intact.
	Raw json.RawMessage
}

// Principal is the value of a Principal or NotPrincipal element.
type Principal struct {
	// Wildcard is true when the principal is "*" or its AWS list contains "*".
	Wildcard bool
	// AWS, Service, Federated and CanonicalUser hold the values of the
	// corresponding keys as written (an AWS "*" stays in AWS as well as
	// setting Wildcard).
	AWS, Service, Federated, CanonicalUser []string
}

// Condition is a condition block: operator -> condition key -> values, with
// operators and keys as written. Boolean and number values are rendered as
// their JSON text ("true", "10").
type Condition map[string]map[string][]string

// Lookup returns the values of key under operator, matching both
// case-insensitively (AWS treats operators and condition keys that way). The
// values of every spelling that matches are concatenated; ok reports whether
// any matched.
func (c Condition) Lookup(operator, key string) (values []string, ok bool) {
	for op, keys := range c {
		if !strings.EqualFold(op, operator) {
			continue
		}
		for k, v := range keys {
			if strings.EqualFold(k, key) {
				values = append(values, v...)
				ok = true
			}
		}
	}
	return values, ok
}

// DecodeIAM decodes a policy document as IAM returns it (URL-encoded, RFC
// 3986) with url.PathUnescape, so a literal '+' stays '+'. Use it only for
// documents that come from IAM; S3, KMS, SNS, SQS and other resource policies
// are plain JSON.
func DecodeIAM(encoded string) (string, error) {
	s, err := url.PathUnescape(encoded)
	if err != nil {
		return "", fmt.Errorf("policy: decode URL-encoded IAM document: %w", err)
	}
	return s, nil
}

// ParseIAM decodes a document returned by IAM (see DecodeIAM) and parses it.
func ParseIAM(encoded string) (*Document, error) {
	s, err := DecodeIAM(encoded)
	if err != nil {
		return nil, err
	}
	return Parse(s)
}

// Parse parses a plain JSON policy document (an S3 bucket policy, a KMS key
// policy, an SNS/SQS/EventBridge policy, or an IAM document already decoded
// with DecodeIAM). It never URL-decodes.
//
// Parse accepts every legal shape: "Statement" as an object or an array;
// "Action", "NotAction", "Resource" and "NotResource" as a string or an array
// of strings; "Principal"/"NotPrincipal" as "*" or a map of AWS, Service,
// Federated and CanonicalUser to a string or array. Element names are matched
// case-insensitively. It rejects, with an error naming the element and the
// statement, anything it could otherwise misread: unknown or duplicated
// elements, an Effect other than "Allow" or "Deny", an element and its Not
// form in the same statement, and values of the wrong type.
func Parse(doc string) (*Document, error) {
	if strings.TrimSpace(doc) == "" {
		return nil, errors.New("policy: parse document: empty document")
	}
	members, err := decodeObject([]byte(doc))
	if err != nil {
		return nil, fmt.Errorf("policy: parse document: %w", err)
	}
	d := &Document{}
	for _, m := range members {
		switch {
		case strings.EqualFold(m.key, "Version"):
			if d.Version, err = decodeString(m.value); err != nil {
				return nil, fmt.Errorf("policy: parse document: Version: %w", err)
			}
		case strings.EqualFold(m.key, "Id"):
			if d.ID, err = decodeString(m.value); err != nil {
				return nil, fmt.Errorf("policy: parse document: Id: %w", err)
			}
		case strings.EqualFold(m.key, "Statement"):
			raws, err := statementRaws(m.value)
			if err != nil {
				return nil, fmt.Errorf("policy: parse document: Statement: %w", err)
			}
			for i, raw := range raws {
				s, err := parseStatement(raw)
				if err != nil {
					return nil, fmt.Errorf("policy: parse document: statement %d%s: %w", i, sidSuffix(raw), err)
				}
				d.Statements = append(d.Statements, s)
			}
		default:
			return nil, fmt.Errorf("policy: parse document: unknown element %q", m.key)
		}
	}
	return d, nil
}

// sidSuffix names a statement's Sid in error messages, when it has one.
func sidSuffix(raw json.RawMessage) string {
	var probe map[string]json.RawMessage
	if json.Unmarshal(raw, &probe) != nil {
		return ""
	}
	for k, v := range probe {
		if strings.EqualFold(k, "Sid") {
			var sid string
			if json.Unmarshal(v, &sid) == nil && sid != "" {
				return fmt.Sprintf(" (Sid %q)", sid)
			}
		}
	}
	return ""
}

// statementRaws splits the value of "Statement" into one raw message per
// statement. null means no statements.
func statementRaws(v json.RawMessage) ([]json.RawMessage, error) {
	switch firstByte(v) {
	case 'n':
		return nil, nil
	case '{':
		return []json.RawMessage{v}, nil
	case '[':
		var raws []json.RawMessage
		if err := json.Unmarshal(v, &raws); err != nil {
			return nil, err
		}
		return raws, nil
	default:
		return nil, errors.New("must be an object or an array of objects")
	}
}

func parseStatement(raw json.RawMessage) (Statement, error) {
	if firstByte(raw) != '{' {
		return Statement{}, errors.New("statement must be a JSON object")
	}
	members, err := decodeObject(raw)
	if err != nil {
		return Statement{}, err
	}
	s := Statement{Raw: append(json.RawMessage(nil), raw...)}
	hasEffect := false
	for _, m := range members {
		var err error
		switch strings.ToLower(m.key) {
		case "sid":
			s.Sid, err = decodeString(m.value)
		case "effect":
			hasEffect = true
			s.Effect, err = decodeString(m.value)
			if err == nil && s.Effect != "Allow" && s.Effect != "Deny" {
				err = fmt.Errorf("must be \"Allow\" or \"Deny\", not %q", s.Effect)
			}
		case "principal":
			s.Principal, err = parsePrincipal(m.value)
		case "notprincipal":
			s.NotPrincipal, err = parsePrincipal(m.value)
		case "action":
			s.Action, err = decodeStrings(m.value)
		case "notaction":
			s.NotAction, err = decodeStrings(m.value)
		case "resource":
			s.Resource, err = decodeStrings(m.value)
		case "notresource":
			s.NotResource, err = decodeStrings(m.value)
		case "condition":
			s.Condition, err = parseCondition(m.value)
		default:
			err = errors.New("unknown element")
		}
		if err != nil {
			return Statement{}, fmt.Errorf("%s: %w", m.key, err)
		}
	}
	switch {
	case !hasEffect:
		return Statement{}, errors.New("Effect is missing")
	case s.Principal != nil && s.NotPrincipal != nil:
		return Statement{}, errors.New("both Principal and NotPrincipal")
	case s.Action != nil && s.NotAction != nil:
		return Statement{}, errors.New("both Action and NotAction")
	case s.Resource != nil && s.NotResource != nil:
		return Statement{}, errors.New("both Resource and NotResource")
	}
	return s, nil
}

func parsePrincipal(v json.RawMessage) (*Principal, error) {
	switch firstByte(v) {
	case '"':
		str, err := decodeString(v)
		if err != nil {
			return nil, err
		}
		if str != "*" {
			return nil, fmt.Errorf("a string principal must be \"*\", not %q", str)
		}
		return &Principal{Wildcard: true}, nil
	case '{':
	default:
		return nil, errors.New("must be \"*\" or an object")
	}
	members, err := decodeObject(v)
	if err != nil {
		return nil, err
	}
	p := &Principal{}
	for _, m := range members {
		vals, err := decodeStrings(m.value)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", m.key, err)
		}
		switch strings.ToLower(m.key) {
		case "aws":
			p.AWS = vals
			for _, a := range vals {
				if a == "*" {
					p.Wildcard = true
				}
			}
		case "service":
			p.Service = vals
		case "federated":
			p.Federated = vals
		case "canonicaluser":
			p.CanonicalUser = vals
		default:
			return nil, fmt.Errorf("unknown principal type %q", m.key)
		}
	}
	return p, nil
}

func parseCondition(v json.RawMessage) (Condition, error) {
	if firstByte(v) != '{' {
		return nil, errors.New("must be an object")
	}
	ops, err := decodeObject(v)
	if err != nil {
		return nil, err
	}
	c := Condition{}
	for _, op := range ops {
		if firstByte(op.value) != '{' {
			return nil, fmt.Errorf("%s: must be an object", op.key)
		}
		keys, err := decodeObject(op.value)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", op.key, err)
		}
		m := make(map[string][]string, len(keys))
		for _, k := range keys {
			vals, err := decodeConditionValues(k.value)
			if err != nil {
				return nil, fmt.Errorf("%s: %s: %w", op.key, k.key, err)
			}
			m[k.key] = vals
		}
		c[op.key] = m
	}
	return c, nil
}

// decodeConditionValues accepts a string, bool or number, or an array of
// them, and renders each as a string.
func decodeConditionValues(v json.RawMessage) ([]string, error) {
	if firstByte(v) == '[' {
		var raws []json.RawMessage
		if err := json.Unmarshal(v, &raws); err != nil {
			return nil, err
		}
		out := make([]string, 0, len(raws))
		for _, r := range raws {
			s, err := scalarText(r)
			if err != nil {
				return nil, err
			}
			out = append(out, s)
		}
		return out, nil
	}
	s, err := scalarText(v)
	if err != nil {
		return nil, err
	}
	return []string{s}, nil
}

func scalarText(v json.RawMessage) (string, error) {
	switch b := firstByte(v); {
	case b == '"':
		return decodeString(v)
	case b == 't' || b == 'f':
		var x bool
		if err := json.Unmarshal(v, &x); err != nil {
			return "", err
		}
		if x {
			return "true", nil
		}
		return "false", nil
	case b == '-' || (b >= '0' && b <= '9'):
		var n json.Number
		if err := json.Unmarshal(v, &n); err != nil {
			return "", err
		}
		return n.String(), nil
	default:
		return "", errors.New("values must be strings, booleans or numbers")
	}
}

func decodeString(v json.RawMessage) (string, error) {
	if firstByte(v) != '"' {
		return "", errors.New("must be a string")
	}
	var s string
	if err := json.Unmarshal(v, &s); err != nil {
		return "", err
	}
	return s, nil
}

// decodeStrings accepts a string or an array of strings.
func decodeStrings(v json.RawMessage) ([]string, error) {
	switch firstByte(v) {
	case '"':
		s, err := decodeString(v)
		if err != nil {
			return nil, err
		}
		return []string{s}, nil
	case '[':
		var raws []json.RawMessage
		if err := json.Unmarshal(v, &raws); err != nil {
			return nil, err
		}
		out := make([]string, 0, len(raws))
		for _, r := range raws {
			s, err := decodeString(r)
			if err != nil {
				return nil, errors.New("array elements must be strings")
			}
			out = append(out, s)
		}
		return out, nil
	default:
		return nil, errors.New("must be a string or an array of strings")
	}
}

// member is one key/value pair of a JSON object, in document order.
type member struct {
	key   string
	value json.RawMessage
}

// decodeObject splits a JSON object into its members in order, keeping each
// value's bytes exactly. It rejects trailing data and keys that repeat
// (case-insensitively), since AWS's reading of a duplicate is not something a
// security check should guess at.
func decodeObject(data []byte) ([]member, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, errors.New("must be a JSON object")
	}
	var out []member
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key, ok := tok.(string)
		if !ok {
			return nil, errors.New("malformed object key")
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, fmt.Errorf("%s: %w", key, err)
		}
		lk := strings.ToLower(key)
		if seen[lk] {
			return nil, fmt.Errorf("duplicated element %q", key)
		}
		seen[lk] = true
		out = append(out, member{key: key, value: raw})
	}
	if _, err := dec.Token(); err != nil { // closing '}'
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("unexpected data after the JSON object")
	}
	return out, nil
}

func firstByte(v []byte) byte {
	v = bytes.TrimLeft(v, " \t\r\n")
	if len(v) == 0 {
		return 0
	}
	return v[0]
}
