package workload

import (
	"slices"
	"testing"

	"github.com/slipstream-go/slipstream/linearizability"
)

func TestDrawIsSeededAndHonoursTheAllowedKinds(t *testing.T) {
	seen := map[linearizability.Kind]bool{}
	for n := range int64(2000) {
		k1, key1 := draw(5, n, 4, nil)
		k2, key2 := draw(5, n, 4, nil)
		if k1 != k2 || key1 != key2 {
			t.Fatalf("operation %d drawn twice differently: %s %s / %s %s", n, k1, key1, k2, key2)
		}
		seen[k1] = true
		if k, _ := draw(5, n, 4, []linearizability.Kind{linearizability.KindPut, linearizability.KindLeaderGet}); k != linearizability.KindPut && k != linearizability.KindLeaderGet {
			t.Fatalf("drew %s outside the allowed kinds", k)
		}
	}
	if len(seen) != len(KVKinds()) {
		t.Fatalf("2000 draws covered only %v", seen)
	}
}

// The observer's records feed linearizability.Resolve: a value record lands a write, a marker
// counts as a delete.
func TestObservedWritesResolveUnknownOutcomes(t *testing.T) {
	ops := []linearizability.Operation{
		{Client: 0, Key: "k", Kind: linearizability.KindPut, Value: "landed", Outcome: linearizability.OutcomeUnknown, Call: 10, Return: 20},
		{Client: 1, Key: "k", Kind: linearizability.KindPut, Value: "lost", Outcome: linearizability.OutcomeUnknown, Call: 11, Return: 21},
	}
	v := observation{seen: map[uint64]record{7: {key: "k", value: "landed", at: 50}, 8: {key: "k", op: "DEL", at: 60}}}
	ws := v.writes()
	if len(ws) != 2 || !slices.ContainsFunc(ws, func(w linearizability.Write) bool { return w.Deleted && w.Revision == 8 }) {
		t.Fatalf("marker not converted to a delete: %+v", ws)
	}
	out, st, err := linearizability.Resolve(ops, ws, true)
	if err != nil {
		t.Fatal(err)
	}
	if st.Landed != 1 || st.NotApplied != 1 || out[0].Revision != 7 || out[0].Return != 50 {
		t.Fatalf("resolve: %+v %+v", st, out)
	}
}
