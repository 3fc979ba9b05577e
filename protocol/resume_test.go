package protocol

import (
	"math"
	"testing"

	"pgregory.net/rapid"
)

func TestResumeWindowOKBoundaries(t *testing.T) {
	cases := []struct {
		revision, first uint64
		want            bool
	}{
		{3, 4, true},                           // first retained is exactly the next revision to read
		{3, 1, true},                           // nothing evicted past the cursor
		{3, 5, false},                          // revision 4 was evicted: the resume would skip it
		{0, 0, true},                           // empty stream
		{0, 1, true},                           // fresh cursor, nothing evicted
		{0, 2, false},                          // revision 1 evicted before a fresh resume
		{7, 8, true},                           // fully purged stream reports first = last+1
		{math.MaxUint64, math.MaxUint64, true}, // saturating addition
		{math.MaxUint64 - 1, math.MaxUint64, true}, // exact, without saturation
		{math.MaxUint64 - 2, math.MaxUint64, false},
	}
	for _, c := range cases {
		if got := ResumeWindowOK(c.revision, c.first); got != c.want {
			t.Errorf("ResumeWindowOK(%d, %d) = %v, want %v", c.revision, c.first, got, c.want)
		}
	}
}

func TestResumeStartSequenceBoundaries(t *testing.T) {
	if s, ok := ResumeStartSequence(3); !ok || s != 4 {
		t.Errorf("ResumeStartSequence(3) = %d, %v; want 4, true", s, ok)
	}
	if s, ok := ResumeStartSequence(0); !ok || s != 1 {
		t.Errorf("ResumeStartSequence(0) = %d, %v; want 1, true", s, ok)
	}
	if s, ok := ResumeStartSequence(math.MaxUint64 - 1); !ok || s != math.MaxUint64 {
		t.Errorf("ResumeStartSequence(max-1) = %d, %v; want max, true", s, ok)
	}
	if _, ok := ResumeStartSequence(math.MaxUint64); ok {
		t.Error("ResumeStartSequence(max) must refuse instead of wrapping to 0")
	}
}

// The window check agrees with the start sequence wherever a start exists: the resume is sound
// exactly when nothing before the start sequence's position has been evicted past it.
func TestResumeKernelsAgree(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		rev := rapid.Uint64().Draw(t, "revision")
		first := rapid.Uint64().Draw(t, "first")
		start, ok := ResumeStartSequence(rev)
		if !ok {
			if !ResumeWindowOK(rev, first) {
				t.Fatalf("at the maximum revision every first sequence is within the saturated window")
			}
			return
		}
		if start <= rev {
			t.Fatalf("start %d does not follow revision %d", start, rev)
		}
		if got, want := ResumeWindowOK(rev, first), first <= start; got != want {
			t.Fatalf("ResumeWindowOK(%d, %d) = %v, want first <= start (%d) = %v", rev, first, got, start, want)
		}
	})
}

// Monotonicity: evicting more (a larger first sequence) never turns an expired resume valid, and
// a later cursor never turns a valid resume expired.
func TestResumeWindowMonotone(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		rev := rapid.Uint64().Draw(t, "revision")
		first := rapid.Uint64().Draw(t, "first")
		if !ResumeWindowOK(rev, first) {
			if first < math.MaxUint64 && ResumeWindowOK(rev, first+1) {
				t.Fatalf("more eviction made an expired resume valid: rev %d first %d", rev, first)
			}
		} else if rev < math.MaxUint64 && !ResumeWindowOK(rev+1, first) {
			t.Fatalf("a later cursor made a valid resume expired: rev %d first %d", rev, first)
		}
	})
}
