package protocol

// RetiredPayload is what the pruner knows about one payload object stored under the pointer
// key of a bucket incarnation, when it asks whether it may delete it as a leftover of an
// incarnation that is no longer live. Named fields, so that a caller cannot swap them.
type RetiredPayload struct {
	// Created is the creation time, in Unix nanoseconds, of the incarnation whose key holds the
	// payload, as read from that key; 0 (or below) when the key names none: the zero
	// incarnation's bare key, a key this transport did not write, or a key whose pointer names
	// another bucket.
	Created int64
	// Live is the creation time of the bucket's live incarnation as the bucket itself reported
	// it during this prune (never the incarnation a fold or an artifact recorded); 0 (or below)
	// when unknown.
	Live int64
	// AgedOut is true when the object was last modified at or before now − grace.
	AgedOut bool
}

// RetiredPayloadPrunable reports whether the pruner may delete a payload of an earlier
// incarnation of the bucket: both creation times are known, the payload's incarnation was
// created strictly before the live one, and the payload has aged out of the grace period. The
// pointer's target of that incarnation is no exception: nothing publishes under a retired key
// once its bucket was re-created, and a bootstrap from it would resync anyway.
//
// Guarantee carried: nothing of the live incarnation is ever deleted, since its creation time
// is not below itself, nor of any incarnation created later than the one the bucket reported
// (a stale exporter's bucket read ranks below it). Model-checked by model/retire (and
// spec/tla/Retire.tla), property "nothing of the live incarnation is deleted while it is live
// (its pointer's target is fetchable)", over a live and a stale exporter, a pruner, an importer
// and a creation clock that may go back once; its mutations MutRetireEqualCreated (<= instead
// of <) and MutIgnoreAgedOut (the grace ignored, caught only when the clock went back), and the
// call-site mutation LiveFromFold (the live incarnation read from a stale fold), must violate
// it. An incarnation that is unknown (the zero
// incarnation, which may still be some node's live one) is never retired. A reader racing the
// deletion fails detectably (the payload is missing, or the pointer gone), never with wrong
// data: its download is checked against the pointer's manifest, and the import re-checks every
// hash. The grace keeps what a reader may be fetching right now, as for PayloadPrunable, and
// covers an incarnation whose creation time, set by the server's clock, went backwards: its
// payloads are all younger than the live incarnation's bucket read.
// Production: PruneRetired of impl/transport, called by an export round.
func RetiredPayloadPrunable(p RetiredPayload) bool {
	return p.Created > 0 && p.Live > 0 && p.Created < p.Live && p.AgedOut
}

// RetiredPointer is what the pruner knows about the pointer of an earlier incarnation when it
// asks whether it may delete the pointer key itself.
type RetiredPointer struct {
	// Created and Live are as in RetiredPayload. Created is 0 when the pointer's manifest does
	// not parse or names another incarnation than its key.
	Created, Live int64
	// PayloadsLeft is true when any payload is stored under the pointer's key, listed after the
	// pointer was read (so an upload that lands later swaps the pointer, and the delete, a
	// compare-and-swap on the version read, is refused).
	PayloadsLeft bool
}

// RetiredPointerDeletable reports whether the pruner may delete the pointer key of an earlier
// incarnation: the incarnation is retired (as RetiredPayloadPrunable decides it) and no
// payload is left under its key. A pointer goes only after its payloads, so every payload it
// could name has already aged out of the grace period; a pointer without payloads serves no
// reader (its download fails as missing), and deleting it gives a reader the plain "nothing
// published" error instead. Guarantee carried: as RetiredPayloadPrunable's, and model/retire's
// "an earlier incarnation's pointer is deleted only after the payload it names"; its mutation
// MutPointerWithPayloads (PayloadsLeft ignored), and the call-site mutation NoCAS (the delete
// not a compare-and-swap on the version read), must violate it.
// Production: PruneRetired of impl/transport.
func RetiredPointerDeletable(p RetiredPointer) bool {
	return p.Created > 0 && p.Live > 0 && p.Created < p.Live && !p.PayloadsLeft
}
