package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/slipstream-go/slipstream/spec/tla/tlcsummary"
)

// specDir lays out a minimal spec/tla directory: one spec with a quoted property, the MC files
// for the given configs, and expected.tsv.
func specDir(t *testing.T, expected string, configs ...string) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"expected.tsv": expected,
		"Demo.tla":     "---- MODULE Demo ----\n\\* always: \"the store's contents are always complete up to its cursor\"\nStoreCompleteUpToCursor == TRUE\n====\n",
	}
	for _, c := range configs {
		base := baseConfig(c)
		files["MC_"+base+".tla"] = "---- MODULE MC_" + base + " ----\n====\n"
		files["MC_"+c+".cfg"] = "\n"
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func setupFakeTLC(t *testing.T, cfg, outFile string, exit string) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("the fake java is a shell script")
	}
	t.Setenv("PATH", fakeJava(t, "17.0.15"))
	jar := filepath.Join(t.TempDir(), "tla2tools.jar")
	if err := os.WriteFile(jar, []byte("PK"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv(jarEnv, jar)
	abs, err := filepath.Abs(filepath.Join("testdata", outFile))
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("FAKE_TLC_OUT", abs)
	t.Setenv("FAKE_TLC_EXIT", exit)
	t.Setenv("FAKE_TLC_CFG", cfg)
}

func runIn(t *testing.T, dir string, args ...string) (int, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), append([]string{"-dir", dir}, args...), &stdout, &stderr)
	return code, stdout.String() + stderr.String()
}

func TestRunMatchingHolds(t *testing.T) {
	setupFakeTLC(t, "MC_Demo_A.cfg", "holds.txt", "0")
	dir := specDir(t, "Demo_A\tholds\t827924\t-\tgo\n", "Demo_A")
	code, out := runIn(t, dir)
	if code != 0 || !strings.Contains(out, "Demo_A") || !strings.Contains(out, "holds 827924") || !strings.Contains(out, " ok") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "states", "Demo_A.out")); err != nil {
		t.Errorf("TLC output not kept: %v", err)
	}
}

func TestRunDistinctMismatch(t *testing.T) {
	setupFakeTLC(t, "MC_Demo_A.cfg", "holds.txt", "0")
	code, out := runIn(t, specDir(t, "Demo_A\tholds\t827925\t-\tgo\n", "Demo_A"))
	if code != 1 || !strings.Contains(out, "MISMATCH: distinct states 827924, expected 827925") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
}

// A violates row may name the property by its original wording; the runner maps it onto the
// operator through the spec's comment.
func TestRunViolatesByWording(t *testing.T) {
	setupFakeTLC(t, "MC_Demo_Mut.cfg", "violates.txt", "12")
	code, out := runIn(t, specDir(t, "Demo_Mut\tviolates\t-\tthe store's contents are always complete up to its cursor\tgo\n", "Demo_Mut"))
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, out)
	}
}

func TestRunWrongViolation(t *testing.T) {
	setupFakeTLC(t, "MC_Demo_Mut.cfg", "violates.txt", "12")
	code, out := runIn(t, specDir(t, "Demo_Mut\tviolates\t-\tSomethingElse\tgo\n", "Demo_Mut"))
	if code != 1 || !strings.Contains(out, "violated StoreCompleteUpToCursor, expected SomethingElse") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
}

func TestRunExpectedHoldsGotViolation(t *testing.T) {
	setupFakeTLC(t, "MC_Demo_A.cfg", "violates.txt", "12")
	code, out := runIn(t, specDir(t, "Demo_A\tholds\t49\t-\tgo\n", "Demo_A"))
	if code != 1 || !strings.Contains(out, "verdict violates, expected holds") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
}

// A witness row runs the base config's module with its own cfg.
func TestRunWitnessUsesBaseModule(t *testing.T) {
	setupFakeTLC(t, "MC_Demo_A__W_x.cfg", "violates.txt", "12")
	dir := specDir(t, "Demo_A__W_x\tviolates\t-\tStoreCompleteUpToCursor\t-\n", "Demo_A__W_x")
	if _, err := os.Stat(filepath.Join(dir, "MC_Demo_A.tla")); err != nil {
		t.Fatal(err)
	}
	if code, out := runIn(t, dir); code != 0 {
		t.Fatalf("exit %d:\n%s", code, out)
	}
}

func TestRunMissingMirror(t *testing.T) {
	setupFakeTLC(t, "MC_Demo_A.cfg", "holds.txt", "0")
	code, out := runIn(t, specDir(t, "Demo_A\tholds\t827924\t-\tgo\nDemo_B\tholds\t1\t-\tgo\n", "Demo_A"))
	if code != 1 || !strings.Contains(out, "no MC_Demo_B.tla") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
}

