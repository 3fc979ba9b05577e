package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/slipstream-go/slipstream/model/configs"
	"github.com/slipstream-go/slipstream/model/expected"
)

// change is one row an update would write.
type change struct {
	old, new expected.Row
	existed  bool
}

func (c change) String() string {
	if !c.existed {
		return fmt.Sprintf("%s: new row: %s (confirmed %s)", c.new.Config, c.new, c.new.Confirmed)
	}
	return fmt.Sprintf("%s: %s (confirmed %s) -> %s (confirmed %s)", c.new.Config, c.old, c.old.Confirmed, c.new, c.new.Confirmed)
}

// planUpdate returns the rows that recording sums would change, and the changes it refuses: a
// row TLC confirmed whose expectation would change, unless forceTLC. A row whose expectation is
// unchanged keeps its confirmation, with go added; a changed row is confirmed by go only,
// because TLC has not checked the new expectation. Every summary must be complete.
func planUpdate(exp *expected.Table, sums []configs.Summary, forceTLC bool) (changes, refused []change, err error) {
	for _, s := range sums {
		old, existed := exp.Get(s.Name)
		row, err := configs.RowFor(s, old.Property)
		if err != nil {
			return nil, nil, err
		}
		c := change{old: old, new: row, existed: existed}
		switch {
		case existed && old.Equal(row):
			c.new.Confirmed = old.Confirmed | expected.ByGo
			if c.new.Confirmed == old.Confirmed {
				continue
			}
		case existed && old.Confirmed.TLC() && !forceTLC:
			refused = append(refused, c)
			continue
		}
		changes = append(changes, c)
	}
	return changes, refused, nil
}

// writeUpdate records sums in the expected file at path, printing each changed row, or
// refuses (writing nothing) when a TLC-confirmed row would change without forceTLC.
func writeUpdate(exp *expected.Table, sums []configs.Summary, path string, forceTLC bool, stdout, stderr io.Writer) int {
	changes, refused, err := planUpdate(exp, sums, forceTLC)
	if err != nil {
		fmt.Fprintf(stderr, "modelcheck: %v\n", err)
		return exitIncomplete
	}
	if len(refused) > 0 {
		var b strings.Builder
		for _, c := range refused {
			fmt.Fprintf(&b, "\n  %s", c)
		}
		fmt.Fprintf(stderr, "modelcheck: nothing written: %d rows that TLC confirmed would change:%s\n"+
			"mirror the change in the TLA+ spec and re-run `go run ./spec/tla/cmd/tlc -record`, or pass -force-tlc-rows to record the Go checker's numbers alone\n",
			len(refused), b.String())
		return exitMismatch
	}
	for _, c := range changes {
		exp.Set(c.new)
		fmt.Fprintf(stdout, "changed %s\n", c)
	}
	if err := exp.Write(path); err != nil {
		fmt.Fprintf(stderr, "modelcheck: %v\n", err)
		return exitMismatch
	}
	fmt.Fprintf(stdout, "updated %s: %d of %d rows changed\n", path, len(changes), len(sums))
	return exitOK
}
