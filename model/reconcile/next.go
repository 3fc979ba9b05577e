package reconcile

import (
	"github.com/slipstream-go/slipstream/model/check"
	"github.com/slipstream-go/slipstream/protocol"
)

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
