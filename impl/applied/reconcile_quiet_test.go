package applied

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/slipstream-go/slipstream/impl/kv"
)

// A consumer with nothing to repair reports zero repairs while rounds run back to back beside
// a busy watch: 100k writes (10k with -short or under the race detector, as make test runs it)
// of puts, overwrites and deletes over 1000 keys,
// with a round every 10 ms. Every round races the watch (records above the frontier, fold
// entries newer than the listing), and none may count a divergence.
func TestReconcileFindsNothingOnAHealthyConsumer(t *testing.T) {
	writes := 100_000
	if testing.Short() || raceEnabled {
		writes = 10_000
	}
	// History 64 keeps every record of this run's keys, so the stream's first sequence stays
	// put: on a history-1 bucket, overwrites remove the oldest records, and a watch slowed by
	// the race detector then sees its floor pass its frontier and trips the floor guard (a
	// conservative trip that costs a restart and a resync; not what this test is about).
	l := newLive(t, kv.StoreConfig{Name: "quiet", MaxBytes: 256 << 20, MaxHistory: 64})
	s := l.startReconciling(10*time.Millisecond, nil)
	// The first round waits for a quiet watch; once it has run, rounds follow every 10 ms and
	// race the writes below.
	l.put("k.seed", "v")
	eventually(t, "the first round", func() bool { return s.prog.Stats().Reconciliations >= 1 })
	rng := rand.New(rand.NewPCG(1, 2))
	subject := "$KV." + l.name + "."
	for i := range writes {
		key := fmt.Sprintf("k.%03d", rng.IntN(1000))
		m := nats.NewMsg(subject + key)
		if rng.IntN(10) == 0 {
			m.Header.Set("KV-Operation", "DEL")
		} else {
			m.Data = []byte(fmt.Sprintf("v%d", i))
		}
		if _, err := l.js.PublishMsgAsync(m); err != nil {
			t.Fatal(err)
		}
		if i%1000 == 999 {
			<-l.js.PublishAsyncComplete()
		}
	}
	<-l.js.PublishAsyncComplete()
	head := l.streamState().LastSeq
	// Folding the backlog beside back-to-back rounds takes a while on a loaded machine; if the
	// head is never reached, say why Run stopped.
	atHead := func() bool { r, _ := s.prog.Stats().Stored.Uint64(); return r >= head }
	if _, ok := pollUntil(2*time.Minute, atHead); !ok {
		s.cancel()
		_, err := s.wait()
		t.Fatalf("the store never reached the head %d (at %v, %+v); Run returned %v", head, s.prog.Stats().Stored, s.prog.Stats(), err)
	}
	before := s.prog.Stats().Reconciliations
	eventually(t, "two more rounds at the head", func() bool { return s.prog.Stats().Reconciliations >= before+2 })
	st := s.prog.Stats()
	if st.ReconcileDeletes != 0 || st.ReconcileFetches != 0 || st.ReconcileFailures != 0 {
		t.Fatalf("a healthy consumer reported %d deletes, %d fetches, %d failed listings over %d rounds",
			st.ReconcileDeletes, st.ReconcileFetches, st.ReconcileFailures, st.Reconciliations)
	}
	if st.Reconciliations < 3 {
		t.Fatalf("only %d rounds ran beside the watch", st.Reconciliations)
	}
	if !maps.Equal(foldOf(t, s.store), l.scan()) {
		t.Fatal("the fold differs from the bucket at the head")
	}
	t.Logf("%d writes, %d rounds, no repair", writes, st.Reconciliations)
}
