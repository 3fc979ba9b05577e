package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestParsePropertyNames(t *testing.T) {
	in := `\* always: "published cursor never regresses"
PublishedNeverRegresses == ~regressed

\* sometimes (mutations): "HAZARD reachable: cursor advances over dropped data"
\* -- reached exactly when StoreCompleteUpToCursor is violated.
HazardCursorOverDroppedData == holes

\* a comment without a wording
Other == TRUE
`
	names, err := ParsePropertyNames(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"published cursor never regresses":                    "PublishedNeverRegresses",
		"HAZARD reachable: cursor advances over dropped data": "HazardCursorOverDroppedData",
	}
	if len(names) != len(want) {
		t.Fatalf("got %v, want %v", names, want)
	}
	for k, v := range want {
		if names[k] != v {
			t.Errorf("%q -> %q, want %q", k, names[k], v)
		}
	}
	if _, err := ParsePropertyNames(strings.NewReader(`\* always: "p"` + "\nA == 1\n" + `\* always: "p"` + "\nB == 2\n")); err == nil {
		t.Error("one wording defined by two operators was accepted")
	}
}

// The real specs quote every property the Go models name, so the runner can map the Go
// checker's property names onto TLA+ operators.
func TestSpecPropertyNames(t *testing.T) {
	all, err := loadPropertyNames(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	checks := map[string]map[string]string{
		"ExportImport": {
			"published cursor never regresses":                                    "PublishedNeverRegresses",
			"pointer target always fetchable (write-once before publish)":         "PointerTargetFetchable",
			"bootstrap never silently diverges (stale is merely stale)":           "NeverSilentlyDiverges",
			"every maximal run ends with a completed, synced bootstrap":           "TerminalOK",
			"no mixed import: an installed fold is one exporter's exported state": "NoMixedImport",
		},
		"AppliedCursor":  {"the store's contents are always complete up to its cursor": "StoreCompleteUpToCursor"},
		"ResyncOrder":    {"every maximal run ends with the fold equal to the bucket": "TerminalFoldEqualsBucket"},
		"LiveFloorGuard": {"no phantom deletes: the fold never drops a live key": "NoPhantomDeletes"},
	}
	for mod, want := range checks {
		got, ok := all[mod]
		if !ok {
			t.Errorf("module %s not found", mod)
			continue
		}
		for wording, op := range want {
			if got[wording] != op {
				t.Errorf("%s: %q -> %q, want %q", mod, wording, got[wording], op)
			}
		}
	}
	if moduleOf("ExportImport_Deep_Shipped3Exporters") != "ExportImport" {
		t.Error("moduleOf")
	}
}

// Every property the Go models name (their Prop… constants in model/*/*.go) is quoted above a
// TLA+ operator, so a violates row written with the Go checker's wording always maps onto the
// invariant TLC reports, and a renamed Go property fails here instead of in `make tlc`.
func TestGoPropertyNamesHaveTLAOperators(t *testing.T) {
	all, err := loadPropertyNames(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join("..", "..", "..", "..", "model", "*", "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	propRE := regexp.MustCompile(`(?m)^\s*Prop[A-Za-z0-9]*\s*=\s*"([^"]+)"`)
	found := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range propRE.FindAllStringSubmatch(string(b), -1) {
			found++
			ok := false
			for _, names := range all {
				if _, in := names[m[1]]; in {
					ok = true
				}
			}
			if !ok {
				t.Errorf("%s: property %q has no TLA+ operator quoting it", f, m[1])
			}
		}
	}
	if found == 0 {
		t.Fatal("found no Prop constants under model/: the Go models moved?")
	}
}
