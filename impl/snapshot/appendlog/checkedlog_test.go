package appendlog

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/snapshot"
	"github.com/slipstream-go/slipstream/impl/snapshot/artifact"
)

// checkedEntries returns n entries of varied value sizes, keyed by key.
func checkedEntries(n int) map[string]kv.Entry {
	m := make(map[string]kv.Entry, n)
	for i := range n {
		k := fmt.Sprintf("key-%06d", i)
		m[k] = kv.Entry{Key: k, Value: bytes.Repeat([]byte{byte(i)}, i%40), Version: kv.VersionFromUint64(uint64(i + 1))}
	}
	return m
}

// sortedSource is the source of m's entries in key order, so that the log written is
// EncodeCompacted's.
func sortedSource(m map[string]kv.Entry) putSource { return sourceOf(m, putRecord) }

// sourceOf is the source of m's entries in key order, each entry the record rec makes of it.
func sourceOf(m map[string]kv.Entry, rec func(kv.Entry) []byte) putSource {
	var f fold
	for _, k := range slices.Sorted(maps.Keys(m)) {
		f = append(f, fentry{rec: rec(m[k]), tag: tagOf(k)})
	}
	return putSource{f: f}
}

// putRecord is e's PUT record.
func putRecord(e kv.Entry) []byte { return appendPut(nil, e.Key, e.Value, e.Version) }

// A log written and checked span by span is byte for byte the compacted log of its entries;
// the check reports its entry count, cursor and stamp, and the digest of the file's bytes.
// A log written and checked span by span is byte for byte the compacted log of its entries;
// the check reports its entry count, cursor and stamp, and the digest of the file's bytes.
func TestLogCheckWritesTheCompactedLog(t *testing.T) {
	entries := checkedEntries(3*chunkEntries + 17) // several chunks, then a short one
	cur, st := kv.CursorFromUint64(99), testStamp(2)
	dir := t.TempDir()
	p := filepath.Join(dir, PayloadFile)
	cl, err := logCheck{}.write(dir, sortedSource(entries), cur, st)
	if err != nil || cl.refused != nil {
		t.Fatalf("write: %v, refused: %v", err, cl.refused)
	}
	got := readFile(t, p)
	if want := EncodeCompactedStamped(entries, cur, st); !bytes.Equal(got, want) {
		t.Fatalf("the log written (%d bytes) is not EncodeCompactedStamped's (%d bytes)", len(got), len(want))
	}
	if cl.sc.puts != len(entries) || cl.sc.cursor != cur || !cl.sc.stamp.Equal(st) {
		t.Fatalf("checked %d puts at %v stamped %v, want %d at %v stamped %v", cl.sc.puts, cl.sc.cursor, cl.sc.stamp, len(entries), cur, st)
	}
	if cl.digest != artifact.DigestOf(got) {
		t.Fatalf("digest %+v, the file's %+v", cl.digest, artifact.DigestOf(got))
	}
}

// An entry's record is written as it is, and the read-back refuses one whose checksum is wrong:
// a fold entry damaged in memory gets a refused export, never an artifact that does not load.
func TestLogCheckRefusesARecordWithAWrongChecksum(t *testing.T) {
	entries := checkedEntries(2*chunkEntries + 5)
	damaged := slices.Sorted(maps.Keys(entries))[chunkEntries+3]
	rec := func(e kv.Entry) []byte {
		r := putRecord(e)
		if e.Key == damaged {
			r[1] ^= 0x10 // in the checksum field
		}
		return r
	}
	dir := t.TempDir()
	cl, err := logCheck{}.write(dir, sourceOf(entries, rec), kv.CursorFromUint64(7), snapshot.Stamp{})
	if err != nil {
		t.Fatal(err)
	}
	if !errors.Is(cl.refused, snapshot.ErrCorrupted) {
		t.Fatalf("refused: %v, want ErrCorrupted for the record of %q", cl.refused, damaged)
	}
}

