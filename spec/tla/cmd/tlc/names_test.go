package main

import (
	"path/filepath"
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

// The real specs quote every property the reference names, so the runner can map the Go
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
