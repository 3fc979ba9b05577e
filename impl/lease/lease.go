package lease

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"time"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/protocol"
)

// Store is what the lease needs of a bucket: reads that show an empty value (Entry), create-only
// writes and compare-and-swap writes and deletes.
type Store interface {
	kv.Reader
	kv.Writer
}

// ErrCorrupt: Current found a lease value that does not parse. TryAcquire takes such a record
// over, so it heals at the next round.
var ErrCorrupt = errors.New("lease record is present but corrupt")

// Lease is one export lease key, as seen by one node.
type Lease struct {
	store  Store
	key    string
	holder string
	// Now is the clock; nil means time.Now. Tests inject a fake one.
	Now func() time.Time
	// Logger receives warnings (a Complete or Abandon that lost to a takeover); nil is silent.
	Logger *slog.Logger
}

// New returns the lease at key for the node holder. It fails when holder is empty.
func New(store Store, key, holder string) (*Lease, error) {
	if store == nil || key == "" || holder == "" {
		return nil, fmt.Errorf("lease: a store, a key and a holder id are required (got key %q, holder %q)", key, holder)
	}
	return &Lease{store: store, key: key, holder: holder}, nil
}

func (l *Lease) now() time.Time {
	if l.Now != nil {
		return l.Now()
	}
	return time.Now()
}

func (l *Lease) log() *slog.Logger {
	if l.Logger != nil {
		return l.Logger
	}
	return slog.New(slog.DiscardHandler)
}

// Guard is a won lease. Resolve it with exactly one of Complete or Abandon.
type Guard struct {
	l       *Lease
	rec     Record
	version kv.Version
}

// Record is the record this guard wrote.
func (g *Guard) Record() Record { return g.rec }

// TryAcquire tries to take the lease for ttl. It returns a guard when this node won, and a nil
// guard with a nil error when another node holds a live lease or won the race for it; an error
// only when the store failed. An expiry exactly at now counts as expired.
func (l *Lease) TryAcquire(ctx context.Context, ttl time.Duration) (*Guard, error) {
	if ttl <= 0 {
		return nil, fmt.Errorf("lease: ttl must be positive, got %v", ttl)
	}
	now := l.now().UnixNano()
	expires := now + int64(ttl)
	if expires < now { // overflow: saturate
		expires = math.MaxInt64
	}
	rec := Record{Holder: l.holder, AcquiredUnixNano: now, ExpiresUnixNano: expires}
	val := rec.marshal()
	v, err := l.store.Create(ctx, l.key, val)
	switch {
	case err == nil:
		return &Guard{l: l, rec: rec, version: v}, nil
	case errors.Is(err, kv.ErrWriteInFlight):
		// Another node's create of the key was in flight on a replicated bucket, so ours was
		// refused undecided: it wrote nothing, and the other one wins or the next round retries.
		return nil, nil
	case !errors.Is(err, kv.ErrAlreadyExists):
		return nil, fmt.Errorf("lease: create %s: %w", l.key, err)
	}
	e, ok, err := l.store.Entry(ctx, l.key)
	if err != nil {
		return nil, fmt.Errorf("lease: read %s: %w", l.key, err)
	}
	if !ok { // deleted since our create lost: someone is mid-round; try next round
		return nil, nil
	}
	cur, parsed := parseRecord(e.Value)
	if !protocol.LeaseStealable(parsed, cur.ExpiresUnixNano, now) {
		return nil, nil
	}
	v, err = l.store.Update(ctx, l.key, val, e.Version)
	switch {
	case err == nil:
		return &Guard{l: l, rec: rec, version: v}, nil
	case lostRace(err):
		return nil, nil
	default:
		return nil, fmt.Errorf("lease: take over %s: %w", l.key, err)
	}
}

// lostRace reports a compare-and-swap decided against us, or not decided at all (then the
// other writer wins or the next round retries): either way this node does not hold the lease.
func lostRace(err error) bool {
	return errors.Is(err, kv.ErrRevisionMismatch) || errors.Is(err, kv.ErrWriteInFlight) ||
		errors.Is(err, kv.ErrAlreadyExists) || errors.Is(err, kv.ErrKeyNotFound)
}

// Current returns the lease record: ok=false when there is none (Get hides delete markers and
// empty tombstones), ErrCorrupt when a value is present but does not parse.
func (l *Lease) Current(ctx context.Context) (Record, bool, error) {
	e, ok, err := l.store.Get(ctx, l.key)
	if err != nil || !ok {
		return Record{}, false, err
	}
	r, parsed := parseRecord(e.Value)
	if !parsed {
		return Record{}, false, fmt.Errorf("%w: %s holds %d bytes that are not a lease record", ErrCorrupt, l.key, len(e.Value))
	}
	return r, true, nil
}

// Complete records the round's exported cursor, keeping the expiry (the round still lasts the
// whole TTL). It returns stolen=true, writing nothing, when another node took the lease over
// meanwhile (the round overran its TTL); an error only when the store failed.
func (g *Guard) Complete(ctx context.Context, c kv.Cursor) (stolen bool, err error) {
	rec := g.rec
	hx, at := cursorHex(c), g.l.now().UnixNano()
	rec.CompletedCursorHex, rec.CompletedUnixNano = &hx, &at
	v, err := g.l.store.Update(ctx, g.l.key, rec.marshal(), g.version)
	switch {
	case err == nil:
		g.rec, g.version = rec, v
		return false, nil
	case lostRace(err):
		g.l.log().Warn("lease: round overran its ttl; another node took the lease over", "key", g.l.key, "holder", g.l.holder)
		return true, nil
	default:
		return false, fmt.Errorf("lease: complete %s: %w", g.l.key, err)
	}
}

// Abandon releases the lease at once by a compare-and-swap delete, so the next node need not
// wait out the TTL. It returns stolen=true, deleting nothing, when another node took the lease
// over meanwhile; an error only when the store failed (the lease then simply expires).
func (g *Guard) Abandon(ctx context.Context) (stolen bool, err error) {
	err = g.l.store.DeleteWithVersion(ctx, g.l.key, g.version)
	switch {
	case err == nil:
		return false, nil
	case lostRace(err):
		g.l.log().Warn("lease: abandon lost to a takeover", "key", g.l.key, "holder", g.l.holder)
		return true, nil
	default:
		return false, fmt.Errorf("lease: abandon %s: %w", g.l.key, err)
	}
}