// The check reads the file back: a byte damaged in the file after it was written, in the first
// chunk, a middle one or the closing cursor, has the copy refused with scanCompact's verdict on
// the damaged file, and the digest is the damaged file's.
func TestLogCheckReadsTheFileBack(t *testing.T) {
	entries := checkedEntries(3 * chunkEntries)
	cur := kv.CursorFromUint64(5)
	for _, at := range []string{"first chunk", "middle chunk", "cursor"} {
		t.Run(at, func(t *testing.T) {
			dir := t.TempDir()
			p := filepath.Join(dir, PayloadFile)
			spans := 0
			damage := func(f *os.File, from, to int64) {
				spans++
				var off int64
				switch {
				case at == "first chunk" && spans == 2: // the header is the first span
					off = from + 3
				case at == "middle chunk" && spans == 3:
					off = (from + to) / 2
				case at == "cursor" && to-from < 64 && from > 0:
					off = to - 1
				default:
					return
				}
				b := make([]byte, 1)
				if _, err := f.ReadAt(b, off); err != nil {
					t.Error(err) // not Fatal: this runs on the checker's goroutine
					return
				}
				if _, err := f.WriteAt([]byte{b[0] ^ 0x40}, off); err != nil {
					t.Error(err)
				}
			}
			cl, err := logCheck{beforeReadBack: damage}.write(dir, sortedSource(entries), cur, snapshot.Stamp{})
			if err != nil {
				t.Fatal(err)
			}
			data := readFile(t, p)
			_, want := scanCompact(data)
			if want == nil || cl.refused == nil || !strings.Contains(cl.refused.Error(), want.Error()) {
				t.Fatalf("refused: %v, scanCompact of the damaged file: %v", cl.refused, want)
			}
			if !errors.Is(cl.refused, snapshot.ErrCorrupted) && !errors.Is(cl.refused, snapshot.ErrInvalidFormat) {
				t.Fatalf("refused: %v, want ErrCorrupted or ErrInvalidFormat", cl.refused)
			}
			if cl.digest != artifact.DigestOf(data) {
				t.Fatalf("digest %+v, the damaged file's %+v", cl.digest, artifact.DigestOf(data))
			}
		})
	}
}

// An export whose copy is damaged as it is written is refused, and leaves nothing behind.
func TestExportRefusesADamagedCopy(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(filepath.Join(dir, "fold.log"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var batch []kv.Update
	for _, e := range checkedEntries(2 * chunkEntries) {
		batch = append(batch, kv.Update{Op: kv.OpPut, Key: e.Key, Value: e.Value, Version: e.Version})
	}
	if err := s.Apply(batch, kv.CursorFromUint64(3)); err != nil {
		t.Fatal(err)
	}
	damage := func(f *os.File, from, to int64) {
		if from > 0 {
			_, _ = f.WriteAt([]byte{0xFF, 0xFF, 0xFF, 0xFF}, from) // a CRC field
		}
	}
	s.wmu.Lock()
	src := &exportSource{s: s, check: logCheck{beforeReadBack: damage}}
	dest := filepath.Join(dir, "artifact")
	_, err = artifact.Export(src, dest)
	s.wmu.Unlock()
	if !errors.Is(err, artifact.ErrInvalid) || !errors.Is(err, snapshot.ErrCorrupted) {
		t.Fatalf("export of a damaged copy: %v, want artifact.ErrInvalid and snapshot.ErrCorrupted", err)
	}
	ents, rerr := os.ReadDir(dir)
	if rerr != nil || len(ents) != 1 || ents[0].Name() != "fold.log" {
		t.Fatalf("export left %v behind (%v)", ents, rerr)
	}
}

// A background fsync that fails while the log is written fails the write, even though the
// fsyncs after it succeed: a failed fsync may have dropped pages that no later fsync reports.
func TestLogCheckFailsOnAFailedBackgroundSync(t *testing.T) {
	entries := checkedEntries(300_000) // about 15 MB: two background fsyncs or more
	errDevice := errors.New("injected: device error")
	calls := 0
	failFirst := func(f *os.File) error {
		calls++ // the writer waits for each fsync before it starts the next
		if calls == 1 {
			return errDevice
		}
		return f.Sync()
	}
	_, err := logCheck{sync: failFirst}.write(t.TempDir(), sortedSource(entries), kv.CursorFromUint64(1), snapshot.Stamp{})
	if !errors.Is(err, errDevice) || !errors.Is(err, snapshot.ErrIO) {
		t.Fatalf("write: %v, want the injected fsync error as ErrIO", err)
	}
	if calls < 2 {
		t.Fatalf("%d background fsyncs of a 15 MB log, want at least 2", calls)
	}
}
