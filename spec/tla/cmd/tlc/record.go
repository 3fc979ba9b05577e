package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/slipstream-go/slipstream/model/expected"
	"github.com/slipstream-go/slipstream/spec/tla/tlcsummary"
)

const tlcsummaryFile = tlcsummary.FileName

// recordConfirmation notes that TLC agreed with the row of config: the row gains tlc in its
// confirmed column (go becomes both) and TLC's summary of the run replaces the config's line
// in tlc-summary.tsv. Both files are re-read first, so edits made during a long run survive.
func recordConfirmation(specDir, config string, res Result) error {
	expPath := filepath.Join(specDir, "expected.tsv")
	table, err := expected.Read(expPath)
	if err != nil {
		return err
	}
	row, ok := table.Get(config)
	if !ok {
		return fmt.Errorf("recording %s: its row left %s during the run", config, expPath)
	}
	sumPath := filepath.Join(specDir, tlcsummaryFile)
	sums, err := tlcsummary.Read(sumPath)
	if errors.Is(err, fs.ErrNotExist) {
		sums, err = tlcsummary.New(), nil
	}
	if err != nil {
		return err
	}
	sums.Set(summaryLine(config, res))
	if err := sums.Write(sumPath); err != nil {
		return err
	}
	row.Confirmed |= expected.ByTLC
	table.Set(row)
	return table.Write(expPath)
}

// summaryLine is what tlc-summary.tsv keeps of a TLC run that agreed with its row.
func summaryLine(config string, res Result) tlcsummary.Line {
	version := res.Version
	if version == "" {
		version = "unknown"
	}
	return tlcsummary.Line{
		Config: config, Verdict: res.Verdict, Generated: res.Generated, Distinct: res.Distinct, Left: res.Left,
		HaveCounts: res.HaveCounts, Violated: res.Violated, TLC: version,
	}
}

// resultOf turns a kept summary line back into the Result it summarises, so that judge
// checks kept summaries exactly as it checks live runs.
func resultOf(l tlcsummary.Line) Result {
	return Result{
		Verdict: l.Verdict, Violated: l.Violated, Distinct: l.Distinct, Generated: l.Generated, Left: l.Left,
		HaveCounts: l.HaveCounts, Version: l.TLC,
	}
}

// keptOutput reads the TLC output an earlier run kept for config and parses it as ParseOutput
// does a live run's, with the exit status TLC gives the verdict the text states: 0 for "No
// error has been found", 12 for a violated invariant, and otherwise none (an error verdict).
func keptOutput(logDir, config string) (string, Result, error) {
	path := filepath.Join(logDir, config+".out")
	b, err := os.ReadFile(path)
	if err != nil {
		return "", Result{}, fmt.Errorf("no kept TLC output for %s (run TLC on it first, without -from-log): %w", config, err)
	}
	out := string(b)
	code := -1
	switch {
	case strings.Contains(out, noErrorLine):
		code = exitSuccess
	case strings.Contains(out, "Error: Invariant "):
		code = exitSafety
	}
	res := ParseOutput(out, code)
	if code < 0 {
		res.Detail = "the kept output states no verdict (was the run cut short?)"
	}
	return out, res, nil
}
