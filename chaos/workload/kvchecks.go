package workload

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"time"

	"github.com/slipstream-go/slipstream/chaos/check"
	"github.com/slipstream-go/slipstream/linearizability"
)

// observedWait bounds the wait for the observer to reach the stream's last sequence.
const observedWait = time.Minute

// observation is the observer's final view, taken once after the faults heal.
type observation struct {
	seen     map[uint64]record
	missing  []uint64
	last     uint64
	complete bool
	err      error
}

// observed waits until the observer has read the whole stream, stops it and returns its view.
func (w *KV) observed(ctx context.Context, env Env) observation {
	w.obsOnce.Do(func() {
		defer w.obs.stop()
		seqs, err := env.Cluster.LastSeqs(ctx, w.Stream())
		if err != nil {
			w.view.err = err
			return
		}
		w.view.last = slices.Max(seqs)
		wctx, cancel := context.WithTimeout(ctx, observedWait)
		defer cancel()
		w.view.err = w.obs.waitFor(wctx, w.view.last)
		w.obs.fill(wctx, w.view.last)
		w.view.seen, w.view.missing = w.obs.snapshot()
		w.view.complete = w.view.err == nil && len(w.view.missing) == 0
	})
	return w.view
}

// ackedInStream is the check that every write the library acknowledged is in the stream, at
// the revision it returned, with the value written: no acknowledged write was lost.
func (w *KV) ackedInStream(env Env) check.Check {
	return check.Func{N: "kv-acked-writes-kept", F: func(ctx context.Context) check.Result {
		v := w.observed(ctx, env)
		if v.err != nil {
			return check.Result{Verdict: check.Incomplete, Detail: v.err.Error()}
		}
		var lost []string
		acked := 0
		for _, op := range env.Recorder.Operations() {
			if op.Outcome != linearizability.OutcomeOK || !op.Kind.HasValue() {
				continue
			}
			acked++
			r, ok := v.seen[op.Revision]
			if !ok && !v.complete {
				continue // that sequence was not observed: no verdict on it
			}
			if !ok || r.key != op.Key || r.op != "" || r.value != op.Value {
				lost = append(lost, fmt.Sprintf("%s %q=%q@%d (stream has %q %s %q)", op.Kind, op.Key, op.Value, op.Revision, r.key, r.op, r.value))
			}
		}
		switch {
		case len(lost) > 0:
			return check.Result{Verdict: check.Violates, Detail: fmt.Sprintf("%d of %d acknowledged writes not in the stream as acknowledged, first: %s", len(lost), acked, lost[0])}
		case !v.complete:
			return check.Result{Verdict: check.Incomplete, Detail: fmt.Sprintf("the observer missed %d sequences (first %d)", len(v.missing), v.missing[0])}
		}
		return check.Result{Verdict: check.Holds, Detail: fmt.Sprintf("all %d acknowledged writes found at their revisions among %d sequences", acked, v.last)}
	}}
}

// ResolvedHistoryFile is the history as checked (unknown outcomes resolved), in the run
// directory.
const ResolvedHistoryFile = "history-resolved.jsonl"

// resolvedHistory is the history with unknown outcomes resolved from the observed stream
// (linearizability.Resolve): a value found there landed at that revision, and with a complete
// view a value not found, or a delete beyond the key's markers, never took effect.
func (w *KV) resolvedHistory(env Env) func() []linearizability.Operation {
	return func() []linearizability.Operation {
		ops := env.Recorder.Operations()
		v := w.observed(context.Background(), env)
		if v.err != nil {
			return ops // nothing to resolve with: the unknowns stay unknown
		}
		out, st, err := linearizability.Resolve(ops, v.writes(), v.complete)
		if err != nil {
			return ops
		}
		w.mu.Lock()
		w.stats["resolved landed"], w.stats["resolved not applied"] = st.Landed, st.NotApplied
		w.stats["resolved unresolved"], w.stats["resolved contradicted"] = st.Unresolved, len(st.Contradicted)
		w.mu.Unlock()
		// Kept beside the raw history so the checked history can be re-checked offline.
		_ = linearizability.WriteHistoryFile(filepath.Join(env.Dir, ResolvedHistoryFile), out)
		return out
	}
}

// writes converts the observed records for linearizability.Resolve.
func (v observation) writes() []linearizability.Write {
	out := make([]linearizability.Write, 0, len(v.seen))
	for seq, r := range v.seen {
		out = append(out, linearizability.Write{Key: r.key, Value: r.value, Revision: seq, Deleted: r.op != "", Seen: r.at})
	}
	return out
}

// directCheckTimeout bounds the search of the direct-get report.
const directCheckTimeout = 20 * time.Second

// directGets reports how stale the direct gets (answered by any replica) were. Staleness is
// expected NATS behaviour and only measured; the check fails on a phantom read, a direct get
// that returned a value no write produced or at a revision its write did not get.
func (w *KV) directGets(env Env) check.Check {
	return check.Func{N: "kv-direct-gets-real", F: func(context.Context) check.Result {
		rep, err := linearizability.CheckDirect(w.resolvedHistory(env)(), linearizability.Options{Timeout: directCheckTimeout})
		if err != nil {
			return check.Result{Verdict: check.Incomplete, Detail: err.Error()}
		}
		return check.Result{Verdict: rep.Verdict, Detail: rep.String() + " (staleness is expected NATS behaviour)"}
	}}
}
