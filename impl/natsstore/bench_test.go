package natsstore

import (
	"context"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/internal/benchseed"
	"github.com/slipstream-go/slipstream/internal/embedded"
)

const benchKeys = 100_000

// benchBucket is the bucket every data-plane benchmark reads: benchKeys keys, seeded once per
// process on one embedded server.
type benchBucket struct {
	store *Store
	js    jetstream.JetStream
	raw   jetstream.KeyValue
}

func seedBench(b *testing.B) *benchBucket {
	b.Helper()
	srv := embedded.StartT(b)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	conn, err := Connect(ctx, Config{URL: srv.URL()})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = conn.Close() })
	st, err := conn.OpenBucket(ctx, kv.StoreConfig{Name: "bench", MaxBytes: 1 << 30})
	if err != nil {
		b.Fatal(err)
	}
	js := benchseed.Publish(b, srv.URL(), "bench", "node.%06d", benchKeys)
	raw, err := js.KeyValue(ctx, "bench")
	if err != nil {
		b.Fatal(err)
	}
	return &benchBucket{store: st, js: js, raw: raw}
}

// BenchmarkDataPlane100k seeds 100k keys once and measures, in the same run and on the same
// server, the Store against nats.go's own ways of doing the same thing. ns/op is the Store's
// time; ratio_vs_raw is the Store's throughput divided by the baseline's (> 1: faster); a
// peak_ratio below 1 means Scan's peak heap is smaller than the baseline's.
func BenchmarkDataPlane100k(b *testing.B) {
	bb := seedBench(b)

	// (a) Scan of every key vs nats.go's listing plus one Get per key, and vs draining WatchAll.
	b.Run("scan", func(b *testing.B) {
		var ours, listGet, watchAll time.Duration
		for b.Loop() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			start := time.Now()
			got, err := bb.store.Scan(ctx, "")
			ours += time.Since(start)
			if err != nil || len(got) != benchKeys {
				b.Fatalf("scan returned %d: %v", len(got), err)
			}
			b.StopTimer()
			start = time.Now()
			n := rawListAndGet(b, ctx, bb.raw)
			listGet += time.Since(start)
			if n != benchKeys {
				b.Fatalf("list+get returned %d", n)
			}
			start = time.Now()
			if n := rawWatchAllDrain(b, ctx, bb.raw); n != benchKeys {
				b.Fatalf("WatchAll drain returned %d", n)
			}
			watchAll += time.Since(start)
			b.StartTimer()
			cancel()
		}
		n := float64(b.N)
		b.ReportMetric(ours.Seconds()*1e3/n, "store_ms")
		b.ReportMetric(listGet.Seconds()*1e3/n, "listkeys+get_ms")
		b.ReportMetric(watchAll.Seconds()*1e3/n, "watchall_ms")
		b.ReportMetric(listGet.Seconds()/ours.Seconds(), "ratio_vs_raw")
		b.ReportMetric(watchAll.Seconds()/ours.Seconds(), "ratio_vs_watchall")
	})

	// (b) Peak heap of Scan over every key vs nats.go's own listings holding the same entries:
	// ListKeys then Get per key, and WatchAll drained to its initial-values marker. Each peak is
	// the largest heap in use above the heap before the call, sampled every millisecond while
	// the result is still held; *_alloc_MB is everything the call allocated.
	b.Run("scan_memory", func(b *testing.B) {
		var ours, listGet, watchAll memUse
		for b.Loop() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			ours.add(measureHeap(func() any {
				got, err := bb.store.Scan(ctx, "")
				if err != nil || len(got) != benchKeys {
					b.Fatalf("scan returned %d: %v", len(got), err)
				}
				return got
			}))
			b.StopTimer()
			listGet.add(measureHeap(func() any { return rawListAndGetEntries(b, ctx, bb.raw) }))
			watchAll.add(measureHeap(func() any { return rawWatchAllEntries(b, ctx, bb.raw) }))
			b.StartTimer()
			cancel()
		}
		n := float64(b.N)
		const mb = 1 << 20
		b.ReportMetric(float64(ours.peak)/n/mb, "store_peak_MB")
		b.ReportMetric(float64(listGet.peak)/n/mb, "listkeys+get_peak_MB")
		b.ReportMetric(float64(watchAll.peak)/n/mb, "watchall_peak_MB")
		b.ReportMetric(float64(ours.alloc)/n/mb, "store_alloc_MB")
		b.ReportMetric(float64(listGet.alloc)/n/mb, "listkeys+get_alloc_MB")
		b.ReportMetric(float64(watchAll.alloc)/n/mb, "watchall_alloc_MB")
		b.ReportMetric(float64(ours.peak)/float64(listGet.peak), "peak_ratio_vs_listkeys+get")
		b.ReportMetric(float64(ours.peak)/float64(watchAll.peak), "peak_ratio_vs_watchall")
	})

	// (c) A state-sync Watch hydrating every key vs the raw ordered consumer (last per subject)
	// consumed until its pending count.
	b.Run("watch_hydrate", func(b *testing.B) {
		var ours, raw time.Duration
		for b.Loop() {
			start := time.Now()
			hydrateWatch(b, bb.store)
			ours += time.Since(start)
			b.StopTimer()
			start = time.Now()
			benchseed.DrainOrdered(b, bb.js, "bench")
			raw += time.Since(start)
			b.StartTimer()
		}
		n := float64(b.N)
		b.ReportMetric(ours.Seconds()*1e3/n, "store_ms")
		b.ReportMetric(raw.Seconds()*1e3/n, "raw_ordered_ms")
		b.ReportMetric(raw.Seconds()/ours.Seconds(), "ratio_vs_raw")
	})
}

