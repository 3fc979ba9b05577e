package applied

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/snapshot"
	"github.com/slipstream-go/slipstream/protocol"
)

// The expiry mutants re-declare model/expiry's broken kernels (impl/ must not import model/).

// mutAdmitWithoutMarkers admits a bucket aging keys out without markers as if it had them.
func mutAdmitWithoutMarkers(agesOut, _, acceptDivergence bool) protocol.ExpiryPolicy {
	return protocol.ExpiryAdmit(agesOut, true, acceptDivergence)
}

// mutLostStrict checks the contact with an exclusive bound.
func mutLostStrict(contact, now, markerTTL int64) bool {
	if contact <= 0 || markerTTL <= 0 {
		return true
	}
	return now-contact > markerTTL
}

// mutAdvanceOvershoot claims one tick more than its evidence.
func mutAdvanceOvershoot(contact, evidence int64) int64 {
	return protocol.ExpiryContactAdvance(contact, evidence) + 1
}

// expiryWatcher is a scriptWatcher whose bucket reports an expiry configuration.
type expiryWatcher struct {
	*scriptWatcher
	exp kv.Expiry
}

func (w *expiryWatcher) Expiry(context.Context) (kv.Expiry, error) { return w.exp, nil }

// caughtWatcher also proves it is caught up, once, at at, after sending its script.
type caughtWatcher struct {
	*expiryWatcher
	at time.Time
}

func (w *caughtWatcher) WatchCaughtUp(ctx context.Context, scope kv.Scope, from kv.Cursor, out chan<- kv.Update, caughtUp func(time.Time)) error {
	held := w.hold
	w.hold = false
	err := w.Watch(ctx, scope, from, out)
	w.hold = held
	if caughtUp != nil && err == nil && ctx.Err() == nil {
		caughtUp(w.at)
	}
	if held {
		<-ctx.Done()
		return nil
	}
	return err
}

var (
	t0 = time.Unix(1_800_000_000, 0)
	// guardedExpiry: a MaxAge bucket with 10 s markers; with a 2 s skew allowance the contact
	// may be 8 s old.
	guardedExpiry = kv.Expiry{MaxAge: time.Minute, PerKeyTTL: true, MarkerTTL: 10 * time.Second}
	allowed       = 8 * time.Second
)

// A bucket that ages keys out without markers is refused before anything is watched, with
// kv.ErrExpiryInvisible and a hint naming both ways out; with AcceptExpiryDivergence it runs.
func TestBucketWithoutMarkersIsRefused(t *testing.T) {
	w := &expiryWatcher{scriptWatcher: &scriptWatcher{stream: []rec{put(1, "a", "1")}}, exp: kv.Expiry{MaxAge: time.Second}}
	_, err := Run(bg(), Config[string]{Watcher: w})
	var kerr *kv.Error
	if !errors.Is(err, kv.ErrExpiryInvisible) || !errors.Is(err, kv.ErrUnsupported) || !errors.As(err, &kerr) ||
		!strings.Contains(kerr.Hint, "AcceptExpiryDivergence") || !strings.Contains(kerr.Hint, "EnableExpiryMarkers") {
		t.Fatalf("Run = %v; want kv.ErrExpiryInvisible with a hint naming markers and the opt-out", err)
	}
	if len(w.calls()) != 0 {
		t.Fatal("a refused bucket was watched")
	}
	log := &capture{}
	if _, err := Run(bg(), Config[string]{Watcher: w, AcceptExpiryDivergence: true, Logger: newLogger(log)}); err != nil {
		t.Fatalf("with AcceptExpiryDivergence: %v", err)
	}
	if len(w.calls()) != 1 || !log.has("AcceptExpiryDivergence") {
		t.Fatalf("the accepted bucket was watched %d times, divergence logged %v", len(w.calls()), log.has("AcceptExpiryDivergence"))
	}
}

// The refusal depends on ExpiryAdmit: the mutant admits the bucket.
func TestExpiryAdmitCallSite(t *testing.T) {
	w := &expiryWatcher{scriptWatcher: &scriptWatcher{}, exp: kv.Expiry{MaxAge: time.Second}}
	if _, err := Run(bg(), Config[string]{Watcher: w, kernels: kernels{expiryAdmit: mutAdmitWithoutMarkers}}); errors.Is(err, kv.ErrExpiryInvisible) {
		t.Fatal("with the ExpiryAdmit mutant the bucket was still refused: the call site bypasses the kernel")
	}
}

