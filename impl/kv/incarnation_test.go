package kv

import (
	"bytes"
	"errors"
	"testing"
	"time"
)

func mustIncarnation(t *testing.T, name string, created time.Time) Incarnation {
	t.Helper()
	inc, err := NewIncarnation(name, created)
	if err != nil {
		t.Fatal(err)
	}
	return inc
}

func TestIncarnationRoundTripsThroughTextAndBinary(t *testing.T) {
	at := time.Date(2026, 11, 30, 0, 19, 59, 123456789, time.UTC)
	inc := mustIncarnation(t, "routes", at)
	if inc.IsZero() || inc.Name() != "routes" || !inc.Created().Equal(at) {
		t.Fatalf("incarnation %v does not hold routes@%v", inc, at)
	}
	txt, _ := inc.MarshalText()
	if string(txt) != "routes@1795997999123456789" {
		t.Fatalf("text form %q", txt)
	}
	back, err := ParseIncarnation(string(txt))
	if err != nil || back != inc {
		t.Fatalf("ParseIncarnation(%q) = %v, %v; want %v", txt, back, err, inc)
	}
	bin, _ := inc.MarshalBinary()
	got, err := DecodeIncarnation(bin)
	if err != nil || got != inc {
		t.Fatalf("DecodeIncarnation = %v, %v; want %v", got, err, inc)
	}
	if s := inc.String(); s != "routes@2026-11-30T00:19:59.123456789Z" {
		t.Fatalf("String() = %q", s)
	}
}

func TestIncarnationsOfOneNameDifferByCreationTime(t *testing.T) {
	at := time.Unix(1_700_000_000, 0)
	a := mustIncarnation(t, "b", at)
	if a == mustIncarnation(t, "b", at.Add(time.Nanosecond)) {
		t.Fatal("a re-created stream (one nanosecond later) compares equal to the old one")
	}
	if a == mustIncarnation(t, "c", at) {
		t.Fatal("two buckets created at the same instant compare equal")
	}
	if a != mustIncarnation(t, "b", at.In(time.FixedZone("x", 3600))) {
		t.Fatal("the same instant in another zone compares unequal")
	}
}

func TestZeroIncarnationEncodesAsNothing(t *testing.T) {
	var z Incarnation
	txt, _ := z.MarshalText()
	bin, _ := z.MarshalBinary()
	if len(txt) != 0 || len(bin) != 0 || z.String() != "unknown" || !z.Created().IsZero() {
		t.Fatalf("zero incarnation: text %q, binary %x, %q", txt, bin, z.String())
	}
	if p, err := ParseIncarnation(""); err != nil || !p.IsZero() {
		t.Fatalf("ParseIncarnation(\"\") = %v, %v", p, err)
	}
	if d, err := DecodeIncarnation(nil); err != nil || !d.IsZero() {
		t.Fatalf("DecodeIncarnation(nil) = %v, %v", d, err)
	}
}

func TestIncarnationParsersRefuseBadInput(t *testing.T) {
	for _, s := range []string{"routes", "@5", "routes@", "routes@0", "routes@-5", "routes@+5", "routes@05",
		"routes@5x", "rou\ntes@5", "routes@99999999999999999999", "a@b@5"} {
		if _, err := ParseIncarnation(s); !errors.Is(err, ErrInvalidIncarnation) {
			t.Errorf("ParseIncarnation(%q) = %v, want ErrInvalidIncarnation", s, err)
		}
	}
	for _, b := range [][]byte{{2, 0, 0, 0, 0, 0, 0, 0, 1, 'a'}, {1, 0, 0, 0, 0, 0, 0, 0, 1}, {1, 0, 0, 0, 0, 0, 0, 0, 0, 'a'},
		{1, 0x80, 0, 0, 0, 0, 0, 0, 1, 'a'}, {1}} {
		if _, err := DecodeIncarnation(b); !errors.Is(err, ErrInvalidIncarnation) {
			t.Errorf("DecodeIncarnation(%x) = %v, want ErrInvalidIncarnation", b, err)
		}
	}
	if _, err := NewIncarnation("", time.Unix(1, 0)); !errors.Is(err, ErrInvalidIncarnation) {
		t.Errorf("empty name accepted: %v", err)
	}
	if _, err := NewIncarnation("b", time.Time{}); !errors.Is(err, ErrInvalidIncarnation) {
		t.Errorf("zero creation time accepted: %v", err)
	}
}

// FuzzParseIncarnation: whatever either parser accepts re-encodes to the bytes it was given,
// so one incarnation has exactly one text and one binary form.
func FuzzParseIncarnation(f *testing.F) {
	f.Add("routes@1795997999123456789", []byte{1, 0, 0, 0, 0, 0, 0, 0, 1, 'a'})
	f.Add("", []byte{})
	f.Add("a@b@5", []byte{1, 0x80})
	f.Fuzz(func(t *testing.T, s string, b []byte) {
		if inc, err := ParseIncarnation(s); err == nil {
			txt, _ := inc.MarshalText()
			if string(txt) != s {
				t.Fatalf("ParseIncarnation(%q) re-encodes as %q", s, txt)
			}
		} else if !errors.Is(err, ErrInvalidIncarnation) {
			t.Fatalf("ParseIncarnation(%q): %v does not match ErrInvalidIncarnation", s, err)
		}
		if inc, err := DecodeIncarnation(b); err == nil {
			bin, _ := inc.MarshalBinary()
			if !bytes.Equal(bin, b) {
				t.Fatalf("DecodeIncarnation(%x) re-encodes as %x", b, bin)
			}
		} else if !errors.Is(err, ErrInvalidIncarnation) {
			t.Fatalf("DecodeIncarnation(%x): %v does not match ErrInvalidIncarnation", b, err)
		}
	})
}
