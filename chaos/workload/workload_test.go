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

func unknownPut(client int, key, value string) linearizability.Operation {
	return linearizability.Operation{Client: client, Key: key, Kind: linearizability.KindPut, Value: value,
		Outcome: linearizability.OutcomeUnknown, Call: 10, Return: 20}
}

func TestPatchResolvesUnknownWritesFromTheStream(t *testing.T) {
	ops := []linearizability.Operation{
		unknownPut(0, "k", "landed"),
		unknownPut(1, "k", "lost"),
		{Client: 2, Key: "k", Kind: linearizability.KindDelete, Outcome: linearizability.OutcomeUnknown, Call: 5, Return: 6},
	}
	seen := map[uint64]record{7: {key: "k", value: "landed", at: 50}, 8: {key: "k", op: "DEL", at: 60}}

	got := patch(ops, seen, true)
	if len(got) != 2 {
		t.Fatalf("complete view: want the landed put resolved, the lost put dropped, the delete kept; got %+v", got)
	}
	if got[0].Outcome != linearizability.OutcomeOK || got[0].Revision != 7 || got[0].Return != 50 {
		t.Fatalf("landed put not resolved to rev 7 by time 50: %+v", got[0])
	}
	if got[1].Kind != linearizability.KindDelete || got[1].Outcome != linearizability.OutcomeUnknown {
		t.Fatalf("an unknown delete carries no value and must stay unknown: %+v", got[1])
	}
	if err := linearizability.ValidateHistory(got); err != nil {
		t.Fatal(err)
	}

	partial := patch(ops, seen, false)
	if len(partial) != 3 || !slices.ContainsFunc(partial, func(o linearizability.Operation) bool {
		return o.Value == "lost" && o.Outcome == linearizability.OutcomeUnknown
	}) {
		t.Fatalf("incomplete view: an unobserved write must stay unknown, got %+v", partial)
	}
}
