package foldwl

import (
	"fmt"
	"testing"
)

// The operator's schedule first does every enabled action once, in a seeded order, then
// random ones among them, always after OpGapMin..OpGapMax writes, each on one of the writer's
// keys; the same seed gives the same schedule.
func TestOperatorScheduleCoversEveryActionFirst(t *testing.T) {
	opts := Options{Operator: []string{OpSubjectPurge, OpMarkerPurge}, OpGapMin: 5, OpGapMax: 9, Keys: 4}.withDefaults()
	draw := func(seed uint64) []opEvent {
		s := newOpSchedule(seed, opts)
		var out []opEvent
		for range 30 {
			out = append(out, s.next())
		}
		return out
	}
	a := draw(3)
	if fmt.Sprint(a) != fmt.Sprint(draw(3)) {
		t.Fatal("the same seed drew two schedules")
	}
	if a[0].Action == a[1].Action {
		t.Fatalf("the first two actions are both %s", a[0].Action)
	}
	prev := 0
	keys := map[string]bool{}
	for i, e := range a {
		if gap := e.At - prev; gap < 5 || gap > 9 {
			t.Fatalf("action %d after %d writes, want 5..9", i, gap)
		}
		prev = e.At
		if e.Action == OpRawDelete {
			t.Fatalf("action %d is %s, which is not enabled", i, e.Action)
		}
		keys[e.Key] = true
	}
	for k := range keys {
		if k < "k00" || k > "k03" {
			t.Fatalf("key %s is not one of the writer's 4 keys", k)
		}
	}
	if fmt.Sprint(draw(4)) == fmt.Sprint(a) {
		t.Fatal("two seeds drew the same schedule")
	}
}
