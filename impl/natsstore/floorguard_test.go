package natsstore

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/internal/embedded"
	"github.com/slipstream-go/slipstream/protocol"
)

// purgeStreamBelow removes every record below seq, as retention evicts the head of a stream. It
// stands for retention only on a bucket whose retention can evict (evictsOldest): on one where
// only supersession removes records, the floor guard and the resume check rightly let an
// operator's purge through, to reconciliation.
func (d *bucketFixture) purgeStreamBelow(seq uint64) {
	d.t.Helper()
	st, err := d.js.Stream(testCtx(d.t), d.store.stream)
	if err != nil {
		d.t.Fatal(err)
	}
	if err := st.Purge(testCtx(d.t), jetstream.WithPurgeSequence(seq)); err != nil {
		d.t.Fatalf("purge below %d: %v", seq, err)
	}
}

func isTrip(err error) bool {
	return errors.Is(err, kv.ErrWatch) && errors.Is(err, ErrFloorGuardTripped) && strings.Contains(err.Error(), "stream retention overran live watch")
}

// The guard's decisions with a fake stream and consumer: a probe only before a gapped
// delivery, a trip exactly when the first sequence passed frontier+1, a frontier that never
// moves back, and an advance past undelivered revisions only with a caught-up proof obtained
// after the last sequence was read.
func TestFloorGuardDecisions(t *testing.T) {
	t.Parallel()
	first, last, probes := uint64(1), uint64(30), 0
	pending, sent, asked := uint64(0), uint64(0), 0
	clock := time.Unix(0, 0)
	g := &floorGuard{
		frontier: 10,
		probe:    func(context.Context) (uint64, uint64, bool, error) { probes++; return first, last, true, nil },
		consumer: func(context.Context) (uint64, uint64, error) { asked++; return pending, sent, nil },
		every:    time.Minute,
		due:      clock.Add(time.Minute),
		fail:     func(f, fr uint64) error { return fmt.Errorf("%w %d %d", ErrFloorGuardTripped, f, fr) },
		probeErr: func(err error) error { return err },
		now:      func() time.Time { return clock },
	}
	ctx := context.Background()
	if g.needsProbe(11) {
		t.Fatal("a dense delivery needs no probe")
	}
	g.delivered(11)
	if !g.needsProbe(20) {
		t.Fatal("a gapped delivery needs a probe")
	}
	first = 5 // interior gap: the window is still fine
	if err := g.check(ctx, true); err != nil || probes != 1 || asked != 0 {
		t.Fatalf("benign gap: %v, %d probes, %d consumer reads", err, probes, asked)
	}
	g.delivered(20)
	g.delivered(15)
	if g.frontier != 20 {
		t.Fatalf("frontier moved back to %d", g.frontier)
	}
	// The last probe read 30. Not caught up (one message pending): no advance.
	pending, sent, g.received = 1, 7, 7
	if err := g.check(ctx, true); err != nil || g.frontier != 20 || asked != 1 {
		t.Fatalf("advance without a proof: %v, frontier %d, %d consumer reads", err, g.frontier, asked)
	}
	// Nothing pending, but the consumer sent a message not yet received: no advance.
	pending, sent = 0, 8
	if err := g.check(ctx, true); err != nil || g.frontier != 20 {
		t.Fatalf("advance past an unreceived message: %v, frontier %d", err, g.frontier)
	}
	// Caught up: the frontier moves to the last sequence the previous probe read.
	g.received = 8
	last = 40
	if err := g.check(ctx, true); err != nil || g.frontier != 30 || g.last != 40 {
		t.Fatalf("caught up: %v, frontier %d, last %d", err, g.frontier, g.last)
	}
	first = 32 // revision 31 was evicted unseen
	if err := g.check(ctx, true); !errors.Is(err, ErrFloorGuardTripped) {
		t.Fatalf("overrun must trip, even with a caught-up proof pending: %v", err)
	}
	// Backstop: nothing until due, then a probe that trips on an idle overrun.
	n := probes
	if err := g.backstop(ctx); err != nil || probes != n {
		t.Fatalf("backstop before due: %v, %d probes", err, probes-n)
	}
	clock = clock.Add(2 * time.Minute)
	if err := g.backstop(ctx); !errors.Is(err, ErrFloorGuardTripped) || probes != n+1 {
		t.Fatalf("due backstop on an overrun frontier: %v, %d probes", err, probes-n)
	}
	boom := errors.New("lookup failed")
	g.probe = func(context.Context) (uint64, uint64, bool, error) { return 0, 0, true, boom }
	if err := g.check(ctx, true); !errors.Is(err, boom) {
		t.Fatalf("a failed probe must fail the watch: %v", err)
	}
}

