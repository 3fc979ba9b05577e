package natsstore

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/slipstream-go/slipstream/impl/kv"
)

// A Prefixes resume is one consumer delivering only the delta, in order.
func TestWatchPrefixesFromReplaysOnlyTheDelta(t *testing.T) {
	t.Parallel()
	d := newTestBucket(t, "manyfrom")
	d.put("vpcA.a", "1")
	cur := d.put("vpcB.b", "1")
	d.put("vpcC.x", "1")
	d.put("vpcA.a2", "2")
	d.put("vpcB.b2", "2")
	w := d.startWatch(kv.Prefixes("vpcA", "vpcB"), kv.CursorFromVersion(cur))
	u1, u2 := w.next(t), w.next(t)
	expect(t, u1, kv.OpPut, "vpcA.a2", "2")
	expect(t, u2, kv.OpPut, "vpcB.b2", "2")
	if rev(t, u1.Version) <= rev(t, cur) || rev(t, u2.Version) <= rev(t, u1.Version) {
		t.Fatalf("revisions %v %v after cursor %v", u1.Version, u2.Version, cur)
	}
	w.none(t, 500*time.Millisecond)
	if n := d.consumers(); n != 1 {
		t.Fatalf("a resumed Prefixes watch uses %d consumers, want 1", n)
	}
}

// An All resume delivers exactly the updates after the cursor.
func TestWatchAllFromReplaysOnlyTheDelta(t *testing.T) {
	t.Parallel()
	d := newTestBucket(t, "allfrom")
	d.put("node.a", "1")
	cur := d.put("node.b", "1")
	d.put("node.c", "1")
	d.put("node.a", "2")
	w := d.startWatch(kv.All(), kv.CursorFromVersion(cur))
	got := map[string]string{}
	for range 2 {
		u := w.next(t)
		got[u.Key] = string(u.Value)
	}
	if len(got) != 2 || got["node.c"] != "1" || got["node.a"] != "2" {
		t.Fatalf("delta = %v", got)
	}
	w.none(t, 300*time.Millisecond)
}

// A Prefix resume delivers only the delta, filtered to the prefix.
func TestWatchPrefixFromReplaysOnlyTheDelta(t *testing.T) {
	t.Parallel()
	d := newTestBucket(t, "prefixfrom")
	d.put("node.a", "1")
	cur := d.put("other.z", "1")
	d.put("other.y", "1")
	d.put("node.b", "2")
	w := d.startWatch(kv.Prefix("node."), kv.CursorFromVersion(cur))
	expect(t, w.next(t), kv.OpPut, "node.b", "2")
	w.none(t, 300*time.Millisecond)
}

// A resume from a compacted cursor fails at once with ErrCursorExpired and nothing else, on a
// bucket whose retention can evict (on one where only supersession removes records, the resume
// goes on: TestResumeBehindFirstSeqWhereOnlySupersessionEvicts).
func TestWatchFromCompactedCursorDoesNotSpuriouslyFail(t *testing.T) {
	t.Parallel()
	d := newTestBucket(t, "compacted", evictsOldest)
	for range 6 {
		d.put("k", "v")
	}
	w := d.startWatch(kv.All(), kv.CursorFromUint64(1))
	mustKind(t, w.result(t, 2*time.Second), kv.ErrCursorExpired, "resume from an evicted cursor")
}

