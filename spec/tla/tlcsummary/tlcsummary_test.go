package tlcsummary

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

func TestParseAndSet(t *testing.T) {
	in := "# header\nA\tholds\t4205445\t827924\t0\t-\t2.20\nW\tviolates\t-\t-\t-\tNeverX\t2.20\n"
	tab, err := Parse(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	a, _ := tab.Get("A")
	if !a.HaveCounts || a.Generated != 4205445 || a.Distinct != 827924 || a.Left != 0 || a.Violated != "" || a.Line != 2 {
		t.Fatalf("line A = %+v", a)
	}
	if w, _ := tab.Get("W"); w.HaveCounts || w.Violated != "NeverX" {
		t.Fatalf("line W = %+v", w)
	}
	tab.Set(Line{Config: "A", Verdict: Holds, Generated: 5, Distinct: 3, HaveCounts: true, TLC: "2.21"})
	tab.Set(Line{Config: "B", Verdict: Violates, Generated: 9, Distinct: 7, Left: 2, HaveCounts: true, Violated: "Inv", TLC: "2.20"})
	want := "# header\nA\tholds\t5\t3\t0\t-\t2.21\nW\tviolates\t-\t-\t-\tNeverX\t2.20\nB\tviolates\t9\t7\t2\tInv\t2.20\n"
	if got := string(tab.Bytes()); got != want {
		t.Fatalf("after Set:\n%s\nwant:\n%s", got, want)
	}
	if _, err := Parse(bytes.NewReader(New().Bytes())); err != nil {
		t.Fatalf("the generated header does not parse: %v", err)
	}
	for _, bad := range []string{
		"A\tholds\t1\t1\t0\t-\n",                             // six fields
		"A\tholds\t-\t-\t-\t-\t2.20\n",                       // holds without counts
		"A\tholds\t1\t1\t0\tInv\t2.20\n",                     // holds naming an invariant
		"A\tviolates\t1\t1\t0\t-\t2.20\n",                    // violates naming none
		"A\tholds\t1\t-\t0\t-\t2.20\n",                       // counts half given
		"A\tpasses\t1\t1\t0\t-\t2.20\n",                      // unknown verdict
		"A\tholds\t1\t1\t0\t-\t\n",                           // no version
		"A\tholds\t1\t1\t0\t-\t2\nA\tholds\t1\t1\t0\t-\t2\n", // duplicate
	} {
		if _, err := Parse(strings.NewReader(bad)); err == nil {
			t.Errorf("Parse accepted %q", bad)
		} else if !strings.Contains(err.Error(), "line") {
			t.Errorf("error %q does not name the line", err)
		}
	}
}

// FuzzParse: any input parses or is refused (never a panic), and a parsed table whose lines
// are all rewritten by Set parses back to the same lines.
func FuzzParse(f *testing.F) {
	f.Add([]byte("# h\nA\tholds\t5\t3\t0\t-\t2.20\nW\tviolates\t-\t-\t-\tNeverX\t2.20\n"))
	f.Add([]byte("A\tviolates\t1\t1\t1\tX\tv\n"))
	f.Add([]byte("A\tholds\t-\t-\t-\t-\t2.20\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		tab, err := Parse(bytes.NewReader(in))
		if err != nil {
			if tab != nil {
				t.Fatal("a refused file must not also return lines")
			}
			return
		}
		for _, l := range tab.Rows {
			tab.Set(l)
		}
		again, err := Parse(bytes.NewReader(tab.Bytes()))
		if err != nil {
			t.Fatalf("rewritten lines do not parse: %v\n%s", err, tab.Bytes())
		}
		if !reflect.DeepEqual(tab.Rows, again.Rows) {
			t.Fatalf("round trip changed the lines:\n%v\n%v", tab.Rows, again.Rows)
		}
	})
}
