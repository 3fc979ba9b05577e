package foldwl

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/slipstream-go/slipstream/chaos/check"
	"github.com/slipstream-go/slipstream/chaos/workload"
	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/transport"
)

// Pointer bucket, object store and transport keys. The append-log folds and the Pebble fold
// publish under their own keys: an importer checks the artifact's backend.
const (
	pointerBucket = "foldptrs"
	objectBucket  = "foldobjs"
	keyLog        = "log"
	keyPebble     = "pebble"
)

// Folds is the fold workload (see the package comment).
type Folds struct {
	opts Options
	dir  string
	env  workload.Env
	ctl  *nats.Conn     // control connection: no proxy, no fault
	inc  kv.Incarnation // the folded bucket's incarnation: its pointers are PointerKey(base, inc)

	mu        sync.Mutex
	stats     map[string]int
	primary   []*consumer
	imported  []*consumer
	opened    []Recovered  // every open from disk, in order
	obs       []PointerObs // every pointer value observed
	rounds    []round      // every export round
	failedImp []string     // failed import attempts
	removals  []Removal    // every record an operator action tried to remove
	errs      map[string]string

	settleOnce sync.Once
	view       settled
}

var _ workload.Workload = (*Folds)(nil)

// New returns the fold workload.
func New(opts Options) *Folds {
	return &Folds{opts: opts.withDefaults(), stats: map[string]int{}, errs: map[string]string{}}
}

// pointerKey is where base's artifacts are published for the folded bucket's incarnation.
func (w *Folds) pointerKey(base string) string { return transport.PointerKey(base, w.inc) }

// pointerKeys are every key an export may publish under: an export taken before a fold's first
// flush records no incarnation, so it goes to the bare key (transport.PointerKey).
func (w *Folds) pointerKeys() []string {
	return []string{keyLog, w.pointerKey(keyLog), keyPebble, w.pointerKey(keyPebble)}
}

// Name returns "folds".
func (w *Folds) Name() string { return "folds" }

// storeConfig is the R3 configuration of the workload's buckets.
func storeConfig(name string) kv.StoreConfig {
	return kv.StoreConfig{Name: name, Replicas: 3, MaxBytes: -1, MaxHistory: 64}
}

// Setup creates the writer's bucket, the pointer bucket and the object store (R3, every
// revision kept so the streams can be read back whole) and the fold consumers' directories;
// the consumers open their stores when Run starts them.
func (w *Folds) Setup(ctx context.Context, env workload.Env) error {
	w.env = env
	w.dir = filepath.Join(env.Dir, "folds")
	if err := os.MkdirAll(filepath.Join(w.dir, "scratch"), 0o755); err != nil {
		return fmt.Errorf("fold workload: %w", err)
	}
	nc, err := nats.Connect(env.Cluster.ControlURLs(), nats.Name("chaos-folds-control"), nats.IgnoreDiscoveredServers(),
		nats.MaxReconnects(-1), nats.ReconnectWait(100*time.Millisecond))
	if err != nil {
		return fmt.Errorf("fold workload: control connection: %w", err)
	}
	w.ctl = nc
	if w.inc, err = createBuckets(ctx, nc, w.opts.Bucket, slices.Contains(w.opts.Operator, OpRawDelete)); err != nil {
		return err
	}
	for _, s := range []string{streamOf(w.opts.Bucket), streamOf(pointerBucket), "OBJ_" + objectBucket} {
		if err := env.Cluster.WaitStream(ctx, s); err != nil {
			return fmt.Errorf("fold workload: stream %s: %w", s, err)
		}
	}
	var logA backend = newLogBackend(filepath.Join(w.dir, "log-a"), "fold.log")
	if w.opts.BrokenFold {
		logA = skipDeletes{logA}
	}
	w.primary = []*consumer{
		w.newConsumer("log-a", 0, logA),
		w.newConsumer("log-b", 1, newLogBackend(filepath.Join(w.dir, "log-b"), "fold.log")),
		w.newConsumer("pebble", 2, &pebbleBackend{dir: filepath.Join(w.dir, "pebble", "db")}),
		w.newConsumer("pebble-mem", 0, newMemBackend(env.Seed)),
	}
	return nil
}

