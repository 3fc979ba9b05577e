package natsstore

import (
	"context"
	"errors"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/internal/embedded"
)

func expect(t *testing.T, u kv.Update, op kv.Op, key, value string) {
	t.Helper()
	if u.Op != op || u.Key != key || (op == kv.OpPut && string(u.Value) != value) {
		t.Fatalf("got %v %s=%q, want %v %s=%q", u.Op, u.Key, u.Value, op, key, value)
	}
	if u.Version.IsUnknown() {
		t.Fatalf("update %s has the unknown version", key)
	}
}

// A watch of every key delivers live puts, deletes and purges in order, with their versions.
//
// The bucket keeps several revisions per key. With one (the default), the delete of a removes
// a=1 from the stream as it is written, so a watch that had not read a=1 yet never gets it (the
// server skips it; see TestWatchSkipsRevisionsSupersededBeforeDelivery): under load this test
// then saw b=2 first. What a watch owes is every update still in the bucket when it reaches
// it, and with room for a's two revisions that is every update written here.
func TestWatchAllStreamsLiveUpdates(t *testing.T) {
	t.Parallel()
	d := newTestBucket(t, "wall", func(c *kv.StoreConfig) { c.MaxHistory = 5 })
	w := d.startWatch(kv.All(), kv.Cursor{})
	d.establish(w, "sentinel")
	va := d.put("a", "1")
	d.put("b", "2")
	d.del("a")
	u := w.next(t)
	expect(t, u, kv.OpPut, "a", "1")
	if u.Version != va {
		t.Fatalf("version %v, put returned %v", u.Version, va)
	}
	expect(t, w.next(t), kv.OpPut, "b", "2")
	expect(t, w.next(t), kv.OpDelete, "a", "")
	if err := d.store.Purge(testCtx(t), "b"); err != nil {
		t.Fatal(err)
	}
	expect(t, w.next(t), kv.OpPurge, "b", "")
}

// A Prefix watch is filtered on the server at a token boundary: "node" never selects "nodes.y".
func TestWatchPrefixFiltersBySubject(t *testing.T) {
	t.Parallel()
	d := newTestBucket(t, "wprefix")
	w := d.startWatch(kv.Prefix("node"), kv.Cursor{})
	d.establish(w, "node.sentinel")
	d.put("other.x", "1")
	d.put("nodes.y", "1") // not below node.
	d.put("node.a", "2")
	expect(t, w.next(t), kv.OpPut, "node.a", "2")
	w.none(t, 300*time.Millisecond)
}

// A Prefixes watch is one multi-filter consumer for the union of its subtrees.
func TestWatchPrefixesUnionsOnASingleConsumer(t *testing.T) {
	t.Parallel()
	d := newTestBucket(t, "watchmany")
	w := d.startWatch(kv.Prefixes("vpcA", "vpcB."), kv.Cursor{})
	d.establish(w, "vpcA.sentinel")
	if n := d.consumers(); n != 1 {
		t.Fatalf("stream has %d consumers, want 1", n)
	}
	d.put("vpcA.a", "1")
	d.put("vpcC.x", "1")
	d.put("vpcB.b", "2")
	expect(t, w.next(t), kv.OpPut, "vpcA.a", "1")
	expect(t, w.next(t), kv.OpPut, "vpcB.b", "2")
	w.none(t, 500*time.Millisecond)
}

// State-sync re-lists the seed and the gap in revision order, and resuming from the largest
// scan version delivers the gap first: scan versions are real resume points.
func TestWatchPrefixRelistCoversSeedThenWatchGap(t *testing.T) {
	t.Parallel()
	d := newTestBucket(t, "relist")
	d.put("blackhole.1", "1")
	base, err := d.store.Scan(testCtx(t), "blackhole")
	if err != nil || len(base) != 1 {
		t.Fatalf("baseline scan: %v %v", base, err)
	}
	d.put("blackhole.2", "2")
	w := d.startWatch(kv.Prefix("blackhole"), kv.Cursor{})
	expect(t, w.next(t), kv.OpPut, "blackhole.1", "1")
	expect(t, w.next(t), kv.OpPut, "blackhole.2", "2")
	d.put("blackhole.3", "3")
	expect(t, w.next(t), kv.OpPut, "blackhole.3", "3")

	w2 := d.startWatch(kv.Prefix("blackhole"), kv.CursorFromVersion(base[0].Version))
	expect(t, w2.next(t), kv.OpPut, "blackhole.2", "2")
}

// A state-sync watch re-lists surviving delete markers too.
func TestStateSyncIncludesDeleteMarkers(t *testing.T) {
	t.Parallel()
	d := newTestBucket(t, "markers")
	d.put("a", "1")
	d.put("b", "1")
	d.del("a")
	w := d.startWatch(kv.All(), kv.Cursor{})
	expect(t, w.next(t), kv.OpPut, "b", "1")
	expect(t, w.next(t), kv.OpDelete, "a", "")
}