func TestRunSkipsDeepAndSelects(t *testing.T) {
	setupFakeTLC(t, "MC_Demo_A.cfg", "holds.txt", "0")
	// The deep row has no files: it must not even be looked at without -deep.
	dir := specDir(t, "Demo_A\tholds\t827924\t-\tgo\nDemo_Deep_B\tholds\t1\t-\tgo\nDemo_C\tholds\t1\t-\tgo\n", "Demo_A")
	code, out := runIn(t, dir, "-run", "^Demo_A$")
	if code != 0 || !strings.Contains(out, "1 configs run") || strings.Contains(out, "Demo_C") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	code, out = runIn(t, dir, "-run", "Deep", "-deep")
	if code != 1 || !strings.Contains(out, "no MC_Demo_Deep_B.tla") {
		t.Fatalf("-deep did not run the deep row: exit %d:\n%s", code, out)
	}
	code, out = runIn(t, dir, "-run", "^Nothing$")
	if code != 1 || !strings.Contains(out, "selected no row") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
}

func TestRunTLCError(t *testing.T) {
	setupFakeTLC(t, "MC_Demo_A.cfg", "parse_error.txt", "150")
	code, out := runIn(t, specDir(t, "Demo_A\tholds\t1\t-\tgo\n", "Demo_A"))
	if code != 1 || !strings.Contains(out, "TLC failed: exit 150") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
}

// With -record, a row TLC agrees with gains tlc in expected.tsv (go becomes both, - becomes
// tlc) and TLC's summary is kept in tlc-summary.tsv; a mismatched row records nothing.
func TestRunRecordsConfirmations(t *testing.T) {
	setupFakeTLC(t, "MC_Demo_A.cfg", "holds.txt", "0")
	dir := specDir(t, "# rows\nDemo_A\tholds\t827924\t-\tgo\n", "Demo_A")
	code, out := runIn(t, dir, "-record")
	if code != 0 || !strings.Contains(out, "ok, recorded") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	b, err := os.ReadFile(filepath.Join(dir, "expected.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	if want := "# rows\nDemo_A\tholds\t827924\t-\tboth\n"; string(b) != want {
		t.Fatalf("expected.tsv after -record:\n%s\nwant:\n%s", b, want)
	}
	sums, err := tlcsummary.Read(filepath.Join(dir, tlcsummary.FileName))
	if err != nil {
		t.Fatal(err)
	}
	want := tlcsummary.Line{Config: "Demo_A", Verdict: "holds", Generated: 4502391, Distinct: 827924, HaveCounts: true, TLC: "2.20"}
	if got, ok := sums.Get("Demo_A"); !ok || got.Line == 0 || func() bool { got.Line = 0; return got != want }() {
		t.Fatalf("kept summary %+v, %v; want %+v", got, ok, want)
	}

	// A mismatch records nothing.
	setupFakeTLC(t, "MC_Demo_B.cfg", "holds.txt", "0")
	dir = specDir(t, "Demo_B\tholds\t5\t-\tgo\n", "Demo_B")
	if code, out := runIn(t, dir, "-record"); code != 1 {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "expected.tsv")); string(b) != "Demo_B\tholds\t5\t-\tgo\n" {
		t.Fatalf("a mismatch changed expected.tsv:\n%s", b)
	}
	if _, err := os.Stat(filepath.Join(dir, tlcsummary.FileName)); err == nil {
		t.Fatal("a mismatch wrote a TLC summary")
	}
}

// -from-log judges (and records) the output an earlier run kept, without Java; an output cut
// short has no verdict and is a mismatch, never a pass.
func TestRunFromKeptOutput(t *testing.T) {
	t.Setenv("PATH", t.TempDir()) // no java
	t.Setenv(jarEnv, filepath.Join(t.TempDir(), "missing.jar"))
	full := readTestdata(t, "holds.txt")
	dir := specDir(t, "Demo_A\tholds\t827924\t-\tgo\nDemo_B\tholds\t827924\t-\tgo\nDemo_C\tholds\t1\t-\tgo\n", "Demo_A", "Demo_B", "Demo_C")
	if err := os.MkdirAll(filepath.Join(dir, "states"), 0o755); err != nil {
		t.Fatal(err)
	}
	cut := full[:strings.Index(full, "Model checking completed")]
	for name, body := range map[string]string{"Demo_A.out": full, "Demo_B.out": cut} {
		if err := os.WriteFile(filepath.Join(dir, "states", name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code, out := runIn(t, dir, "-from-log", "-record", "-run", "^Demo_A$")
	if code != 0 || !strings.Contains(out, "ok, recorded") {
		t.Fatalf("a complete kept output: exit %d\n%s", code, out)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "expected.tsv")); !strings.Contains(string(b), "Demo_A\tholds\t827924\t-\tboth") {
		t.Fatalf("the row was not marked both:\n%s", b)
	}
	code, out = runIn(t, dir, "-from-log", "-record", "-run", "^Demo_B$")
	if code != 1 || !strings.Contains(out, "no verdict") {
		t.Fatalf("an output cut short: exit %d\n%s", code, out)
	}
	code, out = runIn(t, dir, "-from-log", "-run", "^Demo_C$")
	if code != 1 || !strings.Contains(out, "no kept TLC output for Demo_C") {
		t.Fatalf("no kept output: exit %d\n%s", code, out)
	}
}
