// Package appendlog is the default snapshot.Store: the fold is held in RAM and every Apply is
// appended to one log file, which Load replays at open.
//
// The file format (version 2, see format.go) is byte-compatible with the Rust slipstream crate.
// Apply writes the batch's records and then a cursor record in one write, without fsync: an
// applied batch survives a process crash, and a power loss can only lose a tail, which the
// watch folds again from the recovered cursor. Once enough has been appended the log is
// compacted: rewritten (one PUT per live key, in no particular order) into a temporary file,
// fsynced, renamed over the log, and the directory fsynced. With the default options "enough"
// counts only dead records (overwritten, deleted, superseded checkpoints), so hydrating a fold
// of distinct keys never rewrites it.
package appendlog

import (
	"fmt"
	"sync"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/snapshot"
)

// Store is the append-log snapshot.Store. Open one per file; it is safe for concurrent use.
type Store struct {
	path string
	opts Options

	wmu  sync.Mutex // serializes Apply and Close, the users of w
	w    *Writer
	dead uint64 // bytes of the log's records that no longer describe the fold (guarded by wmu)

	mu      sync.RWMutex // guards the fields below
	entries fold         // the live entries (the export reads them under mu)
	index   index        // finds them by key
	cursor  kv.Cursor
	stamp   snapshot.Stamp
	closed  bool
}

var _ snapshot.Store = (*Store)(nil)

// Open loads the log at path (creating it when missing; see Load for the repairs and refusals)
// and returns the store holding its state. Resume the watch from store.Cursor().
func Open(path string, opts Options) (*Store, error) {
	snap, err := Load(path, opts)
	if err != nil {
		return nil, err
	}
	w, err := OpenWriter(path, opts)
	if err != nil {
		return nil, err
	}
	w.markCompact() // Load left the file compact
	s := &Store{path: path, opts: opts, w: w, entries: fold{}}
	if snap != nil {
		s.entries, s.index, s.cursor, s.stamp = snap.entries, snap.index, snap.Cursor, snap.Stamp
	}
	return s, nil
}

// Cursor implements snapshot.Store.
func (s *Store) Cursor() kv.Cursor {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.cursor
}

// Stamp implements snapshot.Store.
func (s *Store) Stamp() snapshot.Stamp {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.stamp
}

// Apply implements snapshot.Store. The batch is validated first (ValidateUpdate: a value over
// MaxValueLen is refused with snapshot.ErrInvalidFormat and nothing is written), then written
// with its cursor record in one write, and only then folded into RAM, so a failed Apply leaves
// both the file and the in-memory fold as they were.
func (s *Store) Apply(batch []kv.Update, cursor kv.Cursor) error {
	return s.apply(batch, cursor, nil)
}

// ApplyStamped implements snapshot.Store: Apply, with a STAMP record between the batch's
// records and the cursor record when the stamp changes (an unchanged stamp writes nothing).
func (s *Store) ApplyStamped(batch []kv.Update, cursor kv.Cursor, stamp snapshot.Stamp) error {
	return s.apply(batch, cursor, &stamp)
}

func (s *Store) apply(batch []kv.Update, cursor kv.Cursor, stamp *snapshot.Stamp) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if s.w == nil {
		return fmt.Errorf("apply to %s: %w", s.path, snapshot.ErrClosed)
	}
	for i, u := range batch {
		if err := ValidateUpdate(u); err != nil {
			return fmt.Errorf("apply to %s: update %d of %d: %w", s.path, i, len(batch), err)
		}
	}
	recs := make([][]byte, len(batch)) // the puts' records, copied into one fresh buffer
	arena := make([]byte, 0, putBytes(batch))
	for i, u := range batch {
		rec, err := s.w.writeUpdate(u)
		if err != nil {
			s.w.abandon()
			return fmt.Errorf("apply: %w", err)
		}
		if !u.IsDelete() {
			start := len(arena)
			arena = append(arena, rec...)
			recs[i] = arena[start:len(arena):len(arena)]
		}
	}
	if stamp != nil && !stamp.Equal(s.Stamp()) {
		if err := s.w.WriteStamp(*stamp); err != nil {
			s.w.abandon()
			return fmt.Errorf("apply: %w", err)
		}
	}
	due, err := s.w.Checkpoint(cursor)
	if err != nil {
		s.w.abandon()
		return fmt.Errorf("apply: %w", err)
	}
	s.noteCheckpoint(stamp)
	s.mu.Lock()
	for i, u := range batch {
		var old fentry
		var had bool
		if u.IsDelete() {
			old, had = s.index.del(&s.entries, u.Key)
			s.dead += uint64(deleteLen(u.Key, u.Version))
		} else {
			old, had = s.index.put(&s.entries, u.Key, recs[i])
		}
		if had {
			s.dead += uint64(len(old.rec))
		}
	}
	s.cursor = cursor
	if stamp != nil {
		s.stamp = *stamp
	}
	s.mu.Unlock()
	if s.w.adaptive {
		due = s.deadDue()
	}
	if due {
		s.compact()
	}
	return nil
}

// putBytes is the size of the batch's PUT records.
func putBytes(batch []kv.Update) int {
	n := 0
	for _, u := range batch {
		if !u.IsDelete() {
			n += putLen(u.Key, u.Value, u.Version)
		}
	}
	return n
}

// Close implements snapshot.Store: it closes the file and drops the fold from memory.
func (s *Store) Close() error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if s.w == nil {
		return s.errClosed()
	}
	s.mu.Lock()
	s.closed, s.entries, s.index = true, nil, index{}
	s.mu.Unlock()
	err := s.w.Close()
	s.w = nil
	return err
}

func (s *Store) errClosed() error { return fmt.Errorf("snapshot %s: %w", s.path, snapshot.ErrClosed) }
