package exportimport

import (
	"reflect"
	"testing"

	"github.com/slipstream-go/slipstream/model/check"
	"github.com/slipstream-go/slipstream/model/check/checktest"
)

// Each mutation must be caught by the property it targets (or, for a kernel
// mutation, the property that kernel carries); the counterexample is replayed by action name.
func TestMutationsAreCaught(t *testing.T) {
	cases := []struct {
		mut  Mutation
		prop string
		also []string // further properties an exhaustive search finds the mutation breaks
	}{
		{MutLwwPointer, PropNeverRegresses, []string{PropMonotonePointer, PropTargetFetchable, PropFetchMissOnlyStale}},
		{MutPruneAgeOnly, PropTargetFetchable, []string{PropFetchMissOnlyStale}},
		{MutSilentClamp, PropNeverSilentlyDiverge, nil},
		{MutK1AllowsOneBelow, PropNeverRegresses, nil},
		{MutK2PrunesEqualRank, PropTargetFetchable, nil},
		{MutK3OffByOne, PropNeverSilentlyDiverge, nil},
	}
	for _, tc := range cases {
		t.Run(tc.mut.String(), func(t *testing.T) {
			m, r := run(t, cfg(PointerSwap, ResyncFailStop, tc.mut))
			if r.Property(PropLiveness) != nil {
				t.Fatal("mutation configurations carry no liveness property")
			}
			cex := checktest.RequireViolated(t, r, tc.prop)
			last := replayByName(t, m, cex)
			if holds(m, tc.prop, last) {
				t.Fatalf("the replayed counterexample ends in a state satisfying %q", tc.prop)
			}
			for i, st := range cex.Steps[:len(cex.Steps)-1] {
				if !holds(m, tc.prop, st.State) || (i == 0 && !holds(m, tc.prop, cex.Init)) {
					t.Fatalf("the counterexample violates %q before its last step: not the shortest", tc.prop)
				}
			}
			for _, p := range tc.also {
				checktest.RequireViolated(t, r, p)
			}
			if tc.mut == MutLwwPointer {
				if p := r.Property(PropSwapRefuses); p.Verdict != check.Unreached {
					t.Fatalf("under LwwPointer the refusal witness must be unreachable, got %v", p.Verdict)
				}
			}
			if tc.mut == MutSilentClamp {
				if got := r.Failed(); !reflect.DeepEqual(got, []string{PropNeverSilentlyDiverge}) {
					t.Fatalf("SilentClamp must break only the convergence invariant, broke %q", got)
				}
			}
			// The same trace under the shipped kernels and no mutation never violates it.
			shipped := MustNew(cfg(PointerSwap, ResyncFailStop, MutNone))
			s := shipped.Init()[0]
			for _, st := range cex.Steps {
				next, ok := apply(shipped, s, st.Action)
				if !ok {
					break // the fix disables the step (e.g. nothing to prune)
				}
				if !holds(shipped, tc.prop, next) {
					t.Fatalf("the shipped protocol violates %q along the mutant's counterexample", tc.prop)
				}
				s = next
			}
		})
	}
}
