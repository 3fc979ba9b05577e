package expected

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
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
// update rewrites only the rows it changes.
type Table struct {
	Rows  []Row
	lines []string
}

// Row returns the row of a configuration.
func (t *Table) Row(config string) (Row, bool) {
	for _, r := range t.Rows {
		if r.Config == config {
			return r, true
		}
	}
	return Row{}, false
}

// Set replaces the row of r.Config in place, or appends r when the configuration has none.
// Every other line (comments, other rows) is left untouched.
func (t *Table) Set(r Row) {
	for i := range t.Rows {
		if t.Rows[i].Config == r.Config {
			r.Line = t.Rows[i].Line
			t.lines[r.Line-1] = r.line()
			t.Rows[i] = r
			return
		}
	}
	t.lines = append(t.lines, r.line())
	r.Line = len(t.lines)
	t.Rows = append(t.Rows, r)
}

// Bytes renders the file.
func (t *Table) Bytes() []byte {
	return []byte(strings.Join(t.lines, "\n") + "\n")
}

// New returns an empty table with the format header.
func New() *Table {
	return &Table{lines: []string{
		"# Expected model-checking results, read by the Go checker (make model, make model-deep) and by TLC (make tlc).",
		"# Tab-separated: config, verdict, distinct, property, confirmed (the format is documented in model/expected).",
		"#config\tverdict\tdistinct\tproperty\tconfirmed",
	}}
}

// Read reads and parses the file at path.
func Read(path string) (*Table, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading the expected results: %w", err)
	}
	return Parse(bytes.NewReader(b))
}

// Write renders the table to path.
func (t *Table) Write(path string) error {
	if err := os.WriteFile(path, t.Bytes(), 0o644); err != nil {
		return fmt.Errorf("writing the expected results: %w", err)
	}
	return nil
}

// Parse parses expected.tsv text. It is the one parser of the file.
func Parse(r io.Reader) (*Table, error) {
	t := &Table{}
	sc := bufio.NewScanner(r)
	seen := map[string]int{}
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		t.lines = append(t.lines, line)
		trim := strings.TrimSpace(line)
		if trim == "" || strings.HasPrefix(trim, "#") {
			continue
		}
		x, err := parseRow(line, n)
		if err != nil {
			return nil, err
		}
		if prev, dup := seen[x.Config]; dup {
			return nil, fmt.Errorf("expected.tsv line %d: config %q already has a row on line %d", n, x.Config, prev)
		}
		seen[x.Config] = n
		t.Rows = append(t.Rows, x)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading expected.tsv: %w", err)
	}
	return t, nil
}

func parseRow(line string, n int) (Row, error) {
	f := strings.Split(strings.TrimRight(line, "\r"), "\t")
	if len(f) != 5 {
		return Row{}, fmt.Errorf("expected.tsv line %d: %d tab-separated fields, want 5 (config, verdict, distinct, property, confirmed): %q", n, len(f), line)
	}
	for i := range f {
		f[i] = strings.TrimSpace(f[i])
	}
	x := Row{Config: f[0], Verdict: f[1], Property: f[3], Line: n}
	if x.Config == "" {
		return Row{}, fmt.Errorf("expected.tsv line %d: empty config name", n)
	}
	switch x.Verdict {
	case Holds:
		d, err := strconv.ParseUint(f[2], 10, 64)
		if err != nil {
			return Row{}, fmt.Errorf("expected.tsv line %d: a holds row needs a distinct-state count, got %q", n, f[2])
		}
		x.Distinct = d
		if x.Property != "-" {
			return Row{}, fmt.Errorf("expected.tsv line %d: a holds row has property \"-\", got %q", n, x.Property)
		}
	case Violates:
		if f[2] != "-" || x.Property == "" || x.Property == "-" {
			return Row{}, fmt.Errorf("expected.tsv line %d: a violates row has distinct \"-\" and names the property to violate, got %q %q", n, f[2], x.Property)
		}
	default:
		return Row{}, fmt.Errorf("expected.tsv line %d: verdict %q, want holds or violates", n, x.Verdict)
	}
	c, err := ParseConfirmation(f[4])
	if err != nil {
		return Row{}, fmt.Errorf("expected.tsv line %d: %w", n, err)
	}
	x.Confirmed = c
	return x, nil
}
