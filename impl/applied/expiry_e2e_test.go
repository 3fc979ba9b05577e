package applied

import (
	"errors"
	"fmt"
	"maps"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/natsstore"
	"github.com/slipstream-go/slipstream/impl/snapshot"
	"github.com/slipstream-go/slipstream/impl/snapshot/appendlog"
)

// reasonContactLost is the reason Run logs for a resync after the contact lapsed.
const reasonContactLost = "out of contact with the stream for the delete-marker TTL"

// foldNow reads the running session's fold (any goroutine may read it while Run goes).
func foldNow(t *testing.T, s *session) map[string]string {
	t.Helper()
	out := map[string]string{}
	for e, err := range s.store.Range("") {
		if err != nil {
			t.Fatal(err)
		}
		out[e.Key] = string(e.Value)
	}
	return out
}

// agingBucket is a bucket whose keys live one second, with delete markers living markerTTL,
// and a floor guard probing every 50 ms, so a quiet watch proves it is caught up often.
func agingBucket(t *testing.T, name string, markerTTL time.Duration) *live {
	t.Helper()
	return newLiveConn(t, natsstore.Config{MarkerTTL: markerTTL, FloorGuardInterval: 50 * time.Millisecond},
		kv.StoreConfig{Name: name, MaxAge: time.Second})
}

// stop ends the session and closes its store.
func (s *session) stop(t *testing.T) {
	t.Helper()
	s.cancel()
	if _, err := s.wait(); err != nil {
		t.Fatal(err)
	}
	if err := s.store.Close(); err != nil {
		t.Fatal(err)
	}
}

// A fold that keeps up with a MaxAge bucket folds every aged-out key's marker as a delete and
// ends equal to the (empty) bucket, without a resync.
func TestExpiryFoldThatKeepsUpEndsEqual(t *testing.T) {
	l := agingBucket(t, "keepsup", 3*time.Second)
	s := l.start(nil)
	written := time.Now()
	l.putN("k", 5)
	eventually(t, "the fold holds the 5 keys", func() bool { return len(foldNow(t, s)) == 5 })
	eventually(t, "the keys aged out of the bucket and of the fold", func() bool {
		return len(l.scan()) == 0 && len(foldNow(t, s)) == 0
	})
	st := s.prog.Stats()
	s.stop(t)
	if st.Expiries != 5 || st.Resyncs != 0 {
		t.Fatalf("progress %+v: want 5 expiries folded and no resync", st)
	}
	if fold, _ := l.folded(); len(fold) != 0 {
		t.Fatalf("the fold on disk holds %v after every key aged out", fold)
	}
	// The stored contact is the markers' stamp or a later caught-up proof: after the keys
	// aged out (the server runs on this clock).
	if c := storedStamp(t, l).Contact; c.Before(written.Add(time.Second)) {
		t.Fatalf("stored contact %v; want at least the age-out, %v", c, written.Add(time.Second))
	}
}

