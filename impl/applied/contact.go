package applied

import (
	"context"
	"sync"
	"time"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/protocol"
)

// This file keeps the fold's contact time with a bucket that ages keys out with delete markers
// (the guarded expiry policy): the time up to which everything the stream held has been folded.
// A marker the fold has not seen was written at or after it, so it cannot have expired before
// the contact plus the marker TTL. The loop asks protocol.ExpiryContactLost before each advance
// (a delivery, a caught-up proof) and on resume; once lost, the contact stays where it is and
// the watch is cut for the key-diff resync, which sets it anew.

// touchContact runs for every received update: it counts an expiry marker, and on a guarded
// bucket checks the contact before advancing it to the update's stream stamp.
func (l *loop[U]) touchContact(u kv.Update) {
	if u.Expired {
		l.pendingExpiries++
	}
	if !l.exp.guarded() || l.contactTripped {
		return
	}
	if l.k.contactLost(l.contact, l.now().UnixNano(), l.exp.ttl) {
		l.tripContact("a delivery")
		return
	}
	if !u.Stamp.IsZero() {
		l.contact = l.k.contactAdvance(l.contact, u.Stamp.UnixNano())
	}
}

// onCaughtUp takes a caught-up proof from the watch (kv.CaughtUpWatcher): every update stored
// before at has been sent, and the watch sends nothing while the loop takes the ones queued. The
// first proof lets the first reconciliation start. On a guarded bucket it checks the contact at
// at, advances it, and persists it when it moved half the allowed time since it was last stored.
func (l *loop[U]) onCaughtUp(at time.Time) error {
	if err := l.takeQueued(); err != nil {
		return err
	}
	l.noteProof()
	if !l.exp.guarded() || l.contactTripped {
		return nil
	}
	if l.k.contactLost(l.contact, at.UnixNano(), l.exp.ttl) {
		l.tripContact("the caught-up refresh")
		return nil
	}
	l.contact = l.k.contactAdvance(l.contact, at.UnixNano())
	if l.cfg.Store == nil || l.contact-l.storedContact < l.exp.ttl/2 {
		return nil
	}
	if err := l.flush(); err != nil {
		return err
	}
	if len(l.raw) > 0 { // a failed store apply is re-queued: its retry carries the contact
		return nil
	}
	// An empty batch under the stored cursor: it moves nothing but the stamp.
	if _, err := l.storeApply(nil); err != nil {
		l.prog.storeFailures.Add(1)
		l.log.Warn("applied: storing the contact time failed; retrying at the next refresh", "err", err)
	}
	return nil
}

// tripContact marks the contact lost and cuts the running watch, so the watch goroutine takes
// the key-diff resync. Until the resync, the contact does not move.
func (l *loop[U]) tripContact(where string) {
	l.contactTripped = true
	l.log.Warn("applied: contact with the stream lost; cutting the watch to resync",
		"reason", protocol.ReasonContactLost.String(), "at", where,
		"contact", time.Unix(0, l.contact).UTC(), "allowed", time.Duration(l.exp.ttl))
	l.cut.trip()
}

// contactResynced sets the contact to at, the time read before the resync listed the bucket,
// and has the next store apply write it whatever was stored before.
func (l *loop[U]) contactResynced(at time.Time) {
	if !l.exp.guarded() {
		return
	}
	l.contact, l.storedContact = at.UnixNano(), 0
	l.contactTripped = false
}

// watchOnce runs one watch from from on ctx. When the watcher can prove it is caught up
// (kv.CaughtUpWatcher) and the loop has a use for it (a guarded bucket's contact, the start of
// reconciliation), the proofs reach the loop through contactCh, in order with the updates.
func (l *loop[U]) watchOnce(ctx context.Context, from kv.Cursor) error {
	cw, ok := l.cfg.Watcher.(kv.CaughtUpWatcher)
	if !ok || (!l.exp.guarded() && l.proved == nil) {
		return l.cfg.Watcher.Watch(ctx, l.cfg.Scope, from, l.rx)
	}
	return cw.WatchCaughtUp(ctx, l.cfg.Scope, from, l.rx, func(at time.Time) {
		select {
		case l.contactCh <- at:
		case <-ctx.Done():
		}
	})
}

// watchCut lets the loop end the running watch (not the watch goroutine) for a resync.
type watchCut struct {
	mu     sync.Mutex
	cancel context.CancelFunc
	cut    bool
}

// begin returns the context of the next watch; a cut before it is covered by the resync that
// precedes every new watch, so it is forgotten.
func (w *watchCut) begin(ctx context.Context) context.Context {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.cancel != nil {
		w.cancel()
	}
	var wctx context.Context
	wctx, w.cancel = context.WithCancel(ctx)
	w.cut = false
	return wctx
}

// trip ends the running watch and records why.
func (w *watchCut) trip() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.cut = true
	if w.cancel != nil {
		w.cancel()
	}
}

// take reports whether the last watch was cut, and forgets it.
func (w *watchCut) take() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	c := w.cut
	w.cut = false
	return c
}

// end releases the last watch's context.
func (w *watchCut) end() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.cancel != nil {
		w.cancel()
	}
}
