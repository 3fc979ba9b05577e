package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func readTestdata(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// The testdata files are TLC 2.20's real console output, captured from runs of this
// directory's specs (and two deliberately broken modules for the error cases).
func TestParseOutput(t *testing.T) {
	cases := []struct {
		file       string
		exit       int
		verdict    string
		violated   string
		haveCounts bool
		distinct   uint64
		generated  uint64
		left       uint64
		detail     string // substring of Detail for error verdicts
	}{
		{file: "holds.txt", exit: 0, verdict: VerdictHolds, haveCounts: true, distinct: 827924, generated: 4502391},
		{file: "violates.txt", exit: 12, verdict: VerdictViolates, violated: "StoreCompleteUpToCursor", haveCounts: true, distinct: 49, generated: 104, left: 16},
		{file: "violated_initial.txt", exit: 12, verdict: VerdictViolates, violated: "RecreateBeforeListingConverges"},
		{file: "deadlock.txt", exit: 11, verdict: VerdictError, haveCounts: true, distinct: 13, generated: 15, detail: "Deadlock reached"},
		{file: "parse_error.txt", exit: 150, verdict: VerdictError, detail: "exit 150"},
		{file: "eval_error.txt", exit: 75, verdict: VerdictError, haveCounts: true, distinct: 2, generated: 2, detail: "evaluation error"},
		// The text and the exit code must agree, or the run is an error, never a pass.
		{file: "holds.txt", exit: 12, verdict: VerdictError, haveCounts: true, distinct: 827924, generated: 4502391, detail: "exit 12"},
		{file: "violates.txt", exit: 0, verdict: VerdictError, haveCounts: true, distinct: 49, generated: 104, left: 16, detail: "Invariant StoreCompleteUpToCursor is violated"},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			r := ParseOutput(readTestdata(t, c.file), c.exit)
			if r.Verdict != c.verdict || r.Violated != c.violated {
				t.Errorf("verdict %q violated %q, want %q %q (detail %q)", r.Verdict, r.Violated, c.verdict, c.violated, r.Detail)
			}
			if r.HaveCounts != c.haveCounts || r.Distinct != c.distinct || r.Generated != c.generated || r.Left != c.left {
				t.Errorf("counts have=%v distinct=%d generated=%d left=%d, want have=%v distinct=%d generated=%d left=%d",
					r.HaveCounts, r.Distinct, r.Generated, r.Left, c.haveCounts, c.distinct, c.generated, c.left)
			}
			if r.Version != "2.20" {
				t.Errorf("TLC version %q, want 2.20 (from the banner)", r.Version)
			}
			if r.ExitCode != c.exit {
				t.Errorf("exit code %d, want %d", r.ExitCode, c.exit)
			}
			if !strings.Contains(r.Detail, c.detail) {
				t.Errorf("detail %q does not contain %q", r.Detail, c.detail)
			}
		})
	}
}

// An output cut off before TLC's verdict (a killed JVM) is an error even with exit code 0,
// and progress lines never count as the final distinct-state count.
func TestParseOutputTruncated(t *testing.T) {
	full := readTestdata(t, "holds.txt")
	cut := full[:strings.Index(full, "Model checking completed")]
	r := ParseOutput(cut, 0)
	if r.Verdict != VerdictError {
		t.Fatalf("truncated output gave verdict %q, want error", r.Verdict)
	}
	if r.HaveCounts {
		t.Errorf("a progress line was taken as the final count: distinct %d", r.Distinct)
	}
	if !strings.Contains(r.Detail, "truncated") {
		t.Errorf("detail %q should say the output looks truncated", r.Detail)
	}
}

func TestParseOutputCommaCounts(t *testing.T) {
	out := "Model checking completed. No error has been found.\n1,234,567 states generated, 89,012 distinct states found, 0 states left on queue.\n"
	r := ParseOutput(out, 0)
	if r.Verdict != VerdictHolds || r.Distinct != 89012 || r.Generated != 1234567 {
		t.Fatalf("got %+v", r)
	}
}

func TestParseOutputTwoViolations(t *testing.T) {
	out := "Error: Invariant A is violated.\nError: Invariant B is violated.\n"
	if r := ParseOutput(out, 12); r.Verdict != VerdictError {
		t.Fatalf("two violated invariants must not pass as one: %+v", r)
	}
}

func TestParseJavaVersion(t *testing.T) {
	cases := map[string]int{
		`openjdk version "17.0.15" 2025-04-15`: 17,
		`java version "1.8.0_392"`:             8,
		`openjdk version "11" 2018-09-25`:      11,
		`openjdk version "21.0.2" 2024-01-16`:  21,
	}
	for in, want := range cases {
		got, err := parseJavaVersion(in)
		if err != nil || got != want {
			t.Errorf("parseJavaVersion(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	if _, err := parseJavaVersion("no version here"); err == nil {
		t.Error("parseJavaVersion accepted text without a version")
	}
}
