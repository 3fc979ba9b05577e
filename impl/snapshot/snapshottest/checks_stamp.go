package snapshottest

import (
	"time"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/snapshot"
)

// stampAt returns a stamp of bucket "b"'s incarnation created at second n, in contact with
// it a nanosecond-precise instant later (so a backend that rounds the time fails).
func stampAt(h *harness, n int64) snapshot.Stamp {
	h.t.Helper()
	inc, err := kv.NewIncarnation("b", time.Unix(1_700_000_000+n, 123))
	if err != nil {
		h.t.Fatal(err)
	}
	return snapshot.Stamp{Stream: inc, Contact: time.Unix(1_700_000_100+n, 456789)}
}

func requireStamp(h *harness, s snapshot.Store, want snapshot.Stamp) {
	h.t.Helper()
	if got := s.Stamp(); !got.Equal(want) {
		h.t.Fatalf("stamp: got %v, want %v", got, want)
	}
}

func applyStamped(h *harness, s snapshot.Store, batch []kv.Update, cursor kv.Cursor, st snapshot.Stamp) {
	h.t.Helper()
	if err := s.ApplyStamped(batch, cursor, st); err != nil {
		h.t.Fatalf("apply stamped %d updates, cursor %v, %v: %v", len(batch), cursor, st, err)
	}
}

// A fresh store has the zero stamp; ApplyStamped sets it with the cursor and both survive a
// reopen; a later stamp replaces it; clearing the fold loses it with the cursor.
func checkStampSurvivesReopen(h *harness) {
	s := h.reopen()
	requireStamp(h, s, snapshot.Stamp{})
	updates := stream()
	first := stampAt(h, 1)
	applyStamped(h, s, updates[:3], kv.CursorFromUint64(3), first)
	requireStamp(h, s, first)
	s = h.reopen()
	requireCursor(h.t, s, kv.CursorFromUint64(3))
	requireStamp(h, s, first)
	second := stampAt(h, 2)
	applyStamped(h, s, updates[3:], kv.CursorFromUint64(7), second)
	s = h.reopen()
	requireCursor(h.t, s, kv.CursorFromUint64(7))
	requireStamp(h, s, second)
	requireEntries(h.t, "stamped fold reopened", dump(h.t, s, ""), expected())
	h.wipe()
	requireStamp(h, h.reopen(), snapshot.Stamp{})
}

// Apply without a stamp keeps the stored one, in memory and across a reopen; ApplyStamped with
// the zero stamp clears it.
func checkApplyKeepsStamp(h *harness) {
	s := h.reopen()
	st := stampAt(h, 1)
	applyStamped(h, s, stream()[:3], kv.CursorFromUint64(3), st)
	fold(h.t, s, stream()[3:])
	requireStamp(h, s, st)
	s = h.reopen()
	requireCursor(h.t, s, kv.CursorFromUint64(7))
	requireStamp(h, s, st)
	applyStamped(h, s, nil, kv.CursorFromUint64(8), snapshot.Stamp{})
	requireStamp(h, s, snapshot.Stamp{})
	s = h.reopen()
	requireStamp(h, s, snapshot.Stamp{})
	requireCursor(h.t, s, kv.CursorFromUint64(8))
}

// A failed ApplyStamped changes neither the cursor nor the stamp, in memory or on disk: the
// stamp is part of the same unit as the cursor.
func checkFailedApplyKeepsStamp(h *harness, cfg config) {
	s, failNext := openFaulty(h, cfg)
	old, next := stampAt(h, 1), stampAt(h, 2)
	applyStamped(h, s, stream()[:3], kv.CursorFromUint64(3), old)
	failNext()
	if err := s.ApplyStamped(stream()[3:], kv.CursorFromUint64(7), next); err == nil {
		h.t.Fatal("apply with an injected write failure returned nil")
	}
	requireCursor(h.t, s, kv.CursorFromUint64(3))
	requireStamp(h, s, old)
	s = h.reopen()
	requireCursor(h.t, s, kv.CursorFromUint64(3))
	requireStamp(h, s, old)
	applyStamped(h, s, stream()[3:], kv.CursorFromUint64(7), next)
	s = h.reopen()
	requireCursor(h.t, s, kv.CursorFromUint64(7))
	requireStamp(h, s, next)
}
