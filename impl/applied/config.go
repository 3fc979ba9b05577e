package applied

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/snapshot"
	"github.com/slipstream-go/slipstream/protocol"
)

// Batch defaults.
const (
	DefaultWindow          = 10 * time.Millisecond
	DefaultMaxBatch        = 100
	DefaultChannelCapacity = 256
)

// BatchConfig says when the loop flushes. A zero field takes its default.
type BatchConfig struct {
	// Window is how long the first update of a batch may wait for a flush (default 10 ms).
	// The timer is armed by any received update, also one that parse rejects.
	Window time.Duration
	// Max flushes as soon as the parsed batch or the raw batch (the updates bound for the
	// store, rejected ones included) holds this many updates (default 100; 1 flushes on every
	// update).
	Max int
	// ChannelCapacity is the capacity of the channel between the watch and the loop
	// (default 256).
	ChannelCapacity int
}

// withDefaults returns b with zero (or negative) fields replaced by the defaults.
func (b BatchConfig) withDefaults() BatchConfig {
	if b.Window <= 0 {
		b.Window = DefaultWindow
	}
	if b.Max <= 0 {
		b.Max = DefaultMaxBatch
	}
	if b.ChannelCapacity <= 0 {
		b.ChannelCapacity = DefaultChannelCapacity
	}
	return b
}

// Config is the input of Run. Watcher is required; everything else is optional.
type Config[U any] struct {
	// Watcher streams the bucket's updates.
	Watcher kv.Watcher
	// Scope selects the keys to fold (the zero Scope is All).
	Scope kv.Scope
	// Resume is the cursor to resume after. The zero Cursor means: with a Store, the store's
	// own cursor (store.Cursor()); without one, a state-sync watch from scratch. With a store,
	// resume from the store and never from a cursor remembered from OnApplied or from Run's
	// result: those can run ahead of the store after a failed store apply, and resuming from
	// them would leave a hole in the store. An explicit Resume ahead of the store's cursor is
	// refused for that reason.
	Resume kv.Cursor
	// Reader lists the bucket's live keys for the resync after an expired cursor.
	Reader kv.Reader
	// Store is the durable fold: every flush applies the raw updates (also those Parse
	// rejects) together with the cursor. Run does not close it.
	Store snapshot.Store
	// Exports receives export requests while the loop runs; a closed channel is ignored from
	// then on.
	Exports <-chan ExportRequest
	// Batch says when to flush.
	Batch BatchConfig
	// Parse turns an update into the caller's type; ok=false rejects it (it still moves the
	// cursor and still reaches the store). Nil rejects every update (a store-only fold).
	// Deletes from a resync carry the unknown version.
	Parse func(kv.Update) (u U, ok bool)
	// Apply applies a parsed batch, in order. It runs on the loop, never concurrently with
	// itself, and must not keep the slice after it returns. An error stops Run with
	// ErrApplyFailed; the cursor does not advance over the batch, so a restart applies it
	// again: Apply must be idempotent over a re-delivered suffix. A panic in Apply, Parse or
	// OnApplied stops the watch and propagates out of Run. Nil applies nothing.
	Apply func([]U) error
	// OnApplied is called after each flush that advanced the cursor, with the new cursor
	// (the in-memory one; see Resume). Without a Store it is the caller's persistence hook.
	OnApplied func(kv.Cursor)
	// Logger receives warnings (store failures, resyncs) and lifecycle lines. Nil is silent.
	Logger *slog.Logger
	// Progress, if not nil, is updated while Run goes; read it from any goroutine.
	Progress *Progress
	// ReconcileEvery is the period of anti-entropy reconciliation: the loop compares the
	// store with a listing of the bucket's latest revision per key and repairs what the watch
	// cannot see (a purged delete marker, a subject purged by an operator, a marker that
	// expired while Run was down). It runs once the watch has caught up after the start (the
	// Watcher's first caught-up proof, when it is a kv.CaughtUpWatcher, or the watch quiet for
	// 100 ms, whichever comes first), then every period. Zero means DefaultReconcileEvery (10 minutes); a negative value
	// (ReconcileOff) turns it off. It needs a Store and a Reader that implements
	// kv.RevisionLister (natsstore's does); otherwise it is off.
	ReconcileEvery time.Duration
	// AcceptExpiryDivergence lets Run follow a bucket that removes keys by age without delete
	// markers (kv.Expiry not Visible), which it otherwise refuses with kv.ErrExpiryInvisible.
	// The fold then diverges: it keeps every aged-out key until a reconciliation round (see
	// ReconcileEvery) or a resync removes it. Turning markers on is the fix; this is the
	// explicit opt-out.
	AcceptExpiryDivergence bool
	// ExpiryClockSkew is how far the local clock may be from the server's. On a bucket that
	// ages keys out with markers, Run compares its contact time with the stream (server
	// stamps) against the local clock, so it resyncs once MarkerTTL less this allowance has
	// passed without contact. Zero means DefaultExpiryClockSkew; it is capped at half the
	// marker TTL, so a short TTL keeps a window.
	ExpiryClockSkew time.Duration
	// OverrunBackoff is the wait before an overrun resync (retention overran the watch,
	// kv.ErrWatchOverrun) that follows another one in a row; each further one doubles it, up
	// to 64 times this, and a watch that kept going that long ends the run. The first overrun
	// resyncs at once. Zero means DefaultOverrunBackoff (1 s); a negative value never waits.
	OverrunBackoff time.Duration
	// WatchRetry, when positive, keeps Run going through a watch that ends for a transient
	// reason: kv.ErrWatch (missed heartbeats, a delivery gap, a consumer that stopped
	// delivering), kv.ErrNotConnected or kv.ErrTimeout (the server went away, or did not answer
	// the restarted watch's setup yet). Run then starts the watch again in place, after the last
	// update it had taken off the failed watch, which is where a restart of Run from its store
	// would resume once the loop's pending updates are stored; the stream incarnation and the
	// contact with a bucket that ages keys out are checked first, as on a start, and resync when
	// they call for it. Each restart is logged with its cause and counted (Stats.WatchRestarts).
	// A restart is immediate unless it follows another one whose watch ran less than 64 times
	// WatchRetry: then it waits WatchRetry, doubling with each such restart in a row up to 64
	// times it (a server that stays away is not hammered). Any other error (a refused
	// configuration, a missing bucket, permissions) still ends Run, as does ctx. Zero (the
	// default) ends Run with the watch's error, for the caller to restart.
	WatchRetry time.Duration

	// kernels replaces the protocol kernels in tests; nil fields take the production ones.
	kernels kernels
	// clock, if set by a test, replaces time.Now for the contact checks and for how long a
	// watch ran before an overrun (the overrun backoff).
	clock func() time.Time
	// wait, if set by a test, replaces the timer of the overrun and restart backoffs; it returns
	// false when ctx ended first.
	wait func(ctx context.Context, d time.Duration) bool
	// hook, if set by a test, runs at each point of the flush path; returning true simulates
	// a crash there (Run returns errCrashed at once, doing nothing more).
	hook func(p point) bool
}

