package linearizability

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestCheckDirect(t *testing.T) {
	put := func(c int, v string, rev uint64, call, ret int64) Operation {
		return Operation{Client: c, Key: "a", Kind: KindPut, Value: v, Outcome: OutcomeOK, Revision: rev, Call: call, Return: ret}
	}
	get := func(c int, v string, rev uint64, call, ret int64) Operation {
		return Operation{Client: c, Key: "a", Kind: KindDirectGet, Outcome: OutcomeOK, Found: v != "", Read: v, Revision: rev, Call: call, Return: ret}
	}
	cases := []struct {
		name      string
		ops       []Operation
		verdict   Verdict // phantom reads only
		lin       Verdict // the direct gets judged like leader reads
		stale     int
		absent    int
		revisions uint64
		staleness time.Duration
	}{
		{"fresh read", []Operation{put(0, "v1", 1, 0, 10), get(1, "v1", 1, 20, 30)}, Holds, Holds, 0, 0, 0, 0},
		{"old value while the newer write is still in flight is not stale",
			[]Operation{put(0, "v1", 1, 0, 10), put(0, "v2", 2, 20, 60), get(1, "v1", 1, 30, 40)}, Holds, Holds, 0, 0, 0, 0},
		{"stale value", []Operation{put(0, "v1", 1, 0, 10), put(0, "v2", 3, 20, 30), get(1, "v1", 1, 50, 60)}, Holds, Violates, 1, 0, 2, 20},
		{"stale value measured from the first write that replaced it",
			[]Operation{put(0, "v1", 1, 0, 10), put(0, "v2", 3, 20, 30), put(0, "v3", 7, 40, 45), get(1, "v1", 1, 50, 60)}, Holds, Violates, 1, 0, 6, 20},
		{"stale absence", []Operation{put(0, "v1", 1, 0, 10), get(1, "", 0, 25, 30)}, Holds, Violates, 1, 1, 0, 15},
		{"absence explained by a delete that may have taken effect",
			[]Operation{put(0, "v1", 1, 0, 10),
				{Client: 2, Key: "a", Kind: KindDelete, Outcome: OutcomeUnknown, Call: 12, Return: 14},
				get(1, "", 0, 20, 30)}, Holds, Holds, 0, 0, 0, 0},
		{"guarded delete is newer than the value it removed",
			[]Operation{put(0, "v1", 4, 0, 10),
				{Client: 0, Key: "a", Kind: KindDeleteWithVersion, Expected: 4, Outcome: OutcomeOK, Call: 20, Return: 30},
				get(1, "v1", 4, 40, 50)}, Holds, Violates, 1, 0, 1, 10},
		{"phantom value", []Operation{put(0, "v1", 1, 0, 10), get(1, "zz", 1, 20, 30)}, Violates, Violates, 0, 0, 0, 0},
		{"phantom revision", []Operation{put(0, "v1", 1, 0, 10), get(1, "v1", 2, 20, 30)}, Violates, Violates, 0, 0, 0, 0},
		{"read before its write was called", []Operation{get(1, "v1", 1, 0, 10), put(0, "v1", 1, 20, 30)}, Violates, Violates, 0, 0, 0, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rep, err := CheckDirect(c.ops, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Verdict != c.verdict || rep.Linearizable.Verdict != c.lin || rep.Stale != c.stale || rep.StaleAbsent != c.absent ||
				rep.MaxStaleRevisions != c.revisions || rep.MaxStaleness != c.staleness {
				t.Fatalf("got verdict %s, linearizable %s, stale %d (absent %d), max %d revisions / %v; want %s, %s, %d (%d), %d / %v",
					rep.Verdict, rep.Linearizable.Verdict, rep.Stale, rep.StaleAbsent, rep.MaxStaleRevisions, rep.MaxStaleness,
					c.verdict, c.lin, c.stale, c.absent, c.revisions, c.staleness)
			}
			if c.verdict == Violates && len(rep.Phantoms) == 0 {
				t.Fatal("violation without a phantom read listed")
			}
			if want := fmt.Sprintf("%d of 1 direct gets stale", c.stale); !strings.Contains(rep.String(), want) {
				t.Fatalf("summary %q lacks %q", rep.String(), want)
			}
			if c.stale > 0 && (len(rep.Worst) != c.stale || rep.Worst[0].Key != "a") {
				t.Fatalf("worst stale reads %+v", rep.Worst)
			}
		})
	}
}
