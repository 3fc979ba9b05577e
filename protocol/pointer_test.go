package protocol

import (
	"math"
	"testing"

	"pgregory.net/rapid"
)

// The unit pins of K1, the same cases as the ASSUMEs in spec/tla/ExportImport.tla (absent,0→T;
// corrupt,0→T; (5,5)→T; (5,6)→T; (5,4)→F), and the extremes of the rank domain.
func TestPointerPublishAllowedTruthTable(t *testing.T) {
	cases := []struct {
		name    string
		current PointerState
		cand    uint64
		want    bool
	}{
		{"absent, 0", PointerAbsent(), 0, true},
		{"absent, max", PointerAbsent(), math.MaxUint64, true},
		{"corrupt, 0", PointerCorrupt(), 0, true},
		{"corrupt, 7", PointerCorrupt(), 7, true},
		{"equal republishes", PointerAt(5), 5, true},
		{"newer", PointerAt(5), 6, true},
		{"stale refused", PointerAt(5), 4, false},
		{"stale by one at the top", PointerAt(math.MaxUint64), math.MaxUint64 - 1, false},
		{"max over max", PointerAt(math.MaxUint64), math.MaxUint64, true},
		{"zero over zero", PointerAt(0), 0, true},
		{"anything over zero", PointerAt(0), 1, true},
	}
	for _, c := range cases {
		if got := PointerPublishAllowed(c.current, c.cand); got != c.want {
			t.Errorf("%s: PointerPublishAllowed(%+v, %d) = %v, want %v", c.name, c.current, c.cand, got, c.want)
		}
	}
}

func TestPointerStateAccessors(t *testing.T) {
	if PointerAbsent().Present() || PointerAbsent() != (PointerState{}) {
		t.Error("the zero PointerState must be absent")
	}
	if _, known := PointerAbsent().Rank(); known {
		t.Error("an absent pointer has no known rank")
	}
	if r, known := PointerAt(9).Rank(); !known || r != 9 || !PointerAt(9).Present() {
		t.Errorf("PointerAt(9).Rank() = %d, %v", r, known)
	}
	if _, known := PointerCorrupt().Rank(); known || !PointerCorrupt().Present() {
		t.Error("a corrupt pointer is present with an unknown rank")
	}
}

// The pointer never regresses under any interleaving of publishers that each read the pointer,
// decide with K1 on what they read (possibly stale by now), and then compare-and-swap against
// the version they read. This is the argument of K1's doc comment, executed.
func TestPointerNeverRegressesUnderGuardedCAS(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		type reg struct {
			present bool
			corrupt bool
			rank    uint64
			version int
		}
		cur := reg{}
		if rapid.Bool().Draw(t, "start corrupt") {
			cur = reg{present: true, corrupt: true, version: 1}
		}
		type pending struct {
			seen reg
			cand uint64
		}
		var inFlight []pending
		var highest uint64
		known := false
		steps := rapid.IntRange(1, 60).Draw(t, "steps")
		for i := 0; i < steps; i++ {
			if len(inFlight) == 0 || rapid.Bool().Draw(t, "read") {
				// A publisher reads the pointer now and will act later.
				inFlight = append(inFlight, pending{seen: cur, cand: rapid.Uint64Range(0, 20).Draw(t, "candidate")})
				continue
			}
			k := rapid.IntRange(0, len(inFlight)-1).Draw(t, "publisher")
			p := inFlight[k]
			inFlight = append(inFlight[:k], inFlight[k+1:]...)
			obs := PointerAbsent()
			switch {
			case p.seen.present && p.seen.corrupt:
				obs = PointerCorrupt()
			case p.seen.present:
				obs = PointerAt(p.seen.rank)
			}
			if !PointerPublishAllowed(obs, p.cand) {
				continue // refused on the plain read
			}
			if cur.version != p.seen.version {
				continue // the CAS lost: someone published in between
			}
			if known && p.cand < highest {
				t.Fatalf("pointer regressed from %d to %d (publisher saw %+v)", highest, p.cand, p.seen)
			}
			cur = reg{present: true, rank: p.cand, version: cur.version + 1}
			highest, known = p.cand, true
		}
	})
}

// Refusal is exactly "strictly older than a known rank", and a refused candidate stays refused
// as the pointer moves forward.
func TestPointerRefusalIsStable(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.Uint64().Draw(t, "rank")
		c := rapid.Uint64().Draw(t, "candidate")
		if got, want := PointerPublishAllowed(PointerAt(n), c), c >= n; got != want {
			t.Fatalf("PointerPublishAllowed(At(%d), %d) = %v, want %v", n, c, got, want)
		}
		later := rapid.Uint64Range(n, math.MaxUint64).Draw(t, "later rank")
		if !PointerPublishAllowed(PointerAt(n), c) && PointerPublishAllowed(PointerAt(later), c) {
			t.Fatalf("candidate %d refused at %d but allowed at the later %d", c, n, later)
		}
	})
}