// A gapped delivery with an advanced floor trips: revisions 1-5, the stream purged
// below 4, a consumer started at 2 (clamped by the server to 4) fed to the guarded pump with
// frontier 1. The guard must trip before forwarding revision 4, within 5 s: in-band, not by
// the 30 s backstop.
func TestGappedDeliveryWithAdvancedFloorTrips(t *testing.T) {
	t.Parallel()
	d := newTestBucket(t, "gapped", evictsOldest)
	for i := range 5 {
		d.put(fmt.Sprintf("k%d", i+1), "v")
	}
	d.purgeStreamBelow(4)
	if first := d.streamInfo().State.FirstSeq; first != 4 {
		t.Fatalf("setup: first sequence %d", first)
	}
	cons, err := d.js.CreateConsumer(testCtx(t), d.store.stream, jetstream.ConsumerConfig{
		DeliverPolicy: jetstream.DeliverByStartSequencePolicy, OptStartSeq: 2,
		AckPolicy: jetstream.AckNonePolicy, MemoryStorage: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	it, err := cons.Messages()
	if err != nil {
		t.Fatal(err)
	}
	out := make(chan kv.Update, 16)
	start := time.Now()
	err = d.store.pump(context.Background(), it, out, d.store.newFloorGuard(1, 0, false, nil))
	if !isTrip(err) {
		t.Fatalf("pump returned %v, want the floor-guard trip", err)
	}
	if el := time.Since(start); el > 5*time.Second {
		t.Fatalf("tripped after %v: that is the backstop, not in-band detection", el)
	}
	if len(out) != 0 {
		t.Fatalf("the gapped entry was forwarded (%d updates) before the trip", len(out))
	}
}

// A benign interior gap passes: overwriting k2 and k3 (history 1) evicts revisions
// 2 and 3 from the interior; the first sequence stays 1, so the guarded resume from 1 delivers
// 4, 5, 6, 7 without tripping.
func TestBenignInteriorGapPasses(t *testing.T) {
	t.Parallel()
	d := newTestBucket(t, "benign")
	for i := range 5 {
		d.put(fmt.Sprintf("k%d", i+1), "v")
	}
	d.put("k2", "w")
	d.put("k3", "w")
	if first := d.streamInfo().State.FirstSeq; first != 1 {
		t.Fatalf("setup: first sequence %d", first)
	}
	w := d.startWatch(kv.All(), kv.CursorFromUint64(1))
	for _, want := range []uint64{4, 5, 6, 7} {
		if got := rev(t, w.next(t).Version); got != want {
			t.Fatalf("delivered revision %d, want %d", got, want)
		}
	}
	w.none(t, 300*time.Millisecond)
}

// End to end on a live watch: the reader stalls, the server keeps the undelivered part of the
// stream, retention evicts it, and the watch must fail before it forwards the first revision
// after the evicted range.
func TestLiveOverrunFailsTheAllScopeResumeWatch(t *testing.T) {
	t.Parallel()
	d := newTestBucket(t, "overrun", evictsOldest, func(c *kv.StoreConfig) { c.MaxBytes = 64 << 20 })
	for i := range 10 {
		d.put(fmt.Sprintf("seed.%d", i), "v")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := make(chan kv.Update) // unbuffered: the watch blocks until the test reads
	done := make(chan error, 1)
	created, hook := signal()
	d.store.hooks.consumerCreated = func(string) { hook() }
	go func() { done <- d.store.Watch(ctx, kv.All(), kv.CursorFromUint64(10), out) }()
	waitSignal(t, created, 5*time.Second, "watch consumer created")
	const n = 3 * watchBatch
	for i := range n {
		if _, err := d.js.PublishAsync(fmt.Sprintf("$KV.overrun.live.%d", i), []byte("v")); err != nil {
			t.Fatal(err)
		}
	}
	<-d.js.PublishAsyncComplete()
	const floor = 10 + 2*watchBatch // well past what one pull batch holds
	d.purgeStreamBelow(floor)
	start := time.Now()
	next := uint64(11)
	for {
		select {
		case u := <-out:
			r := rev(t, u.Version)
			if r != next {
				t.Fatalf("forwarded revision %d, want %d: a gapped entry got through", r, next)
			}
			if r >= floor {
				t.Fatalf("forwarded revision %d from beyond the evicted range", r)
			}
			next, _ = protocol.ResumeStartSequence(r) // the next dense revision
		case err := <-done:
			if !isTrip(err) {
				t.Fatalf("watch ended with %v, want the floor-guard trip", err)
			}
			if el := time.Since(start); el > 5*time.Second {
				t.Fatalf("tripped after %v", el)
			}
			if next == 11 {
				t.Fatal("nothing was delivered before the trip; the test did not exercise a live watch")
			}
			t.Logf("forwarded revisions 11..%d, then tripped on the gap to %d (%v)", next-1, floor, err)
			return
		case <-time.After(10 * time.Second):
			t.Fatal("the watch neither delivered nor tripped")
		}
	}
}

// The backstop catches retention overrunning an idle watch (no delivery, so no gap to see), on
// every scope.
func TestBackstopTripsAnIdleWatch(t *testing.T) {
	t.Parallel()
	for _, sc := range []kv.Scope{kv.All(), kv.Prefix(""), kv.Prefix("k"), kv.Prefixes("k", "z")} {
		srv := embedded.StartT(t)
		d := openTestBucket(t, srv, Config{URL: srv.URL(), FloorGuardInterval: 300 * time.Millisecond}, "backstop", evictsOldest)
		var cur kv.Version
		for i := range 5 {
			cur = d.put(fmt.Sprintf("k.%d", i), "v")
		}
		w := d.startWatch(sc, kv.CursorFromVersion(cur))
		w.none(t, 500*time.Millisecond) // idle, probing, not tripping
		d.purgeStreamBelow(100)         // the head jumps past the frontier with nothing delivered
		if err := w.result(t, 5*time.Second); !isTrip(err) {
			t.Fatalf("idle %v watch: %v, want the floor-guard trip", sc, err)
		}
	}
}

// A filtered watch whose scope sees no writes moves its frontier past other keys' writes once
// the consumer is seen caught up, so retention evicting those writes does not trip it; the
// next write in scope is delivered.
func TestFilteredWatchAdvancesPastOtherKeys(t *testing.T) {
	t.Parallel()
	srv := embedded.StartT(t)
	d := openTestBucket(t, srv, Config{URL: srv.URL(), FloorGuardInterval: 100 * time.Millisecond}, "advance", evictsOldest)
	cur := d.put("y.0", "v")
	var ws []*watchRun
	for _, sc := range []kv.Scope{kv.Prefix("y"), kv.Prefixes("y", "z")} {
		ws = append(ws, d.startWatch(sc, kv.CursorFromVersion(cur)))
	}
	for i := range 5 {
		d.put(fmt.Sprintf("x.%d", i), "v")
	}
	// Three backstop periods: one probe reads the last sequence, the next asks the consumer,
	// finds it caught up, and advances.
	for _, w := range ws {
		w.none(t, 400*time.Millisecond)
	}
	everything, _ := protocol.ResumeStartSequence(d.streamInfo().State.LastSeq)
	d.purgeStreamBelow(everything)
	v := d.put("y.1", "v")
	for _, w := range ws {
		u := w.next(t)
		expect(t, u, kv.OpPut, "y.1", "v")
		if u.Version != v {
			t.Fatalf("delivered %v, put returned %v", u.Version, v)
		}
		w.none(t, 300*time.Millisecond)
	}
}
