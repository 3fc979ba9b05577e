// Package watchstall is the exhaustive model of the stall detector of a watch (impl/natsstore,
// stall.go), run by model/check and mirrored by spec/tla/WatchStall.tla. Its decision is the
// production kernel protocol.WatchStall, called as the watch's backstop probe calls it.
//
// A watch's consumer may keep answering heartbeats yet stop delivering: it lost a delivery that
// never arrives (the last one, so nothing after it shows the gap) or it is paused. The detector
// ends such a watch (ErrWatchStalled) so that it resumes from its cursor; it must never end a
// watch that has everything in its scope, nor a slow one that keeps receiving.
//
// # Scope and state
//
// A stream of at most MaxWrites writes, each in the watch's scope or on another key; a clock
// Now in 0..MaxTime; a probe every Period ticks, forced (the clock does not pass a probe tick
// before its probe ran); a stall window of Window ticks. State: Now; Probed (this tick's probe
// ran); Seq (the stream's last sequence); InLast (the last record in scope); Out (bit s-1 set
// when sequence s is on another key); the consumer's position Pos; the watch's last received
// revision Recv and receipt count Count; Lost (the consumer dropped a delivery: its position
// moved past a record the watch never received); Paused; Quiet (the tick since which the watch
// has been behind its scope receiving nothing, 0 when it is not behind); the kernel's Streak;
// Stalled (the watch ended: nothing further happens).
//
// # Actions (in this order)
//
// WriteIn (a write in scope); WriteOut (a write of another key); Deliver (the consumer delivers
// the next record in scope after its position); Lose (it drops that delivery, at most once);
// Pause; Unpause; Probe (the backstop probe: behind is "the last record in scope is after the
// last revision received", read from the stream; the kernel decides); Tick.
package watchstall

import (
	"fmt"

	"github.com/slipstream-go/slipstream/protocol"
)

// Bounds are the model's constants. The zero value takes DefaultBounds.
type Bounds struct {
	// MaxTime is the clock's last tick (it starts at 0); MaxWrites bounds the stream's writes.
	MaxTime, MaxWrites uint8
	// Window is the stall window, Period the probe period, both in ticks (Period >= 1).
	Window, Period uint8
}

// DefaultBounds: a probe every tick, a two-tick window, and time for a write, a lost delivery
// and a full window of evidence after it.
var DefaultBounds = Bounds{MaxTime: 6, MaxWrites: 3, Window: 2, Period: 1}

// SlowProbeBounds probe every other tick with a three-tick window, so the evidence may start
// between probes and the window is not a multiple of the period.
var SlowProbeBounds = Bounds{MaxTime: 8, MaxWrites: 3, Window: 3, Period: 2}

// Mode chooses the call site.
type Mode uint8

const (
	// Shipped: behind means the last record in scope is after the last revision received.
	Shipped Mode = iota
	// BehindByLast judges behind by the stream's last sequence instead of the last record in
	// scope (a call-site mutation): a caught-up watch trips when other keys are written.
	BehindByLast
)

// Kernels are the decision the model takes from package protocol; a nil Stall takes
// protocol.WatchStall, mutants replace it.
type Kernels struct {
	Stall func(streak protocol.StallStreak, behind bool, received uint64, now, window int64) (protocol.StallStreak, bool)
}

// Config is one configuration of the model.
type Config struct {
	Mode    Mode
	Kernels Kernels
	// Bounds are the constants; zero takes DefaultBounds.
	Bounds Bounds
}

// State is one state of the model (see the package documentation).
type State struct {
	Now              uint8
	Probed           bool
	Seq, InLast, Out uint8
	Pos, Recv, Count uint8
	Lost, Paused     bool
	Quiet            uint8
	Streak           protocol.StallStreak
	Stalled          bool
}

// String formats the state for traces.
func (s State) String() string {
	since, open := s.Streak.Open()
	return fmt.Sprintf("now=%d probed=%v seq=%d in_last=%d out=%03b pos=%d recv=%d count=%d lost=%v paused=%v quiet=%d streak_open=%v since=%d stalled=%v",
		s.Now, s.Probed, s.Seq, s.InLast, s.Out, s.Pos, s.Recv, s.Count, s.Lost, s.Paused, s.Quiet, open, since, s.Stalled)
}

// Behind reports whether the stream holds a record in the watch's scope after the last
// revision the watch received.
func (s State) Behind() bool { return s.InLast > s.Recv }

// Model is the stall-detector model for one Config.
type Model struct {
	cfg Config
	k   Kernels
	b   Bounds
}

// New returns the model for cfg, a nil kernel replaced by the production one.
func New(cfg Config) *Model {
	k := cfg.Kernels
	if k.Stall == nil {
		k.Stall = protocol.WatchStall
	}
	b := cfg.Bounds
	if b == (Bounds{}) {
		b = DefaultBounds
	}
	if b.Period == 0 {
		panic("watchstall model: Bounds.Period must be at least 1")
	}
	return &Model{cfg: cfg, k: k, b: b}
}

// Init returns the single initial state: an empty stream, a watch with nothing to receive.
func (m *Model) Init() []State { return []State{{}} }
