package reconcile

import (
	"fmt"

	"github.com/slipstream-go/slipstream/protocol"
)

// Phase is the progress of the current reconciliation round.
type Phase uint8

const (
	// Idle: no round in progress.
	Idle Phase = iota
	// Positioned: the listing position was read; the snapshot is next (shipped order).
	Positioned
	// Snapshotted: the snapshot was taken; the position is next (the mutated order).
	Snapshotted
	// Listed: the listing is complete; the repair is next.
	Listed
)

var phaseNames = [...]string{"Idle", "Positioned", "Snapshotted", "Listed"}

// String names the phase.
func (p Phase) String() string {
	if int(p) < len(phaseNames) {
		return phaseNames[p]
	}
	return fmt.Sprintf("Phase(%d)", uint8(p))
}

// Removal is the kind of the last interior removal.
type Removal uint8

const (
	// NoRemoval: nothing was purged yet.
	NoRemoval Removal = iota
	// MarkerPurged: K's delete marker was removed.
	MarkerPurged
	// KeyPurged: K's live record was removed by a subject purge.
	KeyPurged
	// LatestDeleted: K's latest record was removed by a message delete, so its previous
	// record is current again.
	LatestDeleted
)

// State is one state of the model.
type State struct {
	Head, KRevs, KDels     uint8
	BRev, PRev             uint8
	BLive, FLive           bool
	FRev, Frontier         uint8
	Phase                  Phase
	LPos, LRev             uint8
	LPresent, LLive, Need  bool
	Rounds                 uint8
	Dirty, Settled, Missed bool
	Removal                Removal
	LastRepair             protocol.Repair
	Lost, Spurious         bool
}

// String formats the state for traces.
func (s State) String() string {
	return fmt.Sprintf("head=%d krevs=%04b kdels=%04b b=(%d,%v) prev=%d f=(%v,%d) frontier=%d phase=%v l=(pos %d,%v,%v,%d) need=%v rounds=%d dirty=%v settled=%v missed=%v removal=%d last=%v lost=%v spurious=%v",
		s.Head, s.KRevs, s.KDels, s.BRev, s.BLive, s.PRev, s.FLive, s.FRev, s.Frontier, s.Phase, s.LPos, s.LPresent, s.LLive, s.LRev,
		s.Need, s.Rounds, s.Dirty, s.Settled, s.Missed, s.Removal, s.LastRepair, s.Lost, s.Spurious)
}
