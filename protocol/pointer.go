package protocol

// PointerState is what a publisher observed of the published pointer before a swap: absent,
// present with a known rank, or present with an unknown rank (an unparseable, corrupt pointer).
// The zero value is PointerAbsent().
type PointerState struct {
	present   bool
	rankKnown bool
	rank      uint64
}

// PointerAbsent is the state of a key with no pointer yet.
func PointerAbsent() PointerState { return PointerState{} }

// PointerAt is a present pointer whose cursor rank is rank.
func PointerAt(rank uint64) PointerState {
	return PointerState{present: true, rankKnown: true, rank: rank}
}

// PointerCorrupt is a present pointer whose rank cannot be read (treated as corrupt).
func PointerCorrupt() PointerState { return PointerState{present: true} }

// Present reports whether a pointer exists.
func (p PointerState) Present() bool { return p.present }

// Rank returns the pointer's rank and whether it is known (false when absent or corrupt).
func (p PointerState) Rank() (rank uint64, known bool) { return p.rank, p.present && p.rankKnown }

// PointerPublishAllowed reports whether a publisher holding an artifact of rank candidateRank
// may replace the pointer it observed as current (kernel K1).
//
//	absent                  → true
//	present, rank unknown   → true (a corrupt pointer is replaceable: it must not wedge the key)
//	present, rank n         → candidateRank >= n (an equal rank republishes; older is refused)
//
// Theorem carried: "published cursor never regresses" (and with it "monotone pointer: importer
// never observes a cursor drop"). Every writer puts only through this guard plus a
// compare-and-swap, so the pointer's rank never decreases; refusing on a plain read is
// therefore sound, because once a read shows a strictly newer pointer that stays true.
// Production: impl/transport, Remote.SwapPointer, for every publish on both transports (for an
// absent pointer the guard is trivially true and the write is create-only).
// Model: exportimport Publish(n) in the pointer-swap layout.
func PointerPublishAllowed(current PointerState, candidateRank uint64) bool {
	n, known := current.Rank()
	if !known {
		return true
	}
	return candidateRank >= n
}
