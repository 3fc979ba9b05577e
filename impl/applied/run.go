package applied

import (
	"context"
	"time"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/protocol"
)

// Run folds the bucket's updates until ctx ends or the watch stops, and returns the final
// applied cursor (the in-memory one: see Config.Resume).
//
// When ctx ends, Run flushes the pending batch, stops the watch, and returns the cursor with a
// nil error (updates still queued are abandoned; a resume delivers them again). When the watch
// ends on its own, Run flushes and returns the watch's error (nil if it returned nil). A fatal
// error (ErrApplyFailed, ErrStoreFailed, ErrResyncFailed, ErrExportFailed) stops the watch and
// is returned with the cursor reached so far. An expired resume cursor without both a Reader
// and a Store is returned as an error matching kv.ErrCursorExpired, with a hint: Run refuses to
// continue with a fold that may keep keys deleted during the gap. The same holds for a store
// whose cursor belongs to another incarnation of the bucket (checked before the first watch
// when the Watcher implements kv.IncarnationReporter): with a Reader it resyncs, without one it
// returns kv.ErrCursorExpired. With Config.WatchRetry, a watch that fails for a transient reason
// (kv.ErrWatch, kv.ErrNotConnected, kv.ErrTimeout) is started again in place and does not end
// Run. A watch that retention overran (kv.ErrWatchOverrun) is resynced
// in place and does not end Run; overruns in a row wait Config.OverrunBackoff, doubling, before
// their resyncs. A bucket that removes keys by age without delete markers is
// refused before anything is watched, with kv.ErrExpiryInvisible (see
// Config.AcceptExpiryDivergence); on one with markers, a fold out of contact with the stream
// for the markers' lifetime resyncs (see the package doc).
//
// While Run goes it is the only writer of the Store (other goroutines may read it); it does
// not close it. ctx may carry a deadline: its end is a shutdown, and the watch itself runs on
// a context without one.
//
// With a store, a nil error does not mean the store caught up: when the last flush's store
// apply failed, the batch stays re-queued in memory and is lost with the loop; the store still
// holds everything up to its own cursor, and the next Run resumes from there.
//
// With ReconcileEvery (on by default when the Store is given and the Reader implements
// kv.RevisionLister), the loop also reconciles the store with the bucket, repairing
// divergences the watch cannot see (see Config.ReconcileEvery and Progress).
//
// The priority between events, highest first: ctx ending, the batch window, a resync's
// deletes, a reconciliation's listing, an export request, a received update. Exports and
// resyncs are never starved by a busy watch.
func Run[U any](ctx context.Context, cfg Config[U]) (kv.Cursor, error) {
	if err := cfg.validate(); err != nil {
		return cfg.Resume, err
	}
	resume, err := cfg.resumeFrom()
	if err != nil {
		return cfg.Resume, err
	}
	cfg.kernels = cfg.kernels.withDefaults()
	exp, err := cfg.admitExpiry(ctx, cfg.kernels)
	if err != nil {
		return resume, err
	}
	plan, err := cfg.planStart(ctx, resume, cfg.kernels)
	if err != nil {
		return resume, err
	}
	l := newLoop(&cfg, resume)
	l.plan, l.exp = plan, exp
	l.startContact(l.now())
	if l.plan.action != protocol.ActionResync {
		l.stamp = plan.stampFor() // the resume's cursor belongs to the live stream (or is unverified)
		l.restartChain(resume)
	}
	return l.run(ctx)
}

