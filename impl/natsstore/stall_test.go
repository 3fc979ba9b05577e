package natsstore

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/internal/embedded"
)

// stallWindow is the stall window of these tests' watches, whose backstop probes every
// stallProbe.
const (
	stallWindow = time.Second
	stallProbe  = 100 * time.Millisecond
)

// newStallBucket opens bucket name on a server of its own, on a Conn whose watches probe every
// stallProbe and declare a stall after stallWindow.
func newStallBucket(t *testing.T, name string) *bucketFixture {
	t.Helper()
	return openStallBucket(t, embedded.StartT(t), "", name)
}

// openStallBucket is newStallBucket on srv, through url if not empty (a proxy in front of srv).
func openStallBucket(t *testing.T, srv *embedded.Server, url, name string) *bucketFixture {
	t.Helper()
	conn := connectTo(t, srv, Config{URL: url, FloorGuardInterval: stallProbe})
	conn.hooks.watchStallAfter = stallWindow
	st, err := conn.OpenBucket(testCtx(t), kv.StoreConfig{Name: name, MaxBytes: 8 << 20})
	if err != nil {
		t.Fatal(err)
	}
	nc, js := rawClient(t, srv)
	return &bucketFixture{t: t, srv: srv, conn: conn, store: st, nc: nc, js: js}
}

// pauseWatchConsumer pauses the bucket's only consumer (the running watch's) for an hour: the
// server keeps answering its pull request with heartbeats but delivers nothing, which is how a
// consumer left behind its stream looks to the client.
func (d *bucketFixture) pauseWatchConsumer() {
	d.t.Helper()
	st, err := d.js.Stream(testCtx(d.t), d.store.stream)
	if err != nil {
		d.t.Fatal(err)
	}
	var names []string
	lister := st.ConsumerNames(testCtx(d.t))
	for n := range lister.Name() {
		names = append(names, n)
	}
	if err := lister.Err(); err != nil || len(names) != 1 {
		d.t.Fatalf("consumers of %s: %v, %v; want the watch's only", d.store.stream, names, err)
	}
	if _, err := d.js.PauseConsumer(testCtx(d.t), d.store.stream, names[0], time.Now().Add(time.Hour)); err != nil {
		d.t.Fatal(err)
	}
}

// A watch whose consumer keeps its heartbeats but stops delivering ends with ErrWatchStalled
// once the stream has held an update in its scope for the stall window, and the restart from
// its cursor delivers that update. Without the detector the watch waits forever: the pull's
// heartbeats keep arriving, so nothing else notices.
func TestStalledConsumerEndsTheWatch(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		scope kv.Scope
		key   string // a key in scope
		other string // a key out of scope ("" for All)
	}{
		{"all", kv.All(), "b", ""},
		{"prefix", kv.Prefix("p"), "p.b", "q.b"},
		{"prefixes", kv.Prefixes("p", "r"), "r.b", "q.b"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := newStallBucket(t, "stall_"+tc.name)
			w := d.startWatch(tc.scope, kv.Cursor{})
			sentinel := tc.key + "0"
			d.establish(w, sentinel)
			e, ok, err := d.store.Entry(testCtx(t), sentinel)
			if err != nil || !ok {
				t.Fatalf("entry %s: %v, %v", sentinel, ok, err)
			}
			d.pauseWatchConsumer()
			if tc.other != "" {
				// A write out of scope is nothing the watch owes: it must not end it.
				d.put(tc.other, "elsewhere")
				w.none(t, 3*stallWindow)
			}
			want := d.put(tc.key, "written while paused")
			err = w.result(t, 10*stallWindow)
			mustKind(t, err, kv.ErrWatch, "stalled watch")
			if !errors.Is(err, ErrWatchStalled) {
				t.Fatalf("stalled watch ended with %v, want ErrWatchStalled", err)
			}
			if n := d.store.WatchStalls(); n != 1 {
				t.Fatalf("WatchStalls = %d, want 1", n)
			}
			resumed := d.startWatch(tc.scope, kv.CursorFromVersion(e.Version))
			u := resumed.next(t)
			if u.Key != tc.key || rev(t, u.Version) != rev(t, want) {
				t.Fatalf("resumed watch delivered %s@%v, want %s@%v", u.Key, u.Version, tc.key, want)
			}
		})
	}
}

// A watch that has everything in its scope is never declared stalled, however long nothing
// arrives: not while keys out of its scope are written, and not after an operator's purge
// removed the records it received (the stream's last sequence then lies beyond every record in
// scope, so only the last record in scope, not the stream's last sequence, can tell).
func TestQuietWatchIsNotStalled(t *testing.T) {
	t.Parallel()
	d := newStallBucket(t, "quiet")
	w := d.startWatch(kv.Prefix("p"), kv.Cursor{})
	d.establish(w, "p.a")
	for _, k := range []string{"q.a", "q.b", "q.c"} {
		d.put(k, "elsewhere")
	}
	st, err := d.js.Stream(testCtx(t), d.store.stream)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Purge(testCtx(t), jetstream.WithPurgeSubject(d.store.subjectPrefix+"p.a")); err != nil {
		t.Fatal(err)
	}
	w.none(t, 4*stallWindow) // the detector probes every stallProbe meanwhile
	select {
	case err := <-w.done:
		t.Fatalf("a quiet watch ended: %v", err)
	default:
	}
	if n := d.store.WatchStalls(); n != 0 {
		t.Fatalf("WatchStalls = %d on a quiet watch", n)
	}
	want := d.put("p.b", "later")
	if u := w.next(t); u.Key != "p.b" || rev(t, u.Version) != rev(t, want) {
		t.Fatalf("quiet watch then delivered %s@%v, want p.b@%v", u.Key, u.Version, want)
	}
}

// A delivery lost on its way to the client (as on a link that is cut and re-established: the
// consumer sends without acknowledgements and never sends again) leaves the watch one update
// behind with nothing to reveal it: no later delivery shows a gap, and the heartbeats still
// arrive. The watch ends with ErrWatchStalled and the resume from its cursor delivers the
// update. This is how a fold stayed one write behind its bucket after the last write of a
// chaos run.
func TestLostLastDeliveryEndsTheWatch(t *testing.T) {
	t.Parallel()
	srv := embedded.StartT(t)
	proxy := newLossyProxy(t, strings.TrimPrefix(srv.URL(), "nats://"))
	d := openStallBucket(t, srv, proxy.URL(), "lost")
	w := d.startWatch(kv.All(), kv.Cursor{})
	d.establish(w, "a")
	e, ok, err := d.store.Entry(testCtx(t), "a")
	if err != nil || !ok {
		t.Fatalf("entry a: %v, %v", ok, err)
	}
	proxy.dropNextDelivery()
	want := d.put("b", "lost on the way")
	waitSignalValue(t, proxy.dropped, 10*time.Second, "the delivery of b is dropped")
	err = w.result(t, 10*stallWindow)
	if !errors.Is(err, ErrWatchStalled) {
		t.Fatalf("watch that lost its last delivery ended with %v, want ErrWatchStalled", err)
	}
	resumed := d.startWatch(kv.All(), kv.CursorFromVersion(e.Version))
	if u := resumed.next(t); u.Key != "b" || rev(t, u.Version) != rev(t, want) {
		t.Fatalf("resumed watch delivered %s@%v, want b@%v", u.Key, u.Version, want)
	}
}

// waitSignalValue waits for a value on ch, failing the test after within.
func waitSignalValue[T any](t testing.TB, ch <-chan T, within time.Duration, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(within):
		t.Fatalf("%s: not within %v", what, within)
	}
	var zero T
	return zero
}
