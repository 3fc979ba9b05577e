package natsstore

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/slipstream-go/slipstream/impl/kv"
)

// write is one write the test made: its revision, key, and value ("" for a delete marker).
type write struct {
	rev      uint64
	key, val string
}

// writeLog publishes writes to the bucket's stream at full speed and records their revisions.
type writeLog struct {
	d      *bucketFixture
	bucket string
	writes []write
}

// publish writes n records: keys under p., q. and x. in turn (tag keeps them apart), and every
// fifth write is a delete marker of an earlier key of the batch.
func (l *writeLog) publish(n int, tag string) {
	t := l.d.t
	t.Helper()
	var futs []jetstream.PubAckFuture
	var pending []write
	for i := range n {
		if i%watchBatch == watchBatch-1 { // stay under the client's limit of async publishes in flight
			<-l.d.js.PublishAsyncComplete()
		}
		key := fmt.Sprintf("%s.%s%d", []string{"p", "q", "x"}[i%3], tag, i)
		m := nats.NewMsg("$KV." + l.bucket + "." + key)
		val := fmt.Sprintf("v%d", i)
		if i%5 == 4 {
			key = pending[len(pending)-3].key // a key written three writes ago: p, q or x
			m = nats.NewMsg("$KV." + l.bucket + "." + key)
			m.Header.Set("KV-Operation", "DEL")
			val = ""
		} else {
			m.Data = []byte(val)
		}
		f, err := l.d.js.PublishMsgAsync(m)
		if err != nil {
			t.Fatal(err)
		}
		futs = append(futs, f)
		pending = append(pending, write{key: key, val: val})
	}
	select {
	case <-l.d.js.PublishAsyncComplete():
	case <-time.After(30 * time.Second):
		t.Fatal("churn did not complete")
	}
	for i, f := range futs {
		select {
		case ack := <-f.Ok():
			pending[i].rev = ack.Sequence
		case err := <-f.Err():
			t.Fatalf("write %d: %v", i, err)
		}
	}
	l.writes = append(l.writes, pending...)
}

// stateAt returns the bucket's live keys in scope as of revision r, from the log.
func (l *writeLog) stateAt(r uint64, in func(string) bool) map[string]string {
	st := map[string]string{}
	for _, w := range l.writes {
		if w.rev > r || !in(w.key) {
			continue
		}
		if w.val == "" {
			delete(st, w.key)
		} else {
			st[w.key] = w.val
		}
	}
	return st
}

// expected returns what a watch of scope in must forward, in order, from cursor (resumed) or
// as a state-sync watch created when the stream held snapStart..snapEnd: the last record of
// each key in that range, in revision order, then every write in scope after it.
func (l *writeLog) expected(in func(string) bool, resumeAfter, snapStart, snapEnd uint64, stateSync bool) []write {
	var out []write
	after := resumeAfter
	if stateSync {
		last := map[string]write{}
		for _, w := range l.writes {
			if w.rev <= snapEnd && in(w.key) {
				if w.rev < snapStart { // evicted before the consumer existed
					delete(last, w.key)
					continue
				}
				last[w.key] = w
			}
		}
		out = slices.SortedFunc(maps.Values(last), func(a, b write) int { return int(a.rev) - int(b.rev) })
		after = snapEnd
	}
	for _, w := range l.writes {
		if w.rev > after && in(w.key) {
			out = append(out, w)
		}
	}
	return out
}

// Retention overrunning a stalled watch, on every scope, resumed and state-sync, in the
// snapshot phase and in the live phase: the watch forwards an unbroken prefix of what it owes
// (nothing past the first update it lost) and then fails with the floor-guard trip; the
// restart from the fold's cursor is expired, and a resync by hand ends with fold == bucket.
func TestRetentionOverrunFailsEveryWatch(t *testing.T) {
	t.Parallel()
	scopes := []struct {
		name string
		sc   kv.Scope
		in   func(string) bool
	}{
		{"All", kv.All(), func(string) bool { return true }},
		{"Prefix", kv.Prefix("p"), func(k string) bool { return strings.HasPrefix(k, "p.") }},
		{"Prefixes", kv.Prefixes("p", "q"), func(k string) bool { return strings.HasPrefix(k, "p.") || strings.HasPrefix(k, "q.") }},
	}
	for _, sc := range scopes {
		for _, mode := range []string{"resumed", "snapshot", "live"} {
			t.Run(sc.name+"/"+mode, func(t *testing.T) {
				t.Parallel()
				overrun(t, sc.sc, sc.in, mode)
			})
		}
	}
}