// resumeAfter resumes a fold holding a and b at cursor 2, stamped with contact, at t0, over a
// bucket that has only a left (b aged out and its marker expired while the fold was down), and
// returns the store and the progress.
func resumeAfter(t *testing.T, contact time.Time, k kernels) (*memStore, Stats) {
	t.Helper()
	st := openMem(newDisk())
	if err := st.ApplyStamped([]kv.Update{put(1, "a", "1").u, put(2, "b", "2").u}, kv.CursorFromUint64(2),
		snapshot.Stamp{Contact: contact}); err != nil {
		t.Fatal(err)
	}
	w := &expiryWatcher{scriptWatcher: &scriptWatcher{stream: []rec{put(1, "a", "1"), put(2, "b", "2")}, first: 3}, exp: guardedExpiry}
	p := &Progress{}
	_, err := Run(bg(), Config[string]{Watcher: w, Reader: &listReader{live: []string{"a"}}, Store: st, Progress: p,
		clock: func() time.Time { return t0 }, kernels: k})
	if err != nil {
		t.Fatal(err)
	}
	return st, p.Stats()
}

// A resume exactly the allowed time after the stored contact resyncs (the bound is inclusive)
// and deletes b; one tick earlier it resumes.
func TestResumeAfterMarkerTTLResyncs(t *testing.T) {
	st, s := resumeAfter(t, t0.Add(-allowed), kernels{})
	if s.ContactResyncs != 1 || s.Resyncs != 1 || st.dump() != "a=1@1" {
		t.Fatalf("progress %+v, fold %q: want one contact resync deleting b", s, st.dump())
	}
	if c := st.Stamp().Contact; !c.Equal(t0) {
		t.Fatalf("the resync stored contact %v, want the time read before listing %v", c, t0)
	}
	st, s = resumeAfter(t, t0.Add(-allowed+1), kernels{})
	if s.ContactResyncs != 0 || st.dump() != "a=1@1 b=2@2" {
		t.Fatalf("progress %+v, fold %q: a contact inside the allowed time resumes", s, st.dump())
	}
}

// A fold that stores no contact (written before contacts, or never in contact) resyncs.
func TestResumeWithoutContactResyncs(t *testing.T) {
	if _, s := resumeAfter(t, time.Time{}, kernels{}); s.ContactResyncs != 1 {
		t.Fatalf("progress %+v: a fold without a contact time must resync", s)
	}
}

// The resume check depends on ExpiryContactLost: the strict mutant resumes at the bound.
func TestContactLostResumeCallSite(t *testing.T) {
	if _, s := resumeAfter(t, t0.Add(-allowed), kernels{contactLost: mutLostStrict}); s.ContactResyncs != 0 {
		t.Fatal("with the strict ExpiryContactLost mutant the resume still resynced: the call site bypasses the kernel")
	}
}

// liveLapse resumes with a contact one tick inside the allowed time; the clock then moves one
// tick before the delivery of c, so the delivery finds the contact lost. It returns whether
// the loop cut the watch for a resync before storing c, and the progress once settled.
func liveLapse(t *testing.T, k kernels) (tripped bool, s Stats) {
	t.Helper()
	st := openMem(newDisk())
	if err := st.ApplyStamped([]kv.Update{put(1, "a", "1").u, put(2, "b", "2").u}, kv.CursorFromUint64(2),
		snapshot.Stamp{Contact: t0.Add(-allowed + 1)}); err != nil {
		t.Fatal(err)
	}
	var now atomic.Int64
	now.Store(t0.UnixNano())
	sw := &scriptWatcher{stream: []rec{put(1, "a", "1"), put(2, "b", "2"), put(3, "c", "3")}, first: 3, hold: true}
	sw.onWatch = func(kv.Cursor) { now.Store(t0.UnixNano() + 1) }
	log := &capture{}
	p := &Progress{}
	ctx, cancel := context.WithCancel(context.Background())
	wait := runAsync(ctx, Config[string]{Watcher: &expiryWatcher{scriptWatcher: sw, exp: guardedExpiry},
		Reader: &listReader{live: []string{"a", "c"}}, Store: st, Progress: p, Logger: newLogger(log),
		Batch: BatchConfig{Max: 1}, clock: func() time.Time { return time.Unix(0, now.Load()) }, kernels: k})
	eventually(t, "c stored", func() bool { return rev(t, p.Stats().Stored) >= 3 })
	tripped = log.has("contact with the stream lost")
	if tripped {
		eventually(t, "the contact resync", func() bool { return p.Stats().ContactResyncs == 1 })
	}
	cancel()
	if _, err := wait(); err != nil {
		t.Fatal(err)
	}
	s = p.Stats()
	if tripped && st.dump() != "a=1@1 c=3@3" {
		t.Fatalf("after the contact resync the fold is %q, want a and c", st.dump())
	}
	return tripped, s
}

