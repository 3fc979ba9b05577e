// Package keyedtsv keeps a tab-separated file of rows keyed by their first field, with every
// other line (comments, blank lines) kept verbatim, so that an update rewrites only the rows it
// changes and a reviewer's diff shows just those. It is the shared engine of the files that
// record model-checking results (model/expected, spec/tla/tlcsummary); each of those packages
// owns its row format and parses its fields.
//
// Lines that are blank or start with # are comments. Every other line is a row of exactly the
// codec's number of fields, whitespace around each field trimmed. Two rows with one key are an
// error.
package keyedtsv

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"
)

// Codec describes one file format: how its rows parse, render and are keyed.
type Codec[R any] struct {
	// File names the file in errors, e.g. "expected.tsv".
	File string
	// Fields names the fields in order, for the field-count error.
	Fields []string
	// Parse builds a row from its trimmed fields; line is its 1-based line in the file.
	Parse func(fields []string, line int) (R, error)
	// Render formats a row as one line (fields joined by tabs, no newline).
	Render func(R) string
	// Key is the row's key (its first field).
	Key func(R) string
	// SetLine records a row's 1-based line in the row itself.
	SetLine func(r *R, line int)
}

// Table is a parsed file: its rows in file order, and its lines verbatim.
type Table[R any] struct {
	Rows  []R
	codec Codec[R]
	lines []string
	at    []int // at[i] is the 1-based line of Rows[i]
}

// New returns a table holding only the given header lines (comments).
func New[R any](c Codec[R], header ...string) *Table[R] {
	return &Table[R]{codec: c, lines: header}
}

// Parse reads a whole file's text.
func Parse[R any](c Codec[R], r io.Reader) (*Table[R], error) {
	t := &Table[R]{codec: c}
	seen := map[string]int{}
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		text := sc.Text()
		t.lines = append(t.lines, text)
		trim := strings.TrimSpace(text)
		if trim == "" || strings.HasPrefix(trim, "#") {
			continue
		}
		f := strings.Split(strings.TrimRight(text, "\r"), "\t")
		if len(f) != len(c.Fields) {
			return nil, fmt.Errorf("%s line %d: %d tab-separated fields, want %d (%s): %q",
				c.File, n, len(f), len(c.Fields), strings.Join(c.Fields, ", "), text)
		}
		for i := range f {
			f[i] = strings.TrimSpace(f[i])
		}
		row, err := c.Parse(f, n)
		if err != nil {
			return nil, fmt.Errorf("%s line %d: %w", c.File, n, err)
		}
		k := c.Key(row)
		if prev, dup := seen[k]; dup {
			return nil, fmt.Errorf("%s line %d: config %q already has a row on line %d", c.File, n, k, prev)
		}
		seen[k] = n
		t.Rows = append(t.Rows, row)
		t.at = append(t.at, n)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading %s: %w", c.File, err)
	}
	return t, nil
}

// Read reads and parses the file at path.
func Read[R any](c Codec[R], path string) (*Table[R], error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", c.File, err)
	}
	defer f.Close()
	return Parse(c, f)
}

// Get returns the row with the given key.
func (t *Table[R]) Get(key string) (R, bool) {
	for _, r := range t.Rows {
		if t.codec.Key(r) == key {
			return r, true
		}
	}
	var zero R
	return zero, false
}

// Set replaces the row with r's key in place, or appends r when the key has none. Every other
// line is left as it was.
func (t *Table[R]) Set(r R) {
	k := t.codec.Key(r)
	for i := range t.Rows {
		if t.codec.Key(t.Rows[i]) == k {
			t.codec.SetLine(&r, t.at[i])
			t.lines[t.at[i]-1] = t.codec.Render(r)
			t.Rows[i] = r
			return
		}
	}
	t.lines = append(t.lines, t.codec.Render(r))
	t.codec.SetLine(&r, len(t.lines))
	t.Rows = append(t.Rows, r)
	t.at = append(t.at, len(t.lines))
}

// Bytes renders the file.
func (t *Table[R]) Bytes() []byte { return []byte(strings.Join(t.lines, "\n") + "\n") }

// Write renders the table to path.
func (t *Table[R]) Write(path string) error {
	if err := os.WriteFile(path, t.Bytes(), 0o644); err != nil {
		return fmt.Errorf("writing %s: %w", t.codec.File, err)
	}
	return nil
}
