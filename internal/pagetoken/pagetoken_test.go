package pagetoken

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
)

func TestGuard(t *testing.T) {
	g := New("list things")
	for _, tok := range []*string{aws.String("a"), aws.String("b"), nil} {
		if err := g.Check(tok != nil, tok); err != nil {
			t.Fatalf("token %v: %v", aws.ToString(tok), err)
		}
	}
	if err := g.Check(false, aws.String("a")); err == nil || err.Error() != `list things: the same pagination token "a" came back twice` {
		t.Errorf("repeated token: %v", err)
	}
	var zero Guard
	if err := zero.Check(true, aws.String("")); err == nil || !strings.Contains(err.Error(), "truncated page without a marker") {
		t.Errorf("truncated without a token: %v", err)
	}
	if err := zero.Check(false, nil); err != nil {
		t.Errorf("last page: %v", err)
	}
}