// run starts the watch and drives the loop until it ends.
func (l *loop[U]) run(ctx context.Context) (kv.Cursor, error) {
	wctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	l.stop = cancel
	l.log.Info("applied: loop starting", "scope", l.cfg.Scope.String(), "resume", l.resume.String(),
		"store", l.cfg.Store != nil, "resync", l.resyncCh != nil, "reconcile_every", l.every,
		"stream", l.plan.live.String())
	l.logStart(l.plan)
	go l.watch(wctx)
	if l.lister != nil {
		go l.reconciler(wctx)
	}
	defer l.stopReconciler()
	defer func() {
		if r := recover(); r != nil { // a panicking callback: stop the watch, then propagate
			l.abort()
			panic(r)
		}
	}()
	for {
		done, err := l.step(ctx)
		if done || err != nil {
			if err != nil {
				l.log.Warn("applied: loop stopped", "applied", l.applied.String(), "err", err)
			} else {
				l.log.Info("applied: loop stopped", "applied", l.applied.String())
			}
			return l.applied, err
		}
	}
}

// step handles the highest-priority ready event (emulating a biased select with a
// non-blocking cascade, then a blocking select on all arms). done reports that Run ends.
func (l *loop[U]) step(ctx context.Context) (done bool, err error) {
	select {
	case <-ctx.Done():
		return true, l.shutdown()
	default:
	}
	if l.armed {
		select {
		case <-l.timer.C:
			return false, l.timerFired()
		default:
		}
	}
	select {
	case req := <-l.resyncCh:
		return false, l.onResync(req)
	case req := <-l.restartCh:
		return false, l.onRestart(req)
	default:
	}
	select {
	case req := <-l.reconcileCh:
		return false, l.onReconcile(ctx, req)
	default:
	}
	select {
	case req, ok := <-l.exports:
		return false, l.onExport(req, ok)
	default:
	}
	var timerC <-chan time.Time
	if l.armed {
		timerC = l.timer.C
	}
	l.noteIdle()
	select {
	case <-ctx.Done():
		return true, l.shutdown()
	case <-timerC:
		return false, l.timerFired()
	case req := <-l.resyncCh:
		return false, l.onResync(req)
	case req := <-l.restartCh:
		return false, l.onRestart(req)
	case req := <-l.reconcileCh:
		return false, l.onReconcile(ctx, req)
	case req, ok := <-l.exports:
		return false, l.onExport(req, ok)
	case at := <-l.contactCh:
		return false, l.onCaughtUp(at)
	case u, ok := <-l.rx:
		if !ok {
			return true, l.watchEnded()
		}
		if err := l.receive(u); err != nil {
			return false, err
		}
		return l.drain()
	}
}

// drainMax bounds how many queued updates the loop takes in a row before it looks at the
// higher-priority arms again.
const drainMax = 64

// drain receives the updates already queued, up to drainMax, without blocking: under a busy
// watch this skips the full cascade per update, and the bound keeps shutdown, the window,
// resyncs and exports prompt.
func (l *loop[U]) drain() (done bool, err error) {
	for range drainMax {
		select {
		case u, ok := <-l.rx:
			if !ok {
				return true, l.watchEnded()
			}
			if err := l.receive(u); err != nil {
				return false, err
			}
		default:
			return false, nil
		}
	}
	return false, nil
}

func (l *loop[U]) timerFired() error {
	l.armed = false
	return l.flush()
}

// shutdown flushes what is pending, stops the watch and waits for it. The watch's own result
// is not reported: the caller asked to stop.
func (l *loop[U]) shutdown() error {
	err := l.flush()
	l.abort()
	return err
}

// watchEnded flushes the remainder and returns the watch's result.
func (l *loop[U]) watchEnded() error {
	<-l.done
	if err := l.flush(); err != nil {
		return err
	}
	return l.watchErr
}

// fatal stops the watch and returns err (every fatal return goes through it).
func (l *loop[U]) fatal(err error) error {
	l.abort()
	return err
}

// abort cancels the watch and waits for its goroutine, discarding queued updates.
func (l *loop[U]) abort() {
	l.stop()
	for {
		select {
		case <-l.done:
			return
		case <-l.rx:
		}
	}
}

// crash reports whether a test hook simulates a crash at p.
func (l *loop[U]) crash(p point) bool { return l.cfg.hook != nil && l.cfg.hook(p) }
