package protocol

// This file holds the expiry decisions of the watch loop: what a fold may do with a bucket whose
// keys can be removed by age (a stream MaxAge, or per-key TTLs), and when the time it has been
// out of touch with the stream forces a key-diff resync. Invariant carried: "every maximal run
// ends with the fold equal to the bucket, or the fold refused" (model expiry, TLA+ Expiry).
//
// An aged-out key leaves the watch nothing to deliver unless the bucket has subject delete
// markers: then the server writes a marker, which the watch delivers as a purge. The marker
// itself expires after the bucket's marker TTL, from the middle of the stream, so a consumer
// that was not reading for that long misses it and no sequence check can tell. The contact
// time closes that hole: a time at which everything the stream held had been folded. Any
// marker the fold has not seen was written at or after it, so it cannot expire before contact
// plus the marker TTL; once that much time has passed, a marker may have been lost.

// ExpiryPolicy is what the watch loop does with a bucket, decided once from its configuration.
type ExpiryPolicy uint8

const (
	// ExpiryNone: nothing in the bucket is removed by age; no contact time is needed.
	ExpiryNone ExpiryPolicy = iota
	// ExpiryGuarded: keys age out with delete markers; the loop keeps a contact time and asks
	// ExpiryContactLost before it trusts the stream again.
	ExpiryGuarded
	// ExpiryRefused: keys age out without markers, so no watch can ever see them go; the loop
	// must refuse to start and say how to turn markers on.
	ExpiryRefused
	// ExpiryUnguarded: as ExpiryRefused, but the caller accepted explicitly that the fold keeps
	// aged-out keys until something else (a reconciliation round, a resync) removes them.
	ExpiryUnguarded
)

var expiryPolicyNames = [...]string{"none", "guarded", "refused", "unguarded"}

// String names the policy.
func (p ExpiryPolicy) String() string {
	if int(p) < len(expiryPolicyNames) {
		return expiryPolicyNames[p]
	}
	return "ExpiryPolicy(?)"
}

// ExpiryAdmit decides the policy for a bucket: agesOut when it removes keys by age (MaxAge > 0
// or per-key TTLs allowed), markers when it writes subject delete markers (a marker TTL > 0),
// acceptDivergence when the caller opted in to following a bucket without markers.
//
// A bucket that ages keys out without markers is refused unless the caller accepted the
// divergence: a fold following it keeps every aged-out key, silently (model expiry, mutation
// Expiry_MutAdmitWithoutMarkers admits it as guarded and is caught).
func ExpiryAdmit(agesOut, markers, acceptDivergence bool) ExpiryPolicy {
	switch {
	case !agesOut:
		return ExpiryNone
	case markers:
		return ExpiryGuarded
	case acceptDivergence:
		return ExpiryUnguarded
	}
	return ExpiryRefused
}

// ExpiryContactLost reports whether a fold whose contact time is contact may have missed a
// delete marker by now, on a bucket whose markers live markerTTL: exactly when
// now - contact >= markerTTL. A marker written at the contact time itself expires at
// contact + markerTTL, so the bound is inclusive (mutation Expiry_MutLostStrict uses > and is
// caught). An unknown contact (<= 0) or a non-positive TTL is always lost. A clock behind the
// contact is not: nothing has expired since the contact by that clock.
//
// The loop asks it on a resume, before folding each delivered update, and before refreshing the
// contact when the watch is caught up; when it reports true, the loop takes the key-diff resync
// (the path of kv.ErrCursorExpired) instead of trusting the stream. All three are needed: a
// check on resume alone misses a live watch that lagged longer than the TTL (mutation
// Expiry_MutNoLiveCheck). Times are in one unit (nanoseconds in production); callers that mix
// the server's message stamps with the local clock pass the TTL less their skew allowance.
func ExpiryContactLost(contact, now, markerTTL int64) bool {
	if contact <= 0 || markerTTL <= 0 {
		return true
	}
	if now <= contact {
		return false
	}
	return now-contact >= markerTTL
}

// ExpiryContactAdvance returns the contact time after the loop folded evidence that everything
// the stream held up to a time was folded: the stream stamp of a folded update (every update
// after it was written no earlier), or the time, read before asking, at which the watch was
// seen caught up. It is the larger of the two, so the contact never moves back.
//
// On a delivery the evidence is the update's stream stamp, not the time it was read: a lagging
// watch reads late, and markers written between the stamp and the read may already be expiring
// (mutation Expiry_MutContactAtReadTime; Expiry_MutAdvanceOvershoot, claiming one tick more
// than the evidence, is caught too).
func ExpiryContactAdvance(contact, evidence int64) int64 {
	return max(contact, evidence)
}
