// Package snapshot defines the durable fold: a local copy of a bucket's live keys together with
// the cursor of the last update folded into it, made durable as one unit.
//
// The one rule every backend keeps: a cursor recovered at open never names a revision whose data
// is absent. Apply writes the batch and the cursor together (one transaction, or data records
// before the cursor record), so a crash leaves the data ahead of the cursor, never behind it. The
// data ahead is folded again on resume, which is harmless because folding is idempotent.
//
// With the cursor a fold keeps a Stamp: which incarnation of the bucket's stream the cursor is a
// position in, and when the fold last had contact with it. ApplyStamped writes it in the same
// unit as the cursor, so the stamp recovered at open is always the one written with the cursor
// recovered.
//
// The fold is a cache of the bucket, never its source of truth: whatever a crash loses is
// recovered by resuming the watch from the recovered cursor.
//
// Backends: appendlog (the default; the fold is held in RAM and logged to one file) and pebble
// (on disk, for folds larger than RAM). Both pass the conformance suite in snapshottest.
package snapshot

import (
	"errors"
	"iter"

	"github.com/slipstream-go/slipstream/impl/kv"
)

// Store is a durable fold. Methods are safe for concurrent use: readers (Get, Range, Keys) may
// run while one writer calls Apply.
//
// Values are never shared with the caller: Apply keeps no reference to the batch's values, and
// the entries Get returns and Range yields belong to the caller (changing them changes nothing
// in the store).
type Store interface {
	// Cursor returns the cursor of the last successful Apply, or the zero Cursor when none has
	// succeeded. After Open it is the cursor recovered from disk: resume the watch from it,
	// never from a cursor remembered elsewhere, which may run ahead of the disk.
	Cursor() kv.Cursor

	// Apply folds batch in order and sets the cursor, as one unit. A later update to a key
	// replaces an earlier one by position, never by comparing versions. Delete and purge
	// remove the key (absent keys are fine). An empty batch is legal and still moves the
	// cursor. The batch holds the raw updates, including those a caller's parse rejected:
	// they are bucket state too.
	//
	// When Apply returns an error the store is as it was before the call (the caller re-queues
	// the batch and applies it again, cumulatively, with a later cursor) — or, when the error
	// matches ErrPoisoned, the store refuses every later call: close and reopen it, and the
	// batch is then wholly on disk or wholly absent.
	Apply(batch []kv.Update, cursor kv.Cursor) error

	// ApplyStamped is Apply that also replaces the stamp, in the same unit: after a crash the
	// store recovers the new stamp together with the new cursor, or the old stamp with the old
	// cursor, never one without the other. Apply leaves the stamp as it is.
	ApplyStamped(batch []kv.Update, cursor kv.Cursor, stamp Stamp) error

	// Stamp returns the stamp stored with the cursor (the zero Stamp when none was ever
	// stored). After Open it is the stamp recovered with Cursor.
	Stamp() Stamp

	// Get returns the key's live entry; ok is false when the key is absent or deleted.
	Get(key string) (e kv.Entry, ok bool, err error)

	// Range yields the live entries whose key starts with prefix ("" for all), in ascending
	// byte order of key. It streams: the matching set is never copied whole into memory. An
	// error ends the sequence (it is the last pair yielded). Breaking out of the loop early is
	// fine, and the loop body may call Apply. An Apply running meanwhile may show in part:
	// every entry yielded was live when it was yielded, but the whole need not be one
	// point-in-time view.
	Range(prefix string) iter.Seq2[kv.Entry, error]

	// Keys yields the live keys under prefix in ascending byte order, as Range does, without
	// their values. The resync after an expired cursor diffs these against the bucket's keys.
	Keys(prefix string) iter.Seq2[string, error]

	// Close releases the store. Later calls return ErrClosed.
	Close() error
}

// Sentinel errors, matched with errors.Is. Backends wrap them with what failed and where.
var (
	// ErrCorrupted: stored data fails its checksum somewhere other than a torn tail. The fold
	// cannot be trusted: delete it and fold again from the zero cursor (NATS holds the truth).
	ErrCorrupted = errors.New("snapshot corrupted (CRC mismatch)")
	// ErrInvalidFormat: the stored data is not a fold this version can read (bad magic, another
	// format version, a record that cannot be parsed, a value or key too large to store).
	ErrInvalidFormat = errors.New("invalid snapshot format")
	// ErrIO: the file system failed. The cause says how.
	ErrIO = errors.New("snapshot I/O error")
	// ErrBackend: the storage engine failed for a reason other than I/O.
	ErrBackend = errors.New("snapshot backend error")
	// ErrClosed: the store was closed.
	ErrClosed = errors.New("snapshot store closed")
	// ErrPoisoned: an earlier failure left the writer unable to append safely (for the append
	// log, a compaction that could not reopen its file; for Pebble, an engine failure in the
	// middle of a commit). Close the store and open it again.
	ErrPoisoned = errors.New("snapshot writer poisoned")
)
