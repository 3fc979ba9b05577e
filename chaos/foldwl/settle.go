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
	recs          []Record // the writer's bucket, read back
	finals        []Recovered
	importFinals  []Recovered
	opened        []Recovered
	failedImports []string
	pointers      []PointerHistory
	err           error // the bucket could not be read back
	ptrErr        error // the pointer bucket could not be read back
}

// settle waits for every fold to reach the bucket's last revision (bounded by CatchUp), stops
// every consumer, reopens each from disk once more (How "final"), reads the writer's bucket
// and the pointer bucket back from sequence 1, and writes ReportFile.
func (w *Folds) settle(ctx context.Context) settled {
	w.settleOnce.Do(func() {
		v := &w.view
		defer w.ctl.Close()
		v.recs, v.err = readStream(ctx, w.ctl, w.opts.Bucket)
		last := head(v.recs)
		w.mu.Lock()
		all := append(slices.Clone(w.primary), w.imported...)
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
		w.count("settle catch-up ms", int(t1.Sub(t0).Milliseconds()))
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
		Pointers []PointerObs      `json:"pointer_observations"`
		Rounds   []round           `json:"export_rounds"`
		Failed   []string          `json:"failed_imports"`
		Errors   map[string]string `json:"first_errors"`
		Stats    map[string]int    `json:"stats"`
	}{w.opened, obs, w.rounds, w.failedImp, w.errs, w.stats}, "", "  ")
	if err == nil {
		_ = os.WriteFile(filepath.Join(w.env.Dir, ReportFile), raw, 0o644)
	}
}
