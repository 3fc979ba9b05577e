package applied

import (
	"sync/atomic"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/protocol"
)

// Progress counts what a running loop has done. Pass a *Progress in Config and read it with
// Stats from any goroutine, while Run goes (to watch a long hydration) or after it returned.
// The zero value is ready; give each Run its own.
type Progress struct {
	received, folded, batches atomic.Uint64
	resyncs, storeFailures    atomic.Uint64
	incarnationResyncs        atomic.Uint64
	overrunResyncs            atomic.Uint64
	contactResyncs            atomic.Uint64
	watchRestarts             atomic.Uint64
	expiries                  atomic.Uint64
	syntheticDeletes          atomic.Uint64
	reconciliations           atomic.Uint64
	reconcileDeletes          atomic.Uint64
	reconcileFetches          atomic.Uint64
	reconcileRollbacks        atomic.Uint64
	reconcileDeferred         atomic.Uint64
	reconcileFailures         atomic.Uint64
	applied, stored           atomic.Pointer[kv.Cursor]
}

// Stats is a snapshot of a Progress.
type Stats struct {
	// Received counts the updates taken off the watch.
	Received uint64
	// Folded counts the received updates whose batch has been applied (the caller's Apply
	// returned and the cursor moved over them).
	Folded uint64
	// Batches counts completed flushes.
	Batches uint64
	// Applied is the in-memory applied cursor (what OnApplied last reported, or the resume).
	Applied kv.Cursor
	// Stored is the cursor of the last successful store apply (the resume cursor at start);
	// zero without a store.
	Stored kv.Cursor
	// Resyncs counts every resync (an expired cursor, a cursor of another stream incarnation,
	// retention overrunning a watch); SyntheticDeletes the deletes they folded.
	Resyncs, SyntheticDeletes uint64
	// IncarnationResyncs counts the resyncs taken because the fold's cursor belonged to another
	// incarnation of the bucket (deleted and re-created); OverrunResyncs those taken because
	// retention overran a running watch. Both are included in Resyncs.
	IncarnationResyncs, OverrunResyncs uint64
	// ContactResyncs counts the resyncs taken because the fold was out of contact with a bucket
	// that ages keys out for the delete markers' lifetime (down, or lagging, that long), so it
	// may have missed a marker; included in Resyncs.
	ContactResyncs uint64
	// WatchRestarts counts the watches started again in place after a transient failure
	// (Config.WatchRetry), the failed attempts included.
	WatchRestarts uint64
	// Expiries counts the folded updates that were the markers of keys removed by age
	// (kv.Update.Expired; folded as deletes).
	Expiries uint64
	// StoreFailures counts failed store applies (each re-queued, or the fatal one).
	StoreFailures uint64
	// Reconciliations counts completed reconciliation rounds. ReconcileDeletes counts the
	// divergences they repaired with a synthetic delete (a key the store held that the bucket
	// no longer has: a purged marker, a purged subject), ReconcileFetches those repaired by
	// fetching a missed update. ReconcileFailures counts rounds whose listing failed.
	Reconciliations, ReconcileDeletes, ReconcileFetches, ReconcileFailures uint64
	// ReconcileRollbacks counts the divergences repaired by folding a key's current record
	// although it is older than the store's (the store's record was removed from the stream by
	// a message delete, and the previous one is current again). ReconcileDeferred counts the
	// candidate keys left alone because their confirming read was not linearizable; a later
	// round reads them again.
	ReconcileRollbacks, ReconcileDeferred uint64
}

// Stats returns the current counters. Each field is read atomically; the fields are not read
// together as one unit.
func (p *Progress) Stats() Stats {
	s := Stats{
		Received:           p.received.Load(),
		Folded:             p.folded.Load(),
		Batches:            p.batches.Load(),
		Resyncs:            p.resyncs.Load(),
		SyntheticDeletes:   p.syntheticDeletes.Load(),
		IncarnationResyncs: p.incarnationResyncs.Load(),
		OverrunResyncs:     p.overrunResyncs.Load(),
		ContactResyncs:     p.contactResyncs.Load(),
		WatchRestarts:      p.watchRestarts.Load(),
		Expiries:           p.expiries.Load(),
		StoreFailures:      p.storeFailures.Load(),
		Reconciliations:    p.reconciliations.Load(),
		ReconcileDeletes:   p.reconcileDeletes.Load(),
		ReconcileFetches:   p.reconcileFetches.Load(),
		ReconcileFailures:  p.reconcileFailures.Load(),
		ReconcileRollbacks: p.reconcileRollbacks.Load(),
		ReconcileDeferred:  p.reconcileDeferred.Load(),
	}
	if c := p.applied.Load(); c != nil {
		s.Applied = *c
	}
	if c := p.stored.Load(); c != nil {
		s.Stored = *c
	}
	return s
}

// countResync counts one resync under its reason.
func (p *Progress) countResync(r protocol.ResumeReason) {
	p.resyncs.Add(1)
	switch r {
	case protocol.ReasonNewIncarnation:
		p.incarnationResyncs.Add(1)
	case protocol.ReasonWatchOverrun:
		p.overrunResyncs.Add(1)
	case protocol.ReasonContactLost:
		p.contactResyncs.Add(1)
	}
}

func (p *Progress) setApplied(c kv.Cursor) { p.applied.Store(&c) }
func (p *Progress) setStored(c kv.Cursor)  { p.stored.Store(&c) }
