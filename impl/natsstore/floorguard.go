package natsstore

import (
	"cmp"
	"context"
	"fmt"
	"time"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/protocol"
)

// floorGuardBackstop is the period of the live floor guard's backstop probe, which catches
// retention overrunning an idle watch (nothing delivered, so no gap to see). Detection of a
// gapped delivery does not wait for it: that probe runs in-band, before the entry is forwarded.
const floorGuardBackstop = 30 * time.Second

// tripText is the text of the error a tripped floor guard returns (tests and operators match it).
const tripText = "stream retention overran live watch"

// floorGuard is the live retention floor guard of the All-scope resume watch (NATS.md, "Floor
// guard"): JetStream silently skips messages that retention evicts before a live consumer
// reaches them, delete markers included, so a gap in the (dense, unfiltered) revision sequence
// is probed against the stream's first sequence before the gapped entry is forwarded. The
// decisions are the kernels in protocol/floorguard.go; this type only does the I/O.
//
// Prefix-scoped watches get no guard: their revisions are sparse (other keys' writes fall
// between them), so every gap would look like eviction. Their eviction is caught by the resume
// check of the next restart.
type floorGuard struct {
	frontier uint64                                // the largest revision delivered (initially the cursor)
	probe    func(context.Context) (uint64, error) // reads the stream's first sequence, fresh
	every    time.Duration                         // backstop period
	due      time.Time                             // when the next backstop probe is due
	fail     func(first, frontier uint64) error    // the error a trip returns
	probeErr func(err error) error                 // wraps a failed probe
	now      func() time.Time                      // clock (time.Now)
}

// newFloorGuard returns a guard whose frontier is the resume cursor.
func (s *Store) newFloorGuard(cursor uint64) *floorGuard {
	g := &floorGuard{
		frontier: cursor,
		probe:    s.firstSequence,
		every:    cmp.Or(s.hooks.floorGuardBackstop, floorGuardBackstop),
		now:      time.Now,
		fail: func(first, frontier uint64) error {
			return kv.NewError("watch", "", kv.ErrWatch,
				fmt.Errorf("%s: stream %s first sequence is %d, frontier is %d", tripText, s.stream, first, frontier)).
				WithHint(hintOverrun)
		},
		probeErr: func(err error) error {
			return watchFail(fmt.Errorf("floor guard stream lookup: %w", err))
		},
	}
	g.due = g.now().Add(g.every)
	return g
}

// admit runs before the entry with revision rev is forwarded: when rev skips revisions after the
// frontier (protocol.FloorGuardProbeNeeded) it probes the first sequence and fails the watch if
// the skipped revisions may have been evicted (protocol.FloorGuardTrips). A benign interior gap
// (older revisions of overwritten keys) passes.
func (g *floorGuard) admit(ctx context.Context, rev uint64) error {
	if !protocol.FloorGuardProbeNeeded(g.frontier, rev) {
		return nil
	}
	return g.check(ctx)
}

// delivered records that rev was forwarded.
func (g *floorGuard) delivered(rev uint64) {
	g.frontier = protocol.FloorGuardFrontier(g.frontier, rev)
}

// wait returns how long the watch may block before the backstop probe is due.
func (g *floorGuard) wait() time.Duration {
	return max(g.due.Sub(g.now()), time.Millisecond)
}

// backstop runs the periodic probe if it is due.
func (g *floorGuard) backstop(ctx context.Context) error {
	if g.now().Before(g.due) {
		return nil
	}
	return g.check(ctx)
}

// check probes the first sequence and applies the trip rule to the frontier.
func (g *floorGuard) check(ctx context.Context) error {
	first, err := g.probe(ctx)
	g.due = g.now().Add(g.every)
	if err != nil {
		return g.probeErr(err)
	}
	if protocol.FloorGuardTrips(g.frontier, first) {
		return g.fail(first, g.frontier)
	}
	return nil
}
