package retire

import "github.com/slipstream-go/slipstream/protocol"

// MutRetireEqualCreated retires a payload whose incarnation was created at or before the live
// one (<= instead of <): the live incarnation's own aged payloads go.
func MutRetireEqualCreated(p protocol.RetiredPayload) bool {
	return p.Created > 0 && p.Live > 0 && p.Created <= p.Live && p.AgedOut
}

// MutIgnoreAgedOut retires a payload of an earlier-looking incarnation inside the grace: an
// incarnation created after the prune read the bucket, on a clock that went back, loses its
// fresh payloads.
func MutIgnoreAgedOut(p protocol.RetiredPayload) bool {
	return protocol.RetiredPayloadPrunable(protocol.RetiredPayload{Created: p.Created, Live: p.Live, AgedOut: true})
}

// MutPointerWithPayloads deletes an earlier incarnation's pointer whatever payloads are left.
func MutPointerWithPayloads(p protocol.RetiredPointer) bool {
	return protocol.RetiredPointerDeletable(protocol.RetiredPointer{Created: p.Created, Live: p.Live})
}
