package applied

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/slipstream-go/slipstream/impl/kv"
)

// foldedDisk returns a disk holding entries at cursor c.
func foldedDisk(c uint64, entries ...rec) *memDisk {
	d := newDisk()
	for _, r := range entries {
		d.fold(r.u)
	}
	d.cursor = kv.CursorFromUint64(c)
	return d
}

// An expired resume with a Reader and a Store resyncs and then watches from scratch.
func TestExpiredResumeFallsBackToStateSync(t *testing.T) {
	var stream []rec
	for i := uint64(1); i <= 11; i++ {
		stream = append(stream, put(i, "k", "v"))
	}
	w := &scriptWatcher{stream: stream, first: 8}
	st := openMem(foldedDisk(5, put(5, "k", "v")))
	p := &Progress{}
	c, err := Run(bg(), Config[string]{Watcher: w, Store: st, Reader: &listReader{live: []string{"k"}}, Progress: p})
	if err != nil || rev(t, c) != 11 {
		t.Fatalf("Run = %v, %v; want cursor 11", c, err)
	}
	if calls := w.calls(); len(calls) != 2 || rev(t, calls[0]) != 5 || !calls[1].IsZero() {
		t.Fatalf("watch calls from %v; want 5 then the zero cursor", calls)
	}
	if s := p.Stats(); s.Resyncs != 1 || s.SyntheticDeletes != 0 {
		t.Fatalf("progress %+v", s)
	}
}

// The resync deletes fold keys the bucket lost, before the re-list, through parse, apply and
// the store; the deletes do not move the cursor.
func TestResyncDeletesStaleKeys(t *testing.T) {
	st := openMem(foldedDisk(2, put(1, "a", "1"), put(2, "b", "2")))
	// While the cursor was expired: b deleted (marker evicted), a rewritten at 10.
	w := &scriptWatcher{stream: []rec{put(1, "a", "1"), put(2, "b", "2"), del(9, "b"), put(10, "a", "1b")}, first: 10}
	var order []string
	var barrier []bool // at each fallback watch: was b already gone from the store?
	w.onWatch = func(from kv.Cursor) {
		if from.IsZero() {
			_, ok, _ := st.Get("b")
			barrier = append(barrier, !ok)
		}
	}
	cfg := Config[string]{
		Watcher: w, Store: st, Reader: &listReader{live: []string{"a"}},
		Parse: func(u kv.Update) (string, bool) { return u.Op.String() + ":" + u.Key, true },
		Apply: func(b []string) error { order = append(order, b...); return nil },
	}
	c, err := Run(bg(), cfg)
	if err != nil || rev(t, c) != 10 {
		t.Fatalf("Run = %v, %v", c, err)
	}
	if strings.Join(order, " ") != "delete:b put:a" {
		t.Fatalf("apply order %v; want the synthetic delete of b before the re-listed a", order)
	}
	if len(barrier) != 1 || !barrier[0] {
		t.Fatal("the fallback watch started before the synthetic deletes were in the store")
	}
	if got := st.dump(); got != "a=1b@10" || rev(t, st.Cursor()) != 10 {
		t.Fatalf("store %q at %v", got, st.Cursor())
	}
}

// The resync only touches keys in scope, and a deletes-only flush keeps the cursor.
func TestResyncRespectsScope(t *testing.T) {
	st := openMem(foldedDisk(2, put(1, "node.b", "1"), put(2, "other.z", "2")))
	w := &scriptWatcher{stream: []rec{put(1, "node.b", "1"), put(2, "other.z", "2")}, first: 5}
	c, err := Run(bg(), Config[string]{Watcher: w, Store: st, Reader: &listReader{}, Scope: kv.Prefix("node")})
	if err != nil || rev(t, c) != 2 || rev(t, st.Cursor()) != 2 {
		t.Fatalf("Run = %v, %v; store cursor %v; want 2 kept", c, err, st.Cursor())
	}
	if got := st.dump(); got != "other.z=2@2" {
		t.Fatalf("store %q; want node.b deleted, other.z kept", got)
	}
}

// A failed listing stops the loop; it never degrades to a plain re-list.
func TestResyncListingFailureIsFatal(t *testing.T) {
	boom := errors.New("injected listing failure")
	st := openMem(foldedDisk(2, put(1, "a", "1")))
	w := &scriptWatcher{stream: []rec{put(1, "a", "1"), put(9, "z", "9")}, first: 9}
	_, err := Run(bg(), Config[string]{Watcher: w, Store: st, Reader: &listReader{err: boom}})
	if !errors.Is(err, ErrResyncFailed) || !errors.Is(err, boom) || !strings.Contains(err.Error(), "listing live keys") {
		t.Fatalf("Run error %v; want ErrResyncFailed wrapping the listing error", err)
	}
	if len(w.calls()) != 1 {
		t.Fatalf("watch calls %v: the fallback must not start", w.calls())
	}
}

// Without a Reader or a Store an expired cursor is returned, not silently re-listed.
func TestExpiredWithoutResyncIsReturned(t *testing.T) {
	w := &scriptWatcher{stream: []rec{put(9, "z", "9")}, first: 9}
	for name, cfg := range map[string]Config[string]{
		"no reader": {Watcher: w, Store: openMem(foldedDisk(2)), Batch: BatchConfig{Window: time.Hour}},
		"no store":  {Watcher: w, Reader: &listReader{}, Resume: kv.CursorFromUint64(2)},
	} {
		c, err := Run(bg(), cfg)
		if !errors.Is(err, kv.ErrCursorExpired) || !strings.Contains(err.Error(), "Reader and Store") || rev(t, c) != 2 {
			t.Fatalf("%s: Run = %v, %v; want the expired cursor with the hint", name, c, err)
		}
	}
}
