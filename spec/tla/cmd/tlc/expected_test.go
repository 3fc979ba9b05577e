package main

import (
	"strings"
	"testing"
)

func TestParseExpected(t *testing.T) {
	in := "# config\tverdict\tdistinct\tproperty\n" +
		"\n" +
		"ExportImport_ShippedFailStop\tholds\t827924\t-\n" +
		"ExportImport_MutLwwPointer\tviolates\t-\tpublished cursor never regresses\n" +
		"ExportImport_ShippedFailStop__W_Refused\tviolates\t-\tNeverSwapRefusesOlderPublish\n" +
		"ExportImport_Deep_ShippedFailStop_Rev5\tholds\t154000000\t-\n"
	rows, err := ParseExpected(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 {
		t.Fatalf("got %d rows, want 4", len(rows))
	}
	if r := rows[0]; r.Config != "ExportImport_ShippedFailStop" || r.Verdict != VerdictHolds || r.Distinct != 827924 || r.Deep() || r.Line != 3 {
		t.Errorf("row 0 = %+v", r)
	}
	if r := rows[1]; r.Verdict != VerdictViolates || r.Property != "published cursor never regresses" {
		t.Errorf("row 1 = %+v", r)
	}
	if r := rows[2]; r.BaseConfig() != "ExportImport_ShippedFailStop" || rows[0].BaseConfig() != rows[0].Config {
		t.Errorf("witness base = %q", r.BaseConfig())
	}
	if !rows[3].Deep() {
		t.Error("a _Deep_ row is not deep")
	}
}

func TestParseExpectedRejects(t *testing.T) {
	bad := map[string]string{
		"three fields":      "X\tholds\t5\n",
		"spaces not tabs":   "X holds 5 -\n",
		"holds without n":   "X\tholds\t-\t-\n",
		"holds with prop":   "X\tholds\t5\tP\n",
		"violates with n":   "X\tviolates\t5\tP\n",
		"violates no prop":  "X\tviolates\t-\t-\n",
		"unknown verdict":   "X\tpasses\t5\t-\n",
		"duplicate config":  "X\tholds\t5\t-\nX\tholds\t5\t-\n",
		"negative distinct": "X\tholds\t-5\t-\n",
		"empty config":      "\tholds\t5\t-\n",
	}
	for name, in := range bad {
		if _, err := ParseExpected(strings.NewReader(in)); err == nil {
			t.Errorf("%s: accepted %q", name, in)
		} else if !strings.Contains(err.Error(), "line") {
			t.Errorf("%s: error %q does not name the line", name, err)
		}
	}
}
