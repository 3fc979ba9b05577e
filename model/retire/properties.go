package retire

import "github.com/slipstream-go/slipstream/model/check"

// Property names. The TLA+ spec quotes each above its operator.
const (
	PropLiveKept        = "nothing of the live incarnation is deleted while it is live (its pointer's target is fetchable)"
	PropImportExact     = "an importer gets exactly the payload its pointer named or detects a missing payload or pointer"
	PropPointerLast     = "an earlier incarnation's pointer is deleted only after the payload it names"
	PropPayloadRetired  = "an earlier incarnation's payload is retired"
	PropPointerRetired  = "an earlier incarnation's pointer is retired"
	PropReaderDetects   = "an importer racing the retirement detects the missing payload"
	PropStalePublishWon = "a stale exporter's publish into a retired key makes the pointer delete refuse"
)

// liveKept is invariant (1): no payload of the incarnation the bucket reports as live is
// deleted, and its pointer, if any, names a stored payload (incarnations only become live
// when created, with nothing stored, so "deleted while live" is "deleted and now live").
func liveKept(s State) bool {
	for j := range Slots {
		if s.Pay[s.Live][j] == PGone {
			return false
		}
	}
	p := s.Ptr[s.Live]
	return p == 0 || stored(s.Pay[s.Live][p-1])
}

// Properties returns the model's properties: the three invariants and four witnesses that
// show the retirement, the racing reader and the refused swap are reachable.
func (m *Model) Properties() []check.Property[State] {
	return []check.Property[State]{
		{Name: PropLiveKept, Kind: check.Always, Holds: liveKept},
		{Name: PropImportExact, Kind: check.Always, Holds: func(s State) bool { return s.Out <= OutNoPointer }},
		{Name: PropPointerLast, Kind: check.Always, Holds: func(s State) bool { return !s.Orphan }},
		{Name: PropPayloadRetired, Kind: check.Sometimes, Holds: func(s State) bool { return s.SeenPay }},
		{Name: PropPointerRetired, Kind: check.Sometimes, Holds: func(s State) bool { return s.SeenPtr }},
		{Name: PropReaderDetects, Kind: check.Sometimes, Holds: func(s State) bool { return s.Out == OutMissing }},
		{Name: PropStalePublishWon, Kind: check.Sometimes, Holds: func(s State) bool { return s.SeenRefused }},
	}
}
