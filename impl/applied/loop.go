package applied

import (
	"log/slog"
	"time"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/snapshot"
)

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

	restartCh  chan restartRequest // nil unless Config.WatchRetry is positive
	chainStart kv.Version          // where the watches since the last resync started (unknown: state sync)
	forwarded  kv.Version          // the last positioned update taken off them (unknown: none)

	lister       kv.RevisionLister     // nil: reconciliation off
	every        time.Duration         // reconciliation period
	reconcileCh  chan reconcileRequest // nil when reconciliation is off
	caughtUp     chan struct{}         // closed once the loop first idles after a receive
	caughtUpSent bool
	proved       chan struct{} // closed on the first caught-up proof (kv.CaughtUpWatcher)
	provedSent   bool
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
	if cfg.WatchRetry > 0 {
		l.restartCh = make(chan restartRequest)
	}
	if lister, ok := cfg.Reader.(kv.RevisionLister); ok && cfg.Store != nil && cfg.reconcileEvery() > 0 {
		l.lister, l.every = lister, cfg.reconcileEvery()
		l.reconcileCh = make(chan reconcileRequest)
		l.caughtUp = make(chan struct{})
		l.proved = make(chan struct{})
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
