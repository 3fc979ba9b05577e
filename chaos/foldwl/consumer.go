package foldwl

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/slipstream-go/slipstream/impl/applied"
	"github.com/slipstream-go/slipstream/impl/snapshot"
)

// consumer is one fold: a supervisor that opens the store from disk, runs applied.Run into it
// on its own client connection, and restarts it when told (soft or hard), like a process
// restarted on its disk.
type consumer struct {
	w       *Folds
	name    string
	home    int
	be      backend
	exports chan applied.ExportRequest // the exporters' requests, served by whichever loop runs
	restart chan bool                  // true: hard (crash image)
	finish  chan chan struct{}
	// expect, when set, is the cursor the first open must recover (an import's manifest).
	expect uint64

	mu     sync.Mutex
	store  snapshot.Store // the live store (nil between runs)
	failed bool           // an open from disk failed: the fold is gone
	prog   *applied.Progress
	done   applied.Stats // reconciliation counts of the loops that ended
}

func (w *Folds) newConsumer(name string, home int, be backend) *consumer {
	return &consumer{w: w, name: name, home: home, be: be, exports: make(chan applied.ExportRequest),
		restart: make(chan bool, 1), finish: make(chan chan struct{})}
}

// cursor returns the live store's cursor revision (0 between runs); gone reports that the
// fold could not be reopened and will never catch up.
func (c *consumer) cursor() (rev uint64, gone bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.store == nil {
		return 0, c.failed
	}
	r, _ := c.store.Cursor().Uint64()
	return r, false
}

// open opens the store from disk and records what it recovered.
func (c *consumer) open(how string) snapshot.Store {
	st, err := c.be.open()
	rec := Recovered{Fold: c.name, How: how, At: c.w.env.Recorder.Now()}
	if err == nil {
		rec.Cursor, rec.State, err = readState(st)
		if err == nil && c.expect != 0 && rec.Cursor != c.expect {
			err = fmt.Errorf("the imported store recovered cursor %d, its manifest says %d", rec.Cursor, c.expect)
		}
		c.expect = 0
	}
	if err != nil {
		rec.Err = err.Error()
		if st != nil {
			_ = st.Close()
		}
		st = nil
	}
	c.w.mu.Lock()
	c.w.opened = append(c.w.opened, rec)
	c.w.mu.Unlock()
	return st
}

// run supervises the fold until finish: each pass opens the store from disk and runs the
// loop until a restart or the finish request.
func (c *consumer) run(how string) {
	for {
		st := c.open(how)
		if st == nil { // the fold cannot be recovered: recorded, nothing more to do
			c.mu.Lock()
			c.failed = true
			c.mu.Unlock()
			reply := <-c.finish
			c.finalOpen()
			close(reply)
			return
		}
		c.mu.Lock()
		c.store = st
		c.mu.Unlock()
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { defer close(done); c.live(ctx, st) }()
		stopLoop := func() {
			cancel()
			<-done
			c.mu.Lock()
			c.store = nil
			c.mu.Unlock()
			if err := st.Close(); err != nil {
				c.w.noteErr(c.name+" close", err)
			}
		}
		select {
		case hard := <-c.restart:
			var install func() error
			if hard {
				install = c.be.crashImage()
			}
			stopLoop()
			how = "soft"
			if install != nil {
				how = "hard"
				if err := install(); err != nil {
					c.w.noteErr(c.name+" crash image", err)
				}
			}
			c.w.count("restarts "+how, 1)
		case reply := <-c.finish:
			stopLoop()
			c.finalOpen()
			close(reply)
			return
		}
	}
}

// finalOpen reopens the fold from disk once more, records it as final, and closes it.
func (c *consumer) finalOpen() {
	if st := c.open("final"); st != nil {
		_ = st.Close()
	}
}

// live runs applied.Run until ctx ends, reconnecting and starting again after every error that
// ends it (a connection or a bucket that cannot be opened, a watch failing for a reason Run
// does not retry). A watch that fails under a fault for a transient reason (heartbeats lost, a
// stalled consumer, the server away) is restarted inside Run (watchRetry) and ends nothing here.
func (c *consumer) live(ctx context.Context, st snapshot.Store) {
	for ctx.Err() == nil {
		err := c.once(ctx, st)
		if err == nil || ctx.Err() != nil {
			continue
		}
		c.w.count("loop errors", 1)
		c.w.noteErr(c.name+" loop", err)
		select {
		case <-ctx.Done():
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// once connects, opens the bucket and runs the loop, resuming from the store's cursor.
func (c *consumer) once(ctx context.Context, st snapshot.Store) error {
	nc, conn, err := c.w.clientConn(c.name, c.home)
	if err != nil {
		return err
	}
	defer nc.Close()
	b, err := openBucket(ctx, conn, c.w.opts.Bucket)
	if err != nil {
		return fmt.Errorf("open bucket: %w", err)
	}
	prog := &applied.Progress{}
	c.mu.Lock()
	c.prog = prog
	c.mu.Unlock()
	defer func() {
		s := prog.Stats()
		c.mu.Lock()
		c.prog = nil
		addRepairs(&c.done, s)
		c.mu.Unlock()
		// Consumers that stopped delivering: each ended its watch, which Run restarted from
		// where it stopped.
		c.w.count("watch stalls", int(b.WatchStalls()))
	}()
	_, err = applied.Run(ctx, applied.Config[struct{}]{Watcher: b, Reader: b, Store: st, Exports: c.exports,
		ReconcileEvery: c.w.opts.ReconcileEvery, Progress: prog, WatchRetry: watchRetry})
	return err
}

// watchRetry is the folds' applied.Config.WatchRetry: the wait before restarting a watch that
// failed again right after a restart, as long as the outer loop's pause after an error.
const watchRetry = 200 * time.Millisecond

// repairs returns the fold's reconciliation, resync and watch-restart counts over all its loops so far.
func (c *consumer) repairs() applied.Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.done
	if c.prog != nil {
		addRepairs(&s, c.prog.Stats())
	}
	return s
}

// addRepairs adds the reconciliation, resync and watch-restart counts of s to dst.
func addRepairs(dst *applied.Stats, s applied.Stats) {
	dst.Reconciliations += s.Reconciliations
	dst.ReconcileDeletes += s.ReconcileDeletes
	dst.ReconcileFetches += s.ReconcileFetches
	dst.ReconcileRollbacks += s.ReconcileRollbacks
	dst.ReconcileDeferred += s.ReconcileDeferred
	dst.ReconcileFailures += s.ReconcileFailures
	dst.Resyncs += s.Resyncs
	dst.WatchRestarts += s.WatchRestarts
}
