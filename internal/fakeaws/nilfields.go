package fakeaws

import (
	"reflect"
	"strings"
	"sync"
)

// FieldSite names one field of an operation's output. Path is the field
// path from the output struct with slice indices and map keys elided, for
// example "UserDetailList[].AttachedManagedPolicies[].PolicyArn" or
// "Attributes{}".
type FieldSite struct {
	Service   string
	Operation string
	Path      string
	// Kind is the kind of the field's value: reflect.Pointer, Slice, Map,
	// Interface, or String for an enum value.
	Kind reflect.Kind
}

// String returns "Service.Operation:Path".
func (s FieldSite) String() string { return s.Service + "." + s.Operation + ":" + s.Path }

// paginationFields are never rewritten: clearing them truncates a listing
// in a way no client can notice (a last page looks exactly like that), which
// is PageGuard's business, not the checks'. ResultMetadata is the SDK's.
var paginationFields = map[string]bool{
	"NextToken": true, "Marker": true, "NextMarker": true, "IsTruncated": true,
	"NextContinuationToken": true, "ContinuationToken": true, "StartingToken": true,
	"NextPageToken": true, "PaginationToken": true, "ResultMetadata": true,
}

// visitFn is called for every exported value reachable from an output, in
// a deep copy of it: v is settable, name is the field name (or the map
// key for map values), parent is the struct holding the field (invalid for
// slice and map elements). It reports whether to descend into v.
type visitFn func(path, name string, v reflect.Value, parent reflect.Value) bool

// rewriteCopy deep-copies out and calls fn on every exported value of the
// copy, which it returns. out itself is never modified: the fakes hand out
// values that share memory with their state.
func rewriteCopy(out any, fn visitFn) any {
	rv := reflect.ValueOf(out)
	if !rv.IsValid() || rv.Kind() != reflect.Pointer || rv.IsNil() {
		return out
	}
	cp := deepCopy(rv)
	visit(cp.Elem(), "", "", reflect.Value{}, fn)
	return cp.Interface()
}

func visit(v reflect.Value, path, name string, parent reflect.Value, fn visitFn) {
	if path != "" && !fn(path, name, v, parent) {
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return
		}
		switch e := v.Elem(); {
		case e.Kind() == reflect.Struct:
			visit2(e, path, fn)
		case isEnum(e.Type()):
			fn(path, name, e, parent) // a pointer to an enum value
		}
	case reflect.Interface:
		if v.IsNil() {
			return
		}
		// The dynamic value is not settable in place: copy, visit, store.
		e := reflect.New(v.Elem().Type()).Elem()
		e.Set(v.Elem())
		visit(e, path, name, parent, func(p, n string, x, par reflect.Value) bool {
			return p == path || fn(p, n, x, par) // the interface itself was offered already
		})
		v.Set(e)
	case reflect.Struct:
		visit2(v, path, fn)
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return // []byte is data, not structure
		}
		for i := 0; i < v.Len(); i++ {
			visit(v.Index(i), path+"[]", name, reflect.Value{}, fn)
		}
	case reflect.Map:
		if v.IsNil() {
			return
		}
		iter := v.MapRange()
		type kv struct{ k, v reflect.Value }
		var entries []kv
		for iter.Next() {
			e := reflect.New(v.Type().Elem()).Elem()
			e.Set(iter.Value())
			entries = append(entries, kv{iter.Key(), e})
		}
		for _, en := range entries {
			key := name
			if en.k.Kind() == reflect.String {
				key = en.k.String()
			}
			visit(en.v, path+"{}", key, reflect.Value{}, fn)
			v.SetMapIndex(en.k, en.v)
		}
	}
}

// visit2 walks the exported fields of a struct.
func visit2(v reflect.Value, path string, fn visitFn) {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		if !sf.IsExported() || paginationFields[sf.Name] {
			continue
		}
		p := sf.Name
		if path != "" {
			p = path + "." + sf.Name
		}
		visit(v.Field(i), p, sf.Name, v, fn)
	}
}

// deepCopy copies every exported value reachable from v; unexported fields
// are copied shallowly with their struct.
func deepCopy(v reflect.Value) reflect.Value {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return v
		}
		n := reflect.New(v.Type().Elem())
		n.Elem().Set(deepCopy(v.Elem()))
		return n
	case reflect.Struct:
		n := reflect.New(v.Type()).Elem()
		n.Set(v)
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				n.Field(i).Set(deepCopy(v.Field(i)))
			}
		}
		return n
	case reflect.Slice:
		if v.IsNil() {
			return v
		}
		n := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		if v.Type().Elem().Kind() == reflect.Uint8 {
			reflect.Copy(n, v)
			return n
		}
		for i := 0; i < v.Len(); i++ {
			n.Index(i).Set(deepCopy(v.Index(i)))
		}
		return n
	case reflect.Map:
		if v.IsNil() {
			return v
		}
		n := reflect.MakeMapWithSize(v.Type(), v.Len())
		iter := v.MapRange()
		for iter.Next() {
			n.SetMapIndex(iter.Key(), deepCopy(iter.Value()))
		}
		return n
	case reflect.Interface:
		if v.IsNil() {
			return v
		}
		n := reflect.New(v.Type()).Elem()
		n.Set(deepCopy(v.Elem()))
		return n
	}
	return v
}

// nillable reports whether a value of kind k can be set to nil.
func nillable(k reflect.Kind) bool {
	return k == reflect.Pointer || k == reflect.Slice || k == reflect.Map || k == reflect.Interface
}

