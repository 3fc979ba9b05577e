package appendlog

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"testing"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/snapshot"
)

// writeThree writes alpha@1 (a 20-byte value), bravo@2 and charlie@3, one checkpoint each.
func writeThree(t *testing.T, path string) []byte {
	return writeBatches(t, path,
		batch{[]kv.Update{putU("alpha", "aaaaaaaaaaaaaaaaaaaa", 1)}, kv.CursorFromUint64(1), nil},
		batch{[]kv.Update{putU("bravo", "b", 2)}, kv.CursorFromUint64(2), nil},
		batch{[]kv.Update{putU("charlie", "c", 3)}, kv.CursorFromUint64(3), nil})
}

func TestFlippedValueLengthMidFileIsCorruptionNotATail(t *testing.T) {
	path := logPath(t)
	data := writeThree(t, path)
	// The second PUT starts after the header, alpha's PUT (12+5+20+8) and its cursor (14).
	second := HeaderLen + 45 + 14
	if data[second+4] != recPut {
		t.Fatalf("fixture: no PUT at offset %d", second)
	}
	binary.LittleEndian.PutUint32(data[second+7+len("bravo"):], 0x7FFFFFFF)
	writeFile(t, path, data)
	_, err := Load(path, Options{})
	if !errors.Is(err, snapshot.ErrCorrupted) {
		t.Fatalf("load: %v, want ErrCorrupted (bravo and charlie must not vanish as a tail)", err)
	}
	if got := readFile(t, path); !bytes.Equal(got, data) {
		t.Fatal("a corrupted file was rewritten")
	}
}

func TestTornFirstRecordIsRewrittenSoLaterAppliesSurvive(t *testing.T) {
	path := logPath(t)
	writeFile(t, path, append(unhex(t, goldenHeader), 0x11, 0x22, 0x33, 0x44, 0x01, 0x00))
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !s.Cursor().IsZero() {
		t.Fatalf("cursor %v, want none", s.Cursor())
	}
	apply(t, s, []kv.Update{putU("charlie", "c", 3)}, kv.CursorFromUint64(3))
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	snap := mustLoad(t, path)
	if snap == nil || string(entryOf(snap, "charlie").Value) != "c" || snap.Cursor != kv.CursorFromUint64(3) {
		t.Fatalf("after reopen: %+v, want charlie at cursor 3", snap)
	}
}

func TestTrailingZeroBytesDoNotRejectThePrefix(t *testing.T) {
	path := logPath(t)
	writeFile(t, path, append(writeThree(t, path), make([]byte, 8)...))
	snap := mustLoad(t, path)
	if snap == nil || snap.Len() != 3 || snap.Cursor != kv.CursorFromUint64(3) {
		t.Fatalf("load: %+v, want 3 entries at cursor 3", snap)
	}
	// The zero slack was rewritten away: the next load sees a compact file.
	if got := readFile(t, path); bytes.HasSuffix(got, make([]byte, 8)) {
		t.Fatal("zero slack still at the end of the file")
	}
}

func TestZeroHoleMidFileKeepsTheValidSuffixAndTheFile(t *testing.T) {
	path := logPath(t)
	data := writeBatches(t, path,
		batch{[]kv.Update{putU("a", "1", 1)}, kv.CursorFromUint64(1), nil},
		batch{[]kv.Update{putU("b", "2", 2)}, kv.CursorFromUint64(2), nil})
	at := HeaderLen + 22 + 14 // after a's PUT (12+1+1+8) and its cursor
	holed := append(append(append([]byte(nil), data[:at]...), make([]byte, 5)...), data[at:]...)
	writeFile(t, path, holed)
	_, err := Load(path, Options{})
	if !errors.Is(err, snapshot.ErrInvalidFormat) {
		t.Fatalf("load: %v, want ErrInvalidFormat", err)
	}
	if got := readFile(t, path); !bytes.Equal(got, holed) {
		t.Fatal("the file with a zero hole was rewritten: its CRC-valid suffix is lost")
	}
}

