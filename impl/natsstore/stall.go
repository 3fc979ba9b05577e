package natsstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/protocol"
)

// watchStallAfter is how long a watch may receive nothing while the stream holds an update in
// its scope that the watch has not received, before it is declared stalled (NATS.md, "Stalled
// consumer"): two heartbeat periods, the time a consumer that vanished outright goes unnoticed.
// A healthy consumer delivers a stored update within milliseconds, and one that delivers slowly
// receives something in between and is never declared stalled.
const watchStallAfter = 2 * watchHeartbeat

// ErrWatchStalled is the cause of the kv.ErrWatch a watch returns when its consumer kept
// answering heartbeats but stopped delivering: for at least two heartbeat periods the stream
// held an update in the watch's scope after the last one it received, and nothing arrived.
// Match it with errors.Is. The restart from the cursor creates a new consumer, which delivers.
var ErrWatchStalled = errors.New("watch consumer stopped delivering")

// stallDetector is the part of a watch's floor guard that notices a consumer which stopped
// delivering while its heartbeats keep the pull alive (a paused consumer, or one left behind
// its stream by a replica that rebuilt its state). On each backstop probe that finds the
// stream's last sequence beyond the last revision received, it asks the stream leader for the
// last record in the watch's scope; the decision is protocol.WatchStall.
type stallDetector struct {
	seen     uint64 // the largest revision received (the watch's start before any)
	arrivals uint64 // messages received, tracked or not
	streak   protocol.StallStreak
	window   time.Duration
	// inScope reads the sequence of the last record the stream holds in the watch's scope
	// (0: none), from the stream leader.
	inScope func(context.Context) (uint64, error)
	// stalled is the error a stall returns; since is when the evidence was first seen.
	stalled func(since time.Time, seen, inScope uint64) error
}

// newStallDetector watches for a stall of a watch on filters whose start (its cursor, or one
// below its snapshot) is start.
func (s *Store) newStallDetector(start uint64, filters []string) stallDetector {
	window := watchStallAfter
	if s.hooks.watchStallAfter > 0 {
		window = s.hooks.watchStallAfter
	}
	return stallDetector{
		seen:   start,
		window: window,
		inScope: func(ctx context.Context) (uint64, error) {
			ctx, cancel := context.WithTimeout(ctx, s.conn.timeout())
			defer cancel()
			var last uint64
			for _, f := range filters {
				rec, found, err := s.lastOn(ctx, f)
				if err != nil {
					return 0, err
				}
				if found {
					last = max(last, rec.seq)
				}
			}
			return last, nil
		},
		stalled: func(since time.Time, seen, inScope uint64) error {
			if s.stalls != nil {
				s.stalls.Add(1)
			}
			s.conn.logger().Warn("natsstore: watch stalled; ending it so that it resumes from its cursor",
				"stream", s.stream, "received_up_to", seen, "in_scope_last", inScope, "behind_since", since)
			return kv.NewError("watch", "", kv.ErrWatch, fmt.Errorf(
				"%w: stream %s holds sequence %d in scope, the watch received up to %d and nothing since %s",
				ErrWatchStalled, s.stream, inScope, seen, since.Format(time.RFC3339))).WithHint(hintResume)
		},
	}
}

// arrived records a received message; rev is its revision when tracked.
func (d *stallDetector) arrived(rev uint64, tracked bool) {
	d.arrivals++
	if tracked {
		d.seen = max(d.seen, rev)
	}
}

// probe runs at a backstop probe at time now, after the guard read the stream's last sequence
// last: an error wrapping ErrWatchStalled if the watch stalled. A stream whose last sequence
// the watch has received needs no request; a failed request leaves the evidence unchanged.
func (d *stallDetector) probe(ctx context.Context, now time.Time, last uint64) error {
	if d.inScope == nil {
		return nil
	}
	var inScope uint64
	if last > d.seen {
		var err error
		if inScope, err = d.inScope(ctx); err != nil {
			return nil // the next probe asks again; a failing stream fails the guard's own probe
		}
	}
	var stalled bool
	d.streak, stalled = protocol.WatchStall(d.streak, inScope > d.seen, d.arrivals, now.UnixNano(), int64(d.window))
	if !stalled {
		return nil
	}
	since, _ := d.streak.Open()
	return d.stalled(time.Unix(0, since), d.seen, inScope)
}
