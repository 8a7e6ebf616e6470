package faultmatrix

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/secpillar/secpillar/internal/fakeaws"
)

// policyFields are the output fields that carry a policy document: IAM's
// (URL-encoded) PolicyDocument, AssumeRolePolicyDocument and Document, and
// the resource policies (S3, KMS, EventBridge, SNS attribute "Policy").
var policyFields = map[string]bool{"PolicyDocument": true, "AssumeRolePolicyDocument": true, "Document": true, "Policy": true}

// rfc3986 encodes every byte outside A-Za-z0-9-_.~, as IAM does.
func rfc3986(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

// docRewrite returns a Rewrite that replaces every policy document of an
// output with change(document) (decoded first when IAM encoded it, and
// encoded again), counting the documents it changed.
func docRewrite(change func(doc map[string]any) (string, bool), n *atomic.Int32) func(fakeaws.Call, any) any {
	rewrite := func(s string) (string, bool) {
		encoded := strings.HasPrefix(s, "%7B")
		plain := s
		if encoded {
			d, err := url.PathUnescape(s)
			if err != nil {
				return s, false
			}
			plain = d
		}
		var doc map[string]any
		if json.Unmarshal([]byte(plain), &doc) != nil || doc["Statement"] == nil {
			return s, false
		}
		out, ok := change(doc)
		if !ok {
			return s, false
		}
		n.Add(1)
		if encoded {
			return rfc3986(out), true
		}
		return out, true
	}
	return func(c fakeaws.Call, out any) any {
		return fakeaws.RewriteStrings(out, func(name, s string) string {
			if !policyFields[name] {
				return s
			}
			r, _ := rewrite(s)
			return r
		})
	}
}

// pad appends harmless statements (an Allow of s3:GetObject on buckets
// that do not exist, to the account's own root for resource policies)
// until the document is at least size bytes of JSON, keeping the original
// statements (and their order) at the front.
func pad(account string, size int) func(map[string]any) (string, bool) {
	return func(doc map[string]any) (string, bool) {
		var stmts []any
		switch s := doc["Statement"].(type) {
		case []any:
			stmts = s
		case map[string]any:
			stmts = []any{s}
		default:
			return "", false
		}
		resourcePolicy := false
		for _, s := range stmts {
			if m, ok := s.(map[string]any); ok && (m["Principal"] != nil || m["NotPrincipal"] != nil) {
				resourcePolicy = true
			}
		}
		for i := 0; ; i++ {
			b, _ := json.Marshal(doc)
			if len(b) >= size {
				return string(b), true
			}
			f := map[string]any{"Sid": fmt.Sprintf("SecpillarFiller%d", i), "Effect": "Allow", "Action": "s3:GetObject",
				"Resource": fmt.Sprintf("arn:aws:s3:::secpillar-filler-%d/*", i)}
			if resourcePolicy {
				f["Principal"] = map[string]any{"AWS": "arn:aws:iam::" + account + ":root"}
			}
			stmts = append(stmts, f)
			doc["Statement"] = stmts
		}
	}
}

// nest replaces the first statement's Condition with values nested depth
// levels deep: JSON that no policy can be, beyond encoding/json's depth
// limit.
func nest(depth int) func(map[string]any) (string, bool) {
	return func(doc map[string]any) (string, bool) {
		b, _ := json.Marshal(doc)
		s := string(b)
		i := strings.Index(s, `"Statement":[{`)
		if i < 0 {
			i = strings.Index(s, `"Statement":{`)
		}
		if i < 0 {
			return "", false
		}
		j := strings.Index(s[i:], "{") + i + 1
		deep := `"Condition":{"StringEquals":{"aws:PrincipalOrgID":` + strings.Repeat("[", depth) + `"o-x"` + strings.Repeat("]", depth) + `}},`
		return s[:j] + deep + s[j:], true
	}
}

func TestOversizedPolicyDocuments(t *testing.T) {
	cleanRep, _ := cleanDemo(t)
	cases := []struct {
		name   string
		change func(account string) func(map[string]any) (string, bool)
		// strict: the run must equal the clean one, no new ERROR either.
		strict bool
	}{
		// IAM managed policies may hold 6,144 characters, inline user
		// policies 2,048 in total, role policies 10,240; bucket policies
		// 20 KB, key policies 32 KB. Every document is padded past the
		// IAM managed limit, and past 20 KB.
		{"managed-policy-6144", func(a string) func(map[string]any) (string, bool) { return pad(a, 6144) }, true},
		{"resource-policy-20KB", func(a string) func(map[string]any) (string, bool) { return pad(a, 20*1024) }, true},
		// Deeply nested JSON: an error (or FAIL), never PASS, never a panic.
		{"nested-20000", func(string) func(map[string]any) (string, bool) { return nest(20000) }, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			skipKnown(t)
			e := newEnv(demo)
			var n atomic.Int32
			e.acct.Rewrite = docRewrite(tc.change(e.acct.ID), &n)
			rep, err := e.run(context.Background(), e.acct.Config())
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			e.noPanics(t)
			if n.Load() == 0 {
				t.Skip("no check of the catalogue reads a policy document on the demo account yet")
			}
			t.Logf("%d documents rewritten", n.Load())
			reportViolations(t, Compare(cleanRep, rep, e.scopes, CompareOptions{}))
			if tc.strict {
				for k, msg := range errorTasks(rep) {
					if _, was := errorTasks(cleanRep)[k]; !was {
						t.Errorf("%s %q: ERROR on a large but valid policy document: %s", k.Control, k.Region, msg)
					}
				}
			}
		})
	}
}
