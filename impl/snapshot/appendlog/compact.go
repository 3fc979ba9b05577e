package appendlog

import (
	"fmt"
	"iter"
	"maps"
	"path/filepath"
	"slices"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/snapshot"
)

// ioErr wraps a file-system failure as snapshot.ErrIO, naming the operation and the path.
func ioErr(op, path string, err error) error {
	return fmt.Errorf("%w: %s %s: %w", snapshot.ErrIO, op, path, err)
}

// sorted yields the entries of f in ascending byte order of key. The values are f's own.
func (f fold) sorted() iter.Seq[kv.Entry] {
	return func(yield func(kv.Entry) bool) {
		src := inKeyOrder(f)
		for i := range src.len() {
			e := src.at(i)
			if !yield(e.entry()) {
				return
			}
		}
	}
}

// EncodeCompacted returns the bytes a compaction writes for this state without a stamp: the
// header, one PUT per entry in ascending key order, then a CURSOR record unless cursor is
// zero. Equal states give equal bytes.
func EncodeCompacted(entries map[string]kv.Entry, cursor kv.Cursor) []byte {
	return EncodeCompactedStamped(entries, cursor, snapshot.Stamp{})
}

// EncodeCompactedStamped is EncodeCompacted with a stamp: when stamp is not zero, a STAMP
// record precedes the CURSOR record (which is then written even for the zero cursor).
func EncodeCompactedStamped(entries map[string]kv.Entry, cursor kv.Cursor, stamp snapshot.Stamp) []byte {
	buf := append([]byte(nil), header[:]...)
	for _, k := range slices.Sorted(maps.Keys(entries)) {
		e := entries[k]
		buf = appendPut(buf, k, e.Value, e.Version)
	}
	return appendCheckpoint(buf, cursor, stamp)
}

// compactToFile replaces the file at path with the compacted form of (entries, cursor, stamp),
// in the order of entries (see putSource). It writes a temporary file beside path
// (same file system, so the rename is atomic), fsyncs it, renames it over path, then fsyncs
// the directory so the rename itself survives a power loss. renamed reports whether path now
// names the new file, even when a later step (the directory fsync) failed.
func compactToFile(fs FS, path string, entries putSource, cursor kv.Cursor, stamp snapshot.Stamp) (renamed bool, err error) {
	dir := filepath.Dir(path)
	tmp, err := fs.CreateTemp(dir, filepath.Base(path)+".compact-*")
	if err != nil {
		return false, ioErr("create temporary file in", dir, err)
	}
	tmpName := tmp.Name()
	closed := false
	defer func() {
		if !closed {
			_ = tmp.Close()
		}
		if !renamed {
			_ = fs.Remove(tmpName)
		}
	}()
	if _, err := tmp.Write(header[:]); err != nil {
		return false, ioErr("write", tmpName, err)
	}
	if err := writePuts(tmp, entries); err != nil {
		return false, ioErr("write", tmpName, err)
	}
	if _, err := tmp.Write(appendCheckpoint(nil, cursor, stamp)); err != nil {
		return false, ioErr("write", tmpName, err)
	}
	if err := tmp.Sync(); err != nil {
		return false, ioErr("fsync", tmpName, err)
	}
	closed = true
	if err := tmp.Close(); err != nil {
		return false, ioErr("close", tmpName, err)
	}
	if err := fs.Rename(tmpName, path); err != nil {
		return false, ioErr("rename compacted file over", path, err)
	}
	if err := fs.SyncDir(dir); err != nil {
		return true, ioErr("fsync directory", dir, err)
	}
	return true, nil
}
