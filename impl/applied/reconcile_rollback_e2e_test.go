package applied

import (
	"context"
	"maps"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/natsstore"
)

// allowMessageDeletes re-creates the bucket's empty stream without deny_delete, as a stream
// created by another tool may be, and reopens the bucket on it.
func (l *live) allowMessageDeletes() {
	l.t.Helper()
	st, err := l.js.Stream(tctx(l.t), "KV_"+l.name)
	if err != nil {
		l.t.Fatal(err)
	}
	cfg := st.CachedInfo().Config
	cfg.DenyDelete = false
	if err := l.js.DeleteStream(tctx(l.t), cfg.Name); err != nil {
		l.t.Fatal(err)
	}
	if _, err := l.js.CreateStream(tctx(l.t), cfg); err != nil {
		l.t.Fatal(err)
	}
	if l.bucket, err = l.conn.OpenBucket(tctx(l.t), l.cfg); err != nil {
		l.t.Fatal(err)
	}
}

// An operator deletes a key's latest message from a stream that allows it: the key's previous
// record is current again, and no watch sees anything. The next round rolls the fold back to
// that record (value and revision), counted as a rollback, never as a fetch or a delete.
func TestReconcileRollsBackAMessageDeletedLatestRecord(t *testing.T) {
	l := newLiveQuick(t, kv.StoreConfig{Name: "rollback", MaxHistory: 2})
	l.allowMessageDeletes()
	v1 := l.put("k", "v1")
	v2 := l.put("k", "v2")
	head := l.put("other", "x")
	s := l.startReconciling(reconcilePeriod, nil)
	eventually(t, "the puts folded and a round done", func() bool {
		r, _ := s.prog.Stats().Stored.Uint64()
		return r >= head && s.prog.Stats().Reconciliations > 0
	})
	if got := foldOf(t, s.store)["k"]; got != "v2" {
		t.Fatalf("k folded as %q before the delete, want v2", got)
	}
	st, err := l.js.Stream(tctx(t), "KV_"+l.name)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.DeleteMsg(tctx(t), v2); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the fold rolled back to v1", func() bool {
		return s.prog.Stats().ReconcileRollbacks > 0 && maps.Equal(foldOf(t, s.store), l.scan())
	})
	e, ok, err := s.store.Get("k")
	if err != nil || !ok || string(e.Value) != "v1" || e.Version != kv.VersionFromUint64(v1) {
		t.Fatalf("k = %q@%v (%v, %v), want v1@%d", e.Value, e.Version, ok, err, v1)
	}
	if st := s.prog.Stats(); st.ReconcileRollbacks != 1 || st.ReconcileFetches != 0 || st.ReconcileDeletes != 0 || st.ReconcileDeferred != 0 {
		t.Fatalf("repairs %+v, want exactly one rollback", st)
	}
}

// listingRace is the bucket as the loop's Reader, with a hook that runs once right after the
// first listing was read, before the loop gets it, and a record of the confirming reads.
type listingRace struct {
	*natsstore.Store
	once  sync.Once
	after func()
	mu    sync.Mutex
	reads []string
}

func (r *listingRace) Revisions(ctx context.Context, prefix string) (kv.Revisions, error) {
	out, err := r.Store.Revisions(ctx, prefix)
	if err == nil {
		r.once.Do(r.after)
	}
	return out, err
}

func (r *listingRace) Latest(ctx context.Context, key string) (kv.Record, error) {
	r.mu.Lock()
	r.reads = append(r.reads, key)
	r.mu.Unlock()
	return r.Store.Latest(ctx, key)
}

// A put folded after the listing was read leaves the fold newer than the listing's record of
// the key: the listing began before that put, so its older record says nothing about a
// removal. The fold keeps the put, the key is not even read to confirm, and nothing is
// rolled back.
func TestReconcileKeepsAnEntryNewerThanTheListing(t *testing.T) {
	l := newLiveQuick(t, kv.StoreConfig{Name: "newer"})
	l.put("k", "v1")
	race := &listingRace{Store: l.bucket}
	folded := make(chan bool, 1)
	s := l.startReconciling(reconcilePeriod, func(c *Config[string]) {
		prog := c.Progress
		race.after = func() {
			v, err := l.bucket.Put(context.Background(), "k", []byte("v2"))
			rev, _ := v.Uint64()
			_, ok := pollUntil(10*time.Second, func() bool {
				r, _ := prog.Stats().Stored.Uint64()
				return r >= rev
			})
			folded <- err == nil && ok
		}
		c.Reader = race
	})
	if !<-folded {
		t.Fatal("the put after the listing was not folded within 10 s")
	}
	eventually(t, "a round after the one that raced the put", func() bool { return s.prog.Stats().Reconciliations >= 2 })
	if got := foldOf(t, s.store)["k"]; got != "v2" {
		t.Fatalf("k = %q, want v2 (the put written after the listing)", got)
	}
	race.mu.Lock()
	defer race.mu.Unlock()
	if slices.Contains(race.reads, "k") {
		t.Errorf("k was read to confirm a repair (reads %v); the listing could not cover its fold entry", race.reads)
	}
	if st := s.prog.Stats(); st.ReconcileRollbacks != 0 || st.ReconcileDeletes != 0 || st.ReconcileFetches != 0 {
		t.Errorf("repairs %+v, want none", st)
	}
}
