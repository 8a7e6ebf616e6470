package main

import (
	"context"
	"encoding/json"
	"os"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// state is the part of an Amazon States Language state the test reads.
type state struct {
	Type          string
	Next          string
	End           bool
	Default       string
	Choices       []map[string]any
	Resource      string
	Parameters    map[string]any
	ItemsPath     string
	ItemSelector  map[string]any
	ItemProcessor *machine
	ResultPath    any
	OutputPath    string
}

type machine struct {
	StartAt         string
	States          map[string]state
	ProcessorConfig map[string]string
}

func loadMachine(t *testing.T) machine {
	t.Helper()
	b, err := os.ReadFile("statemachine.json")
	if err != nil {
		t.Fatal(err)
	}
	if !json.Valid(b) {
		t.Fatal("statemachine.json is not valid JSON")
	}
	var m machine
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// checkGraph checks that every transition names a state of m, that every
// state is reachable from StartAt, and that the machine can end.
func checkGraph(t *testing.T, where string, m machine) {
	t.Helper()
	if _, ok := m.States[m.StartAt]; !ok {
		t.Fatalf("%s: StartAt %q is not a state", where, m.StartAt)
	}
	seen := map[string]bool{}
	ends := false
	var visit func(name string)
	visit = func(name string) {
		if seen[name] {
			return
		}
		s, ok := m.States[name]
		if !ok {
			t.Errorf("%s: transition to %q, which is not a state", where, name)
			return
		}
		seen[name] = true
		var next []string
		switch s.Type {
		case "Succeed", "Fail":
			ends = true
		case "Choice":
			for _, c := range s.Choices {
				n, _ := c["Next"].(string)
				next = append(next, n)
			}
			if s.Default != "" {
				next = append(next, s.Default)
			}
		case "Task", "Pass", "Map", "Wait", "Parallel":
			if s.End {
				ends = true
			} else {
				next = append(next, s.Next)
			}
		default:
			t.Errorf("%s: state %q has unknown type %q", where, name, s.Type)
		}
		for _, n := range next {
			visit(n)
		}
	}
	visit(m.StartAt)
	for name := range m.States {
		if !seen[name] {
			t.Errorf("%s: state %q is unreachable", where, name)
		}
	}
	if !ends {
		t.Errorf("%s: no path ends", where)
	}
}

func TestStateMachineDefinition(t *testing.T) {
	m := loadMachine(t)
	checkGraph(t, "top level", m)

	// The accounts come from organizations:ListAccounts, and every page is
	// read: the next page's call passes the token.
	var listers []string
	for name, s := range m.States {
		if s.Resource == "arn:aws:states:::aws-sdk:organizations:listAccounts" {
			listers = append(listers, name)
		}
	}
	sort.Strings(listers)
	if diff := cmp.Diff([]string{"ListFirstPage", "ListNextPage"}, listers); diff != "" {
		t.Errorf("ListAccounts states (-want +got):\n%s", diff)
	}
	if got := m.States["ListNextPage"].Parameters["NextToken.$"]; got != "$.page.NextToken" {
		t.Errorf("ListNextPage passes NextToken %v", got)
	}

	scan := m.States["ScanAccounts"]
	if scan.Type != "Map" || scan.ItemProcessor == nil {
		t.Fatalf("ScanAccounts is %q without an item processor", scan.Type)
	}
	if got := scan.ItemProcessor.ProcessorConfig["Mode"]; got != "DISTRIBUTED" {
		t.Errorf("ScanAccounts mode %q, want DISTRIBUTED", got)
	}
	if scan.ItemsPath != "$.page.Accounts" {
		t.Errorf("ItemsPath = %q", scan.ItemsPath)
	}
	checkGraph(t, "ScanAccounts", *scan.ItemProcessor)

	invoke := scan.ItemProcessor.States["ScanAccount"]
	if invoke.Resource != "arn:aws:states:::lambda:invoke" || invoke.Parameters["Payload.$"] != "$" || invoke.OutputPath != "$.Payload" {
		t.Errorf("ScanAccount = %+v, want a lambda:invoke of the item", invoke)
	}
	if fn, _ := invoke.Parameters["FunctionName"].(string); fn == "" {
		t.Error("ScanAccount names no function")
	}

	// The item selector builds exactly the fields the handler reads.
	fields := eventFields()
	var selected []string
	for k := range scan.ItemSelector {
		name := strings.TrimSuffix(k, ".$")
		selected = append(selected, name)
		if !fields[name] {
			t.Errorf("ItemSelector field %q is not a field of Event", name)
		}
	}
	for _, required := range []string{"account_id", "role_name", "regions", "controls"} {
		found := false
		for _, s := range selected {
			found = found || s == required
		}
		if !found {
			t.Errorf("ItemSelector does not pass %q", required)
		}
	}
}

// eventFields returns the JSON names of Event's fields.
func eventFields() map[string]bool {
	out := map[string]bool{}
	typ := reflect.TypeOf(Event{})
	for i := 0; i < typ.NumField(); i++ {
		name, _, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ",")
		out[name] = true
	}
	return out
}

// resolve evaluates the simple paths the definition uses ("$.a.b" on the
// state input, "$$.Map.Item.Value.X" on the item).
func resolve(t *testing.T, path string, input, item map[string]any) any {
	t.Helper()
	var v any
	var rest string
	switch {
	case strings.HasPrefix(path, "$$.Map.Item.Value."):
		v, rest = item, strings.TrimPrefix(path, "$$.Map.Item.Value.")
	case strings.HasPrefix(path, "$."):
		v, rest = input, strings.TrimPrefix(path, "$.")
	default:
		t.Fatalf("path %q is not one the test resolves", path)
	}
	for _, k := range strings.Split(rest, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("path %q: %q is not an object", path, k)
		}
		if v, ok = m[k]; !ok {
			t.Fatalf("path %q: no field %q (a Step Functions run would fail here)", path, k)
		}
	}
	return v
}

// An execution input and one ListAccounts item, run through the item
// selector, give an event the handler scans.
func TestStateMachinePayloadDrivesHandler(t *testing.T) {
	m := loadMachine(t)
	sel := m.States["ScanAccounts"].ItemSelector

	input := map[string]any{
		"role_name": "SecPillarAudit", "regions": []any{"us-east-1"}, "controls": []any{},
		"page": map[string]any{},
	}
	item := map[string]any{"Id": memberID, "Arn": "arn:aws:organizations::111111111111:account/o-x/" + memberID, "Name": "member", "State": "ACTIVE"}
	payload := map[string]any{}
	for k, v := range sel {
		if name, ok := strings.CutSuffix(k, ".$"); ok {
			payload[name] = resolve(t, v.(string), input, item)
		} else {
			payload[k] = v
		}
	}
	b, err := json.Marshal(payload)
	if err != nil {
		t.Fatal(err)
	}
	var ev Event
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&ev); err != nil {
		t.Fatalf("payload %s does not decode as an Event: %v", b, err)
	}

	h, _, _ := newHandler()
	res, err := h.Handle(context.Background(), ev)
	if err != nil {
		t.Fatal(err)
	}
	if res.AccountID != memberID || res.Findings != 61 || res.AccountError != "" {
		t.Errorf("result = %+v", res)
	}

	// The ACTIVE test of the item processor reads the state the selector
	// passes.
	choice := m.States["ScanAccounts"].ItemProcessor.States["IsActive"].Choices[0]
	if choice["Variable"] != "$.account_state" || choice["StringEquals"] != "ACTIVE" {
		t.Errorf("IsActive choice = %v", choice)
	}
}
