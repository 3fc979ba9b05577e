package floorguard

import "github.com/slipstream-go/slipstream/protocol"

// MutProbeGapOfTwo is a broken probe condition: it probes only when at least two revisions are
// skipped (rev > frontier+2), so a single evicted revision — possibly the delete marker —
// passes unseen. The shipped model must reach a terminal state whose fold differs from the
// bucket.
func MutProbeGapOfTwo(frontier, rev uint64) bool { return rev > frontier+2 }

// MutTripsLate is a broken trip condition that tolerates one evicted revision:
// !ResumeWindowOK(frontier+1, first). The shipped model must reach a permanent divergence.
func MutTripsLate(frontier, firstSequence uint64) bool {
	return !protocol.ResumeWindowOK(frontier+1, firstSequence)
}

// MutFrontierOvershoot is a broken frontier update that claims one revision more than was
// delivered (max(frontier, rev)+1), so the next delivery's gap check and the trip check both
// measure from a revision the fold never saw. The shipped model must reach a permanent
// divergence.
func MutFrontierOvershoot(frontier, rev uint64) uint64 { return max(frontier, rev) + 1 }

// MutStartAtLast is a broken initial frontier for a state-sync watch: the stream's last
// sequence at consumer creation, as if only the live phase needed the guard. A snapshot entry
// evicted before it is delivered — a delete marker among them — then never trips the guard.
func MutStartAtLast(cursor, firstBefore, last uint64) uint64 {
	if cursor != 0 {
		return cursor
	}
	return last
}

// MutAdvanceWithoutProof is a broken frontier advance that moves to the last probe's last
// sequence whether or not the consumer was seen caught up, so it claims revisions still
// pending; if retention then evicts them, no probe sees it.
func MutAdvanceWithoutProof(frontier, last uint64, caughtUp bool) uint64 {
	return max(frontier, last)
}

// MutRequiredNever is a broken FloorGuardRequired that skips the trip on every stream, limits
// included: a limit that evicts the sentinel's delete marker unseen then never fails the watch.
func MutRequiredNever(protocol.StreamRetention) bool { return false }

// MutResumeIgnoresRetention is a broken ResumeAllowed that judges every stream as one without
// limits, so it accepts a cursor behind the first sequence on a stream with a limit too: a
// delete marker the limit evicted while the watch was stopped is then skipped silently.
func MutResumeIgnoresRetention(cursor, firstSequence uint64, _ protocol.StreamRetention) bool {
	return protocol.ResumeAllowed(cursor, firstSequence, protocol.StreamRetention{})
}
