package applied

import "github.com/slipstream-go/slipstream/model/check"

// PropertySet chooses which properties a run checks.
type PropertySet uint8

const (
	// ShippedProperties are the shipped variant's five properties (plus the enabled
	// extensions' properties). Checked under a mutation, they show the violation directly.
	ShippedProperties PropertySet = iota
	// HazardWitness is the single property a mutation variant is checked with: sometimes
	// "HAZARD reachable: cursor advances over dropped data".
	HazardWitness
)

// Property names, spelled as in the ported model so that results compare by name.
const (
	PropStoreComplete   = "the store's contents are always complete up to its cursor"
	PropRequeueAnchored = "the re-queued range is always anchored at the store cursor"
	PropQuiescence      = "quiescence implies the store is at the head"
	PropCumulative      = "a failed flush is followed by a cumulative successful commit"
	PropMemAhead        = "the in-memory cursor runs ahead of the store across a failure"
	PropHazard          = "HAZARD reachable: cursor advances over dropped data"

	// Extension UnknownVersions.
	PropUnknownPending = "an unknown version is pending behind positioned updates"
	// Extension FailStop.
	PropFailStopAt16 = "the 16th consecutive failed store apply, and only it, stops the watch"
	PropDeadStore    = "a dead store stops the watch"
	// Extension WatchRestart.
	PropRestartAhead = "a watch restarted in place resumes ahead of the store's cursor"
)

// Properties returns the configured properties with their exact names.
func (m *Model) Properties() []check.Property[State] {
	if m.cfg.Properties == HazardWitness {
		return []check.Property[State]{
			{Name: PropHazard, Kind: check.Sometimes, Holds: func(s State) bool { return s.Holes }},
		}
	}
	maxRev := m.cfg.MaxRev
	ps := []check.Property[State]{
		{Name: PropStoreComplete, Kind: check.Always, Holds: func(s State) bool { return !s.Holes }},
		{Name: PropRequeueAnchored, Kind: check.Always, Holds: func(s State) bool { return s.QFrom == s.StoreCursor }},
		{Name: PropQuiescence, Kind: check.Always, Holds: func(s State) bool {
			return !(s.Head == maxRev && s.Delivered == s.Head && s.QFrom == s.Delivered) || s.StoreCursor == s.Head
		}},
		{Name: PropCumulative, Kind: check.Sometimes, Holds: func(s State) bool {
			return s.StoreCursor > 0 && s.AppliedMem == s.StoreCursor && s.Head > 1
		}},
		{Name: PropMemAhead, Kind: check.Sometimes, Holds: func(s State) bool { return s.AppliedMem > s.StoreCursor }},
	}
	if m.cfg.UnknownVersions {
		ps = append(ps, check.Property[State]{Name: PropUnknownPending, Kind: check.Sometimes,
			Holds: func(s State) bool { return s.Unknown && s.Delivered > s.QFrom }})
	}
	if m.cfg.FailStop {
		ps = append(ps,
			check.Property[State]{Name: PropFailStopAt16, Kind: check.Always,
				Holds: func(s State) bool { return s.Stopped == (s.Streak >= FailStopAt) }},
			check.Property[State]{Name: PropDeadStore, Kind: check.Sometimes,
				Holds: func(s State) bool { return s.Stopped }})
	}
	if m.cfg.WatchRestart {
		ps = append(ps, check.Property[State]{Name: PropRestartAhead, Kind: check.Sometimes,
			Holds: func(s State) bool { return s.Restarted && s.Delivered > s.StoreCursor }})
	}
	return ps
}
