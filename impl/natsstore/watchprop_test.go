package natsstore

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"pgregory.net/rapid"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/internal/embedded"
)

// propOp is one write of the property below: a put (with a value unique to the write), a
// delete or a purge of key.
type propOp struct {
	op  kv.Op
	key string
}

// propKeys are the keys the property writes: three in the "in" subtree and one outside it, so
// a Prefix("in") watch has other keys' writes to skip.
var propKeys = []string{"in.a", "in.b", "in.c", "out.x"}

// drawOps draws up to maxLen writes, of the operations in ops (puts twice as likely).
func drawOps(t *rapid.T, label string, maxLen int, ops []kv.Op) []propOp {
	return rapid.SliceOfN(rapid.Custom(func(t *rapid.T) propOp {
		return propOp{
			op:  rapid.SampledFrom(ops).Draw(t, "op"),
			key: rapid.SampledFrom(propKeys).Draw(t, "key"),
		}
	}), 0, maxLen).Draw(t, label)
}

// propPuts records every put's value and version, so each delivered put can be checked against
// the write that made it.
type propPuts struct {
	mu  sync.Mutex
	got map[string]kv.Entry // by value, which is unique to its write
}

func (p *propPuts) write(ctx context.Context, s *Store, writer, i int, o propOp) error {
	switch o.op {
	case kv.OpDelete:
		return s.Delete(ctx, o.key)
	case kv.OpPurge:
		return s.Purge(ctx, o.key)
	}
	value := fmt.Sprintf("w%d.%d", writer, i)
	v, err := s.Put(ctx, o.key, []byte(value))
	if err == nil {
		p.mu.Lock()
		p.got[value] = kv.Entry{Key: o.key, Value: []byte(value), Version: v}
		p.mu.Unlock()
	}
	return err
}

