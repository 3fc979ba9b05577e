package kv

import (
	"context"
	"time"
)

// Reader reads a bucket. A missing key is not an error: ok is false.
type Reader interface {
	// Get returns the key's current value. It hides tombstones: a deleted or purged key, and a
	// key whose value is empty (the compare-and-swap tombstone of older writers), give ok=false.
	Get(ctx context.Context, key string) (e Entry, ok bool, err error)
	// Entry returns the key's latest record as stored, including an empty value; only delete
	// and purge markers give ok=false. Use it where an empty value means something.
	Entry(ctx context.Context, key string) (e Entry, ok bool, err error)
	// Keys lists the live keys under prefix ("" for all) in revision order, hiding tombstones
	// exactly as Get does. It never returns a partial list with a nil error.
	Keys(ctx context.Context, prefix string) ([]string, error)
	// Scan returns the current entry of every live key under prefix, in revision order, hiding
	// tombstones exactly as Get does. It never returns a partial result with a nil error.
	Scan(ctx context.Context, prefix string) ([]Entry, error)
}

// Writer writes a bucket. Every method validates the key and value before sending anything.
type Writer interface {
	// Put writes value under key and returns the new version.
	Put(ctx context.Context, key string, value []byte) (Version, error)
	// Create writes value only if the key is absent or deleted; otherwise ErrAlreadyExists.
	Create(ctx context.Context, key string, value []byte) (Version, error)
	// Update writes value only if the key is at version expected; otherwise
	// ErrRevisionMismatch (decided against the caller) or ErrWriteInFlight (nothing decided).
	Update(ctx context.Context, key string, value []byte, expected Version) (Version, error)
	// Delete writes a delete marker. It succeeds whether or not the key existed.
	Delete(ctx context.Context, key string) error
	// DeleteWithVersion writes a delete marker only if the key is at version expected;
	// otherwise ErrRevisionMismatch (an absent key included) or ErrWriteInFlight.
	DeleteWithVersion(ctx context.Context, key string, expected Version) error
}

// Purger removes a key together with its history, reclaiming its bytes. Purging an absent key
// succeeds.
type Purger interface {
	Purge(ctx context.Context, key string) error
}

// TTL writes values that expire. It returns ErrUnsupported when the bucket was not created with
// StoreConfig.AllowTTL or the server does not support per-key TTLs.
type TTL interface {
	// CreateWithTTL is Create whose value is removed ttl after the write.
	CreateWithTTL(ctx context.Context, key string, value []byte, ttl time.Duration) (Version, error)
}

// Watcher streams a bucket's changes.
type Watcher interface {
	// Watch sends the updates in scope to out, in revision order, until ctx ends (then it
	// returns nil) or the stream fails (then it returns an error; it never returns nil for a
	// stream that ended on its own). The errors, each matched with errors.Is:
	//   - ErrNotConnected: the store's connection is closed (or was never established).
	//   - ErrInvalidScope: a prefix of scope is invalid, or two overlap; nothing was sent.
	//   - ErrInvalidVersion: from is not a cursor of this backend's form; nothing was sent.
	//   - ErrCursorExpired: retention removed updates after from that may have been their
	//     keys' latest records, or from is beyond the last revision; resync and watch from the
	//     zero cursor.
	//   - ErrTimeout: setting the watch up took longer than the backend's request timeout.
	//   - ErrWatch: ctx carries a deadline, or the stream could not be set up or ended for
	//     another reason; resume from your cursor.
	//
	// A zero from is a state-sync watch: first the current record of every key in scope
	// (surviving delete markers included), then live updates, with no gap between them. A
	// non-zero from delivers only the updates after it, and returns ErrCursorExpired when the
	// bucket no longer holds all of them, unless every one removed was superseded by a newer
	// record of its key, which the watch then delivers (a bucket whose only retention is its
	// per-key history).
	//
	// ctx must carry no deadline: it bounds the whole stream, and a deadline would end a
	// healthy one, so Watch refuses such a ctx with ErrWatch before sending anything. Sends to
	// out block, so a slow reader slows the watch rather than losing updates.
	Watch(ctx context.Context, scope Scope, from Cursor, out chan<- Update) error
}

// IncarnationReporter is implemented by stores that can tell one life of a bucket's stream from
// the next (natsstore's can). A fold stores the incarnation with its cursor and compares it with
// the live one before resuming: a cursor of another incarnation means nothing in this one,
// whose revisions restarted at 1.
type IncarnationReporter interface {
	// Incarnation reads the live stream's incarnation from the server (never a cached copy).
	// A bucket that does not exist now is ErrKeyNotFound.
	Incarnation(ctx context.Context) (Incarnation, error)
}

// Store is one bucket. It always reads; the optional capabilities (Writer, Purger, TTL,
// Watcher) are discovered with a type assertion, and Capabilities reports them as data.
type Store interface {
	Reader
	// Name returns the bucket name.
	Name() string
	// Capabilities reports what this store can do.
	Capabilities() Capabilities
}

// Connection opens stores on one backend connection.
type Connection interface {
	// Store opens the bucket cfg.Name, creating it with cfg if it does not exist. An existing
	// bucket is returned as it is (its configuration is not reconciled).
	Store(ctx context.Context, cfg StoreConfig) (Store, error)
	// Healthy reports, without blocking, whether the connection is up right now.
	Healthy() bool
	// Capabilities reports what stores opened on this connection can do.
	Capabilities() Capabilities
	// Close ends the connection. Stores opened from it then fail with ErrNotConnected.
	Close() error
}
