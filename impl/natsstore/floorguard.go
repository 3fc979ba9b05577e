package natsstore

import (
	"context"
	"fmt"
	"time"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/protocol"
)

// ErrFloorGuardTripped is the cause of the kv.ErrWatch a watch returns when stream retention
// evicted updates after its frontier before it delivered them (delete markers may be among
// them). Match it with errors.Is; it also matches kv.ErrWatchOverrun, which is what
// backend-agnostic callers (applied.Run resyncs on it) look for.
var ErrFloorGuardTripped error = overrunError("stream retention overran live watch")

// overrunError is a message that matches kv.ErrWatchOverrun.
type overrunError string

func (o overrunError) Error() string      { return string(o) }
func (overrunError) Is(target error) bool { return target == kv.ErrWatchOverrun }

// floorGuard is the live retention floor guard every watch runs (NATS.md, "Floor guard"):
// JetStream silently skips messages that retention evicts before a consumer delivers them,
// delete markers included. Before an entry that skips revisions is forwarded, the guard reads
// the stream's first sequence; if it passed the frontier + 1, something after the frontier was
// evicted unseen and the watch fails. On a filtered scope and in a state-sync snapshot most
// entries skip revisions (other keys, superseded records), so one probe, read after every
// entry already received, admits them all; and the frontier moves past revisions the watch
// never delivers only on a caught-up proof (the consumer, asked after the previous probe,
// has nothing pending and has sent nothing we have not received). On a stream where no
// setting can remove a key's latest record (no MaxAge, TTLs, schedules, MaxMsgs or MaxBytes
// under discard-old, limits retention: a bucket with only a history, or a default bucket whose
// cap under discard-new refuses writes) every eviction is a supersession whose newer
// record the watch still delivers, so the guard does not trip there; it still probes, for the
// caught-up proofs and the stall detector. The decisions are the kernels in
// protocol/floorguard.go and protocol/floorguardretention.go; this type only does the I/O.
type floorGuard struct {
	frontier uint64 // protocol.FloorGuardStart, then FloorGuardFrontier / FloorGuardAdvance
	last     uint64 // the stream's last sequence read by the previous probe (0: none yet)
	received uint64 // the consumer sequence of the last message received
	// limits: a setting of the stream, read when the watch started or by any probe since, can
	// remove a key's latest record (protocol.FloorGuardRequired); only then may a probe trip.
	// Latched: a limit the watch has seen keeps the guard on for the watch's life.
	limits bool
	// probe reads the stream's first and last sequence and whether its configuration, in the
	// same reply, has such a limit, fresh.
	probe func(context.Context) (first, last uint64, limits bool, err error)
	// consumer reads the consumer's pending count and the consumer sequence it last sent.
	consumer func(context.Context) (pending, sent uint64, err error)
	every    time.Duration                      // backstop period
	due      time.Time                          // when the next backstop probe is due
	fail     func(first, frontier uint64) error // the error a trip returns
	probeErr func(err error) error              // wraps a failed probe
	now      func() time.Time                   // clock (time.Now)
	// caughtUp, if set, receives caughtAt from reportCaughtUp (kv.CaughtUpWatcher).
	caughtUp func(at time.Time)
	// caughtAt is the time read before the last probe that proved the watch caught up (the
	// consumer had nothing pending and had sent nothing unreceived, or the frontier reached the
	// stream's last sequence); zero once reported.
	caughtAt time.Time
	// stall notices a consumer that stopped delivering; the backstop probe runs it.
	stall stallDetector
}

// newFloorGuard returns a guard whose frontier is protocol.FloorGuardStart(cursor, start, 0):
// the resume cursor, or for a state-sync watch (cursor 0) one below start, the first sequence
// its consumer's snapshot can hold. limits is what the stream's configuration said when the
// watch started (streamProbe); consumer reads the watch consumer's state.
func (s *Store) newFloorGuard(cursor, start uint64, limits bool, consumer func(context.Context) (uint64, uint64, error)) *floorGuard {
	g := &floorGuard{
		frontier: protocol.FloorGuardStart(cursor, start, 0),
		limits:   limits,
		probe:    s.streamProbe,
		consumer: consumer,
		every:    s.conn.floorGuardInterval(),
		now:      time.Now,
		fail: func(first, frontier uint64) error {
			s.conn.logger().Warn("natsstore: floor guard tripped", "stream", s.stream, "first_seq", first, "frontier", frontier)
			return kv.NewError("watch", "", kv.ErrWatch,
				fmt.Errorf("%w: stream %s first sequence is %d, frontier is %d", ErrFloorGuardTripped, s.stream, first, frontier)).
				WithHint(hintOverrun)
		},
		probeErr: func(err error) error {
			return watchFail(fmt.Errorf("floor guard stream lookup: %w", err))
		},
	}
	g.due = g.now().Add(g.every)
	return g
}

// needsProbe reports whether the entry with revision rev may be forwarded only after a probe
// read once it was received (protocol.FloorGuardProbeNeeded).
func (g *floorGuard) needsProbe(rev uint64) bool {
	return protocol.FloorGuardProbeNeeded(g.frontier, rev)
}

// delivered records that rev was forwarded.
func (g *floorGuard) delivered(rev uint64) {
	g.frontier = protocol.FloorGuardFrontier(g.frontier, rev)
}

// backstop runs the periodic probe if it is due, and then the stall detector on the stream's
// last sequence the probe read.
func (g *floorGuard) backstop(ctx context.Context) error {
	if g.now().Before(g.due) {
		return nil
	}
	if err := g.check(ctx, true); err != nil {
		return err
	}
	return g.stall.probe(ctx, g.now(), g.last)
}

// check is one probe: when the previous probe's last sequence lies beyond the frontier it
// first asks the consumer whether it is caught up, then reads the stream's first and last
// sequence, fails the watch if the first passed the frontier + 1 (protocol.FloorGuardTrips) on
// a stream that has ever shown a limit (protocol.FloorGuardRequired), and otherwise advances the frontier on the proof (protocol.FloorGuardAdvance). The order —
// last sequence, then the consumer, then the first sequence — is what makes the advance sound.
// Every entry received before check admits is covered by it. ask false skips the consumer
// (no advance this time, which is always sound): the caller knows it is behind.
func (g *floorGuard) check(ctx context.Context, ask bool) error {
	asked := g.now()
	caught := false
	if ask && g.last > g.frontier && g.consumer != nil {
		pending, sent, err := g.consumer(ctx)
		if err != nil {
			g.due = g.now().Add(g.every)
			return g.probeErr(err)
		}
		caught = pending == 0 && sent == g.received
	}
	first, last, limits, err := g.probe(ctx)
	g.due = g.now().Add(g.every)
	if err != nil {
		return g.probeErr(err)
	}
	g.limits = g.limits || limits
	if g.limits && protocol.FloorGuardTrips(g.frontier, first) {
		return g.fail(first, g.frontier)
	}
	g.frontier = protocol.FloorGuardAdvance(g.frontier, g.last, caught)
	if caught || g.frontier >= last {
		g.caughtAt = asked
	}
	g.last = last
	return nil
}

// reportCaughtUp hands the pending caught-up proof to caughtUp. The pump calls it only when it
// holds nothing received and unforwarded, so every update the stream stored before caughtAt
// has been sent.
func (g *floorGuard) reportCaughtUp() {
	if g.caughtUp == nil || g.caughtAt.IsZero() {
		return
	}
	at := g.caughtAt
	g.caughtAt = time.Time{}
	g.caughtUp(at)
}
