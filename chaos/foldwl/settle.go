package foldwl

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/slipstream-go/slipstream/impl/snapshot/artifact"
)

// ReportFile holds, in the run's report directory, every open from disk, every pointer
// observation and the first error of each kind the workload met (one JSON object).
const ReportFile = "folds.json"

// settled is the workload's state after the heal, computed once for every check.
type settled struct {
	hist          History // the writer's bucket, read back, and the operator's removals
	finals        []Recovered
	importFinals  []Recovered
	opened        []Recovered
	failedImports []string
	pointers      []PointerHistory
	err           error // the bucket could not be read back
	ptrErr        error // the pointer bucket could not be read back
}

// settle waits for every fold to reach the bucket's last revision (bounded by CatchUp), and,
// when an operator acted, for two more reconciliation rounds of each (the second lists the
// bucket after the last action; bounded by CatchUp again), stops every consumer, reopens each from disk once more (How "final"), reads the writer's bucket
// and the pointer bucket back from sequence 1, and writes ReportFile.
func (w *Folds) settle(ctx context.Context) settled {
	w.settleOnce.Do(func() {
		v := &w.view
		defer w.ctl.Close()
		recs, err := readStream(ctx, w.ctl, w.opts.Bucket)
		v.err = err
		last := head(recs)
		w.mu.Lock()
		all := append(slices.Clone(w.primary), w.imported...)
		v.hist = NewHistory(recs, w.removals)
		w.mu.Unlock()
		t0 := time.Now()
		wctx, cancel := context.WithTimeout(ctx, w.opts.CatchUp)
		for _, c := range all {
			for wctx.Err() == nil {
				if rev, gone := c.cursor(); rev >= last || gone {
					break
				}
				select {
				case <-wctx.Done():
				case <-time.After(50 * time.Millisecond):
				}
			}
		}
		cancel()
		w.count("settle catch-up ms", int(time.Since(t0).Milliseconds()))
		unreconciled := w.awaitReconciliation(ctx, all)
		t1 := time.Now()
		var wg sync.WaitGroup
		for _, c := range all {
			wg.Go(func() {
				reply := make(chan struct{})
				c.finish <- reply
				<-reply
			})
		}
		wg.Wait()
		w.count("settle reopen ms", int(time.Since(t1).Milliseconds()))
		w.mu.Lock()
		v.opened = slices.Clone(w.opened)
		v.failedImports = slices.Clone(w.failedImp)
		obs := slices.Clone(w.obs)
		w.mu.Unlock()
		imported := map[string]bool{}
		for _, c := range all[len(w.primary):] {
			imported[c.name] = true
		}
		for _, o := range v.opened {
			if o.How != "final" {
				continue
			}
			o.Unreconciled = unreconciled[o.Fold]
			if imported[o.Fold] {
				v.importFinals = append(v.importFinals, o)
			} else {
				v.finals = append(v.finals, o)
			}
		}
		if w.opts.Exports {
			v.pointers, v.ptrErr = w.pointerHistories(ctx, obs)
		}
		w.writeReport(obs)
	})
	return w.view
}

// awaitReconciliation waits, when the operator acted, until every fold still running has
// completed two reconciliation rounds more than when it was called (rounds run one after the
// other, so the second listed the bucket after the last action), bounded by CatchUp; it
// returns the folds that did not. It also adds the folds' repairs to the stats.
func (w *Folds) awaitReconciliation(ctx context.Context, all []*consumer) map[string]bool {
	out := map[string]bool{}
	defer func() {
		for _, c := range all {
			s := c.repairs()
			w.count("reconciliations", int(s.Reconciliations))
			w.count("reconcile deletes", int(s.ReconcileDeletes))
			w.count("reconcile fetches", int(s.ReconcileFetches))
			w.count("reconcile rollbacks", int(s.ReconcileRollbacks))
			w.count("reconcile deferred", int(s.ReconcileDeferred))
			w.count("reconcile failures", int(s.ReconcileFailures))
			w.count("resyncs", int(s.Resyncs))
			w.count("watch restarts", int(s.WatchRestarts))
		}
	}()
	if len(w.opts.Operator) == 0 || w.opts.ReconcileEvery < 0 {
		return out
	}
	t0 := time.Now()
	defer func() { w.count("settle reconcile ms", int(time.Since(t0).Milliseconds())) }()
	base := make([]uint64, len(all))
	for i, c := range all {
		base[i] = c.repairs().Reconciliations
	}
	wctx, cancel := context.WithTimeout(ctx, w.opts.CatchUp)
	defer cancel()
	for i, c := range all {
		for {
			if _, gone := c.cursor(); gone || c.repairs().Reconciliations >= base[i]+2 {
				break
			}
			if wctx.Err() != nil {
				out[c.name] = true
				break
			}
			select {
			case <-wctx.Done():
			case <-time.After(50 * time.Millisecond):
			}
		}
	}
	return out
}

// pointerHistories reads the pointer bucket back and pairs each key's committed values with
// its observations.
func (w *Folds) pointerHistories(ctx context.Context, obs []PointerObs) ([]PointerHistory, error) {
	recs, err := readStream(ctx, w.ctl, pointerBucket)
	if err != nil {
		return nil, err
	}
	var out []PointerHistory
	for _, key := range w.pointerKeys() {
		h := PointerHistory{Key: key}
		for _, r := range recs {
			if r.Key != key || r.Delete {
				continue
			}
			m, err := artifact.Parse([]byte(r.Value))
			if err != nil {
				return nil, fmt.Errorf("pointer %s at revision %d is not a manifest: %w", key, r.Seq, err)
			}
			rank, _ := m.Cursor.Uint64()
			h.Committed = append(h.Committed, rank)
		}
		for _, o := range obs {
			if o.Key == key {
				h.Observed = append(h.Observed, o)
			}
		}
		out = append(out, h)
	}
	return out, nil
}

// writeReport writes ReportFile; a failure to write it only loses the evidence.
func (w *Folds) writeReport(obs []PointerObs) {
	w.mu.Lock()
	defer w.mu.Unlock()
	raw, err := json.MarshalIndent(struct {
		Opened   []Recovered       `json:"opened"`
		Removals []Removal         `json:"operator_removals"`
		Pointers []PointerObs      `json:"pointer_observations"`
		Rounds   []round           `json:"export_rounds"`
		Failed   []string          `json:"failed_imports"`
		Errors   map[string]string `json:"first_errors"`
		Stats    map[string]int    `json:"stats"`
	}{w.opened, w.removals, obs, w.rounds, w.failedImp, w.errs, w.stats}, "", "  ")
	if err == nil {
		_ = os.WriteFile(filepath.Join(w.env.Dir, ReportFile), raw, 0o644)
	}
}
