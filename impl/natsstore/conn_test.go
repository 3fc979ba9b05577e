package natsstore

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/internal/embedded"
)

// Healthy is false before Connect, true after, and false after Close, which closes the owned
// connection; Close twice is harmless.
func TestHealthFollowsLifecycle(t *testing.T) {
	t.Parallel()
	srv := embedded.StartT(t)
	var never Conn
	if never.Healthy() {
		t.Fatal("a Conn that was never connected reports healthy")
	}
	c := connectTo(t, srv, Config{})
	if !c.Healthy() {
		t.Fatal("a fresh connection is not healthy")
	}
	if err := c.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if c.Healthy() {
		t.Fatal("a closed connection reports healthy")
	}
	if !c.nc.IsClosed() {
		t.Fatal("Close left the owned nats connection open")
	}
	if err := c.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}

// Opening a store before connecting gives ErrNotConnected: "not connected yet" is the zero Conn.
func TestOpenBucketBeforeConnectIsNotConnected(t *testing.T) {
	t.Parallel()
	var c Conn
	_, err := c.OpenBucket(context.Background(), kv.StoreConfig{Name: "b"})
	if !errors.Is(err, kv.ErrNotConnected) {
		t.Fatalf("OpenBucket on a zero Conn = %v, want ErrNotConnected", err)
	}
	if !strings.Contains(err.Error(), "Connect") {
		t.Fatalf("error %q does not say what to do", err)
	}
}

// Capabilities report what NATS offers; TTL only on a bucket created with AllowTTL.
func TestCapabilitiesReportNatsFeatures(t *testing.T) {
	t.Parallel()
	srv := embedded.StartT(t)
	c := connectTo(t, srv, Config{})
	caps := c.Capabilities()
	if !caps.StreamingWatch || !caps.PrefixWatch || !caps.CAS || !caps.Purge || !caps.LeaderRead {
		t.Fatalf("missing a NATS capability: %+v", caps)
	}
	if caps.TTL || caps.Transactions || caps.GlobalOrdering || caps.MaxValueSize != 0 {
		t.Fatalf("advertises a capability it lacks: %+v", caps)
	}
	ctx := testCtx(t)
	plain, err := c.OpenBucket(ctx, kv.StoreConfig{Name: "caps_plain"})
	if err != nil {
		t.Fatal(err)
	}
	if plain.Capabilities().TTL {
		t.Fatal("a bucket created without AllowTTL advertises TTL")
	}
	ttl, err := c.OpenBucket(ctx, kv.StoreConfig{Name: "caps_ttl", AllowTTL: true})
	if err != nil {
		t.Fatal(err)
	}
	if !ttl.Capabilities().TTL {
		t.Fatal("a bucket created with AllowTTL does not advertise TTL")
	}
}

// After Close, reconnecting is Connect again; stores follow their own Conn.
func TestReconnectAfterClose(t *testing.T) {
	t.Parallel()
	srv := embedded.StartT(t)
	first := connectTo(t, srv, Config{})
	old, err := first.OpenBucket(testCtx(t), kv.StoreConfig{Name: "again"})
	if err != nil {
		t.Fatal(err)
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	second := connectTo(t, srv, Config{})
	if !second.Healthy() {
		t.Fatal("a second Connect after Close is not healthy")
	}
	s, err := second.OpenBucket(testCtx(t), kv.StoreConfig{Name: "again"})
	if err != nil {
		t.Fatal(err)
	}
	roundTrip(t, s, "k", "v2")
	if !old.conn.isClosed() || s.conn.isClosed() {
		t.Fatal("stores must follow their own Conn: the old one closed, the new one open")
	}
}

// 16 concurrent Connects and 16 concurrent
// get-or-creates of one bucket all succeed and yield working stores.
func TestConcurrentConnectIsSafe(t *testing.T) {
	t.Parallel()
	srv := embedded.StartT(t)
	const n = 16
	conns := make([]*Conn, n)
	stores := make([]*Store, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			c, err := Connect(testCtx(t), Config{URL: srv.URL()})
			if err != nil {
				errs[i] = err
				return
			}
			conns[i] = c
			stores[i], errs[i] = c.OpenBucket(testCtx(t), kv.StoreConfig{Name: "race", MaxHistory: 3})
		})
	}
	wg.Wait()
	for i := range n {
		if conns[i] != nil {
			t.Cleanup(func() { _ = conns[i].Close() })
		}
		if errs[i] != nil {
			t.Fatalf("connection %d: %v", i, errs[i])
		}
		if !conns[i].Healthy() {
			t.Fatalf("connection %d is not healthy", i)
		}
	}
	roundTrip(t, stores[0], "k", "from-0")
	e, err := stores[n-1].kv.Get(testCtx(t), "k")
	if err != nil || string(e.Value()) != "from-0" {
		t.Fatalf("store %d does not see store 0's write: %v", n-1, err)
	}
}

