// Package floorguard is the exhaustive model of retention overrunning a live All-scope resume
// watch, and of the live floor guard that turns it into a failed watch and a resync. Its base
// model is a port of the Stateright model of the same guard in the Rust crate Slipstream began
// as (variables, actions, their order and property names unchanged, so counts and traces
// compare one to one); it is run by model/check, mirrored by spec/tla/LiveFloorGuard.tla, and
// its guard decisions are the production kernels of package protocol.
//
// # Base model
//
// Bound MaxRev (5). State: Head (bucket high-water), Floor (revisions <= Floor are evicted, so
// the stream's first sequence is Floor+1), DeleteRev (the revision of the sentinel key's
// delete marker; 0 = none, revisions start at 1), Frontier (the largest revision delivered to
// the fold), FoldHasKey, Tripped. Initially the key exists in bucket and fold and nothing is
// delivered or evicted. Actions, enabled in this order: Churn, DeleteKey, Compact, Deliver,
// GuardRepair. Deliver forwards next = max(Frontier, Floor)+1 (evicted revisions are silently
// skipped, as JetStream does); GuardRepair is the composite fail-stop → restart → resume →
// CursorExpired → resync.
//
// # Kernels
//
// The base model gates Deliver, when guarded, on ok = ResumeWindowOK(Frontier, Floor+1), and
// enables GuardRepair on !ok. Here both go through the production floor-guard kernels, as the
// watch does:
//
//   - Deliver is blocked exactly when the delivery needs a probe and the probe trips:
//     FloorGuardProbeNeeded(Frontier, next) && FloorGuardTrips(Frontier, Floor+1). In this
//     model next > Frontier+1 holds exactly when Floor > Frontier, which is exactly when the
//     window check fails, so this is the base model's gate (same enabled actions, same counts).
//   - The frontier after a delivery is FloorGuardFrontier(Frontier, next) (= next here).
//   - GuardRepair is enabled when FloorGuardTrips(Frontier, Floor+1) (the backstop probe and
//     the tripped in-band probe, whose composite effect is the same).
//
// FloorGuardTrips calls protocol.ResumeWindowOK, the kernel the base model's gate uses.
//
// # Guard modes
//
// Guarded is the shipped watch. Unguarded is the pre-guard code (no probe, no GuardRepair).
// PeriodicOnly is a rejected design, kept to show why: GuardRepair remains as a timer action,
// but Deliver is not gated, so deliveries can move the frontier past the gap and erase the
// evidence before the timer fires.
package floorguard

import (
	"fmt"

	"github.com/slipstream-go/slipstream/model/check"
	"github.com/slipstream-go/slipstream/protocol"
)

// MaxRev is the base model's bound.
const MaxRev = 5

// Mode is the guard variant.
type Mode uint8

const (
	// Guarded is the shipped watch: in-band probe on a gapped delivery, plus the backstop.
	Guarded Mode = iota
	// Unguarded is the pre-guard code: no probe at all.
	Unguarded
	// PeriodicOnly probes only on a timer: GuardRepair exists, Deliver is ungated.
	PeriodicOnly
)

// String names the mode.
func (m Mode) String() string {
	switch m {
	case Guarded:
		return "Guarded"
	case Unguarded:
		return "Unguarded"
	case PeriodicOnly:
		return "PeriodicOnly"
	}
	return fmt.Sprintf("Mode(%d)", uint8(m))
}

// PropertySet chooses the checked properties.
type PropertySet uint8

const (
	// ShippedProperties are the guarded variant's four properties. Checked under a mutation
	// they show the violation of "every maximal run ends with the fold equal to the bucket".
	ShippedProperties PropertySet = iota
	// UnguardedProperties are the unguarded variant's own properties (the two shared
	// properties and the hazard witness), as the base model checks that variant.
	UnguardedProperties
)

// Property names, spelled as in the ported model so that results compare by name.
const (
	PropNoPhantomDeletes = "no phantom deletes: the fold never drops a live key"
	PropMarkerDelivered  = "the marker is delivered normally and the fold drops the key"
	PropConverges        = "every maximal run ends with the fold equal to the bucket"
	PropGuardRepairs     = "the floor guard trips and repairs a real divergence"
	PropHazard           = "HAZARD reachable: permanent silent divergence (marker evicted unseen)"
)

// Kernels are the floor-guard decisions the model runs; DefaultKernels returns the
// production functions.
type Kernels struct {
	ProbeNeeded func(frontier, rev uint64) bool
	Trips       func(frontier, firstSequence uint64) bool
	Frontier    func(frontier, rev uint64) uint64
}

// DefaultKernels returns protocol.FloorGuardProbeNeeded, protocol.FloorGuardTrips and
// protocol.FloorGuardFrontier.
func DefaultKernels() Kernels {
	return Kernels{
		ProbeNeeded: protocol.FloorGuardProbeNeeded,
		Trips:       protocol.FloorGuardTrips,
		Frontier:    protocol.FloorGuardFrontier,
	}
}

