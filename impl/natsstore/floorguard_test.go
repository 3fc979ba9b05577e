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
	"github.com/slipstream-go/slipstream/protocol"
)

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
	return errors.Is(err, kv.ErrWatch) && strings.Contains(err.Error(), tripText)
}

// The guard's decisions with a fake probe: no probe without a gap, a probe before a gapped
// delivery, a trip exactly when the first sequence passed frontier+1, and a frontier that never
// moves back.
func TestFloorGuardDecisions(t *testing.T) {
	t.Parallel()
	first, probes := uint64(1), 0
	clock := time.Unix(0, 0)
	g := &floorGuard{
		frontier: 10,
		probe:    func(context.Context) (uint64, error) { probes++; return first, nil },
		every:    time.Minute,
		due:      clock.Add(time.Minute),
		fail:     func(f, fr uint64) error { return fmt.Errorf("%s %d %d", tripText, f, fr) },
		probeErr: func(err error) error { return err },
		now:      func() time.Time { return clock },
	}
	ctx := context.Background()
	if err := g.admit(ctx, 11); err != nil || probes != 0 {
		t.Fatalf("dense delivery: %v, %d probes", err, probes)
	}
	g.delivered(11)
	first = 5 // interior gap: the window is still fine
	if err := g.admit(ctx, 20); err != nil || probes != 1 {
		t.Fatalf("benign gap: %v, %d probes", err, probes)
	}
	first = 13 // revision 12 was evicted unseen
	if err := g.admit(ctx, 20); err == nil || probes != 2 {
		t.Fatalf("overrun gap must trip: %v, %d probes", err, probes)
	}
	first = 12
	if err := g.admit(ctx, 20); err != nil {
		t.Fatalf("first sequence 12 right after frontier 11 is within the window: %v", err)
	}
	g.delivered(20)
	g.delivered(15)
	if g.frontier != 20 {
		t.Fatalf("frontier moved back to %d", g.frontier)
	}
	// Backstop: nothing until due, then a probe that trips on an idle overrun.
	first = 30
	if err := g.backstop(ctx); err != nil || probes != 3 {
		t.Fatalf("backstop before due: %v, %d probes", err, probes)
	}
	clock = clock.Add(2 * time.Minute)
	if err := g.backstop(ctx); err == nil || probes != 4 {
		t.Fatalf("due backstop on an overrun frontier: %v, %d probes", err, probes)
	}
	boom := errors.New("lookup failed")
	g.probe = func(context.Context) (uint64, error) { return 0, boom }
	if err := g.admit(ctx, 40); !errors.Is(err, boom) {
		t.Fatalf("a failed probe must fail the watch: %v", err)
	}
}

// A gapped delivery with an advanced floor trips: revisions 1-5, the stream purged
// below 4, a consumer started at 2 (clamped by the server to 4) fed to the guarded pump with
// frontier 1. The guard must trip before forwarding revision 4, within 5 s: in-band, not by
// the 30 s backstop.
func TestGappedDeliveryWithAdvancedFloorTrips(t *testing.T) {
	t.Parallel()
	d := newTestBucket(t, "gapped")
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
	err = d.store.pump(context.Background(), it, out, d.store.newFloorGuard(1))
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
	d := newTestBucket(t, "overrun", func(c *kv.StoreConfig) { c.MaxBytes = 64 << 20 })
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

// The backstop catches retention overrunning an idle watch (no delivery, so no gap to see).
func TestBackstopTripsAnIdleWatch(t *testing.T) {
	t.Parallel()
	// Prefix("") selects every key: the same dense stream as All, so the same guard.
	for _, sc := range []kv.Scope{kv.All(), kv.Prefix("")} {
		d := newTestBucket(t, "backstop")
		d.store.hooks.floorGuardBackstop = 300 * time.Millisecond
		for i := range 5 {
			d.put(fmt.Sprintf("k%d", i), "v")
		}
		w := d.startWatch(sc, kv.CursorFromUint64(5))
		w.none(t, 500*time.Millisecond) // idle, probing, not tripping
		d.purgeStreamBelow(100)         // the head jumps past the frontier with nothing delivered
		if first := d.streamInfo().State.FirstSeq; first <= 6 {
			t.Fatalf("setup: first sequence %d", first)
		}
		if err := w.result(t, 5*time.Second); !isTrip(err) {
			t.Fatalf("idle %v watch: %v, want the floor-guard trip", sc, err)
		}
	}
}

// Prefix watches have no live guard (their revisions are sparse by design), so a
// head eviction past the frontier does not end them.
func TestPrefixResumeWatchHasNoFloorGuard(t *testing.T) {
	t.Parallel()
	d := newTestBucket(t, "noguard")
	d.store.hooks.floorGuardBackstop = 200 * time.Millisecond
	d.put("x.1", "v")
	d.put("x.2", "v")
	cur := d.put("x.3", "v")
	var ws []*watchRun
	for _, sc := range []kv.Scope{kv.Prefix("y"), kv.Prefixes("y", "z")} {
		ws = append(ws, d.startWatch(sc, kv.CursorFromVersion(cur)))
	}
	for _, w := range ws {
		w.none(t, 300*time.Millisecond)
	}
	d.put("x.4", "v")
	everything, _ := protocol.ResumeStartSequence(d.streamInfo().State.LastSeq)
	d.purgeStreamBelow(everything)
	v := d.put("y.1", "v")
	first := d.streamInfo().State.FirstSeq
	if protocol.ResumeWindowOK(rev(t, cur), first) {
		t.Fatalf("setup: first sequence %d does not pass the frontier %v", first, cur)
	}
	for _, w := range ws {
		u := w.next(t)
		expect(t, u, kv.OpPut, "y.1", "v")
		if u.Version != v {
			t.Fatalf("delivered %v, put returned %v", u.Version, v)
		}
		w.none(t, 500*time.Millisecond) // several backstop periods: still running
		select {
		case err := <-w.done:
			t.Fatalf("a prefix watch ended: %v", err)
		default:
		}
	}
}