// Conn.String shows the state and never a credential.
func TestConnStringIsRedacted(t *testing.T) {
	t.Parallel()
	srv := embedded.StartT(t)
	nc, _ := rawClient(t, srv)
	c, err := FromClient(nc, Config{URL: "nats://alice:hunter2@example:4222", Creds: "c2VjcmV0"})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{c.String(), fmt.Sprintf("%v", c), fmt.Sprintf("%+v", c)} {
		if strings.Contains(s, "hunter2") || strings.Contains(s, "c2VjcmV0") || strings.Contains(s, "alice") {
			t.Fatalf("Conn formats with a credential: %s", s)
		}
		if !strings.Contains(s, "CONNECTED") || !strings.Contains(s, "example:4222") {
			t.Fatalf("Conn.String lacks state or host: %s", s)
		}
	}
	_ = c.Close()
	if !strings.Contains(c.String(), "closed") {
		t.Fatalf("closed Conn formats as %s", c.String())
	}
}

// Conn used through kv.Connection: Store opens a working kv.Store (with the optional
// interfaces), a failure is a nil interface, and after Close every store handed out earlier
// fails with ErrNotConnected.
func TestConnectionInterfaceAndCloseBreaksStores(t *testing.T) {
	t.Parallel()
	srv := embedded.StartT(t)
	var conn kv.Connection = connectTo(t, srv, Config{})
	st, err := conn.Store(testCtx(t), kv.StoreConfig{Name: "iface"})
	if err != nil {
		t.Fatal(err)
	}
	w, ok := st.(kv.Writer)
	if !ok {
		t.Fatal("the store is not a kv.Writer")
	}
	if _, ok := st.(kv.Watcher); !ok {
		t.Fatal("the store is not a kv.Watcher")
	}
	if _, err := w.Put(testCtx(t), "k", []byte("v")); err != nil {
		t.Fatal(err)
	}
	if e, ok, err := st.Get(testCtx(t), "k"); err != nil || !ok || string(e.Value) != "v" {
		t.Fatalf("Get = %+v, %v, %v", e, ok, err)
	}
	bad, err := conn.Store(testCtx(t), kv.StoreConfig{Name: "bad.name"})
	if err == nil || bad != nil {
		t.Fatalf("Store with an invalid name = %v, %v; want a nil interface and an error", bad, err)
	}
	if err := conn.Close(); err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.Get(testCtx(t), "k"); !errors.Is(err, kv.ErrNotConnected) {
		t.Fatalf("Get after Close = %v, want ErrNotConnected", err)
	}
	if _, err := w.Put(testCtx(t), "k", []byte("v2")); !errors.Is(err, kv.ErrNotConnected) {
		t.Fatalf("Put after Close = %v, want ErrNotConnected", err)
	}
	if _, err := conn.Store(testCtx(t), kv.StoreConfig{Name: "iface"}); !errors.Is(err, kv.ErrNotConnected) {
		t.Fatalf("Store after Close = %v, want ErrNotConnected", err)
	}
}
