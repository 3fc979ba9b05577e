package appendlog

import (
	"bytes"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/snapshot"
)

func TestMissingFileLoadsAsNothingAndIsNotCreated(t *testing.T) {
	path := logPath(t)
	if snap := mustLoad(t, path); snap != nil {
		t.Fatalf("load of a missing file: %+v", snap)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("load created the file: %v", err)
	}
}

func TestHeaderOnlyLogLoadsAsNothingUnchanged(t *testing.T) {
	path := logPath(t)
	writeFile(t, path, header[:])
	fs := newFaultFS()
	if snap, err := Load(path, Options{FS: fs}); snap != nil || err != nil {
		t.Fatalf("load: %+v, %v", snap, err)
	}
	if fs.count("createTemp") != 0 {
		t.Fatal("a header-only file was rewritten")
	}
}

// A crash while the file was being created leaves it empty or with part of the header: the
// store opens it as a new, empty log.
func TestFileCutInsideTheHeaderIsRepaired(t *testing.T) {
	for n := range HeaderLen {
		path := logPath(t)
		writeFile(t, path, header[:n])
		s, err := Open(path, Options{})
		if err != nil {
			t.Fatalf("%d header bytes: %v", n, err)
		}
		apply(t, s, []kv.Update{putU("a", "1", 1)}, kv.CursorFromUint64(1))
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if got := readFile(t, path); !bytes.Equal(got, EncodeCompacted(map[string]kv.Entry{"a": {Key: "a", Value: []byte("1"), Version: rev(1)}}, kv.CursorFromUint64(1))) {
			t.Fatalf("%d header bytes: file after one apply is %x", n, got)
		}
	}
}

func TestShortFileThatIsNotAHeaderIsRefusedUntouched(t *testing.T) {
	for _, junk := range [][]byte{{'X'}, []byte("PGSX"), {'P', 'G', 'S', 'S', 3}} {
		path := logPath(t)
		writeFile(t, path, junk)
		for what, err := range map[string]error{"load": loadErr(path), "open": openErr(path), "writer": writerErr(path)} {
			if !errors.Is(err, snapshot.ErrInvalidFormat) {
				t.Fatalf("%s of %q: %v, want ErrInvalidFormat", what, junk, err)
			}
		}
		if got := readFile(t, path); !bytes.Equal(got, junk) {
			t.Fatalf("%q was changed to %q", junk, got)
		}
	}
}

func loadErr(path string) error { _, err := Load(path, Options{}); return err }
func openErr(path string) error { _, err := Open(path, Options{}); return err }
func writerErr(path string) error {
	_, err := OpenWriter(path, Options{})
	return err
}

func TestBadMagicAndOtherVersionsAreRefused(t *testing.T) {
	for data, word := range map[string]string{"XXXX\x01\x00": "magic", "PGSS\x03\x00": "version", "PGSS\x01\x00": "version"} {
		path := logPath(t)
		writeFile(t, path, []byte(data))
		for what, err := range map[string]error{"load": loadErr(path), "writer": writerErr(path)} {
			if !errors.Is(err, snapshot.ErrInvalidFormat) || !strings.Contains(err.Error(), word) {
				t.Fatalf("%s of %q: %v, want ErrInvalidFormat mentioning %q", what, data, err, word)
			}
		}
	}
}

func TestChecksumFailureMidFileIsCorruptedAtItsOffset(t *testing.T) {
	path := logPath(t)
	data := writeThree(t, path)
	data[HeaderLen+20] ^= 0x01 // inside alpha's value
	writeFile(t, path, data)
	err := loadErr(path)
	if !errors.Is(err, snapshot.ErrCorrupted) || !strings.Contains(err.Error(), "offset 6") || !strings.Contains(err.Error(), path) {
		t.Fatalf("load: %v, want ErrCorrupted naming the file and offset 6", err)
	}
	if !bytes.Equal(readFile(t, path), data) {
		t.Fatal("a corrupted file was rewritten")
	}
}

func TestTruncatedFinalRecordIsDroppedAndTheLogStaysAppendable(t *testing.T) {
	path := logPath(t)
	data := writeThree(t, path)
	writeFile(t, path, data[:len(data)-3]) // charlie's cursor record is torn
	snap := mustLoad(t, path)
	if snap.Cursor != kv.CursorFromUint64(2) || snap.Len() != 3 {
		t.Fatalf("load: cursor %v, %d entries; want cursor 2 and charlie's data ahead of it", snap.Cursor, snap.Len())
	}
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	apply(t, s, []kv.Update{putU("delta", "d", 4)}, kv.CursorFromUint64(4))
	s.Close()
	snap = mustLoad(t, path)
	if snap.Cursor != kv.CursorFromUint64(4) || snap.Len() != 4 {
		t.Fatalf("after repair and append: cursor %v, %d entries", snap.Cursor, snap.Len())
	}
}

func TestRepeatedCursorRecordsAreCompactedAway(t *testing.T) {
	path := logPath(t)
	var bs []batch
	for i := range uint64(10) {
		bs = append(bs, batch{nil, kv.CursorFromUint64(i + 1), nil})
	}
	data := writeBatches(t, path, append([]batch{{[]kv.Update{putU("a", "1", 1)}, kv.CursorFromUint64(1), nil}}, bs...)...)
	snap := mustLoad(t, path)
	compacted := readFile(t, path)
	if snap.Cursor != kv.CursorFromUint64(10) || len(compacted) >= len(data) {
		t.Fatalf("cursor %v, file %d bytes from %d", snap.Cursor, len(compacted), len(data))
	}
	requireStableReload(t, path, stateOf(snap))
}

