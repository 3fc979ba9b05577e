package applied

import (
	"context"
	"errors"
	"fmt"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/protocol"
)

// watch is the watch goroutine: the only sender on rx. It resumes after the resume cursor (or
// watches from scratch without one); when the cursor belongs to another stream incarnation,
// when the resume has expired, or when retention overruns a watch, it resyncs and then starts
// a state-sync watch; with Config.WatchRetry, a watch that failed for a transient reason is
// started again in place (restart.go). Its result is read by the loop once rx is closed.
func (l *loop[U]) watch(ctx context.Context) {
	defer func() {
		if r := recover(); r != nil {
			l.watchErr = fmt.Errorf("%w: the watch panicked: %v", kv.ErrWatch, r)
		}
		close(l.done)
		close(l.rx)
	}()
	l.watchErr = l.runWatch(ctx)
}

func (l *loop[U]) runWatch(ctx context.Context) error {
	defer l.cut.end()
	var err error
	reason := l.plan.reason
	overruns := newOverrunBackoff(l.cfg.OverrunBackoff)
	restarts := newRestartBackoff(l.cfg.WatchRetry)
	followed := l.plan.live // the incarnation the fold follows; only this goroutine moves it
	started := l.now()
	if l.plan.action != protocol.ActionResync {
		err = l.watchOnce(l.cut.begin(ctx), l.resume)
		reason = l.resyncReason(ctx, err, !l.resume.IsZero())
	}
	for {
		if reason == protocol.ReasonNone {
			if !l.restartable(ctx, err) {
				return err
			}
			d, n := restarts.next(l.now().Sub(started))
			l.log.Warn("applied: the watch failed; starting it again in place", "cause", err, "wait", d, "failures_in_a_row", n)
			if !l.sleep(ctx, d) {
				return nil
			}
			started = l.now()
			l.prog.watchRestarts.Add(1)
			var from kv.Cursor
			var done bool
			if from, reason, done, err = l.restartPlan(ctx, &followed); done {
				return nil
			}
			if err != nil || reason != protocol.ReasonNone {
				continue // a failed check is a failed restart; a resync reason resyncs
			}
			err = l.watchOnce(l.cut.begin(ctx), from)
			reason = l.resyncReason(ctx, err, !from.IsZero())
			continue
		}
		if l.resyncCh == nil {
			if reason == protocol.ReasonWatchOverrun {
				return err // nothing to resync with; the error says what happened
			}
			if err == nil {
				err = fmt.Errorf("%w: %s", kv.ErrCursorExpired, reason)
			}
			return fmt.Errorf("%w (%s)", err, resyncHint)
		}
		if reason == protocol.ReasonWatchOverrun {
			if d, n := overruns.next(l.now().Sub(started)); !l.waitOverrun(ctx, d, n) {
				return nil
			}
		}
		l.log.Warn("applied: resyncing", "reason", reason.String(), "cursor", l.resume.String(), "err", err)
		live := kv.Incarnation{}
		if reason == protocol.ReasonNewIncarnation {
			live = followed
		}
		if done, err := l.resync(ctx, reason, live); done || err != nil {
			return err
		}
		started = l.now()
		err = l.watchOnce(l.cut.begin(ctx), kv.Cursor{})
		reason = l.resyncReason(ctx, err, false)
	}
}

// resyncReason names the resync a watch's error calls for, or ReasonNone when the error (or
// its absence) is the loop's result: a watch the loop cut because its contact with the stream
// was lost, an expired cursor (only a resumed watch can have one) and retention overrunning the
// watch all resync, as a cursor of another incarnation does.
func (l *loop[U]) resyncReason(ctx context.Context, err error, resumed bool) protocol.ResumeReason {
	switch {
	case ctx.Err() != nil:
		return protocol.ReasonNone
	case l.cut.take():
		return protocol.ReasonContactLost
	case err == nil:
		return protocol.ReasonNone
	case resumed && errors.Is(err, kv.ErrCursorExpired):
		return protocol.ReasonCursorExpired
	case errors.Is(err, kv.ErrWatchOverrun):
		return protocol.ReasonWatchOverrun
	}
	return protocol.ReasonNone
}

// resync lists the bucket's live keys and hands them to the loop, which folds the deletes and
// acknowledges; done reports that ctx ended meanwhile. The ack barrier: the state-sync watch
// starts only once the loop has folded the deletes, so a key re-created after the listing is
// never erased by a late delete.
// live, when set, is the bucket's new incarnation (see resyncRequest).
func (l *loop[U]) resync(ctx context.Context, reason protocol.ResumeReason, live kv.Incarnation) (done bool, err error) {
	at := l.now() // before the listing: the contact time the resync establishes
	keys, err := l.listLive(ctx)
	if err != nil {
		return true, err
	}
	if ctx.Err() != nil {
		return true, nil
	}
	ack := make(chan struct{})
	select {
	case l.resyncCh <- resyncRequest{live: keys, ack: ack, reason: reason, at: at, incarnation: live}:
	case <-ctx.Done():
		return true, nil
	}
	select {
	case <-ack:
		return false, nil
	case <-ctx.Done():
		return true, nil
	}
}

// listLive lists the bucket's live keys under every scope prefix. A failure is fatal: the
// resync never degrades to a re-list that would keep keys deleted during the gap.
func (l *loop[U]) listLive(ctx context.Context) ([]string, error) {
	var live []string
	for _, p := range l.cfg.Scope.Prefixes() {
		keys, err := l.cfg.Reader.Keys(ctx, p)
		if err != nil {
			if ctx.Err() != nil {
				return nil, nil
			}
			return nil, fmt.Errorf("%w listing live keys under %q (failing rather than keeping stale keys; restart to retry): %w",
				ErrResyncFailed, p, err)
		}
		live = append(live, keys...)
	}
	return live, nil
}
