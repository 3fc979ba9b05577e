package floorguard

import (
	"fmt"

	"github.com/slipstream-go/slipstream/model/check"
)

// Init returns the single initial state.
func (m *Model) Init() []State { return []State{{FoldHasKey: true}} }

// Action names. ChurnOut, StartWatch, Probe, CaughtUp, StopWatch and ResumeWatch exist only in
// the extensions.
const (
	ActChurn       = "Churn"
	ActChurnOut    = "ChurnOut"
	ActDeleteKey   = "DeleteKey"
	ActCompact     = "Compact"
	ActStartWatch  = "StartWatch"
	ActDeliver     = "Deliver"
	ActProbe       = "Probe"
	ActCaughtUp    = "CaughtUp"
	ActGuardRepair = "GuardRepair"
	ActStopWatch   = "StopWatch"
	ActResumeWatch = "ResumeWatch"
)

func act(name string) check.Action { return check.Action{Name: name, Actor: -1} }

// trips evaluates the floor-guard kernels on the state: the stream's first sequence is Floor+1,
// and a guard that FloorGuardRequired says is not needed never trips.
func (m *Model) trips(s State) bool {
	return m.required && m.k.Trips(uint64(s.Frontier), uint64(s.Floor)+1)
}

// evictable reports whether retention may evict revision r, the record at the first sequence:
// always under LimitEviction; under SupersessionOnly only when r's key has a newer record up
// to Head (the marker never: it is the sentinel's last record).
func (m *Model) evictable(s State, r uint8) bool {
	if m.cfg.Retention != SupersessionOnly {
		return true
	}
	if r == s.DeleteRev {
		return false
	}
	out := !inScope(s, r)
	for q := r + 1; q <= s.Head; q++ {
		if out && !inScope(s, q) || !out && inScope(s, q) && q != s.DeleteRev {
			return true
		}
	}
	return false
}

// started reports whether the watch exists: always, except before a state-sync StartWatch.
func (m *Model) started(s State) bool { return !m.cfg.StateSync || s.Started }

// running reports whether the watch exists and is not stopped (Resume): only a running watch
// delivers, probes and trips.
func (m *Model) running(s State) bool { return m.started(s) && !s.Stopped }

// pos is the consumer's position: Frontier in the base model, Pos with an extension.
func (m *Model) pos(s State) uint8 {
	if m.cfg.extended() {
		return s.Pos
	}
	return s.Frontier
}

// inScope reports whether revision r is a write in the watch's scope.
func inScope(s State, r uint8) bool { return r >= 1 && s.Out&(1<<(r-1)) == 0 }

// lastOtherInScope is the last in-scope write other than the sentinel's marker at or below
// end: the one record per other key a last-per-key snapshot holds (all other in-scope writes
// go to one key), 0 when there is none.
func lastOtherInScope(s State, end uint8) uint8 {
	for r := end; r >= 1; r-- {
		if inScope(s, r) && r != s.DeleteRev {
			return r
		}
	}
	return 0
}

// next returns the revision the consumer delivers next, or 0 when it has nothing to deliver.
// Evicted revisions (<= Floor) and out-of-scope ones are skipped silently, as JetStream does; a
// state-sync snapshot holds only the last record per key up to SnapEnd.
func (m *Model) next(s State) uint8 {
	if !m.running(s) {
		return 0
	}
	base := max(m.pos(s), s.Floor)
	if m.cfg.StateSync && base < s.SnapEnd {
		if s.DeleteRev > base && s.DeleteRev <= s.SnapEnd {
			if o := lastOtherInScope(s, s.SnapEnd); o > base && o < s.DeleteRev {
				return o
			}
			return s.DeleteRev
		}
		if o := lastOtherInScope(s, s.SnapEnd); o > base {
			return o
		}
		base = s.SnapEnd
	}
	for r := base + 1; r <= s.Head; r++ {
		if inScope(s, r) {
			return r
		}
	}
	return 0
}

