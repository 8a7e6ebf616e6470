package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestReviewThenApply(t *testing.T) {
	var out bytes.Buffer
	if code := run(context.Background(), []string{"-demo"}, strings.NewReader("y\n"), &out); code != 0 {
		t.Fatalf("exit %d:\n%s", code, out.String())
	}
	for _, want := range []string{"plan: PLANNED", "MinimumPasswordLength: 8 -> 14", "applied: CHANGED", "second run: COMPLIANT, 0 changes"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "RequireSymbols") || strings.Contains(out.String(), "HardExpiry") {
		t.Errorf("the plan touches settings it must carry forward:\n%s", out.String())
	}
}

func TestDeclinedMakesNoChange(t *testing.T) {
	var out bytes.Buffer
	if code := run(context.Background(), []string{"-demo"}, strings.NewReader("n\n"), &out); code != 1 {
		t.Fatalf("exit %d, want 1:\n%s", code, out.String())
	}
	if strings.Contains(out.String(), "applied:") {
		t.Errorf("applied after a refusal:\n%s", out.String())
	}
}