// storedStamp reads the stamp of the fold on disk.
func storedStamp(t *testing.T, l *live) snapshot.Stamp {
	t.Helper()
	st, err := appendlog.Open(l.snap, appendlog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	return st.Stamp()
}

// A fold down for less than the marker TTL resumes (no resync) and folds the markers of the
// keys that aged out meanwhile.
func TestExpiryFoldDownShorterThanMarkersResumes(t *testing.T) {
	l := agingBucket(t, "shortdown", 10*time.Second)
	s := l.start(nil)
	s.stopAt(t, l.putN("k", 5))
	if fold, _ := l.folded(); len(fold) != 5 {
		t.Fatalf("the fold holds %v before the downtime, want 5 keys", fold)
	}
	eventually(t, "the keys aged out of the bucket", func() bool { return len(l.scan()) == 0 })
	s = l.start(nil)
	eventually(t, "the fold folded the markers", func() bool { return len(foldNow(t, s)) == 0 })
	st := s.prog.Stats()
	s.stop(t)
	if st.Expiries != 5 || st.Resyncs != 0 {
		t.Fatalf("progress %+v: want the 5 markers folded on resume and no resync", st)
	}
}

// A fold down for longer than the marker TTL cannot see the markers any more (they expired
// from the middle of the stream, leaving no gap): its resume takes the key-diff resync, logged
// and counted, and the fold ends equal to the bucket.
func TestExpiryFoldDownLongerThanMarkersResyncs(t *testing.T) {
	l := agingBucket(t, "longdown", time.Second)
	s := l.start(nil)
	s.stopAt(t, l.putN("k", 5))
	if fold, _ := l.folded(); len(fold) != 5 {
		t.Fatalf("the fold holds %v before the downtime, want 5 keys", fold)
	}
	eventuallyWithin(t, 30*time.Second, "the keys and their markers gone from the stream", func() bool {
		return l.streamState().Msgs == 0
	})
	s = l.start(nil)
	eventually(t, "the contact resync emptied the fold", func() bool {
		st := s.prog.Stats()
		return st.ContactResyncs >= 1 && len(foldNow(t, s)) == 0
	})
	st := s.prog.Stats()
	s.stop(t)
	if st.SyntheticDeletes != 5 || st.Expiries != 0 {
		t.Fatalf("progress %+v: want the 5 keys deleted by the resync (no marker left to fold)", st)
	}
	if !s.log.logged(msgResyncing, reasonContactLost) {
		t.Fatalf("no %q logged with reason %q; resync reasons: %v", msgResyncing, reasonContactLost, s.log.reasons(msgResyncing))
	}
	fold, _ := l.folded()
	if want := l.scan(); !maps.Equal(fold, want) {
		t.Fatalf("fold %v differs from the bucket %v", fold, want)
	}
}

// A MaxAge bucket created by another tool without markers: Run refuses it with
// kv.ErrExpiryInvisible; with AcceptExpiryDivergence it runs, says so, and (as documented) the
// fold keeps a key after it aged out of the bucket.
func TestExpiryBucketWithoutMarkers(t *testing.T) {
	l := newLive(t, kv.StoreConfig{Name: "plain"})
	if _, err := l.js.CreateKeyValue(tctx(t), jetstream.KeyValueConfig{Bucket: "elsewhere", TTL: time.Second}); err != nil {
		t.Fatal(err)
	}
	b, err := l.conn.OpenBucket(tctx(t), kv.StoreConfig{Name: "elsewhere"})
	if err != nil {
		t.Fatal(err)
	}
	l.bucket, l.name = b, "elsewhere"

	s := l.start(nil)
	if _, err := s.wait(); !errors.Is(err, kv.ErrExpiryInvisible) || !errors.Is(err, natsstore.ErrExpiryInvisible) {
		t.Fatalf("Run over a bucket without markers: %v, want kv.ErrExpiryInvisible", err)
	}
	if err := s.store.Close(); err != nil {
		t.Fatal(err)
	}

	l.tweak = func(c *Config[string]) { c.AcceptExpiryDivergence = true }
	s = l.start(nil)
	l.put("k.a", "v")
	eventually(t, "the fold holds k.a", func() bool { return foldNow(t, s)["k.a"] == "v" })
	eventually(t, "k.a aged out of the bucket", func() bool { return len(l.scan()) == 0 })
	fold := foldNow(t, s)
	s.stop(t)
	if fold["k.a"] != "v" {
		t.Fatalf("fold %v: the documented divergence is that the fold keeps the aged-out key", fold)
	}
	if !s.log.has("AcceptExpiryDivergence") {
		t.Fatal("the accepted divergence was not logged")
	}
}

// A live fold that lags (its Apply blocked) until keys expired by their own TTL and their
// markers expired too, from the middle of the stream (a kept key holds the first sequence down,
// so the floor guard sees no gap), finds its contact lost at the next delivery or caught-up
// proof, cuts the watch and resyncs, ending equal to the bucket. The markers usually reach the
// client's buffer before they expire, and would then be folded anyway; what this pins is that
// the lag is detected against a real server, which is what saves the fold when they did not
// (model/expiry's live witness; TestLiveContactLapseResyncs pins the call site).
func TestExpiryFoldLaggingLongerThanMarkersResyncs(t *testing.T) {
	l := newLiveConn(t, natsstore.Config{MarkerTTL: time.Second, FloorGuardInterval: 50 * time.Millisecond},
		kv.StoreConfig{Name: "lagging", AllowTTL: true})
	gate := make(chan struct{})
	var blocked atomic.Bool
	s := l.start(func([]string) error {
		if blocked.CompareAndSwap(false, true) {
			<-gate
		}
		return nil
	})
	l.put("keep", "v")
	for i := range 5 {
		if _, err := l.bucket.CreateWithTTL(tctx(t), fmt.Sprintf("k.%d", i), []byte("v"), time.Second); err != nil {
			t.Fatal(err)
		}
	}
	eventually(t, "the fold's first apply blocked", blocked.Load)
	eventuallyWithin(t, 30*time.Second, "only the kept key left in the stream", func() bool {
		st := l.streamState()
		return st.Msgs == 1 && st.FirstSeq == 1
	})
	close(gate)
	if _, ok := pollUntil(10*time.Second, func() bool {
		return s.prog.Stats().ContactResyncs >= 1 && maps.Equal(foldNow(t, s), l.scan())
	}); !ok {
		t.Fatalf("no contact resync made the fold equal: progress %+v, fold %v, resyncs %v", s.prog.Stats(), foldNow(t, s), s.log.reasons(msgResyncing))
	}
	s.stop(t)
	if st := s.prog.Stats(); st.OverrunResyncs != 0 {
		t.Fatalf("progress %+v: the floor guard cannot see a marker expired from the middle", st)
	}
	if !s.log.logged(msgResyncing, reasonContactLost) {
		t.Fatalf("no %q logged with reason %q; resync reasons: %v", msgResyncing, reasonContactLost, s.log.reasons(msgResyncing))
	}
	if fold, _ := l.folded(); !maps.Equal(fold, map[string]string{"keep": "v"}) {
		t.Fatalf("fold %v, want only the kept key", fold)
	}
}
