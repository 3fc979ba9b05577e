package resync

import (
	"reflect"
	"testing"

	"github.com/slipstream-go/slipstream/model/check"
	"github.com/slipstream-go/slipstream/model/check/checktest"
)

func run(t *testing.T, cfg Config) (*Model, *check.Result[State]) {
	t.Helper()
	m := New(cfg)
	return m, check.Run[State](m, check.Options{})
}

func TestAckBarrierMakesResyncOrderingConverge(t *testing.T) {
	m, r := run(t, Config{})
	checktest.RequireAll(t, r)
	for _, name := range []string{PropRecreateAfter, PropRecreateBefore, PropNeverRecreated} {
		if err := check.Replay[State](m, checktest.RequireReached(t, r, name)); err != nil {
			t.Fatalf("witness of %q does not replay: %v", name, err)
		}
	}
}

// The no-barrier variant with its hazard witness: the hazard is reachable.
func TestWithoutAckBarrierRecreatedKeysAreLost(t *testing.T) {
	m, r := run(t, Config{NoAckBarrier: true, Properties: HazardWitness})
	checktest.RequireAll(t, r)
	tr := checktest.RequireReached(t, r, PropHazardErasesKey)
	if err := check.Replay[State](m, tr); err != nil {
		t.Fatalf("hazard witness does not replay: %v", err)
	}
}

// The contrast: without the barrier the shipped liveness property has a counterexample, and
// it is the delete-after-put race: the re-list's put is folded before the late synthetic
// delete, which erases the re-created key for good.
func TestNoAckBarrierViolatesConvergence(t *testing.T) {
	m, r := run(t, Config{NoAckBarrier: true})
	tr := checktest.RequireViolated(t, r, PropConverges)
	if err := check.Replay[State](m, tr); err != nil {
		t.Fatalf("counterexample does not replay: %v\n%v", err, tr)
	}
	last := tr.Last()
	if m.enabled(last) || last.FoldK == last.BucketK {
		t.Fatalf("counterexample does not end in a terminal state whose fold differs from the bucket:\n%v", tr)
	}
	var names []string
	for _, a := range tr.Actions() {
		names = append(names, a.Name)
	}
	want := []string{ActListLive, ActRecreateK, ActStartFallback, ActDeliverRelistPut, ActFoldSyntheticDeletes}
	if !reflect.DeepEqual(names, want) {
		t.Fatalf("shortest counterexample is %v, want %v", names, want)
	}
}

// With the barrier, the re-list never starts before the synthetic deletes are folded: checked
// here as an invariant over the full state space, the mechanism behind convergence. Without
// the barrier the same invariant fails, so the check is not vacuous.
func TestBarrierOrdersDeletesBeforeRelist(t *testing.T) {
	const name = "the re-list starts only after the synthetic deletes are folded"
	ordered := check.Property[State]{Name: name, Kind: check.Always, Holds: func(s State) bool {
		return s.Phase != Fallback || s.DeletesFolded
	}}
	r := check.Run[State](onlyProperty{New(Config{}), ordered}, check.Options{})
	checktest.RequireAll(t, r)
	r = check.Run[State](onlyProperty{New(Config{NoAckBarrier: true}), ordered}, check.Options{})
	checktest.RequireViolated(t, r, name)
}

// onlyProperty checks one extra property over a model's state space instead of its own.
type onlyProperty struct {
	*Model
	p check.Property[State]
}

func (o onlyProperty) Properties() []check.Property[State] { return []check.Property[State]{o.p} }
