package protocol

import (
	"math"
	"testing"

	"pgregory.net/rapid"
)

type probeCase struct {
	frontier, rev uint64
	want          bool
}

// probeTable pins FloorGuardProbeNeeded at every boundary, saturation included.
var probeTable = []probeCase{
	{0, 1, false}, // the next revision after a fresh cursor
	{0, 2, true},  // revision 1 skipped
	{3, 4, false}, // contiguous delivery
	{3, 5, true},  // a gap of exactly one revision must be probed
	{3, 9, true},  // a larger gap
	{3, 3, false}, // re-delivery
	{3, 0, false}, // behind the frontier
	{math.MaxUint64 - 2, math.MaxUint64, true}, // gap of one at the top, without saturation
	{math.MaxUint64 - 1, math.MaxUint64, false},
	{math.MaxUint64 - 1, 0, false},
	{math.MaxUint64, math.MaxUint64, false}, // saturated: nothing lies beyond
	{math.MaxUint64, 1, false},
}

func TestFloorGuardProbeNeededBoundaries(t *testing.T) {
	for _, c := range probeTable {
		if got := FloorGuardProbeNeeded(c.frontier, c.rev); got != c.want {
			t.Errorf("FloorGuardProbeNeeded(frontier %d, rev %d) = %v, want %v", c.frontier, c.rev, got, c.want)
		}
	}
}

// The boundary table is strong enough to reject the plausible wrong versions of the probe
// condition, including the ones equal to it away from the uint64 boundary.
func TestFloorGuardProbeTableRejectsMutants(t *testing.T) {
	mutants := map[string]func(frontier, rev uint64) bool{
		"rev > frontier+1 (wrapping)":  func(f, r uint64) bool { return r > f+1 },
		"rev >= frontier+2 (wrapping)": func(f, r uint64) bool { return r >= f+2 },
		"rev > frontier+2":             func(f, r uint64) bool { return r > f+2 },
		"rev > frontier":               func(f, r uint64) bool { return r > f },
		"rev != frontier+1":            func(f, r uint64) bool { return r != f+1 },
	}
	for name, m := range mutants {
		caught := false
		for _, c := range probeTable {
			if m(c.frontier, c.rev) != c.want {
				caught = true
				break
			}
		}
		if !caught {
			t.Errorf("the probe boundary table does not distinguish the mutant %q from the kernel", name)
		}
	}
}

func TestFloorGuardTripsBoundaries(t *testing.T) {
	cases := []struct {
		frontier, first uint64
		want            bool
	}{
		{3, 4, false}, // first retained is the next revision to deliver
		{3, 1, false}, // nothing evicted past the frontier
		{3, 5, true},  // revision 4 evicted unseen
		{0, 0, false}, // empty stream
		{0, 1, false},
		{0, 2, true},
		{7, 8, false}, // fully purged stream: first = last+1
		{math.MaxUint64, math.MaxUint64, false},
		{math.MaxUint64 - 2, math.MaxUint64, true},
	}
	for _, c := range cases {
		if got := FloorGuardTrips(c.frontier, c.first); got != c.want {
			t.Errorf("FloorGuardTrips(frontier %d, first %d) = %v, want %v", c.frontier, c.first, got, c.want)
		}
	}
}

func TestFloorGuardTripsIsResumeWindowNegation(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		f := rapid.Uint64().Draw(t, "frontier")
		first := rapid.Uint64().Draw(t, "first")
		if FloorGuardTrips(f, first) == ResumeWindowOK(f, first) {
			t.Fatalf("FloorGuardTrips(%d, %d) must be the negation of ResumeWindowOK", f, first)
		}
	})
}

// Soundness of probing only on gaps: a delivery that needs no probe can never be one the probe
// would have tripped on. The delivered revision is retained, so first <= rev; without a gap,
// rev <= frontier+1; hence the window check passes.
func TestFloorGuardSkippedProbeWouldNotTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		f := rapid.Uint64().Draw(t, "frontier")
		rev := rapid.Uint64().Draw(t, "rev")
		first := rapid.Uint64Max(rev).Draw(t, "first")
		if !FloorGuardProbeNeeded(f, rev) && FloorGuardTrips(f, first) {
			t.Fatalf("frontier %d, rev %d, first %d: no probe, yet the window is overrun", f, rev, first)
		}
	})
}

