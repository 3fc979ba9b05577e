// Command fold shows a durable fold that survives a restart: it starts an embedded NATS
// server, writes a few keys, folds the bucket into an append log with applied.Run, stops,
// writes more, then restarts from the log's cursor and receives only what changed.
//
//	go run ./examples/fold
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/slipstream-go/slipstream/impl/applied"
	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/natsstore"
	"github.com/slipstream-go/slipstream/impl/snapshot/appendlog"
	"github.com/slipstream-go/slipstream/internal/embedded"
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "fold:", err)
		os.Exit(1)
	}
}

// run is the whole example, writing what happens at each step to w.
func run(w io.Writer) error {
	dir, err := os.MkdirTemp("", "slipstream-fold-example-")
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
	conn, err := natsstore.Connect(ctx, natsstore.Config{URL: srv.URL()})
	if err != nil {
		return err
	}
	defer conn.Close()
	bucket, err := conn.OpenBucket(ctx, kv.StoreConfig{Name: "config"})
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "started an embedded NATS server with bucket \"config\"")

	var head kv.Version
	for _, k := range []string{"node.a", "node.b", "node.c", "svc.x", "svc.y"} {
		if head, err = bucket.Put(ctx, k, []byte("v1")); err != nil {
			return err
		}
	}
	fmt.Fprintf(w, "wrote 5 keys (head %v)\n", head)

	snap := filepath.Join(dir, "fold.snap")
	if err := fold(ctx, w, "first run", bucket, snap, head); err != nil {
		return err
	}

	if _, err = bucket.Put(ctx, "node.a", []byte("v2")); err != nil {
		return err
	}
	if err := bucket.Delete(ctx, "node.b"); err != nil {
		return err
	}
	if head, err = bucket.Put(ctx, "node.d", []byte("v1")); err != nil {
		return err
	}
	fmt.Fprintf(w, "while stopped: rewrote node.a, deleted node.b, created node.d (head %v)\n", head)

	if err := fold(ctx, w, "restart", bucket, snap, head); err != nil {
		return err
	}
	return show(w, snap)
}

// fold opens the append log, runs applied.Run from its cursor until the log holds head, and
// stops, reporting how many updates the watch delivered.
func fold(ctx context.Context, w io.Writer, name string, bucket *natsstore.Store, snap string, head kv.Version) error {
	store, err := appendlog.Open(snap, appendlog.Options{})
	if err != nil {
		return err
	}
	defer store.Close()
	fmt.Fprintf(w, "%s: opened the append log at %v\n", name, store.Cursor())

	caught := make(chan struct{})
	progress := &applied.Progress{}
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	done := make(chan error, 1)
	go func() {
		_, err := applied.Run(runCtx, applied.Config[kv.Update]{
			Watcher:  bucket,
			Reader:   bucket, // lets Run resync if the cursor ever expires
			Store:    store,  // Run resumes from store.Cursor()
			Progress: progress,
			// A watch that fails for a transient reason (the server restarting, lost
			// heartbeats) starts again in place instead of ending Run.
			WatchRetry: time.Second,
			Parse:      func(u kv.Update) (kv.Update, bool) { return u, true },
			Apply:      func([]kv.Update) error { return nil }, // the application's own state goes here
			OnApplied: func(c kv.Cursor) {
				if c.Version() == head {
					close(caught)
				}
			},
		})
		done <- err
	}()
	select {
	case <-caught:
	case err := <-done:
		return fmt.Errorf("%s ended early: %w", name, err)
	case <-ctx.Done():
		return fmt.Errorf("%s did not reach %v: %w", name, head, ctx.Err())
	}
	stop()
	if err := <-done; err != nil {
		return err
	}
	st := progress.Stats()
	fmt.Fprintf(w, "%s: the watch delivered %d updates; the log is at %v\n", name, st.Received, store.Cursor())
	return nil
}

// show reopens the log from disk and prints the fold.
func show(w io.Writer, snap string) error {
	store, err := appendlog.Open(snap, appendlog.Options{})
	if err != nil {
		return err
	}
	defer store.Close()
	fmt.Fprintf(w, "the fold on disk at %v:\n", store.Cursor())
	for e, err := range store.Range("") {
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "  %s = %s (%v)\n", e.Key, e.Value, e.Version)
	}
	return nil
}
