package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// RemoveStatements returns doc without the statements at the given indexes
// (positions in Document.Statements; duplicates are harmless). Every other
// statement is kept byte for byte and in order, and every top-level element
// (Version, Id) is kept. The result is compact JSON with "Statement" as an
// array, possibly empty: a caller that must not store an empty policy (S3
// rejects one) should delete the policy instead. With no indexes, doc is
// returned unchanged. An index out of range or a document that does not parse
// is an error.
func RemoveStatements(doc string, drop []int) (string, error) {
	d, err := Parse(doc)
	if err != nil {
		return "", fmt.Errorf("policy: remove statements: %w", err)
	}
	for _, i := range drop {
		if i < 0 || i >= len(d.Statements) {
			return "", fmt.Errorf("policy: remove statements: index %d out of range (document has %d statements)", i, len(d.Statements))
		}
	}
	if len(drop) == 0 {
		return doc, nil
	}
	var keep []json.RawMessage
	for i, s := range d.Statements {
		if !slices.Contains(drop, i) {
			keep = append(keep, s.Raw)
		}
	}
	return rebuild(doc, keep, false)
}

// UpsertStatement returns doc with stmt (one statement object whose Sid is
// sid) in place of the statement that has that Sid, or appended when none
// has. Every other statement is kept byte for byte and in order, and every
// top-level element is kept. Later statements with the same Sid (which AWS
// does not allow) are removed. When the statement already present is
// equivalent to stmt (see Equivalent) and is the only one with that Sid, doc
// is returned unchanged, so a second run writes nothing.
//
// An empty doc, or "{}", means a new document: {"Version":"2012-10-17",
// "Statement":[stmt]}. An empty sid, a stmt that is not a valid statement or
// whose Sid differs, and a doc that does not parse are errors.
func UpsertStatement(doc string, sid string, stmt json.RawMessage) (string, error) {
	if sid == "" {
		return "", errors.New("policy: upsert statement: empty Sid")
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, stmt); err != nil {
		return "", fmt.Errorf("policy: upsert statement %q: statement is not JSON: %w", sid, err)
	}
	newStmt, err := parseStatement(compact.Bytes())
	if err != nil {
		return "", fmt.Errorf("policy: upsert statement %q: %w", sid, err)
	}
	if newStmt.Sid != sid {
		return "", fmt.Errorf("policy: upsert statement %q: statement has Sid %q", sid, newStmt.Sid)
	}
	raw := json.RawMessage(compact.Bytes())
	if t := strings.TrimSpace(doc); t == "" || t == "{}" {
		return `{"Version":"2012-10-17","Statement":[` + string(raw) + `]}`, nil
	}
	d, err := Parse(doc)
	if err != nil {
		return "", fmt.Errorf("policy: upsert statement %q: %w", sid, err)
	}
	var matches []int
	for i, s := range d.Statements {
		if s.Sid == sid {
			matches = append(matches, i)
		}
	}
	if len(matches) == 1 && sameStatement(d.Statements[matches[0]], newStmt) {
		return doc, nil
	}
	var out []json.RawMessage
	for i, s := range d.Statements {
		switch {
		case len(matches) > 0 && i == matches[0]:
			out = append(out, raw)
		case s.Sid == sid:
			// a duplicate of the statement being replaced
		default:
			out = append(out, s.Raw)
		}
	}
	if len(matches) == 0 {
		out = append(out, raw)
	}
	return rebuild(doc, out, true)
}

// Equivalent reports whether two plain JSON policy documents say the same
// thing: the same statements in the same order once string-or-array
// elements, element-name case, whitespace and key order are normalised.
// Either failing to parse is an error.
func Equivalent(a, b string) (bool, error) {
	da, err := Parse(a)
	if err != nil {
		return false, err
	}
	db, err := Parse(b)
	if err != nil {
		return false, err
	}
	ja, err := json.Marshal(da)
	if err != nil {
		return false, err
	}
	jb, err := json.Marshal(db)
	if err != nil {
		return false, err
	}
	return bytes.Equal(ja, jb), nil
}

func sameStatement(a, b Statement) bool {
	ja, err1 := json.Marshal(a)
	jb, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && bytes.Equal(ja, jb)
}

// rebuild writes doc's top-level elements in order, with the Statement
// element replaced by an array of stmts. When doc has no Statement element
// and add is set, one is appended.
func rebuild(doc string, stmts []json.RawMessage, add bool) (string, error) {
	members, err := decodeObject([]byte(doc))
	if err != nil {
		return "", err
	}
	var b bytes.Buffer
	b.WriteByte('{')
	found := false
	writeStatements := func(key string) {
		k, _ := json.Marshal(key)
		b.Write(k)
		b.WriteString(":[")
		for i, s := range stmts {
			if i > 0 {
				b.WriteByte(',')
			}
			b.Write(s)
		}
		b.WriteByte(']')
	}
	for i, m := range members {
		if i > 0 {
			b.WriteByte(',')
		}
		if strings.EqualFold(m.key, "Statement") {
			found = true
			writeStatements(m.key)
			continue
		}
		k, _ := json.Marshal(m.key)
		b.Write(k)
		b.WriteByte(':')
		b.Write(m.value)
	}
	if !found && add {
		if len(members) > 0 {
			b.WriteByte(',')
		}
		writeStatements("Statement")
	}
	b.WriteByte('}')
	return b.String(), nil
}
