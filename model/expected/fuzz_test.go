package expected

import (
	"bytes"
	"reflect"
	"testing"
)

// FuzzParse: any input either parses or is refused with an error (never a panic); a parsed
// file renders back to text that parses to the same rows, and so does a file whose every row
// was rewritten by Set (the writer's own rendering of each row).
func FuzzParse(f *testing.F) {
	f.Add([]byte("# header\nA\tholds\t12\t-\tboth\nB\tviolates\t-\tsome property\tgo\n"))
	f.Add([]byte("A\tholds\tx\t-\tgo\n"))
	f.Add([]byte("A\tholds\t1\t-\t-\nA\tholds\t1\t-\ttlc\n"))
	f.Add([]byte("\n\n#\nA\tviolates\t-\t-\tgo\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		e, err := Parse(bytes.NewReader(in))
		if err != nil {
			if e != nil {
				t.Fatal("a refused file must not also return rows")
			}
			return
		}
		again, err := Parse(bytes.NewReader(e.Bytes()))
		if err != nil {
			t.Fatalf("rendering a parsed file gave unparseable text: %v", err)
		}
		for _, r := range again.Rows {
			again.Set(r)
		}
		rewritten, err := Parse(bytes.NewReader(again.Bytes()))
		if err != nil {
			t.Fatalf("rows rewritten by Set do not parse: %v\n%s", err, again.Bytes())
		}
		strip := func(rows []Row) []Row {
			out := make([]Row, len(rows))
			for i, r := range rows {
				r.Line = 0
				out[i] = r
			}
			return out
		}
		if !reflect.DeepEqual(strip(e.Rows), strip(again.Rows)) || !reflect.DeepEqual(strip(e.Rows), strip(rewritten.Rows)) {
			t.Fatalf("round trip changed the rows:\n%v\n%v\n%v", e.Rows, again.Rows, rewritten.Rows)
		}
		for _, r := range e.Rows {
			if got, ok := e.Get(r.Config); !ok || got != r {
				t.Fatalf("Row(%q) = %v, %v", r.Config, got, ok)
			}
		}
	})
}