func TestWatchRejectsBadArgumentsBeforeAnyRequest(t *testing.T) {
	t.Parallel()
	d := newTestBucket(t, "badwatch")
	d.put("a", "1")
	ctx := context.Background()
	out := make(chan kv.Update, 1)
	before := d.outMsgs()
	// An empty Prefixes watches nothing and returns at once (it must not widen to every key),
	// resuming or not.
	for _, from := range []kv.Cursor{{}, kv.CursorFromUint64(1)} {
		done := make(chan error, 1)
		go func() { done <- d.store.Watch(ctx, kv.Prefixes(), from, out) }()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("empty Prefixes: %v", err)
			}
		case <-time.After(2 * time.Second):
			t.Fatal("an empty Prefixes watch must return at once")
		}
	}
	mustKind(t, d.store.Watch(ctx, kv.Prefixes("a", "a.b"), kv.Cursor{}, out), kv.ErrInvalidScope, "overlapping prefixes")
	mustKind(t, d.store.Watch(ctx, kv.Prefixes("a", "a."), kv.Cursor{}, out), kv.ErrInvalidScope, "duplicate prefixes")
	mustKind(t, d.store.Watch(ctx, kv.Prefix("a.*"), kv.Cursor{}, out), kv.ErrInvalidScope, "wildcard prefix")
	ten, _ := kv.VersionFromBytes([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
	mustKind(t, d.store.Watch(ctx, kv.All(), kv.CursorFromVersion(ten), out), kv.ErrInvalidVersion, "10-byte cursor")
	// The maximum cursor fails instead of wrapping to 0 (which would replay the whole bucket).
	err := d.store.Watch(ctx, kv.All(), kv.CursorFromUint64(math.MaxUint64), out)
	mustKind(t, err, kv.ErrWatch, "cursor at max uint64")
	// A ctx with a deadline is refused at call time, state-sync or resume, whatever the scope:
	// the deadline would end a healthy stream.
	dctx, cancel := context.WithTimeout(ctx, time.Hour)
	defer cancel()
	for _, from := range []kv.Cursor{{}, kv.CursorFromUint64(1)} {
		for _, sc := range []kv.Scope{kv.All(), kv.Prefix("a"), kv.Prefixes("a", "b")} {
			err := d.store.Watch(dctx, sc, from, out)
			mustKind(t, err, kv.ErrWatch, "watch with a deadline")
			var ke *kv.Error
			if !errors.As(err, &ke) || ke.Hint != hintWatchDeadline {
				t.Fatalf("watch with a deadline: %v, want the deadline hint", err)
			}
		}
	}
	if d.outMsgs() != before {
		t.Fatal("a rejected watch sent a request")
	}
	if len(out) != 0 {
		t.Fatal("a rejected watch delivered something")
	}
}

// Cancelling the context ends the watch with nil, promptly, and its consumer goes away.
func TestCancelStopsWatchAndDeletesConsumer(t *testing.T) {
	t.Parallel()
	d := newTestBucket(t, "cancelwatch")
	for i, sc := range []kv.Scope{kv.All(), kv.Prefix("a"), kv.Prefixes("a", "b")} {
		for _, from := range []kv.Cursor{{}, kv.CursorFromUint64(0)} {
			w := d.startWatch(sc, from)
			d.put(fmt.Sprintf("a.k%d", d.outMsgs()), "v")
			w.next(t)
			if n := d.consumers(); n != 1 {
				t.Fatalf("case %d: %d consumers while watching", i, n)
			}
			w.cancel()
			if err := w.result(t, 5*time.Second); err != nil {
				t.Fatalf("case %d: a cancelled watch returned %v", i, err)
			}
			if n := d.consumers(); n != 0 {
				t.Fatalf("case %d: %d consumers after cancel", i, n)
			}
		}
	}
	// Also while blocked sending to a reader that went away.
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	blocked, hook := signal()
	d.store.hooks.beforeSend = hook // the reader never reads: the send after this blocks
	go func() { done <- d.store.Watch(ctx, kv.All(), kv.Cursor{}, make(chan kv.Update)) }()
	waitSignal(t, blocked, 5*time.Second, "the watch is about to block on its reader")
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a watch blocked on its reader did not stop on cancel")
	}
	if n := d.consumers(); n != 0 {
		t.Fatalf("%d consumers after cancel", n)
	}
}

// A Conn closed under a running watch ends it with an error, never nil.
func TestWatchEndsWhenConnCloses(t *testing.T) {
	t.Parallel()
	d := newTestBucket(t, "connclose")
	w := d.startWatch(kv.All(), kv.Cursor{})
	d.establish(w, "s")
	_ = d.conn.Close()
	err := w.result(t, 10*time.Second)
	if err == nil || !(errors.Is(err, kv.ErrNotConnected) || errors.Is(err, kv.ErrWatch)) {
		t.Fatalf("watch after Close: %v", err)
	}
}

// On a 3-replica bucket a watch (here the guarded All-scope resume from 0) keeps delivering every
// update, in revision order and without tripping, across stream-leader step-downs.
func TestWatchSurvivesLeaderStepDowns(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("starts a 3-node cluster")
	}
	c := embedded.StartClusterT(t, embedded.ClusterOptions{})
	ctx := testCtx(t)
	conn, err := Connect(ctx, Config{URL: c.URLs()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	st, err := conn.OpenBucket(ctx, kv.StoreConfig{Name: "stepdown", Replicas: 3, MaxBytes: 8 << 20})
	if err != nil {
		t.Fatal(err)
	}
	d := &bucketFixture{t: t, store: st}
	w := d.startWatch(kv.All(), kv.CursorFromUint64(0))
	const perRound, rounds = 20, 3
	for round := range rounds {
		for i := range perRound {
			d.put(fmt.Sprintf("k.%d.%d", round, i), "v")
		}
		if _, err := c.StepDownStream(st.stream); err != nil {
			t.Fatalf("step down: %v", err)
		}
	}
	var last uint64
	for range perRound * rounds {
		u := w.next(t)
		if r := rev(t, u.Version); r <= last {
			t.Fatalf("revision %d after %d", r, last)
		} else {
			last = r
		}
	}
	d.put("after", "v")
	expect(t, w.next(t), kv.OpPut, "after", "v")
}
