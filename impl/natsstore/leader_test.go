package natsstore

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/internal/embedded"
)

// LeaderReads answers through STREAM.MSG.GET (the leader's API), never DIRECT.GET, with the
// same results as the default read; the default read is a direct get.
func TestLeaderReadsUseTheMessageGetAPI(t *testing.T) {
	t.Parallel()
	d := newTestBucket(t, "leader")
	var msgGets, directGets atomic.Int64
	sub1, _ := d.nc.Subscribe("$JS.API.STREAM.MSG.GET.KV_leader", func(*nats.Msg) { msgGets.Add(1) })
	sub2, _ := d.nc.Subscribe("$JS.API.DIRECT.GET.KV_leader.>", func(*nats.Msg) { directGets.Add(1) })
	defer func() { _ = sub1.Unsubscribe(); _ = sub2.Unsubscribe() }()
	if err := d.nc.Flush(); err != nil {
		t.Fatal(err)
	}
	v := d.put("node.a", "hello")
	d.put("empty", "")
	d.put("gone", "x")
	d.del("gone")

	l := d.store.LeaderReads()
	if !l.ReadsFromLeader() || d.store.ReadsFromLeader() {
		t.Fatal("LeaderReads must return a view and leave the store as it was")
	}
	ctx := testCtx(t)
	e, ok, err := l.Get(ctx, "node.a")
	if err != nil || !ok || e.Key != "node.a" || string(e.Value) != "hello" || e.Version != v {
		t.Fatalf("leader get: %+v %v %v", e, ok, err)
	}
	if _, ok, err := l.Get(ctx, "empty"); ok || err != nil {
		t.Fatalf("leader get hides the empty value: %v %v", ok, err)
	}
	if e, ok, err := l.Entry(ctx, "empty"); !ok || err != nil || len(e.Value) != 0 {
		t.Fatalf("leader entry shows the empty value: %v %v", ok, err)
	}
	if _, ok, err := l.Entry(ctx, "gone"); ok || err != nil {
		t.Fatalf("leader entry of a deleted key: %v %v", ok, err)
	}
	if _, ok, err := l.Get(ctx, "never"); ok || err != nil {
		t.Fatalf("leader get of an absent key: %v %v", ok, err)
	}
	_, _, err = l.Get(ctx, "bad..key")
	mustKind(t, err, kv.ErrInvalidKey, "leader get of an invalid key")
	waitCount := func(c *atomic.Int64, want int64) {
		t.Helper()
		poll(2*time.Second, func() bool { return c.Load() >= want }) // the exact count is checked next
	}
	waitCount(&msgGets, 5)
	if msgGets.Load() != 5 || directGets.Load() != 0 {
		t.Fatalf("leader reads: %d message gets, %d direct gets; want 5 and 0", msgGets.Load(), directGets.Load())
	}
	if _, _, err := d.store.Get(ctx, "node.a"); err != nil {
		t.Fatal(err)
	}
	waitCount(&directGets, 1)
	if directGets.Load() != 1 || msgGets.Load() != 5 {
		t.Fatalf("default read: %d direct gets, %d message gets; want 1 and 5", directGets.Load(), msgGets.Load())
	}
}

// On a 3-node cluster with a 3-replica bucket, leader reads return what was written, through any
// node, and concurrent compare-and-swaps on one key have exactly one winner, every loser
// classified as decided (10071) or in flight (10164).
func TestLeaderReadsAndCASOnAReplicatedBucket(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("starts a 3-node cluster")
	}
	c := embedded.StartClusterT(t, embedded.ClusterOptions{})
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	var stores []*Store
	for i := range c.Nodes() {
		conn, err := Connect(ctx, Config{URL: c.Node(i).URL()})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = conn.Close() })
		st, err := conn.OpenBucket(ctx, kv.StoreConfig{Name: "r3", MaxBytes: 8 << 20, Replicas: 3})
		if err != nil {
			t.Fatalf("open 3-replica bucket via node %d: %v", i+1, err)
		}
		stores = append(stores, st)
	}
	v, err := stores[0].Put(ctx, "k", []byte("one"))
	if err != nil {
		t.Fatal(err)
	}
	for i, st := range stores {
		e, ok, err := st.LeaderReads().Get(ctx, "k")
		if err != nil || !ok || string(e.Value) != "one" || e.Version != v {
			t.Fatalf("leader read through node %d: %+v %v %v", i+1, e, ok, err)
		}
	}
	var wg sync.WaitGroup
	var wins, decided, inFlight atomic.Int64
	for i := range 24 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := stores[i%len(stores)].Update(ctx, "k", []byte{byte(i)}, v)
			switch {
			case err == nil:
				wins.Add(1)
			case errors.Is(err, kv.ErrWriteInFlight):
				inFlight.Add(1)
			case errors.Is(err, kv.ErrRevisionMismatch):
				decided.Add(1)
			default:
				t.Errorf("unexpected CAS error: %v", err)
			}
		}()
	}
	wg.Wait()
	t.Logf("24 concurrent CAS on 3 replicas: %d won, %d decided mismatches (10071), %d in flight (10164)", wins.Load(), decided.Load(), inFlight.Load())
	if wins.Load() != 1 {
		t.Fatalf("%d CAS writes won, want exactly 1", wins.Load())
	}
	latest, ok, err := stores[1].LeaderReads().Get(ctx, "k")
	if err != nil || !ok || rev(t, latest.Version) <= rev(t, v) {
		t.Fatalf("leader read after the CAS race: %+v %v %v", latest, ok, err)
	}
}
