package appendlog

import (
	"bytes"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/snapshot"
)

// A compaction that failed after its rename must not leave the writer appending to the file
// it renamed away: every later write would be lost.
func TestFailureAfterTheRenameStillReopensTheLog(t *testing.T) {
	fs := newFaultFS()
	path := logPath(t)
	w := openWriter(t, path, Options{FS: fs})
	defer w.Close()
	if err := w.WriteUpdate(putU("a", "1", 1)); err != nil {
		t.Fatal(err)
	}
	checkpoint(t, w, kv.CursorFromUint64(1))
	fs.arm("syncDir", 0)
	if err := w.Compact(); !errors.Is(err, snapshot.ErrIO) || errors.Is(err, snapshot.ErrPoisoned) {
		t.Fatalf("compact with a failing directory fsync: %v, want ErrIO, not poisoned", err)
	}
	if err := w.WriteUpdate(putU("b", "2", 2)); err != nil {
		t.Fatal(err)
	}
	checkpoint(t, w, kv.CursorFromUint64(2))
	if snap := mustLoad(t, path); snap.Len() != 2 || snap.Cursor != kv.CursorFromUint64(2) {
		t.Fatalf("the write after the failed compaction is lost: %+v", snap)
	}
}

func TestFailedReopenAfterTheRenamePoisonsTheWriter(t *testing.T) {
	fs := newFaultFS()
	path := logPath(t)
	w := openWriter(t, path, Options{FS: fs})
	if err := w.WriteUpdate(putU("a", "1", 1)); err != nil {
		t.Fatal(err)
	}
	checkpoint(t, w, kv.CursorFromUint64(1))
	fs.arm("open", 0)
	if err := w.Compact(); !errors.Is(err, snapshot.ErrPoisoned) {
		t.Fatalf("compact with a failing reopen: %v, want ErrPoisoned", err)
	}
	_, cerr := w.Checkpoint(kv.CursorFromUint64(2))
	for what, err := range map[string]error{"write": w.WriteUpdate(putU("b", "2", 2)), "checkpoint": cerr,
		"flush": w.Flush(), "compact": w.Compact()} {
		if !errors.Is(err, snapshot.ErrPoisoned) || !errors.Is(err, errInjected) {
			t.Fatalf("%s on a poisoned writer: %v, want ErrPoisoned with its cause", what, err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatalf("close of a poisoned writer: %v", err)
	}
	if snap := mustLoad(t, path); snap.Len() != 1 || snap.Cursor != kv.CursorFromUint64(1) {
		t.Fatalf("the compacted file: %+v", snap)
	}
}

// A compaction inside Apply that cannot rewrite the log leaves the log as it was; the batch
// Apply wrote is kept and the failure is reported.
func TestCompactionFailureBeforeTheRenameKeepsTheLog(t *testing.T) {
	for _, op := range []string{"createTemp", "tmpWrite", "sync", "rename"} {
		fs := newFaultFS()
		path := logPath(t)
		var reported []error
		s, err := Open(path, Options{FS: fs, CompactThreshold: 1, OnCompactError: func(err error) { reported = append(reported, err) }})
		if err != nil {
			t.Fatal(err)
		}
		apply(t, s, []kv.Update{putU("a", "1", 1)}, kv.CursorFromUint64(1))
		fs.arm(op, 0)
		apply(t, s, []kv.Update{putU("b", "2", 2)}, kv.CursorFromUint64(2))
		if len(reported) != 1 || !errors.Is(reported[0], snapshot.ErrIO) || !errors.Is(reported[0], errInjected) {
			t.Fatalf("%s failing: reported %v, want one ErrIO", op, reported)
		}
		apply(t, s, []kv.Update{putU("c", "3", 3)}, kv.CursorFromUint64(3)) // compaction retried
		s.Close()
		if snap := mustLoad(t, path); snap.Len() != 3 || snap.Cursor != kv.CursorFromUint64(3) {
			t.Fatalf("%s failing: %+v", op, snap)
		}
		if tmps, _ := filepath.Glob(path + ".compact-*"); len(tmps) != 0 {
			t.Fatalf("%s failing: temporary files left behind: %q", op, tmps)
		}
	}
}

func TestPoisonedStoreRefusesApplyUnchangedAndReopensClean(t *testing.T) {
	fs := newFaultFS()
	path := logPath(t)
	var reported error
	s, err := Open(path, Options{FS: fs, CompactThreshold: 1, OnCompactError: func(err error) { reported = err }})
	if err != nil {
		t.Fatal(err)
	}
	fs.arm("open", 0)
	apply(t, s, []kv.Update{putU("a", "1", 1)}, kv.CursorFromUint64(1)) // written, then the compaction poisons
	if !errors.Is(reported, snapshot.ErrPoisoned) {
		t.Fatalf("reported %v, want ErrPoisoned", reported)
	}
	if err := s.Apply([]kv.Update{putU("b", "2", 2)}, kv.CursorFromUint64(2)); !errors.Is(err, snapshot.ErrPoisoned) {
		t.Fatalf("apply on a poisoned store: %v", err)
	}
	if _, ok, _ := s.Get("b"); ok || s.Cursor() != kv.CursorFromUint64(1) {
		t.Fatal("a refused apply changed the fold")
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if e, ok, _ := s.Get("a"); !ok || string(e.Value) != "1" || s.Cursor() != kv.CursorFromUint64(1) {
		t.Fatalf("after reopening: a=%q %v, cursor %v", e.Value, ok, s.Cursor())
	}
}

// A write that fails part way is taken back: the file is byte for byte what it was, even when
// the batch was large enough to be written out in pieces before its checkpoint.
func TestFailedWriteIsTakenBackToTheLastCheckpoint(t *testing.T) {
	big := strings.Repeat("x", 64<<10)
	for _, failAt := range []int{0, 5, 16} { // which write(2) of the batch fails
		fs := newFaultFS()
		path := logPath(t)
		s, err := Open(path, Options{FS: fs, CompactThreshold: NeverCompact})
		if err != nil {
			t.Fatal(err)
		}
		apply(t, s, []kv.Update{putU("a", "1", 1)}, kv.CursorFromUint64(1))
		before := readFile(t, path)
		var batch []kv.Update
		for i := range 20 * 16 { // 20 MiB: written in 1 MiB pieces
			batch = append(batch, putU("k"+strings.Repeat("0", i%7), big, uint64(i+2)))
		}
		fs.arm("write", failAt)
		if err := s.Apply(batch, kv.CursorFromUint64(400)); !errors.Is(err, snapshot.ErrIO) || !errors.Is(err, errInjected) {
			t.Fatalf("write %d failing: %v, want ErrIO", failAt, err)
		}
		if after := readFile(t, path); !bytes.Equal(after, before) {
			t.Fatalf("write %d failing: file is %d bytes, was %d", failAt, len(after), len(before))
		}
		if s.Cursor() != kv.CursorFromUint64(1) || len(keysOf(t, s)) != 1 {
			t.Fatalf("write %d failing: the fold changed", failAt)
		}
		s.Close()
	}
}

// When the failed write cannot even be taken back, the store is poisoned, its fold unchanged,
// and a reopen recovers a consistent state (the torn tail is dropped).
func TestUntakeableFailedWritePoisonsAndReopensConsistent(t *testing.T) {
	fs := newFaultFS()
	path := logPath(t)
	s, err := Open(path, Options{FS: fs})
	if err != nil {
		t.Fatal(err)
	}
	apply(t, s, []kv.Update{putU("a", "1", 1)}, kv.CursorFromUint64(1))
	fs.arm("write", 0)
	fs.arm("truncate", 0)
	err = s.Apply([]kv.Update{putU("b", "2", 2), putU("c", "3", 3)}, kv.CursorFromUint64(3))
	if !errors.Is(err, snapshot.ErrIO) || !errors.Is(err, snapshot.ErrPoisoned) {
		t.Fatalf("apply: %v, want ErrIO and ErrPoisoned", err)
	}
	if s.Cursor() != kv.CursorFromUint64(1) || len(keysOf(t, s)) != 1 {
		t.Fatal("the fold changed")
	}
	if err := s.Apply(nil, kv.CursorFromUint64(4)); !errors.Is(err, snapshot.ErrPoisoned) {
		t.Fatalf("next apply: %v, want ErrPoisoned", err)
	}
	s.Close()
	snap := mustLoad(t, path)
	states := prefixStates([]batch{{[]kv.Update{putU("a", "1", 1)}, kv.CursorFromUint64(1), nil},
		{[]kv.Update{putU("b", "2", 2), putU("c", "3", 3)}, kv.CursorFromUint64(3), nil}})
	if i := prefixIndex(states, stateOf(snap)); i < 2 || i > 3 { // a@1 with cursor 1, maybe b ahead
		t.Fatalf("reopened state %v is not a prefix at least through cursor 1 (index %d)", stateOf(snap), i)
	}
}

func keysOf(t *testing.T, s *Store) []string {
	t.Helper()
	var out []string
	for k, err := range s.Keys("") {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, k)
	}
	return out
}
