package protocol

import (
	"math"
	"testing"
)

// The truth table of LeaseStealable: an unparsed record is always stealable, whatever its
// (meaningless) expiry; a parsed one exactly when its expiry is at or before now.
func TestLeaseStealableTruthTable(t *testing.T) {
	cases := []struct {
		parsed       bool
		expires, now int64
		want         bool
	}{
		{false, 0, 0, true},             // corrupt or tombstone
		{false, math.MaxInt64, 0, true}, // a corrupt record's expiry means nothing
		{true, 100, 99, false},          // live
		{true, 100, 100, true},          // expiry exactly now counts as expired
		{true, 100, 101, true},          // expired
		{true, math.MaxInt64, math.MaxInt64 - 1, false},
		{true, math.MinInt64, 0, true},  // a record written by a clock before the epoch
		{true, 0, math.MinInt64, false}, // our clock before the epoch: nothing parsed looks expired
	}
	for _, c := range cases {
		if got := LeaseStealable(c.parsed, c.expires, c.now); got != c.want {
			t.Errorf("LeaseStealable(parsed=%v, expires=%d, now=%d) = %v, want %v", c.parsed, c.expires, c.now, got, c.want)
		}
	}
}
