package protocol

// StreamRetention is what a stream's configuration says about how JetStream may remove its
// records, reduced to the settings that can remove a key's latest record. Per-key history
// (MaxMsgsPerSubject) is deliberately absent: it only removes a record whose key has a newer
// one in the stream, which a watch behind it still delivers. Operator purges are absent too:
// they are interior removals that reconciliation repairs, not retention.
type StreamRetention struct {
	// AckRemoval: the retention policy is interest or work-queue, which remove messages on
	// acknowledgement regardless of key.
	AckRemoval bool
	// MaxAge: records older than the stream's MaxAge are removed.
	MaxAge bool
	// MaxMsgs, MaxBytes: the oldest records are removed once the stream holds too many
	// messages or bytes. Only the discard-old policy removes; under discard-new a full stream
	// refuses new writes and removes nothing, so neither is set there.
	MaxMsgs, MaxBytes bool
	// MsgTTL: per-message TTLs are allowed (AllowMsgTTL), so any record, a delete marker
	// included, may carry a Nats-TTL and be removed when it expires.
	MsgTTL bool
	// MarkerTTL: the server places subject delete markers with a TTL (SubjectDeleteMarkerTTL)
	// when it ages a key out, and removes those markers, each its key's latest record, when
	// the TTL runs out.
	MarkerTTL bool
	// Schedules: message schedules are allowed (AllowMsgSchedules), and the server purges a
	// one-off schedule from its subject once it fires, with no newer record on that subject.
	Schedules bool
}

// FloorGuardRequired reports whether a watch on a stream with retention r must trip its floor
// guard (FloorGuardTrips) when the stream's first sequence passes its frontier: exactly when
// some setting of r can remove a key's latest record, a delete marker possibly among them.
//
// Invariant carried: where it returns false, every record removed is superseded (its key has a
// newer record in the stream, above any frontier that has not seen it, which the watch still
// delivers), so skipping the trip loses nothing and "every maximal run ends with the fold equal
// to the bucket" still holds (model floorguard, configurations LiveFloorGuard_SupersessionOnly*;
// the mutation LiveFloorGuard_MutSkipGuardWithLimits skips the trip on a stream with a limit and
// is caught). The probe itself is not skipped: its other uses (the stall detector, caught-up
// proofs) still need it.
func FloorGuardRequired(r StreamRetention) bool {
	return r.AckRemoval || r.MaxAge || r.MaxMsgs || r.MaxBytes || r.MsgTTL || r.MarkerTTL || r.Schedules
}
