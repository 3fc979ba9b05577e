package transport

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/lease"
)

// clock is a settable fake clock for leases.
type clock struct{ ns atomic.Int64 }

func (c *clock) now() time.Time          { return time.Unix(0, c.ns.Load()) }
func (c *clock) advance(d time.Duration) { c.ns.Add(int64(d)) }

func (e *env) lease(c *clock, holder string) *lease.Lease {
	e.t.Helper()
	l, err := lease.New(e.ptrs, "fold-lease", holder)
	if err != nil {
		e.t.Fatal(err)
	}
	if c != nil {
		l.Now = c.now
	}
	return l
}

func (e *env) round(l *lease.Lease, ttl time.Duration, n *node, tr Transport) Round {
	return Round{Lease: l, TTL: ttl, Exports: n.exports, Transport: tr, Key: "fold", Scratch: e.scratch}
}

func (e *env) putN(prefix string, n int) uint64 {
	var head uint64
	for i := range n {
		head = e.put(fmt.Sprintf("%s.%02d", prefix, i), "v")
	}
	return head
}

// A slow exporter that took the lease, exported, and stalled before its pointer swap while
// another node took the lapsed lease over and published a newer artifact, is refused
// (SupersededByNewer); its round still succeeds, and the pointer and the lease stay the
// newer node's.
func TestSlowExporterCannotClobberANewerArtifact(t *testing.T) {
	e := newEnv(t)
	tr := e.nats()
	a, b := e.startNode(filepath.Join(t.TempDir(), "a.log")), e.startNode(filepath.Join(t.TempDir(), "b.log"))
	c := &clock{}
	c.ns.Store(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano())
	a.waitStored(e.putN("route.pre", 5))

	parked, release := make(chan struct{}), make(chan struct{})
	ra := e.round(e.lease(c, "node-a"), 2*time.Second, a, tr)
	ra.beforeSwap = func() { close(parked); <-release }
	type result struct {
		res *RoundResult
		err error
	}
	aDone := make(chan result, 1)
	go func() { res, err := RunExportRound(context.Background(), ra); aDone <- result{res, err} }()
	<-parked

	b.waitStored(e.putN("route.post", 8))
	c.advance(3 * time.Second) // node-a's lease lapses
	resB, err := RunExportRound(tctx(t), e.round(e.lease(c, "node-b"), time.Minute, b, tr))
	if err != nil || resB == nil || resB.Outcome.Status != Published {
		t.Fatalf("node-b's round: %+v, %v; want Published", resB, err)
	}
	close(release)
	ar := <-aDone
	if ar.err != nil || ar.res == nil {
		t.Fatalf("node-a's round: %+v, %v; want a superseded success", ar.res, ar.err)
	}
	revA, _ := ar.res.Manifest.Cursor.Uint64()
	revB, _ := resB.Manifest.Cursor.Uint64()
	if ar.res.Outcome.Status != SupersededByNewer || ar.res.Outcome.Remote != resB.Manifest.Cursor || revA >= revB {
		t.Fatalf("node-a at %d got %+v; want SupersededByNewer by node-b's %d", revA, ar.res.Outcome, revB)
	}
	if got := pointerCursorAt(t, tr, e.liveKey("fold")); got != resB.Manifest.Cursor || resB.PointerKey != e.liveKey("fold") {
		t.Fatalf("pointer at %v, want node-b's %v", got, resB.Manifest.Cursor)
	}
	rec, ok, err := e.lease(c, "x").Current(tctx(t))
	done, _, _ := rec.Completed()
	if err != nil || !ok || rec.Holder != "node-b" || done != resB.Manifest.Cursor {
		t.Fatalf("lease record %+v (%v, %v); want node-b's, completed at %v", rec, ok, err, resB.Manifest.Cursor)
	}
	fold, cur := importFold(t, tr, e.liveKey("fold"))
	if cur != resB.Manifest.Cursor || len(fold) != 13 {
		t.Fatalf("bootstrap got %d keys at %v, want node-b's 13 at %v", len(fold), cur, resB.Manifest.Cursor)
	}
	assertEmpty(t, e.scratch)
}

// Two rounds racing on one node: the lease lets exactly one export; it publishes the applied
// cursor, records it in the lease, and leaves no scratch behind.
func TestRoundUploadsOnceAndCleansUp(t *testing.T) {
	e := newEnv(t)
	tr := e.nats()
	n := e.startNode(filepath.Join(t.TempDir(), "a.log"))
	head := e.putN("k", 4)
	n.waitStored(head)
	var wg sync.WaitGroup
	results := make(chan *RoundResult, 2)
	for _, holder := range []string{"node-a", "node-b"} {
		wg.Go(func() {
			res, err := RunExportRound(tctx(t), e.round(e.lease(nil, holder), time.Minute, n, tr))
			if err != nil {
				t.Error(err)
			}
			results <- res
		})
	}
	wg.Wait()
	close(results)
	var won []*RoundResult
	for r := range results {
		if r != nil {
			won = append(won, r)
		}
	}
	if len(won) != 1 {
		t.Fatalf("%d rounds exported, want exactly 1", len(won))
	}
	ptr := pointerCursorAt(t, tr, e.liveKey("fold"))
	if won[0].Manifest.Cursor != kv.CursorFromUint64(head) || ptr != won[0].Manifest.Cursor {
		t.Fatalf("round exported %v, pointer %v; want both at %d", won[0].Manifest.Cursor, ptr, head)
	}
	rec, _, err := e.lease(nil, "x").Current(tctx(t))
	if done, ok, _ := rec.Completed(); err != nil || !ok || done != won[0].Manifest.Cursor {
		t.Fatalf("lease record %+v, %v: want the completed cursor", rec, err)
	}
	assertEmpty(t, e.scratch)
}

// failingUpload is a transport whose payload upload always fails.
type failingUpload struct{ *Remote }

var errInjected = errors.New("injected upload failure")

func (failingUpload) UploadPayload(context.Context, string, string) ([]byte, error) {
	return nil, errInjected
}

// A failed upload fails the round, abandons the lease (an immediate retry wins it) and leaves
// no scratch behind; so does a live loop that is gone.
func TestFailedRoundAbandonsTheLease(t *testing.T) {
	e := newEnv(t)
	tr := e.nats()
	c := &clock{}
	n := e.startNode(filepath.Join(t.TempDir(), "a.log"))
	n.waitStored(e.putN("k", 3))
	_, err := RunExportRound(tctx(t), e.round(e.lease(c, "node-a"), 10*time.Minute, n, failingUpload{tr}))
	if !errors.Is(err, errInjected) {
		t.Fatalf("round with a failing upload: %v, want the upload's error", err)
	}
	assertEmpty(t, e.scratch)
	res, err := RunExportRound(tctx(t), e.round(e.lease(c, "node-a"), 10*time.Minute, n, tr))
	if err != nil || res == nil || res.Outcome.Status != Published {
		t.Fatalf("retry after an abandoned round: %+v, %v; want it to win and publish", res, err)
	}

	n.stop()
	c.advance(11 * time.Minute) // the completed round's lease lapses
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if _, err := RunExportRound(ctx, e.round(e.lease(c, "node-c"), 10*time.Minute, n, tr)); !errors.Is(err, ErrLoopGone) {
		t.Fatalf("round against a stopped loop: %v, want ErrLoopGone", err)
	}
	if g, err := e.lease(c, "node-d").TryAcquire(tctx(t), time.Minute); err != nil || g == nil {
		t.Fatalf("acquire after the dead-loop round: %v, %v; want the abandoned lease", g, err)
	}
	assertEmpty(t, e.scratch)
}
