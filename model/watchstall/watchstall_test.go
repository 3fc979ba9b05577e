package watchstall

import (
	"reflect"
	"testing"

	"github.com/slipstream-go/slipstream/model/check"
	"github.com/slipstream-go/slipstream/model/check/checktest"
	"github.com/slipstream-go/slipstream/protocol"
)

func run(cfg Config) (*Model, *check.Result[State]) {
	m := New(cfg)
	return m, check.Run[State](m, check.Options{})
}

// The shipped detector: no false stall, every stopped consumer detected within the bound, and
// both a lost last delivery and a paused consumer are detected (witnesses that replay).
func TestShippedDetectsOnlyStalls(t *testing.T) {
	for _, b := range []Bounds{DefaultBounds, SlowProbeBounds} {
		m, r := run(Config{Bounds: b})
		checktest.RequireAll(t, r)
		for _, name := range []string{PropLostDetected, PropPausedDetected} {
			if err := check.Replay[State](m, checktest.RequireReached(t, r, name)); err != nil {
				t.Fatalf("%+v: witness of %q does not replay: %v", b, name, err)
			}
		}
	}
}

// Each mutation, of the kernel or of its call site, is caught by the property it breaks, with
// a counterexample that replays.
func TestMutationsAreCaught(t *testing.T) {
	cases := []struct {
		name string
		cfg  Config
		prop string
	}{
		{"behind by the stream's last sequence", Config{Mode: BehindByLast}, PropNoFalseStall},
		{"no reset on a receipt", Config{Kernels: Kernels{Stall: MutNoReset}}, PropNoFalseStall},
		{"no window", Config{Kernels: Kernels{Stall: MutNoWindow}}, PropNoFalseStall},
		{"streak forgotten between probes", Config{Kernels: Kernels{Stall: MutForgetStreak}}, PropStallDetected},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, r := run(c.cfg)
			tr := checktest.RequireViolated(t, r, c.prop)
			if err := check.Replay[State](m, tr); err != nil {
				t.Fatalf("counterexample does not replay: %v\n%v", err, tr)
			}
			t.Logf("%d states; counterexample:\n%v", r.Distinct, tr)
		})
	}
}

// The detection bound is tight: one tick less than a window plus two probe periods and the
// shipped detector is caught before it could have decided, so StallDetected is not vacuous.
// (The bound is tight when the window is one more than a multiple of the period, as in both
// bounds here; otherwise the last probe before it comes earlier.)
func TestDetectionBoundIsTight(t *testing.T) {
	const name = "detected one tick earlier"
	for _, b := range []Bounds{DefaultBounds, SlowProbeBounds} {
		m := New(Config{Bounds: b})
		early := check.Property[State]{Name: name, Kind: check.Always, Holds: func(s State) bool {
			return s.Stalled || !s.Behind() || s.Now < s.Quiet+b.Window+2*b.Period-1
		}}
		checktest.RequireViolated(t, check.Run[State](onlyProperty{m, early}, check.Options{}), name)
	}
}

// The model's default kernel is the production function, and a mutant replaces it.
func TestDefaultKernelIsProtocol(t *testing.T) {
	ptr := func(f any) uintptr { return reflect.ValueOf(f).Pointer() }
	if ptr(New(Config{}).k.Stall) != ptr(protocol.WatchStall) {
		t.Fatal("the model's default kernel is not protocol.WatchStall")
	}
	if ptr(New(Config{Kernels: Kernels{Stall: MutNoWindow}}).k.Stall) != ptr(MutNoWindow) {
		t.Fatal("a mutant does not replace the kernel")
	}
}

// onlyProperty checks one extra property over a model's state space instead of its own.
type onlyProperty struct {
	*Model
	p check.Property[State]
}

func (o onlyProperty) Properties() []check.Property[State] { return []check.Property[State]{o.p} }
