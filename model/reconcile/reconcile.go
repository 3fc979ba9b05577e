// Package reconcile is the exhaustive model of anti-entropy reconciliation running beside the
// live watch of the applied loop (impl/applied), run by model/check and mirrored by
// spec/tla/Reconcile.tla. Its decisions are the production kernels of package protocol
// (ReconcileRepair, FetchedFoldable).
//
// Interior removals leave no gap a resume check or a floor guard can see: a delete marker
// purged (PurgeDeletes, or a marker outliving its TTL) and a key's whole history purged by an
// operator. The watch skips what the stream no longer holds, so without reconciliation the
// fold keeps such a key forever. Reconciliation lists the bucket (last record per key, headers
// only) and compares it with the fold, while the watch keeps delivering: the listing filter
// (ReconcileRepair) picks candidates, and each candidate is repaired only as ConfirmRepair
// decides from the key's current record, read on the loop. The listing alone is unsound: a
// listed record at or below the frontier may have been superseded by one the watch has not
// delivered yet (the ListingOnly mutations).
//
// # Scope and state
//
// One key K in a bucket keeping one record per key (a write supersedes the key's previous
// record, which the watch then skips), plus writes to other keys, which only move revisions.
// Bound MaxRev (4) revisions and MaxRounds (2) reconciliations. State: Head (bucket
// high-water); KRevs (bit r-1 set when revision r was a write of K); BRev, BLive (K's record:
// its revision, 0 = none, and whether it is a put); FLive, FRev (K in the fold; FRev = 0 when
// absent, since the fold forgets a delete's revision); Frontier (the watch's applied cursor);
// Phase, LPos, LPresent, LLive, LRev (the round's listing: its position, read before the
// listing in the shipped order, and K's listed record); Need (at some state from the listing's
// snapshot on, the fold differed from the bucket in a way the watch would not fix; a repair
// is spurious when it changes the fold without that); Rounds; Dirty (K changed since
// the round began); Settled (the last round saw no change of K, and none happened since);
// Missed (the one MissUpdate happened); Removal (the last interior removal's kind);
// LastRepair (the last round's effective repair); Lost, Spurious (a repair undid a fold that
// agreed with the bucket; a repair changed the fold without need).
//
// # Actions (in this order)
//
// PutK, DelK, WriteOther (bucket writes up to MaxRev); PurgeMarker (K's delete marker is
// removed); PurgeKey (K's live record is removed by a subject purge); Deliver (the watch
// delivers the next retained revision); MissUpdate (once: the watch passes K's record without
// folding it, standing for a fold that lost an update some other way; only with
// reconciliation); StartRound, FinishListing (the listing's two steps: position then snapshot
// in the shipped order); Repair (on the loop, without a delivery in between: filter with
// ReconcileRepair, read K's current record, decide with ConfirmRepair, fold the repair).
package reconcile

import (
	"fmt"

	"github.com/slipstream-go/slipstream/model/check"
	"github.com/slipstream-go/slipstream/protocol"
)

// Bounds of the model.
const (
	MaxRev    = 4
	MaxRounds = 2
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
)

// Mode chooses the variant.
type Mode uint8

const (
	// Shipped reconciles: position read before the snapshot, candidates confirmed.
	Shipped Mode = iota
	// NoReconcile is the consumer without reconciliation (the hazard).
	NoReconcile
	// ListingOnly repairs from the listing alone, without the confirming read (a fetch folds
	// the current entry if it is at or below the frontier).
	ListingOnly
	// ListingOnlyPositionAfter is ListingOnly with the position read after the snapshot.
	ListingOnlyPositionAfter
)

// Kernels are the decisions the model takes from package protocol; nil fields take the
// production kernels, mutants replace them.
type Kernels struct {
	Repair  func(fold protocol.FoldRecord, listed protocol.ListedRecord, listPos, frontier uint64) protocol.Repair
	Confirm func(fold protocol.FoldRecord, current protocol.ListedRecord, frontier uint64) protocol.Repair
}

