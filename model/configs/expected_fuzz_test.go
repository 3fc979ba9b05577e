package configs

import (
	"bytes"
	"reflect"
	"testing"
)

// FuzzParseExpected: any input either parses or is refused with an error (never a panic), and
// a parsed file renders back to text that parses to the same rows.
func FuzzParseExpected(f *testing.F) {
	f.Add([]byte("# header\nA\tholds\t12\t-\nB\tviolates\t-\tsome property\n"))
	f.Add([]byte("A\tholds\tx\t-\n"))
	f.Add([]byte("A\tholds\t1\t-\nA\tholds\t1\t-\n"))
	f.Add([]byte("\n\n#\nA\tviolates\t-\t-\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		e, err := ParseExpected(bytes.NewReader(in))
		if err != nil {
			if e != nil {
				t.Fatal("a refused file must not also return rows")
			}
			return
		}
		again, err := ParseExpected(bytes.NewReader(e.Bytes()))
		if err != nil {
			t.Fatalf("rendering a parsed file gave unparseable text: %v", err)
		}
		strip := func(rows []Expectation) []Expectation {
			out := make([]Expectation, len(rows))
			for i, r := range rows {
				r.Line = 0
				out[i] = r
			}
			return out
		}
		if !reflect.DeepEqual(strip(e.Rows), strip(again.Rows)) {
			t.Fatalf("round trip changed the rows:\n%v\n%v", e.Rows, again.Rows)
		}
		for _, r := range e.Rows {
			if got, ok := e.Row(r.Config); !ok || got != r {
				t.Fatalf("Row(%q) = %v, %v", r.Config, got, ok)
			}
		}
	})
}
