package protocol

import "math"

// This file holds the live retention floor guard of the All-scope resume watch (impl/natsstore):
// the decisions that turn a live consumer being overrun by stream retention — which JetStream
// does silently, skipping evicted messages, delete markers included — into a failed watch whose
// restart resyncs the fold. Invariant carried: "retention overrunning a live All-scope watch
// fails the watch" (model floorguard, TLA+ LiveFloorGuard, property "every maximal
// run ends with the fold equal to the bucket").

// FloorGuardProbeNeeded reports whether the delivery of revision rev, on a watch whose frontier
// (the largest revision already delivered, initially the resume cursor) is frontier, must be
// preceded by a probe of the stream's first sequence: exactly when rev skips at least one
// revision, rev > frontier+1, with the addition saturating at the maximum uint64.
//
// The probe must happen before the entry is forwarded. A later or periodic-only probe is not
// enough: further deliveries move the frontier past the gap and erase the evidence (model
// floorguard, mutations LiveFloorGuard_MutPeriodicOnly and LiveFloorGuard_MutProbeGapOfTwo).
//
// The guard is sound only on the unfiltered All-scope stream, where revisions are dense: a
// prefix-filtered watch sees gaps that are not evictions, so it gets no live guard.
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
