package floorguard

import (
	"reflect"
	"testing"

	"github.com/slipstream-go/slipstream/model/check"
	"github.com/slipstream-go/slipstream/model/check/checktest"
	"github.com/slipstream-go/slipstream/protocol"
)

func run(t *testing.T, cfg Config) (*Model, *check.Result[State]) {
	t.Helper()
	m := New(cfg)
	return m, check.Run[State](m, check.Options{})
}

// requireDivergence requires a counterexample to "every maximal run ends with the fold equal
// to the bucket", replays it from the initial state through Next, and requires its last state
// to be terminal with the fold holding a key the bucket deleted (the silent divergence).
func requireDivergence(t *testing.T, m *Model, r *check.Result[State]) check.Trace[State] {
	t.Helper()
	tr := checktest.RequireViolated(t, r, PropConverges)
	if err := check.Replay[State](m, tr); err != nil {
		t.Fatalf("counterexample does not replay: %v\n%v", err, tr)
	}
	last := tr.Last()
	if m.enabled(last) {
		t.Fatalf("counterexample's last state is not terminal:\n%v", tr)
	}
	if !last.FoldHasKey || last.BucketHasKey() {
		t.Fatalf("counterexample does not end in the silent divergence (fold keeps a deleted key):\n%v", tr)
	}
	return tr
}

func TestDefaultKernelsAreTheProtocolFunctions(t *testing.T) {
	d := DefaultKernels()
	for _, c := range []struct {
		name      string
		got, want any
	}{
		{"ProbeNeeded", d.ProbeNeeded, protocol.FloorGuardProbeNeeded},
		{"Trips", d.Trips, protocol.FloorGuardTrips},
		{"Frontier", d.Frontier, protocol.FloorGuardFrontier},
		{"Start", d.Start, protocol.FloorGuardStart},
		{"Advance", d.Advance, protocol.FloorGuardAdvance},
		{"Required", d.Required, protocol.FloorGuardRequired},
		{"Resume", d.Resume, protocol.ResumeAllowed},
	} {
		if reflect.ValueOf(c.got).Pointer() != reflect.ValueOf(c.want).Pointer() {
			t.Errorf("DefaultKernels().%s is not the protocol floor-guard function", c.name)
		}
	}
	k := New(Config{}).k
	if reflect.ValueOf(k.Resume).Pointer() != reflect.ValueOf(protocol.ResumeAllowed).Pointer() ||
		reflect.ValueOf(k.ProbeNeeded).Pointer() != reflect.ValueOf(protocol.FloorGuardProbeNeeded).Pointer() ||
		reflect.ValueOf(k.Trips).Pointer() != reflect.ValueOf(protocol.FloorGuardTrips).Pointer() ||
		reflect.ValueOf(k.Frontier).Pointer() != reflect.ValueOf(protocol.FloorGuardFrontier).Pointer() {
		t.Fatal("New(Config{}) does not run the production kernels")
	}
}

// baseTable is the base model's transition table transcribed directly, with its own gate
// ok(s) = ResumeWindowOK(frontier, floor+1): the audit that routing Deliver and GuardRepair
// through the floor-guard kernels leaves the base model's transitions unchanged.
func baseTable(mode Mode, s State, emit func(string, State)) {
	ok := protocol.ResumeWindowOK(uint64(s.Frontier), uint64(s.Floor)+1)
	guarded := mode == Guarded
	if s.Head < MaxRev {
		t := s
		t.Head++
		emit(ActChurn, t)
		if s.DeleteRev == 0 {
			t := s
			t.Head++
			t.DeleteRev = t.Head
			emit(ActDeleteKey, t)
		}
	}
	if s.Floor < s.Head {
		t := s
		t.Floor++
		emit(ActCompact, t)
	}
	if max(s.Frontier, s.Floor) < s.Head && (!guarded || ok) {
		t := s
		next := max(s.Frontier, s.Floor) + 1
		t.Frontier = next
		if s.DeleteRev == next {
			t.FoldHasKey = false
		}
		emit(ActDeliver, t)
	}
	if mode != Unguarded && !ok {
		t := s
		t.Tripped = true
		t.FoldHasKey = s.BucketHasKey()
		t.Frontier = s.Floor
		emit(ActGuardRepair, t)
	}
}

func TestTransitionsEqualTheBaseTable(t *testing.T) {
	for _, mode := range []Mode{Guarded, Unguarded, PeriodicOnly} {
		t.Run(mode.String(), func(t *testing.T) {
			checktest.RequireSameTransitions[State](t, New(Config{Mode: mode}), func(s State, emit func(string, State)) {
				baseTable(mode, s, emit)
			}, 500)
		})
	}
}

func TestGuardedLiveWatchAlwaysConverges(t *testing.T) {
	m, r := run(t, Config{})
	checktest.RequireAll(t, r)
	tr := checktest.RequireReached(t, r, PropGuardRepairs)
	if err := check.Replay[State](m, tr); err != nil {
		t.Fatalf("guard-repair witness does not replay: %v", err)
	}
}

// The unguarded variant with its own properties: its hazard witness is reachable.
func TestUnguardedLiveWatchDivergesPermanently(t *testing.T) {
	m, r := run(t, Config{Mode: Unguarded, Properties: UnguardedProperties})
	checktest.RequireAll(t, r)
	tr := checktest.RequireReached(t, r, PropHazard)
	if err := check.Replay[State](m, tr); err != nil {
		t.Fatalf("hazard witness does not replay: %v", err)
	}
	if last := tr.Last(); m.enabled(last) || !last.FoldHasKey || last.BucketHasKey() {
		t.Fatalf("hazard witness does not end in a terminal silent divergence:\n%v", tr)
	}
}

// The contrast: without the guard, the shipped liveness property has a counterexample.
func TestUnguardedViolatesConvergence(t *testing.T) {
	m, r := run(t, Config{Mode: Unguarded})
	requireDivergence(t, m, r)
}

// A periodic-only probe is not enough: a delivery moves the frontier past the gap before the
// timer fires. The counterexample passes through a state where the repair was enabled, then
// a delivery that erased the evidence.
func TestPeriodicOnlyGuardIsRejected(t *testing.T) {
	m, r := run(t, Config{Mode: PeriodicOnly})
	tr := requireDivergence(t, m, r)
	erased := false
	prev := tr.Init
	for _, st := range tr.Steps {
		if st.Action.Name == ActDeliver && m.trips(prev) && !m.trips(st.State) {
			erased = true
		}
		prev = st.State
	}
	if !erased {
		t.Fatalf("counterexample does not show a delivery erasing the evidence of the gap:\n%v", tr)
	}
}

func TestKernelMutationsAreCaught(t *testing.T) {
	for name, k := range map[string]Kernels{
		"probe gap of two":   {ProbeNeeded: MutProbeGapOfTwo},
		"trips late":         {Trips: MutTripsLate},
		"frontier overshoot": {Frontier: MutFrontierOvershoot},
	} {
		t.Run(name, func(t *testing.T) {
			m, r := run(t, Config{Kernels: k})
			requireDivergence(t, m, r)
		})
	}
}
