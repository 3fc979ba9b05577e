// Package tlcsummary reads and writes spec/tla/tlc-summary.tsv: TLC's own summary of every
// row of spec/tla/expected.tsv that TLC has confirmed. `go run ./spec/tla/cmd/tlc -record`
// writes a line when TLC agrees with a row (and marks the row tlc or both in expected.tsv), so
// a test that needs no Java can hold every row marked tlc or both to what TLC printed.
//
// The file is tab-separated, one line per configuration:
//
//	config  verdict  generated  distinct  left  violated  tlc
//
// verdict is holds or violates; generated, distinct and left are TLC's final "N states
// generated, M distinct states found, K states left on queue" (all "-" when TLC printed no
// counts, as for a violation by an initial state); violated is the invariant TLC reported
// violated ("-" for holds); tlc is TLC's version. Blank lines and lines starting with # are
// comments, kept as they are by an update.
package tlcsummary

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// FileName is the file's name in the spec/tla directory.
const FileName = "tlc-summary.tsv"

// The verdicts a confirmed line can carry.
const (
	Holds    = "holds"
	Violates = "violates"
)

// Line is TLC's summary of one confirmed configuration.
type Line struct {
	Config  string
	Verdict string
	// Generated, Distinct and Left are TLC's final counts; HaveCounts is false when TLC
	// printed none.
	Generated, Distinct, Left uint64
	HaveCounts                bool
	// Violated is the invariant TLC reported violated ("" for holds).
	Violated string
	// TLC is TLC's version, e.g. "2.20".
	TLC string
	// Line is the 1-based line in the file (0 for a line not read from a file).
	Line int
}

func (l Line) render() string {
	counts := []string{"-", "-", "-"}
	if l.HaveCounts {
		counts = []string{strconv.FormatUint(l.Generated, 10), strconv.FormatUint(l.Distinct, 10), strconv.FormatUint(l.Left, 10)}
	}
	v := l.Violated
	if v == "" {
		v = "-"
	}
	return strings.Join(append(append([]string{l.Config, l.Verdict}, counts...), v, l.TLC), "\t")
}

// Table is the parsed file: its lines, and its text verbatim so that an update rewrites only
// the lines it changes.
type Table struct {
	Lines []Line
	raw   []string
}

// New returns an empty table with the format header.
func New() *Table {
	return &Table{raw: []string{
		"# TLC's summary of every row of expected.tsv that TLC confirmed; written by `go run ./spec/tla/cmd/tlc -record`.",
		"# Tab-separated: config, verdict, generated, distinct, left (TLC's final counts, - when it printed none),",
		"# violated (the invariant TLC reported, - for holds), tlc (TLC's version). The format is documented in spec/tla/tlcsummary.",
		"#config\tverdict\tgenerated\tdistinct\tleft\tviolated\ttlc",
	}}
}

// Get returns the line of a configuration.
func (t *Table) Get(config string) (Line, bool) {
	for _, l := range t.Lines {
		if l.Config == config {
			return l, true
		}
	}
	return Line{}, false
}

// Set replaces the line of l.Config in place, or appends l.
func (t *Table) Set(l Line) {
	for i := range t.Lines {
		if t.Lines[i].Config == l.Config {
			l.Line = t.Lines[i].Line
			t.raw[l.Line-1] = l.render()
			t.Lines[i] = l
			return
		}
	}
	t.raw = append(t.raw, l.render())
	l.Line = len(t.raw)
	t.Lines = append(t.Lines, l)
}

// Bytes renders the file.
func (t *Table) Bytes() []byte { return []byte(strings.Join(t.raw, "\n") + "\n") }

// Read reads and parses the file at path.
func Read(path string) (*Table, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading TLC's kept summaries: %w", err)
	}
	return Parse(bytes.NewReader(b))
}

// Write renders the table to path.
func (t *Table) Write(path string) error {
	if err := os.WriteFile(path, t.Bytes(), 0o644); err != nil {
		return fmt.Errorf("writing TLC's kept summaries: %w", err)
	}
	return nil
}

// Parse parses tlc-summary.tsv text.
func Parse(r io.Reader) (*Table, error) {
	t := &Table{}
	seen := map[string]int{}
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		text := sc.Text()
		t.raw = append(t.raw, text)
		trim := strings.TrimSpace(text)
		if trim == "" || strings.HasPrefix(trim, "#") {
			continue
		}
		l, err := parseLine(text, n)
		if err != nil {
			return nil, err
		}
		if prev, dup := seen[l.Config]; dup {
			return nil, fmt.Errorf("%s line %d: config %q already has a line on line %d", FileName, n, l.Config, prev)
		}
		seen[l.Config] = n
		t.Lines = append(t.Lines, l)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading %s: %w", FileName, err)
	}
	return t, nil
}

func parseLine(text string, n int) (Line, error) {
	f := strings.Split(strings.TrimRight(text, "\r"), "\t")
	if len(f) != 7 {
		return Line{}, fmt.Errorf("%s line %d: %d tab-separated fields, want 7 (config, verdict, generated, distinct, left, violated, tlc): %q", FileName, n, len(f), text)
	}
	for i := range f {
		f[i] = strings.TrimSpace(f[i])
	}
	l := Line{Config: f[0], Verdict: f[1], TLC: f[6], Line: n}
	if l.Config == "" || l.TLC == "" {
		return Line{}, fmt.Errorf("%s line %d: empty config name or TLC version", FileName, n)
	}
	if f[2] != "-" || f[3] != "-" || f[4] != "-" {
		var err error
		for i, p := range []*uint64{&l.Generated, &l.Distinct, &l.Left} {
			if *p, err = strconv.ParseUint(f[2+i], 10, 64); err != nil {
				return Line{}, fmt.Errorf("%s line %d: generated, distinct and left are all counts or all -, got %q %q %q", FileName, n, f[2], f[3], f[4])
			}
		}
		l.HaveCounts = true
	}
	switch l.Verdict {
	case Holds:
		if f[5] != "-" || !l.HaveCounts {
			return Line{}, fmt.Errorf("%s line %d: a holds line has counts and violated \"-\", got %q", FileName, n, text)
		}
	case Violates:
		if f[5] == "-" || f[5] == "" {
			return Line{}, fmt.Errorf("%s line %d: a violates line names the violated invariant", FileName, n)
		}
		l.Violated = f[5]
	default:
		return Line{}, fmt.Errorf("%s line %d: verdict %q, want holds or violates", FileName, n, l.Verdict)
	}
	return l, nil
}
