package applied

import (
	"context"
	"errors"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/protocol"
)

// overwritten is a stream whose state sync (last record per key) is a@3 c@4 b@5 d@6.
var overwritten = []rec{put(1, "a", "1"), put(2, "b", "1"), put(3, "a", "2"), put(4, "c", "1"), put(5, "b", "2"), put(6, "d", "1")}

// A state-sync watch that fails in its snapshot phase, and two restarts that fail before they
// deliver anything, are started again after the last update taken off them: every record is
// folded exactly once, the fold is the bucket, the first restart is immediate and the ones
// after a failed restart wait WatchRetry, then twice that.
func TestWatchRestartResumesAfterForwarded(t *testing.T) {
	w := newFlaky(overwritten, flake{2, kv.NewError("watch", "", kv.ErrWatch, nil), nil},
		flake{0, kv.ErrNotConnected, nil}, flake{0, kv.NewError("watch", "", kv.ErrTimeout, nil), nil})
	r, ws, p := &recorder{}, &waits{}, &Progress{}
	cfg := cfgFor(w, r)
	cfg.WatchRetry, cfg.wait, cfg.Progress = 5*time.Millisecond, ws.wait, p
	c, err := runUntil(t, cfg, 6)
	if err != nil || rev(t, c) != 6 {
		t.Fatalf("Run = %v, %v; want cursor 6", c, err)
	}
	if got, want := w.script.calls(), []kv.Cursor{{}, kv.CursorFromUint64(4), kv.CursorFromUint64(4), kv.CursorFromUint64(4)}; !slices.Equal(got, want) {
		t.Fatalf("watches from %v, want %v (a state sync, then after c@4 three times)", got, want)
	}
	if got, want := r.all(), []string{"a=2", "c=1", "b=2", "d=1"}; !slices.Equal(got, want) {
		t.Fatalf("folded %v, want %v: each current record once", got, want)
	}
	if got, want := ws.all(), []time.Duration{5 * time.Millisecond, 10 * time.Millisecond}; !slices.Equal(got, want) {
		t.Fatalf("waits %v, want %v (none before the first restart)", got, want)
	}
	if s := p.Stats(); s.WatchRestarts != 3 || s.Resyncs != 0 {
		t.Fatalf("stats %+v: want three restarts and no resync", s)
	}
}

// Without WatchRetry a transient watch error ends Run, as it always did; with it, an error no
// new watch can outlive ends Run too.
func TestWatchRestartOnlyTransient(t *testing.T) {
	for _, tc := range []struct {
		name  string
		retry time.Duration
		err   error
	}{
		{"off", 0, kv.NewError("watch", "", kv.ErrWatch, nil)},
		{"invalid scope", time.Millisecond, kv.NewError("watch", "", kv.ErrInvalidScope, nil)},
		{"operation failed", time.Millisecond, kv.NewError("watch", "", kv.ErrOperationFailed, nil)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newFlaky(overwritten, flake{2, tc.err, nil})
			p := &Progress{}
			cfg := cfgFor(w, &recorder{})
			cfg.WatchRetry, cfg.Progress = tc.retry, p
			c, err := Run(bg(), cfg)
			if !errors.Is(err, tc.err) || rev(t, c) != 4 {
				t.Fatalf("Run = %v, %v; want cursor 4 and %v", c, err, tc.err)
			}
			if n := len(w.script.calls()); n != 1 || p.Stats().WatchRestarts != 0 {
				t.Fatalf("%d watches, %d restarts; want the one that failed and none", n, p.Stats().WatchRestarts)
			}
		})
	}
}

