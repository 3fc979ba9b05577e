package protocol

import (
	"testing"

	"pgregory.net/rapid"
)

func TestRetiredPayloadPrunableTruthTable(t *testing.T) {
	cases := []struct {
		created, live int64
		agedOut       bool
		want          bool
	}{
		{5, 7, true, true},   // an earlier incarnation, aged out
		{5, 7, false, false}, // inside the grace period
		{7, 7, true, false},  // the live incarnation itself
		{9, 7, true, false},  // created after the live one the bucket reported
		{0, 7, true, false},  // the zero incarnation (or a key not ours) is never retired
		{-1, 7, true, false}, // a negative creation time is unknown too
		{5, 0, true, false},  // live incarnation unknown: nothing is provably retired
		{5, -3, true, false},
		{1, 2, true, true}, // the smallest pair
	}
	for _, c := range cases {
		got := RetiredPayloadPrunable(RetiredPayload{Created: c.created, Live: c.live, AgedOut: c.agedOut})
		if got != c.want {
			t.Errorf("RetiredPayloadPrunable(created=%d, live=%d, aged=%v) = %v, want %v", c.created, c.live, c.agedOut, got, c.want)
		}
	}
}

func TestRetiredPointerDeletableTruthTable(t *testing.T) {
	cases := []struct {
		created, live int64
		left          bool
		want          bool
	}{
		{5, 7, false, true}, // an earlier incarnation with no payload left
		{5, 7, true, false}, // a payload is left (young, or uploaded since)
		{7, 7, false, false},
		{9, 7, false, false},
		{0, 7, false, false},
		{5, 0, false, false},
	}
	for _, c := range cases {
		got := RetiredPointerDeletable(RetiredPointer{Created: c.created, Live: c.live, PayloadsLeft: c.left})
		if got != c.want {
			t.Errorf("RetiredPointerDeletable(created=%d, live=%d, left=%v) = %v, want %v", c.created, c.live, c.left, got, c.want)
		}
	}
}

// Whatever the inputs, the live incarnation's artifacts and those of any incarnation created
// after it are never retired, and a pointer with payloads left is never deleted.
func TestRetiredKernelsNeverTouchTheLiveOrANewerIncarnation(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		live := rapid.Int64().Draw(t, "live")
		created := rapid.Int64().Draw(t, "created")
		aged, left := rapid.Bool().Draw(t, "aged out"), rapid.Bool().Draw(t, "payloads left")
		pay := RetiredPayloadPrunable(RetiredPayload{Created: created, Live: live, AgedOut: aged})
		ptr := RetiredPointerDeletable(RetiredPointer{Created: created, Live: live, PayloadsLeft: left})
		if (pay || ptr) && (created >= live || created <= 0) {
			t.Fatalf("created=%d live=%d: payload %v, pointer %v; want neither", created, live, pay, ptr)
		}
		if pay && !aged {
			t.Fatalf("created=%d live=%d: a payload inside the grace is prunable", created, live)
		}
		if ptr && left {
			t.Fatalf("created=%d live=%d: a pointer with payloads left is deletable", created, live)
		}
	})
}
