package secpillar

import (
	"context"
	"fmt"
	"reflect"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go/middleware"
)

// PageGuard is an API option that turns two malformed pagination answers
// into errors instead of silent data loss or an endless loop: a page that
// says it is truncated but carries no marker, and a next token equal to
// the one just sent. Run installs it; callers of the typed checks may add
// it to their own config:
//
//	cfg.APIOptions = append(cfg.APIOptions, secpillar.PageGuard)
func PageGuard(st *middleware.Stack) error {
	return st.Initialize.Add(pageGuard{}, middleware.After)
}

type pageGuard struct{}

func (pageGuard) ID() string { return "secpillar.pageGuard" }

// Token field names of inputs and outputs across the SDK's paginated
// operations.
// Output fields named Next* come first: some services (Route 53, S3's
// ListObjects) echo the request's Marker in the output beside NextMarker,
// so Marker is the next token only for outputs that have no Next* field.
var (
	inputTokenFields  = []string{"NextToken", "Marker", "NextMarker", "ContinuationToken", "StartingToken"}
	outputTokenFields = []string{"NextToken", "NextMarker", "NextContinuationToken", "Marker"}
)

func (pageGuard) HandleInitialize(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
	out, md, err := next.HandleInitialize(ctx, in)
	if err != nil {
		return out, md, err
	}
	if perr := checkPage(in.Parameters, out.Result); perr != nil {
		return out, md, fmt.Errorf("secpillar: %s.%s: %w", awsmiddleware.GetServiceID(ctx), awsmiddleware.GetOperationName(ctx), perr)
	}
	return out, md, nil
}

// checkPage inspects an operation's input and output for malformed
// pagination.
func checkPage(params, result any) error {
	ov := structOf(result)
	if !ov.IsValid() {
		return nil
	}
	ov = pageStruct(ov)
	var nextTok *string
	for _, name := range outputTokenFields {
		s, ok := stringPtrField(ov, name)
		if !ok {
			continue
		}
		if s != nil && *s != "" {
			nextTok = s
		}
		// The first token field the output has is its next token; a
		// later one (Marker beside NextMarker) only echoes the request.
		break
	}
	if t := ov.FieldByName("IsTruncated"); t.IsValid() {
		truncated := false
		switch t.Kind() {
		case reflect.Bool:
			truncated = t.Bool()
		case reflect.Pointer:
			truncated = !t.IsNil() && t.Elem().Kind() == reflect.Bool && t.Elem().Bool()
		}
		if truncated && nextTok == nil {
			return fmt.Errorf("the page is marked truncated but carries no marker: refusing to treat the listing as complete")
		}
	}
	if nextTok == nil {
		return nil
	}
	iv := structOf(params)
	if !iv.IsValid() {
		return nil
	}
	for _, name := range inputTokenFields {
		if s, ok := stringPtrField(iv, name); ok && s != nil && *s == *nextTok {
			return fmt.Errorf("the service returned the same pagination token it was sent (%q): refusing to loop", *s)
		}
	}
	return nil
}

func structOf(v any) reflect.Value {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Struct {
		return reflect.Value{}
	}
	return rv.Elem()
}

func stringPtrField(v reflect.Value, name string) (*string, bool) {
	f := v.FieldByName(name)
	if !f.IsValid() || f.Kind() != reflect.Pointer || f.Type().Elem().Kind() != reflect.String {
		return nil, false
	}
	if f.IsNil() {
		return nil, true
	}
	s := f.Elem().String()
	return &s, true
}

// pageStruct returns the struct that carries the page's markers: the
// output itself, or a nested list (CloudFront's DistributionList) when
// only that has IsTruncated.
func pageStruct(ov reflect.Value) reflect.Value {
	if ov.FieldByName("IsTruncated").IsValid() {
		return ov
	}
	for i := 0; i < ov.NumField(); i++ {
		f := ov.Field(i)
		if f.Kind() != reflect.Pointer || f.IsNil() || f.Elem().Kind() != reflect.Struct {
			continue
		}
		if f.Elem().FieldByName("IsTruncated").IsValid() {
			return f.Elem()
		}
	}
	return ov
}
