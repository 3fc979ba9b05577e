package check

import (
	"fmt"
	"strings"
)

// Step is one transition of a trace: the action taken and the state after it.
type Step[S any] struct {
	Action Action
	State  S
}

// Trace is a path from an initial state: Init, then one Step per action. Len() actions long.
type Trace[S any] struct {
	Init  S
	Steps []Step[S]
}

// Len returns the number of actions in the trace.
func (t Trace[S]) Len() int { return len(t.Steps) }

// Last returns the final state of the trace (Init for an empty trace).
func (t Trace[S]) Last() S {
	if len(t.Steps) == 0 {
		return t.Init
	}
	return t.Steps[len(t.Steps)-1].State
}

// Actions returns the trace's actions in order.
func (t Trace[S]) Actions() []Action {
	as := make([]Action, len(t.Steps))
	for i, st := range t.Steps {
		as[i] = st.Action
	}
	return as
}

// String formats the trace like TLC: numbered steps, each with the state after it.
func (t Trace[S]) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "  0: <Initial state>\n       %v\n", t.Init)
	for i, st := range t.Steps {
		fmt.Fprintf(&b, "%3d: %v\n       %v\n", i+1, st.Action, st.State)
	}
	return b.String()
}

// trace rebuilds the shortest trace to state id by walking parent links back to an initial
// state and replaying the recorded emission ordinals forward through Next.
func (e *engine[S]) trace(id uint32) Trace[S] {
	var ords []uint8
	for e.parents[id] != noParent {
		ords = append(ords, e.acts[id])
		id = e.parents[id]
	}
	tr := Trace[S]{Init: e.inits[e.rootInit[id]]}
	s := tr.Init
	for i := len(ords) - 1; i >= 0; i-- {
		want := int(ords[i])
		n := 0
		var step Step[S]
		found := false
		e.m.Next(s, func(a Action, t S) {
			if n == want {
				step = Step[S]{Action: a, State: t}
				found = true
			}
			n++
		})
		if !found {
			panic(fmt.Sprintf("check: replaying a trace, state %v emitted %d successors but the search recorded ordinal %d: Next is not deterministic", s, n, want))
		}
		tr.Steps = append(tr.Steps, step)
		s = step.State
	}
	return tr
}

// retrace rebuilds the traces of a Lean run by a second, tracked search bounded to the deepest
// discovery; the search is deterministic, so it rediscovers the same states.
func (e *engine[S]) retrace(res *Result[S]) {
	deepest := -1
	for i := range e.disc {
		if e.disc[i].found {
			deepest = max(deepest, e.disc[i].depth)
		}
	}
	if deepest < 0 {
		return
	}
	opts := e.opts
	opts.Progress = nil
	r := newEngine(e.m, opts, true)
	r.bound = deepest
	r.run()
	for i := range e.disc {
		if !e.disc[i].found {
			continue
		}
		d := r.disc[i]
		if !d.found || d.state != e.disc[i].state || d.depth != e.disc[i].depth {
			panic(fmt.Sprintf("check: the bounded re-run did not rediscover property %q at depth %d: the model is not deterministic", e.props[i].Name, e.disc[i].depth))
		}
		tr := r.trace(d.id)
		res.Properties[i].Trace = &tr
	}
}

// Replay re-executes tr against m independently of the search: its Init must be one of
// m.Init(), and each step's action (by name and actor) must be enabled in the previous state
// and produce exactly the step's state. It returns the first mismatch, or nil.
func Replay[S comparable](m Model[S], tr Trace[S]) error {
	found := false
	for _, s := range m.Init() {
		if s == tr.Init {
			found = true
			break
		}
	}
	if !found {
		return fmt.Errorf("trace starts at %v, which is not an initial state of the model", tr.Init)
	}
	s := tr.Init
	for i, st := range tr.Steps {
		var enabled []Action
		matched := false
		m.Next(s, func(a Action, t S) {
			enabled = append(enabled, a)
			if a == st.Action && t == st.State {
				matched = true
			}
		})
		if !matched {
			return fmt.Errorf("step %d: action %v from state %v does not produce %v (enabled: %v)", i+1, st.Action, s, st.State, enabled)
		}
		s = st.State
	}
	return nil
}
