package applied

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/protocol"
)

// ErrReconcileFailed: a reconciliation could not read the store's entries. The loop stops (the
// store may be failing): fix the cause and restart. A failed listing of the bucket is not
// fatal; it is counted in Stats.ReconcileFailures and retried the next period.
var ErrReconcileFailed = errors.New("applied: reconciliation failed reading the store")

// reconcileRequest carries one listing of the bucket from the reconciler goroutine to the loop;
// the loop closes done once the repairs are folded (or the round was skipped).
type reconcileRequest struct {
	listing kv.Revisions
	done    chan struct{}
}

// candidate is a key the listing filter flagged, with its fold record at the time.
type candidate struct {
	key  string
	fold protocol.FoldRecord
}

// onReconcile compares the fold with a listing of the bucket and folds the repairs, on the
// loop, so no delivery is folded between a decision and its repair. The pending batch is
// flushed first; if the store still holds a re-queued batch the round is skipped (the fold is
// then behind the cursor, and the comparison would mistake pending updates for missed ones).
//
// Two kernels decide, with the loop's applied cursor as the frontier. The listing filter,
// protocol.ReconcileRepair, picks candidates: it leaves a record above the frontier to the
// watch and keeps a fold entry newer than the listing. Each candidate's current record is then
// read (kv.RevisionLister.Latest, through the stream leader) and protocol.ConfirmRepair
// decides: the listing is not one point in time, and a listed record the watch seems to have
// passed may since have been superseded by one it has not delivered yet. A current record
// older than the fold's is folded as a rollback (the fold's record was deleted from the
// stream); a read that was not linearizable repairs nothing and is counted as deferred.
// Repairs never move the cursor.
func (l *loop[U]) onReconcile(ctx context.Context, req reconcileRequest) error {
	defer close(req.done)
	if err := l.flush(); err != nil {
		return err
	}
	if len(l.raw) > 0 {
		l.log.Warn("applied: reconciliation skipped while a failed store batch is re-queued; the next period retries")
		return nil
	}
	frontier, ok := l.applied.Uint64()
	if !ok && !l.applied.IsZero() {
		l.log.Warn("applied: reconciliation skipped: the cursor is not a revision", "cursor", l.applied.String())
		return nil
	}
	pos, ok := req.listing.Position.Uint64()
	if !ok {
		l.log.Warn("applied: reconciliation skipped: the listing has no position")
		return nil
	}
	cands, err := l.candidates(req.listing, pos, frontier)
	if err != nil {
		return l.fatal(err)
	}
	current, err := l.readCurrent(ctx, cands)
	if err != nil {
		l.log.Warn("applied: reconciliation could not read a key to confirm its repair; the next period retries",
			"candidates", len(cands), "err", err)
		cands, current = nil, nil
	}
	var n repairCounts
	for i, c := range cands {
		cur := current[i]
		rev, known := cur.Version.Uint64()
		if cur.Present && !known {
			continue // a record without a revision cannot be compared
		}
		rec := protocol.ListedRecord{Present: cur.Present, Live: cur.Live, Rev: rev}
		switch d := l.k.confirm(c.fold, rec, frontier, cur.Linearizable); d {
		case protocol.RepairDelete:
			l.noteRepair(kv.Update{Op: kv.OpDelete, Key: c.key})
			n.deleted++
		case protocol.RepairFetch, protocol.RepairRollback:
			// The store folds by position, never comparing versions, so an older entry
			// replaces the fold's as a rollback must.
			l.noteRepair(kv.Update{Op: kv.OpPut, Key: c.key, Value: cur.Value, Version: cur.Version})
			if d == protocol.RepairRollback {
				n.rolledBack++
				l.log.Warn("applied: reconciliation rolled a key back to its current, older record (the newer one was deleted from the stream)",
					"key", c.key, "from", c.fold.Rev, "to", rev)
			} else {
				n.fetched++
			}
		case protocol.RepairDeferred:
			n.deferred++
		}
	}
	if err := l.flush(); err != nil {
		return err
	}
	l.countRepairs(n, len(cands))
	return nil
}

// repairCounts are one round's repairs by kind.
type repairCounts struct{ deleted, fetched, rolledBack, deferred int }

