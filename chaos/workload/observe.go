package workload

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// record is one message of the bucket's stream as the observer saw it.
type record struct {
	key   string
	op    string // "" for a value, "DEL" or "PURGE" for a marker
	value string
	at    int64 // when the observer received it, on the history's clock
}

// observer reads the bucket's stream from its first message for the whole run, over a
// connection that bypasses the proxies, so that after the run every written value can be
// found at its revision. Stream sequences are contiguous across keys, so the observer knows
// whether it saw everything: it saw every sequence from 1 to the last.
type observer struct {
	js     jetstream.JetStream
	stream string
	prefix string
	clock  func() int64

	mu   sync.Mutex
	seqs map[uint64]record
	max  uint64
	stop func()
}

func startObserver(setup context.Context, urls, stream, prefix string, clock func() int64) (*observer, error) {
	nc, err := nats.Connect(urls, nats.Name("chaos-observer"), nats.IgnoreDiscoveredServers(),
		nats.MaxReconnects(-1), nats.ReconnectWait(100*time.Millisecond))
	if err != nil {
		return nil, fmt.Errorf("kv workload: observer connection: %w", err)
	}
	js, err := jetstream.New(nc, jetstream.WithDefaultTimeout(controlTimeout))
	if err != nil {
		nc.Close()
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	// A just-formed cluster may take one attempt's whole timeout to answer (a stream leader
	// still settling): try again until setup's own deadline.
	var cons jetstream.Consumer
	for {
		cons, err = js.OrderedConsumer(ctx, stream, jetstream.OrderedConsumerConfig{DeliverPolicy: jetstream.DeliverAllPolicy})
		if err == nil {
			break
		}
		select {
		case <-setup.Done():
			cancel()
			nc.Close()
			return nil, fmt.Errorf("kv workload: observer consumer: %w", err)
		case <-time.After(250 * time.Millisecond):
		}
	}
	o := &observer{js: js, stream: stream, prefix: prefix, clock: clock, seqs: map[uint64]record{}}
	cc, err := cons.Consume(func(m jetstream.Msg) {
		meta, err := m.Metadata()
		if err != nil {
			return
		}
		r := record{key: strings.TrimPrefix(m.Subject(), prefix), op: m.Headers().Get("KV-Operation"),
			value: string(m.Data()), at: clock()}
		o.mu.Lock()
		o.seqs[meta.Sequence.Stream] = r
		o.max = max(o.max, meta.Sequence.Stream)
		o.mu.Unlock()
	})
	if err != nil {
		cancel()
		nc.Close()
		return nil, fmt.Errorf("kv workload: observer consume: %w", err)
	}
	o.stop = func() { cc.Stop(); cancel(); nc.Close() }
	return o, nil
}

// waitFor waits until the observer has seen sequence last (or ctx ends).
func (o *observer) waitFor(ctx context.Context, last uint64) error {
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		o.mu.Lock()
		seen := o.max
		o.mu.Unlock()
		if seen >= last {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("kv workload: observer saw up to sequence %d of %d: %w", seen, last, ctx.Err())
		case <-tick.C:
		}
	}
}

// fill fetches every sequence up to last that the consumer did not deliver (an ordered consumer
// re-created after a fault can skip some) with a message get; a sequence the stream no longer
// holds stays missing.
func (o *observer) fill(ctx context.Context, last uint64) {
	st, err := o.js.Stream(ctx, o.stream)
	if err != nil {
		return
	}
	for s := uint64(1); s <= last; s++ {
		o.mu.Lock()
		_, ok := o.seqs[s]
		o.mu.Unlock()
		if ok {
			continue
		}
		m, err := st.GetMsg(ctx, s)
		if err != nil {
			continue
		}
		r := record{key: strings.TrimPrefix(m.Subject, o.prefix), op: m.Header.Get("KV-Operation"), value: string(m.Data), at: o.clock()}
		o.mu.Lock()
		o.seqs[s] = r
		o.max = max(o.max, s)
		o.mu.Unlock()
	}
}

// snapshot returns what was observed and the sequences missing below max.
func (o *observer) snapshot() (map[uint64]record, []uint64) {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := make(map[uint64]record, len(o.seqs))
	var missing []uint64
	for s := uint64(1); s <= o.max; s++ {
		r, ok := o.seqs[s]
		if !ok {
			missing = append(missing, s)
			continue
		}
		out[s] = r
	}
	return out, missing
}
