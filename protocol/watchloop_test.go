package protocol

import (
	"bytes"
	"slices"
	"testing"

	"pgregory.net/rapid"
)

func tok(rev byte) []byte { return []byte{0, 0, 0, 0, 0, 0, 0, rev} }

func TestBatchHighBoundaries(t *testing.T) {
	cases := []struct {
		name          string
		high, version []byte
		want          []byte
	}{
		{"no mark, unknown version: still no mark", nil, nil, nil},
		{"no mark, empty non-nil version: still no mark", nil, []byte{}, nil},
		{"no mark, known version: the version", nil, tok(5), tok(5)},
		{"mark, unknown version: mark kept (never clobbered)", tok(5), nil, tok(5)},
		{"mark, empty non-nil version: mark kept", tok(5), []byte{}, tok(5)},
		{"mark, newer version: the newer one", tok(3), tok(5), tok(5)},
		{"mark, older version: the last received, not the max", tok(5), tok(3), tok(3)},
		{"mark, same version", tok(5), tok(5), tok(5)},
	}
	for _, c := range cases {
		if got := BatchHigh(c.high, c.version); !bytes.Equal(got, c.want) || (c.want == nil) != (got == nil) {
			t.Errorf("%s: BatchHigh(%x, %x) = %x, want %x", c.name, c.high, c.version, got, c.want)
		}
	}
}

// Folding BatchHigh over any sequence of received versions yields the last known version of
// the sequence, or the starting mark when the sequence has none: unknown versions are
// transparent wherever they appear.
func TestBatchHighIsLastKnownVersion(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		start := rapid.SliceOfN(rapid.Byte(), 0, 8).Draw(t, "start")
		seq := rapid.SliceOf(rapid.SliceOfN(rapid.Byte(), 0, 8)).Draw(t, "versions")
		high := start
		want := start
		for _, v := range seq {
			high = BatchHigh(high, v)
			if len(v) > 0 {
				want = v
			}
		}
		if !bytes.Equal(high, want) {
			t.Fatalf("after %x from %x: high %x, want last known %x", seq, start, high, want)
		}
	})
}

func TestStoreFailureThreshold(t *testing.T) {
	if MaxStoreApplyFailures != 16 {
		t.Fatalf("MaxStoreApplyFailures = %d; the watch loop contract is 16 (15 tolerated, the 16th fatal)", MaxStoreApplyFailures)
	}
	var streak uint
	for i := 1; i <= 15; i++ {
		var fatal bool
		streak, fatal = StoreFailure(streak, true)
		if fatal || streak != uint(i) {
			t.Fatalf("failure %d: streak %d fatal %v; want streak %d, tolerated", i, streak, fatal, i)
		}
	}
	if s, fatal := StoreFailure(streak, true); !fatal || s != 16 {
		t.Fatalf("16th consecutive failure: streak %d fatal %v; want 16, fatal", s, fatal)
	}
	if s, fatal := StoreFailure(15, false); fatal || s != 0 {
		t.Fatalf("success after 15 failures: streak %d fatal %v; want reset to 0, not fatal", s, fatal)
	}
	if s, fatal := StoreFailure(0, false); fatal || s != 0 {
		t.Fatalf("success: streak %d fatal %v; want 0, not fatal", s, fatal)
	}
	if s, fatal := StoreFailure(0, true); fatal || s != 1 {
		t.Fatalf("first failure: streak %d fatal %v; want 1, tolerated", s, fatal)
	}
	max := ^uint(0)
	if s, fatal := StoreFailure(max, true); !fatal || s != max {
		t.Fatalf("failure at the maximum streak: %d %v; want saturation at %d, fatal", s, fatal, max)
	}
	if s, fatal := StoreFailure(max, false); fatal || s != 0 {
		t.Fatalf("success at the maximum streak: %d %v; want 0, not fatal", s, fatal)
	}
}

// Over any sequence of outcomes, the streak is the length of the current run of failures and
// the loop stops exactly at the step where that run reaches MaxStoreApplyFailures (a loop that
// stops does not continue, so the first fatal step ends the sequence).
func TestStoreFailureCountsConsecutiveFailures(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		outcomes := rapid.SliceOfN(rapid.Bool(), 0, 60).Draw(t, "failed")
		var streak uint
		run := 0
		for i, failed := range outcomes {
			var fatal bool
			streak, fatal = StoreFailure(streak, failed)
			if failed {
				run++
			} else {
				run = 0
			}
			if streak != uint(run) {
				t.Fatalf("step %d: streak %d, want current failure run %d", i, streak, run)
			}
			if fatal != (run >= MaxStoreApplyFailures) {
				t.Fatalf("step %d: fatal %v with a run of %d failures", i, fatal, run)
			}
			if fatal {
				return
			}
		}
	})
}

func TestRequeueOrderAndOwnership(t *testing.T) {
	failed := make([]int, 3, 10) // spare capacity: an aliasing append would write into it
	copy(failed, []int{1, 2, 3})
	newer := []int{4, 5}
	got := Requeue(failed, newer)
	if !slices.Equal(got, []int{1, 2, 3, 4, 5}) {
		t.Fatalf("Requeue = %v, want the failed batch first, then the newer updates: [1 2 3 4 5]", got)
	}
	got[0], got[3] = 100, 400
	if failed[0] != 1 || newer[0] != 4 {
		t.Fatalf("Requeue's result aliases its arguments: failed %v newer %v", failed, newer)
	}
	if spare := failed[:4]; spare[3] != 0 {
		t.Fatalf("Requeue wrote into the failed batch's spare capacity: %v", spare)
	}
	if got := Requeue[int](nil, nil); len(got) != 0 {
		t.Fatalf("Requeue(nil, nil) = %v, want empty", got)
	}
	if got := Requeue(nil, []int{7}); !slices.Equal(got, []int{7}) {
		t.Fatalf("Requeue(nil, [7]) = %v", got)
	}
	if got := Requeue([]int{7}, nil); !slices.Equal(got, []int{7}) {
		t.Fatalf("Requeue([7], nil) = %v", got)
	}
}

func TestRequeueIsConcatenation(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		failed := rapid.SliceOf(rapid.Int()).Draw(t, "failed")
		newer := rapid.SliceOf(rapid.Int()).Draw(t, "newer")
		got := Requeue(failed, newer)
		if len(got) != len(failed)+len(newer) ||
			!slices.Equal(got[:len(failed)], failed) || !slices.Equal(got[len(failed):], newer) {
			t.Fatalf("Requeue(%v, %v) = %v, want the concatenation", failed, newer, got)
		}
	})
}

// An in-place restart resumes after the last update handed to the loop, or where the failed
// chain of watches started when it handed over none (the zero-length start: a state sync).
func TestWatchRestartAfter(t *testing.T) {
	cases := []struct {
		name             string
		start, forwarded []byte
		want             []byte
	}{
		{"forwarded some", tok(3), tok(7), tok(7)},
		{"forwarded none, resumed", tok(3), nil, tok(3)},
		{"forwarded none, state sync", nil, nil, nil},
		{"state sync forwarded some", nil, tok(2), tok(2)},
	}
	for _, c := range cases {
		if got := WatchRestartAfter(c.start, c.forwarded); !bytes.Equal(got, c.want) {
			t.Errorf("%s: WatchRestartAfter(%x, %x) = %x, want %x", c.name, c.start, c.forwarded, got, c.want)
		}
	}
}
