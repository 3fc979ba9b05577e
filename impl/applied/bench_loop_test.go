package applied

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/slipstream-go/slipstream/impl/kv"
)

// floodWatcher delivers n puts of 256 bytes, then returns nil.
type floodWatcher struct{ updates []kv.Update }

func newFlood(n int) *floodWatcher {
	f := &floodWatcher{updates: make([]kv.Update, n)}
	value := make([]byte, 256)
	for i := range f.updates {
		f.updates[i] = kv.Update{Op: kv.OpPut, Key: fmt.Sprintf("node.%04d", i), Value: value, Version: kv.VersionFromUint64(uint64(i + 1))}
	}
	return f
}

func (f *floodWatcher) Watch(ctx context.Context, _ kv.Scope, _ kv.Cursor, out chan<- kv.Update) error {
	for _, u := range f.updates {
		select {
		case out <- u:
		case <-ctx.Done():
			return nil
		}
	}
	return nil
}

// BenchmarkLoop1000 is the loop's own cost per update: 1000 puts from an in-memory watcher,
// no store, a no-op apply (the original crate published about 1.25 M updates/s for this
// workload). ratio_vs_chan is Run's throughput over a bare drain of the same watcher through a
// channel of the same capacity (1: the loop costs nothing on top of the channel).
func BenchmarkLoop1000(b *testing.B) {
	f := newFlood(1000)
	var ours, bare time.Duration
	for b.Loop() {
		start := time.Now()
		c, err := Run(context.Background(), Config[string]{Watcher: f,
			Parse: func(u kv.Update) (string, bool) { return u.Key, true },
			Apply: func([]string) error { return nil }})
		ours += time.Since(start)
		if r, _ := c.Uint64(); err != nil || r != 1000 {
			b.Fatalf("Run = %v, %v", c, err)
		}
		b.StopTimer()
		start = time.Now()
		out := make(chan kv.Update, DefaultChannelCapacity)
		go func() { _ = f.Watch(context.Background(), kv.All(), kv.Cursor{}, out); close(out) }()
		for range out {
		}
		bare += time.Since(start)
		b.StartTimer()
	}
	b.ReportMetric(1000*float64(b.N)/ours.Seconds(), "updates/s")
	b.ReportMetric(bare.Seconds()/ours.Seconds(), "ratio_vs_chan")
}
