package configs

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// ExpectedFile is the path of the expected-results file, relative to the module root.
const ExpectedFile = "spec/tla/expected.tsv"

// Expectation is one row of expected.tsv: `config  verdict  distinct  property`, tab-separated.
// A holds row has a distinct count and property "-"; a violates row has distinct "-" and names
// the property that must be violated.
type Expectation struct {
	Config   string
	Verdict  string
	Distinct uint64 // meaningful for holds rows only
	Property string // "-" for holds rows
	Line     int    // 1-based line in the file
}

// Expected is the parsed file: its rows, and its lines verbatim (comments included) so that an
// update rewrites only the rows it changes.
type Expected struct {
	Rows  []Expectation
	lines []string
}

// Row returns the expectation for a configuration.
func (e *Expected) Row(config string) (Expectation, bool) {
	for _, r := range e.Rows {
		if r.Config == config {
			return r, true
		}
	}
	return Expectation{}, false
}

// ParseExpected parses expected.tsv text. Blank lines and lines starting with # are comments.
// It is the one parser of the file: the Go checker (make model) and the TLC runner (make tlc)
// both read it through this function.
func ParseExpected(r io.Reader) (*Expected, error) {
	e := &Expected{}
	sc := bufio.NewScanner(r)
	seen := map[string]int{}
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		e.lines = append(e.lines, line)
		trim := strings.TrimSpace(line)
		if trim == "" || strings.HasPrefix(trim, "#") {
			continue
		}
		f := strings.Split(strings.TrimRight(line, "\r"), "\t")
		if len(f) != 4 {
			return nil, fmt.Errorf("expected.tsv line %d: %d tab-separated fields, want 4 (config, verdict, distinct, property): %q", n, len(f), line)
		}
		for i := range f {
			f[i] = strings.TrimSpace(f[i])
		}
		x := Expectation{Config: f[0], Verdict: f[1], Property: f[3], Line: n}
		if x.Config == "" {
			return nil, fmt.Errorf("expected.tsv line %d: empty config name", n)
		}
		switch x.Verdict {
		case VerdictHolds:
			d, err := strconv.ParseUint(f[2], 10, 64)
			if err != nil {
				return nil, fmt.Errorf("expected.tsv line %d: a holds row needs a distinct-state count, got %q", n, f[2])
			}
			x.Distinct = d
			if x.Property != "-" {
				return nil, fmt.Errorf("expected.tsv line %d: a holds row has property \"-\", got %q", n, x.Property)
			}
		case VerdictViolates:
			if f[2] != "-" || x.Property == "" || x.Property == "-" {
				return nil, fmt.Errorf("expected.tsv line %d: a violates row has distinct \"-\" and names the property to violate, got %q %q", n, f[2], x.Property)
			}
		default:
			return nil, fmt.Errorf("expected.tsv line %d: verdict %q, want holds or violates", n, x.Verdict)
		}
		if prev, dup := seen[x.Config]; dup {
			return nil, fmt.Errorf("expected.tsv line %d: config %q already has a row on line %d", n, x.Config, prev)
		}
		seen[x.Config] = n
		e.Rows = append(e.Rows, x)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading expected.tsv: %w", err)
	}
	return e, nil
}

// FindModuleRoot walks up from the working directory to the directory holding go.mod.
func FindModuleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory: run from inside the slipstream module")
		}
		dir = parent
	}
}

// ReadExpected reads and parses the file at path.
func ReadExpected(path string) (*Expected, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading the expected results: %w", err)
	}
	return ParseExpected(bytes.NewReader(b))
}

// Check compares a run's summary with the expectation and returns nil when they agree: a holds
// row needs a holds verdict with exactly its distinct count; a violates row needs its property
// among the run's failed properties.
func (x Expectation) Check(s Summary) error {
	switch x.Verdict {
	case VerdictHolds:
		if s.Verdict != VerdictHolds {
			return fmt.Errorf("%s: expected holds, but the run failed %q (complete=%v)", x.Config, s.Failed, s.Complete)
		}
		if s.Distinct != x.Distinct {
			return fmt.Errorf("%s: %d distinct states, expected.tsv line %d says %d (a model change must be mirrored in the TLA+ spec and the row updated with -update)", x.Config, s.Distinct, x.Line, x.Distinct)
		}
	case VerdictViolates:
		if !slices.Contains(s.Failed, x.Property) {
			return fmt.Errorf("%s: expected %q to be violated, but the failed properties are %q", x.Config, x.Property, s.Failed)
		}
	}
	return nil
}

// RowFor returns the expectation a summary would be recorded as: holds with its count, or
// violates naming keep if keep still fails, else the first violated (or failed) property.
func RowFor(s Summary, keep string) Expectation {
	if s.Verdict == VerdictHolds {
		return Expectation{Config: s.Name, Verdict: VerdictHolds, Distinct: s.Distinct, Property: "-"}
	}
	p := keep
	if !slices.Contains(s.Failed, p) {
		switch {
		case len(s.Violated) > 0:
			p = s.Violated[0]
		case len(s.Failed) > 0:
			p = s.Failed[0]
		default:
			p = "(incomplete search)"
		}
	}
	return Expectation{Config: s.Name, Verdict: VerdictViolates, Property: p}
}

func (x Expectation) line() string {
	d := "-"
	if x.Verdict == VerdictHolds {
		d = strconv.FormatUint(x.Distinct, 10)
	}
	return strings.Join([]string{x.Config, x.Verdict, d, x.Property}, "\t")
}

// Update replaces the rows of the given summaries' configurations (appending new ones) and
// leaves every other line — comments, other configurations, TLC-only rows — untouched.
func (e *Expected) Update(sums []Summary) {
	for _, s := range sums {
		old, ok := e.Row(s.Name)
		x := RowFor(s, old.Property)
		if ok {
			x.Line = old.Line
			e.lines[old.Line-1] = x.line()
			for i := range e.Rows {
				if e.Rows[i].Config == s.Name {
					e.Rows[i] = x
				}
			}
			continue
		}
		e.lines = append(e.lines, x.line())
		x.Line = len(e.lines)
		e.Rows = append(e.Rows, x)
	}
}

// Bytes renders the file.
func (e *Expected) Bytes() []byte {
	return []byte(strings.Join(e.lines, "\n") + "\n")
}

// NewExpected returns an empty file with the format header.
func NewExpected() *Expected {
	return &Expected{lines: []string{
		"# Expected model-checking results, read by the Go checker (make model, make model-deep) and by TLC (make tlc).",
		"# Tab-separated: config, verdict, distinct, property. holds: every always/terminal property holds and every",
		"# sometimes property is reached, distinct = distinct states (Go checker and TLC must both match it), property -.",
		"# violates: distinct -, property = the property that must be violated (its TLA+ operator for TLC-only rows).",
		"# Go-side rows are rewritten by `go run ./model/cmd/modelcheck -update`; TLC-only rows (witness configs) are kept.",
		"#config\tverdict\tdistinct\tproperty",
	}}
}
