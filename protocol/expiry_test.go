package protocol

import (
	"math"
	"testing"
)

// The truth table of ExpiryAdmit; spec/tla/Expiry.tla pins the same rows as ASSUMEs.
func TestExpiryAdmit(t *testing.T) {
	cases := []struct {
		agesOut, markers, accept bool
		want                     ExpiryPolicy
	}{
		{false, false, false, ExpiryNone},
		{false, true, false, ExpiryNone},
		{false, false, true, ExpiryNone},
		{true, true, false, ExpiryGuarded},
		{true, true, true, ExpiryGuarded},
		{true, false, false, ExpiryRefused},
		{true, false, true, ExpiryUnguarded},
	}
	for _, c := range cases {
		if got := ExpiryAdmit(c.agesOut, c.markers, c.accept); got != c.want {
			t.Errorf("ExpiryAdmit(agesOut=%v, markers=%v, accept=%v) = %v, want %v", c.agesOut, c.markers, c.accept, got, c.want)
		}
	}
}

// The truth table of ExpiryContactLost; spec/tla/Expiry.tla pins the small rows as ASSUMEs.
func TestExpiryContactLost(t *testing.T) {
	cases := []struct {
		name              string
		contact, now, ttl int64
		want              bool
	}{
		{"well within the TTL", 10, 11, 5, false},
		{"one tick short of the TTL", 10, 14, 5, false},
		{"exactly the TTL: a marker written at the contact may be gone", 10, 15, 5, true},
		{"beyond the TTL", 10, 40, 5, true},
		{"unknown contact", 0, 1, 5, true},
		{"negative contact", -3, 1, 5, true},
		{"no TTL", 10, 10, 0, true},
		{"clock behind the contact", 10, 7, 5, false},
		{"at the contact", 10, 10, 5, false},
		{"no overflow at the extremes", 1, math.MaxInt64, math.MaxInt64, false},
		{"no overflow at the extremes, lost", 1, math.MaxInt64, math.MaxInt64 - 1, true},
	}
	for _, c := range cases {
		if got := ExpiryContactLost(c.contact, c.now, c.ttl); got != c.want {
			t.Errorf("%s: ExpiryContactLost(%d, %d, %d) = %v, want %v", c.name, c.contact, c.now, c.ttl, got, c.want)
		}
	}
}

func TestExpiryContactAdvance(t *testing.T) {
	cases := []struct{ contact, evidence, want int64 }{
		{5, 7, 7},
		{7, 5, 7}, // an older stamp (a re-delivery, or skew) never moves it back
		{0, 3, 3},
		{4, 4, 4},
	}
	for _, c := range cases {
		if got := ExpiryContactAdvance(c.contact, c.evidence); got != c.want {
			t.Errorf("ExpiryContactAdvance(%d, %d) = %d, want %d", c.contact, c.evidence, got, c.want)
		}
	}
}

func TestExpiryPolicyString(t *testing.T) {
	for p, want := range map[ExpiryPolicy]string{ExpiryNone: "none", ExpiryGuarded: "guarded", ExpiryRefused: "refused", ExpiryUnguarded: "unguarded", 9: "ExpiryPolicy(?)"} {
		if got := p.String(); got != want {
			t.Errorf("%d.String() = %q, want %q", p, got, want)
		}
	}
}
