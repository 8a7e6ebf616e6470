package faultmatrix

import (
	"encoding/json"
	"reflect"

	"github.com/aws/smithy-go"
)

func apiErr(code, msg string) error {
	return &smithy.GenericAPIError{Code: code, Message: msg, Fault: smithy.FaultClient}
}

func jsonOf(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(b)
}

var (
	outTokenFields = []string{"NextToken", "NextMarker", "Marker", "NextContinuationToken", "ContinuationToken"}
	inTokenFields  = []string{"NextToken", "Marker", "NextMarker", "ContinuationToken", "StartingToken"}
)

// shallow returns a pointer to a copy of the struct out points to.
func shallow(out any) reflect.Value {
	rv := reflect.ValueOf(out)
	cp := reflect.New(rv.Elem().Type())
	cp.Elem().Set(rv.Elem())
	return cp
}

func strField(v reflect.Value, name string) (reflect.Value, bool) {
	if v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	f := v.FieldByName(name)
	if !f.IsValid() || f.Kind() != reflect.Pointer || f.Type().Elem().Kind() != reflect.String {
		return reflect.Value{}, false
	}
	return f, true
}

func nextTokenOf(out any) string {
	rv := reflect.ValueOf(out)
	if !rv.IsValid() || rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Struct {
		return ""
	}
	for _, n := range outTokenFields {
		if f, ok := strField(rv, n); ok && !f.IsNil() && f.Elem().String() != "" {
			return f.Elem().String()
		}
	}
	return ""
}

func setToken(v reflect.Value, tok string) {
	for _, n := range outTokenFields {
		if f, ok := strField(v, n); ok {
			f.Set(reflect.ValueOf(&tok))
			return
		}
	}
}

func clearTokens(v reflect.Value) {
	for _, n := range outTokenFields {
		if f, ok := strField(v, n); ok {
			f.Set(reflect.Zero(f.Type()))
		}
	}
}

func setTruncated(v reflect.Value, b bool) {
	f := v.Elem().FieldByName("IsTruncated")
	switch {
	case !f.IsValid():
	case f.Kind() == reflect.Bool:
		f.SetBool(b)
	case f.Kind() == reflect.Pointer && f.Type().Elem().Kind() == reflect.Bool:
		f.Set(reflect.ValueOf(&b))
	}
}

// clearItems empties every top-level list of an output.
func clearItems(v reflect.Value) {
	e := v.Elem()
	for i := 0; i < e.NumField(); i++ {
		if e.Type().Field(i).IsExported() && e.Field(i).Kind() == reflect.Slice {
			e.Field(i).Set(reflect.Zero(e.Field(i).Type()))
		}
	}
}

func inputToken(params any) string {
	rv := reflect.ValueOf(params)
	if !rv.IsValid() || rv.Kind() != reflect.Pointer || rv.IsNil() {
		return ""
	}
	for _, n := range inTokenFields {
		if f, ok := strField(rv, n); ok && !f.IsNil() {
			return f.Elem().String()
		}
	}
	return ""
}

// withoutInputToken returns a copy of params with its token cleared (the
// caller's input is never changed).
func withoutInputToken(params any) any {
	cp := shallow(params)
	for _, n := range inTokenFields {
		if f, ok := strField(cp, n); ok {
			f.Set(reflect.Zero(f.Type()))
		}
	}
	return cp.Interface()
}
