package foldwl

import (
	"strings"
	"testing"

	"github.com/slipstream-go/slipstream/chaos/check"
)

// recs: 1 put a=x, 2 put b=y, 3 delete a, 4 put b=z, 5 put a=w.
var recs = []Record{
	{Seq: 1, Key: "a", Value: "x"},
	{Seq: 2, Key: "b", Value: "y"},
	{Seq: 3, Key: "a", Delete: true},
	{Seq: 4, Key: "b", Value: "z"},
	{Seq: 5, Key: "a", Value: "w"},
}

func want(t *testing.T, r check.Result, v check.Verdict, detail string) {
	t.Helper()
	if r.Verdict != v || !strings.Contains(r.Detail, detail) {
		t.Fatalf("got %s (%s), want %s containing %q", r.Verdict, r.Detail, v, detail)
	}
}

func TestStateAtFoldsPutsAndDeletes(t *testing.T) {
	s := StateAt(recs, 3)
	if len(s) != 1 || s["b"] != (Entry{Value: "y", Rev: 2}) {
		t.Fatalf("state at 3 = %v", s)
	}
	if s := StateAt(recs, 5); s["a"] != (Entry{Value: "w", Rev: 5}) || s["b"] != (Entry{Value: "z", Rev: 4}) {
		t.Fatalf("state at 5 = %v", s)
	}
}

func TestMatchesBucket(t *testing.T) {
	good := Recovered{Fold: "log-a", How: "final", Cursor: 5, State: StateAt(recs, 5)}
	want(t, MatchesBucket(History{Recs: recs}, []Recovered{good}), check.Holds, "equal the bucket at revision 5")
	stale := Recovered{Fold: "log-a", How: "final", Cursor: 5, State: State{"b": {Value: "z", Rev: 4}}}
	want(t, MatchesBucket(History{Recs: recs}, []Recovered{good, stale}), check.Violates, "a: fold absent, bucket w@5")
	behind := Recovered{Fold: "pebble", How: "final", Cursor: 4, State: StateAt(recs, 4)}
	want(t, MatchesBucket(History{Recs: recs}, []Recovered{behind}), check.Incomplete, "pebble at 4")
	want(t, MatchesBucket(History{Recs: recs[1:]}, []Recovered{good}), check.Incomplete, "missing sequence 1")
	want(t, MatchesBucket(History{Recs: recs}, []Recovered{{Fold: "x", How: "final", Err: "corrupt"}}), check.Violates, "did not reopen")
}

func TestCursorComplete(t *testing.T) {
	atCursor := Recovered{Fold: "f", How: "hard", Cursor: 3, State: StateAt(recs, 3)}
	// Data ahead of the cursor (a crash kept b=z and a=w but not the cursor record) is fine.
	ahead := Recovered{Fold: "f", How: "hard", Cursor: 2, State: State{"b": {Value: "z", Rev: 4}}}
	want(t, CursorComplete(History{Recs: recs}, []Recovered{atCursor, ahead}), check.Holds, "2 opens from disk")

	// Cursor 4 claims b=z was stored; the fold still has b=y: an update at or below it is missing.
	lost := Recovered{Fold: "f", How: "hard", Cursor: 4, State: State{"b": {Value: "y", Rev: 2}}}
	want(t, CursorComplete(History{Recs: recs}, []Recovered{lost}), check.Violates, "key b is y@2, the bucket had z@4")
	// A delete at or below the cursor that the fold missed.
	undeleted := Recovered{Fold: "f", How: "soft", Cursor: 3, State: State{"a": {Value: "x", Rev: 1}, "b": {Value: "y", Rev: 2}}}
	want(t, CursorComplete(History{Recs: recs}, []Recovered{undeleted}), check.Violates, "key a is x@1, the bucket had absent")
	// A key absent although it was put at or below the cursor and never deleted after.
	missing := Recovered{Fold: "f", How: "import", Cursor: 2, State: State{"a": {Value: "x", Rev: 1}}}
	want(t, CursorComplete(History{Recs: recs}, []Recovered{missing}), check.Violates, "key b is absent")
	want(t, CursorComplete(History{Recs: recs}, []Recovered{{Fold: "f", How: "hard", Err: "bad crc"}}), check.Violates, "could not be reopened")
	want(t, CursorComplete(History{Recs: recs}, []Recovered{{Fold: "f", How: "hard", Cursor: 9}}), check.Incomplete, "beyond")
}

