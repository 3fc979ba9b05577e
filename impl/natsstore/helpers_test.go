package natsstore

// The helpers every test of this package uses to reach an embedded server, open a bucket on
// it, and wait for events. Each test starts its own server (embedded.StartT), and test hooks
// are fields of its own Store or Conn, so tests can run in parallel.

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/internal/embedded"
)

// testCtx is a context that ends with the test, bounded well above every deadline the tests
// expect to hit.
func testCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// poll checks cond every 10 ms until it holds or within passes; it returns how long that took
// and whether cond held. It is the one polling loop of these tests; eventually is its failing
// form.
func poll(within time.Duration, cond func() bool) (time.Duration, bool) {
	start := time.Now()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		if cond() {
			return time.Since(start), true
		}
		if time.Since(start) >= within {
			return time.Since(start), false
		}
		<-tick.C
	}
}

// eventually fails the test unless cond holds within the given time; it returns how long it took.
func eventually(t testing.TB, within time.Duration, what string, cond func() bool) time.Duration {
	t.Helper()
	took, ok := poll(within, cond)
	if !ok {
		t.Fatalf("%s: not within %v", what, within)
	}
	return took
}

// rawClient is a plain nats.go connection to srv, and its JetStream context, for assertions
// that must not go through a Store. It is closed at cleanup.
func rawClient(t testing.TB, srv *embedded.Server) (*nats.Conn, jetstream.JetStream) {
	t.Helper()
	nc, err := nats.Connect(srv.URL())
	if err != nil {
		t.Fatalf("raw connect to %s: %v", srv.URL(), err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	return nc, js
}

// mustKind fails unless err matches kind.
func mustKind(t testing.TB, err, kind error, what string) {
	t.Helper()
	if !errors.Is(err, kind) {
		t.Fatalf("%s: got %v, want %v", what, err, kind)
	}
}

// connectTo connects to srv with cfg (URL filled in if empty) and closes the Conn at cleanup.
func connectTo(t testing.TB, srv *embedded.Server, cfg Config) *Conn {
	t.Helper()
	if cfg.URL == "" {
		cfg.URL = srv.URL()
	}
	c, err := Connect(testCtx(t), cfg)
	if err != nil {
		t.Fatalf("Connect: %v", err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// logBuffer is a slog logger at debug level writing into a buffer the test can inspect.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func (l *logBuffer) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(l, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// roundTrip writes and reads a key through the store's own bucket handle, proving the
// handle is wired to a live connection.
func roundTrip(t *testing.T, s *Store, key, value string) {
	t.Helper()
	ctx := testCtx(t)
	rev, err := s.kv.Put(ctx, key, []byte(value))
	if err != nil {
		t.Fatalf("put %s: %v", key, err)
	}
	e, err := s.kv.Get(ctx, key)
	if err != nil {
		t.Fatalf("get %s: %v", key, err)
	}
	if string(e.Value()) != value || e.Revision() != rev {
		t.Fatalf("get %s = %q@%d, want %q@%d", key, e.Value(), e.Revision(), value, rev)
	}
}

// bucketFixture is a bucket on its own embedded server: the server, a Conn, the Store, and a
// raw nats.go client on the same server for assertions that must not go through the Store.
type bucketFixture struct {
	t     *testing.T
	srv   *embedded.Server
	conn  *Conn
	store *Store
	nc    *nats.Conn
	js    jetstream.JetStream
}

// newTestBucket starts a server of its own and opens bucket name on it, with MaxBytes 8 MiB
// (edit changes the StoreConfig first).
func newTestBucket(t *testing.T, name string, edit ...func(*kv.StoreConfig)) *bucketFixture {
	t.Helper()
	srv := embedded.StartT(t)
	return openTestBucket(t, srv, Config{URL: srv.URL()}, name, edit...)
}

// openTestBucket connects to srv with cfg and opens bucket name (see newTestBucket).
func openTestBucket(t *testing.T, srv *embedded.Server, cfg Config, name string, edit ...func(*kv.StoreConfig)) *bucketFixture {
	t.Helper()
	conn := connectTo(t, srv, cfg)
	sc := kv.StoreConfig{Name: name, MaxBytes: 8 << 20}
	for _, e := range edit {
		e(&sc)
	}
	st, err := conn.OpenBucket(testCtx(t), sc)
	if err != nil {
		t.Fatalf("open bucket %s: %v", name, err)
	}
	nc, js := rawClient(t, srv)
	return &bucketFixture{t: t, srv: srv, conn: conn, store: st, nc: nc, js: js}
}

// evictsOldest gives a test bucket the discard-old policy, under which its cap removes the
// oldest records: the retention the floor guard and the resume check guard against, for which
// purgeStreamBelow stands in. (Under the default discard-new a full bucket refuses writes and
// removes nothing.)
func evictsOldest(c *kv.StoreConfig) { c.Discard = kv.DiscardOld }

func (d *bucketFixture) put(key, value string) kv.Version {
	d.t.Helper()
	v, err := d.store.Put(testCtx(d.t), key, []byte(value))
	if err != nil {
		d.t.Fatalf("put %s: %v", key, err)
	}
	return v
}

func (d *bucketFixture) del(key string) {
	d.t.Helper()
	if err := d.store.Delete(testCtx(d.t), key); err != nil {
		d.t.Fatalf("delete %s: %v", key, err)
	}
}

func rev(t testing.TB, v kv.Version) uint64 {
	t.Helper()
	r, ok := v.Uint64()
	if !ok {
		t.Fatalf("version %v has no revision", v)
	}
	return r
}

// streamInfo reads the bucket stream's info through the raw client.
func (d *bucketFixture) streamInfo() *jetstream.StreamInfo {
	d.t.Helper()
	st, err := d.js.Stream(testCtx(d.t), d.store.stream)
	if err != nil {
		d.t.Fatal(err)
	}
	return st.CachedInfo()
}

// outMsgs is the number of messages the Store's connection has sent: a check that a rejected
// call sent nothing.
func (d *bucketFixture) outMsgs() uint64 { return d.store.js.Conn().Stats().OutMsgs }

// streamInfoOf reads the bucket's stream configuration on a separate connection.
func streamInfoOf(t *testing.T, srv *embedded.Server, bucket string) *jetstream.StreamInfo {
	t.Helper()
	_, js := rawClient(t, srv)
	st, err := js.Stream(testCtx(t), "KV_"+bucket)
	if err != nil {
		t.Fatalf("stream KV_%s: %v", bucket, err)
	}
	return st.CachedInfo()
}
