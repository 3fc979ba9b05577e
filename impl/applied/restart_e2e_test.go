package applied

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"testing"
	"time"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/natsstore"
	"github.com/slipstream-go/slipstream/impl/snapshot/appendlog"
)

// restartRetry is the WatchRetry of these tests: short, so a server that stays away a moment
// is retried often.
const restartRetry = 20 * time.Millisecond

// running reports whether the session's Run is still going.
func (s *session) running() bool {
	select {
	case <-s.ended:
		return false
	default:
		return true
	}
}

// keptGoingTo waits until the store holds revision head, failing if Run ended first (WatchRetry
// should have kept it going), then stops Run.
func (s *session) keptGoingTo(t *testing.T, within time.Duration, head uint64) {
	t.Helper()
	eventuallyWithin(t, within, fmt.Sprintf("the store at revision %d", head), func() bool {
		r, _ := s.prog.Stats().Stored.Uint64()
		return r >= head || !s.running()
	})
	if !s.running() {
		_, err := s.wait()
		t.Fatalf("Run ended with %v; WatchRetry should have kept it going", err)
	}
	s.stopAt(t, head)
}

// requireFoldIsBucket fails unless the fold, reopened from disk, holds the bucket's live keys
// and values at revision head.
func (l *live) requireFoldIsBucket(head uint64) {
	l.t.Helper()
	fold, cur := l.folded()
	if want := l.scan(); !maps.Equal(fold, want) || rev(l.t, cur) != head {
		l.t.Fatalf("fold at %v has %d keys, the bucket at %d has %d", cur, len(fold), head, len(want))
	}
}

// writeBatch writes n keys under prefix (and deletes every fifth), returning the last revision.
func (l *live) writeBatch(prefix string, n int) uint64 {
	l.t.Helper()
	for i := range n {
		l.put(fmt.Sprintf("%s.%02d", prefix, i), fmt.Sprintf("v%d", i))
	}
	for i := 0; i < n; i += 5 {
		l.del(fmt.Sprintf("%s.%02d", prefix, i))
	}
	return l.streamState().LastSeq
}

// With WatchRetry, a server that goes away and comes back while Run folds a stream of writes
// does not end Run: the watch fails, is started again in place, and the fold ends equal to the
// bucket. Without it, Run ends with the watch's transient error, as before.
func TestWatchRestartsAcrossServerRestart(t *testing.T) {
	for _, on := range []bool{true, false} {
		t.Run(fmt.Sprintf("retry=%v", on), func(t *testing.T) {
			l := newLive(t, kv.StoreConfig{Name: "srvrestart"})
			if on {
				l.tweak = func(c *Config[string]) { c.WatchRetry = restartRetry }
			}
			l.writeBatch("before", 40)
			s := l.start(nil)
			l.writeBatch("during", 40) // folded while the server is stopped under it
			l.srv.Stop()
			if err := l.srv.Restart(); err != nil {
				t.Fatal(err)
			}
			head := l.writeBatch("after", 40)
			if !on {
				select {
				case <-s.ended:
				case <-time.After(40 * time.Second):
					t.Fatalf("without WatchRetry Run kept going after the server restart: %+v", s.prog.Stats())
				}
				_, err := s.wait()
				if !errors.Is(err, kv.ErrWatch) && !errors.Is(err, kv.ErrNotConnected) {
					t.Fatalf("without WatchRetry Run ended with %v, want the watch's transient error (kv.ErrWatch or kv.ErrNotConnected)", err)
				}
				if n := s.prog.Stats().WatchRestarts; n != 0 {
					t.Fatalf("without WatchRetry the watch was restarted %d times", n)
				}
				return
			}
			s.keptGoingTo(t, 30*time.Second, head)
			st := s.prog.Stats()
			l.requireFoldIsBucket(head)
			if st.WatchRestarts == 0 || st.Resyncs != 0 {
				t.Fatalf("stats %+v: want restarts in place and no resync", st)
			}
			if !s.log.has("applied: the watch failed; starting it again in place") {
				t.Fatal("no restart was logged")
			}
		})
	}
}

