package applied

import (
	"fmt"
	"slices"
	"time"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/protocol"
)

// takeQueued receives every update the watch queued before it asked for the resync (a watch
// that retention overran may have forwarded some before it failed; the loop serves the resync
// request first). They are older than the listing, so they are folded before the deletes the
// listing decides: taken after them, a queued put of a key deleted in the gap would bring the
// key back for good. The watch goroutine sends nothing while it waits for the ack, so the
// queue is complete.
func (l *loop[U]) takeQueued() error {
	for {
		select {
		case u, ok := <-l.rx:
			if !ok {
				return nil
			}
			if err := l.receive(u); err != nil {
				return err
			}
		default:
			return nil
		}
	}
}

// resyncRequest carries the bucket's live keys from the watch goroutine to the loop; the loop
// closes ack once the synthetic deletes are folded.
type resyncRequest struct {
	live   []string
	ack    chan struct{}
	reason protocol.ResumeReason
	at     time.Time // read before the listing
	// incarnation, when set, is the bucket's new stream incarnation, found by an in-place
	// watch restart; the state-sync watch after the resync folds it.
	incarnation kv.Incarnation
}

// onResync folds a delete (with the unknown version, so the cursor stays) for every key the
// store holds in scope that the bucket no longer has, then acknowledges. It counts the resync
// under its reason. The pending batch is
// flushed first; the store's keys are streamed, never loaded whole.
func (l *loop[U]) onResync(req resyncRequest) error {
	if err := l.takeQueued(); err != nil {
		return err
	}
	if err := l.flush(); err != nil {
		return err
	}
	live := make(map[string]struct{}, len(req.live))
	for _, k := range req.live {
		live[k] = struct{}{}
	}
	var stale []string
	for _, p := range l.cfg.Scope.Prefixes() {
		for key, err := range l.cfg.Store.Keys(p) {
			if err != nil {
				return l.fatal(fmt.Errorf("%w listing the fold's keys under %q (restart to retry): %w", ErrResyncFailed, p, err))
			}
			if _, ok := live[key]; !ok {
				stale = append(stale, key)
			}
		}
	}
	slices.Sort(stale)
	stale = slices.Compact(stale)
	l.prog.countResync(req.reason)
	l.contactResynced(req.at) // stored with the deletes: every marker before the listing is covered
	if len(stale) > 0 {
		l.log.Warn("applied: resync deletes keys the bucket no longer holds", "keys", len(stale), "reason", req.reason.String())
	}
	for _, key := range stale {
		l.note(kv.Update{Op: kv.OpDelete, Key: key})
	}
	l.prog.syntheticDeletes.Add(uint64(len(stale)))
	if err := l.flush(); err != nil {
		return err
	}
	// Everything folded from here comes from the state-sync watch of the live stream, so the
	// flushes from here store its incarnation with their cursors. Not before: the deletes
	// above were stored with the old cursor, which must keep the old incarnation, or a crash
	// here would resume that cursor on the new stream.
	if !req.incarnation.IsZero() {
		l.plan.live = req.incarnation
	}
	if s := l.plan.stampFor(); s != nil {
		l.stamp = s
	}
	if req.reason == protocol.ReasonNewIncarnation {
		// The old cursor is no position in the new stream: the in-memory frontier restarts at
		// zero (the store keeps the old cursor with the old incarnation until a flush of the
		// new stream replaces both, so a restart before that resyncs again).
		l.applied = kv.Cursor{}
		l.prog.setApplied(l.applied)
	}
	l.restartChain(kv.Cursor{}) // the state-sync watch that follows starts a new chain
	close(req.ack)
	return nil
}
