package protocol

// ResumeAllowed reports whether a watch may resume after cursor (the last revision already
// applied) on a stream whose first retained sequence is firstSequence and whose retention is r:
// when the window check holds (ResumeWindowOK), or when no setting of r can remove a key's
// latest record (FloorGuardRequired is false), even with the first sequence past cursor+1.
//
// On a stream without limits (a default history-1 bucket: limits retention, no MaxAge, TTLs,
// markers or schedules, no MaxMsgs or MaxBytes that evict) the first sequence moves only because a newer
// record of the same key superseded the oldest one. Every record removed between the cursor and
// the first sequence then has a newer record of its key, and each key's latest record is never
// removed, so it is at or after the first sequence: the resumed watch delivers it, and a
// last-write-wins fold ends equal to the bucket without the key-diff resync an expired cursor
// takes. On a stream with a limit, a removed record may be its key's latest (a delete marker
// among them) and the window check alone decides.
//
// Invariant carried: "every maximal run ends with the fold equal to the bucket" (model
// floorguard, extension Resume: configurations LiveFloorGuard_ResumeSupersessionOnly, which
// resumes behind the first sequence with no resync, and LiveFloorGuard_ResumeLimits, which
// refuses and resyncs; the mutation LiveFloorGuard_MutResumeBehindWithLimits resumes behind the
// first sequence on a stream with a limit and is caught). The same argument lets the live
// floor guard skip its trip (FloorGuardRequired). A cursor beyond the stream's last sequence
// is a different case (a re-created or wiped bucket) that callers refuse on their own.
func ResumeAllowed(cursor, firstSequence uint64, r StreamRetention) bool {
	return ResumeWindowOK(cursor, firstSequence) || !FloorGuardRequired(r)
}
