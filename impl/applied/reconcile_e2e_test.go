package applied

import (
	"context"
	"fmt"
	"maps"
	"path/filepath"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/natsstore"
	"github.com/slipstream-go/slipstream/impl/snapshot/appendlog"
	"github.com/slipstream-go/slipstream/internal/embedded"
)

// reconcilePeriod is the period the reconciliation tests run with; each waits for at most a
// few periods (plus the catch-up of the first round).
const reconcilePeriod = 300 * time.Millisecond

// newLiveQuick is newLive with a one-second request timeout: a listing that races a purge
// (its consumer counted messages the purge then removed) stalls until the timeout and fails,
// and the next round retries; the tests must not wait the default 30 s for that.
func newLiveQuick(t *testing.T, cfg kv.StoreConfig) *live {
	t.Helper()
	srv := embedded.StartT(t)
	conn, err := natsstore.Connect(tctx(t), natsstore.Config{URL: srv.URL(), RequestTimeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	b, err := conn.OpenBucket(tctx(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	nc, err := nats.Connect(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	return &live{t: t, conn: conn, cfg: cfg, bucket: b, js: js, name: cfg.Name, snap: filepath.Join(t.TempDir(), "fold.snap")}
}

// startReconciling starts Run like start, with reconciliation every period; edit, if not nil,
// changes the Config first.
func (l *live) startReconciling(period time.Duration, edit func(*Config[string])) *session {
	l.t.Helper()
	st, err := appendlog.Open(l.snap, appendlog.Options{})
	if err != nil {
		l.t.Fatal(err)
	}
	s := &session{prog: &Progress{}, store: st}
	ctx, cancel := context.WithCancel(context.Background())
	cfg := Config[string]{Watcher: l.bucket, Reader: l.bucket, Store: st, Progress: s.prog,
		Parse: func(u kv.Update) (string, bool) { return u.Key, true }, ReconcileEvery: period}
	if edit != nil {
		edit(&cfg)
	}
	s.cancel, s.wait = cancel, runAsync(ctx, cfg)
	l.t.Cleanup(func() { s.cancel(); _, _ = s.wait(); _ = st.Close() })
	return s
}

// foldOf reads the running store's live entries (Run is its only writer; reads are safe).
func foldOf(t *testing.T, st *appendlog.Store) map[string]string {
	t.Helper()
	out := map[string]string{}
	for e, err := range st.Range("") {
		if err != nil {
			t.Fatal(err)
		}
		out[e.Key] = string(e.Value)
	}
	return out
}

// kvHandle is nats.go's own KeyValue handle on the bucket, for PurgeDeletes and TTL purges.
func (l *live) kvHandle() jetstream.KeyValue {
	l.t.Helper()
	h, err := l.js.KeyValue(tctx(l.t), l.name)
	if err != nil {
		l.t.Fatal(err)
	}
	return h
}

// awaitRepaired waits until the fold equals the bucket and the store's repairs of the kind
// reached want, and fails if it took more than a few periods.
func awaitRepaired(t *testing.T, l *live, s *session, want uint64) {
	t.Helper()
	eventually(t, fmt.Sprintf("fold == bucket with %d repaired deletes", want), func() bool {
		return s.prog.Stats().ReconcileDeletes >= want && maps.Equal(foldOf(t, s.store), l.scan())
	})
	if st := s.prog.Stats(); st.ReconcileDeletes != want || st.ReconcileFetches != 0 {
		t.Fatalf("repairs: %d deletes, %d fetches; want %d deletes and no fetch", st.ReconcileDeletes, st.ReconcileFetches, want)
	}
}

// PurgeDeletes while the consumer is down removes the delete marker it would have resumed
// into: the resume delivers only the later puts, with no gap to see. The first reconciliation
// after the resume deletes the key.
func TestReconcileRepairsPurgeDeletesWhileDown(t *testing.T) {
	l := newLiveQuick(t, kv.StoreConfig{Name: "pdown"})
	var head uint64
	for _, k := range []string{"k1", "k2", "k3"} {
		head = l.put(k, "v1")
	}
	s := l.start(nil)
	s.stopAt(t, head)

	l.del("k2")
	if err := l.kvHandle().PurgeDeletes(tctx(t), jetstream.DeleteMarkersOlderThan(-1)); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"k4", "k5", "k6"} {
		head = l.put(k, "v1")
	}
	// A period far longer than the test: only the round after the resume can repair.
	s = l.startReconciling(time.Hour, nil)
	awaitRepaired(t, l, s, 1)
	if r, _ := s.prog.Stats().Stored.Uint64(); r != head {
		t.Fatalf("the store's cursor is %d, want the head %d: a repair must not move it", r, head)
	}
	if st := s.prog.Stats(); st.Received != 3 || st.Resyncs != 0 {
		t.Fatalf("the resume received %d updates with %d resyncs, want the 3 puts and no resync (the purge left no gap)", st.Received, st.Resyncs)
	}
}

// PurgeDeletes while the consumer is live, racing the watch: the loop is held in Apply while
// more writes than the watch pulls at once are queued, then the delete and the purge happen,
// so the marker is gone before the server delivers it. A later round deletes the key.
func TestReconcileRepairsPurgeDeletesWhileLive(t *testing.T) {
	l := newLiveQuick(t, kv.StoreConfig{Name: "plive", MaxBytes: 64 << 20})
	head := l.put("victim", "v1")
	gate := make(chan struct{})
	var held bool
	s := l.startReconciling(reconcilePeriod, func(c *Config[string]) {
		c.Batch = BatchConfig{Max: 1, ChannelCapacity: 1}
		c.Apply = func(keys []string) error {
			if keys[0] == "hold" && !held {
				held = true
				<-gate
			}
			return nil
		}
	})
	eventually(t, "the victim folded", func() bool { r, _ := s.prog.Stats().Stored.Uint64(); return r >= head })
	l.put("hold", "x")
	for i := range 3000 { // more than the watch's pull batch: the tail stays on the server
		l.put(fmt.Sprintf("fill.%04d", i), "x")
	}
	l.del("victim")
	if err := l.kvHandle().PurgeDeletes(tctx(t), jetstream.DeleteMarkersOlderThan(-1)); err != nil {
		t.Fatal(err)
	}
	close(gate)
	awaitRepaired(t, l, s, 1)
}

// An operator purges one key's subject with the stream API: its live record vanishes without a
// marker, so the watch never sees anything. The next round deletes the key.
func TestReconcileRepairsOperatorSubjectPurge(t *testing.T) {
	l := newLiveQuick(t, kv.StoreConfig{Name: "opurge"})
	var head uint64
	for _, k := range []string{"a", "b", "c"} {
		head = l.put(k, "v1")
	}
	s := l.startReconciling(reconcilePeriod, nil)
	eventually(t, "the puts folded and a round done", func() bool {
		r, _ := s.prog.Stats().Stored.Uint64()
		return r >= head && s.prog.Stats().Reconciliations > 0
	})
	st, err := l.js.Stream(tctx(t), "KV_"+l.name)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Purge(tctx(t), jetstream.WithPurgeSubject("$KV."+l.name+".b")); err != nil {
		t.Fatal(err)
	}
	awaitRepaired(t, l, s, 1)
}

// A delete marker with a TTL (a purge with PurgeTTL on a bucket allowing per-key TTLs) expires
// while the consumer is down: the key then has no record at all. The round after the resume
// deletes it.
func TestReconcileRepairsMarkerExpiredWhileDown(t *testing.T) {
	l := newLiveQuick(t, kv.StoreConfig{Name: "mttl", AllowTTL: true})
	var head uint64
	for _, k := range []string{"a", "b", "c"} {
		head = l.put(k, "v1")
	}
	s := l.start(nil)
	s.stopAt(t, head)

	h := l.kvHandle()
	if err := h.Purge(tctx(t), "b", jetstream.PurgeTTL(time.Second)); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the marker expired", func() bool {
		_, err := h.Get(tctx(t), "b")
		info := l.streamState()
		return err != nil && info.NumSubjects == 2
	})
	l.put("d", "v1")
	s = l.startReconciling(time.Hour, nil)
	awaitRepaired(t, l, s, 1)
}
