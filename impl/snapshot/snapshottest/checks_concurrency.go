package snapshottest

import (
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/snapshot"
)

func checkConcurrentReaders(h *harness) {
	s := h.reopen()
	const batches, perBatch, keySpace = 60, 10, 25
	done := make(chan struct{})
	errs := make(chan error, 8)
	report := func(err error) {
		select {
		case errs <- err:
		default:
		}
	}
	// Every entry written is "<key>@<rev>" at version rev, so a reader can tell a torn entry.
	consistent := func(e kv.Entry) error {
		rev, ok := e.Version.Uint64()
		if !ok || string(e.Value) != fmt.Sprintf("%s@%d", e.Key, rev) {
			return fmt.Errorf("inconsistent entry %s", format([]kv.Entry{e}))
		}
		return nil
	}
	var readers sync.WaitGroup
	for r := range 3 {
		readers.Go(func() {
			var lastCursor uint64
			for i := 0; ; i++ {
				select {
				case <-done:
					return
				default:
				}
				if c, ok := s.Cursor().Uint64(); ok {
					if c < lastCursor {
						report(fmt.Errorf("cursor went back from %d to %d", lastCursor, c))
					}
					lastCursor = c
				}
				switch (r + i) % 3 {
				case 0:
					prev := ""
					for e, err := range s.Range("k") {
						if err != nil {
							report(err)
							return
						}
						if e.Key <= prev && prev != "" || !strings.HasPrefix(e.Key, "k") {
							report(fmt.Errorf("range order/prefix broken: %q after %q", e.Key, prev))
						}
						prev = e.Key
						if err := consistent(e); err != nil {
							report(err)
						}
					}
				case 1:
					prev := ""
					for k, err := range s.Keys("") {
						if err != nil {
							report(err)
							return
						}
						if k <= prev && prev != "" {
							report(fmt.Errorf("keys order broken: %q after %q", k, prev))
						}
						prev = k
					}
				case 2:
					e, ok, err := s.Get(fmt.Sprintf("k%02d", i%keySpace))
					if err != nil {
						report(err)
						return
					}
					if ok {
						if err := consistent(e); err != nil {
							report(err)
						}
					}
				}
			}
		})
	}
	rev := uint64(0)
	for b := range batches {
		var batch []kv.Update
		for range perBatch {
			rev++
			k := fmt.Sprintf("k%02d", (rev*7)%keySpace)
			if rev%5 == 0 {
				batch = append(batch, del(k, rev))
			} else {
				batch = append(batch, put(k, fmt.Sprintf("%s@%d", k, rev), rev))
			}
		}
		if err := s.Apply(batch, kv.CursorFromUint64(rev)); err != nil {
			close(done)
			readers.Wait()
			h.t.Fatalf("apply batch %d: %v", b, err)
		}
	}
	close(done)
	readers.Wait()
	select {
	case err := <-errs:
		h.t.Fatal(err)
	default:
	}
	requireCursor(h.t, s, kv.CursorFromUint64(rev))
}

func checkClosed(h *harness) {
	s := h.reopen()
	fold(h.t, s, stream())
	if err := s.Close(); err != nil {
		h.t.Fatalf("close: %v", err)
	}
	if err := s.Apply([]kv.Update{put("x", "y", 8)}, kv.CursorFromUint64(8)); !errors.Is(err, snapshot.ErrClosed) {
		h.t.Fatalf("apply after close: %v, want ErrClosed", err)
	}
	if _, _, err := s.Get("node.a"); !errors.Is(err, snapshot.ErrClosed) {
		h.t.Fatalf("get after close: %v, want ErrClosed", err)
	}
	requireClosedSeq(h, "range", func(yield func(error) bool) {
		for _, err := range s.Range("") {
			if !yield(err) {
				return
			}
		}
	})
	requireClosedSeq(h, "keys", func(yield func(error) bool) {
		for _, err := range s.Keys("") {
			if !yield(err) {
				return
			}
		}
	})
	if err := s.Close(); err != nil && !errors.Is(err, snapshot.ErrClosed) {
		h.t.Fatalf("second close: %v, want nil or ErrClosed", err)
	}
	// The closed store wrote nothing more: a reopen finds the fold as it was.
	s = h.reopen()
	requireCursor(h.t, s, kv.CursorFromUint64(7))
	requireEntries(h.t, "state after close and reopen", dump(h.t, s, ""), expected())
}

// requireClosedSeq fails unless the sequence yields exactly one pair, carrying ErrClosed.
func requireClosedSeq(h *harness, what string, seq func(func(error) bool)) {
	h.t.Helper()
	var got []error
	for err := range seq {
		got = append(got, err)
	}
	if len(got) != 1 || !errors.Is(got[0], snapshot.ErrClosed) {
		h.t.Fatalf("%s after close yielded errors %v, want exactly one ErrClosed", what, got)
	}
}

// openFaulty opens the backend with fault injection, as the harness's current store, and
// returns the store and the call that makes its next write fail. A backend that declared it
// cannot inject faults skips the check (saying why); one that declared neither fails it.
func openFaulty(h *harness, cfg config) (snapshot.Store, func()) {
	if cfg.faulty == nil {
		if cfg.skipFaults != "" {
			h.t.Skip("backend cannot inject a failed write: " + cfg.skipFaults)
		}
		h.t.Fatal("backend configured neither WithFaultInjection nor WithoutFaultInjection")
	}
	s, failNext, err := cfg.faulty(h.t, h.dir)
	if err != nil {
		h.t.Fatalf("open with fault injection: %v", err)
	}
	h.cur = s
	return s, failNext
}

func checkFailedApply(h *harness, cfg config) {
	s, failNext := openFaulty(h, cfg)
	updates := stream()
	fold(h.t, s, updates[:3])
	before := dump(h.t, s, "")
	// The failing batch overwrites, deletes and creates keys, so any half-applied effect shows.
	bad := []kv.Update{put("node.a", "BAD", 10), del("node.b", 11), put("new.key", "BAD", 12), purge("svc.x", 13)}
	failNext()
	if err := s.Apply(bad, kv.CursorFromUint64(13)); err == nil {
		h.t.Fatal("apply with an injected write failure returned nil")
	}
	checkUnchanged := func(what string) {
		h.t.Helper()
		requireCursor(h.t, s, kv.CursorFromUint64(3))
		requireEntries(h.t, what, dump(h.t, s, ""), before)
		requireGet(h.t, s, "new.key", nil)
		requireGet(h.t, s, "node.a", ptr(entry("node.a", "v1", 1)))
	}
	checkUnchanged("state right after the failed apply")
	// The watch re-queues the batch and applies it again, cumulatively, with a later cursor.
	fold(h.t, s, updates[3:])
	requireEntries(h.t, "state after the retry", dump(h.t, s, ""), expected())
	s = h.reopen()
	requireCursor(h.t, s, kv.CursorFromUint64(7))
	requireEntries(h.t, "state after the retry, reopened", dump(h.t, s, ""), expected())

	// A failed Apply followed by a restart: the disk holds the state before the failure.
	h.closeCurrent()
	s, failNext = openFaulty(h, cfg)
	failNext()
	if err := s.Apply(bad, kv.CursorFromUint64(13)); err == nil {
		h.t.Fatal("second apply with an injected write failure returned nil")
	}
	s = h.reopen()
	requireCursor(h.t, s, kv.CursorFromUint64(7))
	requireEntries(h.t, "state after a failed apply and a restart", dump(h.t, s, ""), expected())
}
