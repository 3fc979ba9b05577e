package applied

import (
	"context"
	"time"

	"github.com/slipstream-go/slipstream/impl/kv"
)

// Reconciliation periods.
const (
	// DefaultReconcileEvery is the period of reconciliation when Config.ReconcileEvery is zero.
	DefaultReconcileEvery = 10 * time.Minute
	// ReconcileOff, or any negative Config.ReconcileEvery, turns reconciliation off.
	ReconcileOff time.Duration = -1
)

// initialReconcileGrace bounds the wait for the first round when the watch delivers nothing
// after the start (an idle bucket never makes the loop "catch up").
const initialReconcileGrace = time.Second

// reconcileEvery returns the period, or 0 when reconciliation is off.
func (c *Config[U]) reconcileEvery() time.Duration {
	switch {
	case c.ReconcileEvery < 0:
		return 0
	case c.ReconcileEvery == 0:
		return DefaultReconcileEvery
	}
	return c.ReconcileEvery
}

// reconciler is the goroutine that lists the bucket for reconciliation: first on the watch's
// first caught-up proof (kv.CaughtUpWatcher), or, whichever comes first, once the loop has
// caught up with the watch after the start (or after initialReconcileGrace) and the watch has
// then stayed quiet for initialQuiet; then every period. A fold hydrating under constant writes
// may never see that quiet, and a proof is the watch's own word that it had caught up. It folds
// nothing itself: the loop compares and repairs. A failed listing is logged and counted, and
// the next period retries.
func (l *loop[U]) reconciler(ctx context.Context) {
	defer close(l.recDone)
	grace := time.NewTimer(initialReconcileGrace)
	select {
	case <-l.caughtUp:
	case <-l.proved:
	case <-grace.C:
	case <-ctx.Done():
	}
	grace.Stop()
	l.awaitQuiet(ctx)
	for ctx.Err() == nil {
		l.reconcileOnce(ctx)
		next := time.NewTimer(l.every)
		select {
		case <-next.C:
		case <-ctx.Done():
			next.Stop()
		}
	}
}

// initialQuiet is how long the watch must deliver nothing before the first round starts. The
// loop's idle moment is no proof of being caught up: during a hydration the channel empties
// for an instant many times, and a round started then lists the whole bucket beside it.
const initialQuiet = 100 * time.Millisecond

// awaitQuiet returns once a whole initialQuiet period passes with no update received, or a
// caught-up proof came (or ctx ends). It reads the progress counter the loop keeps anyway, so
// the hot path pays nothing.
func (l *loop[U]) awaitQuiet(ctx context.Context) {
	tick := time.NewTicker(initialQuiet)
	defer tick.Stop()
	last := l.prog.received.Load()
	for {
		select {
		case <-ctx.Done():
			return
		case <-l.proved:
			return
		case <-tick.C:
		}
		now := l.prog.received.Load()
		if now == last {
			return
		}
		last = now
	}
}

// reconcileOnce lists every scope prefix and hands the merged listing to the loop, waiting
// until the loop has folded the repairs. The merged position is the smallest of the
// prefixes' positions, so it never claims a point later than any part of the listing.
func (l *loop[U]) reconcileOnce(ctx context.Context) {
	merged := kv.Revisions{Records: make(map[string]kv.Listed)}
	var low uint64
	for i, p := range l.cfg.Scope.Prefixes() {
		r, err := l.lister.Revisions(ctx, p)
		if err != nil {
			if ctx.Err() == nil {
				l.prog.reconcileFailures.Add(1)
				l.log.Warn("applied: reconciliation listing failed; the next period retries", "prefix", p, "err", err)
			}
			return
		}
		pos, ok := r.Position.Uint64()
		if !ok {
			l.prog.reconcileFailures.Add(1)
			l.log.Warn("applied: reconciliation listing has no revision position; skipped", "prefix", p)
			return
		}
		if i == 0 || pos < low {
			low = pos
		}
		for k, rec := range r.Records {
			merged.Records[k] = rec
		}
	}
	merged.Position = kv.VersionFromUint64(low)
	req := reconcileRequest{listing: merged, done: make(chan struct{})}
	select {
	case l.reconcileCh <- req:
	case <-ctx.Done():
		return
	}
	select {
	case <-req.done:
	case <-ctx.Done():
	}
}

// noteIdle is called when the loop is about to wait with nothing queued from the watch and
// nothing pending: after the first received update, that is the watch having caught up, and
// the first reconciliation may start.
func (l *loop[U]) noteIdle() {
	if l.caughtUp == nil || l.caughtUpSent || l.prog.received.Load() == 0 || len(l.rx) > 0 || l.armed {
		return
	}
	l.caughtUpSent = true
	close(l.caughtUp)
}

// noteProof is called on every caught-up proof: the first lets the first reconciliation start.
func (l *loop[U]) noteProof() {
	if l.proved == nil || l.provedSent {
		return
	}
	l.provedSent = true
	close(l.proved)
}

// stopReconciler stops the reconciler goroutine, if any, and waits for it.
func (l *loop[U]) stopReconciler() {
	if l.recDone == nil {
		return
	}
	l.stop()
	<-l.recDone
}
