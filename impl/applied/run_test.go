package applied

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/slipstream-go/slipstream/impl/kv"
)

func bg() context.Context { return context.Background() }

// runAsync starts Run and returns a function that waits for its result.
func runAsync[U any](ctx context.Context, cfg Config[U]) func() (kv.Cursor, error) {
	type res struct {
		c   kv.Cursor
		err error
	}
	ch := make(chan res, 1)
	go func() { c, err := Run(ctx, cfg); ch <- res{c, err} }()
	return func() (kv.Cursor, error) {
		select {
		case r := <-ch:
			return r.c, r.err
		case <-time.After(20 * time.Second):
			panic("Run did not return")
		}
	}
}

// The watch ending flushes the remainder: cursor 3, values 1..3, the last OnApplied at 3.
func TestFlushOnWatchEnd(t *testing.T) {
	w := &scriptWatcher{stream: []rec{put(1, "a", "1"), put(2, "b", "2"), put(3, "c", "3")}}
	r := &recorder{}
	cfg := cfgFor(w, r)
	cfg.Batch = BatchConfig{Window: time.Hour}
	c, err := Run(bg(), cfg)
	if err != nil || rev(t, c) != 3 {
		t.Fatalf("Run = %v, %v; want cursor 3", c, err)
	}
	if got := r.all(); !slices.Equal(got, []string{"a=1", "b=2", "c=3"}) {
		t.Fatalf("applied %v", got)
	}
	if _, cur := r.snapshot(); cur[len(cur)-1] != 3 {
		t.Fatalf("OnApplied saw %v", cur)
	}
}

// The window flushes a partial batch while the watch stays open.
func TestFlushOnWindow(t *testing.T) {
	w := &scriptWatcher{stream: []rec{put(1, "a", "1"), put(2, "b", "2")}, hold: true}
	r := &recorder{}
	cfg := cfgFor(w, r)
	cfg.Batch = BatchConfig{Window: 5 * time.Millisecond, Max: 100}
	ctx, cancel := context.WithCancel(bg())
	wait := runAsync(ctx, cfg)
	eventually(t, "the window flush", func() bool { _, c := r.snapshot(); return slices.Contains(c, 2) })
	cancel()
	if c, err := wait(); err != nil || rev(t, c) != 2 {
		t.Fatalf("Run = %v, %v", c, err)
	}
}

// A full batch flushes at once, long before an hour-long window.
func TestFlushOnMax(t *testing.T) {
	w := &scriptWatcher{stream: []rec{put(1, "a", "1"), put(2, "b", "2"), put(3, "c", "3"), put(4, "d", "4")}, hold: true}
	r := &recorder{}
	cfg := cfgFor(w, r)
	cfg.Batch = BatchConfig{Window: time.Hour, Max: 4}
	ctx, cancel := context.WithCancel(bg())
	wait := runAsync(ctx, cfg)
	eventually(t, "the size flush", func() bool { b, _ := r.snapshot(); return len(b) == 1 })
	cancel()
	_, _ = wait()
	if b, cur := r.snapshot(); len(b) != 1 || len(b[0]) != 4 || !slices.Equal(cur, []uint64{4}) {
		t.Fatalf("batches %v, cursors %v; want one flush of 4 at cursor 4", b, cur)
	}
}

// Rejected updates count toward the size trigger too (with a store, they fill the raw batch).
func TestRawBatchTriggersFlush(t *testing.T) {
	w := &scriptWatcher{stream: []rec{put(1, "a", "1"), put(2, "b", "2")}, hold: true}
	st := openMem(newDisk())
	cfg := Config[string]{Watcher: w, Store: st, Batch: BatchConfig{Window: time.Hour, Max: 2}}
	ctx, cancel := context.WithCancel(bg())
	wait := runAsync(ctx, cfg)
	eventually(t, "the raw-size flush", func() bool { return rev(t, st.Cursor()) == 2 })
	cancel()
	_, _ = wait()
}

// Shutdown flushes what is pending and returns its cursor without an error.
func TestFlushOnShutdown(t *testing.T) {
	w := &scriptWatcher{stream: []rec{put(1, "a", "1"), put(2, "b", "2")}, hold: true}
	r := &recorder{}
	p := &Progress{}
	cfg := cfgFor(w, r)
	cfg.Batch = BatchConfig{Window: time.Hour}
	cfg.Progress = p
	ctx, cancel := context.WithCancel(bg())
	wait := runAsync(ctx, cfg)
	eventually(t, "both received", func() bool { return p.Stats().Received == 2 })
	if b, _ := r.snapshot(); len(b) != 0 {
		t.Fatalf("flushed before shutdown: %v", b)
	}
	cancel()
	if c, err := wait(); err != nil || rev(t, c) != 2 {
		t.Fatalf("Run = %v, %v", c, err)
	}
	if got := r.all(); len(got) != 2 {
		t.Fatalf("applied %v", got)
	}
	if s := p.Stats(); s.Folded != 2 || s.Batches != 1 || rev(t, s.Applied) != 2 {
		t.Fatalf("progress %+v", s)
	}
}

