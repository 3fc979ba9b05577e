// Package check is Slipstream's exhaustive explicit-state model checker.
//
// A model is a transition system over a comparable state type S: its initial states, a
// successor function that emits one (Action, successor) pair per enabled action in a fixed
// order, and a list of properties. Run explores every reachable state breadth first and reports
// a verdict per property:
//
//   - Always: the predicate holds in every reachable state, initial states included. A
//     violation comes with a shortest trace (breadth-first order guarantees no shorter one).
//   - Sometimes: some reachable state satisfies the predicate (a witness, with a shortest trace).
//     A Sometimes property that is never reached fails the run: it proves the model can express
//     the hazard or behaviour it names, and that the bounds do not clip it.
//   - Terminal: every reachable state with no enabled action satisfies the predicate. This is
//     liveness stated as a terminal-state invariant ("every maximal run ends …"): a retry cycle
//     is not a terminal state, so it cannot satisfy the property vacuously, and any deadlock,
//     stuck failure state or wrong end state violates it.
//
// # Counting (Stateright's semantics)
//
// Distinct is the number of unique states reached. Generated is the number of initial states
// plus every successor produced by every expanded state, duplicates included — what Stateright
// prints as "states" and TLC as "states generated". With the default exploration (ExploreAll),
// every reachable state is expanded, so both counts are properties of the model alone:
// they do not depend on the number of workers or on scheduling, and Distinct equals TLC's
// "distinct states found" for a TLA+ spec with the same variables, domains and actions.
//
// # Algorithm
//
// The search is level-synchronous breadth-first. Each level is expanded in parallel in
// fixed-size chunks (phase 1: evaluate properties, generate successors, fingerprint them and
// keep, as 16-byte candidates (fingerprint, parent number, action ordinal), those not seen at
// an earlier level); the candidates are then inserted into the seen-set in parallel by
// disjoint shard groups, in generation order (phase 2); and the accepted ones, in generation
// order, are regenerated from their parents by replaying Next and form the next level
// (phase 3). The level order is exactly that of a sequential FIFO breadth-first search, and
// since chunking and sharding do not depend on the worker count, the state chosen as each
// discovery and the trace reported for it are the same for any Workers value (and any
// fingerprint function). Memory per level is the frontier of full states plus 16 bytes per
// candidate; a state's number is its position in the search order.
//
// States are deduplicated by a 64-bit fingerprint kept in a sharded open-addressing table of
// bare uint64 keys (8 bytes per slot, load at most 3/4), never by a Go map of full states.
// Fingerprints are maphash.Comparable of the state under a seed fixed for the process, or, if
// the model implements Fingerprinter, the model's own 64-bit encoding passed through a
// bijective mixer (an injective encoding then cannot collide at all).
//
// Hash collisions: as in TLC, two distinct states with equal fingerprints would be merged and
// the second one's successors possibly never explored. Result.CollisionProbability reports
// TLC's optimistic estimate n·(g−n)/2⁶⁴ (n distinct, g generated): about 2e-7 for a million
// states, but 6e-3 for the 154M-state deep export/import run. A model whose states fit in 64
// bits should therefore supply an injective Fingerprinter and say so (InjectiveFingerprinter):
// the estimate is then exactly 0, as it is for every export/import configuration.
//
// Traces: by default every state's parent (a 32-bit state number) and the ordinal of the
// action that produced it are kept (5 bytes per distinct state), and a trace is rebuilt by
// replaying the model from its initial state along those ordinals — so Next must be
// deterministic (same state, same emissions in the same order). In Lean mode nothing per
// state is kept besides its fingerprint; when discoveries need traces, the search is re-run
// with parent links but bounded to the depth of the deepest discovery, and, the search being
// deterministic, it rediscovers the same states and yields the same traces.
package check

import (
	"fmt"
	"io"
	"time"
)

// Action names one transition: a constant Name per action kind and the acting index (exporter,
// node) in Actor, or Actor = -1 when the action has none.
type Action struct {
	Name  string
	Actor int
}

