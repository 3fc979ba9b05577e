package main

import "testing"

// Parsing expected.tsv is model/expected's job (and tested there); the runner adds only the
// naming rule of witness rows.
func TestWitnessNaming(t *testing.T) {
	if got := baseConfig("ExportImport_ShippedFailStop__W_Refused"); got != "ExportImport_ShippedFailStop" {
		t.Errorf("witness base = %q", got)
	}
	if got := baseConfig("ExportImport_ShippedFailStop"); got != "ExportImport_ShippedFailStop" {
		t.Errorf("a plain row is its own base, got %q", got)
	}
}
