package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/slipstream-go/slipstream/model/configs"
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
	e, err := configs.ParseExpected(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("the written file does not parse: %v\n%s", err, b)
	}
	row, ok := e.Row(cfgName)
	if !ok || row.Verdict != configs.VerdictHolds || row.Distinct == 0 {
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
	if err := os.WriteFile(path, []byte(cfgName+"\tviolates\t-\tno mixed import: an installed fold is one exporter's exported state\n"), 0o644); err != nil {
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