// Config is one configuration of the model.
type Config struct {
	Mode    Mode
	Kernels Kernels
}

// State is one state of the model.
type State struct {
	Head, KRevs, BRev      uint8
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
	return fmt.Sprintf("head=%d krevs=%03b b=(%d,%v) f=(%v,%d) frontier=%d phase=%v l=(pos %d,%v,%v,%d) need=%v rounds=%d dirty=%v settled=%v missed=%v removal=%d last=%v lost=%v spurious=%v",
		s.Head, s.KRevs, s.BRev, s.BLive, s.FLive, s.FRev, s.Frontier, s.Phase, s.LPos, s.LPresent, s.LLive, s.LRev,
		s.Need, s.Rounds, s.Dirty, s.Settled, s.Missed, s.Removal, s.LastRepair, s.Lost, s.Spurious)
}

// Model is the reconciliation model for one Config.
type Model struct {
	cfg Config
	k   Kernels
}

// New returns the model for cfg.
func New(cfg Config) *Model {
	k := cfg.Kernels
	if k.Repair == nil {
		k.Repair = protocol.ReconcileRepair
	}
	if k.Confirm == nil {
		k.Confirm = protocol.ConfirmRepair
	}
	return &Model{cfg: cfg, k: k}
}

// Init returns the single initial state: an empty bucket and fold.
func (m *Model) Init() []State { return []State{{}} }

// Action names.
const (
	ActPutK          = "PutK"
	ActDelK          = "DelK"
	ActWriteOther    = "WriteOther"
	ActPurgeMarker   = "PurgeMarker"
	ActPurgeKey      = "PurgeKey"
	ActDeliver       = "Deliver"
	ActMissUpdate    = "MissUpdate"
	ActStartRound    = "StartRound"
	ActFinishListing = "FinishListing"
	ActRepair        = "Repair"
)

func act(name string) check.Action { return check.Action{Name: name, Actor: -1} }

// changedK marks a change of K's record.
func changedK(t *State) { t.Dirty, t.Settled = true, false }

// nextRetained is the next revision above the frontier the stream still holds (0 = none):
// every write of another key, and K's current record.
func nextRetained(s State) uint8 {
	for r := s.Frontier + 1; r <= s.Head; r++ {
		if s.KRevs&(1<<(r-1)) == 0 || r == s.BRev {
			return r
		}
	}
	return 0
}

// view is the bucket's K as the fold should hold it.
func view(s State) (live bool, rev uint8) {
	if s.BRev > 0 && s.BLive {
		return true, s.BRev
	}
	return false, 0
}

// agrees reports whether the fold holds K exactly as the bucket does.
func agrees(s State) bool {
	live, rev := view(s)
	return s.FLive == live && s.FRev == rev
}

// needsRepair reports whether the fold differs from the bucket in a way the watch will not
// fix: after it delivers K's retained record above the frontier (if any), the fold still differs.
func needsRepair(s State) bool {
	t := s
	if s.BRev > s.Frontier {
		t.FLive, t.FRev = view(s)
	}
	return !agrees(t)
}

func (m *Model) reconciles() bool { return m.cfg.Mode != NoReconcile }

func (m *Model) confirms() bool { return m.cfg.Mode == Shipped }

// Next emits the enabled actions in order. While a listing is complete and its repair
// pending, every successor keeps Need up to date.
func (m *Model) Next(s State, emit func(check.Action, State)) {
	m.next(s, func(a check.Action, t State) {
		if t.Phase == Listed && !t.Need {
			t.Need = needsRepair(t)
		}
		emit(a, t)
	})
}

