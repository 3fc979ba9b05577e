package linearizability

import (
	"testing"
	"time"

	"pgregory.net/rapid"
)

// TestSerialBucketHistoriesHold is the model's completeness property: any history a serial
// NATS-like bucket produces (any mix of clients, keys, lost replies that did or did not land,
// 10164 refusals and guessed revisions) holds — recorded, resolved from a complete
// observation, and serialised — so a violation the checker reports is never the model's own.
func TestSerialBucketHistoriesHold(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		cfg := synthConfig{
			seed:         rapid.Uint64().Draw(t, "seed"),
			ops:          rapid.IntRange(1, 300).Draw(t, "ops"),
			clients:      rapid.IntRange(1, 6).Draw(t, "clients"),
			keys:         rapid.IntRange(1, 3).Draw(t, "keys"),
			unknownRate:  rapid.Float64Range(0, 0.3).Draw(t, "unknown"),
			inFlightRate: rapid.Float64Range(0, 0.3).Draw(t, "inflight"),
			staleGuesses: rapid.Float64Range(0, 1).Draw(t, "guesses"),
			maxLatency:   rapid.Int64Range(1, 1000).Draw(t, "latency"),
			maxThinkTime: rapid.Int64Range(1, 1000).Draw(t, "think"),
		}
		ops, serial, landed := synthesize(cfg)
		resolved, st, err := Resolve(ops, landed, true)
		if err != nil || len(st.Contradicted) != 0 {
			t.Fatalf("resolve: %+v, %v", st, err)
		}
		for name, h := range map[string][]Operation{"recorded": ops, "resolved": resolved, "serial": serial} {
			rep, err := Check(h, Options{Timeout: time.Minute})
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if rep.Verdict != Holds {
				t.Fatalf("%s history of a serial bucket: %s", name, rep)
			}
		}
	})
}

// TestStaleReadNeverPasses is the soundness counterpart: in any such history, rewriting one
// leader read to return a value overwritten by an acknowledged write before the read began
// never passes. The check fails on exactly that key, or runs out of time (a failure too: many
// unknown unconditional deletes of one key can make the proof exponential).
func TestStaleReadNeverPasses(t *testing.T) {
	incomplete := 0
	rapid.Check(t, func(t *rapid.T) {
		cfg := synthConfig{
			seed:         rapid.Uint64().Draw(t, "seed"),
			ops:          rapid.IntRange(20, 300).Draw(t, "ops"),
			clients:      rapid.IntRange(1, 6).Draw(t, "clients"),
			keys:         rapid.IntRange(1, 3).Draw(t, "keys"),
			unknownRate:  rapid.Float64Range(0, 0.1).Draw(t, "unknown"),
			inFlightRate: rapid.Float64Range(0, 0.2).Draw(t, "inflight"),
			staleGuesses: rapid.Float64Range(0, 1).Draw(t, "guesses"),
			maxLatency:   rapid.Int64Range(1, 1000).Draw(t, "latency"),
			maxThinkTime: rapid.Int64Range(1, 1000).Draw(t, "think"),
		}
		ops, _, landed := synthesize(cfg)
		key, ok := makeOneReadStale(ops)
		if !ok {
			t.Skip("no leader read follows two acknowledged writes of its key")
		}
		resolved, _, err := Resolve(ops, landed, true)
		if err != nil {
			t.Fatal(err)
		}
		rep, err := Check(resolved, Options{Timeout: 3 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		switch got := rep.ViolatingKeys(); {
		case rep.Verdict == Incomplete && len(got) == 0:
			incomplete++
		case rep.Verdict != Violates || len(got) != 1 || got[0] != key:
			t.Fatalf("stale read on %q: %s", key, rep)
		}
	})
	t.Logf("%d cases ran out of time", incomplete)
}
