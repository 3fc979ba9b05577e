package expiry

import "github.com/slipstream-go/slipstream/protocol"

// MutAdmitWithoutMarkers is an admission that follows a bucket aging keys out without markers
// as if it had them. The shipped model must reach a terminal state whose fold keeps an
// aged-out key.
func MutAdmitWithoutMarkers(agesOut, _, acceptDivergence bool) protocol.ExpiryPolicy {
	return protocol.ExpiryAdmit(agesOut, true, acceptDivergence)
}

// MutLostStrict is a contact check with an exclusive bound (now - contact > TTL): a marker
// written at the contact time and expired exactly a TTL later passes unseen.
func MutLostStrict(contact, now, markerTTL int64) bool {
	if contact <= 0 || markerTTL <= 0 {
		return true
	}
	return now-contact > markerTTL
}

// MutAdvanceOvershoot is a contact update that claims one tick more than its evidence.
func MutAdvanceOvershoot(contact, evidence int64) int64 {
	return protocol.ExpiryContactAdvance(contact, evidence) + 1
}
