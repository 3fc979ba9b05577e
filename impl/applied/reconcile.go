package applied

import (
	"context"
	"errors"
	"fmt"
	"slices"

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

// repairs are one round's decisions: synthetic deletes and keys whose missed update is fetched.
type repairs struct {
	deletes, fetches []string
}

// onReconcile compares the fold with a listing of the bucket and folds the repairs, on the
// loop, so no delivery is folded between a decision and its repair. The pending batch is
// flushed first; if the store still holds a re-queued batch the round is skipped (the fold is
// then behind the cursor, and the comparison would mistake pending updates for missed ones).
//
// The decisions are protocol.ReconcileRepair per key, with the listing's position and the
// loop's applied cursor as the frontier: a record above the frontier is left to the watch, a
// fold entry newer than the listing is kept. A fetched entry is folded only when
// protocol.FetchedFoldable allows. Repairs never move the cursor.
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
	r, err := l.decide(req.listing, pos, frontier)
	if err != nil {
		return l.fatal(err)
	}
	fetched, err := l.fetch(ctx, r.fetches, frontier)
	if err != nil {
		l.log.Warn("applied: reconciliation fetch failed; the next period retries", "keys", len(r.fetches), "err", err)
		fetched = nil
	}
	for _, key := range r.deletes {
		l.noteRepair(kv.Update{Op: kv.OpDelete, Key: key})
	}
	for _, e := range fetched {
		l.noteRepair(kv.Update{Op: kv.OpPut, Key: e.Key, Value: e.Value, Version: e.Version})
	}
	if err := l.flush(); err != nil {
		return err
	}
	l.prog.reconciliations.Add(1)
	l.prog.reconcileDeletes.Add(uint64(len(r.deletes)))
	l.prog.reconcileFetches.Add(uint64(len(fetched)))
	if len(r.deletes) > 0 || len(fetched) > 0 {
		l.log.Warn("applied: reconciliation repaired a divergence from the bucket",
			"deleted", len(r.deletes), "fetched", len(fetched), "fetch_skipped", len(r.fetches)-len(fetched))
	}
	return nil
}

// decide streams the fold in scope against the listing and returns the repairs, sorted. The
// listing's map is consumed: what remains after the fold pass are keys the fold lacks.
func (l *loop[U]) decide(listing kv.Revisions, pos, frontier uint64) (repairs, error) {
	var r repairs
	records := listing.Records
	for _, p := range l.cfg.Scope.Prefixes() {
		for e, err := range l.cfg.Store.Range(p) {
			if err != nil {
				return repairs{}, fmt.Errorf("%w: reading the fold under %q (restart to retry): %w", ErrReconcileFailed, p, err)
			}
			rev, ok := e.Version.Uint64()
			if !ok {
				continue // a fold entry without a revision cannot be compared
			}
			rec, present := records[e.Key]
			delete(records, e.Key)
			listed, known := listedRecord(rec, present)
			if !known {
				continue
			}
			switch l.k.reconcile(protocol.FoldRecord{Live: true, Rev: rev}, listed, pos, frontier) {
			case protocol.RepairDelete:
				r.deletes = append(r.deletes, e.Key)
			case protocol.RepairFetch:
				r.fetches = append(r.fetches, e.Key)
			}
		}
	}
	for key, rec := range records {
		if !rec.Live {
			continue // a marker of a key the fold lacks: nothing to repair
		}
		listed, known := listedRecord(rec, true)
		if known && l.k.reconcile(protocol.FoldRecord{}, listed, pos, frontier) == protocol.RepairFetch {
			r.fetches = append(r.fetches, key)
		}
	}
	slices.Sort(r.deletes)
	r.deletes = slices.Compact(r.deletes) // overlapping scope prefixes
	slices.Sort(r.fetches)
	r.fetches = slices.Compact(r.fetches)
	return r, nil
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

// fetch reads the current entry of every key to repair and keeps those the watch has passed
// (protocol.FetchedFoldable); a key deleted since the listing is skipped (a later round sees
// it). It runs on the loop, so the fold cannot take a newer record of these keys meanwhile.
func (l *loop[U]) fetch(ctx context.Context, keys []string, frontier uint64) ([]kv.Entry, error) {
	var out []kv.Entry
	for _, key := range keys {
		e, ok, err := l.cfg.Reader.Entry(ctx, key)
		if err != nil {
			return nil, fmt.Errorf("fetching a key to repair: %w", err)
		}
		if !ok {
			continue
		}
		rev, known := e.Version.Uint64()
		if known && l.k.fetchedFoldable(rev, frontier) {
			out = append(out, e)
		}
	}
	return out, nil
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
