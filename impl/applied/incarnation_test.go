package applied

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/snapshot"
	"github.com/slipstream-go/slipstream/protocol"
)

// reportingWatcher is a scriptWatcher that reports a live incarnation (or fails to).
type reportingWatcher struct {
	*scriptWatcher
	live kv.Incarnation
	err  error
}

func (w *reportingWatcher) Incarnation(context.Context) (kv.Incarnation, error) { return w.live, w.err }

func incarnationAt(t *testing.T, n int64) kv.Incarnation {
	t.Helper()
	inc, err := kv.NewIncarnation("b", time.Unix(1_700_000_000+n, 0))
	if err != nil {
		t.Fatal(err)
	}
	return inc
}

// stampedDisk is a fold of k@1..k@10 at cursor 10, stamped with inc.
func stampedDisk(inc kv.Incarnation) *memDisk {
	d := foldedDisk(10, put(10, "old", "v"))
	d.stamp = snapshot.Stamp{Stream: inc}
	return d
}

func TestDefaultResumePlanKernelIsProtocol(t *testing.T) {
	if funcPtr(kernels{}.withDefaults().resumePlan) != funcPtr(protocol.ResumePlanFor[kv.Incarnation]) {
		t.Fatal("the default resume-plan kernel is not protocol.ResumePlanFor")
	}
}

// A fold of another incarnation: no watch resumes its cursor; the resync's deletes are stored
// under the old cursor with the OLD stamp (checked at the state-sync watch, after the ack
// barrier), and the new incarnation is stored only with the new stream's cursor.
func TestOtherIncarnationResyncsAndStampsOnlyNewCursors(t *testing.T) {
	old, live := incarnationAt(t, 1), incarnationAt(t, 2)
	disk := stampedDisk(old)
	st := openMem(disk)
	w := &reportingWatcher{scriptWatcher: &scriptWatcher{stream: []rec{put(1, "new", "v"), put(2, "new2", "v")}}, live: live}
	var atStateSync snapshot.Stamp
	var oldGone bool
	w.onWatch = func(kv.Cursor) {
		atStateSync = st.Stamp()
		_, ok, _ := st.Get("old")
		oldGone = !ok
	}
	p := &Progress{}
	c, err := Run(bg(), Config[string]{Watcher: w, Store: st, Reader: &listReader{live: []string{"new", "new2"}}, Progress: p})
	if err != nil || rev(t, c) != 2 {
		t.Fatalf("Run = %v, %v; want cursor 2", c, err)
	}
	if calls := w.calls(); len(calls) != 1 || !calls[0].IsZero() {
		t.Fatalf("watch calls from %v; want only the state-sync watch", calls)
	}
	if !oldGone || atStateSync.Stream != old {
		t.Fatalf("at the state-sync watch: old key gone %v, stamp %v; want gone and the old stamp", oldGone, atStateSync)
	}
	if disk.stamp.Stream != live || disk.cursor != kv.CursorFromUint64(2) {
		t.Fatalf("disk at %v stamped %v; want cursor 2 stamped %v", disk.cursor, disk.stamp, live)
	}
	if s := p.Stats(); s.Resyncs != 1 || s.IncarnationResyncs != 1 || s.SyntheticDeletes != 1 {
		t.Fatalf("progress %+v", s)
	}
}

// The call site goes through the kernel: a mutant that always resumes resumes the stale cursor.
func TestResumePlanCallSite(t *testing.T) {
	w := &reportingWatcher{scriptWatcher: &scriptWatcher{stream: []rec{put(11, "k", "v")}}, live: incarnationAt(t, 2)}
	st := openMem(stampedDisk(incarnationAt(t, 1)))
	always := func(protocol.ResumeFacts[kv.Incarnation]) (protocol.ResumeAction, protocol.ResumeReason) {
		return protocol.ActionResume, protocol.ReasonNone
	}
	if _, err := Run(bg(), Config[string]{Watcher: w, Store: st, Reader: &listReader{}, kernels: kernels{resumePlan: always}}); err != nil {
		t.Fatal(err)
	}
	if calls := w.calls(); len(calls) != 1 || rev(t, calls[0]) != 10 {
		t.Fatalf("with the always-resume mutant the watch started from %v; the call site bypasses the kernel", calls)
	}
}

