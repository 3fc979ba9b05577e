package foldwl

import (
	"fmt"
	"strings"

	"github.com/slipstream-go/slipstream/chaos/check"
)

// MatchesBucket judges the folds as reopened from disk after the heal (How "final") against
// the bucket's stream: each must hold exactly the bucket's live keys as the stream read back
// has them, operator removals included (a key whose latest record was removed is what its
// remaining records make it). A fold whose cursor stayed below the last record read back did
// not catch up in time, and one that differs but may not have reconciled since the last
// operator action (Recovered.Unreconciled) may not have repaired it yet: both incomplete. A fold
// that caught up with other contents violates.
func MatchesBucket(h History, finals []Recovered) check.Result {
	if err := h.contiguous(); err != nil {
		return check.Result{Verdict: check.Incomplete, Detail: err.Error()}
	}
	if len(finals) == 0 {
		return check.Result{Verdict: check.Incomplete, Detail: "no fold was reopened after the heal"}
	}
	present, last := head(h.Recs), h.last()
	want := StateAt(h.Recs, present)
	var wrong, behind []string
	for _, f := range finals {
		switch {
		case f.Err != "":
			wrong = append(wrong, fmt.Sprintf("%s did not reopen: %s", f.Fold, f.Err))
		case f.Cursor < present:
			behind = append(behind, fmt.Sprintf("%s at %d", f.Fold, f.Cursor))
		case f.Cursor > last:
			wrong = append(wrong, fmt.Sprintf("%s claims cursor %d beyond the bucket's last revision %d", f.Fold, f.Cursor, last))
		default:
			d := diff(f.State, want)
			switch {
			case d == "":
			case f.Unreconciled:
				behind = append(behind, fmt.Sprintf("%s not reconciled since the last operator action (%s)", f.Fold, d))
			default:
				wrong = append(wrong, fmt.Sprintf("%s at %d: %s", f.Fold, f.Cursor, d))
			}
		}
	}
	switch {
	case len(wrong) > 0:
		return check.Result{Verdict: check.Violates, Detail: strings.Join(wrong, " | ")}
	case len(behind) > 0:
		return check.Result{Verdict: check.Incomplete,
			Detail: fmt.Sprintf("folds not settled at the last revision %d after the wait: %s", present, strings.Join(behind, ", "))}
	}
	detail := fmt.Sprintf("%d folds reopened from disk equal the bucket at revision %d (%d live keys)", len(finals), present, len(want))
	if n := len(h.Removed); n > 0 {
		detail += fmt.Sprintf("; %d records removed by the operator", n)
	}
	return check.Result{Verdict: check.Holds, Detail: detail}
}

// CursorComplete judges every fold opened from disk during the run (after each restart, soft
// or hard, each import, and at the end): no update at or below its recovered cursor may be
// missing. A backend may hold data ahead of its cursor (a crash keeps data written before the
// cursor record), so each key must be in the state the bucket gave it at the cursor or in a
// state one of the key's later updates gave it; an older state, or a key that should be
// there and is not, is a lost update. An update an operator action removed before the open
// (the action began earlier on the run's clock) is not required: the watch may never have
// delivered it, or a reconciliation may have repaired the fold past it, so the key may be as
// the records before it left it. An update removed after the open is required like any other.
func CursorComplete(h History, opened []Recovered) check.Result {
	if err := h.contiguous(); err != nil {
		return check.Result{Verdict: check.Incomplete, Detail: err.Error()}
	}
	if len(opened) == 0 {
		return check.Result{Verdict: check.Incomplete, Detail: "no fold was opened"}
	}
	last := h.last()
	byKey := h.byKey()
	var bad []string
	beyond := 0
	how := map[string]int{}
	for _, o := range opened {
		how[o.How]++
		if o.Err != "" {
			bad = append(bad, fmt.Sprintf("%s (%s) could not be reopened: %s", o.Fold, o.How, o.Err))
			continue
		}
		if o.Cursor > last {
			beyond++
			continue
		}
		keys := map[string]bool{}
		for k := range o.State {
			keys[k] = true
		}
		for k, steps := range byKey {
			if len(steps) > 0 && steps[0].Seq <= o.Cursor {
				keys[k] = true
			}
		}
		for k := range keys {
			if !acceptable(byKey[k], o.Cursor, o.At, o.State[k], hasKey(o.State, k)) {
				at, ok := stateAt(byKey[k], o.Cursor)
				bad = append(bad, fmt.Sprintf("%s (%s) at cursor %d: key %s is %s, the bucket had %s at the cursor",
					o.Fold, o.How, o.Cursor, k, show(o.State[k], hasKey(o.State, k)), show(at, ok)))
			}
		}
	}
	if len(bad) > 0 {
		if len(bad) > 4 {
			bad = append(bad[:4], fmt.Sprintf("and %d more", len(bad)-4))
		}
		return check.Result{Verdict: check.Violates, Detail: strings.Join(bad, " | ")}
	}
	if beyond > 0 {
		return check.Result{Verdict: check.Incomplete,
			Detail: fmt.Sprintf("%d folds had a cursor beyond the stream read back (last %d)", beyond, last)}
	}
	detail := fmt.Sprintf(
		"%d opens from disk (%d start, %d soft restart, %d hard restart, %d import, %d final) held every update at or below their cursor",
		len(opened), how["start"], how["soft"], how["hard"], how["import"], how["final"])
	if n := len(h.Removed); n > 0 {
		detail += fmt.Sprintf(" not removed by the operator before the open (%d removed)", n)
	}
	return check.Result{Verdict: check.Holds, Detail: detail}
}

func hasKey(s State, k string) bool { _, ok := s[k]; return ok }

// stateAt is a key's state once every record of steps at or below seq is applied (removed ones
// included: what the bucket had before the operator acted).
func stateAt(steps []step, seq uint64) (Entry, bool) {
	var e Entry
	ok := false
	for _, s := range steps {
		if s.Seq > seq {
			break
		}
		e, ok = Entry{Value: s.Value, Rev: s.Seq}, !s.Delete
	}
	return e, ok
}

// acceptable reports whether a key whose whole history is steps (in stream order) may be in
// the state (e, present) in a fold whose cursor is c, opened at time at: the state one of the
// key's records at or below the cursor left, provided every later record at or below the
// cursor was removed by an operator action that began before the open (absent when all of them
// were), or the state one of the key's later records left.
func acceptable(steps []step, c uint64, at int64, e Entry, present bool) bool {
	matches := func(s step) bool { return !s.Delete == present && (!present || e == Entry{Value: s.Value, Rev: s.Seq}) }
	n := 0
	for n < len(steps) && steps[n].Seq <= c {
		n++
	}
	skippable := true // every record after the one considered, up to the cursor, may be missing
	for i := n - 1; i >= 0 && skippable; i-- {
		if matches(steps[i]) {
			return true
		}
		skippable = steps[i].removed && steps[i].at < at
	}
	if skippable && !present {
		return true
	}
	for _, s := range steps[n:] {
		if matches(s) {
			return true
		}
	}
	return false
}