// String formats the action as "Name(actor)", or just "Name" when Actor is negative.
func (a Action) String() string {
	if a.Actor < 0 {
		return a.Name
	}
	return fmt.Sprintf("%s(%d)", a.Name, a.Actor)
}

// Kind is the kind of a property: Always, Sometimes or Terminal.
type Kind uint8

const (
	// Always holds in every reachable state, initial states included.
	Always Kind = iota
	// Sometimes holds in some reachable state (a witness); never reached means the run fails.
	Sometimes
	// Terminal holds in every reachable state with no enabled action (liveness as a
	// terminal-state invariant: retry cycles cannot satisfy it vacuously).
	Terminal
)

// String returns "always", "sometimes" or "terminal".
func (k Kind) String() string {
	switch k {
	case Always:
		return "always"
	case Sometimes:
		return "sometimes"
	case Terminal:
		return "terminal"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// Property is a named predicate over states, checked according to its Kind. Holds must be a
// pure function of the state.
type Property[S any] struct {
	Name  string
	Kind  Kind
	Holds func(S) bool
}

// Model is a finite transition system the checker explores.
//
// Init returns the initial states (duplicates are allowed and counted in Generated). Next calls
// emit once per enabled action, in a fixed order, with the successor state; it must be
// deterministic, because traces are rebuilt by replaying it. Properties lists the properties to
// check; their names must be unique.
type Model[S comparable] interface {
	Init() []S
	Next(s S, emit func(Action, S))
	Properties() []Property[S]
}

// Fingerprinter may be implemented by a Model to supply its own 64-bit state encoding instead
// of the generic maphash.Comparable hash. The checker mixes the value with a bijection before
// use, so an injective encoding (distinct states → distinct values, all below MaxUint64)
// rules out fingerprint collisions entirely. Equal states must give equal values.
type Fingerprinter[S comparable] interface {
	Fingerprint(S) uint64
}

// InjectiveFingerprinter may be implemented by a Fingerprinter whose encoding is injective on
// the model's states (a mixed-radix number of the state, say). When FingerprintInjective
// reports true, no fingerprint collision is possible and the result says so instead of
// estimating a collision probability.
type InjectiveFingerprinter interface {
	FingerprintInjective() bool
}

// Exploration chooses when the search stops.
type Exploration uint8

const (
	// ExploreAll (the default) expands every reachable state, even after every property has a
	// discovery, so Distinct and Generated are deterministic and equal TLC's counts.
	ExploreAll Exploration = iota
	// StopWhenAllDiscovered stops at the end of the first level after which every property
	// has a discovery (a counterexample or a witness), as Stateright does (Stateright stops
	// mid-level, so its counts can be lower). Result.Complete is then false, and Result.Left the
	// states found but not expanded, unless the stop came at the last level and left none.
	StopWhenAllDiscovered
)

// Options tunes a run. The zero value is valid: all cores, no progress output, full
// exploration, parent links kept.
type Options struct {
	// Workers is the number of goroutines expanding states; 0 means runtime.GOMAXPROCS(0).
	// Results (counts, verdicts and traces) do not depend on it.
	Workers int
	// Progress, when non-nil, receives a TLC-like progress line every ProgressInterval
	// (default 10s) and one at the end of the search.
	Progress         io.Writer
	ProgressInterval time.Duration
	// Exploration chooses when the search stops; the zero value is ExploreAll.
	Exploration Exploration
	// Lean keeps only fingerprints per state (8 bytes per table slot) and re-derives traces
	// with a second search bounded to the deepest discovery. Use it for deep runs.
	Lean bool
	// MaxDepth, when positive, bounds the search to states at most MaxDepth actions from an
	// initial state. A run the bound clipped is not complete (Result.Left states were found
	// beyond it) and says so in its report.
	MaxDepth int
	// Label names the run in reports and progress lines (e.g. the configuration name).
	Label string
}
