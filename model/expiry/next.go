package expiry

import "github.com/slipstream-go/slipstream/model/check"

// Action names.
const (
	ActPut          = "Put"
	ActAgeOut       = "AgeOut"
	ActExpireMarker = "ExpireMarker"
	ActTick         = "Tick"
	ActCrash        = "Crash"
	ActResume       = "Resume"
	ActDeliver      = "Deliver"
	ActCaughtUp     = "CaughtUp"
)

func act(name string) check.Action { return check.Action{Name: name, Actor: -1} }

// lost asks the contact kernel at the current time.
func (m *Model) lost(s State) bool {
	return m.k.Lost(int64(s.Contact), int64(s.Now), int64(m.b.TTL))
}

// resync is the key-diff resync: the fold takes the bucket, the cursor the head, the contact Now.
func resync(s State, how How) State {
	t := s
	for i := range t.K {
		t.FLive[i] = s.K[i].Kind == Put
	}
	t.Frontier, t.Contact, t.How = s.Head, s.Now, how
	return t
}

// next returns the key whose record the watch delivers next: the lowest sequence above the
// frontier (ok false when none is).
func next(s State) (key int, ok bool) {
	key = -1
	for i, r := range s.K {
		if r.Seq > s.Frontier && (key < 0 || r.Seq < s.K[key].Seq) {
			key = i
		}
	}
	return key, key >= 0
}

// Next emits the enabled actions in order; actions on a key are emitted for each key in turn.
func (m *Model) Next(s State, emit func(check.Action, State)) {
	for i := range s.K {
		if s.Puts < m.b.MaxPuts {
			t := s
			t.Puts++
			t.Head++
			t.K[i] = Rec{Seq: t.Head, Kind: Put, Time: s.Now}
			emit(act(ActPut), t)
		}
	}
	for i, r := range s.K {
		if r.Kind == Put {
			t := s
			t.K[i] = Rec{}
			if m.cfg.Markers {
				t.Head++
				t.K[i] = Rec{Seq: t.Head, Kind: Marker, Time: s.Now}
			}
			emit(act(ActAgeOut), t)
		}
	}
	for i, r := range s.K {
		if r.Kind == Marker && s.Now >= r.Time+m.b.TTL {
			t := s
			t.K[i] = Rec{}
			if r.Seq > s.Frontier {
				t.LostBy = LostLag
				if !s.Up {
					t.LostBy = LostDown
				}
			}
			emit(act(ActExpireMarker), t)
		}
	}
	if s.Now < m.b.MaxTime {
		t := s
		t.Now++
		emit(act(ActTick), t)
	}
	if s.Up && s.Crashes < m.b.MaxCrashes {
		t := s
		t.Up = false
		t.Crashes++
		emit(act(ActCrash), t)
	}
	if !s.Up && !s.Refused {
		t := s
		if m.guarded() && m.lost(s) {
			t = resync(s, ResyncOnResume)
		}
		t.Up = true
		emit(act(ActResume), t)
	}
	key, pending := next(s)
	if s.Up && pending {
		emit(act(ActDeliver), m.deliver(s, key))
	}
	if s.Up && !pending && m.guarded() && s.Contact != s.Now {
		t := s
		if m.cfg.Mode != NoLiveCheck && m.lost(s) {
			t = resync(s, ResyncLive)
		} else {
			t.Contact = m.advance(s, s.Now)
		}
		emit(act(ActCaughtUp), t)
	}
}

// deliver is the watch delivering key's record, checked against the contact first.
func (m *Model) deliver(s State, key int) State {
	if m.guarded() && m.cfg.Mode != NoLiveCheck && m.lost(s) {
		return resync(s, ResyncLive)
	}
	r := s.K[key]
	t := s
	t.FLive[key] = r.Kind == Put
	t.Frontier = r.Seq
	t.How = DeliveredPut
	if r.Kind == Marker {
		t.How = DeliveredMarker
	}
	if m.guarded() {
		evidence := r.Time
		if m.cfg.Mode == ContactAtReadTime {
			evidence = s.Now
		}
		t.Contact = m.advance(s, evidence)
	}
	return t
}

// advance asks the contact kernel, clamping a mutant's answer to the clock's range.
func (m *Model) advance(s State, evidence uint8) uint8 {
	return uint8(min(max(m.k.Advance(int64(s.Contact), int64(evidence)), 0), int64(m.b.MaxTime)))
}

// agrees reports whether the fold holds exactly the keys the bucket holds.
func agrees(s State) bool {
	for i, r := range s.K {
		if s.FLive[i] != (r.Kind == Put) {
			return false
		}
	}
	return true
}

// enabled reports whether any action is enabled in s.
func (m *Model) enabled(s State) bool {
	any := false
	m.Next(s, func(check.Action, State) { any = true })
	return any
}
