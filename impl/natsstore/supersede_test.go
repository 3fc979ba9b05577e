package natsstore

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/slipstream-go/slipstream/impl/kv"
)

// fold is what a reader of a watch holds: each key's last delivered value and version.
type fold map[string]kv.Entry

// apply folds u in: a put sets the key, a delete or purge removes it.
func (f fold) apply(u kv.Update) {
	if u.IsDelete() {
		delete(f, u.Key)
		return
	}
	f[u.Key] = kv.Entry{Key: u.Key, Value: u.Value, Version: u.Version}
}

// diff describes how f differs from the bucket's live entries below prefix, read by a Scan;
// "" when they hold the same keys with the same values and versions.
func (f fold) diff(ctx context.Context, s *Store, prefix string) (string, error) {
	entries, err := s.Scan(ctx, prefix)
	if err != nil {
		return "", err
	}
	var out []string
	seen := make(map[string]bool, len(entries))
	for _, e := range entries {
		seen[e.Key] = true
		g, ok := f[e.Key]
		switch {
		case !ok:
			out = append(out, fmt.Sprintf("%s=%q@%v missing from the fold", e.Key, e.Value, e.Version))
		case string(g.Value) != string(e.Value) || g.Version != e.Version:
			out = append(out, fmt.Sprintf("%s: fold %q@%v, bucket %q@%v", e.Key, g.Value, g.Version, e.Value, e.Version))
		}
	}
	for k, g := range f {
		if !seen[k] {
			out = append(out, fmt.Sprintf("%s=%q@%v in the fold, not in the bucket", k, g.Value, g.Version))
		}
	}
	slices.Sort(out)
	return fmt.Sprint(out), nil
}

// describe is an update as "op key=value@rev", for comparing delivered sequences.
func describe(u kv.Update) string {
	if u.Op == kv.OpPut {
		return fmt.Sprintf("%v %s=%s@%v", u.Op, u.Key, u.Value, u.Version)
	}
	return fmt.Sprintf("%v %s@%v", u.Op, u.Key, u.Version)
}

// A bucket keeps MaxHistory revisions of each key, and the server removes the oldest as soon as
// a newer one exceeds that count, whether or not a watch has read it. So a watch owes the
// revisions still in the bucket when it reaches them: it skips one superseded before it got
// there and delivers the key's later revision, and a fold of what it delivers still ends equal
// to the bucket. Here a resume from below the writes reaches them after they were written, which
// a live watch whose consumer lags behind a writer does by chance.
func TestWatchSkipsRevisionsSupersededBeforeDelivery(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		history uint32
		want    []string
	}{
		// a=1@2 went when the delete of a (rev 4) was written: one revision per key.
		{1, []string{"put b=2@rev 3", "delete a@rev 4", "put end=e@rev 5"}},
		// With two revisions per key a=1@2 is still there, and delivered.
		{2, []string{"put a=1@rev 2", "put b=2@rev 3", "delete a@rev 4", "put end=e@rev 5"}},
	} {
		t.Run(fmt.Sprintf("history %d", tc.history), func(t *testing.T) {
			t.Parallel()
			d := newTestBucket(t, "supersede", func(c *kv.StoreConfig) { c.MaxHistory = tc.history })
			f := fold{}
			f.apply(kv.Update{Op: kv.OpPut, Key: "s", Value: []byte("s"), Version: d.put("s", "s")})
			d.put("a", "1")
			d.put("b", "2")
			d.del("a")
			w := d.startWatch(kv.All(), kv.CursorFromUint64(1))
			d.put("end", "e") // the last write: everything before it has been delivered once it arrives
			var got []string
			for len(got) < len(tc.want) {
				u := w.next(t)
				f.apply(u)
				got = append(got, describe(u))
			}
			if !slices.Equal(got, tc.want) {
				t.Fatalf("delivered %q, want %q", got, tc.want)
			}
			if diff, err := f.diff(testCtx(t), d.store, ""); err != nil || diff != "[]" {
				t.Fatalf("fold against the bucket: %s %v", diff, err)
			}
		})
	}
}

// NATS behaviour, pinned (the watch is late here, never wrong): a state-sync consumer on a
// bucket keeping several revisions per key lists, at creation, the last record of every key and
// delivers those first. If a listed record is removed before the consumer reaches it (its key
// written MaxHistory more times, or purged), the server does not go on to the next listed
// record: it waits until something wakes the consumer (a write to the stream, or the pull
// request's heartbeat, every 5 s) and each wake-up gets it past one removed record. A bucket
// keeping one revision per key lists nothing (the server reads it from its first sequence on),
// so this is a history > 1 effect. If this test fails because k2 arrives at once, NATS fixed it.
func TestStateSyncWaitsOnASnapshotRecordRemovedBeforeDelivery(t *testing.T) {
	t.Parallel()
	d := newTestBucket(t, "stall", func(c *kv.StoreConfig) { c.MaxHistory = 2 })
	for _, k := range []string{"k0", "k1", "k2", "k3"} { // revisions 1 to 4
		d.put(k, k)
	}
	removed := make(chan error, 1)
	d.store.hooks.consumerCreated = func(op string) {
		// The consumer has listed k1@2; two more writes of k1 remove it before any pull.
		ctx := context.Background()
		_, err := d.store.Put(ctx, "k1", []byte("k1b")) // 5
		if err == nil {
			_, err = d.store.Put(ctx, "k1", []byte("k1c")) // 6: k1@2 goes
		}
		removed <- err
	}
	w := d.startWatch(kv.All(), kv.Cursor{})
	select {
	case err := <-removed:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the watch never created its consumer")
	}
	if got := describe(w.next(t)); got != "put k0=k0@rev 1" {
		t.Fatalf("first delivery %s, want k0@1", got)
	}
	// Stuck on the removed k1@2: a consumer that moved on would send k2@3 at once.
	w.none(t, time.Second)
	d.put("nudge", "n") // 7: wakes the consumer
	var got []string
	for range 5 {
		got = append(got, describe(w.next(t)))
	}
	want := []string{"put k2=k2@rev 3", "put k3=k3@rev 4", "put k1=k1b@rev 5", "put k1=k1c@rev 6", "put nudge=n@rev 7"}
	if !slices.Equal(got, want) {
		t.Fatalf("after the nudge %q, want %q", got, want)
	}
}
