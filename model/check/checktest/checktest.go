// Package checktest holds the test assertions over model/check results that the model
// packages' tests share: a complete search with every property passing, a named property
// violated, held or reached, and an audit of a model's transitions against an independent
// transcription of its table.
package checktest

import (
	"slices"
	"testing"

	"github.com/slipstream-go/slipstream/model/check"
)

// RequireAll fails the test unless the search was complete and every property passed (every
// Always and Terminal holds, every Sometimes is reached); the failure message is the report.
func RequireAll[S comparable](t testing.TB, r *check.Result[S]) {
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
func RequireViolated[S comparable](t testing.TB, r *check.Result[S], name string) check.Trace[S] {
	t.Helper()
	p := r.Property(name)
	if p == nil {
		t.Fatalf("the model has no property %q; it has %q", name, names(r))
	}
	if p.Kind == check.Sometimes {
		t.Fatalf("property %q is a sometimes property; use RequireReached", name)
	}
	if p.Verdict != check.Violated || p.Trace == nil {
		t.Fatalf("property %q was expected to be violated but is %s:\n%s", name, p.Verdict, r.Report())
	}
	return *p.Trace
}

// RequireHolds fails the test unless the search was complete and the named Always or Terminal
// property holds.
func RequireHolds[S comparable](t testing.TB, r *check.Result[S], name string) {
	t.Helper()
	p := r.Property(name)
	if p == nil {
		t.Fatalf("the model has no property %q; it has %q", name, names(r))
	}
	if !r.Complete || p.Kind == check.Sometimes || p.Verdict != check.Holds {
		t.Fatalf("property %q was expected to hold over a complete search (%s, complete=%v):\n%s", name, p.Verdict, r.Complete, r.Report())
	}
}

// RequireReached fails the test unless the named Sometimes property has a witness, and
// returns its (shortest) trace.
func RequireReached[S comparable](t testing.TB, r *check.Result[S], name string) check.Trace[S] {
	t.Helper()
	p := r.Property(name)
	if p == nil {
		t.Fatalf("the model has no property %q; it has %q", name, names(r))
	}
	if p.Verdict != check.Reached || p.Trace == nil {
		t.Fatalf("sometimes property %q was expected to be reached but is %s:\n%s", name, p.Verdict, r.Report())
	}
	return *p.Trace
}

func names[S any](r *check.Result[S]) []string {
	out := make([]string, len(r.Properties))
	for i := range r.Properties {
		out[i] = r.Properties[i].Name
	}
	return out
}

// RequireSameTransitions walks every state reachable in m and fails the test at the first state
// where m's successors (action names and states, in order) differ from those of table — an
// independent transcription of the same transition table, for auditing that a model routed
// through kernels still takes exactly the table's steps. It also fails if fewer than
// minStates states were visited (an audit that saw almost nothing proves almost nothing).
func RequireSameTransitions[S comparable](t testing.TB, m check.Model[S], table func(s S, emit func(name string, next S)), minStates int) {
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
		m.Next(s, func(a check.Action, n S) { got = append(got, step{a.Name, n}) })
		table(s, func(name string, n S) { want = append(want, step{name, n}) })
		if !slices.Equal(got, want) {
			t.Fatalf("from %v the model emits %v, the transcribed table %v", s, got, want)
		}
		for _, st := range got {
			queue = append(queue, st.to)
		}
	}
	if len(seen) < minStates {
		t.Fatalf("the audit visited only %d states, want at least %d", len(seen), minStates)
	}
}