// removed is recs[i] as removed by an operator action that began at time at.
func removed(i int, action string, at int64) Removal {
	return Removal{Record: recs[i], Action: action, At: at}
}

func TestNewHistoryKeepsOnlyRemovalsThatTookEffect(t *testing.T) {
	// The raw delete of 5 took effect; the purge of 4 failed (4 is still read back); 5 was
	// also in a later purge: the earlier action is kept.
	h := NewHistory(recs[:4], []Removal{removed(3, OpSubjectPurge, 50), removed(4, OpMarkerPurge, 90), removed(4, OpRawDelete, 10)})
	if len(h.Removed) != 1 || h.Removed[0].Seq != 5 || h.Removed[0].Action != OpRawDelete {
		t.Fatalf("removed = %+v, want only seq 5 by the raw delete", h.Removed)
	}
	if h.last() != 5 {
		t.Fatalf("last = %d, want 5 (the removed tail counts)", h.last())
	}
}

func TestMatchesBucketAfterOperatorRemovals(t *testing.T) {
	// The operator raw-deleted the stream's last record, a=w@5: the bucket no longer has a.
	h := NewHistory(recs[:4], []Removal{removed(4, OpRawDelete, 100)})
	repaired := Recovered{Fold: "log-a", How: "final", Cursor: 5, State: State{"b": {Value: "z", Rev: 4}}}
	want(t, MatchesBucket(h, []Recovered{repaired}), check.Holds, "1 records removed by the operator")
	// A fold that never saw a=w stops at the last record left, 4: caught up, not behind.
	never := Recovered{Fold: "log-b", How: "final", Cursor: 4, State: StateAt(recs, 4)}
	want(t, MatchesBucket(h, []Recovered{never}), check.Holds, "equal the bucket at revision 4")
	kept := Recovered{Fold: "pebble", How: "final", Cursor: 5, State: StateAt(recs, 5)}
	want(t, MatchesBucket(h, []Recovered{repaired, kept}), check.Violates, "pebble at 5: a: fold w@5, bucket absent")
	kept.Unreconciled = true
	want(t, MatchesBucket(h, []Recovered{repaired, kept}), check.Incomplete, "pebble not reconciled since the last operator action")
	// A sequence missing from the read-back that no action removed is an incomplete read.
	gap := NewHistory([]Record{recs[0], recs[1], recs[3]}, []Removal{removed(3, OpRawDelete, 100)})
	want(t, MatchesBucket(gap, []Recovered{never}), check.Incomplete, "missing sequence 3, which no operator action removed")
	want(t, MatchesBucket(NewHistory([]Record{recs[0], recs[1], recs[3]}, []Removal{removed(2, OpRawDelete, 100)}),
		[]Recovered{{Fold: "f", How: "final", Cursor: 4, State: State{"a": {Value: "x", Rev: 1}, "b": {Value: "z", Rev: 4}}}}),
		check.Holds, "1 records removed")
}