// isEnum reports whether t is an SDK enum type: a named string type with
// a Values method listing the known values.
func isEnum(t reflect.Type) bool {
	if t.Kind() != reflect.String || t.PkgPath() == "" {
		return false
	}
	_, ok := t.MethodByName("Values")
	return ok
}

// FieldSites lists the sites of out (an operation's output) that hold a
// value: every non-nil pointer, slice, map and interface field (Kind
// Pointer, Slice, Map, Interface) and every enum value (Kind String),
// sorted and without duplicates. Pagination tokens and ResultMetadata are
// left out.
func FieldSites(c Call, out any) []FieldSite {
	seen := map[FieldSite]bool{}
	rewriteCopy(out, func(path, name string, v, parent reflect.Value) bool {
		switch {
		case nillable(v.Kind()) && !v.IsNil() && parent.IsValid():
			seen[FieldSite{c.Service, c.Operation, path, v.Kind()}] = true
		case isEnum(v.Type()) && v.String() != "":
			seen[FieldSite{c.Service, c.Operation, path, reflect.String}] = true
		}
		return true
	})
	out2 := make([]FieldSite, 0, len(seen))
	for s := range seen {
		out2 = append(out2, s)
	}
	sortSites(out2)
	return out2
}

func sortSites(s []FieldSite) {
	less := func(a, b FieldSite) bool {
		if a.String() != b.String() {
			return a.String() < b.String()
		}
		return a.Kind < b.Kind
	}
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && less(s[j], s[j-1]); j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// SiteRecorder collects the field sites of every output it sees; its
// Rewrite method is an Account.Rewrite that changes nothing.
type SiteRecorder struct {
	mu    sync.Mutex
	sites map[FieldSite]bool
}

// Rewrite records the sites of out and returns it unchanged.
func (r *SiteRecorder) Rewrite(c Call, out any) any {
	s := FieldSites(c, out)
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.sites == nil {
		r.sites = map[FieldSite]bool{}
	}
	for _, x := range s {
		r.sites[x] = true
	}
	return out
}

// Sites returns the sites recorded so far, sorted.
func (r *SiteRecorder) Sites() []FieldSite {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]FieldSite, 0, len(r.sites))
	for s := range r.sites {
		out = append(out, s)
	}
	sortSites(out)
	return out
}

// NilFields returns an Account.Rewrite that sets to nil every pointer,
// slice, map and interface field of an output for which sel returns true.
// n counts the occurrences of the site within the output (0, 1, 2 ... for
// the elements of a list), so a selector can clear one element of many.
// Outputs are deep-copied first; the fake's state is never touched, and
// pagination tokens are never cleared.
func NilFields(sel func(site FieldSite, n int) bool) func(Call, any) any {
	return func(c Call, out any) any {
		counts := map[string]int{}
		return rewriteCopy(out, func(path, name string, v, parent reflect.Value) bool {
			if !nillable(v.Kind()) || v.IsNil() || !parent.IsValid() {
				return true
			}
			n := counts[path]
			counts[path]++
			if sel(FieldSite{c.Service, c.Operation, path, v.Kind()}, n) {
				v.Set(reflect.Zero(v.Type()))
				return false
			}
			return true
		})
	}
}

// FutureEnumValue is the value SetEnums writes: no SDK enum knows it.
const FutureEnumValue = "FUTURE_VALUE"

// SetEnums returns an Account.Rewrite that replaces every enum value (a
// named SDK string type with a Values method) of an output for which sel
// returns true with value, as a newer API version might send.
func SetEnums(value string, sel func(site FieldSite, n int) bool) func(Call, any) any {
	return func(c Call, out any) any {
		counts := map[string]int{}
		return rewriteCopy(out, func(path, name string, v, parent reflect.Value) bool {
			if !isEnum(v.Type()) || v.String() == "" || !v.CanSet() {
				return true
			}
			n := counts[path]
			counts[path]++
			if sel(FieldSite{c.Service, c.Operation, path, reflect.String}, n) {
				v.SetString(value)
			}
			return true
		})
	}
}

// SitesAt returns a selector that picks exactly the given sites (every
// occurrence).
func SitesAt(sites ...FieldSite) func(FieldSite, int) bool {
	set := map[FieldSite]bool{}
	for _, s := range sites {
		set[s] = true
	}
	return func(s FieldSite, _ int) bool { return set[s] }
}

// leafName returns the last field name of a site path.
func leafName(path string) string {
	path = strings.TrimRight(path, "[]{}")
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		return path[i+1:]
	}
	return path
}

// DeepCopy returns a copy of v (typically an operation's output) that
// shares no exported memory with it, so a test can keep an answer while
// the fake's state moves on.
func DeepCopy(v any) any {
	rv := reflect.ValueOf(v)
	if !rv.IsValid() {
		return v
	}
	return deepCopy(rv).Interface()
}

// RewriteStrings returns a deep copy of out in which every string value
// (a string or *string field, or a string map value) is replaced by
// fn(name, value); name is the field name, or the map key for map values.
// Pagination tokens are left alone.
func RewriteStrings(out any, fn func(name, value string) string) any {
	str := reflect.TypeOf("")
	return rewriteCopy(out, func(path, name string, v, parent reflect.Value) bool {
		switch {
		case v.Type() == str && v.CanSet():
			if s := fn(name, v.String()); s != v.String() {
				v.SetString(s)
			}
		case v.Kind() == reflect.Pointer && v.Type().Elem() == str && !v.IsNil():
			if s := fn(name, v.Elem().String()); s != v.Elem().String() {
				v.Set(reflect.ValueOf(&s))
			}
		}
		return true
	})
}
