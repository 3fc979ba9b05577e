package kv

import (
	"context"
	"errors"
	"math"
	"testing"
	"time"
)

func TestVersionForms(t *testing.T) {
	var zero Version
	if !zero.IsUnknown() || zero.Len() != 0 {
		t.Fatal("the zero Version must be the unknown version")
	}
	if _, ok := zero.Uint64(); ok {
		t.Fatal("the unknown version has no revision")
	}
	v0 := VersionFromUint64(0)
	if v0.IsUnknown() {
		t.Fatal("revision 0 is a real position, not unknown")
	}
	if rev, ok := v0.Uint64(); !ok || rev != 0 {
		t.Fatalf("VersionFromUint64(0).Uint64() = %d, %v", rev, ok)
	}
	v := VersionFromUint64(42)
	if got := v.Bytes(); len(got) != 8 || got[7] != 42 || got[0] != 0 {
		t.Fatalf("NATS versions are 8 bytes big-endian, got %x", got)
	}
	if v != VersionFromUint64(42) || v == VersionFromUint64(43) {
		t.Fatal("versions must compare by value")
	}
	if v.String() != "rev 42" || zero.String() != "unknown" {
		t.Fatalf("String: %q %q", v.String(), zero.String())
	}
}

func TestVersionFromBytes(t *testing.T) {
	ten := []byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	v, err := VersionFromBytes(ten)
	if err != nil || v.Len() != 10 || string(v.Bytes()) != string(ten) {
		t.Fatalf("10 bytes must round-trip: %v %x", err, v.Bytes())
	}
	if _, ok := v.Uint64(); ok {
		t.Fatal("a 10-byte token has no uint64 form")
	}
	eight, _ := VersionFromBytes(VersionFromUint64(1 << 40).Bytes())
	if rev, ok := eight.Uint64(); !ok || rev != 1<<40 {
		t.Fatalf("8 bytes must decode to the same revision, got %d %v", rev, ok)
	}
	if e, err := VersionFromBytes(nil); err != nil || !e.IsUnknown() {
		t.Fatal("empty input is the unknown version")
	}
	if _, err := VersionFromBytes(make([]byte, 11)); !errors.Is(err, ErrInvalidVersion) {
		t.Fatalf("11 bytes must be refused, not truncated: %v", err)
	}
	// Equal bytes give equal (==) versions whatever the construction path.
	a, _ := VersionFromBytes([]byte{0, 0, 0, 0, 0, 0, 0, 7})
	if a != VersionFromUint64(7) {
		t.Fatal("VersionFromBytes and VersionFromUint64 disagree")
	}
}

func FuzzVersionFromBytes(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{0, 0, 0, 0, 0, 0, 0, 1})
	f.Add(make([]byte, 10))
	f.Add(make([]byte, 11))
	f.Fuzz(func(t *testing.T, b []byte) {
		v, err := VersionFromBytes(b)
		if len(b) > MaxVersionLen {
			if err == nil {
				t.Fatalf("accepted %d bytes", len(b))
			}
			return
		}
		if err != nil {
			t.Fatalf("refused %d bytes: %v", len(b), err)
		}
		if string(v.Bytes()) != string(b) || v.Len() != len(b) || v.IsUnknown() != (len(b) == 0) {
			t.Fatalf("round trip of %x gave %x", b, v.Bytes())
		}
		again, _ := VersionFromBytes(v.Bytes())
		if again != v {
			t.Fatal("decoding is not deterministic")
		}
		if rev, ok := v.Uint64(); ok != (len(b) == 8) || (ok && VersionFromUint64(rev) != v) {
			t.Fatalf("uint64 form of %x: %d %v", b, rev, ok)
		}
	})
}

func TestCursor(t *testing.T) {
	var c Cursor
	if !c.IsZero() {
		t.Fatal("the zero Cursor holds no position")
	}
	if !CursorFromVersion(Version{}).IsZero() {
		t.Fatal("a cursor from the unknown version holds no position")
	}
	c = CursorFromUint64(9)
	if rev, ok := c.Uint64(); c.IsZero() || !ok || rev != 9 || c.Version() != VersionFromUint64(9) {
		t.Fatalf("cursor at 9: %v", c)
	}
	if CursorFromUint64(0).IsZero() {
		t.Fatal("a cursor at revision 0 is a position")
	}
}