// countRepairs adds a completed round and its repairs to the progress and logs them.
func (l *loop[U]) countRepairs(n repairCounts, candidates int) {
	l.prog.reconciliations.Add(1)
	l.prog.reconcileDeletes.Add(uint64(n.deleted))
	l.prog.reconcileFetches.Add(uint64(n.fetched))
	l.prog.reconcileRollbacks.Add(uint64(n.rolledBack))
	l.prog.reconcileDeferred.Add(uint64(n.deferred))
	if n.deleted > 0 || n.fetched > 0 || n.rolledBack > 0 {
		l.log.Warn("applied: reconciliation repaired a divergence from the bucket",
			"deleted", n.deleted, "fetched", n.fetched, "rolled_back", n.rolledBack, "candidates", candidates)
	}
	if n.deferred > 0 {
		l.log.Warn("applied: reconciliation left keys alone: their confirming read was not linearizable (the next round reads them again)",
			"deferred", n.deferred, "candidates", candidates)
	}
}

// candidates streams the fold in scope against the listing and returns the keys the filter
// flags, sorted. The listing's map is consumed: what remains after the fold pass are keys the
// fold lacks.
func (l *loop[U]) candidates(listing kv.Revisions, pos, frontier uint64) ([]candidate, error) {
	var out []candidate
	records := listing.Records
	for _, p := range l.cfg.Scope.Prefixes() {
		for e, err := range l.cfg.Store.Range(p) {
			if err != nil {
				return nil, fmt.Errorf("%w: reading the fold under %q (restart to retry): %w", ErrReconcileFailed, p, err)
			}
			rev, ok := e.Version.Uint64()
			if !ok {
				continue // a fold entry without a revision cannot be compared
			}
			rec, present := records[e.Key]
			delete(records, e.Key)
			listed, known := listedRecord(rec, present)
			fold := protocol.FoldRecord{Live: true, Rev: rev}
			if known && l.k.reconcile(fold, listed, pos, frontier) != protocol.RepairNone {
				out = append(out, candidate{key: e.Key, fold: fold})
			}
		}
	}
	for key, rec := range records {
		if !rec.Live {
			continue // a marker of a key the fold lacks: nothing to repair
		}
		listed, known := listedRecord(rec, true)
		if known && l.k.reconcile(protocol.FoldRecord{}, listed, pos, frontier) != protocol.RepairNone {
			out = append(out, candidate{key: key})
		}
	}
	slices.SortFunc(out, func(a, b candidate) int { return strings.Compare(a.key, b.key) })
	return slices.CompactFunc(out, func(a, b candidate) bool { return a.key == b.key }), nil // overlapping prefixes
}

// confirmReaders bounds the confirming reads in flight at once.
const confirmReaders = 16

// readCurrent reads every candidate's current record, up to confirmReaders at a time, and
// returns them aligned with cands. The loop waits for all of them, so no delivery is folded
// while they are read; the first error wins.
func (l *loop[U]) readCurrent(ctx context.Context, cands []candidate) ([]kv.Record, error) {
	out := make([]kv.Record, len(cands))
	errs := make([]error, len(cands))
	sem := make(chan struct{}, confirmReaders)
	var wg sync.WaitGroup
	for i, c := range cands {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			out[i], errs[i] = l.lister.Latest(ctx, c.key)
		})
	}
	wg.Wait()
	return out, errors.Join(errs...)
}

// listedRecord converts a listing record for the kernel; known is false for a record whose
// version is not a revision (it cannot be compared, so the key is left alone).
func listedRecord(rec kv.Listed, present bool) (protocol.ListedRecord, bool) {
	if !present {
		return protocol.ListedRecord{}, true
	}
	rev, ok := rec.Version.Uint64()
	if !ok {
		return protocol.ListedRecord{}, false
	}
	return protocol.ListedRecord{Present: true, Live: rec.Live, Rev: rev}, true
}

// noteRepair adds a repair to the pending batch like note, but never touches the high-water
// mark: a repair is not a position in the stream, so it must not move the cursor.
func (l *loop[U]) noteRepair(u kv.Update) {
	l.raw = append(l.raw, u)
	if l.cfg.Parse != nil {
		if v, ok := l.cfg.Parse(u); ok {
			l.parsed = append(l.parsed, v)
		}
	}
}
