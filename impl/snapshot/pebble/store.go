// Package pebble is the on-disk snapshot.Store, for folds larger than RAM, built on
// github.com/cockroachdb/pebble/v2.
//
// One Pebble database holds two keyspaces told apart by a reserved key prefix: the data (each
// key's version and value) and the meta keyspace (the cursor's raw token bytes, and the stamp).
// Every Apply is one Pebble batch holding the batch's writes and the cursor (and, for
// ApplyStamped, the stamp), so they become durable together or not at all.
//
// Reads (Get, Range, Keys) go straight to the engine; Range and Keys stream through a Pebble
// iterator bounded by the prefix and never hold the matching set in memory. Reader returns a
// read-only handle for other goroutines. Settle compacts the database after a bulk hydration.
package pebble

import (
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"syscall"
	"unicode/utf8"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/vfs"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/snapshot"
)

// Options tunes Open. The zero value is a safe default.
type Options struct {
	// Sync makes each Apply wait until its commit is on disk (an fsync of Pebble's write-ahead
	// log). When false (the default) an Apply returns once its commit is in Pebble's log
	// buffer in this process. Pebble hands the buffer to the operating system as each 32 KiB
	// log block fills, and syncs the log when it flushes a memtable and at Close, so a crash of
	// the process or of the machine may lose the most recent applies; and a failed log write
	// is reported by Close, not by the Apply whose commit it held. Either way a lost apply
	// loses its data and its cursor together: resume the watch from the recovered cursor.
	Sync bool
	// CacheSize is the size in bytes of Pebble's block cache; 0 means Pebble's default (8 MiB).
	CacheSize int64
	// Logger receives Pebble's log lines (routine events at debug level, errors at error
	// level). Nil discards them.
	Logger *slog.Logger
	// FS is the file system Pebble uses; nil means the operating system's. It is a test hook
	// for fault injection and simulated crashes.
	FS vfs.FS
	// BeforeCommit, when set, is called by Apply with the complete Pebble batch (every update
	// and the cursor) built and not yet committed. An error it returns fails the Apply: the
	// batch is discarded and the store stays as it was. It is a test hook.
	BeforeCommit func() error
}

// Store is a fold kept in a Pebble database. It implements snapshot.Store; its methods are safe
// for concurrent use, and Apply calls are serialized.
type Store struct {
	dir  string
	db   *pebble.DB
	wopt *pebble.WriteOptions
	gate gate
	hook func() error // Options.BeforeCommit

	writeMu sync.Mutex // serializes Apply; guards scratch
	scratch []byte
	cursor  atomic.Pointer[kv.Cursor]
	stamp   atomic.Pointer[snapshot.Stamp]
	poison  atomic.Pointer[error] // the engine's failure mid-commit, once there was one
}

var _ snapshot.Store = (*Store)(nil)

// Open opens the fold in dir, creating the directory and an empty fold when absent, and
// recovers its cursor. A stored cursor that is not a valid token is snapshot.ErrInvalidFormat.
// Engine failures are snapshot.ErrIO when the file system caused them and snapshot.ErrBackend
// otherwise. Only one Store may have dir open at a time.
func Open(dir string, opts Options) (*Store, error) {
	po := &pebble.Options{
		CacheSize:          opts.CacheSize,
		Logger:             engineLogger{l: opts.Logger},
		FS:                 opts.FS,
		FormatMajorVersion: pebble.FormatNewest,
	}
	db, err := pebble.Open(dir, po)
	if errors.Is(err, syscall.EAGAIN) {
		return nil, &opError{op: "open", dir: dir, kind: snapshot.ErrBackend, cause: fmt.Errorf("another store has the directory open (close it first): %w", err)}
	}
	if err != nil {
		return nil, wrapErr("open", dir, err)
	}
	s := &Store{dir: dir, db: db, wopt: pebble.NoSync, hook: opts.BeforeCommit}
	if opts.Sync {
		s.wopt = pebble.Sync
	}
	s.gate.init()
	c, err := s.loadCursor()
	if err != nil {
		_ = db.Close()
		return nil, err
	}
	s.cursor.Store(&c)
	st, err := s.loadStamp()
	if err != nil {
		_ = db.Close()
		return nil, err
	}
	s.stamp.Store(&st)
	return s, nil
}

func (s *Store) loadCursor() (kv.Cursor, error) {
	raw, closer, err := s.db.Get(cursorKey)
	if errors.Is(err, pebble.ErrNotFound) {
		return kv.Cursor{}, nil
	}
	if err != nil {
		return kv.Cursor{}, s.storeErr("open: read cursor", err)
	}
	defer closer.Close()
	v, err := kv.VersionFromBytes(raw)
	if err != nil {
		return kv.Cursor{}, s.storeErr("open", fmt.Errorf("%w: stored cursor: %w", snapshot.ErrInvalidFormat, err))
	}
	return kv.CursorFromVersion(v), nil
}

