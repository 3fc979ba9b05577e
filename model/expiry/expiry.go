// Package expiry is the exhaustive model of keys removed by age beside the watch loop
// (impl/applied with impl/natsstore), run by model/check and mirrored by spec/tla/Expiry.tla.
// Its decisions are the production kernels of package protocol (ExpiryAdmit,
// ExpiryContactLost, ExpiryContactAdvance).
//
// The server removes a key's last record by age (MaxAge or a per-key TTL). With subject delete
// markers on it writes a marker in its place, which the watch delivers as a purge; without
// them the key just vanishes and no watch can see it. The marker expires after the marker TTL,
// from the middle of the stream, so a consumer that was down, or lagged, for that long skips it
// and nothing tells it so. The fix: refuse buckets that age keys out without markers
// (ExpiryAdmit), keep a contact time (a time at which everything the stream held was folded:
// the stream stamp of the last folded record, or the time the watch was seen caught up), and
// take the key-diff resync whenever ExpiryContactLost says a marker may have expired unseen —
// on a resume, before folding a delivery, and before refreshing the contact when caught up.
//
// # Scope and state
//
// Two keys (Keys) in a bucket keeping one record per key; a clock that ticks (Now, 1..MaxTime)
// and a marker TTL (TTL ticks). Bounds (Bounds): MaxPuts puts, MaxCrashes consumer crashes.
// Age-out may happen at any time after a put (an over-approximation of MaxAge; only the marker
// TTL matters to the fix). The resync is atomic (its ordering is model resync's). State: Now;
// Puts; Head (the stream's last sequence); K (each key's record: sequence, kind, stream stamp);
// FLive (each key is in the fold); Frontier (the fold's cursor); Contact; Up (the consumer
// runs); Refused (ExpiryAdmit refused the bucket: the consumer never starts); Crashes; LostBy (a
// marker above the frontier expired while the consumer was down or lagging); How (what last
// changed the fold: a delivered put or marker, a resync on resume or on the live watch).
//
// # Actions (in this order)
//
// Put (a write of a key, stamped Now); AgeOut (a key's put removed by age, a marker stamped Now
// in its place when markers are on); ExpireMarker (a marker removed once Now >= stamp + TTL);
// Tick; Crash; Resume (a resync when the contact is lost, else the watch resumes at the cursor);
// Deliver (the watch delivers the lowest record above the frontier; a resync instead when the
// contact is lost); CaughtUp (nothing above the frontier: refresh the contact to Now, or resync
// when it is lost).
package expiry

import (
	"fmt"

	"github.com/slipstream-go/slipstream/model/check"
	"github.com/slipstream-go/slipstream/protocol"
)

// Bounds are the model's constants. The zero value takes DefaultBounds.
type Bounds struct {
	// MaxTime is the last tick of the clock (it starts at 1); TTL the marker TTL in ticks.
	MaxTime, TTL uint8
	// MaxPuts bounds the writes (of any key), MaxCrashes the consumer's crashes.
	MaxPuts, MaxCrashes uint8
}

// DefaultBounds are the default tier's bounds: enough time for a marker to be written, outlive
// a downtime and expire, two writes and one crash.
var DefaultBounds = Bounds{MaxTime: 5, TTL: 2, MaxPuts: 2, MaxCrashes: 1}

// Kind is the kind of a key's record in the stream.
type Kind uint8

const (
	// None: the key has no record.
	None Kind = iota
	// Put: the record is a value.
	Put
	// Marker: the record is a subject delete marker left by an age-out.
	Marker
)

// Cause says how a marker above the frontier expired unseen.
type Cause uint8

const (
	// NotLost: no marker expired unseen.
	NotLost Cause = iota
	// LostDown: it expired while the consumer was down.
	LostDown
	// LostLag: it expired while the consumer ran but had not read it.
	LostLag
)

// How is what last changed the fold.
type How uint8

