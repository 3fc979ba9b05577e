package natsstore

import (
	"context"
	"testing"
	"time"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/internal/embedded"
)

// A watch's updates carry the stream's stamp and, for a key removed by age, Expired; a
// WatchCaughtUp watch proves it is caught up while quiet, at a time after everything it sent
// was stored, and calls nothing while it has more to send.
func TestWatchStampsExpiriesAndCaughtUp(t *testing.T) {
	t.Parallel()
	srv := embedded.StartT(t)
	c := connectTo(t, srv, Config{MarkerTTL: 5 * time.Second, FloorGuardInterval: 50 * time.Millisecond})
	s, err := c.OpenBucket(testCtx(t), kv.StoreConfig{Name: "stamps", MaxAge: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	before := time.Now()
	if _, err := s.Put(testCtx(t), "k.gone", []byte("v")); err != nil {
		t.Fatal(err)
	}
	after := time.Now()

	ctx, cancel := context.WithCancel(context.Background())
	out := make(chan kv.Update, 16)
	proofs := make(chan time.Time, 64)
	done := make(chan error, 1)
	go func() {
		done <- s.WatchCaughtUp(ctx, kv.All(), kv.Cursor{}, out, func(at time.Time) {
			select {
			case proofs <- at:
			default:
			}
		})
	}()
	t.Cleanup(func() { cancel(); <-done })

	u := next(t, out, "k.gone", 5*time.Second)
	// The server runs in this process, on this clock.
	if u.Op != kv.OpPut || u.Expired || u.Stamp.Before(before.Add(-time.Second)) || u.Stamp.After(after.Add(time.Second)) {
		t.Fatalf("put delivered as %+v; want a put stamped between %v and %v", u, before, after)
	}
	select {
	case at := <-proofs:
		if at.Before(u.Stamp.Add(-time.Second)) {
			t.Fatalf("caught-up proof at %v, before the update it follows (%v)", at, u.Stamp)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a quiet watch gave no caught-up proof within 5 s")
	}
	m := next(t, out, "k.gone", 10*time.Second)
	if m.Op != kv.OpPurge || !m.Expired || !m.Stamp.After(u.Stamp) {
		t.Fatalf("aged-out key delivered as %+v; want an expired purge stamped after the put", m)
	}

	if err := s.Delete(testCtx(t), "k.deleted"); err != nil {
		t.Fatal(err)
	}
	if d := next(t, out, "k.deleted", 5*time.Second); d.Op != kv.OpDelete || d.Expired {
		t.Fatalf("a delete delivered as %+v; want a delete that is not an expiry", d)
	}
}

// The guard's caught-up proofs with a fake stream and consumer: a proof only when the consumer
// says it is caught up or the frontier reached the stream's last sequence, dated by the clock
// read before the probe, reported once, and never without a listener.
func TestFloorGuardCaughtUpProofs(t *testing.T) {
	t.Parallel()
	first, last := uint64(1), uint64(10)
	pending, sent := uint64(1), uint64(0)
	clock := time.Unix(100, 0)
	var proofs []time.Time
	g := &floorGuard{
		frontier: 5,
		probe:    func(context.Context) (uint64, uint64, bool, error) { return first, last, true, nil },
		consumer: func(context.Context) (uint64, uint64, error) { return pending, sent, nil },
		every:    time.Minute,
		fail:     func(f, fr uint64) error { return ErrFloorGuardTripped },
		probeErr: func(err error) error { return err },
		now:      func() time.Time { return clock },
		caughtUp: func(at time.Time) { proofs = append(proofs, at) },
	}
	ctx := context.Background()
	// Behind (frontier 5, last 10), nothing known about the consumer yet: no proof.
	if err := g.check(ctx, true); err != nil {
		t.Fatal(err)
	}
	g.reportCaughtUp()
	if len(proofs) != 0 {
		t.Fatalf("proof %v while behind", proofs)
	}
	// The consumer has one pending: still no proof.
	if err := g.check(ctx, true); err != nil {
		t.Fatal(err)
	}
	g.reportCaughtUp()
	if len(proofs) != 0 {
		t.Fatalf("proof %v with a message pending", proofs)
	}
	// Caught up: a proof dated by the clock read before asking.
	pending, clock = 0, time.Unix(103, 0)
	if err := g.check(ctx, true); err != nil {
		t.Fatal(err)
	}
	g.reportCaughtUp()
	g.reportCaughtUp()
	if len(proofs) != 1 || !proofs[0].Equal(time.Unix(103, 0)) {
		t.Fatalf("proofs %v; want one, at 103 s", proofs)
	}
	// The frontier reached the last sequence (10): a proof without asking the consumer.
	pending, clock = 5, time.Unix(104, 0) // the consumer would refuse, if it were asked
	if err := g.check(ctx, true); err != nil || g.frontier != 10 {
		t.Fatalf("check: %v, frontier %d", err, g.frontier)
	}
	g.reportCaughtUp()
	if len(proofs) != 2 || !proofs[1].Equal(time.Unix(104, 0)) {
		t.Fatalf("proofs %v; want a second, at 104 s", proofs)
	}
	g.caughtUp = nil
	if err := g.check(ctx, true); err != nil {
		t.Fatal(err)
	}
	g.reportCaughtUp() // no listener: nothing to call
}

// Markers turned on by EnableExpiryMarkers set the cadence of later caught-up proofs: with the
// default 30 s FloorGuardInterval and a one-second marker TTL, a quiet filtered watch (an
// out-of-scope key written last, so every proof needs the consumer's word) proves it is caught
// up again and again within seconds, each proof later than the one before.
func TestCaughtUpCadenceFollowsMarkerTTL(t *testing.T) {
	t.Parallel()
	d := newTestBucket(t, "cadence")
	d.put("in.a", "1")
	d.put("out.b", "2")
	if d.store.Capabilities().ExpiryVisible {
		t.Fatal("a bucket without expiry reports visible expiries")
	}
	if _, err := d.store.EnableExpiryMarkers(testCtx(t), time.Second); err != nil {
		t.Fatal(err)
	}
	if !d.store.Capabilities().ExpiryVisible {
		t.Fatal("Capabilities does not follow EnableExpiryMarkers")
	}

	ctx, cancel := context.WithCancel(context.Background())
	out := make(chan kv.Update, 16)
	proofs := make(chan time.Time, 64)
	done := make(chan error, 1)
	started := time.Now()
	go func() {
		done <- d.store.WatchCaughtUp(ctx, kv.Prefix("in"), kv.Cursor{}, out, func(at time.Time) {
			select {
			case proofs <- at:
			default:
			}
		})
	}()
	t.Cleanup(func() { cancel(); <-done })
	next(t, out, "in.a", 5*time.Second)
	prev := started
	for i := range 4 {
		select {
		case at := <-proofs:
			if !at.After(prev) {
				t.Fatalf("proof %d at %v, not after %v", i, at, prev)
			}
			prev = at
		case err := <-done:
			t.Fatalf("the watch ended: %v", err)
		case <-time.After(10 * time.Second):
			t.Fatalf("%d caught-up proofs within 10 s of the previous one; markers living 1 s need them within a fraction of that", i)
		}
	}
}

// proveEvery: on a bucket with markers the period is the smaller of the guard's own and a
// quarter of the marker TTL, and the first probe is due at once; without markers nothing
// changes.
func TestProveEvery(t *testing.T) {
	t.Parallel()
	clock := time.Unix(100, 0)
	for _, tc := range []struct {
		every, markerTTL, want time.Duration
		dueNow                 bool
	}{
		{30 * time.Second, 0, 30 * time.Second, false},
		{30 * time.Second, 2 * time.Second, 500 * time.Millisecond, true},
		{30 * time.Second, time.Hour, 30 * time.Second, true},
		{time.Second, 20 * time.Second, time.Second, true},
	} {
		g := &floorGuard{every: tc.every, now: func() time.Time { return clock }}
		g.due = clock.Add(tc.every)
		g.proveEvery(tc.markerTTL)
		if g.every != tc.want || g.due.Equal(clock) != tc.dueNow {
			t.Errorf("every %v, marker TTL %v: period %v, first probe due at once %v; want %v, %v",
				tc.every, tc.markerTTL, g.every, g.due.Equal(clock), tc.want, tc.dueNow)
		}
	}
}
