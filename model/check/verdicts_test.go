package check_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/slipstream-go/slipstream/model/check"
	"github.com/slipstream-go/slipstream/model/check/checktest"
)

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
