package appendlog

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/slipstream-go/slipstream/impl/kv"
)

func openWriter(t *testing.T, path string, opts Options) *Writer {
	t.Helper()
	w, err := OpenWriter(path, opts)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func checkpoint(t *testing.T, w *Writer, c kv.Cursor) bool {
	t.Helper()
	due, err := w.Checkpoint(c)
	if err != nil {
		t.Fatal(err)
	}
	return due
}

func TestCheckpointReportsCompactionDueStrictlyAboveThreshold(t *testing.T) {
	rec := len(appendCursor(nil, kv.CursorFromUint64(1))) // 14 bytes
	w := openWriter(t, logPath(t), Options{CompactThreshold: uint64(2 * rec)})
	defer w.Close()
	for i, want := range []bool{false, false, true} {
		if got := checkpoint(t, w, kv.CursorFromUint64(uint64(i))); got != want {
			t.Fatalf("checkpoint %d (%d bytes appended): due %v, want %v", i, (i+1)*rec, got, want)
		}
	}
	never := openWriter(t, logPath(t), Options{CompactThreshold: NeverCompact})
	defer never.Close()
	for i := range 100 {
		if checkpoint(t, never, kv.CursorFromUint64(uint64(i))) {
			t.Fatal("NeverCompact reported a compaction due")
		}
	}
}

func TestStoreCompactsOnceOverTheThreshold(t *testing.T) {
	path := logPath(t)
	s, err := Open(path, Options{CompactThreshold: 100})
	if err != nil {
		t.Fatal(err)
	}
	for i := range uint64(50) {
		apply(t, s, []kv.Update{putU("k", "value", i+1)}, kv.CursorFromUint64(i+1))
	}
	s.Close()
	// One live entry and a cursor (41 bytes), plus at most the 100 bytes allowed before compacting.
	if n := len(readFile(t, path)); n > HeaderLen+100+41 {
		t.Fatalf("log is %d bytes after 50 overwrites with threshold 100", n)
	}
	if snap := mustLoad(t, path); snap.Cursor != kv.CursorFromUint64(50) || entryOf(snap, "k").Version != rev(50) {
		t.Fatalf("after compactions: %+v", snap)
	}
}

func TestReopenedWriterAppendsAfterTheExistingRecords(t *testing.T) {
	path := logPath(t)
	writeBatches(t, path, batch{[]kv.Update{putU("a", "1", 1)}, kv.CursorFromUint64(1), nil})
	writeBatches(t, path, batch{[]kv.Update{putU("b", "2", 2)}, kv.CursorFromUint64(2), nil})
	snap := mustLoad(t, path)
	if snap.Cursor != kv.CursorFromUint64(2) || snap.Len() != 2 {
		t.Fatalf("after two writers: %+v", snap)
	}
}

func TestCompactKeepsRecordsWrittenSinceTheLastCheckpoint(t *testing.T) {
	path := logPath(t)
	w := openWriter(t, path, Options{})
	checkpoint(t, w, kv.CursorFromUint64(1))
	if err := w.WriteUpdate(putU("pending", "p", 2)); err != nil {
		t.Fatal(err)
	}
	if err := w.Compact(); err != nil {
		t.Fatal(err)
	}
	checkpoint(t, w, kv.CursorFromUint64(3))
	w.Close()
	if snap := mustLoad(t, path); string(entryOf(snap, "pending").Value) != "p" || snap.Cursor != kv.CursorFromUint64(3) {
		t.Fatalf("after compact: %+v", snap)
	}
}

func TestCompactionFsyncsTheFileThenRenamesThenFsyncsTheDirectory(t *testing.T) {
	fs := newFaultFS()
	path := logPath(t)
	w := openWriter(t, path, Options{FS: fs})
	defer w.Close()
	if err := w.WriteUpdate(putU("a", "1", 1)); err != nil {
		t.Fatal(err)
	}
	checkpoint(t, w, kv.CursorFromUint64(1))
	fs.ops()
	if err := w.Compact(); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, op := range fs.ops() {
		if op != "tmpWrite" && op != "readFile" {
			got = append(got, op)
		}
	}
	if want := []string{"createTemp", "sync", "rename", "syncDir", "open"}; !slices.Equal(got, want) {
		t.Fatalf("compaction ops %q, want %q", got, want)
	}
	if tmps, _ := filepath.Glob(path + ".compact-*"); len(tmps) != 0 {
		t.Fatalf("temporary files left behind: %q", tmps)
	}
}
