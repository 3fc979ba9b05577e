package protocol

// This file holds the stall detector of every watch (impl/natsstore): the decision that turns a
// consumer which keeps answering heartbeats but has stopped delivering — a paused consumer, or
// one left behind its stream when a replica rebuilt its state — into a failed watch that the
// caller restarts from its cursor, instead of a fold that stays silently behind its bucket.
// Invariant carried: "a watch that makes no progress while the stream holds newer updates in its
// scope does not stay silent for longer than the stall window". Model-checked by
// model/watchstall: a stall is declared only after a full window behind with nothing received
// (NoFalseStall), and always within a window plus two probe periods of falling behind
// (StallDetected).

// StallStreak is the stall detector's memory between probes: whether the previous probes saw
// the stream holding an update in scope that the watch had not received, since when, and how
// many messages the watch had received then. The zero value is "no evidence".
type StallStreak struct {
	open     bool
	since    int64  // the time of the first probe of the streak
	received uint64 // the watch's receipt count at that probe
}

// Open reports whether the streak holds evidence, and since when.
func (s StallStreak) Open() (since int64, open bool) { return s.since, s.open }

// WatchStall returns the streak after a probe at time now, and whether the watch has stalled.
// behind is the probe's finding that the stream holds an update in the watch's scope after the
// last revision the watch received (read from the stream, never from the watch's own consumer,
// which is the party under suspicion); received counts (or numbers) the messages the watch has
// received so far; window is how long the evidence must stand with nothing received.
//
//   - Not behind: the watch has everything in scope (a quiet bucket, a caught-up watch); the
//     streak closes and nothing is stalled.
//   - Behind with no open streak, or with messages received since the streak opened (a slow
//     consumer making progress): a new streak opens at now; nothing is stalled yet.
//   - Behind, nothing received since the streak opened: stalled once now - since >= window.
//     A clock behind the streak's start is not: no time has passed by that clock.
//
// So a watch is declared stalled only on two probes at least window apart that both found it
// behind, with no message received in between. Times are in one unit (nanoseconds in
// production).
func WatchStall(streak StallStreak, behind bool, received uint64, now, window int64) (StallStreak, bool) {
	if !behind {
		return StallStreak{}, false
	}
	if !streak.open || streak.received != received {
		return StallStreak{open: true, since: now, received: received}, false
	}
	return streak, now > streak.since && now-streak.since >= window
}
