package natsstore

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/slipstream-go/slipstream/impl/kv"
)

// BenchmarkHydrateScopes measures, for each scope, a state-sync Watch (floor guard on)
// hydrating every key in scope against the raw ordered consumer with the same filters, in the
// same run on one bucket of benchKeys keys interleaved as a.* (1 in 2), b.* and c.* (1 in 4
// each), so that the filtered scopes see sparse revisions. ratio_vs_raw is the raw consumer's
// time divided by the Watch's (goal: at least 0.8).
func BenchmarkHydrateScopes(b *testing.B) {
	bb := seedBench(b) // its server and connections; the scoped bucket is seeded beside it
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	st, err := bb.store.conn.OpenBucket(ctx, kv.StoreConfig{Name: "scopes", MaxBytes: 1 << 30})
	if err != nil {
		b.Fatal(err)
	}
	value := make([]byte, 100)
	counts := map[string]int{}
	for i := range benchKeys {
		fam := []string{"a", "b", "a", "c"}[i%4]
		counts[fam]++
		if _, err := bb.js.PublishAsync(fmt.Sprintf("$KV.scopes.%s.%06d", fam, i), value); err != nil {
			b.Fatal(err)
		}
		if i%2000 == 1999 || i == benchKeys-1 {
			<-bb.js.PublishAsyncComplete()
		}
	}
	for _, c := range []struct {
		name    string
		scope   kv.Scope
		filters []string
		n       int
	}{
		{"All", kv.All(), []string{"$KV.scopes.>"}, benchKeys},
		{"Prefix", kv.Prefix("a"), []string{"$KV.scopes.a.>"}, counts["a"]},
		{"Prefixes", kv.Prefixes("b", "c"), []string{"$KV.scopes.b.>", "$KV.scopes.c.>"}, counts["b"] + counts["c"]},
	} {
		b.Run(c.name, func(b *testing.B) {
			var ours, raw time.Duration
			for b.Loop() {
				start := time.Now()
				hydrateScope(b, st, c.scope, c.n)
				ours += time.Since(start)
				b.StopTimer()
				start = time.Now()
				rawScopeDrain(b, bb.js, "KV_scopes", c.filters, c.n)
				raw += time.Since(start)
				b.StartTimer()
			}
			n := float64(b.N)
			b.ReportMetric(ours.Seconds()*1e3/n, "store_ms")
			b.ReportMetric(raw.Seconds()*1e3/n, "raw_ordered_ms")
			b.ReportMetric(raw.Seconds()/ours.Seconds(), "ratio_vs_raw")
		})
	}
}

// hydrateScope runs a state-sync Watch of scope until n updates reached its reader.
func hydrateScope(b *testing.B, st *Store, scope kv.Scope, n int) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := make(chan kv.Update, 1024)
	done := make(chan error, 1)
	go func() { done <- st.Watch(ctx, scope, kv.Cursor{}, out) }()
	for i := range n {
		select {
		case <-out:
		case err := <-done:
			b.Fatalf("watch ended after %d: %v", i, err)
		case <-time.After(30 * time.Second):
			b.Fatalf("watch stalled after %d", i)
		}
	}
	cancel()
	if err := <-done; err != nil {
		b.Fatal(err)
	}
}

// rawScopeDrain is the raw nats.go baseline: an ordered consumer with the given filters, last
// per subject, consumed until n messages arrived.
func rawScopeDrain(b *testing.B, js jetstream.JetStream, stream string, filters []string, n int) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := js.Stream(ctx, stream)
	if err != nil {
		b.Fatal(err)
	}
	cons, err := s.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{
		FilterSubjects: filters, DeliverPolicy: jetstream.DeliverLastPerSubjectPolicy,
	})
	if err != nil {
		b.Fatal(err)
	}
	it, err := cons.Messages()
	if err != nil {
		b.Fatal(err)
	}
	defer it.Stop()
	for range n {
		if _, err := it.Next(); err != nil {
			b.Fatal(err)
		}
	}
}
