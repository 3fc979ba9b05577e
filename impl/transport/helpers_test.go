package transport

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"

	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/slipstream-go/slipstream/impl/applied"
	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/natsstore"
	"github.com/slipstream-go/slipstream/impl/snapshot/appendlog"
	"github.com/slipstream-go/slipstream/impl/snapshot/artifact"
	"github.com/slipstream-go/slipstream/internal/embedded"
)

func tctx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// eventually polls cond until it holds or a deadline passes.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// env is one embedded server with a data bucket, a pointer bucket and an object store.
type env struct {
	t       *testing.T
	conn    *natsstore.Conn
	js      jetstream.JetStream
	data    *natsstore.Store
	ptrs    *natsstore.Store
	objs    jetstream.ObjectStore
	scratch string
}

func newEnv(t *testing.T) *env {
	t.Helper()
	srv := embedded.StartT(t)
	ctx := tctx(t)
	conn, err := natsstore.Connect(ctx, natsstore.Config{URL: srv.URL()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	e := &env{t: t, conn: conn, scratch: t.TempDir()}
	if e.data, err = conn.OpenBucket(ctx, kv.StoreConfig{Name: "routes"}); err != nil {
		t.Fatal(err)
	}
	if e.ptrs, err = conn.OpenBucket(ctx, kv.StoreConfig{Name: "artifacts"}); err != nil {
		t.Fatal(err)
	}
	nc, err := nats.Connect(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	if e.js, err = jetstream.New(nc); err != nil {
		t.Fatal(err)
	}
	if e.objs, err = e.js.CreateObjectStore(ctx, jetstream.ObjectStoreConfig{Bucket: "payloads"}); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *env) nats() *Remote {
	e.t.Helper()
	r, err := NewNATS(e.objs, e.ptrs)
	if err != nil {
		e.t.Fatal(err)
	}
	return r
}

func (e *env) dir() *Remote {
	e.t.Helper()
	r, err := NewDirectory(e.t.TempDir())
	if err != nil {
		e.t.Fatal(err)
	}
	return r
}

func (e *env) put(key, val string) uint64 {
	e.t.Helper()
	v, err := e.data.Put(tctx(e.t), key, []byte(val))
	if err != nil {
		e.t.Fatal(err)
	}
	r, _ := v.Uint64()
	return r
}

func (e *env) del(key string) uint64 {
	e.t.Helper()
	if err := e.data.Delete(tctx(e.t), key); err != nil {
		e.t.Fatal(err)
	}
	return e.head()
}

func (e *env) head() uint64 { return e.dataStream().State.LastSeq }

// dataStream reads the data bucket's stream info afresh.
func (e *env) dataStream() *jetstream.StreamInfo {
	e.t.Helper()
	st, err := e.js.Stream(tctx(e.t), "KV_routes")
	if err != nil {
		e.t.Fatal(err)
	}
	info, err := st.Info(tctx(e.t))
	if err != nil {
		e.t.Fatal(err)
	}
	return info
}

func (e *env) bucketState() map[string]string {
	e.t.Helper()
	es, err := e.data.Scan(tctx(e.t), "")
	if err != nil {
		e.t.Fatal(err)
	}
	out := map[string]string{}
	for _, x := range es {
		out[x.Key] = string(x.Value)
	}
	return out
}

// node is a live loop folding the data bucket into an append log, serving export requests.
type node struct {
	t       *testing.T
	store   *appendlog.Store
	prog    *applied.Progress
	exports chan applied.ExportRequest
	cancel  context.CancelFunc
	done    chan error
}

// startNode runs applied.Run over the append log at path (new or imported), resuming from the
// log's own cursor.
func (e *env) startNode(path string) *node {
	e.t.Helper()
	st, err := appendlog.Open(path, appendlog.Options{})
	if err != nil {
		e.t.Fatal(err)
	}
	n := &node{t: e.t, store: st, prog: &applied.Progress{}, exports: make(chan applied.ExportRequest), done: make(chan error, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	n.cancel = cancel
	cfg := applied.Config[struct{}]{Watcher: e.data, Reader: e.data, Store: st, Exports: n.exports, Progress: n.prog}
	go func() { _, err := applied.Run(ctx, cfg); n.done <- err }()
	e.t.Cleanup(n.stop)
	return n
}

func (n *node) waitStored(rev uint64) {
	n.t.Helper()
	eventually(n.t, fmt.Sprintf("the fold at revision %d", rev), func() bool {
		r, _ := n.prog.Stats().Stored.Uint64()
		return r >= rev
	})
}

func (n *node) stop() {
	if n.cancel == nil {
		return
	}
	n.cancel()
	n.cancel = nil
	if err := <-n.done; err != nil && !errors.Is(err, context.Canceled) {
		n.t.Errorf("live loop: %v", err)
	}
	_ = n.store.Close()
}

func (n *node) fold() map[string]string {
	n.t.Helper()
	out := map[string]string{}
	for x, err := range n.store.Range("") {
		if err != nil {
			n.t.Fatal(err)
		}
		out[x.Key] = string(x.Value)
	}
	return out
}

// artifactAt exports an append log holding keys k.0..k.(n-1) at cursor rev into a new
// directory and returns it.
func artifactAt(t *testing.T, rev uint64, n int) string {
	t.Helper()
	return artifactOf(t, kv.Incarnation{}, rev, n)
}

// importFold runs ImportRemote into a fresh directory and returns the imported fold's
// contents and cursor.
func importFold(t *testing.T, tr Transport, key string) (map[string]string, kv.Cursor) {
	t.Helper()
	scratch, dest := t.TempDir(), filepath.Join(t.TempDir(), "fold")
	m, err := ImportRemote(tctx(t), tr, key, scratch, dest, appendlog.ArtifactFormat{}, artifact.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	assertEmpty(t, scratch)
	st, err := appendlog.Open(appendlog.ImportedPath(dest), appendlog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if st.Cursor() != m.Cursor {
		t.Fatalf("imported fold at %v, manifest says %v", st.Cursor(), m.Cursor)
	}
	out := map[string]string{}
	for x, err := range st.Range("") {
		if err != nil {
			t.Fatal(err)
		}
		out[x.Key] = string(x.Value)
	}
	return out, m.Cursor
}

func assertEmpty(t *testing.T, dir string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil || len(ents) != 0 {
		t.Fatalf("%s holds %d entries (%v), want none", dir, len(ents), err)
	}
}

func sameMap(a, b map[string]string) bool { return maps.Equal(a, b) }