// rawListAndGet is the nats.go way to read a whole bucket: ListKeys, then Get each key.
func rawListAndGet(b *testing.B, ctx context.Context, raw jetstream.KeyValue) int {
	lister, err := raw.ListKeys(ctx)
	if err != nil {
		b.Fatal(err)
	}
	var keys []string
	for k := range lister.Keys() {
		keys = append(keys, k)
	}
	n := 0
	for _, k := range keys {
		if e, err := raw.Get(ctx, k); err == nil && len(e.Value()) > 0 {
			n++
		}
	}
	return n
}

// rawListAndGetEntries is rawListAndGet keeping every entry, as a caller of Scan keeps its result.
func rawListAndGetEntries(b *testing.B, ctx context.Context, raw jetstream.KeyValue) []jetstream.KeyValueEntry {
	lister, err := raw.ListKeys(ctx)
	if err != nil {
		b.Fatal(err)
	}
	var keys []string
	for k := range lister.Keys() {
		keys = append(keys, k)
	}
	var out []jetstream.KeyValueEntry
	for _, k := range keys {
		if e, err := raw.Get(ctx, k); err == nil && len(e.Value()) > 0 {
			out = append(out, e)
		}
	}
	if len(out) != benchKeys {
		b.Fatalf("list+get returned %d", len(out))
	}
	return out
}

// rawWatchAllEntries drains nats.go's WatchAll up to its initial-values marker, keeping every entry.
func rawWatchAllEntries(b *testing.B, ctx context.Context, raw jetstream.KeyValue) []jetstream.KeyValueEntry {
	w, err := raw.WatchAll(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer func() { _ = w.Stop() }()
	var out []jetstream.KeyValueEntry
	for e := range w.Updates() {
		if e == nil {
			break
		}
		out = append(out, e)
	}
	if len(out) != benchKeys {
		b.Fatalf("WatchAll returned %d", len(out))
	}
	return out
}

// memUse accumulates the peak heap growth and the bytes allocated of several measurements.
type memUse struct{ peak, alloc uint64 }

func (m *memUse) add(peak, alloc uint64) { m.peak += peak; m.alloc += alloc }

// measureHeap runs f after a GC and returns the largest HeapAlloc above the starting one,
// sampled every millisecond and once more while f's result is still held, and the bytes f
// allocated in total.
func measureHeap(f func() any) (peak, alloc uint64) {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base, alloc0 := ms.HeapAlloc, ms.TotalAlloc
	var high atomic.Uint64
	high.Store(base)
	note := func(h uint64) {
		if h > high.Load() {
			high.Store(h)
		}
	}
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		var m runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				runtime.ReadMemStats(&m)
				note(m.HeapAlloc)
			}
		}
	}()
	result := f()
	close(stop)
	<-done
	runtime.ReadMemStats(&ms)
	note(ms.HeapAlloc)
	runtime.KeepAlive(result)
	return high.Load() - base, ms.TotalAlloc - alloc0
}

// rawWatchAllDrain drains nats.go's WatchAll up to its initial-values marker.
func rawWatchAllDrain(b *testing.B, ctx context.Context, raw jetstream.KeyValue) int {
	w, err := raw.WatchAll(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer func() { _ = w.Stop() }()
	n := 0
	for e := range w.Updates() {
		if e == nil {
			return n
		}
		n++
	}
	return n
}

// hydrateWatch runs a state-sync Watch until benchKeys updates reached its reader.
func hydrateWatch(b *testing.B, st *Store) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := make(chan kv.Update, 1024)
	done := make(chan error, 1)
	go func() { done <- st.Watch(ctx, kv.All(), kv.Cursor{}, out) }()
	for n := 0; n < benchKeys; n++ {
		select {
		case u := <-out:
			if u.Version.IsUnknown() {
				b.Fatal("unknown version")
			}
		case err := <-done:
			b.Fatalf("watch ended after %d: %v", n, err)
		case <-time.After(30 * time.Second):
			b.Fatalf("watch stalled after %d", n)
		}
	}
	cancel()
	if err := <-done; err != nil {
		b.Fatal(err)
	}
}
