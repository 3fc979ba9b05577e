package applied

import (
	"testing"
	"time"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/natsstore"
)

// A fold of a quiet bucket whose delete markers live less than the floor guard's default
// backstop period (30 s) keeps its contact by the watch's caught-up proofs alone, and never
// resyncs for it: the store proves the watch caught up often enough for the marker TTL. The
// scope is filtered and an out-of-scope key was written last, so every proof needs the
// consumer's word (the frontier never reaches the stream's last sequence by itself).
func TestQuietFoldWithShortMarkerTTLKeepsContact(t *testing.T) {
	const markerTTL = 2 * time.Second
	// The default FloorGuardInterval: the cadence under test is the store's own.
	l := newLiveConn(t, natsstore.Config{MarkerTTL: markerTTL}, kv.StoreConfig{Name: "quiet", MaxAge: time.Hour})
	l.scope = kv.Prefix("in")
	l.put("in.a", "1")
	l.put("out.b", "2")
	s := l.start(nil)
	eventually(t, "the fold holds in.a", func() bool { return foldNow(t, s)["in.a"] == "1" })
	quietFrom := time.Now()
	// Nothing is written from here on: only caught-up proofs can move the stored contact.
	want := quietFrom.Add(3 * markerTTL)
	if _, ok := pollUntil(20*time.Second, func() bool {
		return s.prog.Stats().ContactResyncs > 0 || !s.store.Stamp().Contact.Before(want)
	}); !ok {
		t.Fatalf("the stored contact %v did not reach %v, three marker TTLs into the quiet: "+
			"the caught-up proofs stopped", s.store.Stamp().Contact, want)
	}
	st := s.prog.Stats()
	s.stop(t)
	if st.ContactResyncs != 0 || st.Resyncs != 0 {
		t.Fatalf("progress %+v: a quiet fold kept in contact resynced (reasons %v)", st, s.log.reasons(msgResyncing))
	}
}
