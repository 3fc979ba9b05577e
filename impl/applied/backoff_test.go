package applied

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/slipstream-go/slipstream/impl/kv"
)

// The backoff of overrun resyncs in a row: none for the first, then the base, doubling up to
// 64 times it; a watch that ran that longest wait ends the run; a negative base never waits.
func TestOverrunBackoffSteps(t *testing.T) {
	b := newOverrunBackoff(0)
	var got []time.Duration
	for range 9 {
		d, _ := b.next(time.Millisecond)
		got = append(got, d)
	}
	s := time.Second
	if want := []time.Duration{0, s, 2 * s, 4 * s, 8 * s, 16 * s, 32 * s, 64 * s, 64 * s}; !slices.Equal(got, want) {
		t.Fatalf("waits %v, want %v", got, want)
	}
	if d, n := b.next(64 * s); d != 0 || n != 1 {
		t.Fatalf("after a watch that ran the longest wait: wait %v, %d in a row; want 0, 1", d, n)
	}
	if d, n := b.next(63 * s); d != s || n != 2 {
		t.Fatalf("the next overrun: wait %v, %d in a row; want 1 s, 2", d, n)
	}
	off := newOverrunBackoff(-1)
	for range 3 {
		if d, _ := off.next(0); d != 0 {
			t.Fatalf("a negative OverrunBackoff waited %v", d)
		}
	}
}

// Run waits between overrun resyncs in a row, as the backoff says, logging each wait: a watch
// overrun again and again waits 1, 2, 4 s (the configured base is 1 s) before its 2nd, 3rd and
// 4th resync; a watch that ran a minute and more before its overrun resyncs at once again.
func TestRunBacksOffRepeatedOverruns(t *testing.T) {
	var mu sync.Mutex
	clock := time.Unix(1000, 0)
	now := func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
	w := &scriptWatcher{end: kv.NewError("watch", "", kv.ErrWatch, kv.ErrWatchOverrun)}
	var calls int
	w.onWatch = func(kv.Cursor) {
		mu.Lock()
		defer mu.Unlock()
		calls++
		if calls == 5 { // this watch keeps up for 64 s before retention overruns it
			clock = clock.Add(64 * time.Second)
		}
	}
	// Each wait reports its duration and the overrun resyncs counted when it began: the watch
	// goroutine is blocked in it then, so the count cannot run ahead of the test.
	type waited struct {
		d        time.Duration
		overruns uint64
	}
	waits := make(chan waited)
	log := &capture{}
	p := &Progress{}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg := Config[string]{Watcher: w, Store: openMem(newDisk()), Reader: &listReader{}, Progress: p,
		Logger: slog.New(log), OverrunBackoff: time.Second, clock: now,
		wait: func(ctx context.Context, d time.Duration) bool {
			select {
			case waits <- waited{d, p.Stats().OverrunResyncs}:
				return true
			case <-ctx.Done():
				return false
			}
		}}
	wait := runAsync(ctx, cfg)
	var got []time.Duration
	var overruns uint64
	for range 4 {
		select {
		case w := <-waits:
			got = append(got, w.d)
			overruns = w.overruns
		case <-time.After(10 * time.Second):
			t.Fatalf("waits so far %v; no further wait (progress %+v)", got, p.Stats())
		}
	}
	cancel()
	if _, err := wait(); err != nil {
		t.Fatal(err)
	}
	s := time.Second
	// Watches 1-4 overrun in a row (no wait, 1, 2, 4 s); watch 5 ran 64 s (no wait); watch 6
	// starts a new run (1 s).
	if want := []time.Duration{s, 2 * s, 4 * s, s}; !slices.Equal(got, want) {
		t.Fatalf("waits %v, want %v", got, want)
	}
	if overruns != 5 {
		t.Fatalf("%d overrun resyncs before the 4th wait, want 5 (the 6th waits)", overruns)
	}
	if !log.has("waiting before the next resync") {
		t.Fatal("the backoff was not logged")
	}
}
