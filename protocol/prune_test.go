package protocol

import (
	"slices"
	"testing"

	"pgregory.net/rapid"
)

// The unit pins of K2, the same cases as the ASSUMEs in spec/tla/ExportImport.tla:
// (4,5,F,T)→T; (5,5,F,T)→F; (6,5,F,T)→F; (4,5,T,T)→F; (nil,5,F,T)→F; (4,5,F,F)→F, plus the
// zero-rank edge.
func TestPayloadPrunableTruthTable(t *testing.T) {
	cases := []struct {
		rank            uint64
		known           bool
		pointer         uint64
		target, agedOut bool
		want            bool
	}{
		{4, true, 5, false, true, true},   // strictly below, aged, not the target
		{5, true, 5, false, true, false},  // equal rank is still publishable
		{6, true, 5, false, true, false},  // newer than the pointer
		{4, true, 5, true, true, false},   // the pointer's target
		{4, false, 5, false, true, false}, // unparseable name: not ours
		{4, true, 5, false, false, false}, // inside the grace period
		{0, true, 0, false, true, false},  // nothing is below rank 0
		{0, true, 1, false, true, true},
	}
	for _, c := range cases {
		got := PayloadPrunable(PruneCandidate{Rank: c.rank, RankKnown: c.known, PointerRank: c.pointer, IsPointerTarget: c.target, AgedOut: c.agedOut})
		if got != c.want {
			t.Errorf("PayloadPrunable(%d, known=%v, %d, target=%v, aged=%v) = %v, want %v",
				c.rank, c.known, c.pointer, c.target, c.agedOut, got, c.want)
		}
	}
}

// Prune never deletes the current target nor any payload a guarded publish could still make the
// target: with the pointer at p, K1 allows exactly the ranks >= p, and K2 deletes only ranks < p.
// Over a random history of guarded publishes and prunes, the pointer's target always exists.
func TestPruneNeverDeletesCurrentOrPublishable(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p := rapid.Uint64().Draw(t, "pointer rank")
		r := rapid.Uint64().Draw(t, "payload rank")
		target := rapid.Bool().Draw(t, "is target")
		if PayloadPrunable(PruneCandidate{Rank: r, RankKnown: true, PointerRank: p, IsPointerTarget: target, AgedOut: true}) {
			if target || PointerPublishAllowed(PointerAt(p), r) {
				t.Fatalf("prunable payload rank %d (target=%v) is current or publishable at pointer %d", r, target, p)
			}
		}

		stored := map[uint64]bool{} // payload objects by rank (content addressing: one per rank here)
		pointer := PointerAbsent()
		for i, n := 0, rapid.IntRange(1, 50).Draw(t, "steps"); i < n; i++ {
			switch rapid.IntRange(0, 2).Draw(t, "op") {
			case 0: // upload a payload
				stored[rapid.Uint64Range(0, 10).Draw(t, "upload rank")] = true
			case 1: // publish an uploaded payload through K1
				var ranks []uint64
				for rank := range stored {
					ranks = append(ranks, rank)
				}
				if len(ranks) == 0 {
					continue
				}
				slices.Sort(ranks)
				rank := ranks[rapid.IntRange(0, len(ranks)-1).Draw(t, "publish which")]
				if PointerPublishAllowed(pointer, rank) {
					pointer = PointerAt(rank)
				}
			case 2: // prune against the current pointer
				cur, ok := pointer.Rank()
				if !ok {
					continue
				}
				for rank := range stored {
					if PayloadPrunable(PruneCandidate{Rank: rank, RankKnown: true, PointerRank: cur, IsPointerTarget: rank == cur, AgedOut: true}) {
						delete(stored, rank)
					}
				}
			}
			if cur, ok := pointer.Rank(); ok && !stored[cur] {
				t.Fatalf("the pointer targets rank %d, which was pruned", cur)
			}
		}
	})
}