// kernels are the decisions of the loop that have a protocol kernel.
type kernels struct {
	batchHigh    func(high, version []byte) []byte
	storeFailure func(streak uint, failed bool) (uint, bool)
	requeue      func(failed, newer []kv.Update) []kv.Update

	reconcile func(fold protocol.FoldRecord, listed protocol.ListedRecord, listPos, frontier uint64) protocol.Repair
	confirm   func(fold protocol.FoldRecord, current protocol.ListedRecord, frontier uint64, linearizable bool) protocol.Repair

	resumePlan func(protocol.ResumeFacts[kv.Incarnation]) (protocol.ResumeAction, protocol.ResumeReason)
	restartAt  func(start, forwarded []byte) []byte

	expiryAdmit    func(agesOut, markers, acceptDivergence bool) protocol.ExpiryPolicy
	contactLost    func(contact, now, markerTTL int64) bool
	contactAdvance func(contact, evidence int64) int64
}

// defaultKernels returns the production kernels.
func defaultKernels() kernels {
	return kernels{
		batchHigh:    protocol.BatchHigh,
		storeFailure: protocol.StoreFailure,
		requeue:      protocol.Requeue[kv.Update],

		reconcile: protocol.ReconcileRepair,
		confirm:   protocol.ConfirmRepair,

		resumePlan: protocol.ResumePlanFor[kv.Incarnation],
		restartAt:  protocol.WatchRestartAfter,

		expiryAdmit:    protocol.ExpiryAdmit,
		contactLost:    protocol.ExpiryContactLost,
		contactAdvance: protocol.ExpiryContactAdvance,
	}
}

func (k kernels) withDefaults() kernels {
	d := defaultKernels()
	if k.batchHigh == nil {
		k.batchHigh = d.batchHigh
	}
	if k.storeFailure == nil {
		k.storeFailure = d.storeFailure
	}
	if k.requeue == nil {
		k.requeue = d.requeue
	}
	if k.reconcile == nil {
		k.reconcile = d.reconcile
	}
	if k.confirm == nil {
		k.confirm = d.confirm
	}
	if k.resumePlan == nil {
		k.resumePlan = d.resumePlan
	}
	if k.restartAt == nil {
		k.restartAt = d.restartAt
	}
	if k.expiryAdmit == nil {
		k.expiryAdmit = d.expiryAdmit
	}
	if k.contactLost == nil {
		k.contactLost = d.contactLost
	}
	if k.contactAdvance == nil {
		k.contactAdvance = d.contactAdvance
	}
	return k
}

// point is a place on the flush path where a test may simulate a crash.
type point uint8

const (
	pointReceived  point = iota + 1 // an update joined the batch (mid-batch)
	pointApplied                    // the caller's Apply returned
	pointCursor                     // the in-memory cursor advanced
	pointStored                     // the store's Apply returned
	pointOnApplied                  // OnApplied returned
)

// resumeFrom decides the resume cursor: the explicit one, else the store's.
func (c *Config[U]) resumeFrom() (kv.Cursor, error) {
	if c.Store == nil {
		return c.Resume, nil
	}
	stored := c.Store.Cursor()
	if c.Resume.IsZero() || c.Resume == stored {
		return stored, nil
	}
	r, rok := c.Resume.Uint64()
	s, sok := stored.Uint64()
	if rok && sok && r < s {
		return c.Resume, nil // behind the store: the overlap is folded again, harmlessly
	}
	return kv.Cursor{}, fmt.Errorf("%w: resume %v is ahead of (or not comparable with) the store's %v; "+
		"leave Resume zero to resume from the store, which holds everything up to its own cursor", ErrConfig, c.Resume, stored)
}

// validate checks what Run needs before it starts.
func (c *Config[U]) validate() error {
	if c.Watcher == nil {
		return fmt.Errorf("%w: a Watcher is required", ErrConfig)
	}
	if err := c.Scope.Validate(); err != nil {
		return fmt.Errorf("%w: %w", ErrConfig, err)
	}
	return nil
}