// sample is a log with overwrites, deletes, an empty batch, an empty value, a 10-byte version
// and two stamps (the second replacing the first): every kind of record.
func sample() []batch {
	stamp, _ := kv.VersionFromBytes([]byte{9, 8, 7, 6, 5, 4, 3, 2, 1, 0})
	first, second := testStamp(1), testStamp(2)
	return []batch{
		{[]kv.Update{putU("node.a", "v1", 1), putU("node.b", "v2", 2)}, kv.CursorFromUint64(2), nil},
		{[]kv.Update{putU("node.a", "v1b", 3), delU("node.b", 4), putU("lock", "", 5)}, kv.CursorFromUint64(5), &first},
		{nil, kv.CursorFromUint64(6), nil},
		{[]kv.Update{{Op: kv.OpPurge, Key: "lock", Version: rev(7)}, {Op: kv.OpPut, Key: "fdb", Value: []byte("F"), Version: stamp}}, kv.CursorFromVersion(stamp), nil},
		{[]kv.Update{putU("node.c", "v3", 8)}, kv.CursorFromUint64(8), &second},
	}
}

// A crash can cut the file anywhere. Whatever the cut, load succeeds with the state after some
// prefix of the log's records (data may be ahead of its cursor, never behind), and the longer
// the file, the longer that prefix.
func TestEveryTruncationLoadsAConsistentPrefix(t *testing.T) {
	path := logPath(t)
	batches := sample()
	full := writeBatches(t, path, batches...)
	states := prefixStates(batches)
	last := 0
	for cut := 0; cut <= len(full); cut++ {
		writeFile(t, path, full[:cut])
		snap, err := Load(path, Options{})
		if err != nil {
			t.Fatalf("cut at %d: %v", cut, err)
		}
		i := prefixIndex(states, stateOf(snap))
		if i < last {
			t.Fatalf("cut at %d: state %v is not a prefix at least as long as %d", cut, stateOf(snap), last)
		}
		last = i
		requireStableReload(t, path, stateOf(snap))
	}
	if last != len(states)-1 {
		t.Fatalf("the whole file loaded as prefix %d of %d", last, len(states)-1)
	}
}

// requireStableReload checks that the file load left behind loads to the same state and is
// not rewritten again.
func requireStableReload(t *testing.T, path string, want state) {
	t.Helper()
	before := readFile(t, path)
	snap, err := Load(path, Options{})
	if err != nil || !stateOf(snap).equal(want) {
		t.Fatalf("second load: err %v, state changed", err)
	}
	if after := readFile(t, path); !bytes.Equal(before, after) {
		t.Fatal("second load rewrote the file")
	}
}

// Bit rot can change any byte. Every single-bit flip (and an all-bits flip) of every byte
// loads from disk either to a consistent prefix or to ErrCorrupted/ErrInvalidFormat, never to
// other data, and a refused file is left as it was.
func TestEveryBitFlipIsRefusedOrLoadsAConsistentPrefix(t *testing.T) {
	path := logPath(t)
	batches := sample()
	full := writeBatches(t, path, batches...)
	states := prefixStates(batches)
	for off := range full {
		for _, mask := range []byte{1, 2, 4, 8, 16, 32, 64, 128, 0xff} {
			data := bytes.Clone(full)
			data[off] ^= mask
			writeFile(t, path, data)
			snap, err := Load(path, Options{})
			what := fmt.Sprintf("byte %d ^ %#x", off, mask)
			if err != nil {
				requireRefusal(t, what, err)
				if !bytes.Equal(readFile(t, path), data) {
					t.Fatalf("%s: refused, but the file was changed", what)
				}
				continue
			}
			if prefixIndex(states, stateOf(snap)) < 0 {
				t.Fatalf("%s: loaded %v, not the state after any prefix", what, stateOf(snap))
			}
			requireStableReload(t, path, stateOf(snap))
		}
	}
}

// The same for every value a byte can take, through replay (load's decision) in memory.
func TestEveryByteValueReplaysToARefusalOrAConsistentPrefix(t *testing.T) {
	batches := sample()
	full := writeBatches(t, logPath(t), batches...)
	states := prefixStates(batches)
	for off := range full {
		for v := range 256 {
			if byte(v) == full[off] {
				continue
			}
			data := bytes.Clone(full)
			data[off] = byte(v)
			r, err := replay(data)
			if err != nil {
				requireRefusal(t, fmt.Sprintf("byte %d = %#x", off, v), err)
				continue
			}
			if prefixIndex(states, stateOf(&Snapshot{Cursor: r.cursor, Stamp: r.stamp, entries: r.entries})) < 0 {
				t.Fatalf("byte %d = %#x: replayed to a state after no prefix", off, v)
			}
		}
	}
}

func requireRefusal(t *testing.T, what string, err error) {
	t.Helper()
	if !errors.Is(err, snapshot.ErrCorrupted) && !errors.Is(err, snapshot.ErrInvalidFormat) {
		t.Fatalf("%s: %v, want ErrCorrupted or ErrInvalidFormat", what, err)
	}
}
