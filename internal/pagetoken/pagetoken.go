// Package pagetoken catches the malformed pages that would end a listing
// silently or never end it: a page marked truncated without a next-page
// token, and a token that comes back (the SDK paginators stop on a
// repeated token, which hides the rest of the listing).
package pagetoken

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// Guard checks the next-page tokens of one listing. The zero value is
// ready to use; What, when set, names the listing in errors.
type Guard struct {
	What string
	seen map[string]bool
}

// New returns a Guard for the listing what.
func New(what string) *Guard { return &Guard{What: what} }

// Check records the next-page token of a page. It returns an error when
// the page says it is truncated but has no token, or when the token was
// seen before in this listing. Services without a truncation flag pass
// false.
func (g *Guard) Check(truncated bool, next *string) error {
	tok := aws.ToString(next)
	if truncated && tok == "" {
		return g.errorf("a truncated page without a marker")
	}
	if tok == "" {
		return nil
	}
	if g.seen == nil {
		g.seen = map[string]bool{}
	}
	if g.seen[tok] {
		return g.errorf("the same pagination token %q came back twice", tok)
	}
	g.seen[tok] = true
	return nil
}

func (g *Guard) errorf(format string, args ...any) error {
	if g.What == "" {
		return fmt.Errorf(format, args...)
	}
	return fmt.Errorf("%s: "+format, append([]any{g.What}, args...)...)
}
