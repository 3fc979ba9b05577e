// Package applied is the exhaustive model of the cursor authority of the watch loop's flush
// path (impl/applied.Run): a persisted cursor C implies every update with revision <= C is in
// the store. Its base model is a port of the Stateright model of the same loop in the Rust
// crate Slipstream began as (variables, actions, their order and property names unchanged, so
// counts and traces compare one to one); it is run by model/check and mirrored by
// spec/tla/AppliedCursor.tla.
//
// # Base model
//
// Bound MaxRev (5): bucket revisions 1..MaxRev. State: Head (bucket high-water), Delivered
// (revisions handed to the loop), StoreCursor (the persisted cursor; a restart resumes here),
// QFrom (the loop holds the raw updates (QFrom, Delivered]), AppliedMem (the in-memory applied
// cursor), Holes (latched when the store's cursor claims data it lacks). Actions, enabled in
// this order: Churn, Deliver, FlushOk, FlushFail, CrashRestart. Mutations: DropFailedBatch
// (the failed raw batch is dropped instead of re-queued) and ResumeFromMemApplied (a restart
// resumes from the in-memory cursor instead of the store's).
//
// # Kernels
//
// The flush path's decisions go through the production kernels of package protocol, held in
// a Kernels value whose defaults are those functions:
//
//   - FlushOk and FlushFail compute the cursor the flush claims by folding protocol.BatchHigh
//     over the version tokens of the pending batch (8-byte big-endian revisions, as in
//     production); with every version known this is Delivered, the base model's value.
//   - FlushFail builds the pending batch after the failure with protocol.Requeue(failed,
//     newer), newer being empty (the loop waits for the store). With the production kernel
//     QFrom stays (the base model's re-queue); the DropFailedBatch mutation is exactly the
//     re-queue kernel replaced by one that drops the failed batch (MutRequeueDrop), which
//     sets QFrom = Delivered as the base model's mutation does.
//   - With the FailStop extension, every store apply outcome goes through
//     protocol.StoreFailure.
//
// # Extensions (not in the base model; each off by default, each with its own configuration)
//
// UnknownVersions exercises protocol.BatchHigh on unknown versions. It adds the variable
// Unknown (an update without a position — a resync's synthetic delete — is pending in the
// raw batch, behind the positioned updates (QFrom, Delivered]) and the action ReceiveUnknown
// (enabled after Deliver, before FlushOk, when !Unknown: Unknown = TRUE). FlushOk and
// FlushFail are enabled when Delivered > QFrom or Unknown. The flushed batch is the tokens of
// QFrom+1..Delivered followed by an empty token if Unknown; the claimed position is the
// BatchHigh fold over it; if it is empty the flush does not advance (AppliedMem unchanged),
// else AppliedMem = that position. FlushOk then sets StoreCursor = AppliedMem (the store is
// written with the in-memory cursor, as in production), QFrom = Delivered, Unknown = FALSE;
// FlushFail keeps in the batch what Requeue returns. CrashRestart sets Unknown = FALSE. With
// every version known these are the base model's effects. The model fixes the unknown
// update's place at the batch's tail; for the production kernel its place is irrelevant
// (BatchHigh is transparent to unknown versions), so the abstraction is exact for it. Added
// properties: sometimes "an unknown version is pending behind positioned updates".
//
// FailStop exercises protocol.StoreFailure. It adds the variables Streak (consecutive failed
// store applies) and Stopped (the loop has failed the watch). FlushOk sets Streak from
// StoreFailure(Streak, false); FlushFail sets (Streak, Stopped) from StoreFailure(Streak,
// true). While Stopped only Churn and CrashRestart are enabled; CrashRestart sets Streak = 0,
// Stopped = FALSE (a new loop). Added properties: always "the 16th consecutive failed store
// apply, and only it, stops the watch" (Stopped == Streak >= 16) and sometimes "a dead store
// stops the watch".
//
// WatchRestart exercises protocol.WatchRestartAfter, the position an in-place restart of a
// failed watch resumes after (impl/applied Config.WatchRetry). It adds the variables From (the
// position the current chain of watches started after: the resume of the last CrashRestart),
// Skipped (the lowest revision an in-place restart resumed past, which the loop will never
// receive; 0: none) and Restarted (a restart in place happened since the last CrashRestart),
// and the action WatchRestart (after FlushFail, before CrashRestart), enabled while running,
// Skipped = 0 and Delivered < Head: the watch fails while the next revision is in flight,
// received from the server but not handed to the loop. Its resume position is
// WatchRestartAfter(From, Delivered if Delivered > From, else nothing); Delivered becomes it,
// and a position past Delivered sets Skipped = Delivered+1. The loop's pending batch and cursors
// are untouched: the restart is not a crash. FlushOk latches Holes when Skipped is at or below
// the cursor it stores; CrashRestart sets From to its resume, clears Restarted, and clears
// Skipped when the resume is below it (the new watch delivers it again). With the production
// kernel the resume is Delivered, so WatchRestart changes only Restarted: the in-place restart
// continues exactly where the loop's input stopped, which is what Deliver already does; the
// mutation MutRestartPastFrontier (resume one revision past the frontier: the in-flight
// update) must violate store completeness. Added property: sometimes "a watch restarted in
// place resumes ahead of the store's cursor" (where a restart of the loop would resume).
package applied

import (
	"errors"
	"fmt"

	"github.com/slipstream-go/slipstream/protocol"
)

// MaxRev is the base model's bound: bucket revisions 1..MaxRev.
const MaxRev = 5

