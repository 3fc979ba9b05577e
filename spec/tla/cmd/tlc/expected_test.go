package main

import "testing"

// Parsing expected.tsv is model/configs' job (and tested there); the runner adds only the
// naming rules for deep and witness rows.
func TestDeepAndWitnessNaming(t *testing.T) {
	if isDeep("ExportImport_ShippedFailStop") || !isDeep("ExportImport_Deep_ShippedFailStop_Rev5") {
		t.Error("only _Deep_ rows are deep")
	}
	if got := baseConfig("ExportImport_ShippedFailStop__W_Refused"); got != "ExportImport_ShippedFailStop" {
		t.Errorf("witness base = %q", got)
	}
	if got := baseConfig("ExportImport_ShippedFailStop"); got != "ExportImport_ShippedFailStop" {
		t.Errorf("a plain row is its own base, got %q", got)
	}
}
