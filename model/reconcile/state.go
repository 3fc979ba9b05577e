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

// bit is revision r's bit in KRevs and KDels.
func bit(r uint8) uint8 { return 1 << (r - 1) }

// nextRetained is the next revision above the frontier the stream still holds (0 = none):
// every write of another key, K's current record and K's previous record.
func nextRetained(s State) uint8 {
	for r := s.Frontier + 1; r <= s.Head; r++ {
		if s.KRevs&bit(r) == 0 || r == s.BRev || r == s.PRev {
			return r
		}
	}
	return 0
}

// record is K's record at revision r (r = 0: no record) as the fold would hold it.
func record(s State, r uint8) (live bool, rev uint8) {
	if r > 0 && s.KDels&bit(r) == 0 {
		return true, r
	}
	return false, 0
}

// view is the bucket's K as the fold should hold it.
func view(s State) (live bool, rev uint8) { return record(s, s.BRev) }

// readOf is a read of K answering its record at revision r (0: no record).
func readOf(s State, r uint8) protocol.ListedRecord {
	live, _ := record(s, r)
	return protocol.ListedRecord{Present: r > 0, Live: live, Rev: uint64(r)}
}
