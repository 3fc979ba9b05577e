package natsstore

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/internal/embedded"
)

// Healthy follows the live connection through an outage and back.
func TestHealthReflectsServerDeath(t *testing.T) {
	t.Parallel()
	srv := embedded.StartT(t)
	c := connectTo(t, srv, Config{RequestTimeout: 2 * time.Second})
	if !c.Healthy() {
		t.Fatal("not healthy before the outage")
	}
	srv.Stop()
	took := eventually(t, 15*time.Second, "unhealthy after the server died", func() bool { return !c.Healthy() })
	t.Logf("unhealthy %v after the server stopped", took)
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	took = eventually(t, 15*time.Second, "healthy again after the server came back", c.Healthy)
	t.Logf("healthy again %v after the restart", took)
	s, err := c.OpenBucket(testCtx(t), kv.StoreConfig{Name: "after_outage"})
	if err != nil {
		t.Fatalf("OpenBucket after reconnecting: %v", err)
	}
	roundTrip(t, s, "k", "v")
}

// OpenBucket on a connection whose server died returns ErrTimeout (or ErrNotConnected) within
// a few request timeouts, never hangs.
func TestOpenBucketOnDeadServerIsBounded(t *testing.T) {
	t.Parallel()
	srv := embedded.StartT(t)
	const rt = 300 * time.Millisecond
	c := connectTo(t, srv, Config{RequestTimeout: rt})
	srv.Stop()
	eventually(t, 15*time.Second, "unhealthy after the server stopped", func() bool { return !c.Healthy() })
	for _, d := range []kv.DiscardPolicy{kv.DiscardNew, kv.DiscardOld} {
		start := time.Now()
		_, err := c.OpenBucket(context.Background(), kv.StoreConfig{Name: "dead", Discard: d})
		took := time.Since(start)
		if !errors.Is(err, kv.ErrTimeout) && !errors.Is(err, kv.ErrNotConnected) {
			t.Fatalf("discard %v: OpenBucket on a dead server = %v, want ErrTimeout or ErrNotConnected", d, err)
		}
		if took > 4*rt+time.Second {
			t.Fatalf("discard %v: OpenBucket on a dead server took %v (request timeout %v)", d, took, rt)
		}
		t.Logf("discard %v: %v after %v", d, err, took)
	}
}

// Close ends an owned connection while a store opened earlier is held: the store sees the
// Conn closed, and Close does not wait for an OpenBucket in flight.
func TestCloseDoesNotWaitForOpenBucket(t *testing.T) {
	t.Parallel()
	srv := embedded.StartT(t)
	c := connectTo(t, srv, Config{RequestTimeout: 5 * time.Second})
	inFlight, hook := signal()
	c.hooks.openBucketStep = func(string) { hook() }
	srv.Stop() // OpenBucket now waits on its first request
	done := make(chan error, 1)
	go func() {
		_, err := c.OpenBucket(context.Background(), kv.StoreConfig{Name: "slow"})
		done <- err
	}()
	waitSignal(t, inFlight, 5*time.Second, "OpenBucket sends its first request")
	start := time.Now()
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > time.Second {
		t.Fatalf("Close waited %v for an OpenBucket in flight", took)
	}
	select {
	case err := <-done:
		if !errors.Is(err, kv.ErrNotConnected) && !errors.Is(err, kv.ErrTimeout) {
			t.Fatalf("OpenBucket interrupted by Close = %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("OpenBucket did not return after Close")
	}
}
