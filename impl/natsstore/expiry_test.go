package natsstore

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/internal/embedded"
	"github.com/slipstream-go/slipstream/protocol"
)

// watchAll runs a state-sync watch of every key until the test ends and returns its updates.
func watchAll(t *testing.T, s *Store) <-chan kv.Update {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out := make(chan kv.Update, 64)
	done := make(chan error, 1)
	go func() { done <- s.Watch(ctx, kv.All(), kv.Cursor{}, out) }()
	t.Cleanup(func() { cancel(); <-done })
	return out
}

// next returns the next update of key on the watch, failing the test after within.
func next(t *testing.T, updates <-chan kv.Update, key string, within time.Duration) kv.Update {
	t.Helper()
	deadline := time.After(within)
	for {
		select {
		case u := <-updates:
			if u.Key == key {
				return u
			}
		case <-deadline:
			t.Fatalf("no update of %s within %v", key, within)
		}
	}
}

// Buckets created here with MaxAge get subject delete markers, on both creation paths (nats.go's
// for DiscardNew, the raw request for DiscardOld); so do AllowTTL buckets; a bucket without
// either ages nothing out. Expiry reads all of it from the stream configuration.
func TestBucketsThatAgeKeysOutGetMarkers(t *testing.T) {
	t.Parallel()
	srv := embedded.StartT(t)
	c := connectTo(t, srv, Config{MarkerTTL: 3 * time.Second})
	cases := []struct {
		cfg  kv.StoreConfig
		want Expiry
	}{
		{kv.StoreConfig{Name: "exp_new", MaxAge: time.Minute, Discard: kv.DiscardNew}, Expiry{MaxAge: time.Minute, PerKeyTTL: true, MarkerTTL: 3 * time.Second}},
		{kv.StoreConfig{Name: "exp_old", MaxAge: time.Minute, Discard: kv.DiscardOld}, Expiry{MaxAge: time.Minute, PerKeyTTL: true, MarkerTTL: 3 * time.Second}},
		{kv.StoreConfig{Name: "exp_ttl", AllowTTL: true}, Expiry{PerKeyTTL: true, MarkerTTL: 3 * time.Second}},
		{kv.StoreConfig{Name: "exp_none"}, Expiry{}},
	}
	for _, tc := range cases {
		s, err := c.OpenBucket(testCtx(t), tc.cfg)
		if err != nil {
			t.Fatalf("%s: %v", tc.cfg.Name, err)
		}
		got, err := s.Expiry(testCtx(t))
		if err != nil {
			t.Fatalf("%s: %v", tc.cfg.Name, err)
		}
		if got != tc.want || !got.Visible() || RequireExpiry(tc.cfg.Name, got, false) != nil {
			t.Errorf("%s: Expiry() = %+v (visible %v), want %+v, visible", tc.cfg.Name, got, got.Visible(), tc.want)
		}
		wantPolicy := protocol.ExpiryGuarded
		if !tc.want.AgesOut() {
			wantPolicy = protocol.ExpiryNone
		}
		if p := ExpiryPolicy(got, false); p != wantPolicy {
			t.Errorf("%s: policy %v, want %v", tc.cfg.Name, p, wantPolicy)
		}
		if caps := s.Capabilities(); caps.AgesOut != tc.want.AgesOut() || caps.ExpiryVisible != tc.want.AgesOut() {
			t.Errorf("%s: Capabilities AgesOut %v ExpiryVisible %v, want both %v", tc.cfg.Name, caps.AgesOut, caps.ExpiryVisible, tc.want.AgesOut())
		}
	}
}

