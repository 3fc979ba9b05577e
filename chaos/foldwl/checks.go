package foldwl

import (
	"fmt"
	"strings"

	"github.com/slipstream-go/slipstream/chaos/check"
)

// MatchesBucket judges the folds as reopened from disk after the heal (How "final") against
// the bucket's stream: each must hold exactly the bucket's live keys at the stream's last
// revision. A fold whose cursor stayed below the last revision did not catch up in time
// (incomplete); one that caught up with other contents violates.
func MatchesBucket(recs []Record, finals []Recovered) check.Result {
	if err := contiguous(recs); err != nil {
		return check.Result{Verdict: check.Incomplete, Detail: err.Error()}
	}
	if len(finals) == 0 {
		return check.Result{Verdict: check.Incomplete, Detail: "no fold was reopened after the heal"}
	}
	last := head(recs)
	want := StateAt(recs, last)
	var wrong, behind []string
	for _, f := range finals {
		switch {
		case f.Err != "":
			wrong = append(wrong, fmt.Sprintf("%s did not reopen: %s", f.Fold, f.Err))
		case f.Cursor < last:
			behind = append(behind, fmt.Sprintf("%s at %d", f.Fold, f.Cursor))
		case f.Cursor > last:
			wrong = append(wrong, fmt.Sprintf("%s claims cursor %d beyond the bucket's last revision %d", f.Fold, f.Cursor, last))
		default:
			if d := diff(f.State, want); d != "" {
				wrong = append(wrong, fmt.Sprintf("%s at %d: %s", f.Fold, f.Cursor, d))
			}
		}
	}
	switch {
	case len(wrong) > 0:
		return check.Result{Verdict: check.Violates, Detail: strings.Join(wrong, " | ")}
	case len(behind) > 0:
		return check.Result{Verdict: check.Incomplete,
			Detail: fmt.Sprintf("folds still behind the last revision %d after the wait: %s", last, strings.Join(behind, ", "))}
	}
	return check.Result{Verdict: check.Holds,
		Detail: fmt.Sprintf("%d folds reopened from disk equal the bucket at revision %d (%d live keys)", len(finals), last, len(want))}
}

// CursorComplete judges every fold opened from disk during the run (after each restart, soft
// or hard, each import, and at the end): no update at or below its recovered cursor may be
// missing. A backend may hold data ahead of its cursor (a crash keeps data written before the
// cursor record), so each key must be in the state the bucket gave it at the cursor or in a
// state one of the key's later updates gave it; an older state, or a key that should be
// there and is not, is a lost update.
func CursorComplete(recs []Record, opened []Recovered) check.Result {
	if err := contiguous(recs); err != nil {
		return check.Result{Verdict: check.Incomplete, Detail: err.Error()}
	}
	if len(opened) == 0 {
		return check.Result{Verdict: check.Incomplete, Detail: "no fold was opened"}
	}
	last := head(recs)
	byKey := map[string][]Record{}
	for _, r := range recs {
		byKey[r.Key] = append(byKey[r.Key], r)
	}
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
		for k := range StateAt(recs, o.Cursor) {
			keys[k] = true
		}
		for k := range keys {
			if !acceptable(byKey[k], o.Cursor, o.State[k], hasKey(o.State, k)) {
				at := StateAt(byKey[k], o.Cursor)
				bad = append(bad, fmt.Sprintf("%s (%s) at cursor %d: key %s is %s, the bucket had %s at the cursor",
					o.Fold, o.How, o.Cursor, k, show(o.State[k], hasKey(o.State, k)), show(at[k], hasKey(at, k))))
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
	return check.Result{Verdict: check.Holds, Detail: fmt.Sprintf(
		"%d opens from disk (%d start, %d soft restart, %d hard restart, %d import, %d final) held every update at or below their cursor",
		len(opened), how["start"], how["soft"], how["hard"], how["import"], how["final"])}
}

func hasKey(s State, k string) bool { _, ok := s[k]; return ok }

// acceptable reports whether a key whose updates are upd (in stream order) may be in the
// state (e, present) in a fold whose cursor is c: the state at the cursor, or the state one of
// the key's later updates left.
func acceptable(upd []Record, c uint64, e Entry, present bool) bool {
	matches := func(s Entry, ok bool) bool { return ok == present && (!ok || s == e) }
	var cur Entry
	curOK := false
	for _, r := range upd {
		if r.Seq > c {
			break
		}
		cur, curOK = Entry{Value: r.Value, Rev: r.Seq}, !r.Delete
	}
	if matches(cur, curOK) {
		return true
	}
	for _, r := range upd {
		if r.Seq > c && matches(Entry{Value: r.Value, Rev: r.Seq}, !r.Delete) {
			return true
		}
	}
	return false
}
