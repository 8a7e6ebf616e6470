package credreport

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// RootUser is the name of the root user's row.
const RootUser = "<root_account>"

// Sentinel is what IAM writes in a field that holds no value.
type Sentinel string

// The sentinels. Value means the field holds a value.
const (
	Value Sentinel = ""
	// NotApplicable ("N/A"): no password, no key, never used, not
	// regional.
	NotApplicable Sentinel = "N/A"
	// NoInformation ("no_information"): never used, or used before IAM
	// began tracking.
	NoInformation Sentinel = "no_information"
	// NotSupported ("not_supported"): the root user's password fields.
	NotSupported Sentinel = "not_supported"
)

// Time is a timestamp field: a time, or the sentinel written instead.
type Time struct {
	Time     time.Time
	Sentinel Sentinel
}

// IsSet reports whether the field holds a time.
func (t Time) IsSet() bool { return t.Sentinel == Value }

// String renders the time (RFC 3339, UTC) or the sentinel.
func (t Time) String() string {
	if t.IsSet() {
		return t.Time.UTC().Format(time.RFC3339)
	}
	return string(t.Sentinel)
}

// Bool is a boolean field: true or false, or the sentinel written instead
// (the root user's password_enabled is not_supported).
type Bool struct {
	Value    bool
	Sentinel Sentinel
}

// True reports whether the field holds true.
func (b Bool) True() bool { return b.Sentinel == Value && b.Value }

// Key is one access key slot of a row.
type Key struct {
	Active          bool
	LastRotated     Time
	LastUsed        Time
	LastUsedRegion  string
	LastUsedService string
}

// Exists reports whether the slot holds a key.
func (k Key) Exists() bool { return k.Active || k.LastRotated.IsSet() }

// Cert is one signing certificate slot of a row.
type Cert struct {
	Active      bool
	LastRotated Time
}

// Entry is one row of the report.
type Entry struct {
	User                 string
	ARN                  string
	UserCreationTime     Time
	PasswordEnabled      Bool
	PasswordLastUsed     Time
	PasswordLastChanged  Time
	PasswordNextRotation Time
	MFAActive            bool
	AccessKeys           [2]Key
	Certs                [2]Cert
}

// IsRoot reports whether the row is the root user's.
func (e Entry) IsRoot() bool { return e.User == RootUser }

// HasPassword reports whether the user has a console password. For the
// root user, whose password_enabled is not_supported, a recorded password
// use counts as a password.
func (e Entry) HasPassword() bool {
	if e.PasswordEnabled.Sentinel == Value {
		return e.PasswordEnabled.Value
	}
	return e.PasswordLastUsed.IsSet() || e.PasswordLastUsed.Sentinel == NoInformation
}

// Report is a parsed credential report.
type Report struct {
	// GeneratedTime is when IAM built the report (set by Fetch).
	GeneratedTime time.Time
	// Root is the root user's row, or nil when the report has none.
	Root *Entry
	// Users are the IAM users' rows, in the report's order.
	Users []Entry
}

var required = []string{
	"user", "arn", "user_creation_time", "password_enabled", "password_last_used",
	"password_last_changed", "mfa_active",
	"access_key_1_active", "access_key_1_last_rotated", "access_key_1_last_used_date",
	"access_key_2_active", "access_key_2_last_rotated", "access_key_2_last_used_date",
}

// Parse reads a credential report's CSV (as the SDK returns it, already
// base64-decoded).
func Parse(content []byte) (*Report, error) {
	r := csv.NewReader(bytes.NewReader(content))
	r.ReuseRecord = false
	header, err := r.Read()
	if err == io.EOF {
		return nil, errors.New("credreport: parse: the report is empty")
	}
	if err != nil {
		return nil, fmt.Errorf("credreport: parse header: %w", err)
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		if _, dup := col[h]; dup {
			return nil, fmt.Errorf("credreport: parse header: column %q appears twice", h)
		}
		col[h] = i
	}
	for _, name := range required {
		if _, ok := col[name]; !ok {
			return nil, fmt.Errorf("credreport: parse header: required column %q is missing", name)
		}
	}
	rep := &Report{}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("credreport: parse: %w", err)
		}
		line, _ := r.FieldPos(0)
		p := rowParser{rec: rec, col: col, line: line}
		e := p.entry()
		if p.err != nil {
			return nil, p.err
		}
		if e.IsRoot() {
			if rep.Root != nil {
				return nil, fmt.Errorf("credreport: parse line %d: a second %s row", line, RootUser)
			}
			rep.Root = &e
			continue
		}
		rep.Users = append(rep.Users, e)
	}
	return rep, nil
}