// A watch whose consumer stopped delivering (natsstore.ErrWatchStalled) is started again in
// place: the update the stalled consumer held back reaches the fold and Run goes on.
func TestWatchRestartsAfterStalledConsumer(t *testing.T) {
	l := newLiveConn(t, natsstore.Config{FloorGuardInterval: 100 * time.Millisecond}, kv.StoreConfig{Name: "stalled"})
	l.tweak = func(c *Config[string]) { c.WatchRetry = restartRetry }
	first := l.put("a", "1")
	s := l.start(nil)
	eventually(t, "the first update stored", func() bool {
		r, _ := s.prog.Stats().Stored.Uint64()
		return r >= first
	})
	l.pauseWatchConsumer()
	head := l.put("b", "held back")
	eventuallyWithin(t, 40*time.Second, "the held-back update stored", func() bool {
		r, _ := s.prog.Stats().Stored.Uint64()
		return r >= head || !s.running()
	})
	if !s.running() {
		_, err := s.wait()
		t.Fatalf("Run ended with %v; the stalled watch should have been restarted in place", err)
	}
	s.stopAt(t, head)
	if st := s.prog.Stats(); st.WatchRestarts == 0 || st.Received != 2 {
		t.Fatalf("stats %+v: want a restart in place, and each update received once", st)
	}
	if !s.log.hasErr(natsstore.ErrWatchStalled) {
		t.Fatal("the restart's log does not name the stall as its cause")
	}
	fold, _ := l.folded()
	if want := l.scan(); !maps.Equal(fold, want) {
		t.Fatalf("fold %v, bucket %v", fold, want)
	}
}

// An error no new watch can outlive still ends Run with WatchRetry on: a bucket deleted under
// the watch fails the watch, and the restart finds the bucket gone, through its incarnation
// check (with a store) or the new watch's setup (without one).
func TestWatchRestartEndsOnMissingBucket(t *testing.T) {
	for _, withStore := range []bool{true, false} {
		t.Run(fmt.Sprintf("store=%v", withStore), func(t *testing.T) {
			l := newLive(t, kv.StoreConfig{Name: "gone"})
			head := l.put("a", "1")
			p := &Progress{}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			cfg := Config[string]{Watcher: l.bucket, Progress: p, WatchRetry: restartRetry, ReconcileEvery: ReconcileOff}
			if withStore {
				st, err := appendlog.Open(l.snap, appendlog.Options{})
				if err != nil {
					t.Fatal(err)
				}
				defer st.Close()
				cfg.Store, cfg.Reader = st, l.bucket
			}
			wait := runAsync(ctx, cfg)
			eventually(t, "the first update applied", func() bool {
				r, _ := p.Stats().Applied.Uint64()
				return r >= head
			})
			if err := l.js.DeleteStream(tctx(t), "KV_"+l.name); err != nil {
				t.Fatal(err)
			}
			_, err := wait()
			if !errors.Is(err, kv.ErrKeyNotFound) || errors.Is(err, kv.ErrWatch) {
				t.Fatalf("Run ended with %v, want the missing bucket (kv.ErrKeyNotFound) alone", err)
			}
			if n := p.Stats().WatchRestarts; n != 1 {
				t.Fatalf("WatchRestarts = %d, want the one attempt that found the bucket gone", n)
			}
		})
	}
}

// pauseWatchConsumer pauses the bucket's only consumer (the running watch's) for an hour: the
// server answers its pulls with heartbeats but delivers nothing.
func (l *live) pauseWatchConsumer() {
	l.t.Helper()
	st, err := l.js.Stream(tctx(l.t), "KV_"+l.name)
	if err != nil {
		l.t.Fatal(err)
	}
	var names []string
	lister := st.ConsumerNames(tctx(l.t))
	for n := range lister.Name() {
		names = append(names, n)
	}
	if err := lister.Err(); err != nil || len(names) != 1 {
		l.t.Fatalf("consumers: %v, %v; want the watch's only", names, err)
	}
	if _, err := l.js.PauseConsumer(tctx(l.t), "KV_"+l.name, names[0], time.Now().Add(time.Hour)); err != nil {
		l.t.Fatal(err)
	}
}
