package applied

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/snapshot/appendlog"
)

// BenchmarkReconcile100k measures one reconciliation round of a 100k-key fold that agrees with
// its bucket (the headers-only listing plus the loop's comparison; nothing to repair) against
// the raw headers-only key listing of the same bucket (natsstore Keys), timed in the same run.
// reconcile_vs_listing is the round's time over the listing's: the goal is at most 1.5.
func BenchmarkReconcile100k(b *testing.B) { benchReconcile(b, 100_000) }

// BenchmarkReconcile1M is the same at a million keys (-applied.bench1m).
func BenchmarkReconcile1M(b *testing.B) {
	if !*bench1M {
		b.Skip("seeds a million keys; run with -applied.bench1m")
	}
	benchReconcile(b, 1_000_000)
}

func benchReconcile(b *testing.B, n int) {
	h := seedHydrate(b, n)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	st, err := appendlog.Open(filepath.Join(b.TempDir(), "fold.snap"), appendlog.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = st.Close() })
	entries, err := h.bucket.Scan(ctx, "")
	if err != nil {
		b.Fatal(err)
	}
	batch := make([]kv.Update, len(entries))
	for i, e := range entries {
		batch[i] = kv.Update{Op: kv.OpPut, Key: e.Key, Value: e.Value, Version: e.Version}
	}
	head := kv.CursorFromUint64(h.head)
	if err := st.Apply(batch, head); err != nil {
		b.Fatal(err)
	}
	cfg := Config[string]{Watcher: h.bucket, Reader: h.bucket, Store: st, Progress: &Progress{}}
	l := newLoop(&cfg, head)
	var ours, raw time.Duration
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		keys, err := h.bucket.Keys(ctx, "")
		if err != nil || len(keys) != n {
			b.Fatalf("listing: %d keys, %v", len(keys), err)
		}
		raw += time.Since(start)

		start = time.Now()
		listing, err := h.bucket.Revisions(ctx, "")
		if err != nil {
			b.Fatal(err)
		}
		req := reconcileRequest{listing: listing, done: make(chan struct{})}
		if err := l.onReconcile(ctx, req); err != nil {
			b.Fatal(err)
		}
		ours += time.Since(start)
	}
	b.StopTimer()
	if s := l.prog.Stats(); s.ReconcileDeletes+s.ReconcileFetches != 0 || s.Reconciliations != uint64(b.N) {
		b.Fatalf("a fold equal to its bucket was repaired: %+v", s)
	}
	iters := float64(b.N)
	b.ReportMetric(ours.Seconds()*1e3/iters, "reconcile_ms")
	b.ReportMetric(raw.Seconds()*1e3/iters, "listing_ms")
	b.ReportMetric(ours.Seconds()/raw.Seconds(), "reconcile_vs_listing")
}
