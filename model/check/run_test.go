package check_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/slipstream-go/slipstream/model/check"
)

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
