package lease

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/natsstore"
	"github.com/slipstream-go/slipstream/internal/embedded"
)

const key = "export.lease"

// clock is a settable fake clock shared by every lease of a test.
type clock struct{ ns atomic.Int64 }

func (c *clock) now() time.Time          { return time.Unix(0, c.ns.Load()) }
func (c *clock) advance(d time.Duration) { c.ns.Add(int64(d)) }

func newClock() *clock {
	c := &clock{}
	c.ns.Store(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano())
	return c
}

func bucket(t *testing.T) *natsstore.Store {
	t.Helper()
	srv := embedded.StartT(t)
	ctx := context.Background()
	conn, err := natsstore.Connect(ctx, natsstore.Config{URL: srv.URL()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	s, err := conn.OpenBucket(ctx, kv.StoreConfig{Name: "leases"})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func node(t *testing.T, s Store, c *clock, holder string) *Lease {
	t.Helper()
	l, err := New(s, key, holder)
	if err != nil {
		t.Fatal(err)
	}
	l.Now = c.now
	return l
}

func TestContendersHaveExactlyOneWinner(t *testing.T) {
	s, c := bucket(t), newClock()
	const n = 8
	var wins atomic.Int32
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			g, err := node(t, s, c, fmt.Sprintf("node-%d", i)).TryAcquire(context.Background(), time.Minute)
			if err != nil {
				errs <- err
			}
			if g != nil {
				wins.Add(1)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got := wins.Load(); got != 1 {
		t.Fatalf("%d of %d contenders won the lease, want exactly 1", got, n)
	}
}

func TestLiveLeaseIsLeftAlone(t *testing.T) {
	s, c := bucket(t), newClock()
	ctx := context.Background()
	a, b := node(t, s, c, "node-a"), node(t, s, c, "node-b")
	if g, err := a.TryAcquire(ctx, time.Minute); err != nil || g == nil {
		t.Fatalf("first acquire: guard %v, err %v", g, err)
	}
	c.advance(time.Minute - time.Nanosecond)
	if g, err := b.TryAcquire(ctx, time.Minute); err != nil || g != nil {
		t.Fatalf("acquire of a live lease: guard %v, err %v; want nil, nil", g, err)
	}
	if r, ok, err := b.Current(ctx); err != nil || !ok || r.Holder != "node-a" {
		t.Fatalf("Current = %+v, %v, %v; want node-a's record", r, ok, err)
	}
}

func TestExpiredLeaseIsTakenOver(t *testing.T) {
	s, c := bucket(t), newClock()
	ctx := context.Background()
	a, b := node(t, s, c, "node-a"), node(t, s, c, "node-b")
	if g, err := a.TryAcquire(ctx, time.Second); err != nil || g == nil {
		t.Fatalf("first acquire: guard %v, err %v", g, err)
	}
	c.advance(time.Second) // an expiry exactly at now counts as expired
	g, err := b.TryAcquire(ctx, time.Minute)
	if err != nil || g == nil {
		t.Fatalf("takeover of an expired lease: guard %v, err %v", g, err)
	}
	r, ok, err := b.Current(ctx)
	if err != nil || !ok || r.Holder != "node-b" || r.ExpiresUnixNano != c.now().Add(time.Minute).UnixNano() {
		t.Fatalf("Current = %+v, %v, %v; want node-b's record expiring in a minute", r, ok, err)
	}
}

func TestCorruptLeaseIsTakenOver(t *testing.T) {
	for name, val := range map[string][]byte{"garbage": []byte("{not json"), "no holder": []byte(`{"expires_unix_nano":9223372036854775807}`), "empty tombstone": {}} {
		t.Run(name, func(t *testing.T) {
			s, c := bucket(t), newClock()
			ctx := context.Background()
			if _, err := s.Put(ctx, key, val); err != nil {
				t.Fatal(err)
			}
			if len(val) > 0 {
				if _, _, err := node(t, s, c, "x").Current(ctx); !errors.Is(err, ErrCorrupt) {
					t.Fatalf("Current of a corrupt record: %v, want ErrCorrupt", err)
				}
			}
			g, err := node(t, s, c, "node-b").TryAcquire(ctx, time.Minute)
			if err != nil || g == nil {
				t.Fatalf("takeover of a corrupt lease: guard %v, err %v", g, err)
			}
		})
	}
}

func TestCompleteRecordsTheCursorAndKeepsTheExpiry(t *testing.T) {
	s, c := bucket(t), newClock()
	ctx := context.Background()
	a := node(t, s, c, "node-a")
	g, err := a.TryAcquire(ctx, time.Minute)
	if err != nil || g == nil {
		t.Fatalf("acquire: %v, %v", g, err)
	}
	c.advance(time.Second)
	if stolen, err := g.Complete(ctx, kv.CursorFromUint64(42)); err != nil || stolen {
		t.Fatalf("Complete = stolen %v, %v", stolen, err)
	}
	r, ok, err := a.Current(ctx)
	if err != nil || !ok {
		t.Fatalf("Current: %v, %v", ok, err)
	}
	cur, done, err := r.Completed()
	if err != nil || !done || *r.CompletedCursorHex != "000000000000002a" || cur != kv.CursorFromUint64(42) {
		t.Fatalf("completed cursor %v (%v, %v), hex %v; want 42", cur, done, err, r.CompletedCursorHex)
	}
	if r.Holder != "node-a" || *r.CompletedUnixNano != c.now().UnixNano() || r.ExpiresUnixNano != g.Record().AcquiredUnixNano+int64(time.Minute) {
		t.Fatalf("record after Complete: %+v", r)
	}
	// The completed record still blocks the next node until it expires.
	if g, err := node(t, s, c, "node-b").TryAcquire(ctx, time.Minute); g != nil || err != nil {
		t.Fatalf("acquire after Complete: %v, %v; want nil, nil", g, err)
	}
}

func TestAbandonFreesTheLeaseAtOnce(t *testing.T) {
	s, c := bucket(t), newClock()
	ctx := context.Background()
	g, err := node(t, s, c, "node-a").TryAcquire(ctx, time.Hour)
	if err != nil || g == nil {
		t.Fatalf("acquire: %v, %v", g, err)
	}
	if stolen, err := g.Abandon(ctx); err != nil || stolen {
		t.Fatalf("Abandon = stolen %v, %v", stolen, err)
	}
	if g, err := node(t, s, c, "node-b").TryAcquire(ctx, time.Hour); err != nil || g == nil {
		t.Fatalf("acquire after Abandon: %v, %v; want a guard", g, err)
	}
}

// A round that overran its TTL loses the lease to a takeover; its Complete and Abandon then
// change nothing and report the loss.
func TestCompleteAndAbandonLoseCleanlyToAStolenLease(t *testing.T) {
	for _, resolve := range []string{"complete", "abandon"} {
		t.Run(resolve, func(t *testing.T) {
			s, c := bucket(t), newClock()
			ctx := context.Background()
			a, b := node(t, s, c, "node-a"), node(t, s, c, "node-b")
			ga, err := a.TryAcquire(ctx, time.Second)
			if err != nil || ga == nil {
				t.Fatalf("acquire: %v, %v", ga, err)
			}
			c.advance(2 * time.Second)
			if gb, err := b.TryAcquire(ctx, time.Minute); err != nil || gb == nil {
				t.Fatalf("takeover: %v, %v", gb, err)
			}
			var stolen bool
			if resolve == "complete" {
				stolen, err = ga.Complete(ctx, kv.CursorFromUint64(7))
			} else {
				stolen, err = ga.Abandon(ctx)
			}
			if err != nil || !stolen {
				t.Fatalf("%s after takeover = stolen %v, %v; want stolen, nil", resolve, stolen, err)
			}
			r, ok, err := b.Current(ctx)
			if err != nil || !ok || r.Holder != "node-b" || r.CompletedCursorHex != nil {
				t.Fatalf("record after the loser's %s: %+v, %v, %v; want node-b's, untouched", resolve, r, ok, err)
			}
		})
	}
}

// inFlightCreates refuses every Create as a replicated bucket does when another create of the
// same key is still in flight (NATS error 10164): undecided, nothing written.
type inFlightCreates struct{ Store }

func (inFlightCreates) Create(context.Context, string, []byte) (kv.Version, error) {
	return kv.Version{}, kv.ErrWriteInFlight
}

// Two exporters creating the lease at once on an R3 bucket: the loser's create comes back
// undecided. That is a lost race, not a store failure, so the round is skipped without error
// (the chaos run's export fleet saw such rounds fail before).
func TestUndecidedCreateIsALostRace(t *testing.T) {
	c := newClock()
	l := node(t, inFlightCreates{bucket(t)}, c, "node-b")
	g, err := l.TryAcquire(context.Background(), time.Minute)
	if err != nil || g != nil {
		t.Fatalf("TryAcquire after an undecided create = guard %v, err %v; want nil, nil", g, err)
	}
}
