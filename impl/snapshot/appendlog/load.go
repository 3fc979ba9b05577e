package appendlog

import (
	"errors"
	"fmt"
	"io/fs"
	"iter"
	"slices"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/snapshot"
)

// Snapshot is the state a log file holds: the live entries, the cursor of the last checkpoint
// (zero when none was written) and the stamp written with it or before it (zero when none).
type Snapshot struct {
	Cursor  kv.Cursor
	Stamp   snapshot.Stamp
	entries fold
	index   index // over entries; empty in a Snapshot only tests build, which use All alone
}

// Len returns the number of live entries.
func (s *Snapshot) Len() int { return len(s.entries) }

// Get returns the live entry of key; ok is false when the log holds none. The value is shared
// with the snapshot: do not change it.
func (s *Snapshot) Get(key string) (e kv.Entry, ok bool) {
	p, ok := s.index.get(s.entries, key)
	if !ok {
		return kv.Entry{}, false
	}
	return s.entries[p].entry(), true
}

// All yields the live entries in ascending byte order of key, values shared as Get's are.
func (s *Snapshot) All() iter.Seq[kv.Entry] { return s.entries.sorted() }

// StaleKeys returns, in ascending order, the keys of s absent from current: after a cursor
// expired, these are the keys to delete, since the bucket no longer holds them.
func (s *Snapshot) StaleKeys(current []string) []string {
	live := make(map[string]struct{}, len(current))
	for _, k := range current {
		live[k] = struct{}{}
	}
	var stale []string
	for i := range s.entries {
		if k := s.entries[i].key(); !hasKey(live, k) {
			stale = append(stale, k)
		}
	}
	slices.Sort(stale)
	return stale
}

// Load reads the log at path and returns the state it holds, or nil when the file is missing
// or holds neither an entry, nor a cursor, nor a stamp. It never creates a missing file.
//
// Load repairs what a crash can leave behind, and refuses anything else:
//   - a torn or partial last record, or trailing zero bytes, is dropped and the file rewritten,
//     so that later appends are not hidden behind it; so is a STAMP record whose CURSOR record
//     is missing (the stamp recovered is always the one written with the cursor recovered);
//   - a zero-length file, or one holding only the start of a header, was being created when the
//     process died: it is rewritten as an empty log and Load returns nil;
//   - a file that holds overwritten keys, deletes or several cursors is rewritten compacted;
//   - a checksum failure with records after it is snapshot.ErrCorrupted, and a bad header or an
//     unparseable record (including zero bytes followed by non-zero ones) is
//     snapshot.ErrInvalidFormat; the error names the offset and the file is left untouched.
//     The fold cannot be trusted then: delete the file and fold again from the zero cursor.
//
// The rewrite goes through a temporary file, fsynced and renamed over path; a second Load of
// the result returns the same state without rewriting.
func Load(path string, opts Options) (*Snapshot, error) {
	fsys := fsOrOS(opts.FS)
	data, err := fsys.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, ioErr("read", path, err)
	}
	if isHeaderPrefix(data) {
		return nil, rewriteEmpty(fsys, path)
	}
	r, err := replay(data)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", path, err)
	}
	if len(r.entries) == 0 && r.cursor.IsZero() && r.stamp.IsZero() {
		if len(data) > HeaderLen {
			return nil, rewriteEmpty(fsys, path)
		}
		return nil, nil
	}
	if !r.compact {
		if _, err := compactToFile(fsys, path, inKeyOrder(r.entries), r.cursor, r.stamp); err != nil {
			return nil, fmt.Errorf("rewrite %s after replay: %w", path, err)
		}
		detach(r.entries)
	}
	return &Snapshot{Cursor: r.cursor, Stamp: r.stamp, entries: r.entries, index: r.index}, nil
}

// rewriteEmpty replaces the file at path with a bare header.
func rewriteEmpty(fsys FS, path string) error {
	if _, err := compactToFile(fsys, path, putSource{}, kv.Cursor{}, snapshot.Stamp{}); err != nil {
		return fmt.Errorf("rewrite %s as an empty log: %w", path, err)
	}
	return nil
}

// detach copies the records of entries into one fresh buffer, so that they stop pinning the
// file image they were parsed from (which also held the dead records).
func detach(entries fold) {
	total := 0
	for i := range entries {
		total += len(entries[i].rec)
	}
	arena := make([]byte, 0, total)
	for i := range entries {
		e := &entries[i]
		start := len(arena)
		arena = append(arena, e.rec...)
		e.rec = arena[start:len(arena):len(arena)]
	}
}

func hasKey(set map[string]struct{}, k string) bool {
	_, ok := set[k]
	return ok
}
