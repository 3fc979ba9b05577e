package check

import (
	"context"
	"testing"

	"github.com/slipstream-go/slipstream/linearizability"
)

// history: a write of "a" at revision 1, then of "b" at revision 2, then a leader read at
// [readCall, readReturn] that answers "a" — stale once "b" has returned.
func staleReadHistory(readCall, readReturn int64) []linearizability.Operation {
	return []linearizability.Operation{
		{Client: 1, Key: "k", Kind: linearizability.KindPut, Value: "a", Outcome: linearizability.OutcomeOK, Revision: 1, Call: 0, Return: 10},
		{Client: 1, Key: "k", Kind: linearizability.KindPut, Value: "b", Outcome: linearizability.OutcomeOK, Revision: 2, Call: 20, Return: 30},
		{Client: 2, Key: "k", Kind: linearizability.KindLeaderGet, Outcome: linearizability.OutcomeOK, Found: true, Read: "a", Revision: 1, Call: readCall, Return: readReturn},
	}
}

func TestSplitLeaderReadsInDoubtDropsOnlyOverlappingLeaderReads(t *testing.T) {
	ops := staleReadHistory(40, 50)
	ops = append(ops, linearizability.Operation{Client: 3, Key: "k", Kind: linearizability.KindPut, Value: "c",
		Outcome: linearizability.OutcomeOK, Revision: 3, Call: 45, Return: 48})
	kept, doubted := SplitLeaderReadsInDoubt(ops, []Window{{Start: 44, End: 100}})
	if doubted != 1 || len(kept) != 3 {
		t.Fatalf("kept %d, doubted %d; want 3 kept (every write) and 1 doubted (the leader read)", len(kept), doubted)
	}
	for _, op := range kept {
		if op.Kind == linearizability.KindLeaderGet {
			t.Fatalf("a leader read overlapping the window was kept: %+v", op)
		}
	}
	if _, doubted := SplitLeaderReadsInDoubt(ops, []Window{{Start: 51, End: 100}}); doubted != 0 {
		t.Fatalf("a leader read ending before the window was doubted")
	}
}

// A stale leader read outside every window fails the guarantee; the same read inside a window
// leaves the guarantee holding and is reported.
func TestLinearizableJudgesLeaderReadsInDoubtApart(t *testing.T) {
	for _, tc := range []struct {
		name    string
		windows []Window
		want    linearizability.Verdict
	}{
		{"outside any window", nil, linearizability.Violates},
		{"inside a partition window", []Window{{Start: 35, End: 60}}, linearizability.Holds},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ops := staleReadHistory(40, 50)
			c := Linearizable(func() []linearizability.Operation { return ops }, LinearizableOptions{Dir: t.TempDir(), LeaderInDoubt: tc.windows})
			r := c.Run(context.Background())
			if r.Verdict != tc.want {
				t.Fatalf("verdict %s, want %s (%s)", r.Verdict, tc.want, r.Detail)
			}
			if tc.windows != nil && len(r.Artifacts) == 0 {
				t.Fatalf("the stale read in doubt wrote no visualisation: %s", r.Detail)
			}
		})
	}
}
