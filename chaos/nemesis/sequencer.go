package nemesis

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Event is one line of the nemesis log: a fault injected or healed before operation Op.
type Event struct {
	Op     int64  `json:"op"`              // operation number handed out next
	Action string `json:"action"`          // "inject" or "heal"
	Fault  Fault  `json:"fault"`           // the scheduled fault
	Node   int    `json:"node"`            // the node acted on (the leader resolved), -1 for none
	At     int64  `json:"at_ns"`           // when, on the history's clock
	Err    string `json:"error,omitempty"` // the action's error, if it failed
}

// String describes the event in one line.
func (e Event) String() string {
	s := fmt.Sprintf("op %d: %s %s", e.Op, e.Action, e.Fault.Kind)
	if e.Node >= 0 {
		s += fmt.Sprintf(" n%d", e.Node+1)
	}
	if e.Err != "" {
		s += " (failed: " + e.Err + ")"
	}
	return s
}

// SequencerOptions configures a Sequencer.
type SequencerOptions struct {
	Plan   *Plan         // nil: no faults
	Target Target        // required with a Plan
	Rate   float64       // operations per second handed out; <= 0: unlimited
	Clock  func() int64  // the history's clock, for Event.At
	Health time.Duration // bound on the wait for a healthy cluster before each injection
	OnLog  func(e Event) // called for every event (progress output), may be nil
	// OnNote receives other progress lines (a slow recovery before a fault), may be nil.
	OnNote func(line string)
}

// Sequencer hands out operation numbers (tickets) to the workload's clients and injects and
// heals faults between two tickets: every ticket below a fault's At is handed out before it is
// injected, and none at or above it until the injection has returned.
type Sequencer struct {
	opts    SequencerOptions
	tickets chan int64
	limiter *rate.Limiter

	mu     sync.Mutex
	events []Event
	issued int64
}

// NewSequencer returns a sequencer; call Run to start handing out tickets.
func NewSequencer(opts SequencerOptions) *Sequencer {
	lim := rate.NewLimiter(rate.Inf, 1)
	if opts.Rate > 0 {
		lim = rate.NewLimiter(rate.Limit(opts.Rate), 1)
	}
	if opts.Clock == nil {
		start := time.Now()
		opts.Clock = func() int64 { return int64(time.Since(start)) }
	}
	if opts.Health == 0 {
		opts.Health = time.Minute
	}
	return &Sequencer{opts: opts, tickets: make(chan int64), limiter: lim}
}

// Tickets is the channel clients take operation numbers from; it closes when Run returns.
func (s *Sequencer) Tickets() <-chan int64 { return s.tickets }

// Issued returns how many tickets have been handed out.
func (s *Sequencer) Issued() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.issued
}

// Events returns the log so far.
func (s *Sequencer) Events() []Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Event(nil), s.events...)
}

// ErrUnhealthy: the cluster did not become healthy before a scheduled injection.
var ErrUnhealthy = errors.New("nemesis: cluster not healthy before the next fault")

// Run hands out tickets until ctx ends, injecting and healing faults at their points. When ctx
// ends it heals the fault in progress (if any) and closes the ticket channel. It returns
// ErrUnhealthy (wrapped) if the cluster did not recover between two faults; the fault schedule
// stops there but tickets keep flowing until ctx ends.
func (s *Sequencer) Run(ctx context.Context) error {
	defer close(s.tickets)
	var (
		cur    Fault
		have   bool
		active bool // cur has been injected and not yet healed
		node   int
		runErr error
	)
	if s.opts.Plan != nil {
		cur, have = s.opts.Plan.Next()
	}
	for n := int64(0); ; n++ {
		if have && active && n == cur.Heal {
			s.act(n, "heal", cur, node, heal(s.opts.Target, cur.Kind, node))
			active = false
			cur, have = s.opts.Plan.Next()
		}
		if have && !active && n == cur.At {
			hctx, cancel := context.WithTimeout(ctx, s.opts.Health)
			waitStart := time.Now()
			err := s.opts.Target.WaitHealthy(hctx)
			cancel()
			if d := time.Since(waitStart); (d > 2*time.Second || err != nil) && ctx.Err() == nil && s.opts.OnNote != nil {
				s.opts.OnNote(fmt.Sprintf("op %d: waited %v for a healthy cluster before %s (error: %v)", n, d.Round(time.Millisecond), cur.Kind, err))
			}
			if err != nil {
				if ctx.Err() != nil {
					return nil
				}
				runErr = fmt.Errorf("%w (before %s): %w", ErrUnhealthy, cur, err)
				have = false
			} else {
				node = cur.Node
				if node == LeaderTarget {
					node = s.opts.Target.StreamLeader(ctx)
				}
				if node < 0 && cur.Kind != StepDown {
					node = 0 // no leader right now: fall back to the first node
				}
				s.act(n, "inject", cur, node, inject(ctx, s.opts.Target, cur.Kind, node))
				active = cur.Kind != StepDown
				if !active {
					cur, have = s.opts.Plan.Next()
				}
			}
		}
		if err := s.limiter.Wait(ctx); err != nil {
			break
		}
		select {
		case s.tickets <- n:
			s.mu.Lock()
			s.issued = n + 1
			s.mu.Unlock()
			continue
		case <-ctx.Done():
		}
		break
	}
	if active {
		s.act(s.Issued(), "heal", cur, node, heal(s.opts.Target, cur.Kind, node))
	}
	return runErr
}

func (s *Sequencer) act(op int64, action string, f Fault, node int, err error) {
	e := Event{Op: op, Action: action, Fault: f, Node: node, At: s.opts.Clock()}
	if f.Kind == StepDown {
		e.Node = -1
	}
	if err != nil {
		e.Err = err.Error()
	}
	s.mu.Lock()
	s.events = append(s.events, e)
	s.mu.Unlock()
	if s.opts.OnLog != nil {
		s.opts.OnLog(e)
	}
}
