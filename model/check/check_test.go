package check_test

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
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

// mutex is a two-process lock whose test and set are separate steps (the classic bug).
type mutex struct{}

type mutexState struct {
	pc   [2]uint8 // 0 idle, 1 checked (saw the other's flag down), 2 critical
	flag [2]bool
}

func (mutex) Init() []mutexState { return []mutexState{{}} }
func (mutex) Next(s mutexState, emit func(check.Action, mutexState)) {
	for i := 0; i < 2; i++ {
		switch s.pc[i] {
		case 0:
			if !s.flag[1-i] {
				t := s
				t.pc[i] = 1
				emit(check.Action{Name: "Check", Actor: i}, t)
			}
		case 1:
			t := s
			t.flag[i] = true
			t.pc[i] = 2
			emit(check.Action{Name: "Set", Actor: i}, t)
		case 2:
			t := s
			t.flag[i] = false
			t.pc[i] = 0
			emit(check.Action{Name: "Exit", Actor: i}, t)
		}
	}
}
func (mutex) Properties() []check.Property[mutexState] {
	return []check.Property[mutexState]{
		{Name: "mutual exclusion", Kind: check.Always, Holds: func(s mutexState) bool { return !(s.pc[0] == 2 && s.pc[1] == 2) }},
	}
}

func TestMutexBugShortestCounterexample(t *testing.T) {
	for _, w := range []int{1, 2} {
		r := check.Run[mutexState](mutex{}, check.Options{Workers: w})
		if r.OK() {
			t.Fatal("the buggy mutex passed")
		}
		cex := checktest.RequireViolated(t, r, "mutual exclusion")
		// Both processes must check before either sets its flag: Check, Check, Set, Set.
		want := []check.Action{{"Check", 0}, {"Check", 1}, {"Set", 0}, {"Set", 1}}
		if !reflect.DeepEqual(cex.Actions(), want) {
			t.Fatalf("counterexample %v, want %v", cex.Actions(), want)
		}
		if err := check.Replay[mutexState](mutex{}, cex); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(r.Report(), `Error: always property "mutual exclusion" is violated`) ||
			!strings.Contains(r.Report(), "  4: Set(1)") {
			t.Fatalf("report lacks the verdict or the numbered trace:\n%s", r.Report())
		}
		// The buggy mutex: pc ∈ {0,1,2}² with flag[i] = (pc[i] = 2): 9 combinations, all reachable.
		if r.Distinct != 9 {
			t.Fatalf("distinct %d, want 9", r.Distinct)
		}
	}
}

type unreachable struct{ counter }

func (u unreachable) Properties() []check.Property[int] {
	return append(u.counter.Properties(), check.Property[int]{Name: "overflows", Kind: check.Sometimes, Holds: func(s int) bool { return s > u.n }})
}

func TestUnreachedSometimesFailsTheRun(t *testing.T) {
	r := check.Run[int](unreachable{counter{n: 4}}, check.Options{})
	if r.OK() {
		t.Fatalf("an unreachable sometimes property passed:\n%s", r.Report())
	}
	if p := r.Property("overflows"); p.Verdict != check.Unreached || p.Trace != nil {
		t.Fatalf("overflows: %v, want unreached with no trace", p.Verdict)
	}
	if got := r.Failed(); !reflect.DeepEqual(got, []string{"overflows"}) {
		t.Fatalf("Failed() = %q", got)
	}
	if !strings.Contains(r.Report(), `"overflows" is never satisfied`) {
		t.Fatalf("report does not name the unreached property:\n%s", r.Report())
	}
}

// retry is an importer that fails and retries; with giveUp it may abandon after two failures.
type retry struct{ giveUp bool }

type retryState struct {
	pc       uint8 // 0 start, 1 failed, 2 done, 3 abandoned
	failures uint8
}

func (retry) Init() []retryState { return []retryState{{}} }
func (r retry) Next(s retryState, emit func(check.Action, retryState)) {
	switch s.pc {
	case 0:
		emit(check.Action{Name: "Succeed", Actor: -1}, retryState{pc: 2, failures: s.failures})
		emit(check.Action{Name: "Fail", Actor: -1}, retryState{pc: 1, failures: min(s.failures+1, 2)})
	case 1:
		emit(check.Action{Name: "Retry", Actor: -1}, retryState{pc: 0, failures: s.failures})
		if r.giveUp && s.failures >= 2 {
			emit(check.Action{Name: "GiveUp", Actor: -1}, retryState{pc: 3, failures: s.failures})
		}
	}
}
func (retry) Properties() []check.Property[retryState] {
	return []check.Property[retryState]{
		{Name: "every maximal run ends done", Kind: check.Terminal, Holds: func(s retryState) bool { return s.pc == 2 }},
	}
}

