// Command export shows a fleet bootstrapping from a verified artifact: two nodes fold one bucket
// from an embedded NATS server, one of them wins the export lease and publishes its fold as an
// artifact, and a third node imports that artifact and replays only the tail written since.
//
//	go run ./examples/export
package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/lease"
	"github.com/slipstream-go/slipstream/impl/natsstore"
	"github.com/slipstream-go/slipstream/impl/snapshot/appendlog"
	"github.com/slipstream-go/slipstream/impl/snapshot/artifact"
	"github.com/slipstream-go/slipstream/impl/transport"
	"github.com/slipstream-go/slipstream/internal/embedded"
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "export:", err)
		os.Exit(1)
	}
}

// cluster is what every node shares: the data bucket, the lease and pointer bucket, and the
// transport over the object store.
type cluster struct {
	bucket    *natsstore.Store
	meta      *natsstore.Store
	transport *transport.Remote
	dir       string
}

// run is the whole example, writing what happens at each step to w.
func run(w io.Writer) error {
	dir, err := os.MkdirTemp("", "slipstream-export-example-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	srv, err := embedded.Start(embedded.Options{StoreDir: filepath.Join(dir, "nats")})
	if err != nil {
		return err
	}
	defer srv.Shutdown()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, closeAll, err := connect(ctx, srv.URL(), dir)
	if err != nil {
		return err
	}
	defer closeAll()
	fmt.Fprintln(w, `started an embedded NATS server: bucket "routes", lease and pointer bucket "meta", object store "artifacts"`)

	var head kv.Version
	for _, k := range []string{"edge.eu", "edge.us", "edge.ap", "svc.api", "svc.db", "svc.cache"} {
		if head, err = c.bucket.Put(ctx, k, []byte("v1")); err != nil {
			return err
		}
	}
	fmt.Fprintf(w, "wrote 6 keys (head %v)\n", head)

	a, err := c.start(ctx, "node-a", filepath.Join(dir, "a.snap"))
	if err != nil {
		return err
	}
	defer a.stop()
	b, err := c.start(ctx, "node-b", filepath.Join(dir, "b.snap"))
	if err != nil {
		return err
	}
	defer b.stop()
	for _, n := range []*node{a, b} {
		if err := n.waitFor(ctx, head); err != nil {
			return err
		}
		fmt.Fprintf(w, "%s: folded %d updates; its log is at %v\n", n.name, n.progress.Stats().Received, n.store.Cursor())
	}

	for _, n := range []*node{a, b} {
		if err := c.exportRound(ctx, w, n); err != nil {
			return err
		}
	}

	if _, err = c.bucket.Put(ctx, "edge.eu", []byte("v2")); err != nil {
		return err
	}
	if err := c.bucket.Delete(ctx, "svc.cache"); err != nil {
		return err
	}
	if head, err = c.bucket.Put(ctx, "edge.sa", []byte("v1")); err != nil {
		return err
	}
	fmt.Fprintf(w, "after the export: rewrote edge.eu, deleted svc.cache, created edge.sa (head %v)\n", head)

	return c.bootstrap(ctx, w, head)
}

// exportRound runs one export round on n and reports it.
func (c *cluster) exportRound(ctx context.Context, w io.Writer, n *node) error {
	l, err := lease.New(c.meta, "routes-export-lease", n.name)
	if err != nil {
		return err
	}
	scratch := filepath.Join(c.dir, n.name+"-scratch")
	if err := os.MkdirAll(scratch, 0o755); err != nil {
		return err
	}
	res, err := transport.RunExportRound(ctx, transport.Round{
		Lease: l, TTL: time.Minute, Exports: n.exports,
		Transport: c.transport, Key: "routes", Scratch: scratch,
		Live: c.bucket, // past the grace, artifacts of the bucket's earlier incarnations go
	})
	if err != nil {
		return fmt.Errorf("%s: export round: %w", n.name, err)
	}
	if res == nil {
		rec, _, err := l.Current(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%s: the export lease is held by %s; no second export this round\n", n.name, rec.Holder)
		return nil
	}
	fmt.Fprintf(w, "%s: won the export lease, exported an artifact at %v (%s, %d file), %s; pruned %d\n",
		n.name, res.Manifest.Cursor, res.Manifest.Identity.Backend, len(res.Manifest.Files), res.Outcome.Status, res.Pruned)
	return nil
}

// bootstrap imports the published artifact into a new node, starts it from the artifact's
// cursor and reports what the watch delivered.
func (c *cluster) bootstrap(ctx context.Context, w io.Writer, head kv.Version) error {
	dest := filepath.Join(c.dir, "c-fold")
	scratch := filepath.Join(c.dir, "c-scratch")
	if err := os.MkdirAll(scratch, 0o755); err != nil {
		return err
	}
	// Each incarnation of the bucket (a delete and re-create starts a new one) publishes under
	// its own pointer: read the live one's.
	live, err := c.bucket.Incarnation(ctx)
	if err != nil {
		return fmt.Errorf("node-c: bootstrap: %w", err)
	}
	m, err := transport.ImportRemote(ctx, c.transport, transport.PointerKey("routes", live), scratch, dest, appendlog.ArtifactFormat{}, artifact.ImportOptions{})
	if err != nil {
		return fmt.Errorf("node-c: bootstrap: %w", err)
	}
	fmt.Fprintf(w, "node-c: downloaded and verified the published artifact at %v; imported it\n", m.Cursor)
	n, err := c.start(ctx, "node-c", appendlog.ImportedPath(dest))
	if err != nil {
		return err
	}
	defer n.stop()
	if err := n.waitFor(ctx, head); err != nil {
		return err
	}
	fmt.Fprintf(w, "node-c: resumed from %v; the watch delivered only the tail, %d updates; its log is at %v\n",
		m.Cursor, n.progress.Stats().Received, n.store.Cursor())
	fold, err := n.fold()
	if err != nil {
		return err
	}
	bucket, err := c.bucket.Scan(ctx, "")
	if err != nil {
		return err
	}
	want := map[string]string{}
	for _, e := range bucket {
		want[e.Key] = string(e.Value)
	}
	fmt.Fprintf(w, "node-c: its fold equals the bucket: %v\n", maps.Equal(fold, want))
	return nil
}

// connect opens the buckets and the object store, and returns a function closing them.
func connect(ctx context.Context, url, dir string) (*cluster, func(), error) {
	conn, err := natsstore.Connect(ctx, natsstore.Config{URL: url})
	if err != nil {
		return nil, nil, err
	}
	nc, err := nats.Connect(url)
	if err != nil {
		_ = conn.Close()
		return nil, nil, err
	}
	closeAll := func() { nc.Close(); _ = conn.Close() }
	c := &cluster{dir: dir}
	if c.bucket, err = conn.OpenBucket(ctx, kv.StoreConfig{Name: "routes"}); err == nil {
		c.meta, err = conn.OpenBucket(ctx, kv.StoreConfig{Name: "meta"})
	}
	var objs jetstream.ObjectStore
	if err == nil {
		var js jetstream.JetStream
		if js, err = jetstream.New(nc); err == nil {
			objs, err = js.CreateObjectStore(ctx, jetstream.ObjectStoreConfig{Bucket: "artifacts"})
		}
	}
	if err == nil {
		c.transport, err = transport.NewNATS(objs, c.meta)
	}
	if err != nil {
		closeAll()
		return nil, nil, err
	}
	return c, closeAll, nil
}
