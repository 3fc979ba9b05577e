package pebble

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/cockroachdb/pebble/v2"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/snapshot"
)

// rawSet writes one engine key directly, bypassing the store, as damage or a foreign writer
// would.
func rawSet(t *testing.T, s *Store, key, value []byte) {
	t.Helper()
	if err := s.db.Set(key, value, pebble.Sync); err != nil {
		t.Fatal(err)
	}
}

func TestOpenRejectsAnOverlongCursor(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, Options{})
	rawSet(t, s, cursorKey, make([]byte, kv.MaxVersionLen+1))
	mustClose(t, s)

	_, err := Open(dir, Options{})
	if !errors.Is(err, snapshot.ErrInvalidFormat) {
		t.Fatalf("Open with an 11-byte cursor = %v, want ErrInvalidFormat", err)
	}
	// The failed open released the directory: the engine opens it again, and once the cursor
	// is repaired the store does too.
	db, err := pebble.Open(dir, &pebble.Options{Logger: engineLogger{}})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Set(cursorKey, kv.VersionFromUint64(5).Bytes(), pebble.Sync); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	s = open(t, dir, Options{})
	defer mustClose(t, s)
	if c := s.Cursor(); c != kv.CursorFromUint64(5) {
		t.Fatalf("cursor = %v, want rev 5", c)
	}
}

func TestUndecodableRecordIsInvalidFormat(t *testing.T) {
	s := open(t, t.TempDir(), Options{})
	defer mustClose(t, s)
	fold(t, s, fixture())
	rawSet(t, s, appendDataKey(nil, "node.b"), []byte{9, 1})

	if _, _, err := s.Get("node.b"); !errors.Is(err, snapshot.ErrInvalidFormat) {
		t.Fatalf("Get of a short record = %v, want ErrInvalidFormat", err)
	}
	var keys []string
	var last error
	for e, err := range s.Range("node.") {
		if err != nil {
			last = err
			continue
		}
		keys = append(keys, e.Key)
	}
	if !errors.Is(last, snapshot.ErrInvalidFormat) || len(keys) != 1 {
		t.Fatalf("Range over a short record: keys %v, error %v; want [node.a] then ErrInvalidFormat", keys, last)
	}
}

func TestNonUTF8StoredKeyIsInvalidFormat(t *testing.T) {
	s := open(t, t.TempDir(), Options{})
	defer mustClose(t, s)
	rawSet(t, s, append(appendDataKey(nil, "k"), 0xFF), appendRecord(nil, kv.VersionFromUint64(1), nil))
	for _, err := range s.Range("") {
		if !errors.Is(err, snapshot.ErrInvalidFormat) {
			t.Fatalf("Range yielded %v, want ErrInvalidFormat", err)
		}
	}
	n := 0
	for _, err := range s.Keys("k") {
		n++
		if !errors.Is(err, snapshot.ErrInvalidFormat) {
			t.Fatalf("Keys yielded %v, want ErrInvalidFormat", err)
		}
	}
	if n != 1 {
		t.Fatalf("Keys yielded %d pairs, want the one error", n)
	}
}

func TestOpenFailuresMapToSentinels(t *testing.T) {
	t.Run("file system", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "file")
		if err := os.WriteFile(file, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := Open(filepath.Join(file, "db"), Options{})
		var pathErr *fs.PathError
		if !errors.Is(err, snapshot.ErrIO) || !errors.As(err, &pathErr) {
			t.Fatalf("Open under a regular file = %v, want ErrIO with the *fs.PathError reachable", err)
		}
	})
	t.Run("directory in use", func(t *testing.T) {
		dir := t.TempDir()
		s := open(t, dir, Options{})
		defer mustClose(t, s)
		_, err := Open(dir, Options{})
		if !errors.Is(err, snapshot.ErrBackend) || errors.Is(err, snapshot.ErrIO) {
			t.Fatalf("second Open of one directory = %v, want ErrBackend", err)
		}
	})
}

func TestClosedStoreRefusesEveryCall(t *testing.T) {
	s := open(t, t.TempDir(), Options{})
	fold(t, s, fixture())
	r := s.Reader()
	mustClose(t, s)
	if err := s.Close(); !errors.Is(err, snapshot.ErrClosed) {
		t.Errorf("second Close = %v, want ErrClosed", err)
	}
	if err := s.Apply(nil, kv.CursorFromUint64(8)); !errors.Is(err, snapshot.ErrClosed) {
		t.Errorf("Apply = %v, want ErrClosed", err)
	}
	if _, _, err := r.Get("node.a"); !errors.Is(err, snapshot.ErrClosed) {
		t.Errorf("Reader.Get = %v, want ErrClosed", err)
	}
	for _, err := range r.Range("") {
		if !errors.Is(err, snapshot.ErrClosed) {
			t.Errorf("Reader.Range = %v, want ErrClosed", err)
		}
	}
	for _, err := range s.Keys("") {
		if !errors.Is(err, snapshot.ErrClosed) {
			t.Errorf("Keys = %v, want ErrClosed", err)
		}
	}
	if err := s.Settle(); !errors.Is(err, snapshot.ErrClosed) {
		t.Errorf("Settle = %v, want ErrClosed", err)
	}
	if c := s.Cursor(); c != kv.CursorFromUint64(7) {
		t.Errorf("Cursor after Close = %v, want the last applied rev 7", c)
	}
}
