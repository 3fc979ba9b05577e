// Package floorguard is the exhaustive model of retention overrunning a watch, and of the live
// floor guard that turns it into a failed watch and a resync. Its base
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
// FloorGuardTrips calls protocol.ResumeWindowOK, the kernel the base model's gate uses. Every
// use of FloorGuardTrips is conjoined with FloorGuardRequired of the configured retention
// (true for LimitEviction, so the base model is unchanged).
//
// # Guard modes
//
// Guarded is the shipped watch. Unguarded is the pre-guard code (no probe, no GuardRepair).
// PeriodicOnly is a rejected design, kept to show why: GuardRepair remains as a timer action,
// but Deliver is not gated, so deliveries can move the frontier past the gap and erase the
// evidence before the timer fires. GapOnly is the other half alone: in-band probes, no timer;
// on a filtered scope an eviction followed only by other keys' writes is never seen.
//
// # Extensions (this port's; the base model is the All-scope resume watch)
//
// Each is a Config flag; off, its variables keep their initial values, so the base
// configurations' counts are the ported model's.
//
//   - Filtered adds ChurnOut, a write outside the scope (Out records which revisions): the
//     consumer skips those, so deliveries are sparse. Pos, the consumer's position, is then
//     tracked apart from Frontier.
//
//   - StateSync starts with no watch: StartWatch creates it (SnapEnd = Head, Frontier =
//     FloorGuardStart(0, Floor+1, Head)); the consumer first delivers the last record per key
//     up to SnapEnd (the sentinel's marker, and one other in-scope key's last write), skipping
//     evicted ones, then every in-scope write after SnapEnd. Compact is held off until the
//     watch exists: a key evicted between a resync's listing and the watch's creation is the
//     resync's to close, not the guard's.
//
//   - Advance adds Probe (a probe that does not trip: Frontier = FloorGuardAdvance(Frontier,
//     Last, Caught), then Last = Head) and CaughtUp (Caught, when the consumer has nothing to
//     deliver and Last > Frontier). GuardRepair also resets Pos, SnapEnd, Last and Caught.
//
//   - Retention SupersessionOnly is a stream without limits (a default history-1 bucket):
//     Compact may evict the record at the first sequence only when that record is superseded,
//     its key having a newer record in the stream (every in-scope write other than the marker
//     goes to one key, every out-of-scope write to another, which makes supersession as
//     frequent as it can be). The sentinel's marker is its key's last record, so it is never
//     evicted. Supersession also removes records inside the stream, which the consumer skips;
//     those are superseded records of the other keys, whose delivery never changes the fold's
//     sentinel, so only the prefix is modelled. Whether the guard may trip at all is the
//     production kernel FloorGuardRequired applied to the configured retention; where it says
//     no, the probe still runs (Probe, CaughtUp) but never trips.
//
//   - Resume adds Stop (the watch ends, its cursor the frontier) and Resume (a new watch from
//     that cursor, through the production resume check ResumeAllowed on the first sequence
//     and the retention: accepted, it goes on from the cursor, JetStream silently skipping
//     what was evicted; refused, the fold resyncs as GuardRepair does). Retention evicts only
//     while the watch is stopped and the live guard is off (Mode Unguarded), so the resume
//     check is the only defence checked: with the guard on, a resume wrongly accepted on a
//     stream with a limit would trip at its first gap and hide the broken check (resume.go).
//
// Properties added: "the frontier advances past revisions never delivered, on a caught-up
// proof" (Filtered with Advance), for an unguarded state-sync watch a hazard witness in each
// phase, and with Resume a witness that a resume behind the first sequence goes on without a
// resync (no limit) or is refused and resynced (a limit).
package floorguard

