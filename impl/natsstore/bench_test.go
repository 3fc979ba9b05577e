package natsstore

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/slipstream-go/slipstream/impl/kv"
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
	nc, err := nats.Connect(srv.URL())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(nc.Close)
	js, err := jetstream.New(nc, jetstream.WithPublishAsyncMaxPending(4096))
	if err != nil {
		b.Fatal(err)
	}
	value := make([]byte, 100)
	const chunk = 2000 // below the async window, so a slow server never stalls the publisher
	for i := range benchKeys {
		if _, err := js.PublishAsync(fmt.Sprintf("$KV.bench.node.%06d", i), value); err != nil {
			b.Fatal(err)
		}
		if i%chunk == chunk-1 || i == benchKeys-1 {
			select {
			case <-js.PublishAsyncComplete():
			case <-ctx.Done():
				b.Fatal("seeding did not complete")
			}
		}
	}
	raw, err := js.KeyValue(ctx, "bench")
	if err != nil {
		b.Fatal(err)
	}
	return &benchBucket{store: st, js: js, raw: raw}
}

// BenchmarkDataPlane100k seeds 100k keys once and measures, in the same run and on the same
// server, the Store against nats.go's own ways of doing the same thing. ns/op is the Store's
// time; ratio_vs_raw is the Store's throughput divided by the baseline's (> 1: faster).
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

	// (b) A state-sync Watch hydrating every key vs the raw ordered consumer (last per subject)
	// consumed until its pending count.
	b.Run("watch_hydrate", func(b *testing.B) {
		var ours, raw time.Duration
		for b.Loop() {
			start := time.Now()
			hydrateWatch(b, bb.store)
			ours += time.Since(start)
			b.StopTimer()
			start = time.Now()
			rawOrderedDrain(b, bb.js)
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

// rawOrderedDrain is the raw nats.go baseline: an ordered consumer, last per subject, consumed
// until its pending count.
func rawOrderedDrain(b *testing.B, js jetstream.JetStream) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	stream, err := js.Stream(ctx, "KV_bench")
	if err != nil {
		b.Fatal(err)
	}
	cons, err := stream.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{
		FilterSubjects: []string{"$KV.bench.>"},
		DeliverPolicy:  jetstream.DeliverLastPerSubjectPolicy,
	})
	if err != nil {
		b.Fatal(err)
	}
	it, err := cons.Messages()
	if err != nil {
		b.Fatal(err)
	}
	defer it.Stop()
	pending := uint64(benchKeys)
	for got := uint64(0); got < pending; got++ {
		msg, err := it.Next()
		if err != nil {
			b.Fatal(err)
		}
		if got == 0 {
			md, err := msg.Metadata()
			if err != nil {
				b.Fatal(err)
			}
			pending = md.NumPending + 1 // this message plus what the consumer still holds
		}
	}
}
