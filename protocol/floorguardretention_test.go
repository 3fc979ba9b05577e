package protocol

import "testing"

// The truth table of FloorGuardRequired: no limit, each limit alone, and a history-only stream
// (per-key history is not a field: it evicts only superseded records).
func TestFloorGuardRequiredTruthTable(t *testing.T) {
	for _, c := range []struct {
		name string
		r    StreamRetention
		want bool
	}{
		{"no limit: only supersession evicts", StreamRetention{}, false},
		{"interest or work-queue retention", StreamRetention{AckRemoval: true}, true},
		{"MaxAge", StreamRetention{MaxAge: true}, true},
		{"MaxMsgs", StreamRetention{MaxMsgs: true}, true},
		{"MaxBytes", StreamRetention{MaxBytes: true}, true},
		{"per-message TTL", StreamRetention{MsgTTL: true}, true},
		{"subject delete marker TTL", StreamRetention{MarkerTTL: true}, true},
		{"message schedules", StreamRetention{Schedules: true}, true},
		{"an aging bucket (MaxAge, TTLs, markers)", StreamRetention{MaxAge: true, MsgTTL: true, MarkerTTL: true}, true},
	} {
		if got := FloorGuardRequired(c.r); got != c.want {
			t.Errorf("%s: FloorGuardRequired(%+v) = %v, want %v", c.name, c.r, got, c.want)
		}
	}
}
