package expiry

import "github.com/slipstream-go/slipstream/model/check"

// PropertySet chooses the checked properties.
type PropertySet uint8

const (
	// ShippedProperties: convergence and, with markers, the witnesses of the three ways an
	// aged-out key leaves the fold (a delivered marker, a resync on resume, a resync of a
	// lagging watch); without markers, the witness of the refusal.
	ShippedProperties PropertySet = iota
	// HazardWitness: the hazards of the consumer without the fix.
	HazardWitness
)

// Property names. The TLA+ spec quotes each above its operator.
const (
	PropConverges       = "every maximal run ends with the fold equal to the bucket, or the fold refused"
	PropMarkerFolded    = "an aged-out key's marker is folded as a delete"
	PropDownResync      = "a resume after a marker expired in the downtime resyncs the fold"
	PropLagResync       = "a watch that lagged past a marker's expiry resyncs the fold"
	PropRefused         = "a bucket that ages keys out without markers is refused"
	PropHazardNoMarkers = "HAZARD reachable: without markers an aged-out key stays in the fold forever"
	PropHazardOutlived  = "HAZARD reachable: a marker outlived by the consumer's downtime leaves the key in the fold forever"
	PropHazardLagged    = "HAZARD reachable: a marker outlived by a lagging watch leaves the key in the fold forever"
)

// Properties returns the configured properties.
func (m *Model) Properties() []check.Property[State] {
	terminal := func(s State) bool { return !m.enabled(s) }
	if m.cfg.Properties == HazardWitness {
		if !m.cfg.Markers {
			return []check.Property[State]{{Name: PropHazardNoMarkers, Kind: check.Sometimes,
				Holds: func(s State) bool { return terminal(s) && !agrees(s) }}}
		}
		return []check.Property[State]{
			{Name: PropHazardOutlived, Kind: check.Sometimes,
				Holds: func(s State) bool { return terminal(s) && !agrees(s) && s.LostBy == LostDown }},
			{Name: PropHazardLagged, Kind: check.Sometimes,
				Holds: func(s State) bool { return terminal(s) && !agrees(s) && s.LostBy == LostLag }},
		}
	}
	converges := check.Property[State]{Name: PropConverges, Kind: check.Terminal,
		Holds: func(s State) bool { return s.Refused || agrees(s) }}
	if !m.cfg.Markers {
		return []check.Property[State]{converges,
			{Name: PropRefused, Kind: check.Sometimes, Holds: func(s State) bool { return s.Refused }}}
	}
	return []check.Property[State]{converges,
		{Name: PropMarkerFolded, Kind: check.Sometimes, Holds: func(s State) bool {
			return s.How == DeliveredMarker && agrees(s)
		}},
		{Name: PropDownResync, Kind: check.Sometimes, Holds: func(s State) bool {
			return s.How == ResyncOnResume && s.LostBy == LostDown && agrees(s)
		}},
		{Name: PropLagResync, Kind: check.Sometimes, Holds: func(s State) bool {
			return s.How == ResyncLive && s.LostBy == LostLag && agrees(s)
		}},
	}
}