func TestTerminalProperty(t *testing.T) {
	// The retry cycle (start → failed → start …) has no terminal state, so it neither violates
	// nor vacuously satisfies the property: the only terminal states are the done ones.
	r := check.Run[retryState](retry{}, check.Options{})
	checktest.RequireHolds(t, r, "every maximal run ends done")
	if r.Distinct != 8 { // start × failures 0..2, failed × 1..2, done × 0..2
		t.Fatalf("distinct %d, want 8", r.Distinct)
	}

	// A terminal state that is not done (abandoned after two failures) must be found, behind
	// the cycle: Fail, Retry, Fail, GiveUp.
	r = check.Run[retryState](retry{giveUp: true}, check.Options{})
	cex := checktest.RequireViolated(t, r, "every maximal run ends done")
	want := []check.Action{{"Fail", -1}, {"Retry", -1}, {"Fail", -1}, {"GiveUp", -1}}
	if !reflect.DeepEqual(cex.Actions(), want) || cex.Last().pc != 3 {
		t.Fatalf("counterexample %v, want %v ending abandoned", cex.Actions(), want)
	}
	if err := check.Replay[retryState](retry{giveUp: true}, cex); err != nil {
		t.Fatal(err)
	}
}

// A state with no successors that is not terminal-OK but satisfies an check.Always property still
// fails the check.Terminal one, and an initial state is checked by check.Always properties.
func TestInitialStatesAreChecked(t *testing.T) {
	r := check.Run[int](counter{n: 0}, check.Options{})
	checktest.RequireAll(t, r)
	bad := badInit{}
	r = check.Run[int](bad, check.Options{})
	cex := checktest.RequireViolated(t, r, "positive")
	if cex.Len() != 0 || cex.Init != -1 {
		t.Fatalf("counterexample %v, want the initial state -1 with no steps", cex)
	}
	cex = checktest.RequireViolated(t, r, "ends positive")
	if cex.Len() != 0 {
		t.Fatalf("terminal counterexample %v, want the initial state", cex)
	}
	// Lean mode re-derives the same traces with a re-run bounded to depth 0.
	lean := check.Run[int](bad, check.Options{Lean: true})
	for _, name := range []string{"positive", "ends positive"} {
		if got, want := checktest.RequireViolated(t, lean, name), checktest.RequireViolated(t, r, name); !reflect.DeepEqual(got, want) {
			t.Fatalf("lean trace of %q = %v, want %v", name, got, want)
		}
	}
}

type badInit struct{}

func (badInit) Init() []int                              { return []int{1, -1} }
func (badInit) Next(s int, emit func(check.Action, int)) {}
func (badInit) Properties() []check.Property[int] {
	return []check.Property[int]{
		{Name: "positive", Kind: check.Always, Holds: func(s int) bool { return s > 0 }},
		{Name: "ends positive", Kind: check.Terminal, Holds: func(s int) bool { return s > 0 }},
	}
}

