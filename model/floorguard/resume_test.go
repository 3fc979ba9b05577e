package floorguard

import (
	"testing"

	"github.com/slipstream-go/slipstream/model/check"
	"github.com/slipstream-go/slipstream/model/check/checktest"
)

// reachable returns every state of m reachable from its initial states.
func reachable(m *Model) map[State]bool {
	seen := map[State]bool{}
	stack := m.Init()
	for len(stack) > 0 {
		s := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[s] {
			continue
		}
		seen[s] = true
		m.Next(s, func(_ check.Action, t State) { stack = append(stack, t) })
	}
	return seen
}

// On a stream without limits the resume check accepts a cursor behind the first sequence: the
// witness resumes behind it with no resync, every run converges, and no resume is ever refused.
func TestResumeBehindTheFloorWithoutLimitsConverges(t *testing.T) {
	m, r := run(t, Config{Resume: true, Mode: Unguarded, Retention: SupersessionOnly})
	checktest.RequireAll(t, r)
	tr := checktest.RequireReached(t, r, PropResumedBehind)
	if err := check.Replay[State](m, tr); err != nil {
		t.Fatalf("witness does not replay: %v", err)
	}
	resumedBehind := false
	prev := tr.Init
	for _, st := range tr.Steps {
		if st.Action.Name == ActResumeWatch && prev.Floor > prev.Frontier && !st.State.Expired {
			resumedBehind = true
		}
		prev = st.State
	}
	if !resumedBehind {
		t.Fatalf("witness does not resume with the first sequence past the cursor's next revision:\n%v", tr)
	}
	for s := range reachable(m) {
		if s.Expired {
			t.Fatalf("the resume check refused a cursor on a stream without limits: %v", s)
		}
	}
}

// On a stream with a limit the resume check refuses a cursor behind the first sequence, and the
// resync leaves every run converging; no reachable state resumed behind it.
func TestResumeBehindTheFloorWithLimitsResyncs(t *testing.T) {
	m, r := run(t, Config{Resume: true, Mode: Unguarded})
	checktest.RequireAll(t, r)
	tr := checktest.RequireReached(t, r, PropResumeRefused)
	if err := check.Replay[State](m, tr); err != nil {
		t.Fatalf("witness does not replay: %v", err)
	}
	for s := range reachable(m) {
		if s.Behind {
			t.Fatalf("a resume went on behind the first sequence on a stream with a limit: %v", s)
		}
	}
}

// Accepting a cursor behind the first sequence on a stream with a limit is caught: the
// counterexample stops the watch, evicts the marker, resumes behind it and ends diverged.
func TestResumeIgnoringRetentionIsCaught(t *testing.T) {
	m, r := run(t, Config{Resume: true, Mode: Unguarded, Kernels: Kernels{Resume: MutResumeIgnoresRetention}})
	tr := requireDivergence(t, m, r)
	if last := tr.Last(); !last.Behind || last.Expired || last.Floor < last.DeleteRev {
		t.Fatalf("counterexample does not resume behind an evicted marker:\n%v", tr)
	}
}

// Why the Resume configurations run unguarded: with the live guard on, the same broken check is
// hidden, because the resumed watch's first gap trips the guard and its repair converges.
func TestLiveGuardHidesABrokenResumeCheck(t *testing.T) {
	m, r := run(t, Config{Resume: true, Kernels: Kernels{Resume: MutResumeIgnoresRetention}})
	if len(r.Violated()) != 0 {
		t.Fatalf("with the guard on the mutation diverges, failed %q", r.Failed())
	}
	tripped := false
	for s := range reachable(m) {
		tripped = tripped || s.Tripped && s.Behind
	}
	if !tripped {
		t.Fatal("no run trips the guard after a resume behind the first sequence")
	}
}
