package protocol

// ResumeFacts is what a watch loop knows about a fold before it starts watching. I is the
// backend's stream-incarnation type; its zero value means "unknown".
//
// The shape is open: a later reason to distrust a cursor (a downtime longer than the bucket's
// delete-marker TTL, say) is one more field here and one more ResumeReason, decided in
// ResumePlanFor before the resume is trusted.
type ResumeFacts[I comparable] struct {
	// HasCursor: the fold holds a cursor, so the watch would resume after it.
	HasCursor bool
	// Stored is the incarnation stored with the cursor (zero: a fold written before
	// incarnations were recorded).
	Stored I
	// Live is the incarnation the bucket has now (zero: the backend cannot tell).
	Live I
}

// ResumeAction is what the loop does before its first watch.
type ResumeAction uint8

const (
	// ActionStateSync: no cursor; watch from the zero cursor (every current value).
	ActionStateSync ResumeAction = iota + 1
	// ActionResume: the cursor belongs to the live stream; resume after it.
	ActionResume
	// ActionResumeUnverified: nothing to compare the cursor with; resume after it as a fold
	// without incarnations always did, and say why it was not verified.
	ActionResumeUnverified
	// ActionResync: the cursor cannot be trusted; take the key-diff resync (list the live
	// keys, fold deletes for the vanished ones, acknowledge) and then the state-sync watch,
	// exactly as after an expired cursor.
	ActionResync
)

// ResumeReason says why an action was chosen (ReasonNone for the plain cases), and also names
// the resyncs the loop takes later, on a watch's error, so every resync is logged and counted
// under one vocabulary.
type ResumeReason uint8

const (
	ReasonNone ResumeReason = iota
	// ReasonNewIncarnation: the fold's cursor is a position in another incarnation of the
	// bucket (deleted and re-created; its revisions restarted at 1).
	ReasonNewIncarnation
	// ReasonStampMissing: the fold stores no incarnation (written before they existed); the
	// first apply stores the live one.
	ReasonStampMissing
	// ReasonLiveUnknown: the backend does not report incarnations.
	ReasonLiveUnknown
	// ReasonCursorExpired: the watch reported the cursor older than retention (or beyond the
	// stream's end).
	ReasonCursorExpired
	// ReasonWatchOverrun: retention overran a running watch (the floor guard tripped).
	ReasonWatchOverrun
	// ReasonContactLost: the fold was out of contact with a bucket that ages keys out for as
	// long as its delete markers live (ExpiryContactLost), so it may have missed a marker.
	ReasonContactLost
)

// String names the reason for logs.
func (r ResumeReason) String() string {
	switch r {
	case ReasonNone:
		return "none"
	case ReasonNewIncarnation:
		return "new stream incarnation"
	case ReasonStampMissing:
		return "no stream incarnation stored with the cursor"
	case ReasonLiveUnknown:
		return "the bucket does not report its incarnation"
	case ReasonCursorExpired:
		return "cursor expired"
	case ReasonWatchOverrun:
		return "retention overran the watch"
	case ReasonContactLost:
		return "out of contact with the stream for the delete-marker TTL"
	}
	return "unknown reason"
}

// ResumePlanFor decides how a loop starts. Without a cursor there is nothing to trust: a
// state-sync watch. With one, an incarnation stored and live that differ means the cursor
// belongs to another life of the bucket, and resuming from it would skip the new stream's
// revisions up to it and keep keys that no longer exist, silently and for good (the resume
// check's "cursor beyond the stream's end" catches that only until the new stream grows past
// the cursor): resync. When either incarnation is unknown there is nothing to compare, and the
// loop resumes as before (the caller logs the reason); equal incarnations resume.
//
// Invariant carried: "a fold never combines two incarnations of a bucket" (a cursor is only
// resumed on the stream that issued it). Production caller: impl/applied, before the first
// watch; the artifact import path reaches it through the incarnation stored in the imported
// fold.
func ResumePlanFor[I comparable](f ResumeFacts[I]) (ResumeAction, ResumeReason) {
	var zero I
	switch {
	case !f.HasCursor:
		return ActionStateSync, ReasonNone
	case f.Stored != zero && f.Live != zero && f.Stored != f.Live:
		return ActionResync, ReasonNewIncarnation
	case f.Stored == zero:
		return ActionResumeUnverified, ReasonStampMissing
	case f.Live == zero:
		return ActionResumeUnverified, ReasonLiveUnknown
	}
	return ActionResume, ReasonNone
}