// A live watch whose contact lapses resyncs from the next delivery on.
func TestLiveContactLapseResyncs(t *testing.T) {
	if tripped, s := liveLapse(t, kernels{}); !tripped || s.ContactResyncs != 1 {
		t.Fatalf("tripped %v, progress %+v: want the delivery to find the contact lost and resync", tripped, s)
	}
}

// The live check depends on ExpiryContactLost: the strict mutant lets the delivery through.
func TestContactLostLiveCallSite(t *testing.T) {
	if tripped, _ := liveLapse(t, kernels{contactLost: mutLostStrict}); tripped {
		t.Fatal("with the strict ExpiryContactLost mutant the delivery still tripped: the call site bypasses the kernel")
	}
}

// stampedFold starts a fold from scratch at t0 over one update stamped t0+1s, then a caught-up
// proof at t0+5s, and returns the contacts stored after the update and after the proof.
func stampedFold(t *testing.T, k kernels) (afterUpdate, afterProof time.Time) {
	t.Helper()
	st := openMem(newDisk())
	u := put(1, "a", "1")
	u.u.Stamp = t0.Add(time.Second)
	var gate atomic.Bool
	sw := &scriptWatcher{stream: []rec{u}, hold: true}
	w := &caughtWatcher{expiryWatcher: &expiryWatcher{scriptWatcher: sw, exp: guardedExpiry}, at: t0.Add(5 * time.Second)}
	p := &Progress{}
	ctx, cancel := context.WithCancel(context.Background())
	wait := runAsync(ctx, Config[string]{Watcher: w, Store: st, Progress: p, Batch: BatchConfig{Max: 1},
		clock: func() time.Time { return t0 }, kernels: k,
		OnApplied: func(kv.Cursor) { afterUpdate = st.Stamp().Contact; gate.Store(true) }})
	eventually(t, "the caught-up proof stored", func() bool { return gate.Load() && !st.Stamp().Contact.Equal(afterUpdate) })
	afterProof = st.Stamp().Contact
	cancel()
	if _, err := wait(); err != nil {
		t.Fatal(err)
	}
	return afterUpdate, afterProof
}

// The contact advances to a delivery's stream stamp (not the time it was read, t0), and to a
// caught-up proof's time; both are stored with the cursor.
func TestContactAdvancesToStampAndProof(t *testing.T) {
	u, p := stampedFold(t, kernels{})
	if !u.Equal(t0.Add(time.Second)) || !p.Equal(t0.Add(5*time.Second)) {
		t.Fatalf("stored contacts %v then %v; want the update's stamp %v then the proof's %v", u, p, t0.Add(time.Second), t0.Add(5*time.Second))
	}
}

// The advance depends on ExpiryContactAdvance: the overshooting mutant stores one tick more.
func TestContactAdvanceCallSite(t *testing.T) {
	if u, _ := stampedFold(t, kernels{contactAdvance: mutAdvanceOvershoot}); u.Equal(t0.Add(time.Second)) {
		t.Fatal("with the ExpiryContactAdvance mutant the stored contact is still the stamp: the call site bypasses the kernel")
	}
}

// The allowed time is the marker TTL less the skew allowance (default 2 s), and never less
// than half the TTL, so a short marker TTL keeps a window.
func TestExpiryAllowedTime(t *testing.T) {
	for _, tc := range []struct {
		marker, skew, want time.Duration
	}{
		{time.Hour, 0, time.Hour - DefaultExpiryClockSkew},
		{time.Hour, 10 * time.Second, time.Hour - 10*time.Second},
		{3 * time.Second, 0, 1500 * time.Millisecond},
		{time.Second, 0, 500 * time.Millisecond},
	} {
		cfg := Config[string]{Watcher: &expiryWatcher{scriptWatcher: &scriptWatcher{}, exp: kv.Expiry{MaxAge: time.Minute, MarkerTTL: tc.marker}},
			ExpiryClockSkew: tc.skew}
		g, err := cfg.admitExpiry(bg(), kernels{}.withDefaults())
		if err != nil || !g.guarded() || time.Duration(g.ttl) != tc.want {
			t.Errorf("marker TTL %v, skew %v: %+v, %v; want guarded with %v", tc.marker, tc.skew, g, err, tc.want)
		}
	}
}
