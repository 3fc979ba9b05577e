package kv

import (
	"fmt"
	"math"
	"time"
)

// StorageType says where a backend keeps a bucket's data. The zero value is StorageFile.
type StorageType uint8

const (
	// StorageFile keeps the bucket on disk (the default; survives a server restart).
	StorageFile StorageType = iota
	// StorageMemory keeps the bucket in memory (lost when every replica restarts).
	StorageMemory
)

// String names the storage type.
func (s StorageType) String() string {
	if s == StorageMemory {
		return "memory"
	}
	return "file"
}

// DiscardPolicy says what a full bucket does with a new write. The zero value is DiscardNew.
type DiscardPolicy uint8

const (
	// DiscardNew rejects writes when the bucket is full: right for configuration buckets. The
	// cap then removes nothing, so a watch or resume behind the stream's first sequence only
	// skips superseded records and goes on without a resync (protocol.ResumeAllowed).
	DiscardNew DiscardPolicy = iota
	// DiscardOld evicts the oldest history to make room: right for change feeds, whose readers
	// rely on ErrCursorExpired and resync when eviction passes them (a size limit may evict a
	// key's latest record, so a cursor behind the first retained update expires).
	DiscardOld
)

// String names the policy as NATS spells it.
func (d DiscardPolicy) String() string {
	if d == DiscardOld {
		return "old"
	}
	return "new"
}

// Defaults applied to zero StoreConfig fields.
const (
	DefaultMaxBytes   int64  = 10 * 1024 * 1024
	DefaultMaxHistory uint32 = 1
	DefaultReplicas          = 1
	// MaxHistoryLimit is the largest per-key history NATS accepts.
	MaxHistoryLimit uint32 = 64
)

// StoreConfig describes a bucket to open or create. A zero field takes its default. The config
// applies only when the bucket is created: an existing bucket is returned as it is.
type StoreConfig struct {
	Name       string        // bucket name (required)
	Storage    StorageType   // file (default) or memory
	MaxHistory uint32        // revisions kept per key; 0 → 1; at most MaxHistoryLimit
	MaxAge     time.Duration // how long a value lives; 0 → forever
	MaxBytes   int64         // size cap of the bucket; 0 → 10 MiB; negative → unlimited
	Replicas   int           // server replicas; 0 → 1
	Discard    DiscardPolicy // what a full bucket does with a new write
	// AllowTTL enables per-key TTLs (the TTL interface) on servers that support them. It
	// applies only at creation.
	AllowTTL bool
	// MaxValueSize is the largest value the bucket accepts, like nats.go's
	// KeyValueConfig.MaxValueSize; 0 → no limit of the bucket's own (the server's maximum
	// message size still applies). It applies only at creation; Capabilities().MaxValueSize
	// reports the limit an opened bucket really has, and writes of larger values fail with
	// ErrValueTooLarge before anything is sent.
	MaxValueSize int32
}

// WithDefaults returns c with every zero field replaced by its default.
func (c StoreConfig) WithDefaults() StoreConfig {
	if c.MaxHistory == 0 {
		c.MaxHistory = DefaultMaxHistory
	}
	if c.MaxBytes == 0 {
		c.MaxBytes = DefaultMaxBytes
	}
	if c.Replicas == 0 {
		c.Replicas = DefaultReplicas
	}
	return c
}

// Validate reports the first out-of-range field, without contacting any server.
func (c StoreConfig) Validate() error {
	bad := func(format string, args ...any) error {
		return &Error{Op: "store config", Key: c.Name, Kind: ErrInvalidConfig, Hint: fmt.Sprintf(format, args...)}
	}
	switch {
	case c.Name == "":
		return bad("a bucket name is required")
	case c.MaxHistory > MaxHistoryLimit:
		return bad("MaxHistory %d exceeds the server's limit of %d", c.MaxHistory, MaxHistoryLimit)
	case c.MaxAge < 0:
		return bad("MaxAge %v is negative; use 0 for no limit", c.MaxAge)
	case c.MaxValueSize < 0:
		return bad("MaxValueSize %d is negative; use 0 for no limit", c.MaxValueSize)
	case c.Replicas < 0 || c.Replicas > 5:
		return bad("Replicas %d is out of range 1..5", c.Replicas)
	case c.Storage > StorageMemory:
		return bad("unknown storage type %d", c.Storage)
	case c.Discard > DiscardOld:
		return bad("unknown discard policy %d", c.Discard)
	}
	return nil
}

// MaxAgeNanos returns MaxAge in nanoseconds, capped at the largest int64 instead of wrapping.
func (c StoreConfig) MaxAgeNanos() int64 {
	if c.MaxAge <= 0 {
		return 0
	}
	if c.MaxAge > time.Duration(math.MaxInt64) {
		return math.MaxInt64
	}
	return int64(c.MaxAge)
}

// Capabilities reports what a connection's stores can do. Every flag is a fact the backend
// implements, never an aspiration: a flag that is false means the matching interface is absent
// or returns ErrUnsupported.
type Capabilities struct {
	StreamingWatch bool // Watcher is implemented
	PrefixWatch    bool // Watch accepts Prefix and Prefixes scopes, filtered on the server
	TTL            bool // the TTL interface works on buckets created with AllowTTL
	Purge          bool // Purger is implemented
	CAS            bool // Create, Update and DeleteWithVersion are atomic compare-and-swaps
	Transactions   bool // multi-key transactions
	LeaderRead     bool // a read that only the stream leader answers is offered (never stale)
	GlobalOrdering bool // versions are totally ordered across keys
	// MaxValueSize is the largest value a write accepts, the bucket's own limit included
	// (StoreConfig.MaxValueSize, or the limit another tool gave the bucket); 0 means no limit
	// is known at this layer. A larger value fails with ErrValueTooLarge before anything is sent.
	MaxValueSize int
	// AgesOut is true when the bucket removes keys by age (a stream MaxAge, or per-key TTLs),
	// as configured when the store was opened; ExpiryVisible is true when such removals reach
	// watches (as purges from delete markers). A bucket that ages out keys invisibly makes
	// every fold of it diverge: applied.Run refuses it unless told otherwise. Read the live
	// configuration with an ExpiryReporter.
	AgesOut, ExpiryVisible bool
}
