package configs

import (
	"testing"

	"github.com/slipstream-go/slipstream/model/check"
)

// Each known-bad variant is registered twice: with its hazard witness (Hazard…: the hazard is
// reachable, so the run holds) and against the shipped properties (Mut…: the run violates). Both must explore the same state space — the property list is
// the only difference — and disagree only in the verdict.
func TestHazardAndContrastConfigsExploreTheSameModel(t *testing.T) {
	pairs := map[string]string{
		"AppliedCursor_HazardDropFailedBatch":      "AppliedCursor_MutDropFailedBatch",
		"AppliedCursor_HazardResumeFromMemApplied": "AppliedCursor_MutResumeFromMemApplied",
		"ResyncOrder_HazardNoAckBarrier":           "ResyncOrder_MutNoAckBarrier",
		"LiveFloorGuard_HazardUnguarded":           "LiveFloorGuard_MutUnguarded",
		"Expiry_HazardNoMarkers":                   "Expiry_MutNoMarkers",
		"Expiry_HazardMarkerOutlived":              "Expiry_MutNoContact",
	}
	for hazard, mut := range pairs {
		h, ok1 := Lookup(hazard)
		m, ok2 := Lookup(mut)
		if !ok1 || !ok2 {
			t.Fatalf("%s or %s is not registered", hazard, mut)
		}
		hs, ms := h.Run(check.Options{}), m.Run(check.Options{})
		if hs.Verdict != VerdictHolds || ms.Verdict != VerdictViolates {
			t.Errorf("%s: %s (want holds: the hazard is reachable); %s: %s (want violates)", hazard, hs.Verdict, mut, ms.Verdict)
		}
		if hs.Distinct != ms.Distinct || hs.Generated != ms.Generated {
			t.Errorf("%s explores %d/%d states, %s %d/%d: the two must be the same model",
				hazard, hs.Distinct, hs.Generated, mut, ms.Distinct, ms.Generated)
		}
	}
}

// Every watch-loop configuration is in the default tier (all run in go test in seconds), and
// each of the three models has its shipped configuration, which holds.
func TestWatchLoopConfigsAreDefaultTier(t *testing.T) {
	n := 0
	for _, c := range watchLoopConfigs() {
		n++
		if c.Tier() != Default {
			t.Errorf("%s is in the %s tier; the watch-loop models run in seconds", c.Name, c.Tier())
		}
	}
	if n < 20 {
		t.Errorf("only %d watch-loop configurations registered", n)
	}
	for _, name := range []string{"AppliedCursor_Shipped", "ResyncOrder_AckBarrier", "LiveFloorGuard_Guarded"} {
		c, ok := Lookup(name)
		if !ok {
			t.Fatalf("%s is not registered", name)
		}
		if s := c.Run(check.Options{}); s.Verdict != VerdictHolds {
			t.Errorf("%s: %s, failed %q", name, s.Verdict, s.Failed)
		}
	}
}
