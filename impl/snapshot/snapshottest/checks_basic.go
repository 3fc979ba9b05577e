package snapshottest

import (
	"github.com/slipstream-go/slipstream/impl/kv"
)

func checkFresh(h *harness) {
	s := h.reopen()
	requireCursor(h.t, s, kv.Cursor{})
	requireEntries(h.t, "fresh range", dump(h.t, s, ""), nil)
	if ks := keys(h.t, s, ""); len(ks) != 0 {
		h.t.Fatalf("fresh keys: %q", ks)
	}
	requireGet(h.t, s, "node.a", nil)
	// Opening again without writing anything still finds nothing and no cursor.
	s = h.reopen()
	requireCursor(h.t, s, kv.Cursor{})
	requireEntries(h.t, "reopened fresh range", dump(h.t, s, ""), nil)
}

func checkRoundTrip(h *harness) {
	fold(h.t, h.reopen(), stream())
	s := h.reopen()
	requireCursor(h.t, s, kv.CursorFromUint64(7))
	requireEntries(h.t, "state after reopen", dump(h.t, s, ""), expected())
}

func checkGetRange(h *harness) {
	s := h.reopen()
	fold(h.t, s, stream())
	for round := range 2 {
		requireGet(h.t, s, "svc.x", ptr(entry("svc.x", "sx", 3)))
		requireGet(h.t, s, "node.a", ptr(entry("node.a", "v1b", 4)))
		requireGet(h.t, s, "node.b", nil)
		requireGet(h.t, s, "absent", nil)
		requireEntries(h.t, `range "node."`, dump(h.t, s, "node."), expected()[:2])
		requireEntries(h.t, `range "svc."`, dump(h.t, s, "svc."), expected()[2:])
		requireEntries(h.t, `range ""`, dump(h.t, s, ""), expected())
		requireEntries(h.t, `range "zzz"`, dump(h.t, s, "zzz"), nil)
		if round == 0 {
			s = h.reopen()
		}
	}
}

func checkKeysMatchRange(h *harness) {
	s := h.reopen()
	fold(h.t, s, stream())
	for _, prefix := range []string{"", "node.", "svc.", "node.a", "zzz"} {
		var want []string
		for _, e := range dump(h.t, s, prefix) {
			want = append(want, e.Key)
		}
		got := keys(h.t, s, prefix)
		if len(got) != len(want) {
			h.t.Fatalf("keys %q: got %q, range gave %q", prefix, got, want)
		}
		for i := range got {
			if got[i] != want[i] {
				h.t.Fatalf("keys %q: got %q, range gave %q", prefix, got, want)
			}
		}
	}
	if got := keys(h.t, s, "node."); len(got) != 2 || got[0] != "node.a" || got[1] != "node.c" {
		h.t.Fatalf(`keys "node.": got %q, want [node.a node.c]`, got)
	}
}

func checkLastWriteWins(h *harness) {
	s := h.reopen()
	// Within one batch: the later position wins even with a lower version.
	apply(h.t, s, []kv.Update{
		put("a", "first", 9), put("a", "second", 3),
		put("c", "gone", 4), del("c", 5),
		del("d", 6), put("d", "back", 2),
	}, kv.CursorFromUint64(9))
	// Across batches: the same.
	apply(h.t, s, []kv.Update{put("b", "old", 20)}, kv.CursorFromUint64(20))
	apply(h.t, s, []kv.Update{put("b", "new", 1)}, kv.CursorFromUint64(21))
	want := []kv.Entry{entry("a", "second", 3), entry("b", "new", 1), entry("d", "back", 2)}
	requireEntries(h.t, "state", dump(h.t, s, ""), want)
	s = h.reopen()
	requireEntries(h.t, "state after reopen", dump(h.t, s, ""), want)
	requireCursor(h.t, s, kv.CursorFromUint64(21))
}

