package main

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Row is one line of spec/tla/expected.tsv: the result TLC (and, for rows the Go registry
// knows, the Go checker) must produce for one configuration.
type Row struct {
	Config   string // e.g. ExportImport_ShippedFailStop; TLC runs MC_<Config>
	Verdict  string // VerdictHolds or VerdictViolates
	Distinct uint64 // distinct states (holds rows only)
	Property string // the invariant TLC must report violated (violates rows only)
	Line     int    // 1-based line number in the file, for messages
}

// Deep reports whether the row belongs to the deep tier (names containing "_Deep_"), which
// the runner skips unless -deep is given.
func (r Row) Deep() bool { return strings.Contains(r.Config, "_Deep_") }

// BaseConfig is the configuration whose MC_<base>.tla module a witness row runs with its own
// MC_<config>.cfg: for "X__W_short" it is "X"; otherwise the row's own name.
func (r Row) BaseConfig() string {
	if i := strings.Index(r.Config, "__W_"); i > 0 {
		return r.Config[:i]
	}
	return r.Config
}

// ParseExpected reads expected.tsv: tab-separated `config verdict distinct property`, blank
// lines and lines starting with '#' ignored. A holds row has a decimal distinct count and
// property "-"; a violates row has distinct "-" and the property name. Any other shape, or a
// config named twice, is an error naming the line.
func ParseExpected(rd io.Reader) ([]Row, error) {
	var rows []Row
	seen := map[string]int{}
	sc := bufio.NewScanner(rd)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 4 {
			return nil, fmt.Errorf("expected.tsv line %d: want 4 tab-separated fields (config verdict distinct property), got %d: %q", n, len(f), line)
		}
		for i := range f {
			f[i] = strings.TrimSpace(f[i])
		}
		r := Row{Config: f[0], Verdict: f[1], Property: f[3], Line: n}
		if r.Config == "" {
			return nil, fmt.Errorf("expected.tsv line %d: empty config name", n)
		}
		switch r.Verdict {
		case VerdictHolds:
			d, err := strconv.ParseUint(f[2], 10, 64)
			if err != nil {
				return nil, fmt.Errorf("expected.tsv line %d (%s): a holds row needs a decimal distinct-state count, got %q", n, r.Config, f[2])
			}
			if r.Property != "-" {
				return nil, fmt.Errorf("expected.tsv line %d (%s): a holds row has property \"-\", got %q", n, r.Config, r.Property)
			}
			r.Distinct = d
		case VerdictViolates:
			if f[2] != "-" {
				return nil, fmt.Errorf("expected.tsv line %d (%s): a violates row has distinct \"-\", got %q", n, r.Config, f[2])
			}
			if r.Property == "" || r.Property == "-" {
				return nil, fmt.Errorf("expected.tsv line %d (%s): a violates row must name the property it violates", n, r.Config)
			}
		default:
			return nil, fmt.Errorf("expected.tsv line %d (%s): verdict must be %q or %q, got %q", n, r.Config, VerdictHolds, VerdictViolates, r.Verdict)
		}
		if prev, dup := seen[r.Config]; dup {
			return nil, fmt.Errorf("expected.tsv line %d: config %s already listed on line %d", n, r.Config, prev)
		}
		seen[r.Config] = n
		rows = append(rows, r)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading expected.tsv: %w", err)
	}
	return rows, nil
}
