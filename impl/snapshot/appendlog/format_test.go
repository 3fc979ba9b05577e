package appendlog

import (
	"bytes"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/snapshot"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func rev(n uint64) kv.Version { return kv.VersionFromUint64(n) }

func putU(key, value string, n uint64) kv.Update {
	return kv.Update{Op: kv.OpPut, Key: key, Value: []byte(value), Version: rev(n)}
}

// Byte vectors written by the Rust slipstream crate (format version 2): files must stay
// interchangeable with it.
const (
	goldenHeader      = "504753530200"
	goldenPutAX1      = "709a6440 01 0100 61 01000000 78 08 0000000000000001"
	goldenCursor1     = "fb4162c4 03 08 0000000000000001"
	goldenDeleteA2    = "dc137e9f 02 0100 61 08 0000000000000002"
	goldenEmptyCursor = "3c41f46a 03 00"
)

func TestWriterProducesTheGoldenBytes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fold.snap")
	w, err := OpenWriter(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.WriteUpdate(putU("a", "x", 1)); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Checkpoint(kv.CursorFromUint64(1)); err != nil {
		t.Fatal(err)
	}
	for _, op := range []kv.Op{kv.OpDelete, kv.OpPurge} { // a purge is written as a delete
		if err := w.WriteUpdate(kv.Update{Op: op, Key: "a", Version: rev(2)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := w.Checkpoint(kv.Cursor{}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	want := unhex(t, goldenHeader+goldenPutAX1+goldenCursor1+goldenDeleteA2+goldenDeleteA2+goldenEmptyCursor)
	if !bytes.Equal(got, want) {
		t.Fatalf("file bytes:\n got  %x\n want %x", got, want)
	}
}

func TestCompactedEncodingIsTheGoldenBytes(t *testing.T) {
	got := EncodeCompacted(map[string]kv.Entry{"a": {Key: "a", Value: []byte("x"), Version: rev(1)}}, kv.CursorFromUint64(1))
	if want := unhex(t, goldenHeader+goldenPutAX1+goldenCursor1); !bytes.Equal(got, want) {
		t.Fatalf("compacted bytes:\n got  %x\n want %x", got, want)
	}
	// No cursor record at all when there is no cursor.
	if got := EncodeCompacted(nil, kv.Cursor{}); !bytes.Equal(got, unhex(t, goldenHeader)) {
		t.Fatalf("empty compacted bytes: %x", got)
	}
}

func TestRecordSizesMatchTheFormula(t *testing.T) {
	u := putU("key", "value", 7)
	if n := len(appendUpdate(nil, u)); n != putLen(u.Key, u.Value, u.Version) || n != 12+3+5+8 {
		t.Fatalf("PUT size %d", n)
	}
	d := kv.Update{Op: kv.OpDelete, Key: "key", Version: rev(7)}
	if n := len(appendUpdate(nil, d)); n != deleteLen(d.Key, d.Version) || n != 8+3+8 {
		t.Fatalf("DELETE size %d", n)
	}
	if n := len(appendCursor(nil, kv.CursorFromUint64(7))); n != cursorLen(kv.CursorFromUint64(7)) || n != 14 {
		t.Fatalf("CURSOR size %d", n)
	}
}

func TestGoldenFileLoadsWithoutRewrite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fold.snap")
	data := unhex(t, goldenHeader+goldenPutAX1+goldenCursor1)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	fs := newFaultFS()
	snap, err := Load(path, Options{FS: fs})
	if err != nil {
		t.Fatal(err)
	}
	if snap.Cursor != kv.CursorFromUint64(1) || snap.Len() != 1 {
		t.Fatalf("loaded %+v", snap)
	}
	if e := entryOf(snap, "a"); string(e.Value) != "x" || e.Version != rev(1) {
		t.Fatalf("entry a: %+v", e)
	}
	if n := fs.count("createTemp"); n != 0 {
		t.Fatalf("an already compact file was rewritten (%d temp files)", n)
	}
}

func TestRecordRoundTripsTenByteVersionAndEmptyValue(t *testing.T) {
	stamp, _ := kv.VersionFromBytes([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 0xff})
	for _, u := range []kv.Update{
		{Op: kv.OpPut, Key: "fdb", Value: []byte("v"), Version: stamp},
		{Op: kv.OpPut, Key: "lock", Version: rev(3)},
		{Op: kv.OpPut, Key: "unknown-version", Value: []byte("v")},
	} {
		rec, oc := parseRecord(appendUpdate(nil, u))
		if oc != recOK || string(rec.key) != u.Key || !bytes.Equal(rec.value, u.Value) || !bytes.Equal(rec.ver, u.Version.Bytes()) {
			t.Fatalf("%v: parsed %+v outcome %d", u, rec, oc)
		}
	}
}

func TestRecordParserRejectsEmptyTruncatedAndLongVersion(t *testing.T) {
	if _, oc := parseRecord(nil); oc != recTruncated {
		t.Fatalf("empty input: outcome %d, want truncated", oc)
	}
	for _, full := range [][]byte{appendUpdate(nil, putU("key", "value", 9)),
		appendUpdate(nil, kv.Update{Op: kv.OpDelete, Key: "key", Version: rev(9)}),
		appendCursor(nil, kv.CursorFromUint64(9))} {
		for n := range len(full) {
			if _, oc := parseRecord(full[:n]); oc != recTruncated {
				t.Fatalf("%x cut to %d bytes: outcome %d, want truncated", full, n, oc)
			}
		}
	}
	// A PUT claiming an 11-byte version: refused as invalid, whatever its CRC.
	long := unhex(t, "00000000 01 0100 61 01000000 78 0b 0000000000000000000001")
	if rec, oc := parseRecord(long); oc != recInvalid || !strings.Contains(rec.msg, "11 bytes") {
		t.Fatalf("11-byte version: outcome %d (%q), want invalid", oc, rec.msg)
	}
}

func TestWriteRefusesWhatCannotBeReadBack(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fold.snap")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	apply(t, s, []kv.Update{putU("a", "1", 1)}, kv.CursorFromUint64(1))
	before, _ := os.ReadFile(path)
	for name, u := range map[string]kv.Update{
		"value over the read cap": {Op: kv.OpPut, Key: "big", Value: make([]byte, MaxValueLen+1), Version: rev(2)},
		"key over 65535 bytes":    {Op: kv.OpPut, Key: strings.Repeat("k", MaxKeyLen+1), Version: rev(2)},
		"key not UTF-8":           {Op: kv.OpPut, Key: "\xff\xfe", Version: rev(2)},
		"unknown operation":       {Op: 0, Key: "a", Version: rev(2)},
	} {
		// The bad update comes after a good one: nothing of the batch may be written.
		err := s.Apply([]kv.Update{putU("b", "2", 2), u}, kv.CursorFromUint64(2))
		if !errors.Is(err, snapshot.ErrInvalidFormat) {
			t.Fatalf("%s: %v, want ErrInvalidFormat", name, err)
		}
		if after, _ := os.ReadFile(path); !bytes.Equal(after, before) {
			t.Fatalf("%s: the file changed", name)
		}
		if _, ok, _ := s.Get("b"); ok || s.Cursor() != kv.CursorFromUint64(1) {
			t.Fatalf("%s: the fold changed", name)
		}
	}
	// A value exactly at the cap is written and read back.
	big := kv.Update{Op: kv.OpPut, Key: "big", Value: bytes.Repeat([]byte{7}, MaxValueLen), Version: rev(3)}
	apply(t, s, []kv.Update{big}, kv.CursorFromUint64(3))
	snap, err := Load(path, Options{})
	if err != nil || !bytes.Equal(entryOf(snap, "big").Value, big.Value) {
		t.Fatalf("value at the cap: err %v", err)
	}
}

func apply(t *testing.T, s *Store, batch []kv.Update, c kv.Cursor) {
	t.Helper()
	if err := s.Apply(batch, c); err != nil {
		t.Fatal(err)
	}
}