import "fmt"

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
	// GapOnly probes only in-band, at a gapped delivery: no backstop timer, no frontier
	// advance. On a filtered scope an eviction followed only by out-of-scope writes is never
	// seen (mutation LiveFloorGuard_MutGapOnlyFiltered).
	GapOnly
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
	case GapOnly:
		return "GapOnly"
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
	// Extension properties (filtered scope, state-sync watch, frontier advance).
	PropAdvances       = "the frontier advances past revisions never delivered, on a caught-up proof"
	PropHazardSnapshot = "HAZARD reachable: the snapshot phase loses an evicted marker"
	PropHazardLive     = "HAZARD reachable: the live phase of a state-sync watch loses an evicted marker"
	PropSupersededPast = "supersession alone moves the first sequence past the frontier, and no trip follows"
	// Resume extension properties.
	PropResumedBehind = "a resume behind the first sequence goes on without a resync"
	PropResumeRefused = "the resume check refuses a cursor behind the first sequence and the resync repairs the fold"
)

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
	// Filtered adds ChurnOut, writes outside the watch's scope: deliveries become sparse.
	Filtered bool
	// StateSync makes the watch a zero-cursor one: StartWatch creates it (retention is held
	// off before, the resync's listing and the creation being one step), a last-per-key
	// snapshot up to the head at creation is delivered first, then live updates.
	StateSync bool
	// Advance adds the caught-up frontier advance: Probe (a probe that does not trip) and
	// CaughtUp (the consumer seen with nothing pending after the last probe).
	Advance bool
	// Retention is how the stream evicts; the zero value, LimitEviction, is the base model's.
	Retention Retention
	// Resume adds Stop and Resume, the watch stopped and resumed from its cursor through the
	// resume check; retention then evicts only while the watch is stopped (resume.go). It
	// runs on the base model only (no other extension).
	Resume bool
}

// extended reports whether any extension is on; without one the state is the base model's.
func (c Config) extended() bool { return c.Filtered || c.StateSync || c.Advance }

// State is one state of the model: the base model's variables, then the extension's, which keep
// their initial values in a configuration without extensions (so its counts are the base's).
type State struct {
	Head, Floor, DeleteRev, Frontier uint8
	FoldHasKey, Tripped              bool
	// Out has bit r-1 set when revision r was written outside the scope (Filtered).
	Out uint8
	// Pos is the consumer's position, the last revision it delivered (extensions only; the
	// base model's position is Frontier).
	Pos uint8
	// SnapEnd is the head when the state-sync consumer was created: its snapshot covers
	// revisions up to it (StateSync).
	SnapEnd uint8
	// Last is the head read by the guard's last probe (Advance).
	Last uint8
	// Started: the state-sync watch exists (StateSync). Caught: the consumer was seen caught
	// up since the last probe (Advance).
	Started, Caught bool
	// Stopped: the watch is stopped, its cursor the frontier (Resume). Resumed: it was resumed
	// (once per run). Expired: the resume was refused and the fold resynced. Behind: the resume
	// was accepted with the first sequence past the cursor's next revision.
	Stopped, Resumed, Expired, Behind bool
}

// String formats the state for traces.
func (s State) String() string {
	del := "none"
	if s.DeleteRev != 0 {
		del = fmt.Sprint(s.DeleteRev)
	}
	return fmt.Sprintf("head=%d floor=%d delete_rev=%s frontier=%d fold_has_key=%v tripped=%v out=%05b pos=%d snap_end=%d last=%d started=%v caught=%v stopped=%v resumed=%v expired=%v behind=%v",
		s.Head, s.Floor, del, s.Frontier, s.FoldHasKey, s.Tripped, s.Out, s.Pos, s.SnapEnd, s.Last, s.Started, s.Caught, s.Stopped, s.Resumed, s.Expired, s.Behind)
}

// BucketHasKey reports whether the sentinel key is live in the bucket (no delete marker yet).
func (s State) BucketHasKey() bool { return s.DeleteRev == 0 }

// Model is the live floor-guard model for one Config.
type Model struct {
	cfg Config
	k   Kernels
	// required is the Required kernel's verdict on the configured retention: whether the
	// guard may trip at all.
	required bool
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
	if k.Start == nil {
		k.Start = d.Start
	}
	if k.Advance == nil {
		k.Advance = d.Advance
	}
	if k.Required == nil {
		k.Required = d.Required
	}
	if k.Resume == nil {
		k.Resume = d.Resume
	}
	if cfg.Resume && cfg.extended() {
		panic("floorguard model: the Resume extension runs on the base model only")
	}
	return &Model{cfg: cfg, k: k, required: k.Required(cfg.Retention.streamRetention())}
}
