package main

import (
	"fmt"

	"github.com/slipstream-go/slipstream/model/expected"
)

// judge compares a TLC result with its row. names maps a property's original wording to its
// TLA+ operator, so a row may name either.
func judge(row expected.Row, res Result, names map[string]map[string]string) (bool, string) {
	switch {
	case res.Verdict == VerdictError:
		return false, "TLC failed: " + res.Detail
	case res.Verdict != row.Verdict:
		return false, fmt.Sprintf("verdict %s, expected %s", res.Verdict, row.Verdict)
	case row.Verdict == VerdictHolds && !res.HaveCounts:
		return false, "TLC printed no distinct-state count"
	case row.Verdict == VerdictHolds && res.Distinct != row.Distinct:
		return false, fmt.Sprintf("distinct states %d, expected %d (the TLA+ spec and the Go model explore different state spaces)", res.Distinct, row.Distinct)
	case row.Verdict == VerdictViolates && !sameProperty(row.Property, res.Violated, names[moduleOf(row.Config)]):
		return false, fmt.Sprintf("violated %s, expected %s", res.Violated, row.Property)
	}
	return true, ""
}

func sameProperty(want, got string, names map[string]string) bool {
	if want == got {
		return true
	}
	op, ok := names[want]
	return ok && op == got
}

func describeGot(res Result, err error) string {
	switch {
	case err != nil:
		return "-"
	case res.Verdict == VerdictHolds:
		return fmt.Sprintf("holds %d", res.Distinct)
	case res.Verdict == VerdictViolates:
		return "violates " + res.Violated
	default:
		return "error"
	}
}
