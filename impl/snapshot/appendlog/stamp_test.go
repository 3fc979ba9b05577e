package appendlog

import (
	"bytes"
	"testing"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/snapshot"
)

// A STAMP record whose CURSOR never made it to disk is dropped, and the file is rewritten
// without it: otherwise the next Apply's cursor record would adopt it, pairing a new stamp
// with a cursor it was never written with.
func TestStampWithoutItsCursorIsDroppedAndNeverAdopted(t *testing.T) {
	path := logPath(t)
	old, next := testStamp(1), testStamp(2)
	full := writeBatches(t, path,
		batch{[]kv.Update{putU("a", "1", 1)}, kv.CursorFromUint64(1), &old},
		batch{[]kv.Update{putU("b", "2", 2)}, kv.CursorFromUint64(2), &next})
	cut := len(full) - cursorLen(kv.CursorFromUint64(2)) // everything but the last CURSOR
	writeFile(t, path, full[:cut])
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if c, st := s.Cursor(), s.Stamp(); c != kv.CursorFromUint64(1) || !st.Equal(old) {
		t.Fatalf("recovered %v with %v, want cursor 1 with the old stamp %v", c, st, old)
	}
	apply(t, s, []kv.Update{putU("c", "3", 3)}, kv.CursorFromUint64(3))
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	snap := mustLoad(t, path)
	if snap.Cursor != kv.CursorFromUint64(3) || !snap.Stamp.Equal(old) {
		t.Fatalf("after a later Apply: %v with %v, want cursor 3 with the old stamp", snap.Cursor, snap.Stamp)
	}
}

// Apply leaves the stamp as it is and writes no STAMP record, so a fold that never uses
// stamps stays byte for byte a format-2 file; ApplyStamped writes one only when the stamp
// changes; the stamp survives a reopen and every compaction.
func TestStampIsWrittenOnlyWhenItChangesAndSurvivesCompaction(t *testing.T) {
	path := logPath(t)
	s, err := Open(path, Options{CompactThreshold: NeverCompact})
	if err != nil {
		t.Fatal(err)
	}
	apply(t, s, []kv.Update{putU("a", "1", 1)}, kv.CursorFromUint64(1))
	plain := EncodeCompacted(map[string]kv.Entry{"a": {Key: "a", Value: []byte("1"), Version: rev(1)}}, kv.CursorFromUint64(1))
	if got := readFile(t, path); !bytes.Equal(got, plain) {
		t.Fatalf("Apply without a stamp wrote %x, want the format-2 bytes %x", got, plain)
	}
	st := testStamp(1)
	if err := s.ApplyStamped(nil, kv.CursorFromUint64(2), st); err != nil {
		t.Fatal(err)
	}
	size := len(readFile(t, path))
	if err := s.ApplyStamped(nil, kv.CursorFromUint64(3), st); err != nil {
		t.Fatal(err)
	}
	if grew := len(readFile(t, path)) - size; grew != cursorLen(kv.CursorFromUint64(3)) {
		t.Fatalf("an unchanged stamp grew the log by %d bytes, want just the cursor record", grew)
	}
	apply(t, s, nil, kv.CursorFromUint64(4))
	if !s.Stamp().Equal(st) {
		t.Fatalf("Apply changed the stamp to %v", s.Stamp())
	}
	if err := s.w.Compact(); err != nil {
		t.Fatal(err)
	}
	want := EncodeCompactedStamped(map[string]kv.Entry{"a": {Key: "a", Value: []byte("1"), Version: rev(1)}}, kv.CursorFromUint64(4), st)
	if got := readFile(t, path); !bytes.Equal(got, want) {
		t.Fatalf("compacted log %x, want %x", got, want)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if !s.Stamp().Equal(st) || s.Cursor() != kv.CursorFromUint64(4) {
		t.Fatalf("reopened at %v with %v", s.Cursor(), s.Stamp())
	}
}

// A stamp with the zero cursor is kept too: the compacted form writes the zero cursor after it.
func TestStampWithZeroCursorRoundTrips(t *testing.T) {
	path := logPath(t)
	st := testStamp(3)
	writeFile(t, path, EncodeCompactedStamped(nil, kv.Cursor{}, st))
	snap := mustLoad(t, path)
	if snap == nil || !snap.Cursor.IsZero() || !snap.Stamp.Equal(st) || snap.Len() != 0 {
		t.Fatalf("loaded %+v, want only the stamp %v", snap, st)
	}
	requireStableReload(t, path, stateOf(snap))
}

// A STAMP record of another version or with a bad incarnation, under a valid checksum, is not
// a stamp this build can read: the file is refused.
func TestUndecodableStampIsInvalidFormat(t *testing.T) {
	bad := appendStamp(append([]byte(nil), header[:]...), snapshot.Stamp{})
	bad[HeaderLen+7] = 2 // the stamp's version byte
	bad = sealRecord(bad, HeaderLen)
	bad = appendCursor(bad, kv.CursorFromUint64(1))
	_, err := replay(bad)
	requireRefusal(t, "stamp version 2", err)
}
