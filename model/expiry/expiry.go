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

import "github.com/slipstream-go/slipstream/protocol"

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
