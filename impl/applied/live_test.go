package applied

import (
	"context"
	"fmt"
	"log/slog"
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

// live is one bucket on an embedded server, with a raw JetStream handle for what the kv layer
// does not offer (stream state, purges, bulk publishing).
type live struct {
	t      *testing.T
	srv    *embedded.Server
	conn   *natsstore.Conn
	cfg    kv.StoreConfig
	bucket *natsstore.Store
	js     jetstream.JetStream
	name   string
	snap   string   // the append log's path
	scope  kv.Scope // what start watches (All unless a test sets it)
	// tweak, if set, adjusts the Config each start runs.
	tweak func(*Config[string])
}

func newLive(t *testing.T, cfg kv.StoreConfig) *live {
	t.Helper()
	return newLiveConn(t, natsstore.Config{}, cfg)
}

// newLiveConn is newLive over a connection configured by ncfg (its URL is set here).
func newLiveConn(t *testing.T, ncfg natsstore.Config, cfg kv.StoreConfig) *live {
	t.Helper()
	srv := embedded.StartT(t)
	ctx := tctx(t)
	ncfg.URL = srv.URL()
	conn, err := natsstore.Connect(ctx, ncfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	b, err := conn.OpenBucket(ctx, cfg)
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
	return &live{t: t, srv: srv, conn: conn, cfg: cfg, bucket: b, js: js, name: cfg.Name, snap: filepath.Join(t.TempDir(), "fold.snap")}
}

func tctx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func (l *live) put(key, val string) uint64 {
	l.t.Helper()
	v, err := l.bucket.Put(tctx(l.t), key, []byte(val))
	if err != nil {
		l.t.Fatal(err)
	}
	r, _ := v.Uint64()
	return r
}

func (l *live) del(key string) {
	l.t.Helper()
	if err := l.bucket.Delete(tctx(l.t), key); err != nil {
		l.t.Fatal(err)
	}
}

func (l *live) streamState() jetstream.StreamState {
	l.t.Helper()
	st, err := l.js.Stream(tctx(l.t), "KV_"+l.name)
	if err != nil {
		l.t.Fatal(err)
	}
	info, err := st.Info(tctx(l.t))
	if err != nil {
		l.t.Fatal(err)
	}
	return info.State
}

// scan returns the bucket's live keys and values.
func (l *live) scan() map[string]string {
	l.t.Helper()
	es, err := l.bucket.Scan(tctx(l.t), "")
	if err != nil {
		l.t.Fatal(err)
	}
	out := map[string]string{}
	for _, e := range es {
		out[e.Key] = string(e.Value)
	}
	return out
}

// folded returns the append log's fold after reopening it from disk.
func (l *live) folded() (map[string]string, kv.Cursor) {
	l.t.Helper()
	st, err := appendlog.Open(l.snap, appendlog.Options{})
	if err != nil {
		l.t.Fatal(err)
	}
	defer st.Close()
	out := map[string]string{}
	for e, err := range st.Range("") {
		if err != nil {
			l.t.Fatal(err)
		}
		out[e.Key] = string(e.Value)
	}
	return out, st.Cursor()
}

// session is one Run over the append log.
type session struct {
	prog   *Progress
	log    *capture // every record Run logged
	cancel func()
	wait   func() (kv.Cursor, error)
	store  *appendlog.Store
	// ended is closed once Run returned, with its result.
	ended     chan struct{}
	endCursor kv.Cursor
	endErr    error
}

// start opens the append log and starts Run on it (resuming from its cursor), with the bucket
// as Reader so an expired cursor resyncs, and reconciliation off. apply, if not nil, is the domain apply.
func (l *live) start(apply func([]string) error) *session {
	l.t.Helper()
	st, err := appendlog.Open(l.snap, appendlog.Options{})
	if err != nil {
		l.t.Fatal(err)
	}
	s := &session{prog: &Progress{}, store: st, log: &capture{}}
	ctx, cancel := context.WithCancel(context.Background())
	// Reconciliation off: these sessions pin the watch, resync and guard paths alone
	// (reconcile_e2e_test.go starts reconciling sessions).
	cfg := Config[string]{Watcher: l.bucket, Reader: l.bucket, Store: st, Progress: s.prog, Scope: l.scope,
		Parse: func(u kv.Update) (string, bool) { return u.Key, true }, Apply: apply, ReconcileEvery: ReconcileOff,
		Logger: slog.New(s.log)}
	if l.tweak != nil {
		l.tweak(&cfg)
	}
	s.cancel, s.ended = cancel, make(chan struct{})
	go func() {
		s.endCursor, s.endErr = Run(ctx, cfg)
		close(s.ended)
	}()
	s.wait = func() (kv.Cursor, error) {
		select {
		case <-s.ended:
			return s.endCursor, s.endErr
		case <-time.After(20 * time.Second):
			panic("Run did not return")
		}
	}
	return s
}

// stopAt waits until the store holds revision head, stops Run and closes the store.
func (s *session) stopAt(t *testing.T, head uint64) {
	t.Helper()
	eventually(t, fmt.Sprintf("the store at revision %d", head), func() bool {
		r, _ := s.prog.Stats().Stored.Uint64()
		return r >= head
	})
	s.cancel()
	if _, err := s.wait(); err != nil {
		t.Fatal(err)
	}
	if err := s.store.Close(); err != nil {
		t.Fatal(err)
	}
}
