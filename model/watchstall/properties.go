package watchstall

import "github.com/slipstream-go/slipstream/model/check"

// Property names. The TLA+ spec quotes each above its operator.
const (
	PropNoFalseStall   = "a watch is declared stalled only after a full window behind its scope with nothing received"
	PropStallDetected  = "a watch behind its scope with nothing received for a window plus two probe periods is declared stalled"
	PropLostDetected   = "a lost last delivery is detected: the consumer has nothing left to deliver and the watch is declared stalled"
	PropPausedDetected = "a paused consumer's watch is declared stalled"
)

// Properties returns the model's properties: the two safety properties of the detector, the
// bounded detection phrased as an invariant on the clock (the probes are forced, so the bound
// is a property of every state), and the witnesses of the two ways a consumer stops.
func (m *Model) Properties() []check.Property[State] {
	w, p := m.b.Window, m.b.Period
	return []check.Property[State]{
		{Name: PropNoFalseStall, Kind: check.Always, Holds: func(s State) bool {
			return !s.Stalled || (s.Behind() && s.Now >= s.Quiet+w)
		}},
		{Name: PropStallDetected, Kind: check.Always, Holds: func(s State) bool {
			return s.Stalled || !s.Behind() || s.Now < s.Quiet+w+2*p
		}},
		{Name: PropLostDetected, Kind: check.Sometimes, Holds: func(s State) bool {
			return s.Stalled && s.Lost && !s.Paused && next(s) == 0
		}},
		{Name: PropPausedDetected, Kind: check.Sometimes, Holds: func(s State) bool {
			return s.Stalled && s.Paused && !s.Lost
		}},
	}
}
