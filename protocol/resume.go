package protocol

import "math"

// ResumeWindowOK reports whether a watch may resume after revision (the cursor: the last
// revision already applied) on a stream whose first retained sequence is firstSequence.
//
// A resume reads revision+1 onward, so it is sound exactly when head eviction has not moved the
// first retained sequence past revision+1: firstSequence <= revision+1, with the addition
// saturating at the maximum uint64. Interior evictions (a key's older revisions replaced by
// newer ones) are harmless for a last-write-wins fold; only head eviction can lose a delete
// marker, and only head eviction moves firstSequence.
//
// This is the one full explanation of the window check; other documents point here. NATS does
// not report an expired cursor: a consumer whose start sequence is below the first retained
// message silently starts at that message instead, skipping whatever was evicted, delete
// markers included, and a fold resumed that way diverges from the bucket without any error.
// So a resume checks the window itself, twice: before creating the consumer (to refuse early)
// and again after it exists, because retention may evict the head between the first check and
// the consumer's creation, and the server would clamp that start silently too. When either
// check refuses, the watch returns kv.ErrCursorExpired and the caller resyncs from the zero
// cursor (in production: impl/natsstore's Store.Watch; in the models: the exportimport action
// Resume, whose mutation SilentClamp skips the check and is caught).
//
// Production's resume check is ResumeAllowed, which is this window check on every stream with a
// setting that can remove a key's latest record, and also accepts a cursor behind the first
// sequence on a stream where only supersession removes records (no resync is needed there).
//
// Invariant carried: "bootstrap never silently diverges" (model exportimport, Resume), the
// resume check on a stream with a limit (ResumeAllowed, model floorguard, extension Resume) and
// the live floor guard's trip condition (model floorguard). An empty stream reports
// firstSequence 0, which is always within the window.
func ResumeWindowOK(revision, firstSequence uint64) bool {
	next := revision
	if next < math.MaxUint64 {
		next++
	}
	return firstSequence <= next
}

// ResumeStartSequence returns the first stream sequence a resume after revision must read
// (revision+1), and ok=false when revision is the maximum uint64. Callers must fail the watch
// when ok is false: wrapping to 0 would replay the whole bucket as if it were new.
//
// Every resume start in the project is computed here, so no call site spells revision+1 itself
// (a source test in impl/natsstore checks this).
func ResumeStartSequence(revision uint64) (start uint64, ok bool) {
	if revision == math.MaxUint64 {
		return 0, false
	}
	return revision + 1, true
}
