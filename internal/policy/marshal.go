package policy

import (
	"bytes"
	"encoding/json"
)

// MarshalJSON renders the document in a canonical policy form: "Version",
// "Id" (when set) and "Statement" as an array of the statements rendered by
// [Statement.MarshalJSON]. Parsing the result gives back the same
// [Document] apart from each statement's Raw bytes.
func (d Document) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	first := true
	field := func(name string, v any) error {
		if !first {
			b.WriteByte(',')
		}
		first = false
		k, _ := json.Marshal(name)
		b.Write(k)
		b.WriteByte(':')
		enc, err := json.Marshal(v)
		if err != nil {
			return err
		}
		b.Write(enc)
		return nil
	}
	if d.Version != "" {
		if err := field("Version", d.Version); err != nil {
			return nil, err
		}
	}
	if d.ID != "" {
		if err := field("Id", d.ID); err != nil {
			return nil, err
		}
	}
	stmts := d.Statements
	if stmts == nil {
		stmts = []Statement{}
	}
	if err := field("Statement", stmts); err != nil {
		return nil, err
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// MarshalJSON renders the statement from its parsed fields (not from Raw),
// with every string-or-array element as an array.
func (s Statement) MarshalJSON() ([]byte, error) {
	type out struct {
		Sid          string     `json:"Sid,omitempty"`
		Effect       string     `json:"Effect"`
		Principal    *Principal `json:"Principal,omitempty"`
		NotPrincipal *Principal `json:"NotPrincipal,omitempty"`
		Action       []string   `json:"Action,omitempty"`
		NotAction    []string   `json:"NotAction,omitempty"`
		Resource     []string   `json:"Resource,omitempty"`
		NotResource  []string   `json:"NotResource,omitempty"`
		Condition    Condition  `json:"Condition,omitempty"`
	}
	o := out{s.Sid, s.Effect, s.Principal, s.NotPrincipal, s.Action, s.NotAction, s.Resource, s.NotResource, s.Condition}
	b, err := json.Marshal(o)
	if err != nil {
		return nil, err
	}
	// omitempty drops empty-but-present arrays; put them back so that an
	// element written as [] survives a round trip.
	if s.Action != nil && len(s.Action) == 0 ||
		s.NotAction != nil && len(s.NotAction) == 0 ||
		s.Resource != nil && len(s.Resource) == 0 ||
		s.NotResource != nil && len(s.NotResource) == 0 ||
		s.Condition != nil && len(s.Condition) == 0 {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, err
		}
		empty := func(name string, present bool) {
			if present {
				if _, ok := m[name]; !ok {
					if name == "Condition" {
						m[name] = json.RawMessage(`{}`)
					} else {
						m[name] = json.RawMessage(`[]`)
					}
				}
			}
		}
		empty("Action", s.Action != nil)
		empty("NotAction", s.NotAction != nil)
		empty("Resource", s.Resource != nil)
		empty("NotResource", s.NotResource != nil)
		empty("Condition", s.Condition != nil)
		return json.Marshal(m)
	}
	return b, nil
}

// MarshalJSON renders the principal as "*" when it was written that way,
// otherwise as a map of its non-nil lists.
func (p Principal) MarshalJSON() ([]byte, error) {
	if p.Wildcard && p.AWS == nil && p.Service == nil && p.Federated == nil && p.CanonicalUser == nil {
		return []byte(`"*"`), nil
	}
	m := map[string][]string{}
	if p.AWS != nil {
		m["AWS"] = p.AWS
	}
	if p.Service != nil {
		m["Service"] = p.Service
	}
	if p.Federated != nil {
		m["Federated"] = p.Federated
	}
	if p.CanonicalUser != nil {
		m["CanonicalUser"] = p.CanonicalUser
	}
	return json.Marshal(m)
}
