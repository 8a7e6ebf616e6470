package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// goldenControls are the six foundation controls, one or two per domain:
// enough to pin every format's shape on the demo account without a golden
// that changes with each new control.
var goldenControls = strings.Join([]string{
	"identity.root-mfa-enabled",
	"identity.password-policy",
	"detective.cloudtrail-log-validation",
	"infrastructure.sg-no-admin-ports-open",
	"dataprotection.s3-account-public-access-block",
	"incident.stack-termination-protection",
}, ",")

// volatile matches what changes from run to run: timestamps (RFC 3339 and
// OCSF epoch milliseconds), and dates the demo sets relative to now.
var volatile = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})`), "<time>"},
	{regexp.MustCompile(`"(time|created_time|modified_time)":\d+`), `"$1":0`},
}

func normalise(b []byte) []byte {
	for _, v := range volatile {
		b = v.re.ReplaceAll(b, []byte(v.with))
	}
	return b
}

func TestDemoGoldenPerFormat(t *testing.T) {
	for _, format := range []string{"table", "json", "ocsf", "asff"} {
		t.Run(format, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(context.Background(), []string{"-demo", "-quiet", "-format", format, "-controls", goldenControls}, strings.NewReader(""), &out, &errb)
			if code != 1 {
				t.Fatalf("exit %d, want 1 (the demo fails some of these controls):\n%s", code, errb.String())
			}
			got := normalise(out.Bytes())
			path := filepath.Join("testdata", "demo."+format+".golden")
			if *update {
				if err := os.MkdirAll("testdata", 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./examples/scanner -run Golden -update)", err)
			}
			if !bytes.Equal(want, got) {
				t.Errorf("%s differs from the demo's output; if the change is intended, run go test ./examples/scanner -run Golden -update\n--- got:\n%s", path, got)
			}
		})
	}
}