func TestNormalizePrefix(t *testing.T) {
	good := map[string]string{"": "", "node": "node.", "node.": "node.", "a.b": "a.b.", "a-b_c/=d.": "a-b_c/=d."}
	for in, want := range good {
		got, err := NormalizePrefix(in)
		if err != nil || got != want {
			t.Errorf("NormalizePrefix(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{".", "..", ".a", "a..b", "a.*", "*", ">", "a.>", "a b", "a\tb", "a..", "no*de"} {
		if _, err := NormalizePrefix(in); !errors.Is(err, ErrInvalidScope) {
			t.Errorf("NormalizePrefix(%q) = %v, want ErrInvalidScope", in, err)
		}
	}
}

func TestScope(t *testing.T) {
	if got := All().Prefixes(); len(got) != 1 || got[0] != "" || !All().IsAll() {
		t.Fatalf("All().Prefixes() = %q", got)
	}
	var zero Scope
	if !zero.IsAll() {
		t.Fatal("the zero Scope is All")
	}
	if got := Prefix("node").Prefixes(); got[0] != "node." {
		t.Fatalf("Prefix normalises to a subtree: %q", got)
	}
	if got := Prefixes().Prefixes(); len(got) != 0 {
		t.Fatalf("an empty Prefixes selects nothing: %q", got)
	}
	if err := Prefixes("a.", "b").Validate(); err != nil {
		t.Fatal(err)
	}
	for _, s := range []Scope{Prefixes("a", "a."), Prefixes("a.", "a.b"), Prefixes("a.b", "a"), Prefix("a..b")} {
		if err := s.Validate(); !errors.Is(err, ErrInvalidScope) {
			t.Errorf("%v.Validate() = %v, want ErrInvalidScope", s, err)
		}
	}
}

func TestErrorMatchesKindAndCause(t *testing.T) {
	err := error(NewError("put", "node.a", ErrTimeout, context.DeadlineExceeded).WithHint("retry"))
	if !errors.Is(err, ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatal("an *Error must match both its kind and its cause")
	}
	if errors.Is(err, ErrRevisionMismatch) {
		t.Fatal("an *Error must not match another kind")
	}
	if errors.Is(ErrWriteInFlight, ErrRevisionMismatch) {
		t.Fatal("10164 (in flight, undecided) and 10071 (decided mismatch) must stay apart")
	}
	want := `kv put "node.a": operation timed out: context deadline exceeded (retry)`
	if err.Error() != want {
		t.Fatalf("message %q, want %q", err.Error(), want)
	}
}

func TestStoreConfig(t *testing.T) {
	c := StoreConfig{Name: "b"}.WithDefaults()
	if c.MaxBytes != 10*1024*1024 || c.MaxHistory != 1 || c.Replicas != 1 || c.MaxAge != 0 ||
		c.Discard != DiscardNew || c.Storage != StorageFile {
		t.Fatalf("defaults: %+v", c)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []StoreConfig{{}, {Name: "b", MaxHistory: 65}, {Name: "b", MaxHistory: 256}, {Name: "b", MaxAge: -1}, {Name: "b", Replicas: 6}, {Name: "b", MaxValueSize: -1}} {
		if err := bad.Validate(); !errors.Is(err, ErrInvalidConfig) {
			t.Errorf("Validate(%+v) = %v, want ErrInvalidConfig", bad, err)
		}
	}
	if got := (StoreConfig{MaxAge: time.Duration(math.MaxInt64)}).MaxAgeNanos(); got != math.MaxInt64 {
		t.Fatalf("MaxAgeNanos = %d", got)
	}
	if got := (StoreConfig{MaxAge: time.Second}).MaxAgeNanos(); got != int64(time.Second) {
		t.Fatalf("MaxAgeNanos = %d", got)
	}
}