func checkDeletePurge(h *harness) {
	s := h.reopen()
	apply(h.t, s, []kv.Update{put("a", "1", 1), put("b", "2", 2), put("c", "3", 3)}, kv.CursorFromUint64(3))
	apply(h.t, s, []kv.Update{purge("a", 4), del("c", 5), del("never", 6), purge("never2", 7)}, kv.CursorFromUint64(7))
	for round := range 2 {
		requireGet(h.t, s, "a", nil)
		requireGet(h.t, s, "c", nil)
		requireGet(h.t, s, "b", ptr(entry("b", "2", 2)))
		requireEntries(h.t, "state", dump(h.t, s, ""), []kv.Entry{entry("b", "2", 2)})
		requireCursor(h.t, s, kv.CursorFromUint64(7))
		if round == 0 {
			s = h.reopen()
		}
	}
}

func checkEmptyBatch(h *harness) {
	s := h.reopen()
	fold(h.t, s, stream()[:3])
	apply(h.t, s, nil, kv.CursorFromUint64(9))
	requireCursor(h.t, s, kv.CursorFromUint64(9))
	s = h.reopen()
	requireCursor(h.t, s, kv.CursorFromUint64(9))
	if got := dump(h.t, s, ""); len(got) != 3 {
		h.t.Fatalf("entries after empty batch and reopen: %s, want the 3 folded before", format(got))
	}
}

func checkEmptyValue(h *harness) {
	s := h.reopen()
	apply(h.t, s, []kv.Update{{Op: kv.OpPut, Key: "lock", Version: kv.VersionFromUint64(1)}}, kv.CursorFromUint64(1))
	for round := range 2 {
		e, ok, err := s.Get("lock")
		if err != nil || !ok {
			h.t.Fatalf("get lock: ok=%v err=%v, want a present entry", ok, err)
		}
		if len(e.Value) != 0 || e.Version != kv.VersionFromUint64(1) {
			h.t.Fatalf("get lock: %s, want empty value at rev 1", format([]kv.Entry{e}))
		}
		requireEntries(h.t, "range", dump(h.t, s, ""), []kv.Entry{entry("lock", "", 1)})
		if round == 0 {
			s = h.reopen()
		}
	}
}

func checkTenByteTokens(h *harness) {
	ver := func(b ...byte) kv.Version {
		v, err := kv.VersionFromBytes(b)
		if err != nil {
			h.t.Fatal(err)
		}
		return v
	}
	v1 := ver(0x00, 0xff, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00)
	v2 := ver(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe, 0x80)
	short := ver(0x07, 0x00, 0x2a)
	s := h.reopen()
	batch := []kv.Update{
		{Op: kv.OpPut, Key: "fdb.a", Value: []byte("A"), Version: v1},
		{Op: kv.OpPut, Key: "fdb.b", Value: []byte("B"), Version: short},
		{Op: kv.OpPut, Key: "fdb.c", Value: []byte("C"), Version: v2},
	}
	apply(h.t, s, batch, kv.CursorFromVersion(v2))
	want := []kv.Entry{{Key: "fdb.a", Value: []byte("A"), Version: v1},
		{Key: "fdb.b", Value: []byte("B"), Version: short}, {Key: "fdb.c", Value: []byte("C"), Version: v2}}
	for round := range 2 {
		requireCursor(h.t, s, kv.CursorFromVersion(v2))
		requireEntries(h.t, "10-byte versions", dump(h.t, s, ""), want)
		if round == 0 {
			s = h.reopen()
		}
	}
}

func checkValueCopies(h *harness) {
	s := h.reopen()
	val := []byte("original")
	apply(h.t, s, []kv.Update{{Op: kv.OpPut, Key: "k", Value: val, Version: kv.VersionFromUint64(1)}}, kv.CursorFromUint64(1))
	copy(val, "CHANGED!")
	requireGet(h.t, s, "k", ptr(entry("k", "original", 1)))
	e, _, _ := s.Get("k")
	copy(e.Value, "CHANGED!")
	requireGet(h.t, s, "k", ptr(entry("k", "original", 1)))
	for e, err := range s.Range("") {
		if err == nil {
			copy(e.Value, "CHANGED!")
		}
	}
	requireGet(h.t, s, "k", ptr(entry("k", "original", 1)))
}
