package kv

import "context"

// Listed is one key's latest record in a revision listing.
type Listed struct {
	// Version is the record's version (the unknown version when the backend could not tell).
	Version Version
	// Live is true for a put with a non-empty value, false for a delete or purge marker and
	// for the empty-value tombstone.
	Live bool
}

// Revisions is a point-in-time listing of a bucket's latest record per key, without values.
type Revisions struct {
	// Position is the bucket's last revision, read before the listing began: every record the
	// listing lacks was absent at Position or written after it.
	Position Version
	// Records maps each key with a record in the bucket (live or a marker) to its latest one.
	// A key the bucket holds no record of at all (purged, or never written) is absent.
	Records map[string]Listed
}

// RevisionLister is implemented by stores that list every key's latest record version under a
// prefix without transferring values (NATS: a headers-only, last-per-subject consumer). The
// applied loop's reconciliation uses it to find where the fold diverged from the bucket.
type RevisionLister interface {
	// Revisions lists the latest record of every key under prefix ("" for all). Like Keys, it
	// never returns a partial listing with a nil error.
	Revisions(ctx context.Context, prefix string) (Revisions, error)
	// Latest reads one key's latest record as the bucket's authority holds it now (NATS: the
	// stream leader), markers included, and says in Record.Linearizable whether it did. A
	// repair is decided on this read, never on the listing alone: the listing is not one
	// point in time.
	Latest(ctx context.Context, key string) (Record, error)
}

// Record is one key's latest record, read on its own.
type Record struct {
	// Present is false when the bucket holds no record of the key at all.
	Present bool
	// Live is true for a put (an empty value included: a fold holds it as an entry), false
	// for a delete or purge marker.
	Live bool
	// Version is the record's version; Value is set for a put.
	Version Version
	Value   []byte
	// Linearizable is true when the bucket's authority answered (NATS: the stream leader's
	// message-get API, not a direct get any replica may serve), so the record is not older
	// than any record the bucket acknowledged before the read began. Reconciliation repairs
	// nothing on a read without it: a lagging replica may answer a record since superseded or
	// removed, and a rollback or delete taken on it would lose a good entry.
	Linearizable bool
}