// The cursor moves only after Apply returned: Apply sees the previous flush's cursor.
func TestCursorAdvancesOnlyAfterApply(t *testing.T) {
	w := &scriptWatcher{stream: []rec{put(1, "a", "1"), put(2, "b", "2"), put(3, "c", "3"), put(4, "d", "4")}}
	var seen []uint64
	var last kv.Cursor
	cfg := Config[string]{
		Watcher:   w,
		Batch:     BatchConfig{Window: time.Hour, Max: 2},
		Parse:     func(u kv.Update) (string, bool) { return u.Key, true },
		Apply:     func([]string) error { r, _ := last.Uint64(); seen = append(seen, r); return nil },
		OnApplied: func(c kv.Cursor) { last = c },
	}
	c, err := Run(bg(), cfg)
	if err != nil || rev(t, c) != 4 || !slices.Equal(seen, []uint64{0, 2}) {
		t.Fatalf("Run = %v, %v; apply saw cursors %v, want [0 2] and final 4", c, err, seen)
	}
}

// Rejected updates still move the cursor; Apply is never called with nothing.
func TestRejectedUpdatesAdvanceCursor(t *testing.T) {
	var stream []rec
	for i := uint64(1); i <= 7; i++ {
		stream = append(stream, put(i, fmt.Sprintf("k%d", i), "junk"))
	}
	calls := 0
	p := &Progress{}
	cfg := Config[string]{
		Progress: p,
		Watcher:  &scriptWatcher{stream: stream},
		Parse:    func(kv.Update) (string, bool) { return "", false },
		Apply:    func([]string) error { calls++; return nil },
	}
	c, err := Run(bg(), cfg)
	if err != nil || rev(t, c) != 7 || calls != 0 || p.Stats().Received != 7 {
		t.Fatalf("Run = %v, %v with %d apply calls; want cursor 7, none", c, err, calls)
	}
}

// Mixed: 5, 6 (rejected), 7 → Apply gets [5 7], the cursor 7.
func TestMixedParse(t *testing.T) {
	w := &scriptWatcher{stream: []rec{put(5, "a", "1"), put(6, "bad", "x"), put(7, "c", "3")}}
	r := &recorder{}
	cfg := cfgFor(w, r)
	cfg.Parse = func(u kv.Update) (string, bool) { return u.Key, u.Key != "bad" }
	c, err := Run(bg(), cfg)
	if err != nil || rev(t, c) != 7 || !slices.Equal(r.all(), []string{"a", "c"}) {
		t.Fatalf("Run = %v, %v, applied %v", c, err, r.all())
	}
}

// An update with an unknown version is applied but neither mints nor clobbers the cursor.
func TestUnknownVersionNeverMovesCursor(t *testing.T) {
	c, got := runUnknownVersion(t, kernels{})
	if rev(t, c) != 5 || len(got) != 2 {
		t.Fatalf("cursor %v, applied %v; want cursor 5 with both applied", c, got)
	}
}

func runUnknownVersion(t *testing.T, k kernels) (kv.Cursor, []string) {
	t.Helper()
	unknown := rec{6, kv.Update{Op: kv.OpPut, Key: "u", Value: []byte("x")}}
	st := openMem(newDisk())
	r := &recorder{}
	cfg := cfgFor(&scriptWatcher{stream: []rec{put(5, "a", "1"), unknown}}, r)
	cfg.Store = st
	cfg.kernels = k
	c, err := Run(bg(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if st.Cursor() != c {
		t.Fatalf("store cursor %v, returned %v", st.Cursor(), c)
	}
	return c, r.all()
}

// A watch error ends Run with that error after flushing.
func TestWatchErrorPropagates(t *testing.T) {
	boom := errors.New("injected watch failure")
	w := &scriptWatcher{stream: []rec{put(1, "a", "1")}, end: boom}
	r := &recorder{}
	c, err := Run(bg(), cfgFor(w, r))
	if !errors.Is(err, boom) || rev(t, c) != 1 || len(r.all()) != 1 {
		t.Fatalf("Run = %v, %v; want the watch error after flushing 1", c, err)
	}
}

// Shutdown with nothing pending: no calls, the resume cursor back.
func TestShutdownWithNothingPending(t *testing.T) {
	r := &recorder{}
	ctx, cancel := context.WithCancel(bg())
	cancel()
	c, err := Run(ctx, cfgFor(&scriptWatcher{hold: true}, r))
	if err != nil || !c.IsZero() {
		t.Fatalf("Run = %v, %v", c, err)
	}
	if b, cur := r.snapshot(); len(b) != 0 || len(cur) != 0 {
		t.Fatalf("calls: %v %v", b, cur)
	}
}

// A failing Apply stops Run; the cursor does not move over the failed batch and nothing of it
// reaches the store.
func TestApplyErrorStopsWithoutAdvancing(t *testing.T) {
	boom := errors.New("domain rejected the batch")
	st := openMem(newDisk())
	n := 0
	cfg := Config[string]{
		Watcher: &scriptWatcher{stream: []rec{put(1, "a", "1"), put(2, "b", "2"), put(3, "c", "3")}},
		Store:   st,
		Batch:   BatchConfig{Window: time.Hour, Max: 2},
		Parse:   func(u kv.Update) (string, bool) { return u.Key, true },
		Apply: func([]string) error {
			if n++; n == 2 {
				return boom
			}
			return nil
		},
	}
	c, err := Run(bg(), cfg)
	if !errors.Is(err, ErrApplyFailed) || !errors.Is(err, boom) || rev(t, c) != 2 || rev(t, st.Cursor()) != 2 {
		t.Fatalf("Run = %v, %v; store %v; want ErrApplyFailed at cursor 2", c, err, st.Cursor())
	}
	if _, ok, _ := st.Get("c"); ok {
		t.Fatal("the failed batch reached the store")
	}
}