func overrun(t *testing.T, scope kv.Scope, in func(string) bool, mode string) {
	const bucket = "overrun"
	size := int64(64 << 10) // about 1,600 records
	if mode == "snapshot" {
		size = 256 << 10
	}
	d := newTestBucket(t, bucket, func(c *kv.StoreConfig) {
		c.Discard, c.Storage, c.MaxBytes = kv.DiscardOld, kv.StorageMemory, size
	})
	log := &writeLog{d: d, bucket: bucket}
	// A snapshot larger than the client buffers (one pull batch), so that part of it is still
	// on the server when the reader stalls; a small one for the other modes.
	seeds := 30
	if mode == "snapshot" {
		seeds = 4 * watchBatch
	}
	log.publish(seeds, "s")
	info := d.streamInfo().State
	if mode == "snapshot" && info.Msgs < 2*watchBatch {
		t.Fatalf("setup: the bucket keeps %d records, the snapshot would fit the client buffer", info.Msgs)
	}
	cursor := kv.Cursor{}
	if mode == "resumed" {
		cursor = kv.CursorFromUint64(info.LastSeq)
	}
	fold := log.stateAt(info.LastSeq, in) // resumed: the fold is at its cursor
	if mode != "resumed" {
		fold = map[string]string{"p.stale": "v", "q.stale": "v"} // keys the snapshot must overwrite or the resync drop
	}
	want := log.expected(in, info.LastSeq, info.FirstSeq, info.LastSeq, mode != "resumed")
	w := d.startWatch(scope, cursor)
	var got []kv.Update
	take := func(n int) {
		for range n {
			got = append(got, w.next(t))
		}
	}
	switch mode {
	case "snapshot":
		take(1)
	case "live":
		take(len(want)) // the whole snapshot: the watch is now live
		log.publish(3, "l")
		take(len(log.expected(in, 0, info.FirstSeq, info.LastSeq, true)) - len(want))
	case "resumed":
		log.publish(3, "l")
		take(1)
	}
	log.publish(8*watchBatch, "c") // the reader stalls; retention evicts what the watch holds back
	want = log.expected(in, info.LastSeq, info.FirstSeq, info.LastSeq, mode != "resumed")
	var werr error
	for werr == nil {
		select {
		case u := <-w.ch:
			got = append(got, u)
		case werr = <-w.done:
		case <-time.After(15 * time.Second):
			t.Fatalf("the watch neither forwarded nor failed (%d forwarded)", len(got))
		}
	}
	for len(w.ch) > 0 { // anything forwarded before the watch ended
		got = append(got, <-w.ch)
	}
	if !errors.Is(werr, kv.ErrWatch) || !errors.Is(werr, ErrFloorGuardTripped) {
		t.Fatalf("the watch ended with %v after %d updates, want the floor-guard trip", werr, len(got))
	}
	// What was forwarded is what was owed, in order, except records a later write of the same
	// key superseded (history 1 removes them from the stream): skipping any other is a gap.
	j := 0
	for i, u := range got {
		r := rev(t, u.Version)
		for ; j < len(want) && want[j].rev != r; j++ {
			if !supersededAfter(want, j) {
				t.Fatalf("update %d is %s at %d, but %s at %d was never forwarded: an update after a gap got through", i, u.Key, r, want[j].key, want[j].rev)
			}
		}
		if j == len(want) || want[j].key != u.Key {
			t.Fatalf("update %d, %s at %d, was not owed", i, u.Key, r)
		}
		j++
		apply(fold, u)
	}
	t.Logf("%d of %d updates forwarded, then: %v", len(got), len(want), werr)
	resyncByHand(t, d, scope, in, fold, got)
}

// supersededAfter reports whether a later write in ws has the key of ws[j].
func supersededAfter(ws []write, j int) bool {
	return slices.ContainsFunc(ws[j+1:], func(w write) bool { return w.key == ws[j].key })
}

func apply(fold map[string]string, u kv.Update) {
	if u.Op == kv.OpPut {
		fold[u.Key] = string(u.Value)
	} else {
		delete(fold, u.Key)
	}
}

// resyncByHand restarts from the fold's cursor (which must be expired), then resyncs as the
// hint says — drop the keys no longer listed, watch from the zero cursor until caught up —
// and requires the fold to equal the bucket, key by key.
func resyncByHand(t *testing.T, d *bucketFixture, scope kv.Scope, in func(string) bool, fold map[string]string, got []kv.Update) {
	ctx := testCtx(t)
	if len(got) > 0 {
		cur := kv.CursorFromVersion(got[len(got)-1].Version)
		werr := d.store.Watch(context.Background(), scope, cur, make(chan kv.Update, 1))
		mustKind(t, werr, kv.ErrCursorExpired, "restart from the fold's cursor after the trip")
	}
	live := map[string]bool{}
	for _, p := range scope.Prefixes() {
		keys, err := d.store.Keys(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range keys {
			live[k] = true
		}
	}
	for k := range fold {
		if !live[k] {
			delete(fold, k)
		}
	}
	w := d.startWatch(scope, kv.Cursor{})
	last := d.streamInfo().State.LastSeq
	for n := 0; n < len(live); n++ { // the snapshot holds every live key once, markers aside
		u := w.next(t)
		apply(fold, u)
		if u.Op != kv.OpPut {
			n--
		}
		if rev(t, u.Version) == last {
			break
		}
	}
	for k := range live {
		if !in(k) {
			t.Fatalf("listing of %v returned %s", scope, k)
		}
		e, ok, err := d.store.Get(ctx, k)
		if err != nil || !ok {
			t.Fatalf("get %s: %v %v", k, ok, err)
		}
		if fold[k] != string(e.Value) {
			t.Fatalf("after the resync the fold has %s=%q, the bucket %q", k, fold[k], e.Value)
		}
	}
	if len(fold) != len(live) {
		t.Fatalf("after the resync the fold has %d keys, the bucket %d", len(fold), len(live))
	}
}
