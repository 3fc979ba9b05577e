package foldwl

import (
	"fmt"
	"testing"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/snapshot"
)

func put(t *testing.T, s snapshot.Store, rev uint64, key, val string) {
	t.Helper()
	u := kv.Update{Op: kv.OpPut, Key: key, Value: []byte(val), Version: kv.VersionFromUint64(rev)}
	if err := s.Apply([]kv.Update{u}, kv.CursorFromVersion(kv.VersionFromUint64(rev))); err != nil {
		t.Fatal(err)
	}
}

// A crash image reopens where the fold was when the image was taken, not where the live store
// went afterwards: the restart is a crash, not a graceful stop.
func TestCrashImagesReopenAtTheImage(t *testing.T) {
	for _, tc := range []struct {
		name string
		be   backend
	}{
		{"appendlog", newLogBackend(t.TempDir(), "fold.log")},
		{"pebble-mem", newMemBackend(1)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !tc.be.canCrash() {
				t.Fatal("backend cannot crash")
			}
			s, err := tc.be.open()
			if err != nil {
				t.Fatal(err)
			}
			put(t, s, 1, "a", "x")
			install := tc.be.crashImage()
			put(t, s, 2, "b", "y")
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			if err := install(); err != nil {
				t.Fatal(err)
			}
			r, err := tc.be.open()
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			cur, st, err := readState(r)
			if err != nil {
				t.Fatal(err)
			}
			// The append log writes each Apply through to the OS, so the image has revision 1;
			// a Pebble crash clone may also drop it (not synced). Never revision 2.
			if _, ok := st["b"]; ok || cur > 1 {
				t.Fatalf("reopened at cursor %d with %v: the write after the image survived", cur, st)
			}
			if tc.name == "appendlog" && (cur != 1 || st["a"] != (Entry{Value: "x", Rev: 1})) {
				t.Fatalf("append-log image at cursor %d with %v, want cursor 1 and a=x", cur, st)
			}
		})
	}
	if (&pebbleBackend{}).canCrash() {
		t.Fatal("Pebble on disk locks its directory: it cannot take a crash image")
	}
}

// The schedule first issues every kind of event once, in a seeded order, then random ones,
// always after GapMin..GapMax writes; the same seed gives the same schedule.
func TestScheduleCoversEveryKindFirst(t *testing.T) {
	opts := Options{GapMin: 10, GapMax: 20, Imports: true}
	crash := []bool{true, true, false, true}
	draw := func(seed uint64) []event {
		s := newSchedule(seed, opts, crash)
		var out []event
		for range 40 {
			out = append(out, s.next())
		}
		return out
	}
	a, b := draw(7), draw(7)
	if fmt.Sprint(a) != fmt.Sprint(b) {
		t.Fatal("the same seed drew two schedules")
	}
	first := map[string]bool{}
	prev := 0
	for i, e := range a {
		if gap := e.At - prev; gap < 10 || gap > 20 {
			t.Fatalf("event %d after %d writes, want 10..20", i, gap)
		}
		prev = e.At
		if e.Consumer >= 0 && e.Hard && !crash[e.Consumer] {
			t.Fatalf("hard restart of consumer %d, which cannot crash", e.Consumer)
		}
		if i < 9 {
			first[fmt.Sprint(e.Consumer, e.Hard, e.Key)] = true
		}
	}
	if len(first) != 9 { // 4 soft, 3 hard, 2 imports
		t.Fatalf("the first 9 events covered %d kinds: %v", len(first), a[:9])
	}
	if fmt.Sprint(draw(8)) == fmt.Sprint(a) {
		t.Fatal("two seeds drew the same schedule")
	}
}
