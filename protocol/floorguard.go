package protocol

import "math"

// This file holds the live retention floor guard of every watch (impl/natsstore): the decisions
// that turn a consumer being overrun by stream retention — which JetStream does silently,
// skipping evicted messages, delete markers included — into a failed watch whose restart
// resyncs the fold. It covers every scope (the unfiltered stream and prefix-filtered ones) and
// both phases of a state-sync watch (its last-per-key snapshot and the live updates after it).
// Invariant carried: "retention overrunning a watch fails the watch" (model floorguard, TLA+
// LiveFloorGuard, property "every maximal run ends with the fold equal to the bucket").

// FloorGuardProbeNeeded reports whether the delivery of revision rev, on a watch whose frontier
// (the largest revision already delivered, initially the resume cursor) is frontier, must be
// preceded by a probe of the stream's first sequence: exactly when rev skips at least one
// revision, rev > frontier+1, with the addition saturating at the maximum uint64.
//
// The probe must happen before the entry is forwarded. A later or periodic-only probe is not
// enough: further deliveries move the frontier past the gap and erase the evidence (model
// floorguard, mutations LiveFloorGuard_MutPeriodicOnly and LiveFloorGuard_MutProbeGapOfTwo).
//
// On a filtered scope or in a snapshot most deliveries skip revisions (other keys' writes,
// superseded records), so most of them need a probe; one probe read after several entries were
// received admits them all, which is how the watch keeps the cost down (impl/natsstore).
func FloorGuardProbeNeeded(frontier, rev uint64) bool {
	next := frontier
	if next < math.MaxUint64 {
		next++
	}
	return rev > next
}

// FloorGuardTrips reports whether a probe that read firstSequence as the stream's first
// retained sequence must fail the watch whose frontier is frontier: exactly when resuming after
// the frontier would no longer be sound, !ResumeWindowOK(frontier, firstSequence) — some
// revision after the frontier has been evicted unseen and may have been a delete marker.
//
// The same condition is evaluated on the backstop timer when nothing is delivered. A tripped
// watch returns an error; the restart resumes from the fold's cursor, gets kv.ErrCursorExpired
// and resyncs (model floorguard: the GuardRepair action; mutation LiveFloorGuard_MutTripsLate).
func FloorGuardTrips(frontier, firstSequence uint64) bool {
	return !ResumeWindowOK(frontier, firstSequence)
}

// FloorGuardFrontier returns the frontier after revision rev is delivered: the larger of the
// two, so a re-delivered or out-of-order revision never moves it back.
//
// Invariant carried: the frontier is the largest revision the fold has seen, so
// FloorGuardTrips compares retention with exactly what was delivered (model floorguard;
// mutation LiveFloorGuard_MutFrontierOvershoot claims one revision more and is caught).
func FloorGuardFrontier(frontier, rev uint64) uint64 {
	return max(frontier, rev)
}

// FloorGuardStart returns a watch's initial frontier. A resumed watch (cursor > 0) starts at its
// cursor. A state-sync watch (cursor 0) starts one below firstBefore, the stream's first
// sequence read before its consumer was created (saturating at 0): what retention removed
// before that is not part of the snapshot, and any snapshot entry it removes later lies at or
// above firstBefore, so FloorGuardTrips sees it. last, the stream's last sequence at creation,
// is not used: starting there would leave the snapshot phase unguarded (model floorguard,
// mutation LiveFloorGuard_MutSnapshotUnguarded).
func FloorGuardStart(cursor, firstBefore, last uint64) uint64 {
	if cursor != 0 {
		return cursor
	}
	if firstBefore == 0 {
		return 0
	}
	return firstBefore - 1
}

// FloorGuardAdvance returns the frontier after a probe that did not trip, given last, the
// stream's last sequence read by the previous probe, and caughtUp, whether the consumer was
// seen caught up after that previous probe and before this one (nothing pending in scope, and
// every message it had sent received). Only with that proof may the frontier move past
// revisions the watch never delivered: every in-scope revision up to last was then delivered
// or evicted, and this probe, which did not trip against the old frontier, rules out eviction.
// That is what keeps a filtered or state-sync watch from tripping on retention of revisions
// outside its scope or superseded before its snapshot. Without the proof the frontier is
// unchanged (mutation LiveFloorGuard_MutAdvanceWithoutProof advances anyway and is caught).
func FloorGuardAdvance(frontier, last uint64, caughtUp bool) uint64 {
	if !caughtUp {
		return frontier
	}
	return max(frontier, last)
}
