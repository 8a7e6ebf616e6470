// Package awserr classifies errors returned by aws-sdk-go-v2 clients. It is
// the one place that knows which unmodelled error codes mean "access
// denied", "throttled", "Region not enabled", "not found" or "credentials
// expired".
package awserr

import (
	"context"
	"errors"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go"
)

// Kind is the class of an error.
type Kind int

// The kinds of error the classifier knows.
const (
	Unknown Kind = iota
	AccessDenied
	Throttled
	RegionDisabled
	NotFound
	ExpiredCredentials
	Canceled
)

func (k Kind) String() string {
	switch k {
	case AccessDenied:
		return "access denied"
	case Throttled:
		return "throttled"
	case RegionDisabled:
		return "region not enabled"
	case NotFound:
		return "not found"
	case ExpiredCredentials:
		return "credentials expired"
	case Canceled:
		return "canceled"
	}
	return "unknown"
}

var accessDeniedCodes = map[string]bool{
	"AccessDenied":                true,
	"AccessDeniedException":       true,
	"UnauthorizedOperation":       true,
	"AuthorizationError":          true,
	"UnauthorizedException":       true,
	"Forbidden":                   true,
	"ForbiddenException":          true,
	"AccessDeniedForDependency":   true,
	"AuthorizationErrorException": true,
}

var regionCodes = map[string]bool{
	"OptInRequired": true,
}

var expiredCodes = map[string]bool{
	"ExpiredToken":                true,
	"ExpiredTokenException":       true,
	"RequestExpired":              true,
	"TokenRefreshRequired":        true,
	"InvalidClientTokenId":        true,
	"UnrecognizedClientException": true,
	"AuthFailure":                 true,
}

// Code returns the API error code carried by err, or "".
func Code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// Classify returns the kind of err.
func Classify(err error) Kind {
	if err == nil {
		return Unknown
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return Canceled
	}
	code := Code(err)
	switch {
	case code == "":
		return Unknown
	case accessDeniedCodes[code]:
		return AccessDenied
	case isThrottleCode(code):
		return Throttled
	case regionCodes[code]:
		return RegionDisabled
	case expiredCodes[code]:
		return ExpiredCredentials
	case strings.HasPrefix(code, "NoSuch") || strings.HasSuffix(code, "NotFound") ||
		strings.HasSuffix(code, "NotFoundException") || strings.HasSuffix(code, "NotFoundError") ||
		code == "ResourceNotFoundException" || code == "NoSuchEntity":
		return NotFound
	}
	return Unknown
}

// IsAccessDenied reports whether err means the caller lacks permission.
// The error's message (for example "with an explicit deny in a service
// control policy") is kept in err; wrap it, do not replace it.
func IsAccessDenied(err error) bool { return Classify(err) == AccessDenied }

// IsThrottled reports whether err is a throttling error the SDK retries.
func IsThrottled(err error) bool { return Classify(err) == Throttled }

// IsNotFound reports whether err says the thing asked for does not exist.
func IsNotFound(err error) bool { return Classify(err) == NotFound }

// IsCode reports whether err carries one of the API error codes.
func IsCode(err error, codes ...string) bool {
	c := Code(err)
	if c == "" {
		return false
	}
	for _, want := range codes {
		if c == want {
			return true
		}
	}
	return false
}

func isThrottleCode(code string) bool {
	_, ok := retry.DefaultThrottleErrorCodes[code]
	return ok
}