// Without a Reader there is nothing to resync with: a cursor of another incarnation is
// returned as an expired cursor, with the hint, and nothing is watched.
func TestOtherIncarnationWithoutReaderIsReturned(t *testing.T) {
	w := &reportingWatcher{scriptWatcher: &scriptWatcher{}, live: incarnationAt(t, 2)}
	_, err := Run(bg(), Config[string]{Watcher: w, Store: openMem(stampedDisk(incarnationAt(t, 1)))})
	if !errors.Is(err, kv.ErrCursorExpired) || len(w.calls()) != 0 {
		t.Fatalf("Run = %v after %d watches; want kv.ErrCursorExpired and no watch", err, len(w.calls()))
	}
}

// A failed incarnation lookup stops Run before any watch: resuming unverified is the silent
// divergence the check prevents.
func TestIncarnationLookupFailureStopsRun(t *testing.T) {
	boom := errors.New("lookup failed")
	w := &reportingWatcher{scriptWatcher: &scriptWatcher{}, err: boom}
	_, err := Run(bg(), Config[string]{Watcher: w, Store: openMem(stampedDisk(incarnationAt(t, 1))), Reader: &listReader{}})
	if !errors.Is(err, boom) || len(w.calls()) != 0 {
		t.Fatalf("Run = %v after %d watches; want the lookup error and no watch", err, len(w.calls()))
	}
}

// A watch that retention overran resyncs in place, with a scripted store too: the loop
// continues from the zero cursor and counts an overrun resync.
func TestOverrunResyncsInPlace(t *testing.T) {
	w := &scriptWatcher{stream: []rec{put(1, "a", "1"), put(2, "b", "2")}}
	overrun := kv.NewError("watch", "", kv.ErrWatch, kv.ErrWatchOverrun)
	w.onWatch = func(from kv.Cursor) {
		if !from.IsZero() {
			w.mu.Lock()
			w.end = nil
			w.mu.Unlock()
		}
	}
	w.end = overrun
	st := openMem(foldedDisk(1, put(1, "a", "1"), put(1, "gone", "x")))
	p := &Progress{}
	c, err := Run(bg(), Config[string]{Watcher: w, Store: st, Reader: &listReader{live: []string{"a", "b"}}, Progress: p})
	if err != nil || rev(t, c) != 2 {
		t.Fatalf("Run = %v, %v; want cursor 2 and no error", c, err)
	}
	if calls := w.calls(); len(calls) != 2 || rev(t, calls[0]) != 1 || !calls[1].IsZero() {
		t.Fatalf("watch calls from %v; want 1 then the zero cursor", calls)
	}
	if s := p.Stats(); s.OverrunResyncs != 1 || s.SyntheticDeletes != 1 {
		t.Fatalf("progress %+v; want one overrun resync deleting gone", s)
	}
}

// Updates a failed watch queued before its resync request are folded before the resync's
// deletes: a queued put of a key the listing no longer has must not outlive the resync.
func TestResyncFoldsQueuedUpdatesBeforeItsDeletes(t *testing.T) {
	st := openMem(foldedDisk(1, put(1, "a", "1")))
	cfg := Config[string]{Watcher: &scriptWatcher{}, Store: st, Reader: &listReader{}}
	l := newLoop(&cfg, kv.CursorFromUint64(1))
	l.stop = func() {}
	l.rx <- put(2, "k", "v").u // forwarded by the watch before retention overran it
	ack := make(chan struct{})
	if err := l.onResync(resyncRequest{live: []string{"a"}, ack: ack, reason: protocol.ReasonWatchOverrun}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ack:
	default:
		t.Fatal("the resync was not acknowledged")
	}
	if _, ok, _ := st.Get("k"); ok {
		t.Fatal("k, absent from the listing, was folded after the resync's deletes and survives it")
	}
	if len(l.rx) != 0 || st.Cursor() != kv.CursorFromUint64(2) {
		t.Fatalf("queue holds %d, store at %v; want the queued update folded at cursor 2", len(l.rx), st.Cursor())
	}
}
