package linearizability

import (
	"slices"
	"testing"
	"time"
)

// TestSyntheticHistoriesHold: synthetic 10k-operation histories (8 clients, 5 keys, lost
// replies, 10164 refusals, stale compare-and-swap guesses) produced by a serial bucket hold,
// both as recorded and after Resolve.
func TestSyntheticHistoriesHold(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		ops, _, landed := synthesize(defaultSynth(seed))
		resolved, st, err := Resolve(ops, landed, true)
		if err != nil {
			t.Fatal(err)
		}
		if len(st.Contradicted) != 0 || st.Landed == 0 || st.NotApplied == 0 {
			t.Fatalf("seed %d: resolve %+v", seed, st)
		}
		unseen := slices.Clone(landed)
		for i := range unseen {
			unseen[i].Seen = 0
		}
		pinned, _, err := Resolve(ops, unseen, true)
		if err != nil {
			t.Fatal(err)
		}
		for name, h := range map[string][]Operation{"recorded": ops, "resolved": resolved, "pinned": pinned} {
			rep, err := Check(h, Options{Timeout: 2 * time.Minute})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Verdict != Holds || rep.Keys != 5 || rep.UnknownWrites == 0 {
				t.Fatalf("seed %d, %s: %s", seed, name, rep)
			}
		}
	}
}

// TestSyntheticStaleReadViolates: one read of a synthetic history is rewritten to return a value
// that had been overwritten by an acknowledged write before the read began; the check of the
// resolved history must then fail on exactly that key.
func TestSyntheticStaleReadViolates(t *testing.T) {
	for seed := uint64(4); seed < 12; seed++ {
		cfg := defaultSynth(seed)
		cfg.ops = 3000
		ops, _, landed := synthesize(cfg)
		key, ok := makeOneReadStale(ops)
		if !ok {
			t.Fatalf("seed %d: no read to make stale", seed)
		}
		if seed%2 == 0 { // half the seeds resolve without observation times (revision pins only)
			for i := range landed {
				landed[i].Seen = 0
			}
		}
		ops, _, err := Resolve(ops, landed, true)
		if err != nil {
			t.Fatal(err)
		}
		rep, err := Check(ops, Options{Timeout: 2 * time.Minute})
		if err != nil {
			t.Fatal(err)
		}
		if got := rep.ViolatingKeys(); rep.Verdict != Violates || len(got) != 1 || got[0] != key {
			t.Fatalf("seed %d: stale read on %q: %s", seed, key, rep)
		}
	}
}

// TestUnresolvedViolationNeverPasses: without Resolve, every unknown write stays pending to the
// end and proving the violation may take longer than the budget; the verdict is then
// Incomplete, which fails like Violates, and never Holds.
func TestUnresolvedViolationNeverPasses(t *testing.T) {
	ops, _, _ := synthesize(defaultSynth(4))
	key, _ := makeOneReadStale(ops)
	rep, err := Check(ops, Options{Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Verdict.Passed() || rep.Verdict == Holds {
		t.Fatalf("stale read on %q passed: %s", key, rep)
	}
	for _, k := range rep.PerKey {
		if k.Key != key && k.Verdict != Holds {
			t.Errorf("key %s (not mutated): %s", k.Key, k.Verdict)
		}
	}
}

// makeOneReadStale rewrites the last found leader get whose key saw two acknowledged writes
// (w1 then w2, w2 returning before the get's call) to return w1's value and revision.
func makeOneReadStale(ops []Operation) (string, bool) {
	for i := len(ops) - 1; i >= 0; i-- {
		g := &ops[i]
		if g.Kind != KindLeaderGet || g.Outcome != OutcomeOK {
			continue
		}
		var w1, w2 *Operation
		for j := range ops {
			w := &ops[j]
			if w.Key != g.Key || !w.Kind.HasValue() || w.Outcome != OutcomeOK || w.Return >= g.Call {
				continue
			}
			if w1 == nil || w.Revision < w1.Revision {
				w1 = w
			}
			if w2 == nil || w.Revision > w2.Revision {
				w2 = w
			}
		}
		if w1 != nil && w2 != nil && w1 != w2 {
			g.Found, g.Read, g.Revision = true, w1.Value, w1.Revision
			return g.Key, true
		}
	}
	return "", false
}

// BenchmarkCheck10k checks a synthetic history of 10k operations (8 clients, 5 keys). It reports
// the check's time, its share of the 30 s budget a real run allows, and its ratio to checking
// the same operations serialised (each shrunk to its linearization point: no concurrency to
// search), measured in the same run.
func BenchmarkCheck10k(b *testing.B) {
	ops, serial, _ := synthesize(defaultSynth(1))
	timeCheck := func(ops []Operation) time.Duration {
		start := time.Now()
		rep, err := Check(ops, Options{Timeout: 5 * time.Minute})
		if err != nil || rep.Verdict != Holds {
			b.Fatalf("%s, %v", rep, err)
		}
		return time.Since(start)
	}
	var check, base time.Duration
	b.ResetTimer()
	for b.Loop() {
		check += timeCheck(ops)
		base += timeCheck(serial)
	}
	n := float64(b.N)
	b.ReportMetric(check.Seconds()/n, "check-s")
	b.ReportMetric(check.Seconds()/n/30, "of-30s-budget")
	b.ReportMetric(float64(check)/float64(base), "x-serialised")
}
