package floorguard

import (
	"testing"

	"github.com/slipstream-go/slipstream/model/check"
	"github.com/slipstream-go/slipstream/model/check/checktest"
	"github.com/slipstream-go/slipstream/protocol"
)

// The guard with the caught-up advance converges on a filtered scope and on a state-sync watch
// (both phases), and its repair and (on a filtered scope) its advance are reached.
func TestExtendedGuardConverges(t *testing.T) {
	for name, cfg := range map[string]Config{
		"filtered":            {Filtered: true, Advance: true},
		"state-sync":          {StateSync: true, Advance: true},
		"state-sync filtered": {StateSync: true, Filtered: true, Advance: true},
	} {
		t.Run(name, func(t *testing.T) {
			m, r := run(t, cfg)
			checktest.RequireAll(t, r)
			tr := checktest.RequireReached(t, r, PropGuardRepairs)
			if err := check.Replay[State](m, tr); err != nil {
				t.Fatalf("repair witness does not replay: %v", err)
			}
			if cfg.Filtered {
				tr := checktest.RequireReached(t, r, PropAdvances)
				if err := check.Replay[State](m, tr); err != nil {
					t.Fatalf("advance witness does not replay: %v", err)
				}
				if last := tr.Last(); last.Frontier <= last.Pos || last.Tripped {
					t.Fatalf("advance witness does not end with the frontier past the position:\n%v", tr)
				}
			}
		})
	}
}

// The pre-issue code: a prefix watch and a state-sync watch (snapshot and live phase) have no
// guard, and each reaches a permanent silent divergence.
func TestUnguardedExtensionsDiverge(t *testing.T) {
	m, r := run(t, Config{Filtered: true, Mode: Unguarded, Properties: UnguardedProperties})
	checktest.RequireAll(t, r)
	requireTerminalDivergence(t, m, checktest.RequireReached(t, r, PropHazard))
	m, r = run(t, Config{StateSync: true, Mode: Unguarded, Properties: UnguardedProperties})
	checktest.RequireAll(t, r)
	for _, p := range []string{PropHazardSnapshot, PropHazardLive} {
		tr := checktest.RequireReached(t, r, p)
		requireTerminalDivergence(t, m, tr)
		if snap := tr.Last().DeleteRev <= tr.Last().SnapEnd; snap != (p == PropHazardSnapshot) {
			t.Fatalf("%q witness loses a marker in the wrong phase:\n%v", p, tr)
		}
	}
}

func requireTerminalDivergence(t *testing.T, m *Model, tr check.Trace[State]) {
	t.Helper()
	if err := check.Replay[State](m, tr); err != nil {
		t.Fatalf("hazard witness does not replay: %v", err)
	}
	if last := tr.Last(); m.enabled(last) || !last.FoldHasKey || last.BucketHasKey() {
		t.Fatalf("hazard witness does not end in a terminal silent divergence:\n%v", tr)
	}
}

// The extension's mutations are each caught with a replayable permanent divergence.
func TestExtensionMutationsAreCaught(t *testing.T) {
	for name, cfg := range map[string]Config{
		"gap-only guard on a filtered scope": {Filtered: true, Mode: GapOnly},
		"snapshot phase unguarded":           {StateSync: true, Advance: true, Kernels: Kernels{Start: MutStartAtLast}},
		"advance without a caught-up proof":  {Filtered: true, Advance: true, Kernels: Kernels{Advance: MutAdvanceWithoutProof}},
	} {
		t.Run(name, func(t *testing.T) {
			m, r := run(t, cfg)
			requireDivergence(t, m, r)
		})
	}
}

// On a stream without limits the guard is skipped (FloorGuardRequired says so) and every run
// still converges, while supersession moves the first sequence past the frontier (the case the
// old guard tripped on) and the marker is still delivered. No evicted revision is the marker.
func TestSupersessionOnlyConvergesWithoutTrips(t *testing.T) {
	for name, cfg := range map[string]Config{
		"resumed":             {Retention: SupersessionOnly},
		"state-sync filtered": {Retention: SupersessionOnly, StateSync: true, Filtered: true, Advance: true},
	} {
		t.Run(name, func(t *testing.T) {
			m, r := run(t, cfg)
			if m.required {
				t.Fatal("FloorGuardRequired requires the guard on a stream without limits")
			}
			checktest.RequireAll(t, r)
			tr := checktest.RequireReached(t, r, PropSupersededPast)
			if err := check.Replay[State](m, tr); err != nil {
				t.Fatalf("witness does not replay: %v", err)
			}
			if last := tr.Last(); last.Floor <= last.Frontier || protocol.ResumeWindowOK(uint64(last.Frontier), uint64(last.Floor)+1) {
				t.Fatalf("witness does not end with the first sequence past the frontier:\n%v", tr)
			}
			for _, st := range tr.Steps {
				if st.State.Tripped {
					t.Fatalf("the guard tripped on a stream without limits:\n%v", tr)
				}
			}
		})
	}
}

// Under SupersessionOnly the marker is never evicted: no reachable state has the floor at or
// above an undelivered marker's revision.
func TestSupersessionOnlyNeverEvictsTheMarker(t *testing.T) {
	m := New(Config{Retention: SupersessionOnly, StateSync: true, Filtered: true, Advance: true})
	for s := range reachable(m) {
		if s.DeleteRev != 0 && s.Floor >= s.DeleteRev {
			t.Fatalf("the marker (revision %d) was evicted: %v", s.DeleteRev, s)
		}
	}
}

// Skipping the trip on a stream with a limit is caught, on a resumed watch and on a state-sync
// filtered one.
func TestSkipGuardWithLimitsIsCaught(t *testing.T) {
	for name, cfg := range map[string]Config{
		"resumed":             {Kernels: Kernels{Required: MutRequiredNever}},
		"state-sync filtered": {StateSync: true, Filtered: true, Advance: true, Kernels: Kernels{Required: MutRequiredNever}},
	} {
		t.Run(name, func(t *testing.T) {
			m, r := run(t, cfg)
			requireDivergence(t, m, r)
		})
	}
}
