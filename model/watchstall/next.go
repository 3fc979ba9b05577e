package watchstall

import "github.com/slipstream-go/slipstream/model/check"

// Action names.
const (
	ActWriteIn  = "WriteIn"
	ActWriteOut = "WriteOut"
	ActDeliver  = "Deliver"
	ActLose     = "Lose"
	ActPause    = "Pause"
	ActUnpause  = "Unpause"
	ActProbe    = "Probe"
	ActTick     = "Tick"
)

func act(name string) check.Action { return check.Action{Name: name, Actor: -1} }

// next returns the next record in scope after the consumer's position, 0 when there is none.
func next(s State) uint8 {
	for r := s.Pos + 1; r <= s.Seq; r++ {
		if s.Out&(1<<(r-1)) == 0 {
			return r
		}
	}
	return 0
}

// probeTick reports whether a probe is due at the current tick.
func (m *Model) probeTick(s State) bool { return s.Now%m.b.Period == 0 }

// Next emits the enabled actions in order. A stalled watch has ended: nothing is enabled.
func (m *Model) Next(s State, emit func(check.Action, State)) {
	if s.Stalled {
		return
	}
	if s.Seq < m.b.MaxWrites {
		t := s
		t.Seq++
		t.InLast = t.Seq
		if !s.Behind() {
			t.Quiet = s.Now
		}
		emit(act(ActWriteIn), t)
		t = s
		t.Seq++
		t.Out |= 1 << (t.Seq - 1)
		emit(act(ActWriteOut), t)
	}
	if r := next(s); r != 0 && !s.Paused {
		t := s
		t.Pos, t.Recv, t.Count = r, max(s.Recv, r), s.Count+1
		t.Quiet = 0
		if t.Behind() {
			t.Quiet = s.Now
		}
		emit(act(ActDeliver), t)
		if !s.Lost {
			t := s
			t.Pos, t.Lost = r, true
			emit(act(ActLose), t)
		}
	}
	if !s.Paused {
		t := s
		t.Paused = true
		emit(act(ActPause), t)
	} else {
		t := s
		t.Paused = false
		emit(act(ActUnpause), t)
	}
	if m.probeTick(s) && !s.Probed {
		emit(act(ActProbe), m.probe(s))
	}
	if s.Now < m.b.MaxTime && (s.Probed || !m.probeTick(s)) {
		t := s
		t.Now++
		t.Probed = false
		emit(act(ActTick), t)
	}
}

// probe is the backstop probe: behind read from the stream, the decision the kernel's.
func (m *Model) probe(s State) State {
	behind := s.Behind()
	if m.cfg.Mode == BehindByLast {
		behind = s.Seq > s.Recv
	}
	t := s
	t.Probed = true
	t.Streak, t.Stalled = m.k.Stall(s.Streak, behind, uint64(s.Count), int64(s.Now), int64(m.b.Window))
	return t
}