// Config is one configuration of the model.
type Config struct {
	// MaxRev bounds the bucket's revisions (0 means MaxRev).
	MaxRev uint8
	// Mode is the guard variant.
	Mode Mode
	// Properties selects the checked properties.
	Properties PropertySet
	// Kernels replaces individual kernels; nil fields take the production defaults.
	Kernels Kernels
}

// State is one state of the model: exactly the base model's variables.
type State struct {
	Head, Floor, DeleteRev, Frontier uint8
	FoldHasKey, Tripped              bool
}

// String formats the state for traces.
func (s State) String() string {
	del := "none"
	if s.DeleteRev != 0 {
		del = fmt.Sprint(s.DeleteRev)
	}
	return fmt.Sprintf("head=%d floor=%d delete_rev=%s frontier=%d fold_has_key=%v tripped=%v",
		s.Head, s.Floor, del, s.Frontier, s.FoldHasKey, s.Tripped)
}

// BucketHasKey reports whether the sentinel key is live in the bucket (no delete marker yet).
func (s State) BucketHasKey() bool { return s.DeleteRev == 0 }

// Model is the live floor-guard model for one Config.
type Model struct {
	cfg Config
	k   Kernels
}

// New returns the model for cfg, nil kernels replaced by the production ones.
func New(cfg Config) *Model {
	if cfg.MaxRev == 0 {
		cfg.MaxRev = MaxRev
	}
	k, d := cfg.Kernels, DefaultKernels()
	if k.ProbeNeeded == nil {
		k.ProbeNeeded = d.ProbeNeeded
	}
	if k.Trips == nil {
		k.Trips = d.Trips
	}
	if k.Frontier == nil {
		k.Frontier = d.Frontier
	}
	return &Model{cfg: cfg, k: k}
}

// Init returns the single initial state.
func (m *Model) Init() []State { return []State{{FoldHasKey: true}} }

// Action names.
const (
	ActChurn       = "Churn"
	ActDeleteKey   = "DeleteKey"
	ActCompact     = "Compact"
	ActDeliver     = "Deliver"
	ActGuardRepair = "GuardRepair"
)

func act(name string) check.Action { return check.Action{Name: name, Actor: -1} }

// trips evaluates the floor-guard kernel on the state: the stream's first sequence is Floor+1.
func (m *Model) trips(s State) bool { return m.k.Trips(uint64(s.Frontier), uint64(s.Floor)+1) }

// Next emits the enabled actions in the base model's order.
func (m *Model) Next(s State, emit func(check.Action, State)) {
	if s.Head < m.cfg.MaxRev {
		t := s
		t.Head++
		emit(act(ActChurn), t)
		if s.DeleteRev == 0 {
			t := s
			t.Head++
			t.DeleteRev = t.Head
			emit(act(ActDeleteKey), t)
		}
	}
	if s.Floor < s.Head {
		t := s
		t.Floor++
		emit(act(ActCompact), t)
	}
	if base := max(s.Frontier, s.Floor); base < s.Head {
		next := base + 1
		blocked := m.cfg.Mode == Guarded && m.k.ProbeNeeded(uint64(s.Frontier), uint64(next)) && m.trips(s)
		if !blocked {
			t := s
			f := m.k.Frontier(uint64(s.Frontier), uint64(next))
			if f > 255 {
				panic(fmt.Sprintf("floorguard model: frontier kernel returned %d, beyond the model's revisions", f))
			}
			t.Frontier = uint8(f)
			if s.DeleteRev == next {
				t.FoldHasKey = false
			}
			emit(act(ActDeliver), t)
		}
	}
	if m.cfg.Mode != Unguarded && m.trips(s) {
		t := s
		t.Tripped = true
		t.FoldHasKey = s.BucketHasKey()
		t.Frontier = s.Floor
		emit(act(ActGuardRepair), t)
	}
}

// Properties returns the configured properties with their exact names.
func (m *Model) Properties() []check.Property[State] {
	noPhantom := check.Property[State]{Name: PropNoPhantomDeletes, Kind: check.Always,
		Holds: func(s State) bool { return s.FoldHasKey || !s.BucketHasKey() }}
	marker := check.Property[State]{Name: PropMarkerDelivered, Kind: check.Sometimes,
		Holds: func(s State) bool { return !s.FoldHasKey && !s.BucketHasKey() }}
	if m.cfg.Properties == UnguardedProperties {
		return []check.Property[State]{noPhantom, marker,
			{Name: PropHazard, Kind: check.Sometimes, Holds: func(s State) bool {
				return !m.enabled(s) && s.FoldHasKey && !s.BucketHasKey()
			}}}
	}
	return []check.Property[State]{noPhantom, marker,
		{Name: PropConverges, Kind: check.Terminal, Holds: func(s State) bool { return s.FoldHasKey == s.BucketHasKey() }},
		{Name: PropGuardRepairs, Kind: check.Sometimes, Holds: func(s State) bool { return s.Tripped && s.FoldHasKey == s.BucketHasKey() }},
	}
}

// enabled reports whether any action is enabled in s.
func (m *Model) enabled(s State) bool {
	any := false
	m.Next(s, func(check.Action, State) { any = true })
	return any
}