func TestCompactionOnLoadKeepsTheLastValue(t *testing.T) {
	path := logPath(t)
	var bs []batch
	for i := range uint64(10) {
		bs = append(bs, batch{[]kv.Update{putU("k", strings.Repeat("v", int(i)+1), i+1)}, kv.CursorFromUint64(i + 1), nil})
	}
	data := writeBatches(t, path, bs...)
	snap := mustLoad(t, path)
	if e := entryOf(snap, "k"); string(e.Value) != strings.Repeat("v", 10) || e.Version != rev(10) {
		t.Fatalf("k = %q@%v", e.Value, e.Version)
	}
	if got := readFile(t, path); !bytes.Equal(got, EncodeCompacted(stateOf(snap).entries, snap.Cursor)) || len(got) >= len(data) {
		t.Fatalf("file after load is not the compacted encoding (%d bytes from %d)", len(got), len(data))
	}
}

func TestCursorOnlyLogLoadsWithNoEntries(t *testing.T) {
	path := logPath(t)
	writeBatches(t, path, batch{nil, kv.CursorFromUint64(42), nil})
	snap := mustLoad(t, path)
	if snap == nil || snap.Cursor != kv.CursorFromUint64(42) || snap.Len() != 0 {
		t.Fatalf("load: %+v, want cursor 42 and no entries", snap)
	}
}

func TestEmptyCursorRecordMeansNoCursor(t *testing.T) {
	path := logPath(t)
	writeBatches(t, path,
		batch{[]kv.Update{putU("a", "1", 1)}, kv.CursorFromUint64(5), nil},
		batch{[]kv.Update{putU("b", "2", 2)}, kv.Cursor{}, nil})
	snap := mustLoad(t, path)
	if snap == nil || !snap.Cursor.IsZero() || snap.Len() != 2 {
		t.Fatalf("load: %+v, want both entries and no cursor", snap)
	}
	if bytes.Contains(readFile(t, path), unhex(t, goldenEmptyCursor)) {
		t.Fatal("the compacted file holds an empty cursor record")
	}
}

func TestLargeValuesRoundTrip(t *testing.T) {
	path := logPath(t)
	big := bytes.Repeat([]byte("0123456789"), 10_000)
	writeBatches(t, path, batch{[]kv.Update{{Op: kv.OpPut, Key: "big", Value: big, Version: rev(1)}}, kv.CursorFromUint64(1), nil})
	if got := entryOf(mustLoad(t, path), "big").Value; !bytes.Equal(got, big) {
		t.Fatalf("100000-byte value came back as %d bytes", len(got))
	}
}

func TestStaleKeysAreTheLoadedKeysNoLongerLive(t *testing.T) {
	path := logPath(t)
	writeBatches(t, path, batch{[]kv.Update{putU("a", "1", 1), putU("b", "2", 2), putU("c", "3", 3)}, kv.CursorFromUint64(3), nil})
	got := mustLoad(t, path).StaleKeys([]string{"b", "zzz", "b"})
	if !slices.Equal(got, []string{"a", "c"}) {
		t.Fatalf("stale keys %q, want [a c]", got)
	}
}

// A file written through the raw Writer opens through the store.
func TestStoreOpensAFileWrittenByTheRawWriter(t *testing.T) {
	path := logPath(t)
	writeBatches(t, path, batch{[]kv.Update{putU("a", "1", 1), putU("b", "2", 2)}, kv.CursorFromUint64(2), nil})
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Cursor() != kv.CursorFromUint64(2) {
		t.Fatalf("cursor %v", s.Cursor())
	}
	for k, v := range map[string]string{"a": "1", "b": "2"} {
		if e, ok, _ := s.Get(k); !ok || string(e.Value) != v {
			t.Fatalf("get %s: %q %v", k, e.Value, ok)
		}
	}
}

// Compaction output is a function of the state alone: two histories reaching the same state
// compact to the same bytes, whatever the order the keys were written in.
func TestCompactionIsDeterministicInSortedKeyOrder(t *testing.T) {
	a, b := logPath(t), logPath(t)
	writeBatches(t, a,
		batch{[]kv.Update{putU("zeta", "z", 1), putU("alpha", "old", 2), putU("mid", "m", 3)}, kv.CursorFromUint64(3), nil},
		batch{[]kv.Update{putU("alpha", "a", 4), delU("gone", 5)}, kv.CursorFromUint64(9), nil})
	writeBatches(t, b,
		batch{[]kv.Update{putU("gone", "g", 1), putU("mid", "m", 3), putU("alpha", "a", 4)}, kv.CursorFromUint64(4), nil},
		batch{[]kv.Update{delU("gone", 5), putU("zeta", "z", 1)}, kv.CursorFromUint64(9), nil})
	sa, sb := mustLoad(t, a), mustLoad(t, b)
	fa, fb := readFile(t, a), readFile(t, b)
	if !bytes.Equal(fa, fb) {
		t.Fatalf("same state, different compacted files:\n %x\n %x", fa, fb)
	}
	var order []string
	for e := range sa.All() {
		order = append(order, e.Key)
	}
	if !slices.Equal(order, []string{"alpha", "mid", "zeta"}) || !stateOf(sa).equal(stateOf(sb)) {
		t.Fatalf("keys %q", order)
	}
}