// Run starts the consumers, the exporters, the poller and the importer, performs one write
// per ticket until tickets closes, then stops everything but the consumers, which keep
// folding until the checks reopen them.
func (w *Folds) Run(ctx context.Context, env workload.Env, tickets <-chan int64) error {
	for _, c := range w.primary {
		go c.run("start")
	}
	sctx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	imports := make(chan string, 8)
	if w.opts.Exports {
		for _, e := range []struct {
			holder, key string
			c           *consumer
			scratch     string
		}{{"log-a", keyLog, w.primary[0], w.primary[0].be.scratch()},
			{"log-b", keyLog, w.primary[1], w.primary[1].be.scratch()},
			{"pebble", keyPebble, w.primary[2], w.primary[2].be.scratch()}} {
			wg.Go(func() { w.exporter(sctx, e.holder, e.key, e.c, e.scratch) })
		}
		wg.Go(func() { w.poll(sctx, w.pointerKeys()) })
	}
	if w.opts.Imports {
		wg.Go(func() { w.importer(sctx, imports) })
	}
	var actions chan opEvent
	operated := make(chan struct{})
	if len(w.opts.Operator) > 0 {
		actions = make(chan opEvent, 1)
		go func() { defer close(operated); w.operate(ctx, actions) }()
	} else {
		close(operated)
	}
	err := w.write(ctx, tickets, imports, actions)
	if actions != nil {
		close(actions) // the action under way finishes: the checks judge what it removed
	}
	<-operated
	stop()
	wg.Wait()
	return err
}

// note prints a progress line among the fault lines (workload.Env.Note).
func (w *Folds) note(line string) {
	if w.env.Note != nil {
		w.env.Note(line)
	}
}

// count adds n to a counter of the summary.
func (w *Folds) count(name string, n int) {
	w.mu.Lock()
	w.stats[name] += n
	w.mu.Unlock()
}

// noteErr keeps the first error of each kind for the report.
func (w *Folds) noteErr(what string, err error) {
	w.mu.Lock()
	if _, ok := w.errs[what]; !ok {
		w.errs[what] = err.Error()
	}
	w.mu.Unlock()
}

// Stats returns the workload's counters: writes, restarts, loop errors, export rounds and
// imports by outcome.
func (w *Folds) Stats() map[string]int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return maps.Clone(w.stats)
}

// Checks returns the fold guarantees; each first settles the workload once (waits for every
// fold to catch up, reopens it from disk and reads the streams back).
func (w *Folds) Checks(env workload.Env) []check.Check {
	cs := []check.Check{
		check.Func{N: "fold-matches-bucket", F: func(ctx context.Context) check.Result {
			v := w.settle(ctx)
			if v.err != nil {
				return check.Result{Verdict: check.Incomplete, Detail: v.err.Error()}
			}
			return MatchesBucket(v.hist, v.finals)
		}},
		check.Func{N: "fold-cursor-complete", F: func(ctx context.Context) check.Result {
			v := w.settle(ctx)
			if v.err != nil {
				return check.Result{Verdict: check.Incomplete, Detail: v.err.Error()}
			}
			return CursorComplete(v.hist, v.opened)
		}},
	}
	if w.opts.Exports {
		cs = append(cs, check.Func{N: "export-pointer-monotonic", F: func(ctx context.Context) check.Result {
			v := w.settle(ctx)
			if v.ptrErr != nil {
				return check.Result{Verdict: check.Incomplete, Detail: v.ptrErr.Error()}
			}
			return PointerMonotonic(v.pointers, env.LeaderInDoubt)
		}})
	}
	if w.opts.Imports {
		cs = append(cs, check.Func{N: "import-converged", F: func(ctx context.Context) check.Result {
			v := w.settle(ctx)
			if v.err != nil {
				return check.Result{Verdict: check.Incomplete, Detail: v.err.Error()}
			}
			return ImportsConverged(v.hist, v.importFinals, v.failedImports)
		}})
	}
	return cs
}
