package checktest

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/slipstream-go/slipstream/model/check"
)

// recorder is a testing.TB whose Fatalf records the failure and ends the calling goroutine,
// as the real one does, so the assertions can be tested failing.
type recorder struct {
	testing.TB
	failed bool
	msg    string
}

func (r *recorder) Helper() {}
func (r *recorder) Fatalf(format string, args ...any) {
	r.failed, r.msg = true, fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// outcome runs f against a recorder and reports whether it failed, and how.
func outcome(f func(t testing.TB)) (bool, string) {
	r := &recorder{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(r)
	}()
	<-done
	return r.failed, r.msg
}

// counter counts 0..n by Inc; "small" is violated above 2, "reaches n" is reached at n.
type counter struct{ n int }

func (c counter) Init() []int { return []int{0} }
func (c counter) Next(s int, emit func(check.Action, int)) {
	if s < c.n {
		emit(check.Action{Name: "Inc", Actor: -1}, s+1)
	}
}
func (c counter) Properties() []check.Property[int] {
	return []check.Property[int]{
		{Name: "small", Kind: check.Always, Holds: func(s int) bool { return s <= 2 }},
		{Name: "reaches n", Kind: check.Sometimes, Holds: func(s int) bool { return s == c.n }},
	}
}

func TestAssertionsPassAndFail(t *testing.T) {
	ok := check.Run[int](counter{n: 2}, check.Options{})
	bad := check.Run[int](counter{n: 4}, check.Options{})
	bounded := check.Run[int](counter{n: 2}, check.Options{MaxDepth: 1})
	for _, c := range []struct {
		name     string
		f        func(t testing.TB)
		wantFail string // "" = must pass
	}{
		{"all pass", func(t testing.TB) { RequireAll(t, ok) }, ""},
		{"all with a violation", func(t testing.TB) { RequireAll(t, bad) }, "properties failed"},
		{"all on an incomplete search", func(t testing.TB) { RequireAll(t, bounded) }, "not complete"},
		{"holds", func(t testing.TB) { RequireHolds(t, ok, "small") }, ""},
		{"holds but violated", func(t testing.TB) { RequireHolds(t, bad, "small") }, "expected to hold"},
		{"holds on an incomplete search", func(t testing.TB) { RequireHolds(t, bounded, "small") }, "expected to hold"},
		{"holds on an unknown property", func(t testing.TB) { RequireHolds(t, ok, "nope") }, "no property"},
		{"violated", func(t testing.TB) { RequireViolated(t, bad, "small") }, ""},
		{"violated but holds", func(t testing.TB) { RequireViolated(t, ok, "small") }, "expected to be violated"},
		{"violated on a sometimes property", func(t testing.TB) { RequireViolated(t, ok, "reaches n") }, "use RequireReached"},
		{"reached", func(t testing.TB) { RequireReached(t, ok, "reaches n") }, ""},
		{"reached but not", func(t testing.TB) { RequireReached(t, bounded, "reaches n") }, "expected to be reached"},
	} {
		failed, msg := outcome(c.f)
		switch {
		case c.wantFail == "" && failed:
			t.Errorf("%s: failed: %s", c.name, msg)
		case c.wantFail != "" && !failed:
			t.Errorf("%s: passed, want a failure", c.name)
		case c.wantFail != "" && !strings.Contains(msg, c.wantFail):
			t.Errorf("%s: failure %q does not say %q", c.name, msg, c.wantFail)
		}
	}
	if tr, ok := outcomeTrace(bad); !ok || tr.Len() != 3 || tr.Last() != 3 {
		t.Errorf("RequireViolated returned %v, want the 3-step counterexample", tr)
	}
}

func outcomeTrace(r *check.Result[int]) (tr check.Trace[int], ok bool) {
	failed, _ := outcome(func(t testing.TB) { tr = RequireViolated(t, r, "small") })
	return tr, !failed
}

func TestRequireSameTransitions(t *testing.T) {
	same := func(s int, emit func(string, int)) {
		if s < 3 {
			emit("Inc", s+1)
		}
	}
	if failed, msg := outcome(func(t testing.TB) { RequireSameTransitions[int](t, counter{n: 3}, same, 4) }); failed {
		t.Fatalf("an equal table failed: %s", msg)
	}
	other := func(s int, emit func(string, int)) {
		if s < 3 {
			emit("Inc", min(s+2, 3))
		}
	}
	if failed, msg := outcome(func(t testing.TB) { RequireSameTransitions[int](t, counter{n: 3}, other, 1) }); !failed || !strings.Contains(msg, "the model emits") {
		t.Fatalf("a different table passed (or failed for another reason: %q)", msg)
	}
	if failed, msg := outcome(func(t testing.TB) { RequireSameTransitions[int](t, counter{n: 3}, same, 5) }); !failed || !strings.Contains(msg, "visited only 4") {
		t.Fatalf("an audit of too few states passed (or failed for another reason: %q)", msg)
	}
}
