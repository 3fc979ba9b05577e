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
	ActRawDelete     = "RawDeleteLatest"
	ActDeliver       = "Deliver"
	ActMissUpdate    = "MissUpdate"
	ActStartRound    = "StartRound"
	ActFinishListing = "FinishListing"
	ActRepair        = "Repair"
	ActRepairStale   = "RepairOnStaleRead"
)

func act(name string) check.Action { return check.Action{Name: name, Actor: -1} }

// changedK marks a change of K's record.
func changedK(t *State) { t.Dirty, t.Settled = true, false }

// writeK emits a write of K from s to t twice: the stream drops K's previous record (a bucket
// keeping one record per key), and it keeps it (a longer history), so a message delete of the
// new record can make it current again. Whatever retention the stream has is one of these.
func writeK(s, t State, name string, emit func(check.Action, State)) {
	t.PRev = 0
	emit(act(name), t)
	if s.BRev > 0 {
		t.PRev = s.BRev
		emit(act(name+"KeepPrev"), t)
	}
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
		t.KRevs |= bit(t.Head)
		t.BRev, t.BLive = t.Head, true
		changedK(&t)
		writeK(s, t, ActPutK, emit)
	}
	if s.Head < MaxRev && s.BRev > 0 && s.BLive {
		t := s
		t.Head++
		t.KRevs |= bit(t.Head)
		t.KDels |= bit(t.Head)
		t.BRev, t.BLive = t.Head, false
		changedK(&t)
		writeK(s, t, ActDelK, emit)
	}
	if s.Head < MaxRev {
		t := s
		t.Head++
		emit(act(ActWriteOther), t)
	}
	if s.BRev > 0 && !s.BLive {
		t := s
		t.BRev, t.PRev, t.Removal = 0, 0, MarkerPurged
		changedK(&t)
		emit(act(ActPurgeMarker), t)
	}
	if s.BRev > 0 && s.BLive {
		t := s
		t.BRev, t.BLive, t.PRev, t.Removal = 0, false, 0, KeyPurged
		changedK(&t)
		emit(act(ActPurgeKey), t)
	}
	if !m.cfg.DenyDelete && s.BRev > 0 && s.PRev > 0 {
		t := s
		t.BRev, t.PRev, t.Removal = s.PRev, 0, LatestDeleted
		t.BLive, _ = record(s, s.PRev)
		changedK(&t)
		emit(act(ActRawDelete), t)
	}
	if r := nextRetained(s); r > 0 {
		t := s
		t.Frontier = r
		if r == s.BRev || r == s.PRev {
			t.FLive, t.FRev = record(s, r)
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
		m.repair(s, emit)
	}
}

// snapshot takes the listing's snapshot of K and notes whether a repair is needed.
func snapshot(t *State) {
	t.LPresent, t.LLive, t.LRev = t.BRev > 0, t.BLive && t.BRev > 0, t.BRev
	t.Need = needsRepair(*t)
}

// repair is the loop's reconciliation of K: filter, confirm against a read of K's record,
// fold. The confirming read is linearizable (Repair) or, in the Shipped mode, may lag
// (RepairOnStaleRead): it then answers any record K ever had, or none.
func (m *Model) repair(s State, emit func(check.Action, State)) {
	fold := protocol.FoldRecord{Live: s.FLive, Rev: uint64(s.FRev)}
	listed := protocol.ListedRecord{Present: s.LPresent, Live: s.LLive, Rev: uint64(s.LRev)}
	current := readOf(s, s.BRev)
	d := m.k.Repair(fold, listed, uint64(s.LPos), uint64(s.Frontier))
	if d == protocol.RepairNone || !m.confirms() {
		if d == protocol.RepairRollback {
			current = listed // a listing-only rollback folds the listed record
		}
		emit(act(ActRepair), m.fold(s, d, current))
		return
	}
	emit(act(ActRepair), m.fold(s, m.k.Confirm(fold, current, uint64(s.Frontier), true), current))
	stale := func(r uint8) {
		read := readOf(s, r)
		emit(act(ActRepairStale), m.fold(s, m.k.Confirm(fold, read, uint64(s.Frontier), false), read))
	}
	stale(0)
	for r := uint8(1); r <= s.Head; r++ {
		if s.KRevs&bit(r) != 0 {
			stale(r)
		}
	}
}

// fold folds repair d, taken on the record read, and ends the round: a fetch or rollback folds
// the read's entry if it is a put the watch has passed. A deferred repair changes nothing
// and leaves the round unsettled.
func (m *Model) fold(s State, d protocol.Repair, read protocol.ListedRecord) State {
	t := s
	switch d {
	case protocol.RepairDelete:
		t.FLive, t.FRev = false, 0
	case protocol.RepairFetch, protocol.RepairRollback:
		if read.Present && read.Live && protocol.WithinFrontier(read.Rev, uint64(s.Frontier)) {
			t.FLive, t.FRev = true, uint8(read.Rev)
		}
	}
	changed := t.FLive != s.FLive || t.FRev != s.FRev
	t.LastRepair = protocol.RepairNone
	switch {
	case !changed:
	case !t.FLive:
		t.LastRepair = protocol.RepairDelete
	case s.FLive && t.FRev < s.FRev:
		t.LastRepair = protocol.RepairRollback
	default:
		t.LastRepair = protocol.RepairFetch
	}
	t.Lost = s.Lost || (agrees(s) && !agrees(t))
	t.Spurious = s.Spurious || (changed && !s.Need)
	t.Settled = !s.Dirty && d != protocol.RepairDeferred
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