// Next emits the enabled actions in the order Churn, ChurnOut, DeleteKey, Compact, StartWatch,
// Deliver, Probe, CaughtUp, GuardRepair, StopWatch, ResumeWatch (the base model's order with the
// extensions' actions inserted).
func (m *Model) Next(s State, emit func(check.Action, State)) {
	if s.Head < m.cfg.MaxRev {
		t := s
		t.Head++
		emit(act(ActChurn), t)
		if m.cfg.Filtered {
			t := s
			t.Head++
			t.Out |= 1 << (t.Head - 1)
			emit(act(ActChurnOut), t)
		}
		if s.DeleteRev == 0 {
			t := s
			t.Head++
			t.DeleteRev = t.Head
			emit(act(ActDeleteKey), t)
		}
	}
	if s.Floor < s.Head && m.started(s) && (!m.cfg.Resume || s.Stopped) && m.evictable(s, s.Floor+1) {
		t := s
		t.Floor++
		emit(act(ActCompact), t)
	}
	if m.cfg.StateSync && !s.Started {
		t := s
		t.Started = true
		t.SnapEnd = s.Head
		t.Frontier = m.narrow(m.k.Start(0, uint64(s.Floor)+1, uint64(s.Head)))
		emit(act(ActStartWatch), t)
	}
	gated := m.cfg.Mode == Guarded || m.cfg.Mode == GapOnly
	if next := m.next(s); next != 0 {
		blocked := gated && m.k.ProbeNeeded(uint64(s.Frontier), uint64(next)) && m.trips(s)
		if !blocked {
			t := s
			t.Frontier = m.narrow(m.k.Frontier(uint64(s.Frontier), uint64(next)))
			if m.cfg.extended() {
				t.Pos = next
			}
			if s.DeleteRev == next {
				t.FoldHasKey = false
			}
			emit(act(ActDeliver), t)
		}
	}
	advancing := m.cfg.Advance && m.cfg.Mode == Guarded && m.running(s)
	if advancing && !m.trips(s) {
		nf := m.narrow(m.k.Advance(uint64(s.Frontier), uint64(s.Last), s.Caught))
		if nf != s.Frontier || s.Last != s.Head {
			t := s
			t.Frontier, t.Last, t.Caught = nf, s.Head, false
			emit(act(ActProbe), t)
		}
	}
	if advancing && !s.Caught && s.Last > s.Frontier && m.next(s) == 0 {
		t := s
		t.Caught = true
		emit(act(ActCaughtUp), t)
	}
	if m.repairEnabled(s) {
		t := s
		t.Tripped = true
		t.FoldHasKey = s.BucketHasKey()
		t.Frontier = s.Floor
		if m.cfg.extended() {
			t.Pos, t.SnapEnd, t.Last, t.Caught = s.Floor, 0, 0, false
		}
		emit(act(ActGuardRepair), t)
	}
	m.resumeNext(s, emit)
}

// repairEnabled: the guard fails the watch. Guarded and PeriodicOnly probe on a timer too, so
// any tripping state; GapOnly only at a gapped delivery whose probe trips.
func (m *Model) repairEnabled(s State) bool {
	if !m.running(s) || !m.trips(s) {
		return false
	}
	switch m.cfg.Mode {
	case Guarded, PeriodicOnly:
		return true
	case GapOnly:
		next := m.next(s)
		return next != 0 && m.k.ProbeNeeded(uint64(s.Frontier), uint64(next))
	}
	return false
}

// narrow converts a kernel's result to the model's revision type.
func (m *Model) narrow(f uint64) uint8 {
	if f > 255 {
		panic(fmt.Sprintf("floorguard model: a kernel returned %d, beyond the model's revisions", f))
	}
	return uint8(f)
}

// Properties returns the configured properties with their exact names.
func (m *Model) Properties() []check.Property[State] {
	noPhantom := check.Property[State]{Name: PropNoPhantomDeletes, Kind: check.Always,
		Holds: func(s State) bool { return s.FoldHasKey || !s.BucketHasKey() }}
	marker := check.Property[State]{Name: PropMarkerDelivered, Kind: check.Sometimes,
		Holds: func(s State) bool { return !s.FoldHasKey && !s.BucketHasKey() }}
	diverged := func(s State) bool { return !m.enabled(s) && s.FoldHasKey && !s.BucketHasKey() }
	if m.cfg.Properties == UnguardedProperties {
		ps := []check.Property[State]{noPhantom, marker,
			{Name: PropHazard, Kind: check.Sometimes, Holds: diverged}}
		if m.cfg.StateSync {
			ps = append(ps,
				check.Property[State]{Name: PropHazardSnapshot, Kind: check.Sometimes,
					Holds: func(s State) bool { return diverged(s) && s.DeleteRev <= s.SnapEnd }},
				check.Property[State]{Name: PropHazardLive, Kind: check.Sometimes,
					Holds: func(s State) bool { return diverged(s) && s.DeleteRev > s.SnapEnd }})
		}
		return ps
	}
	ps := []check.Property[State]{noPhantom, marker,
		{Name: PropConverges, Kind: check.Terminal, Holds: func(s State) bool { return s.FoldHasKey == s.BucketHasKey() }},
		{Name: PropGuardRepairs, Kind: check.Sometimes, Holds: func(s State) bool { return s.Tripped && s.FoldHasKey == s.BucketHasKey() }},
	}
	if m.cfg.Advance && m.cfg.Filtered { // on the unfiltered stream a caught-up consumer has delivered up to the head
		ps = append(ps, check.Property[State]{Name: PropAdvances, Kind: check.Sometimes,
			Holds: func(s State) bool { return !s.Tripped && s.Frontier > s.Pos }})
	}
	if !m.required { // the guard never trips, so its repair witness is replaced by the case it skips
		ps[3] = check.Property[State]{Name: PropSupersededPast, Kind: check.Sometimes,
			Holds: func(s State) bool { return !s.Tripped && s.Floor > s.Frontier }}
	}
	if m.cfg.Resume { // the guard is off: its witness is replaced by the resume check's
		ps[3] = m.resumeWitness()
	}
	return ps
}

// enabled reports whether any action is enabled in s.
func (m *Model) enabled(s State) bool {
	any := false
	m.Next(s, func(check.Action, State) { any = true })
	return any
}