// Completeness: when retention evicted the revision right after the frontier and the stream
// delivers the first retained revision next, that delivery is probed and the probe trips.
func TestFloorGuardCatchesEvictionAtNextDelivery(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		f := rapid.Uint64Max(math.MaxUint64-2).Draw(t, "frontier")
		first := rapid.Uint64Range(f+2, math.MaxUint64).Draw(t, "first")
		rev := first // the consumer is clamped to the first retained message
		if !FloorGuardProbeNeeded(f, rev) || !FloorGuardTrips(f, first) {
			t.Fatalf("frontier %d, first retained %d: eviction not detected at the next delivery", f, first)
		}
	})
}

func TestFloorGuardFrontier(t *testing.T) {
	cases := [][3]uint64{{0, 1, 1}, {3, 5, 5}, {5, 3, 5}, {5, 5, 5}, {math.MaxUint64, 1, math.MaxUint64}, {0, math.MaxUint64, math.MaxUint64}}
	for _, c := range cases {
		if got := FloorGuardFrontier(c[0], c[1]); got != c[2] {
			t.Errorf("FloorGuardFrontier(%d, %d) = %d, want %d", c[0], c[1], got, c[2])
		}
	}
	rapid.Check(t, func(t *rapid.T) {
		f := rapid.Uint64().Draw(t, "frontier")
		rev := rapid.Uint64().Draw(t, "rev")
		got := FloorGuardFrontier(f, rev)
		if got < f || got < rev || (got != f && got != rev) {
			t.Fatalf("FloorGuardFrontier(%d, %d) = %d, want the larger", f, rev, got)
		}
	})
}

// FloorGuardStart: a resumed watch starts at its cursor; a state-sync watch one below the first
// sequence its snapshot can hold (0 when that is 0), never at the snapshot's last sequence.
func TestFloorGuardStart(t *testing.T) {
	for _, c := range []struct{ cursor, first, last, want uint64 }{
		{7, 3, 9, 7},
		{0, 4, 9, 3},
		{0, 1, 9, 0},
		{0, 0, 9, 0},
		{math.MaxUint64, 5, 9, math.MaxUint64},
		{0, math.MaxUint64, math.MaxUint64, math.MaxUint64 - 1},
	} {
		if got := FloorGuardStart(c.cursor, c.first, c.last); got != c.want {
			t.Errorf("FloorGuardStart(%d, %d, %d) = %d, want %d", c.cursor, c.first, c.last, got, c.want)
		}
	}
}

// FloorGuardAdvance moves the frontier only with a caught-up proof, and never back.
func TestFloorGuardAdvance(t *testing.T) {
	for _, c := range []struct {
		frontier, last uint64
		caught         bool
		want           uint64
	}{
		{3, 7, false, 3},
		{3, 7, true, 7},
		{8, 7, true, 8},
		{8, 7, false, 8},
		{0, 0, true, 0},
	} {
		if got := FloorGuardAdvance(c.frontier, c.last, c.caught); got != c.want {
			t.Errorf("FloorGuardAdvance(%d, %d, %v) = %d, want %d", c.frontier, c.last, c.caught, got, c.want)
		}
	}
	rapid.Check(t, func(t *rapid.T) {
		f, l := rapid.Uint64().Draw(t, "frontier"), rapid.Uint64().Draw(t, "last")
		if got := FloorGuardAdvance(f, l, false); got != f {
			t.Fatalf("advanced without a proof: %d -> %d", f, got)
		}
		if got := FloorGuardAdvance(f, l, true); got < f || got < l {
			t.Fatalf("with a proof, %d from frontier %d and last %d", got, f, l)
		}
	})
}