// FailStopAt is the contract the FailStop extension checks the store-failure kernel against:
// 15 consecutive failed store applies are tolerated, the 16th stops the watch.
const FailStopAt = 16

// Mutation selects a variant of the base model: shipped or one of its two known-bad mutations.
type Mutation uint8

const (
	// Shipped is the production behaviour: a failed batch is re-queued, a restart resumes
	// from the store's cursor.
	Shipped Mutation = iota
	// DropFailedBatch drops a failed raw batch (the pre-fix behaviour); implemented by
	// replacing the re-queue kernel with MutRequeueDrop.
	DropFailedBatch
	// ResumeFromMemApplied resumes a restart from the in-memory applied cursor.
	ResumeFromMemApplied
)

// String returns the variant's name.
func (m Mutation) String() string {
	switch m {
	case Shipped:
		return "Shipped"
	case DropFailedBatch:
		return "DropFailedBatch"
	case ResumeFromMemApplied:
		return "ResumeFromMemApplied"
	}
	return fmt.Sprintf("Mutation(%d)", uint8(m))
}

// Kernels are the production decisions the model runs. DefaultKernels returns the protocol
// functions; a mutation test swaps one for a broken variant.
type Kernels struct {
	BatchHigh    func(high, version []byte) []byte
	StoreFailure func(streak uint, failed bool) (uint, bool)
	Requeue      func(failed, newer [][]byte) [][]byte
	RestartAfter func(start, forwarded []byte) []byte
}

// DefaultKernels returns the production kernels: protocol.BatchHigh, protocol.StoreFailure,
// protocol.Requeue and protocol.WatchRestartAfter.
func DefaultKernels() Kernels {
	return Kernels{
		BatchHigh:    protocol.BatchHigh,
		StoreFailure: protocol.StoreFailure,
		Requeue:      protocol.Requeue[[]byte],
		RestartAfter: protocol.WatchRestartAfter,
	}
}

// Config is one configuration of the model.
type Config struct {
	// MaxRev bounds the bucket's revisions (0 means MaxRev).
	MaxRev uint8
	// Mutation selects the variant.
	Mutation Mutation
	// Properties selects the checked properties.
	Properties PropertySet
	// UnknownVersions, FailStop and WatchRestart enable the extensions described in the package
	// doc.
	UnknownVersions, FailStop, WatchRestart bool
	// Kernels replaces individual kernels; nil fields take the production defaults.
	Kernels Kernels
}

// State is one state of the model: exactly the base model's variables, plus the extension
// variables, which stay zero when their extension is off.
type State struct {
	Head, Delivered, StoreCursor, QFrom, AppliedMem uint8
	Holes                                           bool
	// Extension UnknownVersions.
	Unknown bool
	// Extension FailStop.
	Streak  uint8
	Stopped bool
	// Extension WatchRestart.
	From, Skipped uint8
	Restarted     bool
}

// String formats the state for traces.
func (s State) String() string {
	out := fmt.Sprintf("head=%d delivered=%d store_cursor=%d q_from=%d applied_mem=%d holes=%v",
		s.Head, s.Delivered, s.StoreCursor, s.QFrom, s.AppliedMem, s.Holes)
	if s.Unknown {
		out += " unknown_pending"
	}
	if s.Streak > 0 || s.Stopped {
		out += fmt.Sprintf(" streak=%d stopped=%v", s.Streak, s.Stopped)
	}
	if s.From > 0 || s.Skipped > 0 || s.Restarted {
		out += fmt.Sprintf(" from=%d skipped=%d restarted=%v", s.From, s.Skipped, s.Restarted)
	}
	return out
}

// Model is the applied-cursor model for one Config.
type Model struct {
	cfg Config
	k   Kernels
}

// ErrKernelConflict is returned by New when a configuration supplies a re-queue kernel and
// also selects DropFailedBatch, which is itself a re-queue kernel (MutRequeueDrop): the model
// would have to ignore one of the two.
var ErrKernelConflict = errors.New("applied model: the DropFailedBatch mutation sets the re-queue kernel, so Config.Kernels.Requeue must be nil; drop one of the two")

// New returns the model for cfg, with nil kernels replaced by the production ones and, under
// DropFailedBatch, the re-queue kernel replaced by MutRequeueDrop. It refuses a configuration
// that supplies its own re-queue kernel under DropFailedBatch (ErrKernelConflict) rather than
// silently run a kernel the caller did not ask for.
func New(cfg Config) (*Model, error) {
	if cfg.MaxRev == 0 {
		cfg.MaxRev = MaxRev
	}
	k, d := cfg.Kernels, DefaultKernels()
	if cfg.Mutation == DropFailedBatch {
		if k.Requeue != nil {
			return nil, ErrKernelConflict
		}
		k.Requeue = MutRequeueDrop
	}
	if k.BatchHigh == nil {
		k.BatchHigh = d.BatchHigh
	}
	if k.StoreFailure == nil {
		k.StoreFailure = d.StoreFailure
	}
	if k.Requeue == nil {
		k.Requeue = d.Requeue
	}
	if k.RestartAfter == nil {
		k.RestartAfter = d.RestartAfter
	}
	return &Model{cfg: cfg, k: k}, nil
}

// MustNew is New for configurations known to be valid; it panics on an invalid one.
func MustNew(cfg Config) *Model {
	m, err := New(cfg)
	if err != nil {
		panic(err)
	}
	return m
}

// Init returns the single initial state: everything 0, no holes.
func (m *Model) Init() []State { return []State{{}} }
