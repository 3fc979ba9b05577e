package reconcile

import (
	"github.com/slipstream-go/slipstream/model/check"
	"github.com/slipstream-go/slipstream/protocol"
)

// Property names. The TLA+ spec quotes each above its operator.
const (
	PropSettledConverges = "after a round that saw no change, a caught-up fold equals the bucket"
	PropNeverLoses       = "a repair never undoes a fold that agreed with the bucket"
	PropNeverSpurious    = "every repair fixes a divergence the watch would not fix"
	PropMarkerRepaired   = "a purged delete marker is repaired by a synthetic delete"
	PropKeyRepaired      = "a subject purge of a live key is repaired by a synthetic delete"
	PropMissFetched      = "an update the watch passed without folding is fetched"
	PropRolledBack       = "a message delete of the key's latest record is repaired by a rollback to its previous record"
	PropHazardDiverged   = "HAZARD reachable: without reconciliation a purge leaves the fold diverged forever"
)

// Properties returns the configured properties: the hazard witness for NoReconcile, else the
// three safety properties and four witnesses.
func (m *Model) Properties() []check.Property[State] {
	if m.cfg.Mode == NoReconcile {
		return []check.Property[State]{{Name: PropHazardDiverged, Kind: check.Sometimes,
			Holds: func(s State) bool { return !m.enabled(s) && !agrees(s) }}}
	}
	return []check.Property[State]{
		{Name: PropSettledConverges, Kind: check.Always, Holds: func(s State) bool {
			return !s.Settled || s.BRev > s.Frontier || agrees(s)
		}},
		{Name: PropNeverLoses, Kind: check.Always, Holds: func(s State) bool { return !s.Lost }},
		{Name: PropNeverSpurious, Kind: check.Always, Holds: func(s State) bool { return !s.Spurious }},
		{Name: PropMarkerRepaired, Kind: check.Sometimes, Holds: func(s State) bool {
			return s.LastRepair == protocol.RepairDelete && s.Removal == MarkerPurged && agrees(s)
		}},
		{Name: PropKeyRepaired, Kind: check.Sometimes, Holds: func(s State) bool {
			return s.LastRepair == protocol.RepairDelete && s.Removal == KeyPurged && agrees(s)
		}},
		{Name: PropMissFetched, Kind: check.Sometimes, Holds: func(s State) bool {
			return s.LastRepair == protocol.RepairFetch && agrees(s)
		}},
		{Name: PropRolledBack, Kind: check.Sometimes, Holds: func(s State) bool {
			return s.LastRepair == protocol.RepairRollback && s.Removal == LatestDeleted && agrees(s)
		}},
	}
}
