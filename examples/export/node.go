package main

import (
	"context"
	"fmt"
	"time"

	"github.com/slipstream-go/slipstream/impl/applied"
	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/snapshot/appendlog"
)

// node is one member of the fleet: a live loop folding the bucket into an append log, which
// serves export requests.
type node struct {
	name     string
	store    *appendlog.Store
	progress *applied.Progress
	exports  chan applied.ExportRequest
	cancel   context.CancelFunc
	done     chan error
}

// start opens the append log at path (new or imported) and runs applied.Run from its cursor.
func (c *cluster) start(ctx context.Context, name, path string) (*node, error) {
	store, err := appendlog.Open(path, appendlog.Options{})
	if err != nil {
		return nil, err
	}
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	n := &node{name: name, store: store, progress: &applied.Progress{}, exports: make(chan applied.ExportRequest),
		cancel: cancel, done: make(chan error, 1)}
	go func() {
		_, err := applied.Run(runCtx, applied.Config[struct{}]{
			Watcher: c.bucket, Reader: c.bucket, Store: store, // resumes from store.Cursor()
			Exports: n.exports, Progress: n.progress,
			WatchRetry: time.Second, // a transient watch failure restarts the watch, not the node
		})
		n.done <- err
	}()
	return n, nil
}

// waitFor waits until the node's log holds head.
func (n *node) waitFor(ctx context.Context, head kv.Version) error {
	want, _ := head.Uint64()
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		if got, _ := n.progress.Stats().Stored.Uint64(); got >= want {
			return nil
		}
		select {
		case err := <-n.done:
			return fmt.Errorf("%s stopped early: %w", n.name, err)
		case <-ctx.Done():
			return fmt.Errorf("%s did not reach %v: %w", n.name, head, ctx.Err())
		case <-tick.C:
		}
	}
}

// stop ends the live loop and closes the log.
func (n *node) stop() {
	n.cancel()
	<-n.done
	_ = n.store.Close()
}

// fold reads the node's fold.
func (n *node) fold() (map[string]string, error) {
	out := map[string]string{}
	for e, err := range n.store.Range("") {
		if err != nil {
			return nil, err
		}
		out[e.Key] = string(e.Value)
	}
	return out, nil
}
