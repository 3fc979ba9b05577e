package applied

import (
	"context"
	"flag"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/natsstore"
	"github.com/slipstream-go/slipstream/impl/snapshot"
	"github.com/slipstream-go/slipstream/impl/snapshot/appendlog"
	"github.com/slipstream-go/slipstream/impl/snapshot/pebble"
	"github.com/slipstream-go/slipstream/internal/benchseed"
	"github.com/slipstream-go/slipstream/internal/embedded"
)

var bench1M = flag.Bool("applied.bench1m", false, "run BenchmarkHydrate1M (slow: seeds a million keys)")

// hydrateBench is a bucket of n keys seeded once on one embedded server.
type hydrateBench struct {
	bucket *natsstore.Store
	js     jetstream.JetStream
	n      int
	head   uint64
}

func seedHydrate(b *testing.B, n int) *hydrateBench {
	b.Helper()
	srv := embedded.StartT(b)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	conn, err := natsstore.Connect(ctx, natsstore.Config{URL: srv.URL()})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = conn.Close() })
	st, err := conn.OpenBucket(ctx, kv.StoreConfig{Name: "hydrate", MaxBytes: 4 << 30})
	if err != nil {
		b.Fatal(err)
	}
	js := benchseed.Publish(b, srv.URL(), "hydrate", "node.%07d", n)
	return &hydrateBench{bucket: st, js: js, n: n, head: uint64(n)}
}

// peakHeap samples the heap in use until stop is called, and returns the peak in bytes.
func peakHeap() (stop func() uint64) {
	var peak atomic.Uint64
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	return func() uint64 { close(done); <-finished; return peak.Load() }
}

// opener opens a fresh store of one backend in dir.
type opener func(dir string) (snapshot.Store, error)

var backends = []struct {
	name      string
	open      opener
	reconcile bool // Run also reconciles (the bucket as Reader, the default period)
}{
	{"appendlog", func(dir string) (snapshot.Store, error) {
		return appendlog.Open(filepath.Join(dir, "fold.snap"), appendlog.Options{})
	}, false},
	{"pebble", func(dir string) (snapshot.Store, error) {
		return pebble.Open(filepath.Join(dir, "fold"), pebble.Options{})
	}, false},
	// The append log again with reconciliation on: its first round runs once the watch has
	// caught up, so hydration should cost the same within noise.
	{"appendlog+reconcile", func(dir string) (snapshot.Store, error) {
		return appendlog.Open(filepath.Join(dir, "fold.snap"), appendlog.Options{})
	}, true},
}

// hydrate runs Run from the zero cursor into a fresh store until the store holds the
// bucket's head.
func (h *hydrateBench) hydrate(b *testing.B, open opener, reconcile bool, dir string) {
	st, err := open(dir)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	caught := make(chan struct{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg := Config[struct{}]{Watcher: h.bucket, Store: st, OnApplied: func(c kv.Cursor) {
		if r, _ := c.Uint64(); r == h.head {
			close(caught)
		}
	}}
	if reconcile {
		cfg.Reader = h.bucket
	}
	wait := runAsync(ctx, cfg)
	select {
	case <-caught:
	case <-time.After(10 * time.Minute):
		b.Fatal("hydration stalled")
	}
	cancel()
	if _, err := wait(); err != nil {
		b.Fatal(err)
	}
	if got, _ := st.Cursor().Uint64(); got != h.head {
		b.Fatalf("store cursor %d, want %d", got, h.head)
	}
}

// rawOrdered is the baseline: nats.go's ordered consumer (last per subject) drained until its
// pending count, doing nothing with the messages.
func (h *hydrateBench) rawOrdered(b *testing.B) {
	if n := benchseed.DrainOrdered(b, h.js, "hydrate"); n != uint64(h.n) {
		b.Fatalf("raw ordered consumer read %d messages, want %d", n, h.n)
	}
}

// watchDrain is the layer below Run: the kv.Watcher's state-sync watch drained until n
// updates arrived.
func (h *hydrateBench) watchDrain(b *testing.B) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := make(chan kv.Update, DefaultChannelCapacity)
	done := make(chan error, 1)
	go func() { done <- h.bucket.Watch(ctx, kv.All(), kv.Cursor{}, out) }()
	for range h.n {
		select {
		case <-out:
		case err := <-done:
			b.Fatalf("watch ended: %v", err)
		}
	}
	cancel()
	<-done
}

// benchHydrate measures, in one run on one server, Run hydrating each backend (a sub-benchmark
// per backend) against the raw ordered consumer and against the kv.Watcher it reads
// (watch_ms: the watch drained with nothing done). ratio_vs_raw is Run's throughput over the
// raw consumer's (goal >= 0.8 for the append log, >= 0.5 for Pebble); peak_heap_MB is the
// largest heap in use seen while Run hydrated.
func benchHydrate(b *testing.B, n int) {
	h := seedHydrate(b, n)
	for _, be := range backends {
		b.Run(be.name, func(b *testing.B) { h.measure(b, be.open, be.reconcile) })
	}
}

// measure runs the three contenders b.N times each and reports the ratios.
func (h *hydrateBench) measure(b *testing.B, open opener, reconcile bool) {
	n := h.n
	var ours, raw, watch time.Duration
	var peak uint64
	for b.Loop() {
		dir := b.TempDir()
		runtime.GC()
		stop := peakHeap()
		start := time.Now()
		h.hydrate(b, open, reconcile, dir)
		ours += time.Since(start)
		peak = max(peak, stop())
		b.StopTimer()
		start = time.Now()
		h.rawOrdered(b)
		raw += time.Since(start)
		start = time.Now()
		h.watchDrain(b)
		watch += time.Since(start)
		b.StartTimer()
	}
	iters := float64(b.N)
	b.ReportMetric(ours.Seconds()*1e3/iters, "run_ms")
	b.ReportMetric(raw.Seconds()*1e3/iters, "raw_ordered_ms")
	b.ReportMetric(float64(n)*iters/ours.Seconds(), "updates/s")
	b.ReportMetric(watch.Seconds()*1e3/iters, "watch_ms")
	b.ReportMetric(raw.Seconds()/ours.Seconds(), "ratio_vs_raw")
	b.ReportMetric(watch.Seconds()/ours.Seconds(), "ratio_vs_watch")
	b.ReportMetric(float64(peak)/(1<<20), "peak_heap_MB")
}

// BenchmarkHydrate100k: Run folding 100k keys into the append log vs the raw ordered consumer.
func BenchmarkHydrate100k(b *testing.B) { benchHydrate(b, 100_000) }

// BenchmarkHydrate1M is the same with a million keys; it runs only with -applied.bench1m.
func BenchmarkHydrate1M(b *testing.B) {
	if !*bench1M {
		b.Skip("slow: pass -applied.bench1m to run it")
	}
	benchHydrate(b, 1_000_000)
}
