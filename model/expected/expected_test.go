package expected

import (
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	good := "# header\n\nA\tholds\t12\t-\tboth\nB\tviolates\t-\tsome property name\tgo\nW\tviolates\t-\tNeverX\t-\n"
	e, err := Parse(strings.NewReader(good))
	if err != nil {
		t.Fatal(err)
	}
	if a, _ := e.Get("A"); a.Distinct != 12 || a.Verdict != Holds || a.Line != 3 || a.Confirmed != ByBoth {
		t.Fatalf("row A = %+v", a)
	}
	if b, _ := e.Get("B"); b.Property != "some property name" || b.Verdict != Violates || b.Confirmed != ByGo {
		t.Fatalf("row B = %+v", b)
	}
	if w, _ := e.Get("W"); w.Confirmed != Unconfirmed || w.Confirmed.Go() || w.Confirmed.TLC() {
		t.Fatalf("row W = %+v", w)
	}
	for _, bad := range []string{
		"A holds 12 - go\n",                        // spaces, not tabs
		"A\tholds\t-\t-\tgo\n",                     // holds without a count
		"A\tholds\t12\tP\tgo\n",                    // holds naming a property
		"A\tviolates\t12\tP\tgo\n",                 // violates with a count
		"A\tviolates\t-\t-\tgo\n",                  // violates without a property
		"A\tpasses\t12\t-\tgo\n",                   // unknown verdict
		"A\tholds\t1\t-\tgo\nA\tholds\t1\t-\tgo\n", // duplicate
		"\tholds\t5\t-\tgo\n",                      // empty config name
		"A\tholds\t-5\t-\tgo\n",                    // negative count
		"A\tholds\t5\t-\n",                         // four fields: no confirmation
		"A\tholds\t5\t-\tjava\n",                   // unknown checker
		"A\tholds\t5\t-\tgo\textra\n",              // six fields
	} {
		if _, err := Parse(strings.NewReader(bad)); err == nil {
			t.Errorf("Parse accepted %q", bad)
		} else if !strings.Contains(err.Error(), "line") {
			t.Errorf("error %q does not name the line", err)
		}
	}
	// A file saved with CRLF line ends reads the same.
	crlf, err := Parse(strings.NewReader(strings.ReplaceAll(good, "\n", "\r\n")))
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := crlf.Get("B"); b.Property != "some property name" || b.Confirmed != ByGo {
		t.Fatalf("CRLF row B = %+v", b)
	}
}

// Set rewrites only the changed row and appends new ones; comments and other rows stay.
func TestSetKeepsEverythingElse(t *testing.T) {
	e, err := Parse(strings.NewReader("# keep me\nA\tholds\t12\t-\tboth\nB\tviolates\t-\tq\tgo\nW\tviolates\t-\tNeverX\ttlc\n"))
	if err != nil {
		t.Fatal(err)
	}
	e.Set(Row{Config: "A", Verdict: Holds, Distinct: 99, Property: "-", Confirmed: ByGo})
	e.Set(Row{Config: "C", Verdict: Holds, Distinct: 7, Property: "-", Confirmed: ByGo})
	want := "# keep me\nA\tholds\t99\t-\tgo\nB\tviolates\t-\tq\tgo\nW\tviolates\t-\tNeverX\ttlc\nC\tholds\t7\t-\tgo\n"
	if got := string(e.Bytes()); got != want {
		t.Fatalf("updated file:\n%s\nwant:\n%s", got, want)
	}
	if c, _ := e.Get("C"); c.Line != 5 {
		t.Fatalf("appended row C has line %d, want 5", c.Line)
	}
	if _, err := Parse(strings.NewReader(string(New().Bytes()))); err != nil {
		t.Fatalf("the generated header does not parse: %v", err)
	}
}

func TestRowEqualIgnoresConfirmationAndLine(t *testing.T) {
	a := Row{Config: "A", Verdict: Holds, Distinct: 3, Property: "-", Confirmed: ByGo, Line: 4}
	b := a
	b.Confirmed, b.Line = ByBoth, 9
	if !a.Equal(b) {
		t.Error("rows differing only in confirmation and line are not equal")
	}
	b.Distinct = 4
	if a.Equal(b) {
		t.Error("rows with different counts are equal")
	}
	if a.String() != "holds 3" || (Row{Verdict: Violates, Property: "p"}).String() != "violates p" {
		t.Errorf("String() = %q", a.String())
	}
}

func TestConfirmationRoundTrip(t *testing.T) {
	for _, c := range []Confirmation{Unconfirmed, ByGo, ByTLC, ByBoth} {
		got, err := ParseConfirmation(c.String())
		if err != nil || got != c {
			t.Errorf("ParseConfirmation(%q) = %v, %v", c.String(), got, err)
		}
	}
	if ByBoth != ByGo|ByTLC || !ByBoth.Go() || !ByBoth.TLC() || ByTLC.Go() || ByGo.TLC() {
		t.Error("both is the union of go and tlc")
	}
}
