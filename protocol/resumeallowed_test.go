package protocol

import (
	"testing"

	"pgregory.net/rapid"
)

// The truth table of ResumeAllowed: within the window every stream resumes; behind it only a
// stream without limits does, whichever limit the other has.
func TestResumeAllowedTruthTable(t *testing.T) {
	limits := map[string]StreamRetention{
		"interest or work-queue retention": {AckRemoval: true},
		"MaxAge":                           {MaxAge: true},
		"MaxMsgs":                          {MaxMsgs: true},
		"MaxBytes":                         {MaxBytes: true},
		"per-message TTL":                  {MsgTTL: true},
		"subject delete marker TTL":        {MarkerTTL: true},
		"message schedules":                {Schedules: true},
	}
	for _, c := range []struct {
		name          string
		cursor, first uint64
		within        bool
	}{
		{"empty stream", 3, 0, true},
		{"first is the next revision to read", 3, 4, true},
		{"nothing removed past the cursor", 3, 1, true},
		{"one revision removed past the cursor", 3, 5, false},
		{"far behind the first sequence", 3, 100, false},
		{"fresh cursor, first revision removed", 0, 2, false},
	} {
		if got := ResumeAllowed(c.cursor, c.first, StreamRetention{}); !got {
			t.Errorf("%s, no limit: ResumeAllowed(%d, %d) = false, want true (only supersession removes)", c.name, c.cursor, c.first)
		}
		for lname, r := range limits {
			if got := ResumeAllowed(c.cursor, c.first, r); got != c.within {
				t.Errorf("%s, %s: ResumeAllowed(%d, %d) = %v, want %v (the window check)", c.name, lname, c.cursor, c.first, got, c.within)
			}
		}
	}
}

// ResumeAllowed never refuses what the window check accepts, and on any stream with a limit it
// is exactly the window check.
func TestResumeAllowedExtendsTheWindowCheck(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		cursor := rapid.Uint64().Draw(t, "cursor")
		first := rapid.Uint64().Draw(t, "first")
		r := StreamRetention{
			AckRemoval: rapid.Bool().Draw(t, "ack"), MaxAge: rapid.Bool().Draw(t, "age"),
			MaxMsgs: rapid.Bool().Draw(t, "msgs"), MaxBytes: rapid.Bool().Draw(t, "bytes"),
			MsgTTL: rapid.Bool().Draw(t, "ttl"), MarkerTTL: rapid.Bool().Draw(t, "marker"),
			Schedules: rapid.Bool().Draw(t, "schedules"),
		}
		got, window := ResumeAllowed(cursor, first, r), ResumeWindowOK(cursor, first)
		if window && !got {
			t.Fatalf("ResumeAllowed(%d, %d, %+v) refuses a resume the window check accepts", cursor, first, r)
		}
		if FloorGuardRequired(r) && got != window {
			t.Fatalf("ResumeAllowed(%d, %d, %+v) = %v on a stream with a limit, window check %v", cursor, first, r, got, window)
		}
	})
}
