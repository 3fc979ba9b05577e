package applied

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/slipstream-go/slipstream/impl/kv"
)

// eventually polls cond until it holds or the deadline passes.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	eventuallyWithin(t, 10*time.Second, what, cond)
}

// eventuallyWithin is eventually with its own deadline, for waits that scale with a workload.
func eventuallyWithin(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	if _, ok := pollUntil(within, cond); !ok {
		t.Fatalf("timed out waiting for %s", what)
	}
}

// pollUntil checks cond every 2 ms until it holds or within passes, and says how long it took
// and whether it held.
func pollUntil(within time.Duration, cond func() bool) (time.Duration, bool) {
	start := time.Now()
	for !cond() {
		if time.Since(start) > within {
			return time.Since(start), false
		}
		time.Sleep(2 * time.Millisecond)
	}
	return time.Since(start), true
}

func rev(t *testing.T, c kv.Cursor) uint64 {
	t.Helper()
	if c.IsZero() {
		return 0
	}
	r, ok := c.Uint64()
	if !ok {
		t.Fatalf("cursor %v has no revision", c)
	}
	return r
}

// recorder collects what the callbacks saw.
type recorder struct {
	mu      sync.Mutex
	batches [][]string
	cursors []uint64
}

func (r *recorder) parse(u kv.Update) (string, bool) {
	if u.IsDelete() {
		return "del:" + u.Key, true
	}
	return u.Key + "=" + string(u.Value), true
}

func (r *recorder) apply(b []string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.batches = append(r.batches, slices.Clone(b))
	return nil
}

func (r *recorder) onApplied(c kv.Cursor) {
	r.mu.Lock()
	defer r.mu.Unlock()
	rv, _ := c.Uint64()
	r.cursors = append(r.cursors, rv)
}

func (r *recorder) all() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Concat(r.batches...)
}

func (r *recorder) snapshot() ([][]string, []uint64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.batches), slices.Clone(r.cursors)
}

// cfgFor wires a recorder into a Config.
func cfgFor(w kv.Watcher, r *recorder) Config[string] {
	return Config[string]{Watcher: w, Parse: r.parse, Apply: r.apply, OnApplied: r.onApplied}
}

// runUntil runs cfg until the applied cursor reaches head, then stops it and returns Run's
// result.
func runUntil(t *testing.T, cfg Config[string], head uint64) (kv.Cursor, error) {
	t.Helper()
	return runWhile(t, cfg, func(s Stats) bool {
		r, _ := s.Applied.Uint64()
		return r >= head
	})
}

// runWhile runs cfg until done holds of its progress, then stops it and returns Run's result.
func runWhile(t *testing.T, cfg Config[string], done func(Stats) bool) (kv.Cursor, error) {
	t.Helper()
	if cfg.Progress == nil {
		cfg.Progress = &Progress{}
	}
	ctx, cancel := context.WithCancel(bg())
	defer cancel()
	wait := runAsync(ctx, cfg)
	ended := make(chan struct{})
	var c kv.Cursor
	var err error
	go func() { c, err = wait(); close(ended) }()
	eventually(t, "the run's goal", func() bool {
		select {
		case <-ended:
			return true
		default:
		}
		return done(cfg.Progress.Stats())
	})
	cancel()
	<-ended
	return c, err
}
