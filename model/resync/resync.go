// Package resync is the exhaustive model of the resync ack barrier of the watch loop
// (impl/applied.Run, planned), run by model/check and mirrored by spec/tla/ResyncOrder.tla.
//
// After a resume fails with kv.ErrCursorExpired, the watch task lists the live keys, the loop
// folds a synthetic delete for every fold key the listing lacks and acknowledges, and only then
// does the state-sync re-list start. Without the barrier, a key deleted in the gap and
// re-created after the listing can be put by the re-list first and then erased by the late
// synthetic delete, permanently.
//
// The model is a port of the Stateright model of the same barrier in the Rust crate Slipstream
// began as (variables, actions, their order and property names unchanged, so counts and traces
// compare one to one). Scope: one key K, one delete /
// re-create cycle; the listing is instantaneous (a change during the scan is equivalent to one
// before or after ListLive); the synthetic-delete fold is atomic (its store-failure case is
// the applied model's). State: Phase (Expired, Listed, Fallback); BucketK (K live in the
// bucket; initially false: deleted in the gap, its marker evicted); KInList (the listing
// snapshot); FoldK (initially true: stale); DeletesFolded; RelistPutFolded. Actions, enabled
// in this order: ListLive, RecreateK, FoldSyntheticDeletes, StartFallback, DeliverRelistPut.
//
// The barrier is control flow (the task waits for the ack), not a pure decision, so this model
// runs no protocol kernel: the synthetic deletes carry unknown versions, whose effect on the
// cursor (none) is checked by the applied model's UnknownVersions extension.
package resync

import (
	"fmt"

	"github.com/slipstream-go/slipstream/model/check"
)

// Phase is the resync's progress.
type Phase uint8

const (
	// Expired: the resume failed with an expired cursor; nothing listed yet.
	Expired Phase = iota
	// Listed: the live keys were listed.
	Listed
	// Fallback: the state-sync re-list watch has started.
	Fallback
)

// String names the phase.
func (p Phase) String() string {
	switch p {
	case Expired:
		return "Expired"
	case Listed:
		return "Listed"
	case Fallback:
		return "Fallback"
	}
	return fmt.Sprintf("Phase(%d)", uint8(p))
}

// PropertySet chooses the checked properties.
type PropertySet uint8

const (
	// ShippedProperties are the barrier variant's four properties. Checked without the
	// barrier they show the violation of "every maximal run ends with the fold equal to the
	// bucket" directly.
	ShippedProperties PropertySet = iota
	// HazardWitness is the single property the no-barrier variant is checked with.
	HazardWitness
)

// Property names, spelled as in the ported model so that results compare by name.
const (
	PropConverges       = "every maximal run ends with the fold equal to the bucket"
	PropRecreateAfter   = "recreate-after-listing converges via delete-then-put ordering"
	PropRecreateBefore  = "recreate-before-listing converges via the listing itself"
	PropNeverRecreated  = "never-recreated K is reconciled away"
	PropHazardErasesKey = "HAZARD reachable: synthetic delete erases a re-created key"
)

// Config is one configuration of the model.
type Config struct {
	// NoAckBarrier is the mutation: the re-list starts without waiting for the ack.
	NoAckBarrier bool
	// Properties selects the checked properties.
	Properties PropertySet
}

// State is one state of the model: exactly the ported model's variables.
type State struct {
	Phase                                                   Phase
	BucketK, KInList, FoldK, DeletesFolded, RelistPutFolded bool
}

// String formats the state for traces.
func (s State) String() string {
	return fmt.Sprintf("phase=%v bucket_k=%v k_in_list=%v fold_k=%v deletes_folded=%v relist_put_folded=%v",
		s.Phase, s.BucketK, s.KInList, s.FoldK, s.DeletesFolded, s.RelistPutFolded)
}

// Model is the resync-order model for one Config.
type Model struct{ cfg Config }

// New returns the model for cfg.
func New(cfg Config) *Model { return &Model{cfg: cfg} }

// Init returns the single initial state: expired, K deleted in the gap but still in the fold.
func (m *Model) Init() []State { return []State{{Phase: Expired, FoldK: true}} }

// Action names.
const (
	ActListLive             = "ListLive"
	ActRecreateK            = "RecreateK"
	ActFoldSyntheticDeletes = "FoldSyntheticDeletes"
	ActStartFallback        = "StartFallback"
	ActDeliverRelistPut     = "DeliverRelistPut"
)

func act(name string) check.Action { return check.Action{Name: name, Actor: -1} }

// Next emits the enabled actions in the ported model's order.
func (m *Model) Next(s State, emit func(check.Action, State)) {
	if s.Phase == Expired {
		t := s
		t.KInList = s.BucketK
		t.Phase = Listed
		emit(act(ActListLive), t)
	}
	if !s.BucketK {
		t := s
		t.BucketK = true
		emit(act(ActRecreateK), t)
	}
	if s.Phase != Expired && !s.DeletesFolded {
		t := s
		if !s.KInList {
			t.FoldK = false
		}
		t.DeletesFolded = true
		emit(act(ActFoldSyntheticDeletes), t)
	}
	if s.Phase == Listed && (m.cfg.NoAckBarrier || s.DeletesFolded) {
		t := s
		t.Phase = Fallback
		emit(act(ActStartFallback), t)
	}
	if s.Phase == Fallback && s.BucketK && !s.RelistPutFolded {
		t := s
		t.FoldK = true
		t.RelistPutFolded = true
		emit(act(ActDeliverRelistPut), t)
	}
}

// Properties returns the configured properties with their exact names.
func (m *Model) Properties() []check.Property[State] {
	if m.cfg.Properties == HazardWitness {
		return []check.Property[State]{{Name: PropHazardErasesKey, Kind: check.Sometimes,
			Holds: func(s State) bool { return !m.enabled(s) && s.BucketK && !s.FoldK }}}
	}
	return []check.Property[State]{
		{Name: PropConverges, Kind: check.Terminal, Holds: func(s State) bool { return s.FoldK == s.BucketK }},
		{Name: PropRecreateAfter, Kind: check.Sometimes, Holds: func(s State) bool {
			return !s.KInList && s.RelistPutFolded && s.FoldK && s.BucketK
		}},
		{Name: PropRecreateBefore, Kind: check.Sometimes, Holds: func(s State) bool { return s.KInList && s.FoldK && s.BucketK }},
		{Name: PropNeverRecreated, Kind: check.Sometimes, Holds: func(s State) bool {
			return !s.FoldK && !s.BucketK && s.DeletesFolded
		}},
	}
}

// enabled reports whether any action is enabled in s.
func (m *Model) enabled(s State) bool {
	any := false
	m.Next(s, func(check.Action, State) { any = true })
	return any
}
