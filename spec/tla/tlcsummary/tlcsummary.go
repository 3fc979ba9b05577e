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
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/slipstream-go/slipstream/internal/keyedtsv"
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

// Table is the parsed file: its lines in Rows, and its text verbatim so that an update
// rewrites only the lines it changes. Get returns a configuration's line; Set replaces it in
// place or appends it.
type Table = keyedtsv.Table[Line]

var codec = keyedtsv.Codec[Line]{
	File:    FileName,
	Fields:  []string{"config", "verdict", "generated", "distinct", "left", "violated", "tlc"},
	Parse:   parseLine,
	Render:  Line.render,
	Key:     func(l Line) string { return l.Config },
	SetLine: func(l *Line, n int) { l.Line = n },
}

// New returns an empty table with the format header.
func New() *Table {
	return keyedtsv.New(codec,
		"# TLC's summary of every row of expected.tsv that TLC confirmed; written by `go run ./spec/tla/cmd/tlc -record`.",
		"# Tab-separated: config, verdict, generated, distinct, left (TLC's final counts, - when it printed none),",
		"# violated (the invariant TLC reported, - for holds), tlc (TLC's version). The format is documented in spec/tla/tlcsummary.",
		"#config\tverdict\tgenerated\tdistinct\tleft\tviolated\ttlc",
	)
}

// Read reads and parses the file at path.
func Read(path string) (*Table, error) { return keyedtsv.Read(codec, path) }

// Parse parses tlc-summary.tsv text.
func Parse(r io.Reader) (*Table, error) { return keyedtsv.Parse(codec, r) }

func parseLine(f []string, n int) (Line, error) {
	l := Line{Config: f[0], Verdict: f[1], TLC: f[6], Line: n}
	if l.Config == "" || l.TLC == "" {
		return Line{}, errors.New("empty config name or TLC version")
	}
	if f[2] != "-" || f[3] != "-" || f[4] != "-" {
		var err error
		for i, p := range []*uint64{&l.Generated, &l.Distinct, &l.Left} {
			if *p, err = strconv.ParseUint(f[2+i], 10, 64); err != nil {
				return Line{}, fmt.Errorf("generated, distinct and left are all counts or all -, got %q %q %q", f[2], f[3], f[4])
			}
		}
		l.HaveCounts = true
	}
	switch l.Verdict {
	case Holds:
		if f[5] != "-" || !l.HaveCounts {
			return Line{}, fmt.Errorf("a holds line has counts and violated \"-\", got %q", strings.Join(f, "\t"))
		}
	case Violates:
		if f[5] == "-" || f[5] == "" {
			return Line{}, errors.New("a violates line names the violated invariant")
		}
		l.Violated = f[5]
	default:
		return Line{}, fmt.Errorf("verdict %q, want holds or violates", l.Verdict)
	}
	return l, nil
}
