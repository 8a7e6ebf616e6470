package fakeaws

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
	"sync"
)

// CanaryPrefix starts every canary secret a Canary plants.
const CanaryPrefix = "CANARY-SECRET-"

// Canary plants unique canary strings ("CANARY-SECRET-<n>") in every
// output field that could carry a secret or a token, so a test can assert
// that none of them leaks into findings, errors or reports. Its Rewrite
// method is an Account.Rewrite; it is safe for concurrent use.
//
// A field is planted when it is a string (or *string, nil or not, or a
// string map value) and its name (or map key) names a secret: Password, Passphrase,
// Secret..., PrivateKey, SessionToken and any other ...Token except the
// pagination tokens, Credentials, UserData; a CloudFormation stack
// parameter's ParameterValue; every value of
// an environment-variable map (a field named Variables or Environment);
// and an HTTP(S) subscription Endpoint, which gets basic-auth credentials
// in its URL.
type Canary struct {
	mu      sync.Mutex
	n       int
	planted map[string]int // site string -> count
}

// canaryName reports whether a field or map key name suggests a secret.
func canaryName(name string) bool {
	if paginationFields[name] {
		return false
	}
	l := strings.ToLower(name)
	switch {
	case strings.Contains(l, "password"), strings.Contains(l, "passphrase"),
		strings.Contains(l, "secret"), strings.Contains(l, "privatekey"), strings.Contains(l, "private_key"),
		strings.HasSuffix(l, "token"), strings.Contains(l, "credential"),
		l == "userdata", l == "apikey", l == "api_key", l == "authorization":
		return true
	}
	return false
}

// Rewrite plants canaries in a deep copy of out.
func (c *Canary) Rewrite(call Call, out any) any {
	return rewriteCopy(out, func(path, name string, v, parent reflect.Value) bool {
		env := strings.Contains(path, "Variables{}") || strings.Contains(path, "Environment{}") ||
			(call.Service == "CloudFormation" && name == "ParameterValue") // stack parameters (not RDS parameter groups)
		switch {
		case v.Kind() == reflect.String && v.Type() == reflect.TypeOf("") && v.CanSet():
			if canaryName(name) || env {
				v.SetString(c.next(call, path))
			} else if name == "Endpoint" && strings.HasPrefix(v.String(), "http") {
				v.SetString("https://alerts:" + c.next(call, path) + "@hooks.example.com/notify")
			}
		case v.Kind() == reflect.Pointer && v.Type().Elem() == reflect.TypeOf("") && parent.IsValid():
			// A secret field is planted even when the fake left it nil
			// (UserData of a launch template, a stack parameter's value):
			// a leak must not depend on the demo's data.
			if canaryName(name) || env {
				s := c.next(call, path)
				v.Set(reflect.ValueOf(&s))
			} else if name == "Endpoint" && !v.IsNil() && strings.HasPrefix(v.Elem().String(), "http") {
				s := "https://alerts:" + c.next(call, path) + "@hooks.example.com/notify"
				v.Set(reflect.ValueOf(&s))
			}
		}
		return true
	})
}

func (c *Canary) next(call Call, path string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n++
	if c.planted == nil {
		c.planted = map[string]int{}
	}
	c.planted[call.Service+"."+call.Operation+":"+path]++
	return fmt.Sprintf("%s%d", CanaryPrefix, c.n)
}

// Planted returns the sites planted so far ("Service.Operation:Path"),
// sorted, with how many canaries each received.
func (c *Canary) Planted() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]string, 0, len(c.planted))
	for k, n := range c.planted {
		out = append(out, fmt.Sprintf("%s (%d)", k, n))
	}
	sort.Strings(out)
	return out
}

// Count returns the number of canaries planted so far.
func (c *Canary) Count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}
