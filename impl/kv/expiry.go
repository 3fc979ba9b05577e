package kv

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// ErrExpiryInvisible: the bucket removes keys by age (MaxAge, or per-key TTLs) without delete
// markers, so no watch ever sees those keys go and a fold built from a watch would keep every
// one of them. It comes wrapped in an *Error of kind ErrUnsupported whose hint says how to turn
// markers on.
var ErrExpiryInvisible = errors.New("the bucket removes keys by age without delete markers, so watches never see those keys go")

// hintExpiryInvisible says how to make expiries visible, or how to accept that they are not;
// written once, used by Expiry.InvisibleError.
const hintExpiryInvisible = "turn delete markers on (natsstore: Store.EnableExpiryMarkers, or " +
	"`nats stream edit KV_<bucket> --subject-delete-marker-ttl 1h`), or accept the divergence " +
	"explicitly (applied.Config.AcceptExpiryDivergence): the fold then keeps aged-out keys until " +
	"a reconciliation round or a resync removes them"

// Expiry is what a bucket removes by age, read from the backend's configuration of the bucket,
// so it describes buckets created by any tool.
type Expiry struct {
	// MaxAge: every record older than it is removed; 0 = none.
	MaxAge time.Duration
	// PerKeyTTL: single keys may be written with a TTL and expire.
	PerKeyTTL bool
	// MarkerTTL is how long the delete marker written in place of a key removed by age lives;
	// 0 = no markers are written.
	MarkerTTL time.Duration
}

// AgesOut reports whether keys can be removed by age: MaxAge or per-key TTLs.
func (e Expiry) AgesOut() bool { return e.MaxAge > 0 || e.PerKeyTTL }

// Visible reports whether every removal by age reaches a watch (as a purge, OpPurge): true when
// nothing ages out or the backend writes markers. A watch that is down or lags longer than
// MarkerTTL can still miss a marker; applied.Run detects that with its contact time.
func (e Expiry) Visible() bool { return !e.AgesOut() || e.MarkerTTL > 0 }

// InvisibleError is the refusal of a fold of bucket whose expiries are not Visible: an *Error of
// kind ErrUnsupported wrapping ErrExpiryInvisible, with the hint saying how to turn markers on.
func (e Expiry) InvisibleError(bucket string) error {
	return NewError("expiry", bucket, ErrUnsupported,
		fmt.Errorf("%w (MaxAge %v, per-key TTLs %v)", ErrExpiryInvisible, e.MaxAge, e.PerKeyTTL)).WithHint(hintExpiryInvisible)
}

// ExpiryReporter is implemented by stores that can say what their bucket removes by age
// (natsstore's can). applied.Run asks it once before its first watch.
type ExpiryReporter interface {
	// Expiry reads the bucket's expiry configuration from the server now (never a cached copy).
	Expiry(ctx context.Context) (Expiry, error)
}

// CaughtUpWatcher is a Watcher that can also say, in order with the updates it sends, when it
// had nothing more to send (natsstore's can). applied.Run uses it to refresh its contact time
// with the stream while the bucket is quiet.
type CaughtUpWatcher interface {
	Watcher
	// WatchCaughtUp is Watch, and also calls caughtUp(at) from the watch's goroutine each time
	// it has proof that every update in scope the stream stored before at (a local time read
	// before asking) has been sent to out; it sends nothing while caughtUp runs. How often it
	// calls is the backend's choice, and its documentation must say: applied.Run needs, while
	// the watch is caught up, consecutive calls well inside half the bucket's marker TTL, or it
	// resyncs for want of contact (natsstore: about every quarter of the marker TTL, or its
	// floor-guard period if shorter). A nil caughtUp makes it Watch.
	WatchCaughtUp(ctx context.Context, scope Scope, from Cursor, out chan<- Update, caughtUp func(at time.Time)) error
}