func TestStopEarlyAndDepthBound(t *testing.T) {
	r := check.Run[int](counter{n: 100}, check.Options{Exploration: check.StopWhenAllDiscovered, MaxDepth: 0})
	// "in range" never gets a discovery, so the early stop cannot fire: full search.
	if !r.Complete || r.Distinct != 101 {
		t.Fatalf("complete %v distinct %d, want a full search", r.Complete, r.Distinct)
	}
	r = check.Run[int](unreachable{counter{n: 100}}, check.Options{MaxDepth: 10})
	if r.Complete || r.Distinct != 11 || r.Depth != 10 {
		t.Fatalf("bounded: complete %v distinct %d depth %d; want false, 11, 10", r.Complete, r.Distinct, r.Depth)
	}
	if !strings.Contains(r.Report(), "INCOMPLETE") {
		t.Fatalf("a bounded report must say the search is incomplete:\n%s", r.Report())
	}
	r = check.Run[int](counter{n: 10}, check.Options{MaxDepth: 10})
	if !r.Complete {
		t.Fatal("a bound at the true depth clips nothing, so the search is complete")
	}
	// Stopping when every property is discovered leaves the next level on the queue: the run
	// is incomplete and reports the real queue.
	re := check.Run[int](early{counter{n: 100}}, check.Options{Exploration: check.StopWhenAllDiscovered})
	if re.Complete || re.Depth != 5 || re.Distinct != 6 || re.Left != 1 {
		t.Fatalf("stop-early: complete %v depth %d distinct %d left %d, want false, 5, 6, 1", re.Complete, re.Depth, re.Distinct, re.Left)
	}
	if rep := re.Report(); !strings.Contains(rep, "7 distinct states found, 1 states left on queue") || !strings.Contains(rep, "stopped early") {
		t.Fatalf("a stopped search must report its queue and say it is incomplete:\n%s", rep)
	}
	// A depth bound clips the same way: states 0..10 expanded, state 11 found and left.
	if r := check.Run[int](unreachable{counter{n: 100}}, check.Options{MaxDepth: 10}); r.Left != 1 || !strings.Contains(r.Report(), "12 distinct states found, 1 states left on queue") {
		t.Fatalf("bounded: left %d\n%s", r.Left, r.Report())
	}
	// When the early stop fires at the last level nothing is left, so the search is complete.
	rm := check.Run[mutexState](mutex{}, check.Options{Exploration: check.StopWhenAllDiscovered})
	if !rm.Complete || rm.Left != 0 || rm.Depth != 4 || rm.Distinct != 9 {
		t.Fatalf("stop-early at the last level: complete %v left %d depth %d distinct %d, want true, 0, 4, 9", rm.Complete, rm.Left, rm.Depth, rm.Distinct)
	}
}

// early is a counter whose only property is reached at depth 5.
type early struct{ counter }

func (early) Properties() []check.Property[int] {
	return []check.Property[int]{{Name: "reaches 5", Kind: check.Sometimes, Holds: func(s int) bool { return s == 5 }}}
}

func TestProgressAndReport(t *testing.T) {
	var buf bytes.Buffer
	r := check.Run[point](grid{50}, check.Options{Progress: &buf, Label: "grid50"})
	if !strings.Contains(buf.String(), "grid50: Finished(depth 100): 5102 states generated") {
		t.Fatalf("final progress line missing:\n%s", buf.String())
	}
	rep := r.Report()
	for _, want := range []string{"== grid50: 3 properties, complete search", "5102 states generated, 2601 distinct states found",
		"[ok  ] terminal  holds     ends at the corner", "[FAIL] always    violated  below the anti-diagonal — counterexample of 53 steps"} {
		if !strings.Contains(rep, want) {
			t.Fatalf("report lacks %q:\n%s", want, rep)
		}
	}
	if p := r.CollisionProbability(); p <= 0 || p > 1e-9 {
		t.Fatalf("collision probability %g out of the expected range", p)
	}
}

func TestDuplicatePropertyNamesPanic(t *testing.T) {
	defer func() {
		if v := recover(); v == nil || !strings.Contains(fmt.Sprint(v), "listed twice") {
			t.Fatalf("recover() = %v, want a duplicate-name panic", v)
		}
	}()
	check.Run[int](dupProps{}, check.Options{})
}

type dupProps struct{ badInit }

func (dupProps) Properties() []check.Property[int] {
	p := check.Property[int]{Name: "x", Kind: check.Always, Holds: func(int) bool { return true }}
	return []check.Property[int]{p, p}
}

func TestReplayRejectsForgedTraces(t *testing.T) {
	m := mutex{}
	r := check.Run[mutexState](m, check.Options{})
	cex := checktest.RequireViolated(t, r, "mutual exclusion")
	forged := cex
	forged.Steps = append([]check.Step[mutexState](nil), cex.Steps...)
	forged.Steps[1].Action = cex.Steps[0].Action // Check(i) again: i is no longer idle
	if err := check.Replay[mutexState](m, forged); err == nil {
		t.Fatal("a trace with a disabled action replayed")
	}
	forged.Steps = append([]check.Step[mutexState](nil), cex.Steps...)
	forged.Steps[3].State.flag[0] = false
	if err := check.Replay[mutexState](m, forged); err == nil {
		t.Fatal("a trace with a wrong state replayed")
	}
	forged = cex
	forged.Init.pc[0] = 2
	if err := check.Replay[mutexState](m, forged); err == nil {
		t.Fatal("a trace from a non-initial state replayed")
	}
}