// A restart compares the bucket's incarnation with the one the fold follows, as a start does:
// a bucket re-created while the watch was down is resynced (stamped anew, its revisions from a
// state sync), never resumed; a failed read is a failed restart, retried.
func TestWatchRestartChecksIncarnation(t *testing.T) {
	old, live := incarnationAt(t, 1), incarnationAt(t, 2)
	disk := newDisk()
	st := openMem(disk)
	fw := newFlaky([]rec{put(1, "a", "1"), put(2, "b", "1")}, flake{after: 2, err: kv.NewError("watch", "", kv.ErrWatch, nil)})
	w := &flakyIncWatcher{flakyWatcher: fw, live: old}
	reads := atomic.Int32{}
	fw.fails[0].then = func() { // the bucket is re-created under the watch, holding only b@1
		fw.script.mu.Lock()
		fw.script.stream = []rec{put(1, "b", "1")}
		fw.script.mu.Unlock()
		w.mu.Lock()
		w.live, w.err = live, kv.NewError("incarnation", "", kv.ErrTimeout, nil)
		w.mu.Unlock()
	}
	ws, p := &waits{}, &Progress{}
	cfg := Config[string]{Watcher: w, Store: st, Reader: &listReader{live: []string{"b"}}, Progress: p,
		WatchRetry: time.Millisecond, ReconcileEvery: ReconcileOff}
	cfg.wait = func(ctx context.Context, d time.Duration) bool {
		if reads.Add(1) == 1 { // the read failed once: the bucket answers from now on
			w.mu.Lock()
			w.err = nil
			w.mu.Unlock()
		}
		return ws.wait(ctx, d)
	}
	// Until the new incarnation's state sync is stored.
	_, err := runWhile(t, cfg, func(Stats) bool { return st.Stamp().Stream == live })
	if err != nil {
		t.Fatal(err)
	}
	if got, want := fw.script.calls(), []kv.Cursor{{}, {}}; !slices.Equal(got, want) {
		t.Fatalf("watches from %v, want %v: the restart must not resume a cursor of the old incarnation", got, want)
	}
	if s := p.Stats(); s.IncarnationResyncs != 1 || s.WatchRestarts != 2 || s.SyntheticDeletes != 1 {
		t.Fatalf("stats %+v: want two restarts (one failed read), one incarnation resync deleting a", s)
	}
	if got := st.dump(); got != "b=1@1" || disk.cursor != kv.CursorFromUint64(1) {
		t.Fatalf("fold %q at %v, want b=1@1 at 1 (the new incarnation's)", got, disk.cursor)
	}
}

// A restart on a bucket that ages keys out checks the contact with the stream as a start does:
// a watch down as long as delete markers live resyncs instead of resuming.
func TestWatchRestartChecksContact(t *testing.T) {
	var now atomic.Int64
	now.Store(t0.UnixNano())
	// The watch fails once the allowed time has passed without contact; a aged out meanwhile
	// and its marker expired.
	fw := newFlaky([]rec{put(1, "a", "1"), put(2, "b", "1")}, flake{after: 2, err: kv.NewError("watch", "", kv.ErrNotConnected, nil)})
	fw.fails[0].then = func() {
		now.Add(int64(allowed))
		fw.script.mu.Lock()
		fw.script.stream = []rec{put(2, "b", "1")}
		fw.script.mu.Unlock()
	}
	st, p := openMem(newDisk()), &Progress{}
	cfg := Config[string]{Watcher: &flakyExpiryWatcher{fw}, Store: st, Reader: &listReader{live: []string{"b"}}, Progress: p,
		WatchRetry: time.Millisecond, ReconcileEvery: ReconcileOff, clock: func() time.Time { return time.Unix(0, now.Load()) }}
	if _, err := runWhile(t, cfg, func(s Stats) bool { return s.ContactResyncs > 0 && st.dump() == "b=1@2" }); err != nil {
		t.Fatal(err)
	}
	if got, want := fw.script.calls(), []kv.Cursor{{}, {}}; !slices.Equal(got, want) {
		t.Fatalf("watches from %v, want %v: the restart must not resume without contact", got, want)
	}
	if s := p.Stats(); s.ContactResyncs != 1 || s.WatchRestarts != 1 {
		t.Fatalf("stats %+v: want one restart that took the contact resync", s)
	}
}

// The restart position goes through the kernel: a mutant that resumes one revision past the
// frontier skips the update the failed watch had not handed over.
func TestWatchRestartCallSite(t *testing.T) {
	if funcPtr(kernels{}.withDefaults().restartAt) != funcPtr(protocol.WatchRestartAfter) {
		t.Fatal("the default restart kernel is not protocol.WatchRestartAfter")
	}
	w := newFlaky(overwritten, flake{2, kv.NewError("watch", "", kv.ErrWatch, nil), nil})
	r := &recorder{}
	cfg := cfgFor(w, r)
	cfg.WatchRetry = time.Millisecond
	cfg.kernels.restartAt = func(start, forwarded []byte) []byte {
		at := protocol.WatchRestartAfter(start, forwarded)
		if len(at) == 8 {
			at = append([]byte(nil), at...)
			at[7]++
		}
		return at
	}
	if _, err := runUntil(t, cfg, 6); err != nil {
		t.Fatal(err)
	}
	if got := r.all(); slices.Contains(got, "b=2") {
		t.Fatalf("folded %v: the mutant's restart still delivered b@5", got)
	}
}
