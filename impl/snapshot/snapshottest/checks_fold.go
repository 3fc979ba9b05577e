package snapshottest

import (
	"slices"
	"strings"
	"time"

	"github.com/slipstream-go/slipstream/impl/kv"
)

func checkCursorResume(h *harness) {
	updates := stream()
	s := h.reopen()
	fold(h.t, s, updates[:3])
	s = h.reopen()
	requireCursor(h.t, s, kv.CursorFromUint64(3))
	// Resume: fold only what comes after the recovered cursor.
	rev, _ := s.Cursor().Uint64()
	var rest []kv.Update
	for _, u := range updates {
		if r, _ := u.Version.Uint64(); r > rev {
			rest = append(rest, u)
		}
	}
	if len(rest) != 4 {
		h.t.Fatalf("fixture: %d updates after cursor %d, want 4", len(rest), rev)
	}
	fold(h.t, s, rest)
	s = h.reopen()
	requireCursor(h.t, s, kv.CursorFromUint64(7))
	requireEntries(h.t, "state after resume and reopen", dump(h.t, s, ""), expected())
}

func checkPureFold(h *harness) {
	updates := stream()
	// Reference: one uninterrupted fold.
	s := h.reopen()
	fold(h.t, s, updates)
	reference := dump(h.t, s, "")
	requireEntries(h.t, "uninterrupted fold", reference, expected())

	// Interrupted: fold part, lose the store, replay the whole log from no cursor.
	h.wipe()
	s = h.reopen()
	fold(h.t, s, updates[:4])
	h.wipe()
	s = h.reopen()
	requireCursor(h.t, s, kv.Cursor{})
	requireEntries(h.t, "wiped store", dump(h.t, s, ""), nil)
	fold(h.t, s, updates)
	requireEntries(h.t, "refold after wipe", dump(h.t, s, ""), reference)
	requireCursor(h.t, s, kv.CursorFromUint64(7))
	s = h.reopen()
	requireEntries(h.t, "refold after wipe, reopened", dump(h.t, s, ""), reference)
}

func checkIdempotentRefold(h *harness) {
	updates := stream()
	s := h.reopen()
	fold(h.t, s, updates)
	s = h.reopen()
	// A resume from an older cursor re-delivers a suffix already folded.
	for _, from := range []int{5, 3, 0} {
		fold(h.t, s, updates[from:])
		requireEntries(h.t, "state after re-folding a suffix", dump(h.t, s, ""), expected())
		requireCursor(h.t, s, kv.CursorFromUint64(7))
	}
	s = h.reopen()
	requireEntries(h.t, "state after re-folding, reopened", dump(h.t, s, ""), expected())
}

func checkRangeOrderPrefix(h *harness) {
	names := []string{"b", "a", "aa", "a.b", "a-", "A", "é", "a\u00e9", "a.", "a.b.c", "ab", "a/", "~", "a\x00z"}
	var batch []kv.Update
	for i, k := range names {
		batch = append(batch, put(k, k, uint64(i+1)))
	}
	s := h.reopen()
	apply(h.t, s, batch, kv.CursorFromUint64(uint64(len(names))))
	for round := range 2 {
		for _, prefix := range []string{"", "a", "a.", "a.b", "a-", "é", "A", "z", "a\x00"} {
			var want []string
			for _, k := range names {
				if strings.HasPrefix(k, prefix) {
					want = append(want, k)
				}
			}
			slices.Sort(want) // Go string order is byte order
			var got []string
			for _, e := range dump(h.t, s, prefix) {
				got = append(got, e.Key)
			}
			if !slices.Equal(got, want) {
				h.t.Fatalf("range %q: got %q, want %q", prefix, got, want)
			}
			if ks := keys(h.t, s, prefix); !slices.Equal(ks, want) {
				h.t.Fatalf("keys %q: got %q, want %q", prefix, ks, want)
			}
		}
		if round == 0 {
			s = h.reopen()
		}
	}
}

func checkRangeBreak(h *harness) {
	s := h.reopen()
	fold(h.t, s, stream())
	n := 0
	for _, err := range s.Range("") {
		if err != nil {
			h.t.Fatal(err)
		}
		n++
		if n == 2 {
			break
		}
	}
	if n != 2 {
		h.t.Fatalf("range stopped after %d entries, want 2", n)
	}
	n = 0
	for _, err := range s.Keys("") {
		if err != nil {
			h.t.Fatal(err)
		}
		n++
		break
	}
	if n != 1 {
		h.t.Fatalf("keys stopped after %d keys, want 1", n)
	}
	// An abandoned iteration holds nothing: a write and a full scan still work.
	apply(h.t, s, []kv.Update{put("svc.z", "sz", 8)}, kv.CursorFromUint64(8))
	want := append(expected(), entry("svc.z", "sz", 8))
	requireEntries(h.t, "range after an early break", dump(h.t, s, ""), want)
}

func checkApplyInsideRange(h *harness) {
	s := h.reopen()
	fold(h.t, s, stream())
	done := make(chan error, 1)
	go func() {
		n := 0
		for e, err := range s.Range("") {
			if err != nil {
				done <- err
				return
			}
			// The resync pattern: act on each entry as it streams by.
			n++
			if err := s.Apply([]kv.Update{del(e.Key, uint64(7+n))}, kv.CursorFromUint64(uint64(7+n))); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	select {
	case err := <-done:
		if err != nil {
			h.t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		h.t.Fatal("Apply inside a Range loop did not return within 30s (a lock held while yielding?)")
	}
	requireEntries(h.t, "state after deleting every entry while ranging", dump(h.t, s, ""), nil)
	requireCursor(h.t, s, kv.CursorFromUint64(11))
}