func (m *Model) next(s State, emit func(check.Action, State)) {
	if s.Head < MaxRev {
		t := s
		t.Head++
		t.KRevs |= 1 << (t.Head - 1)
		t.BRev, t.BLive = t.Head, true
		changedK(&t)
		emit(act(ActPutK), t)
	}
	if s.Head < MaxRev && s.BRev > 0 && s.BLive {
		t := s
		t.Head++
		t.KRevs |= 1 << (t.Head - 1)
		t.BRev, t.BLive = t.Head, false
		changedK(&t)
		emit(act(ActDelK), t)
	}
	if s.Head < MaxRev {
		t := s
		t.Head++
		emit(act(ActWriteOther), t)
	}
	if s.BRev > 0 && !s.BLive {
		t := s
		t.BRev, t.Removal = 0, MarkerPurged
		changedK(&t)
		emit(act(ActPurgeMarker), t)
	}
	if s.BRev > 0 && s.BLive {
		t := s
		t.BRev, t.BLive, t.Removal = 0, false, KeyPurged
		changedK(&t)
		emit(act(ActPurgeKey), t)
	}
	if r := nextRetained(s); r > 0 {
		t := s
		t.Frontier = r
		if r == s.BRev {
			t.FLive, t.FRev = view(s)
		}
		emit(act(ActDeliver), t)
	}
	if r := nextRetained(s); m.reconciles() && !s.Missed && r > 0 && r == s.BRev {
		t := s
		t.Frontier, t.Missed = r, true
		changedK(&t)
		emit(act(ActMissUpdate), t)
	}
	if m.reconciles() && s.Phase == Idle && s.Rounds < MaxRounds {
		t := s
		t.Dirty = false
		if m.cfg.Mode == ListingOnlyPositionAfter {
			snapshot(&t)
			t.Phase = Snapshotted
		} else {
			t.LPos, t.Phase = s.Head, Positioned
		}
		emit(act(ActStartRound), t)
	}
	if s.Phase == Positioned || s.Phase == Snapshotted {
		t := s
		if s.Phase == Positioned {
			snapshot(&t)
		} else {
			t.LPos = s.Head
		}
		t.Phase = Listed
		emit(act(ActFinishListing), t)
	}
	if s.Phase == Listed {
		emit(act(ActRepair), m.repair(s))
	}
}

// snapshot takes the listing's snapshot of K and notes whether a repair is needed.
func snapshot(t *State) {
	t.LPresent, t.LLive, t.LRev = t.BRev > 0, t.BLive && t.BRev > 0, t.BRev
	t.Need = needsRepair(*t)
}

// repair is the loop's reconciliation of K: filter, confirm against the current record, fold.
func (m *Model) repair(s State) State {
	t := s
	fold := protocol.FoldRecord{Live: s.FLive, Rev: uint64(s.FRev)}
	listed := protocol.ListedRecord{Present: s.LPresent, Live: s.LLive, Rev: uint64(s.LRev)}
	d := m.k.Repair(fold, listed, uint64(s.LPos), uint64(s.Frontier))
	if d != protocol.RepairNone && m.confirms() {
		current := protocol.ListedRecord{Present: s.BRev > 0, Live: s.BLive, Rev: uint64(s.BRev)}
		d = m.k.Confirm(fold, current, uint64(s.Frontier))
	}
	switch d {
	case protocol.RepairDelete:
		t.FLive, t.FRev = false, 0
	case protocol.RepairFetch:
		if live, rev := view(s); live && protocol.WithinFrontier(uint64(rev), uint64(s.Frontier)) {
			t.FLive, t.FRev = true, rev
		}
	}
	changed := t.FLive != s.FLive || t.FRev != s.FRev
	t.LastRepair = protocol.RepairNone
	if changed {
		t.LastRepair = protocol.RepairFetch
		if !t.FLive {
			t.LastRepair = protocol.RepairDelete
		}
	}
	t.Lost = s.Lost || (agrees(s) && !agrees(t))
	t.Spurious = s.Spurious || (changed && !s.Need)
	t.Settled = !s.Dirty
	t.Rounds++
	t.Phase, t.LPos, t.LPresent, t.LLive, t.LRev, t.Need = Idle, 0, false, false, 0, false
	return t
}

// enabled reports whether any action is enabled in s.
func (m *Model) enabled(s State) bool {
	any := false
	m.Next(s, func(check.Action, State) { any = true })
	return any
}