// Cursor returns the cursor of the last successful Apply, or the cursor recovered at Open.
func (s *Store) Cursor() kv.Cursor { return *s.cursor.Load() }

// Apply writes batch and cursor as one Pebble batch, committed with Options.Sync. A key that is
// not valid UTF-8, or an update with an unknown Op, is snapshot.ErrInvalidFormat and nothing is
// written. If the engine fails while committing (with Options.Sync; without it a failed log
// write is reported by Close), Apply returns an error matching snapshot.ErrPoisoned and every
// later call fails the same way: close the store and open it again (the batch and its cursor
// are then either both on disk or both absent).
func (s *Store) Apply(batch []kv.Update, cursor kv.Cursor) error {
	return s.apply(batch, cursor, nil)
}

func (s *Store) apply(batch []kv.Update, cursor kv.Cursor, stamp *snapshot.Stamp) error {
	if err := s.enter("apply"); err != nil {
		return err
	}
	defer s.gate.leave()
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	if err := s.poisoned("apply"); err != nil {
		return err
	}
	b := s.db.NewBatch()
	err := s.fill(b, batch, cursor)
	if err == nil && stamp != nil {
		err = b.Set(stampKey, stamp.AppendBinary(s.scratch[:0]), nil)
	}
	if err == nil && s.hook != nil {
		err = s.hook()
	}
	if err != nil {
		_ = b.Close()
		return s.storeErr("apply", err)
	}
	if err := s.commit(b); err != nil {
		return err
	}
	s.cursor.Store(&cursor)
	if stamp != nil {
		s.stamp.Store(stamp)
	}
	return nil
}

// fill adds every update and the cursor to b.
func (s *Store) fill(b *pebble.Batch, batch []kv.Update, cursor kv.Cursor) error {
	var key []byte
	for i, u := range batch {
		if !utf8.ValidString(u.Key) {
			return fmt.Errorf("%w: update %d: key %q is not valid UTF-8", snapshot.ErrInvalidFormat, i, u.Key)
		}
		key = appendDataKey(key[:0], u.Key)
		var err error
		switch u.Op {
		case kv.OpPut:
			s.scratch = appendRecord(s.scratch[:0], u.Version, u.Value)
			err = b.Set(key, s.scratch, nil)
		case kv.OpDelete, kv.OpPurge:
			err = b.Delete(key, nil)
		default:
			return fmt.Errorf("%w: update %d (key %q) has unknown op %d", snapshot.ErrInvalidFormat, i, u.Key, u.Op)
		}
		if err != nil {
			return err
		}
	}
	s.scratch = cursor.Version().AppendBytes(s.scratch[:0])
	return b.Set(cursorKey, s.scratch, nil)
}

// commit applies b. Pebble treats a failed commit as fatal (through Logger.Fatalf, or a panic
// with the write-ahead log's error), leaving its commit pipeline unusable, so either is turned
// into an error here and the store is poisoned.
func (s *Store) commit(b *pebble.Batch) (err error) {
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		cause, ok := r.(error)
		if !ok {
			panic(r)
		}
		s.poison.Store(&cause)
		err = s.poisoned("apply")
	}()
	if err := s.db.Apply(b, s.wopt); err != nil {
		_ = b.Close()
		return s.storeErr("apply", err)
	}
	return b.Close()
}

// enter admits an operation, or returns ErrClosed once Close has begun.
func (s *Store) enter(op string) error {
	if !s.gate.enter() {
		return s.storeErr(op, snapshot.ErrClosed)
	}
	return nil
}

// poisoned returns the poisoning error for op, or nil.
func (s *Store) poisoned(op string) error {
	if p := s.poison.Load(); p != nil {
		return &opError{op: op, dir: s.dir, kind: snapshot.ErrPoisoned, cause: *p}
	}
	return nil
}

// Close waits for running calls to finish (a Range or Keys loop ends at its next step with
// ErrClosed; a running Settle is waited for) and closes the database. Do not call it from
// inside a Range or Keys loop. Later calls to any method return snapshot.ErrClosed. A poisoned
// store closes too, releasing the directory so that it can be opened again.
func (s *Store) Close() error {
	if !s.gate.close() {
		return s.storeErr("close", snapshot.ErrClosed)
	}
	return s.storeErr("close", s.db.Close())
}