type rowParser struct {
	rec  []string
	col  map[string]int
	line int
	err  error
}

func (p *rowParser) fail(name, format string, args ...any) {
	if p.err == nil {
		p.err = fmt.Errorf("credreport: parse line %d: column %s: %s", p.line, name, fmt.Sprintf(format, args...))
	}
}

// raw returns the field of column name; ok is false for an absent
// optional column.
func (p *rowParser) raw(name string) (string, bool) {
	i, ok := p.col[name]
	if !ok || i >= len(p.rec) {
		return "", false
	}
	return strings.TrimSpace(p.rec[i]), true
}

func sentinel(s string) (Sentinel, bool) {
	switch {
	case s == "N/A" || strings.EqualFold(s, "n/a"):
		return NotApplicable, true
	case strings.EqualFold(s, "no_information"):
		return NoInformation, true
	case strings.EqualFold(s, "not_supported"):
		return NotSupported, true
	}
	return Value, false
}

func (p *rowParser) time(name string) Time {
	s, ok := p.raw(name)
	if !ok {
		return Time{Sentinel: NotApplicable}
	}
	if st, ok := sentinel(s); ok {
		return Time{Sentinel: st}
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		p.fail(name, "unknown token %q (want a time, N/A, no_information or not_supported)", s)
		return Time{}
	}
	return Time{Time: t.UTC()}
}

func (p *rowParser) boolean(name string, sentinels bool) Bool {
	s, ok := p.raw(name)
	if !ok {
		return Bool{Sentinel: NotApplicable}
	}
	switch {
	case strings.EqualFold(s, "true"):
		return Bool{Value: true}
	case strings.EqualFold(s, "false"):
		return Bool{}
	}
	if st, ok := sentinel(s); ok && sentinels {
		return Bool{Sentinel: st}
	}
	p.fail(name, "unknown token %q (want true or false)", s)
	return Bool{}
}

func (p *rowParser) text(name string) string {
	s, _ := p.raw(name)
	if st, ok := sentinel(s); ok && st == NotApplicable {
		return ""
	}
	return s
}

func (p *rowParser) entry() Entry {
	e := Entry{}
	e.User, _ = p.raw("user")
	if e.User == "" {
		p.fail("user", "empty user name")
	}
	e.ARN, _ = p.raw("arn")
	if e.ARN == "" {
		p.fail("arn", "empty ARN")
	}
	e.UserCreationTime = p.time("user_creation_time")
	e.PasswordEnabled = p.boolean("password_enabled", true)
	e.PasswordLastUsed = p.time("password_last_used")
	e.PasswordLastChanged = p.time("password_last_changed")
	e.PasswordNextRotation = p.time("password_next_rotation")
	e.MFAActive = p.boolean("mfa_active", false).Value
	for i := range e.AccessKeys {
		pre := fmt.Sprintf("access_key_%d_", i+1)
		e.AccessKeys[i] = Key{
			Active:          p.boolean(pre+"active", false).Value,
			LastRotated:     p.time(pre + "last_rotated"),
			LastUsed:        p.time(pre + "last_used_date"),
			LastUsedRegion:  p.text(pre + "last_used_region"),
			LastUsedService: p.text(pre + "last_used_service"),
		}
	}
	for i := range e.Certs {
		pre := fmt.Sprintf("cert_%d_", i+1)
		e.Certs[i] = Cert{Active: p.boolean(pre+"active", false).Value, LastRotated: p.time(pre + "last_rotated")}
	}
	return e
}
