package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/slipstream-go/slipstream/model/expected"
)

const cfgName = "ExportImport_LegacyFailStop"

func runCmd(t *testing.T, args ...string) (int, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return code, out.String() + errb.String()
}

func TestUpdateThenCompare(t *testing.T) {
	path := filepath.Join(t.TempDir(), "expected.tsv")
	code, out := runCmd(t, "-config", cfgName, "-expected", path, "-progress", "0", "-update")
	if code != 0 {
		t.Fatalf("-update on a missing file: exit %d\n%s", code, out)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	e, err := expected.Parse(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("the written file does not parse: %v\n%s", err, b)
	}
	row, ok := e.Get(cfgName)
	if !ok || row.Verdict != expected.Holds || row.Distinct == 0 || row.Confirmed != expected.ByGo {
		t.Fatalf("row %+v in\n%s", row, b)
	}

	code, out = runCmd(t, "-config", cfgName, "-expected", path, "-progress", "0")
	if code != 0 || !strings.Contains(out, "PASS: 1 configurations agree") || !strings.Contains(out, "No error has been found") {
		t.Fatalf("compare after update: exit %d\n%s", code, out)
	}

	// A wrong count is a failure naming both numbers.
	wrong := strings.Replace(string(b), "\t"+itoa(row.Distinct)+"\t", "\t"+itoa(row.Distinct+1)+"\t", 1)
	if err := os.WriteFile(path, []byte(wrong), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out = runCmd(t, "-config", cfgName, "-expected", path, "-progress", "0")
	if code != 1 || !strings.Contains(out, "MISMATCH") || !strings.Contains(out, itoa(row.Distinct+1)) {
		t.Fatalf("a wrong distinct count: exit %d\n%s", code, out)
	}

	// A wrong verdict too.
	if err := os.WriteFile(path, []byte(cfgName+"\tviolates\t-\tno mixed import: an installed fold is one exporter's exported state\tgo\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out = runCmd(t, "-config", cfgName, "-expected", path, "-progress", "0")
	if code != 1 || !strings.Contains(out, "expected \"no mixed import") {
		t.Fatalf("a wrong verdict: exit %d\n%s", code, out)
	}

	// A configuration without a row fails.
	if err := os.WriteFile(path, []byte("# empty\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out = runCmd(t, "-config", cfgName, "-expected", path, "-progress", "0")
	if code != 1 || !strings.Contains(out, "no row") {
		t.Fatalf("a missing row: exit %d\n%s", code, out)
	}
}

// -update prints the rows it changes, and refuses to change a row TLC confirmed unless
// -force-tlc-rows, after which the row is confirmed by go only.
func TestUpdateGuardsTLCConfirmedRows(t *testing.T) {
	path := filepath.Join(t.TempDir(), "expected.tsv")
	args := []string{"-config", cfgName, "-expected", path, "-progress", "0", "-update"}
	if code, out := runCmd(t, args...); code != 0 || !strings.Contains(out, "changed "+cfgName+": new row: holds") {
		t.Fatalf("first update: exit %d\n%s", code, out)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	e, err := expected.Parse(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	row, _ := e.Get(cfgName)

	// The same numbers confirmed by both: an update changes nothing and says so.
	both := strings.Replace(string(b), "\t-\tgo", "\t-\tboth", 1)
	write := func(s string) {
		t.Helper()
		if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(both)
	if code, out := runCmd(t, args...); code != 0 || strings.Contains(out, "changed ") || !strings.Contains(out, "0 of 1 rows changed") {
		t.Fatalf("an unchanged row: exit %d\n%s", code, out)
	}

	// A TLC-confirmed row with another count is refused, and the file is left alone.
	wrong := strings.Replace(both, "\t"+itoa(row.Distinct)+"\t", "\t"+itoa(row.Distinct+1)+"\t", 1)
	write(wrong)
	code, out := runCmd(t, args...)
	if code != 1 || !strings.Contains(out, "nothing written") || !strings.Contains(out, "-force-tlc-rows") {
		t.Fatalf("a TLC-confirmed change: exit %d\n%s", code, out)
	}
	if got, _ := os.ReadFile(path); string(got) != wrong {
		t.Fatalf("a refused update wrote the file:\n%s", got)
	}

	// Forced, the row takes the Go checker's count and loses TLC's confirmation.
	code, out = runCmd(t, append(args, "-force-tlc-rows")...)
	want := "changed " + cfgName + ": holds " + itoa(row.Distinct+1) + " (confirmed both) -> holds " + itoa(row.Distinct) + " (confirmed go)"
	if code != 0 || !strings.Contains(out, want) {
		t.Fatalf("a forced update: exit %d, want %q in\n%s", code, want, out)
	}
	if got, _ := os.ReadFile(path); string(got) != string(b) {
		t.Fatalf("after the forced update the file is\n%s\nwant\n%s", got, b)
	}
}

// A depth-bounded search is incomplete: its own exit status, never a pass or a mismatch, and
// it cannot be recorded.
func TestIncompleteSearchExitStatus(t *testing.T) {
	code, out := runCmd(t, "-config", "AppliedCursor_Shipped", "-max-depth", "3", "-progress", "0")
	if code != 3 || !strings.Contains(out, "INCOMPLETE") || strings.Contains(out, "PASS") || strings.Contains(out, "MISMATCH") {
		t.Fatalf("a bounded search: exit %d\n%s", code, out)
	}
	path := filepath.Join(t.TempDir(), "expected.tsv")
	code, out = runCmd(t, "-config", "AppliedCursor_Shipped", "-max-depth", "3", "-progress", "0", "-expected", path, "-update")
	if _, err := os.Stat(path); code != 3 || err == nil {
		t.Fatalf("recording a bounded search: exit %d, file written: %v\n%s", code, err == nil, out)
	}
}

func TestBadArguments(t *testing.T) {
	for _, args := range [][]string{{"-tier", "shallow"}, {"-config", "("}, {"-config", "NoSuchConfig"}, {"stray"}} {
		if code, out := runCmd(t, args...); code != 2 {
			t.Errorf("%q: exit %d, want 2\n%s", args, code, out)
		}
	}
	code, out := runCmd(t, "-list", "-tier", "all")
	if code != 0 || !strings.Contains(out, "ExportImport_Deep_ShippedFailStop_Rev5") || !strings.Contains(out, cfgName) {
		t.Fatalf("-list -tier all: exit %d\n%s", code, out)
	}
}

func itoa(n uint64) string { return strconv.FormatUint(n, 10) }
