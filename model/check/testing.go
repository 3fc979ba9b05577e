package check

import (
	"fmt"
	"slices"
	"testing"
)

// RequireAll fails the test unless the search was complete and every property passed (every
// Always and Terminal holds, every Sometimes is reached); the failure message is the report.
func RequireAll[S comparable](t testing.TB, r *Result[S]) {
	t.Helper()
	if !r.Complete {
		t.Fatalf("the search was not complete, so no property is proven:\n%s", r.Report())
	}
	if !r.OK() {
		t.Fatalf("properties failed: %q\n%s", r.Failed(), r.Report())
	}
}

// RequireViolated fails the test unless the named Always or Terminal property has a
// counterexample with a trace, and returns that trace.
func RequireViolated[S comparable](t testing.TB, r *Result[S], name string) Trace[S] {
	t.Helper()
	p := r.Property(name)
	if p == nil {
		t.Fatalf("the model has no property %q; it has %q", name, names(r))
	}
	if p.Kind == Sometimes {
		t.Fatalf("property %q is a sometimes property; use RequireReached", name)
	}
	if p.Verdict != Violated || p.Trace == nil {
		t.Fatalf("property %q was expected to be violated but is %s:\n%s", name, p.Verdict, r.Report())
	}
	return *p.Trace
}

// RequireHolds fails the test unless the search was complete and the named Always or Terminal
// property holds.
func RequireHolds[S comparable](t testing.TB, r *Result[S], name string) {
	t.Helper()
	p := r.Property(name)
	if p == nil {
		t.Fatalf("the model has no property %q; it has %q", name, names(r))
	}
	if !r.Complete || p.Kind == Sometimes || p.Verdict != Holds {
		t.Fatalf("property %q was expected to hold over a complete search (%s, complete=%v):\n%s", name, p.Verdict, r.Complete, r.Report())
	}
}

// RequireReached fails the test unless the named Sometimes property has a witness, and
// returns its (shortest) trace.
func RequireReached[S comparable](t testing.TB, r *Result[S], name string) Trace[S] {
	t.Helper()
	p := r.Property(name)
	if p == nil {
		t.Fatalf("the model has no property %q; it has %q", name, names(r))
	}
	if p.Verdict != Reached || p.Trace == nil {
		t.Fatalf("sometimes property %q was expected to be reached but is %s:\n%s", name, p.Verdict, r.Report())
	}
	return *p.Trace
}

func names[S any](r *Result[S]) []string {
	out := make([]string, len(r.Properties))
	for i := range r.Properties {
		out[i] = r.Properties[i].Name
	}
	return out
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

// RequireSameTransitions walks every state reachable in m and fails the test at the first state
// where m's successors (action names and states, in order) differ from those of reference — an
// independent transcription of the same transition table, for auditing that a model routed
// through kernels still takes exactly the reference's steps. It also fails if fewer than
// minStates states were visited (an audit that saw almost nothing proves almost nothing).
func RequireSameTransitions[S comparable](t testing.TB, m Model[S], reference func(s S, emit func(name string, next S)), minStates int) {
	t.Helper()
	type step struct {
		name string
		to   S
	}
	seen := map[S]bool{}
	queue := m.Init()
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		if seen[s] {
			continue
		}
		seen[s] = true
		var got, want []step
		m.Next(s, func(a Action, n S) { got = append(got, step{a.Name, n}) })
		reference(s, func(name string, n S) { want = append(want, step{name, n}) })
		if !slices.Equal(got, want) {
			t.Fatalf("from %v the model emits %v, the reference table %v", s, got, want)
		}
		for _, st := range got {
			queue = append(queue, st.to)
		}
	}
	if len(seen) < minStates {
		t.Fatalf("the audit visited only %d states, want at least %d", len(seen), minStates)
	}
}
