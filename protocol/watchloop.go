package protocol

// This file holds the decision kernels of the cursor-after-apply watch loop (impl/applied.Run):
// which position a flush may claim, and what a failed store apply does to the loop. The
// invariant they carry together is "a persisted cursor C implies every update with revision
// <= C is in the store and has been applied" (model applied, TLA+ AppliedCursor).

// BatchHigh returns the batch high-water mark after the loop receives an update whose version
// token is version, given the mark high before it (both tokens: a version is the stream
// sequence as 8 big-endian bytes, and a zero-length token is the unknown version; a
// zero-length high is "no position yet in this batch").
//
// A known version replaces the mark: the mark is the last version received, not the largest,
// because the watch delivers in stream order. An unknown version (a resync's synthetic delete,
// an update whose acknowledgement could not be parsed) returns high unchanged: it neither mints
// a position nor clobbers the one already received. The flush claims the mark as the new cursor
// only when it is non-empty.
//
// The returned slice is one of the arguments, not a copy; callers that keep it beyond the
// lifetime of the update's buffer copy it.
//
// Invariant carried: the flushed cursor is the position of the last positioned update in the
// batch, so the store cursor keeps up with its data (model applied, extension UnknownVersions:
// "quiescence implies the store is at the head", violated by AppliedCursor_MutBatchHighOnUnknown).
func BatchHigh(high, version []byte) []byte {
	if len(version) == 0 {
		return high
	}
	return version
}

// MaxStoreApplyFailures is the number of consecutive failed store applies that stops the watch
// loop: 15 in a row are tolerated (each failed batch is re-queued), the 16th is fatal.
const MaxStoreApplyFailures = 16

// StoreFailure returns the consecutive-failure streak after a store apply whose outcome is
// failed, given the streak before it, and whether the loop must now stop (fail-stop).
//
// A success resets the streak to 0 and never stops the loop. A failure increments it (the count
// saturates instead of wrapping) and stops the loop exactly when it reaches
// MaxStoreApplyFailures. A stopped loop returns an error; its restart refolds from the store's
// own cursor, which a failed apply never moved.
//
// Invariant carried: a store that keeps failing ends the watch by its 16th consecutive failure
// and no earlier (model applied, extension FailStop: "the 16th consecutive failed store apply,
// and only it, stops the watch").
func StoreFailure(streak uint, failed bool) (next uint, fatal bool) {
	if !failed {
		return 0, false
	}
	if streak < ^uint(0) {
		streak++
	}
	return streak, streak >= MaxStoreApplyFailures
}

// Requeue returns the pending batch after a failed store apply: the failed batch first, then
// the updates received since (newer), each in its original order. The result is a fresh slice;
// neither argument is modified or aliased.
//
// Keeping the failed updates in front means the next successful apply commits them together
// with the newer ones under the newer cursor (a cumulative commit), so the store's cursor never
// passes an update the store does not hold.
//
// Invariant carried: "the store's contents are always complete up to its cursor" (model
// applied; dropping the failed batch instead is the mutation AppliedCursor_MutDropFailedBatch).
func Requeue[T any](failed, newer []T) []T {
	out := make([]T, 0, len(failed)+len(newer))
	out = append(out, failed...)
	return append(out, newer...)
}

// WatchRestartAfter returns the position an in-place restart of a failed watch resumes after:
// forwarded, the version token of the last positioned update the watch (and the restarts
// before it, since the last resync) handed to the loop, or start, the position that chain of
// watches began after, when it handed over none. Both are version tokens as in BatchHigh; a
// zero-length result is a state-sync watch from scratch.
//
// Everything handed to the loop is folded before anything the restarted watch delivers (the
// loop takes its queue first), or the loop fails and a restart from the store refolds it. So
// the restarted watch continues exactly where the loop's input stopped: nothing is delivered
// twice and nothing is skipped. An update the failed watch had received from the server but not
// yet handed over is not in the loop, and resuming after it would skip it for good; the same
// holds for any position past forwarded. A state-sync watch's snapshot phase delivers each
// key's last record in stream order too, so the same position is sound mid-snapshot: every
// record at or below it that is still current was delivered, and every one above it comes from
// the restarted watch (or, if retention evicted some, the resume check refuses the position and
// the loop resyncs; where only supersession evicts, it accepts it, each evicted record's newer
// one still to come).
//
// Invariant carried: "the store's contents are always complete up to its cursor" across
// in-place watch restarts (model applied, extension WatchRestart; resuming one revision past
// the frontier is the mutation AppliedCursor_MutRestartPastFrontier).
func WatchRestartAfter(start, forwarded []byte) []byte {
	if len(forwarded) == 0 {
		return start
	}
	return forwarded
}
