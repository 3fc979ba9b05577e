package pebble

import (
	"errors"
	"reflect"
	"testing"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/snapshot"
)

func TestFoldSurvivesReopen(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, Options{})
	if !s.Cursor().IsZero() {
		t.Fatalf("a fresh store has cursor %v, want none", s.Cursor())
	}
	fold(t, s, fixture())
	assertState(t, s, kv.CursorFromUint64(7), expected())
	mustClose(t, s)

	s = open(t, dir, Options{})
	defer mustClose(t, s)
	assertState(t, s, kv.CursorFromUint64(7), expected())
}

func TestGetAndRangeByPrefix(t *testing.T) {
	s := open(t, t.TempDir(), Options{})
	defer mustClose(t, s)
	fold(t, s, fixture())

	e, ok, err := s.Get("svc.x")
	if rev, _ := e.Version.Uint64(); err != nil || !ok || string(e.Value) != "sx" || rev != 3 {
		t.Fatalf("Get(svc.x) = %v, %v, %v; want sx at rev 3", e, ok, err)
	}
	for _, k := range []string{"node.b", "absent"} {
		if _, ok, err := s.Get(k); ok || err != nil {
			t.Fatalf("Get(%s) = ok %v, err %v; want absent", k, ok, err)
		}
	}
	want := expected()
	for prefix, w := range map[string][]kv.Entry{"node.": want[:2], "svc.": want[2:], "": want, "zzz": {}} {
		if got := dump(t, s, prefix); !reflect.DeepEqual(got, w) {
			t.Errorf("Range(%q) = %v, want %v", prefix, got, w)
		}
		var keys []string
		for k, err := range s.Keys(prefix) {
			if err != nil {
				t.Fatal(err)
			}
			keys = append(keys, k)
		}
		var wantKeys []string
		for _, e := range w {
			wantKeys = append(wantKeys, e.Key)
		}
		if !reflect.DeepEqual(keys, wantKeys) {
			t.Errorf("Keys(%q) = %v, want %v", prefix, keys, wantKeys)
		}
	}
}

func TestRangeStopsWhenTheLoopBreaks(t *testing.T) {
	s := open(t, t.TempDir(), Options{})
	fold(t, s, fixture())
	var seen []string
	for e, err := range s.Range("") {
		if err != nil {
			t.Fatal(err)
		}
		seen = append(seen, e.Key)
		if len(seen) == 2 {
			break
		}
	}
	if !reflect.DeepEqual(seen, []string{"node.a", "node.c"}) {
		t.Fatalf("saw %v before breaking, want the first two keys", seen)
	}
	// A broken-off Range released the store: Close does not wait on it.
	mustClose(t, s)
}

func TestResumeFoldsOnlyTheRest(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, Options{})
	fold(t, s, fixture()[:3])
	mustClose(t, s)
	s = open(t, dir, Options{})
	if c := s.Cursor(); c != kv.CursorFromUint64(3) {
		t.Fatalf("cursor after reopen = %v, want rev 3", c)
	}
	fold(t, s, fixture()[3:])
	mustClose(t, s)
	s = open(t, dir, Options{})
	defer mustClose(t, s)
	assertState(t, s, kv.CursorFromUint64(7), expected())
}

func TestFoldIsAPureFunctionOfTheLog(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, Options{})
	fold(t, s, fixture()[:4])
	mustClose(t, s)
	wipe(t, dir)
	s = open(t, dir, Options{})
	defer mustClose(t, s)
	if !s.Cursor().IsZero() {
		t.Fatalf("cursor after wipe = %v, want none", s.Cursor())
	}
	fold(t, s, fixture())
	assertState(t, s, kv.CursorFromUint64(7), expected())
}

func TestRefoldingASuffixIsIdempotent(t *testing.T) {
	s := open(t, t.TempDir(), Options{})
	defer mustClose(t, s)
	fold(t, s, fixture())
	fold(t, s, fixture()[5:])
	assertState(t, s, kv.CursorFromUint64(7), expected())
}

func TestPurgeRemovesTheKey(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, Options{})
	if err := s.Apply([]kv.Update{put("a", "1", 1), put("b", "2", 2)}, kv.CursorFromUint64(2)); err != nil {
		t.Fatal(err)
	}
	purge := kv.Update{Op: kv.OpPurge, Key: "a", Version: kv.VersionFromUint64(3)}
	if err := s.Apply([]kv.Update{purge}, kv.CursorFromUint64(3)); err != nil {
		t.Fatal(err)
	}
	want := []kv.Entry{{Key: "b", Value: []byte("2"), Version: kv.VersionFromUint64(2)}}
	assertState(t, s, kv.CursorFromUint64(3), want)
	mustClose(t, s)
	s = open(t, dir, Options{})
	defer mustClose(t, s)
	assertState(t, s, kv.CursorFromUint64(3), want)
}

func TestEmptyBatchStillMovesTheCursor(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, Options{})
	fold(t, s, fixture()[:3])
	if err := s.Apply(nil, kv.CursorFromUint64(9)); err != nil {
		t.Fatal(err)
	}
	mustClose(t, s)
	s = open(t, dir, Options{})
	defer mustClose(t, s)
	if c := s.Cursor(); c != kv.CursorFromUint64(9) {
		t.Fatalf("cursor = %v, want rev 9", c)
	}
	if n := len(dump(t, s, "")); n != 3 {
		t.Fatalf("%d entries, want 3", n)
	}
}

func TestEmptyValueAndWideTokensRoundTrip(t *testing.T) {
	dir := t.TempDir()
	stamp := mustVersion(t, []byte{9, 8, 7, 6, 5, 4, 3, 2, 1, 0})
	lock := kv.Entry{Key: "lock", Value: []byte{}, Version: kv.VersionFromUint64(1)}
	wide := kv.Entry{Key: "wide", Value: []byte("w"), Version: stamp}
	batch := []kv.Update{
		{Op: kv.OpPut, Key: lock.Key, Value: lock.Value, Version: lock.Version},
		{Op: kv.OpPut, Key: wide.Key, Value: wide.Value, Version: wide.Version},
	}
	s := open(t, dir, Options{})
	if err := s.Apply(batch, kv.CursorFromVersion(stamp)); err != nil {
		t.Fatal(err)
	}
	mustClose(t, s)
	s = open(t, dir, Options{})
	defer mustClose(t, s)
	assertState(t, s, kv.CursorFromVersion(stamp), []kv.Entry{lock, wide})
	if e, ok, err := s.Get("lock"); !ok || err != nil || len(e.Value) != 0 {
		t.Fatalf("Get(lock) = %v, %v, %v; want present with an empty value", e, ok, err)
	}
}

func TestRejectedBatchWritesNothing(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, Options{})
	fold(t, s, fixture())
	bad := [][]kv.Update{
		{put("ok", "1", 8), put("bad\xff", "2", 9)},
		{put("ok", "1", 8), {Op: 0, Key: "noop", Version: kv.VersionFromUint64(9)}},
	}
	for _, b := range bad {
		if err := s.Apply(b, kv.CursorFromUint64(9)); !errors.Is(err, snapshot.ErrInvalidFormat) {
			t.Fatalf("Apply(%v) = %v, want ErrInvalidFormat", b, err)
		}
		assertState(t, s, kv.CursorFromUint64(7), expected())
	}
	mustClose(t, s)
	s = open(t, dir, Options{})
	defer mustClose(t, s)
	assertState(t, s, kv.CursorFromUint64(7), expected())
}
