package check_test

import (
	"reflect"
	"testing"

	"github.com/slipstream-go/slipstream/model/check"
	"github.com/slipstream-go/slipstream/model/check/checktest"
)

// counter counts from 0 to n; Inc(+1) below n, Reset to 0 above 0.
type counter struct{ n int }

func (c counter) Init() []int { return []int{0} }
func (c counter) Next(s int, emit func(check.Action, int)) {
	if s < c.n {
		emit(check.Action{Name: "Inc", Actor: -1}, s+1)
	}
	if s > 0 {
		emit(check.Action{Name: "Reset", Actor: -1}, 0)
	}
}
func (c counter) Properties() []check.Property[int] {
	return []check.Property[int]{
		{Name: "in range", Kind: check.Always, Holds: func(s int) bool { return s >= 0 && s <= c.n }},
		{Name: "reaches the top", Kind: check.Sometimes, Holds: func(s int) bool { return s == c.n }},
	}
}

func TestCounterExactCounts(t *testing.T) {
	for _, n := range []int{0, 1, 5, 3000} {
		r := check.Run[int](counter{n: n}, check.Options{})
		checktest.RequireAll(t, r)
		// Distinct: 0..n. Generated: the initial state, n Inc successors (from 0..n-1) and n
		// Reset successors (from 1..n).
		if r.Distinct != uint64(n+1) || r.Generated != uint64(2*n+1) || r.Depth != n {
			t.Fatalf("n=%d: distinct %d generated %d depth %d; want %d, %d, %d", n, r.Distinct, r.Generated, r.Depth, n+1, 2*n+1, n)
		}
		w := checktest.RequireReached(t, r, "reaches the top")
		if w.Len() != n || w.Last() != n {
			t.Fatalf("n=%d: witness %v, want the %d Inc steps", n, w, n)
		}
		if err := check.Replay[int](counter{n: n}, w); err != nil {
			t.Fatal(err)
		}
	}
}

// grid walks (x, y) over [0,n]², one step right or up; Init is given twice to check that
// duplicate initial states count in Generated but not in Distinct.
type grid struct{ n int }

type point struct{ x, y int }

func (g grid) Init() []point { return []point{{0, 0}, {0, 0}} }
func (g grid) Next(s point, emit func(check.Action, point)) {
	if s.x < g.n {
		emit(check.Action{Name: "Right", Actor: -1}, point{s.x + 1, s.y})
	}
	if s.y < g.n {
		emit(check.Action{Name: "Up", Actor: -1}, point{s.x, s.y + 1})
	}
}
func (g grid) Properties() []check.Property[point] {
	return []check.Property[point]{
		{Name: "diagonal corner", Kind: check.Sometimes, Holds: func(s point) bool { return s.x == g.n && s.y == g.n }},
		{Name: "ends at the corner", Kind: check.Terminal, Holds: func(s point) bool { return s.x == g.n && s.y == g.n }},
		{Name: "below the anti-diagonal", Kind: check.Always, Holds: func(s point) bool { return s.x+s.y < g.n+3 }},
	}
}

// packedGrid is grid with a model-supplied injective fingerprint.
type packedGrid struct{ grid }

func (packedGrid) Fingerprint(s point) uint64 { return uint64(s.x)<<32 | uint64(s.y) }
func (packedGrid) FingerprintInjective() bool { return true }

func TestGridCountsAcrossWorkersAndModes(t *testing.T) {
	const n = 300 // 90,601 states: many chunks, every shard and group used
	var ref *check.Result[point]
	for _, tc := range []struct {
		name string
		m    check.Model[point]
		opts check.Options
	}{
		{"workers=1", grid{n}, check.Options{Workers: 1}},
		{"workers=2", grid{n}, check.Options{Workers: 2}},
		{"workers=5", grid{n}, check.Options{Workers: 5}},
		{"lean", grid{n}, check.Options{Workers: 2, Lean: true}},
		{"fingerprinter", packedGrid{grid{n}}, check.Options{Workers: 2}},
	} {
		r := check.Run(tc.m, tc.opts)
		wantDistinct := uint64((n + 1) * (n + 1))
		wantGenerated := uint64(2 + 2*n*(n+1)) // two initial states; every x<n and y<n step
		if r.Distinct != wantDistinct || r.Generated != wantGenerated || r.Depth != 2*n || !r.Complete {
			t.Fatalf("%s: distinct %d generated %d depth %d complete %v; want %d, %d, %d, true",
				tc.name, r.Distinct, r.Generated, r.Depth, r.Complete, wantDistinct, wantGenerated, 2*n)
		}
		checktest.RequireHolds(t, r, "ends at the corner")
		cex := checktest.RequireViolated(t, r, "below the anti-diagonal")
		if cex.Len() != n+3 {
			t.Fatalf("%s: counterexample of %d steps, want the shortest (%d)", tc.name, cex.Len(), n+3)
		}
		if err := check.Replay(tc.m, cex); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if _, injective := tc.m.(packedGrid); r.InjectiveFingerprints != injective || injective && r.CollisionProbability() != 0 {
			t.Fatalf("%s: InjectiveFingerprints = %v, collision probability %g", tc.name, r.InjectiveFingerprints, r.CollisionProbability())
		}
		if ref == nil {
			ref = r
			continue
		}
		for i := range r.Properties {
			a, b := ref.Properties[i], r.Properties[i]
			if a.Verdict != b.Verdict || !reflect.DeepEqual(a.Trace, b.Trace) {
				t.Fatalf("%s: property %q differs from workers=1: %v %v vs %v %v", tc.name, a.Name, a.Verdict, a.Trace, b.Verdict, b.Trace)
			}
		}
	}
}