func TestCursorCompleteAfterOperatorRemovals(t *testing.T) {
	// The operator purged b's whole history (2 and 4) at time 100.
	purged := NewHistory([]Record{recs[0], recs[2], recs[4]}, []Removal{removed(1, OpSubjectPurge, 100), removed(3, OpSubjectPurge, 100)})
	gone := Recovered{Fold: "f", How: "soft", Cursor: 5, At: 200, State: State{"a": {Value: "w", Rev: 5}}}
	folded := Recovered{Fold: "f", How: "hard", Cursor: 5, At: 200, State: StateAt(recs, 5)}
	want(t, CursorComplete(purged, []Recovered{gone, folded}), check.Holds, "not removed by the operator before the open (2 removed)")
	// Opened before the purge began: b=z@4 was in the bucket and at or below the cursor.
	early := Recovered{Fold: "f", How: "soft", Cursor: 5, At: 50, State: State{"a": {Value: "w", Rev: 5}}}
	want(t, CursorComplete(purged, []Recovered{early}), check.Violates, "key b is absent, the bucket had z@4 at the cursor")

	// The operator raw-deleted b's latest record, z@4, at time 100: y@2 is b's record again.
	raw := NewHistory([]Record{recs[0], recs[1], recs[2], recs[4]}, []Removal{removed(3, OpRawDelete, 100)})
	rolled := Recovered{Fold: "f", How: "import", Cursor: 4, At: 200, State: State{"b": {Value: "y", Rev: 2}}}
	want(t, CursorComplete(raw, []Recovered{rolled}), check.Holds, "1 removed")
	// y@2 was not removed: b cannot be absent at cursor 4.
	lost := Recovered{Fold: "f", How: "import", Cursor: 4, At: 200, State: State{}}
	want(t, CursorComplete(raw, []Recovered{lost}), check.Violates, "key b is absent")
	// Nor can a=x@1 come back: the delete at 3 was not removed.
	stale := Recovered{Fold: "f", How: "hard", Cursor: 4, At: 200, State: State{"a": {Value: "x", Rev: 1}, "b": {Value: "y", Rev: 2}}}
	want(t, CursorComplete(raw, []Recovered{stale}), check.Violates, "key a is x@1")
}

func TestPointerMonotonic(t *testing.T) {
	obs := []PointerObs{
		{Key: "log", Source: "e1", Rank: 10, Call: 100, Return: 200},
		{Key: "log", Source: "poller", Rank: 10, Call: 250, Return: 300},
		{Key: "log", Source: "e2", Rank: 20, Call: 150, Return: 400},
	}
	ok := PointerHistory{Key: "log", Committed: []uint64{10, 20}, Observed: obs}
	want(t, PointerMonotonic([]PointerHistory{ok}, nil), check.Holds, "log: 2 publishes, 3 observations")

	regressed := PointerHistory{Key: "log", Committed: []uint64{10, 20, 15}}
	want(t, PointerMonotonic([]PointerHistory{regressed}, nil), check.Violates, "names cursor 15 after 20")

	back := append(obs, PointerObs{Key: "log", Source: "poller", Rank: 10, Call: 500, Return: 510})
	h := PointerHistory{Key: "log", Committed: []uint64{10, 20}, Observed: back}
	want(t, PointerMonotonic([]PointerHistory{h}, nil), check.Violates, "poller saw cursor 10 at")
	// The same stale read inside a span where a deposed leader may answer is reported only.
	want(t, PointerMonotonic([]PointerHistory{h}, []check.Window{{Start: 450, End: 600}}), check.Holds, "1 stale")

	phantom := PointerHistory{Key: "log", Committed: []uint64{10}, Observed: []PointerObs{{Source: "poller", Rank: 11, Call: 1, Return: 2}}}
	want(t, PointerMonotonic([]PointerHistory{phantom}, nil), check.Violates, "never held")
	want(t, PointerMonotonic([]PointerHistory{{Key: "log"}}, nil), check.Incomplete, "no export was published")
}

func TestImportsConverged(t *testing.T) {
	good := Recovered{Fold: "import-log-1", How: "final", Cursor: 5, State: StateAt(recs, 5)}
	want(t, ImportsConverged(History{Recs: recs}, []Recovered{good}, []string{"no pointer yet"}), check.Holds, "1 import attempts failed")
	bad := Recovered{Fold: "import-log-2", How: "final", Cursor: 5, State: StateAt(recs, 2)}
	want(t, ImportsConverged(History{Recs: recs}, []Recovered{good, bad}, nil), check.Violates, "import-log-2 at 5")
	want(t, ImportsConverged(History{Recs: recs}, nil, []string{"timeout"}), check.Incomplete, "no import succeeded")
}
