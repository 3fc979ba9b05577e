package exportimport

import (
	"fmt"
	"testing"

	"github.com/slipstream-go/slipstream/model/check"
	"github.com/slipstream-go/slipstream/model/check/checktest"
)

func cfg(layout Layout, resync Resync, mut Mutation) Config {
	return Config{N: 2, MaxRev: 3, Layout: layout, Resync: resync, Mutation: mut}
}

type cached struct {
	m *Model
	r *check.Result[State]
}

// results memoises runs by configuration (tests run sequentially): several tests inspect the
// same default-tier run, which costs about a second each.
var results = map[string]cached{}

func run(t *testing.T, c Config) (*Model, *check.Result[State]) {
	t.Helper()
	key := fmt.Sprintf("%d/%d/%v/%v/%v", c.N, c.MaxRev, c.Layout, c.Resync, c.Mutation)
	plainKernels := c.Kernels.PointerPublishAllowed == nil && c.Kernels.PayloadPrunable == nil && c.Kernels.ResumeWindowOK == nil
	if plainKernels {
		if r, ok := results[key]; ok {
			return r.m, r.r
		}
	}
	m, err := New(c)
	if err != nil {
		t.Fatal(err)
	}
	r := check.Run[State](m, check.Options{})
	if plainKernels {
		results[key] = cached{m, r}
	}
	return m, r
}

func TestInvalidConfigsAreRejected(t *testing.T) {
	for _, c := range []Config{{N: 0, MaxRev: 3}, {N: 4, MaxRev: 3}, {N: 2, MaxRev: 0}, {N: 2, MaxRev: 6}, {N: 2, MaxRev: 3, Mutation: 99}} {
		if _, err := New(c); err == nil {
			t.Errorf("New(%+v) accepted an invalid configuration", c)
		}
	}
}

// The five holding configurations: every always/terminal property holds and every sometimes
// property is reached, with the property sets of the ported model (12, 11, 8, 7, 7).
func TestDefaultTierConfigurationsHold(t *testing.T) {
	cases := []struct {
		c     Config
		props int
		must  []string
	}{
		{cfg(PointerSwap, ResyncFailStop, MutNone), 12, []string{PropLiveness, PropNeverSilentlyDiverge, PropSwapRefuses, PropPruneRaceRetry}},
		{cfg(PointerSwap, ResyncNone, MutNone), 11, []string{PropHazardNoResync, PropTargetFetchable}},
		{cfg(Legacy, ResyncFailStop, MutNone), 8, []string{PropHazardRegresses, PropHazardTornPair, PropRegressionNonFatal, PropNoMixedImport, PropNeverSilentlyDiverge, PropLiveness}},
		{cfg(Legacy, ResyncDegrade, MutNone), 7, []string{PropHazardDegrade, PropHazardTornPair}},
		{cfg(Legacy, ResyncNone, MutNone), 7, []string{PropHazardNoResync, PropHazardRegresses}},
	}
	for _, tc := range cases {
		t.Run(tc.c.Layout.String()+"_"+tc.c.Resync.String(), func(t *testing.T) {
			m, r := run(t, tc.c)
			checktest.RequireAll(t, r)
			if len(r.Properties) != tc.props {
				t.Fatalf("%d properties, want %d: %q", len(r.Properties), tc.props, names(r))
			}
			for _, name := range tc.must {
				if r.Property(name) == nil {
					t.Fatalf("property %q missing from %q", name, names(r))
				}
			}
			// Every witness replays from the initial state and ends in a state satisfying it.
			for _, p := range r.Properties {
				if p.Kind != check.Sometimes {
					continue
				}
				if err := check.Replay[State](m, *p.Trace); err != nil {
					t.Fatalf("witness of %q does not replay: %v", p.Name, err)
				}
				if !holds(m, p.Name, p.Trace.Last()) {
					t.Fatalf("witness of %q ends in a state that does not satisfy it", p.Name)
				}
			}
		})
	}
}

func names(r *check.Result[State]) []string {
	var out []string
	for _, p := range r.Properties {
		out = append(out, p.Name)
	}
	return out
}

func holds(m *Model, name string, s State) bool {
	for _, p := range m.Properties() {
		if p.Name == name {
			return p.Holds(s)
		}
	}
	panic("no property " + name)
}

// replayByName re-executes a trace action by action through Next, selecting each action by its
// name and actor only, checks each state equals the trace's, and returns the final state.
func replayByName(t *testing.T, m *Model, tr check.Trace[State]) State {
	t.Helper()
	init := m.Init()
	if len(init) != 1 || init[0] != tr.Init {
		t.Fatalf("trace starts at %v, not the initial state %v", tr.Init, init)
	}
	s := init[0]
	for i, st := range tr.Steps {
		next, ok := apply(m, s, st.Action)
		if !ok {
			t.Fatalf("step %d: %v is not enabled in %v", i+1, st.Action, s)
		}
		if next != st.State {
			t.Fatalf("step %d: %v gives %v, the trace says %v", i+1, st.Action, next, st.State)
		}
		s = next
	}
	return s
}

// apply runs the action named a from s, if enabled.
func apply(m *Model, s State, a check.Action) (State, bool) {
	var out State
	found := false
	m.Next(s, func(b check.Action, t State) {
		if b == a && !found {
			out, found = t, true
		}
	})
	return out, found
}