// A state-sync watch (zero cursor) started while writers put, delete and purge keys delivers a
// stream that a fold turns into exactly the bucket, whatever the interleaving of its consumer's
// creation, its snapshot and the writes, for the whole bucket and for a prefix. Its revisions
// only increase (strictly, and so per key too: one consumer delivers in stream order), and
// every put it delivers is a write that happened, with the version that write returned.
// Superseded revisions may be skipped (TestWatchSkipsRevisionsSupersededBeforeDelivery) and the
// floor guard may trip on the evictions they cause; the caller's restart (resume from the last
// revision folded, resync when that is expired) must still end with fold == bucket.
//
// Buckets keep one revision per key (the default: every write of a key removes its previous
// record) or 64 (the most NATS allows) without purges, so that nothing the snapshot lists is
// removed before delivery: on a bucket keeping several revisions, a listed record removed
// before delivery makes the server wait up to a heartbeat (5 s) per such record
// (TestStateSyncWaitsOnASnapshotRecordRemovedBeforeDelivery), which would make this property
// test slow, not find a wrong fold.
func TestStateSyncWatchFoldsToTheBucket(t *testing.T) {
	t.Parallel()
	srv := embedded.StartT(t)
	conn := connectTo(t, srv, Config{URL: srv.URL()})
	_, js := rawClient(t, srv)
	ctx := testCtx(t)
	run := 0
	rapid.Check(t, func(rt *rapid.T) {
		run++
		history := rapid.SampledFrom([]uint32{1, kv.MaxHistoryLimit}).Draw(rt, "history")
		ops := []kv.Op{kv.OpPut, kv.OpPut, kv.OpDelete, kv.OpPurge}
		if history > 1 {
			ops = ops[:3]
		}
		scope, prefix := kv.All(), ""
		if rapid.Bool().Draw(rt, "prefix scope") {
			scope, prefix = kv.Prefix("in"), "in"
		}
		before := drawOps(rt, "before", 8, ops)
		writers := rapid.SliceOfN(rapid.Custom(func(t *rapid.T) []propOp { return drawOps(t, "ops", 12, ops) }), 1, 3).Draw(rt, "writers")

		name := fmt.Sprintf("prop%d", run)
		s, err := conn.OpenBucket(ctx, kv.StoreConfig{Name: name, MaxHistory: history, MaxBytes: 1 << 20})
		if err != nil {
			rt.Fatalf("open bucket: %v", err)
		}
		defer func() { _ = js.DeleteKeyValue(context.WithoutCancel(ctx), name) }()
		puts := &propPuts{got: map[string]kv.Entry{}}
		for i, o := range before {
			if err := puts.write(ctx, s, 0, i, o); err != nil {
				rt.Fatalf("write before the watch: %v", err)
			}
		}

		// The writers start with the watch, so its consumer's creation and snapshot race them.
		first := startPropWatch(s, scope, kv.Cursor{})
		errs := make(chan error, len(writers))
		var wg sync.WaitGroup
		for w, ops := range writers {
			wg.Go(func() {
				for i, o := range ops {
					if err := puts.write(ctx, s, w+1, i, o); err != nil {
						errs <- err
						return
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			rt.Fatalf("concurrent write: %v", err)
		}
		// The last write: once it is delivered, so is everything the watch owes before it.
		if _, err := s.Put(ctx, "in.end", []byte("end")); err != nil {
			rt.Fatalf("put the end marker: %v", err)
		}

		// What a caller does (applied.Run): fold what arrives; when the floor guard trips,
		// resume from the last revision folded; when that is expired, resync from scratch.
		f, last := fold{}, uint64(0)
		w := first
		for restarts := 0; ; restarts++ {
			if restarts > 5 {
				rt.Fatalf("no end marker after %d restarts", restarts)
			}
			if w == nil {
				from := kv.Cursor{}
				if last > 0 {
					from = kv.CursorFromUint64(last)
				}
				w = startPropWatch(s, scope, from)
			}
			err := w.foldUntilEnd(rt, f, &last, puts, func() string { return streamState(ctx, js, name) })
			w.stop(rt)
			w = nil
			switch {
			case err == nil:
			case errors.Is(err, ErrFloorGuardTripped):
				rt.Logf("floor guard tripped after revision %d: %v", last, err)
				continue
			case errors.Is(err, kv.ErrCursorExpired):
				rt.Logf("resume from %d expired: resync", last)
				f, last = fold{}, 0
				continue
			default:
				rt.Fatalf("watch ended with %v", err)
			}
			break
		}
		diff, err := f.diff(ctx, s, prefix)
		if err != nil {
			rt.Fatalf("scan: %v", err)
		}
		if diff != "[]" {
			rt.Fatalf("the fold of the watch differs from the bucket: %s", diff)
		}
	})
}

// propWatch is one Watch of the property, running in the background.
type propWatch struct {
	out    chan kv.Update
	done   chan error
	cancel context.CancelFunc
}

func startPropWatch(s *Store, scope kv.Scope, from kv.Cursor) *propWatch {
	ctx, cancel := context.WithCancel(context.Background())
	w := &propWatch{out: make(chan kv.Update, 64), done: make(chan error, 1), cancel: cancel}
	go func() { w.done <- s.Watch(ctx, scope, from, w.out) }()
	return w
}

// foldUntilEnd folds what the watch delivers into f until the end marker (nil) or until the
// watch ends (its error), checking that revisions only increase (last is the previous one) and
// that every put is a write puts recorded, at the version that write returned.
func (w *propWatch) foldUntilEnd(rt *rapid.T, f fold, last *uint64, puts *propPuts, state func() string) error {
	for {
		var u kv.Update
		select {
		case u = <-w.out:
		case err := <-w.done:
			w.done <- err
			if err == nil {
				rt.Fatalf("the watch returned nil before the end marker, with its context live")
			}
			return err
		case <-time.After(10 * time.Second):
			rt.Fatalf("the end marker was not delivered within 10 s; last revision %d; %s", *last, state())
		}
		r, ok := u.Version.Uint64()
		if !ok || r <= *last {
			rt.Fatalf("%s delivered after revision %d", describe(u), *last)
		}
		*last = r
		if p, ok := puts.got[string(u.Value)]; u.Op == kv.OpPut && u.Key != "in.end" &&
			(!ok || p.Key != u.Key || p.Version != u.Version) {
			rt.Fatalf("delivered %s, which no write made (a write of that value: %v %v)", describe(u), p, ok)
		}
		f.apply(u)
		if u.Key == "in.end" {
			return nil
		}
	}
}

// stop cancels the watch and waits for it to return.
func (w *propWatch) stop(rt *rapid.T) {
	w.cancel()
	select {
	case <-w.done:
	case <-time.After(10 * time.Second):
		rt.Fatalf("a cancelled watch did not return within 10 s")
	}
}

// streamState describes bucket name's stream and its consumers, for a failure message.
func streamState(ctx context.Context, js jetstream.JetStream, name string) string {
	st, err := js.Stream(ctx, "KV_"+name)
	if err != nil {
		return err.Error()
	}
	info := st.CachedInfo()
	desc := fmt.Sprintf("stream first %d last %d msgs %d", info.State.FirstSeq, info.State.LastSeq, info.State.Msgs)
	for c := range st.ListConsumers(ctx).Info() {
		desc += fmt.Sprintf("; consumer %s delivered %+v pending %d waiting %d", c.Name, c.Delivered, c.NumPending, c.NumWaiting)
	}
	return desc
}
