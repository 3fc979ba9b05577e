package applied

import (
	"context"
	"log/slog"
	"time"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/snapshot"
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
// returns kv.ErrCursorExpired. A watch that retention overran (kv.ErrWatchOverrun) is resynced
// in place and does not end Run. A bucket that removes keys by age without delete markers is
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
// deletes, a reconciliation's listing, an export request, a received update. Exports and resyncs are never starved by a
// busy watch.
func Run[U any](ctx context.Context, cfg Config[U]) (kv.Cursor, error) {
	if err := cfg.validate(); err != nil {
		return cfg.Resume, err
	}
	resume, err := cfg.resumeFrom()
	if err != nil {
		return cfg.Resume, err
	}
	exp, err := cfg.admitExpiry(ctx, cfg.kernels.withDefaults())
	if err != nil {
		return resume, err
	}
	plan, err := cfg.planStart(ctx, resume, cfg.kernels.withDefaults())
	if err != nil {
		return resume, err
	}
	l := newLoop(&cfg, resume)
	l.plan, l.exp = plan, exp
	l.startContact(l.now())
	if l.plan.action != protocol.ActionResync {
		l.stamp = plan.stampFor() // the resume's cursor belongs to the live stream (or is unverified)
	}
	return l.run(ctx)
}

// loop is the state of one Run.
type loop[U any] struct {
	cfg   *Config[U]
	k     kernels
	batch BatchConfig
	log   *slog.Logger
	prog  *Progress

	resume  kv.Cursor // where the watch starts
	applied kv.Cursor // the last cursor a flush claimed
	plan    startPlan // how the first watch starts (planStart)
	// stamp is what flushes store with the cursor: set once the updates folded come from the
	// live stream incarnation; nil leaves the stored stamp as it is.
	stamp *snapshot.Stamp

	exp             expiryGuard    // what the loop does about keys removed by age
	contact         int64          // contact time with the stream, Unix ns (guarded only; 0: unknown)
	storedContact   int64          // the contact last stored
	contactTripped  bool           // the contact was found lost; the resync resets it
	contactCh       chan time.Time // caught-up proofs from the watch (kv.CaughtUpWatcher)
	cut             watchCut       // lets the loop end the running watch for a resync
	pendingExpiries uint64         // expiry markers received since the last flush

	parsed   []U         // the parsed batch
	raw      []kv.Update // the raw batch (only with a store)
	high     []byte      // batch high-water mark (version bytes); empty: none
	highBuf  [kv.MaxVersionLen]byte
	verBuf   [kv.MaxVersionLen]byte
	pending  uint64 // updates received since the last flush
	streak   uint   // consecutive failed store applies
	timer    *time.Timer
	armed    bool
	rx       chan kv.Update
	resyncCh chan resyncRequest // nil unless both a Reader and a Store are given

	lister       kv.RevisionLister     // nil: reconciliation off
	every        time.Duration         // reconciliation period
	reconcileCh  chan reconcileRequest // nil when reconciliation is off
	caughtUp     chan struct{}         // closed once the loop first idles after a receive
	caughtUpSent bool
	recDone      chan struct{} // closed when the reconciler goroutine has returned
	exports      <-chan ExportRequest
	watchErr     error         // the watch goroutine's result, readable once rx is closed
	stop         func()        // cancels the watch
	done         chan struct{} // closed when the watch goroutine has returned
}

func newLoop[U any](cfg *Config[U], resume kv.Cursor) *loop[U] {
	l := &loop[U]{
		cfg:       cfg,
		k:         cfg.kernels.withDefaults(),
		batch:     cfg.Batch.withDefaults(),
		log:       cfg.Logger,
		prog:      cfg.Progress,
		resume:    resume,
		applied:   resume,
		exports:   cfg.Exports,
		done:      make(chan struct{}),
		contactCh: make(chan time.Time),
	}
	if l.log == nil {
		l.log = slog.New(slog.DiscardHandler)
	}
	if l.prog == nil {
		l.prog = new(Progress)
	}
	l.rx = make(chan kv.Update, l.batch.ChannelCapacity)
	if cfg.Reader != nil && cfg.Store != nil {
		l.resyncCh = make(chan resyncRequest, 1)
	}
	if lister, ok := cfg.Reader.(kv.RevisionLister); ok && cfg.Store != nil && cfg.reconcileEvery() > 0 {
		l.lister, l.every = lister, cfg.reconcileEvery()
		l.reconcileCh = make(chan reconcileRequest)
		l.caughtUp = make(chan struct{})
		l.recDone = make(chan struct{})
	}
	l.timer = time.NewTimer(time.Hour)
	l.timer.Stop()
	l.prog.setApplied(resume)
	if cfg.Store != nil {
		l.prog.setStored(cfg.Store.Cursor())
	}
	return l
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
