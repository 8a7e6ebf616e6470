package fakeaws

import (
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/smithy-go"
)

// page returns the page of items that starts at token (an index written as
// a decimal string, or nil for the first page), bounded by limit (when
// positive) and by the account's page size, and the token of the next page
// (nil on the last page). A token the fake did not issue is an error, as
// it is in AWS.
func page[T any](a *Account, items []T, token *string, limit int32) ([]T, *string, error) {
	start := 0
	if token != nil && *token != "" {
		n, err := strconv.Atoi(*token)
		if err != nil || n < 0 || n > len(items) {
			return nil, nil, &smithy.GenericAPIError{Code: "InvalidNextToken", Message: "the pagination token is invalid", Fault: smithy.FaultClient}
		}
		start = n
	}
	size := a.pageSize()
	if limit > 0 && int(limit) < size {
		size = int(limit)
	}
	end := start + size
	if end >= len(items) {
		return append([]T(nil), items[start:]...), nil, nil
	}
	return append([]T(nil), items[start:end]...), aws.String(strconv.Itoa(end)), nil
}

// apiError returns a client-fault API error with code and message, as the
// SDK surfaces unmodelled errors.
func apiError(code, msg string) error {
	return &smithy.GenericAPIError{Code: code, Message: msg, Fault: smithy.FaultClient}
}
