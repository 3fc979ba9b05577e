package configs

import (
	"errors"
	"fmt"
	"slices"

	"github.com/slipstream-go/slipstream/model/expected"
)

// ErrIncomplete is returned when a run that did not expand every reachable state is compared
// with, or recorded as, a row of expected.tsv: it proves neither verdict.
var ErrIncomplete = errors.New("the search is incomplete (stopped early or depth-bounded), so it neither holds nor violates: run it to completion, without a depth bound")

// Compare compares a run's summary with its row and returns nil when they agree: a holds row
// needs a holds verdict with exactly its distinct count; a violates row needs a complete run
// that failed the row's property. An incomplete run matches no row (ErrIncomplete).
func Compare(x expected.Row, s Summary) error {
	if s.Verdict == VerdictIncomplete {
		return fmt.Errorf("%s: expected %s: %w", x.Config, x, ErrIncomplete)
	}
	switch x.Verdict {
	case expected.Holds:
		if s.Verdict != VerdictHolds {
			return fmt.Errorf("%s: expected holds, but the run failed %q", x.Config, s.Failed)
		}
		if s.Distinct != x.Distinct {
			return fmt.Errorf("%s: %d distinct states, expected.tsv line %d says %d (a model change must be mirrored in the TLA+ spec and the row updated with -update)", x.Config, s.Distinct, x.Line, x.Distinct)
		}
	case expected.Violates:
		if !slices.Contains(s.Failed, x.Property) {
			return fmt.Errorf("%s: expected %q to be violated, but the failed properties are %q", x.Config, x.Property, s.Failed)
		}
	}
	return nil
}

// RowFor returns the row a summary would be recorded as, confirmed by the Go checker: holds
// with its count, or violates naming keep if keep still fails, else the first violated (or
// failed) property. An incomplete run cannot be recorded (ErrIncomplete).
func RowFor(s Summary, keep string) (expected.Row, error) {
	switch s.Verdict {
	case VerdictIncomplete:
		return expected.Row{}, fmt.Errorf("%s: %w", s.Name, ErrIncomplete)
	case VerdictHolds:
		return expected.Row{Config: s.Name, Verdict: expected.Holds, Distinct: s.Distinct, Property: "-", Confirmed: expected.ByGo}, nil
	}
	p := keep
	if !slices.Contains(s.Failed, p) {
		if len(s.Violated) > 0 {
			p = s.Violated[0]
		} else {
			p = s.Failed[0]
		}
	}
	return expected.Row{Config: s.Name, Verdict: expected.Violates, Property: p, Confirmed: expected.ByGo}, nil
}
