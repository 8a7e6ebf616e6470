package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestDemoDryRunThenContain(t *testing.T) {
	var plan bytes.Buffer
	if code := run(context.Background(), []string{"-demo"}, &plan); code != 0 {
		t.Fatalf("dry run exit %d:\n%s", code, plan.String())
	}
	if !strings.Contains(plan.String(), "PLANNED") || !strings.Contains(plan.String(), "dry run") {
		t.Errorf("the dry run does not show a plan:\n%s", plan.String())
	}
	var done bytes.Buffer
	if code := run(context.Background(), []string{"-demo", "-yes"}, &done); code != 0 {
		t.Fatalf("contain exit %d:\n%s", code, done.String())
	}
	if strings.Contains(done.String(), "PLANNED") || !strings.Contains(done.String(), "DONE") {
		t.Errorf("containment did not act:\n%s", done.String())
	}
}

func TestUnknownKeyIsRefused(t *testing.T) {
	var out bytes.Buffer
	if code := run(context.Background(), []string{"-demo", "-key", "AKIAIOSFODNN7NOTHERE", "-yes"}, &out); code != 2 {
		t.Fatalf("exit %d, want 2:\n%s", code, out.String())
	}
}

func TestBadKeyID(t *testing.T) {
	var out bytes.Buffer
	if code := run(context.Background(), []string{"-demo", "-key", "not-a-key"}, &out); code != 2 || !strings.Contains(out.String(), "not-a-key") {
		t.Fatalf("exit %d, want 2 naming the input:\n%s", code, out.String())
	}
}