// A MaxAge bucket created by another tool without markers: OpenBucket warns, Expiry reports its
// expiries invisible and RequireExpiry refuses it with ErrExpiryInvisible (an explicit acceptance gives the
// unguarded policy instead); EnableExpiryMarkers turns markers on by a stream update, and from
// then on an aged-out key reaches a watch as a purge.
func TestBucketCreatedElsewhereWithoutMarkers(t *testing.T) {
	t.Parallel()
	srv := embedded.StartT(t)
	_, js := rawClient(t, srv)
	if _, err := js.CreateKeyValue(testCtx(t), jetstream.KeyValueConfig{Bucket: "elsewhere", TTL: time.Second}); err != nil {
		t.Fatal(err)
	}
	var logs logBuffer
	c := connectTo(t, srv, Config{Logger: logs.logger()})
	s, err := c.OpenBucket(testCtx(t), kv.StoreConfig{Name: "elsewhere"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), "EnableExpiryMarkers") {
		t.Fatalf("opening a bucket whose expiries are invisible logs no warning saying how to fix it:\n%s", logs.String())
	}
	if caps := s.Capabilities(); !caps.AgesOut || caps.ExpiryVisible {
		t.Fatalf("Capabilities AgesOut %v ExpiryVisible %v, want a bucket that ages keys out invisibly", caps.AgesOut, caps.ExpiryVisible)
	}
	e, err := s.Expiry(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	if e.Visible() || e.MaxAge != time.Second || e.MarkerTTL != 0 {
		t.Fatalf("Expiry() = %+v (visible %v), want MaxAge 1s without markers, invisible", e, e.Visible())
	}
	err = RequireExpiry("elsewhere", e, false)
	if !errors.Is(err, ErrExpiryInvisible) || !errors.Is(err, kv.ErrUnsupported) {
		t.Fatalf("Require = %v, want ErrExpiryInvisible of kind ErrUnsupported", err)
	}
	var kerr *kv.Error
	if !errors.As(err, &kerr) || !strings.Contains(kerr.Hint, "EnableExpiryMarkers") {
		t.Fatalf("Require's error does not say how to enable markers: %v", err)
	}
	if err := RequireExpiry("elsewhere", e, true); err != nil || ExpiryPolicy(e, true) != protocol.ExpiryUnguarded {
		t.Fatalf("accepted divergence: Require = %v, policy %v", err, ExpiryPolicy(e, true))
	}

	if _, err := s.EnableExpiryMarkers(testCtx(t), 500*time.Millisecond); !errors.Is(err, kv.ErrInvalidConfig) {
		t.Fatalf("a sub-second marker TTL: %v, want ErrInvalidConfig", err)
	}
	got, err := s.EnableExpiryMarkers(testCtx(t), 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if want := (Expiry{MaxAge: time.Second, PerKeyTTL: true, MarkerTTL: 2 * time.Second}); got != want {
		t.Fatalf("after EnableExpiryMarkers: %+v, want %+v", got, want)
	}
	if again, err := s.Expiry(testCtx(t)); err != nil || again != got {
		t.Fatalf("re-read: %+v, %v; want %+v", again, err, got)
	}
	if kept, err := s.EnableExpiryMarkers(testCtx(t), 0); err != nil || kept != got {
		t.Fatalf("markers already on keep their TTL: %+v, %v", kept, err)
	}

	updates := watchAll(t, s)
	if _, err := s.Put(testCtx(t), "k.a", []byte("1")); err != nil {
		t.Fatal(err)
	}
	if u := next(t, updates, "k.a", 10*time.Second); u.Op != kv.OpPut {
		t.Fatalf("first update %+v, want the put", u)
	}
	if u := next(t, updates, "k.a", 20*time.Second); u.Op != kv.OpPurge {
		t.Fatalf("after MaxAge: %+v, want a purge", u)
	}
}

// On a MaxAge bucket created here, a key that ages out reaches a caught-up watch as a purge: the
// server writes a marker with Nats-Marker-Reason MaxAge and the bucket's marker TTL, and the key
// reads absent. The marker then expires after its TTL, from the middle of the stream, which is
// why a fold away longer than that must resync (protocol.ExpiryContactLost).
func TestAgedOutKeyReachesTheWatchAsPurge(t *testing.T) {
	t.Parallel()
	d := newTestBucket(t, "aged", func(c *kv.StoreConfig) { c.MaxAge = time.Second })
	updates := watchAll(t, d.store)
	v := d.put("k.a", "1")
	if u := next(t, updates, "k.a", 10*time.Second); u.Op != kv.OpPut || u.Version != v {
		t.Fatalf("first update %+v, want the put at %v", u, v)
	}
	u := next(t, updates, "k.a", 20*time.Second)
	if u.Op != kv.OpPurge || rev(t, u.Version) <= rev(t, v) {
		t.Fatalf("after MaxAge: %+v, want a purge after revision %d", u, rev(t, v))
	}
	if _, ok, err := d.store.Get(testCtx(t), "k.a"); ok || err != nil {
		t.Fatalf("Get of the aged-out key: ok %v, err %v; want absent", ok, err)
	}
	st, err := d.js.Stream(testCtx(t), d.store.stream)
	if err != nil {
		t.Fatal(err)
	}
	m, err := st.GetMsg(testCtx(t), rev(t, u.Version))
	if err != nil {
		t.Fatalf("the marker at %d: %v", rev(t, u.Version), err)
	}
	if m.Header.Get(hdrMarkerReason) != "MaxAge" || m.Header.Get("Nats-TTL") == "" {
		t.Fatalf("marker headers %v, want Nats-Marker-Reason MaxAge and a Nats-TTL", m.Header)
	}
}

// Expiry and EnableExpiryMarkers on the zero Store and a nil *Store fail with ErrNotConnected,
// never a panic.
func TestExpiryOnZeroStoreIsNotConnected(t *testing.T) {
	t.Parallel()
	for _, s := range []*Store{{}, nil} {
		_, err := s.Expiry(context.Background())
		mustKind(t, err, kv.ErrNotConnected, "Expiry")
		_, err = s.EnableExpiryMarkers(context.Background(), time.Second)
		mustKind(t, err, kv.ErrNotConnected, "EnableExpiryMarkers")
	}
}

// The second hole, pinned against the server: a marker expires from the middle of the stream,
// so a watch resuming after it (a key kept from before holds the stream's first sequence down)
// is accepted by the resume check and delivers the next write, and nothing about the expired
// key. This is why a fold away longer than the marker TTL must resync on its own
// (protocol.ExpiryContactLost): no error will tell it.
func TestExpiredMarkerLeavesNoTraceForAResume(t *testing.T) {
	t.Parallel()
	srv := embedded.StartT(t)
	d := openTestBucket(t, srv, Config{URL: srv.URL(), MarkerTTL: time.Second}, "outlived",
		func(c *kv.StoreConfig) { c.AllowTTL = true })
	d.put("k.keep", "0")
	short, err := d.store.CreateWithTTL(testCtx(t), "k.a", []byte("1"), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	markerSeq := rev(t, short) + 1
	st, err := d.js.Stream(testCtx(t), d.store.stream)
	if err != nil {
		t.Fatal(err)
	}
	held := func(seq uint64) bool { _, err := st.GetMsg(testCtx(t), seq); return err == nil }
	eventually(t, 20*time.Second, "the TTL expiry writes a marker", func() bool { return held(markerSeq) })
	eventually(t, 20*time.Second, "the marker expires", func() bool { return !held(markerSeq) })
	later := d.put("k.z", "2")

	ctx, cancel := context.WithCancel(context.Background())
	out := make(chan kv.Update, 16)
	done := make(chan error, 1)
	go func() { done <- d.store.Watch(ctx, kv.All(), kv.CursorFromUint64(rev(t, short)), out) }()
	defer func() { cancel(); <-done }()
	select {
	case u := <-out:
		if u.Key != "k.z" || u.Version != later {
			t.Fatalf("the resume delivered %+v first, want k.z at %v", u, later)
		}
	case err := <-done:
		t.Fatalf("the resume failed (%v): the server kept a trace after all", err)
	case <-time.After(10 * time.Second):
		t.Fatal("the resume delivered nothing")
	}
}

// DiscardNew with MaxAge, the usual pairing for configuration buckets (a full bucket refuses
// writes rather than losing old keys), on a full bucket: the server still writes a marker for
// every aged-out key, and each reaches the watch as a purge.
func TestFullDiscardNewBucketStillGetsMarkers(t *testing.T) {
	t.Parallel()
	d := newTestBucket(t, "fullnew", func(c *kv.StoreConfig) {
		c.MaxAge, c.MaxBytes, c.Discard = time.Second, 2048, kv.DiscardNew
	})
	updates := watchAll(t, d.store)
	written := map[string]bool{}
	for n := 0; ; n++ {
		key := fmt.Sprintf("k.%d", n)
		if _, err := d.store.Put(testCtx(t), key, make([]byte, 200)); err != nil {
			break // full
		}
		written[key] = true
		if n > 100 {
			t.Fatal("a 2 KiB bucket took 100 writes of 200 bytes")
		}
	}
	if len(written) == 0 {
		t.Fatal("nothing was written")
	}
	purged := map[string]bool{}
	deadline := time.After(20 * time.Second)
	for len(purged) < len(written) {
		select {
		case u := <-updates:
			if u.Op == kv.OpPurge && written[u.Key] {
				purged[u.Key] = true
			}
		case <-deadline:
			t.Fatalf("%d of %d aged-out keys reached the watch as purges", len(purged), len(written))
		}
	}
}