const (
	// Nothing changed the fold yet.
	Nothing How = iota
	// DeliveredPut: the watch delivered a put.
	DeliveredPut
	// DeliveredMarker: the watch delivered a marker (folded as a delete).
	DeliveredMarker
	// ResyncOnResume: a resume found the contact lost and resynced.
	ResyncOnResume
	// ResyncLive: the running watch found the contact lost and resynced.
	ResyncLive
)

// Mode chooses the variant.
type Mode uint8

const (
	// Shipped: admission, contact checks on resume, delivery and caught-up refresh.
	Shipped Mode = iota
	// NoFix is the consumer before the fix: no admission, no contact (the hazards).
	NoFix
	// ContactAtReadTime advances the contact on a delivery with the time it was read instead
	// of the record's stamp (a call-site mutation).
	ContactAtReadTime
	// NoLiveCheck checks the contact on a resume only (a call-site mutation).
	NoLiveCheck
)

// Kernels are the decisions the model takes from package protocol; nil fields take the
// production kernels, mutants replace them.
type Kernels struct {
	Admit   func(agesOut, markers, acceptDivergence bool) protocol.ExpiryPolicy
	Lost    func(contact, now, markerTTL int64) bool
	Advance func(contact, evidence int64) int64
}

// Config is one configuration of the model.
type Config struct {
	// Markers: the bucket writes subject delete markers.
	Markers bool
	Mode    Mode
	Kernels Kernels
	// Bounds are the constants; zero takes DefaultBounds.
	Bounds Bounds
	// Properties selects the checked properties.
	Properties PropertySet
}

// Keys is the number of keys in the model's bucket. Two are needed: a delivery of one key's
// record is evidence about the stream only up to its stamp, while another key's later marker
// may still be pending (mutation ContactAtReadTime is caught only with a second key).
const Keys = 2

// Rec is a key's record in the stream: its sequence, kind and stream stamp (0, None, 0 when the
// key has none).
type Rec struct {
	Seq  uint8
	Kind Kind
	Time uint8
}

// State is one state of the model.
type State struct {
	Now, Puts, Head   uint8
	K                 [Keys]Rec
	FLive             [Keys]bool
	Frontier, Contact uint8
	Up, Refused       bool
	Crashes           uint8
	LostBy            Cause
	How               How
}

// String formats the state for traces.
func (s State) String() string {
	return fmt.Sprintf("now=%d puts=%d head=%d k=%v fold=%v frontier=%d contact=%d up=%v refused=%v crashes=%d lostBy=%d how=%d",
		s.Now, s.Puts, s.Head, s.K, s.FLive, s.Frontier, s.Contact, s.Up, s.Refused, s.Crashes, s.LostBy, s.How)
}

// Model is the expiry model for one Config.
type Model struct {
	cfg Config
	k   Kernels
	b   Bounds
}

// New returns the model for cfg.
func New(cfg Config) *Model {
	k := cfg.Kernels
	if k.Admit == nil {
		k.Admit = protocol.ExpiryAdmit
	}
	if k.Lost == nil {
		k.Lost = protocol.ExpiryContactLost
	}
	if k.Advance == nil {
		k.Advance = protocol.ExpiryContactAdvance
	}
	b := cfg.Bounds
	if b == (Bounds{}) {
		b = DefaultBounds
	}
	return &Model{cfg: cfg, k: k, b: b}
}

// guarded reports whether the consumer keeps a contact time.
func (m *Model) guarded() bool { return m.cfg.Mode != NoFix }

// Init returns the single initial state: an empty bucket, an empty fold caught up at time 1, or
// refused when admission refuses the bucket (the model's bucket always ages keys out).
func (m *Model) Init() []State {
	s := State{Now: 1, Contact: 1, Up: true}
	if m.guarded() && m.k.Admit(true, m.cfg.Markers, false) == protocol.ExpiryRefused {
		s.Up, s.Refused = false, true
	}
	return []State{s}
}

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
