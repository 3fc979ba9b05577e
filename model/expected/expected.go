package expected

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/slipstream-go/slipstream/internal/keyedtsv"
)

// Path is the file's path relative to the module root.
const Path = "spec/tla/expected.tsv"

// The verdicts a row can record.
const (
	Holds    = "holds"
	Violates = "violates"
)

// Row is one configuration's expectation.
type Row struct {
	Config  string
	Verdict string // Holds or Violates
	// Distinct is the exact distinct-state count of a holds row (0 for a violates row).
	Distinct uint64
	// Property is "-" for a holds row and the property that must be violated for a violates row.
	Property string
	// Confirmed says which checkers have reproduced this row.
	Confirmed Confirmation
	// Line is the row's 1-based line in the file (0 for a row not read from a file).
	Line int
}

// Equal reports whether two rows expect the same result (verdict, count and property),
// whoever confirmed them and wherever they stand in the file.
func (r Row) Equal(o Row) bool {
	return r.Config == o.Config && r.Verdict == o.Verdict && r.Distinct == o.Distinct && r.Property == o.Property
}

// String formats the row's expectation as "holds 12" or "violates <property>".
func (r Row) String() string {
	if r.Verdict == Holds {
		return fmt.Sprintf("holds %d", r.Distinct)
	}
	return "violates " + r.Property
}

func (r Row) line() string {
	d := "-"
	if r.Verdict == Holds {
		d = strconv.FormatUint(r.Distinct, 10)
	}
	return strings.Join([]string{r.Config, r.Verdict, d, r.Property, r.Confirmed.String()}, "\t")
}

// Table is the parsed file: its rows, and its lines verbatim (comments included) so that an
// update rewrites only the rows it changes. Get returns a configuration's row; Set replaces it
// in place or appends it.
type Table = keyedtsv.Table[Row]

var codec = keyedtsv.Codec[Row]{
	File:    "expected.tsv",
	Fields:  []string{"config", "verdict", "distinct", "property", "confirmed"},
	Parse:   parseRow,
	Render:  Row.line,
	Key:     func(r Row) string { return r.Config },
	SetLine: func(r *Row, n int) { r.Line = n },
}

// New returns an empty table with the format header.
func New() *Table {
	return keyedtsv.New(codec,
		"# Expected model-checking results, read by the Go checker (make model, make model-deep) and by TLC (make tlc).",
		"# Tab-separated: config, verdict, distinct, property, confirmed (the format is documented in model/expected).",
		"#config\tverdict\tdistinct\tproperty\tconfirmed",
	)
}

// Read reads and parses the file at path.
func Read(path string) (*Table, error) { return keyedtsv.Read(codec, path) }

// Parse parses expected.tsv text. It is the one parser of the file.
func Parse(r io.Reader) (*Table, error) { return keyedtsv.Parse(codec, r) }

func parseRow(f []string, n int) (Row, error) {
	x := Row{Config: f[0], Verdict: f[1], Property: f[3], Line: n}
	if x.Config == "" {
		return Row{}, errors.New("empty config name")
	}
	switch x.Verdict {
	case Holds:
		d, err := strconv.ParseUint(f[2], 10, 64)
		if err != nil {
			return Row{}, fmt.Errorf("a holds row needs a distinct-state count, got %q", f[2])
		}
		x.Distinct = d
		if x.Property != "-" {
			return Row{}, fmt.Errorf("a holds row has property \"-\", got %q", x.Property)
		}
	case Violates:
		if f[2] != "-" || x.Property == "" || x.Property == "-" {
			return Row{}, fmt.Errorf("a violates row has distinct \"-\" and names the property to violate, got %q %q", f[2], x.Property)
		}
	default:
		return Row{}, fmt.Errorf("verdict %q, want holds or violates", x.Verdict)
	}
	c, err := ParseConfirmation(f[4])
	if err != nil {
		return Row{}, err
	}
	x.Confirmed = c
	return x, nil
}
