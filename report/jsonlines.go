package report

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"

	"github.com/secpillar/secpillar"
)

// WriteJSONLines writes one finding per line as JSON, with the field names
// of secpillar.Finding, in order. The output is what log pipelines and
// "jq -c" read.
func WriteJSONLines(w io.Writer, findings []secpillar.Finding) error {
	return writeLines(w, findings)
}

// writeLines encodes each value as one line of JSON.
func writeLines[T any](w io.Writer, values []T) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for i := range values {
		if err := enc.Encode(values[i]); err != nil {
			return fmt.Errorf("report: encode line %d: %w", i+1, err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("report: write: %w", err)
	}
	return nil
}