// The server behaviour the resume check exists for (NATS.md, "Resume check"): nats.go's own
// resume silently clamps a start below the first retained sequence, while Watch returns
// kv.ErrCursorExpired, on a bucket whose retention can evict.
func TestServerSilentlyClampsButWatchReportsExpiry(t *testing.T) {
	t.Parallel()
	d := newTestBucket(t, "clamp", evictsOldest)
	for round := range 4 {
		d.put("k1", string(rune('a'+round)))
		d.put("k2", string(rune('a'+round)))
	}
	first := d.streamInfo().State.FirstSeq
	if first <= 3 {
		t.Fatalf("setup: first sequence %d, want > 3", first)
	}
	raw, err := d.js.KeyValue(testCtx(t), "clamp")
	if err != nil {
		t.Fatal(err)
	}
	watcher, err := raw.WatchAll(context.Background(), jetstream.ResumeFromRevision(3))
	if err != nil {
		t.Fatalf("the server is expected to accept a start below its first sequence: %v", err)
	}
	select {
	case e := <-watcher.Updates():
		if e == nil || e.Revision() < first {
			t.Fatalf("raw watch first entry %v, want a revision >= first sequence %d (the clamp)", e, first)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("raw watch delivered nothing")
	}
	_ = watcher.Stop()
	eventually(t, 5*time.Second, "the raw watcher's consumer goes away", func() bool { return d.consumers() == 0 })
	err = d.store.Watch(context.Background(), kv.All(), kv.CursorFromUint64(2), make(chan kv.Update, 16))
	mustKind(t, err, kv.ErrCursorExpired, "Watch from cursor 2")
	for _, sc := range []kv.Scope{kv.Prefix("k1"), kv.Prefixes("k1", "k2")} {
		err = d.store.Watch(context.Background(), sc, kv.CursorFromUint64(2), make(chan kv.Update, 16))
		mustKind(t, err, kv.ErrCursorExpired, "Watch "+sc.String()+" from cursor 2")
	}
	if n := d.consumers(); n != 0 {
		t.Fatalf("expired resumes left %d consumers", n)
	}
}

// A cursor beyond the stream's last sequence (a recreated bucket) is expired too.
func TestCursorBeyondStreamEndIsExpired(t *testing.T) {
	t.Parallel()
	d := newTestBucket(t, "beyond")
	d.put("a", "1")
	err := d.store.Watch(context.Background(), kv.All(), kv.CursorFromUint64(50), make(chan kv.Update))
	mustKind(t, err, kv.ErrCursorExpired, "cursor 50 on a stream ending at 1")
	// The last sequence itself is a fine resume point.
	w := d.startWatch(kv.All(), kv.CursorFromUint64(1))
	w.none(t, 200*time.Millisecond)
	d.put("b", "2")
	expect(t, w.next(t), kv.OpPut, "b", "2")
}

// The head can be evicted between the first resume check and the consumer's
// creation, and the server clamps without a word; the check after creation catches it.
func TestResumeCheckAfterConsumerCreation(t *testing.T) {
	t.Parallel()
	for _, sc := range []kv.Scope{kv.All(), kv.Prefix("k"), kv.Prefixes("k", "z")} {
		d := newTestBucket(t, "recheck", evictsOldest)
		for i := range 5 {
			d.put(fmt.Sprintf("k.%d", i), "v")
		}
		created := 0
		d.store.hooks.consumerCreated = func(string) {
			created = d.consumers()
			d.purgeStreamBelow(4) // first sequence 4: revisions 2 and 3 are gone
		}
		w := d.startWatch(sc, kv.CursorFromUint64(1))
		err := w.result(t, 5*time.Second)
		mustKind(t, err, kv.ErrCursorExpired, sc.String()+": head evicted after the first check")
		if len(w.ch) != 0 {
			t.Fatalf("%v: the clamped stream delivered updates", sc)
		}
		if created != 1 {
			t.Fatalf("%v: the hook saw %d consumers, want the watch's 1", sc, created)
		}
		if n := d.consumers(); n != 0 {
			t.Fatalf("%v: %d consumers left after the expired resume", sc, n)
		}
	}
}

// A resume reads the stream's state twice, before and after creating its consumer, and the
// floor guard starts from the second read's configuration: a resumed watch that has received
// its tail has asked STREAM.INFO exactly twice (a fresh watch asks once, for the guard alone).
func TestResumeReadsTheStreamTwice(t *testing.T) {
	t.Parallel()
	d := newTestBucket(t, "inforeads")
	for i := range 3 {
		d.put(fmt.Sprintf("k.%d", i), "v")
	}
	for _, c := range []struct {
		from     kv.Cursor
		updates  int // what the watch delivers: the tail after cursor 1, or all three keys
		requests int
	}{{kv.CursorFromUint64(1), 2, 2}, {kv.Cursor{}, 3, 1}} {
		spy := spyOn(t, d.srv, "$JS.API.STREAM.INFO.>")
		w := d.startWatch(kv.All(), c.from)
		for range c.updates {
			w.next(t)
		}
		if got := len(spy.seen(t, d.store.js.Conn())); got != c.requests {
			t.Fatalf("watch from %v: %d STREAM.INFO requests before its updates were received, want %d", c.from, got, c.requests)
		}
		w.cancel()
		if err := w.result(t, 10*time.Second); err != nil {
			t.Fatalf("watch ended with %v after its context was cancelled", err)
		}
	}
}
