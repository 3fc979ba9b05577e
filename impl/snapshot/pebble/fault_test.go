package pebble

import (
	"errors"
	"fmt"
	iofs "io/fs"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/cockroachdb/pebble/v2/vfs/errorfs"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/snapshot"
)

// failingWrites wraps fs so that, while on is set, every write and sync of a file fails.
func failingWrites(fs vfs.FS, on *atomic.Bool) vfs.FS {
	return errorfs.Wrap(fs, errorfs.InjectorFunc(func(op errorfs.Op) error {
		switch op.Kind {
		case errorfs.OpFileWrite, errorfs.OpFileWriteAt, errorfs.OpFileSync, errorfs.OpFileSyncData, errorfs.OpFileSyncTo:
			if on.Load() {
				return errorfs.ErrInjected
			}
		}
		return nil
	}))
}

// With Sync, a write-ahead-log failure reaches the Apply that committed. Pebble cannot go on
// after it (its commit pipeline is left unusable), so the store is poisoned: every call fails
// until the store is reopened, and the reopened store has the state before the failed Apply.
func TestEngineCommitFailurePoisonsTheStore(t *testing.T) {
	var on atomic.Bool
	fs := failingWrites(vfs.NewMem(), &on)
	s := open(t, "db", Options{Sync: true, FS: fs})
	fold(t, s, fixture()[:3])
	before := dump(t, s, "")

	on.Store(true)
	err := s.Apply([]kv.Update{put("node.a", "BAD", 10), del("svc.x", 11)}, kv.CursorFromUint64(11))
	if !errors.Is(err, snapshot.ErrPoisoned) || !errors.Is(err, errorfs.ErrInjected) {
		t.Fatalf("Apply over a failing log = %v, want ErrPoisoned with the cause reachable", err)
	}
	on.Store(false)
	if err := s.Apply(nil, kv.CursorFromUint64(12)); !errors.Is(err, snapshot.ErrPoisoned) {
		t.Fatalf("Apply after the failure = %v, want ErrPoisoned", err)
	}
	if _, _, err := s.Get("node.a"); !errors.Is(err, snapshot.ErrPoisoned) {
		t.Fatalf("Get after the failure = %v, want ErrPoisoned (memory may hold the failed batch)", err)
	}
	for _, err := range s.Range("") {
		if !errors.Is(err, snapshot.ErrPoisoned) {
			t.Fatalf("Range after the failure = %v, want ErrPoisoned", err)
		}
	}
	if c := s.Cursor(); c != kv.CursorFromUint64(3) {
		t.Fatalf("cursor after the failure = %v, want rev 3", c)
	}
	_ = s.Close() // reports the log's failure; what matters is that it releases the directory

	s = open(t, "db", Options{Sync: true, FS: fs})
	defer mustClose(t, s)
	assertState(t, s, kv.CursorFromUint64(3), before)
	fold(t, s, fixture()[3:])
	assertState(t, s, kv.CursorFromUint64(7), expected())
}

// Without Sync, commits wait in Pebble's log buffer, so a failing disk is reported by Close,
// not by Apply, and the applies whose log writes failed are lost with their cursor.
func TestNoSyncLogFailureSurfacesAtClose(t *testing.T) {
	var on atomic.Bool
	fs := failingWrites(vfs.NewMem(), &on)
	s := open(t, "db", Options{FS: fs})
	fold(t, s, fixture()[:3])
	if err := s.Settle(); err != nil { // flushes: revs 1..3 are on disk
		t.Fatal(err)
	}
	on.Store(true)
	fold(t, s, fixture()[3:])
	err := s.Close()
	if !errors.Is(err, errorfs.ErrInjected) {
		t.Fatalf("Close over a failing log = %v, want the injected failure", err)
	}
	on.Store(false)
	s = open(t, "db", Options{FS: fs})
	defer mustClose(t, s)
	assertState(t, s, kv.CursorFromUint64(3), []kv.Entry{
		{Key: "node.a", Value: []byte("v1"), Version: kv.VersionFromUint64(1)},
		{Key: "node.b", Value: []byte("v2"), Version: kv.VersionFromUint64(2)},
		{Key: "svc.x", Value: []byte("sx"), Version: kv.VersionFromUint64(3)},
	})
}

// A read the file system fails is snapshot.ErrIO, with the file system's error reachable.
func TestReadFailureIsIO(t *testing.T) {
	var on atomic.Bool
	fs := errorfs.Wrap(vfs.NewMem(), errorfs.InjectorFunc(func(op errorfs.Op) error {
		if on.Load() && op.Kind == errorfs.OpFileReadAt {
			return &iofs.PathError{Op: "read", Path: op.Path, Err: syscall.EIO}
		}
		return nil
	}))
	s := open(t, "db", Options{FS: fs})
	// Enough entries for many data blocks, so that reading the cursor at open (the last
	// block) leaves the first ones uncached.
	value := make([]byte, 512)
	for i := range 20 {
		var b []kv.Update
		for j := range 100 {
			b = append(b, kv.Update{Op: kv.OpPut, Key: fmt.Sprintf("a%04d", i*100+j), Value: value, Version: kv.VersionFromUint64(1)})
		}
		if err := s.Apply(b, kv.CursorFromUint64(1)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Settle(); err != nil { // the fold now lives in sstables, read with ReadAt
		t.Fatal(err)
	}
	mustClose(t, s)
	s = open(t, "db", Options{FS: fs}) // a cold block cache
	defer mustClose(t, s)

	on.Store(true)
	defer on.Store(false)
	var pathErr *iofs.PathError
	if _, _, err := s.Get("a0000"); !errors.Is(err, snapshot.ErrIO) || !errors.As(err, &pathErr) {
		t.Fatalf("Get over a failing disk = %v, want ErrIO with the *fs.PathError reachable", err)
	}
	for _, err := range s.Range("") {
		if !errors.Is(err, snapshot.ErrIO) {
			t.Fatalf("Range over a failing disk yielded %v, want ErrIO", err)
		}
	}
}
