package applied

import (
	"errors"
	"testing"

	"github.com/slipstream-go/slipstream/impl/kv"
)

// A resume delivers only the delta after the cursor.
func TestResumeDeliversOnlyDelta(t *testing.T) {
	var stream []rec
	for i := uint64(1); i <= 11; i++ {
		stream = append(stream, put(i, "k", string(rune('a'+i))))
	}
	w := &scriptWatcher{stream: stream}
	r := &recorder{}
	cfg := cfgFor(w, r)
	cfg.Resume = kv.CursorFromUint64(9)
	c, err := Run(bg(), cfg)
	if err != nil || rev(t, c) != 11 || len(r.all()) != 2 {
		t.Fatalf("Run = %v, %v, applied %v; want only 10 and 11", c, err, r.all())
	}
}

// With a store and no explicit resume, the watch starts from the store's cursor.
func TestResumeDefaultsToStoreCursor(t *testing.T) {
	d := newDisk()
	d.cursor = kv.CursorFromUint64(5)
	w := &scriptWatcher{stream: []rec{put(5, "a", "1"), put(6, "b", "2")}}
	c, err := Run(bg(), Config[string]{Watcher: w, Store: openMem(d)})
	if err != nil || rev(t, c) != 6 {
		t.Fatalf("Run = %v, %v", c, err)
	}
	if calls := w.calls(); len(calls) != 1 || rev(t, calls[0]) != 5 {
		t.Fatalf("watched from %v, want the store's cursor 5", calls)
	}
	// An explicit resume ahead of the store would skip data the store lacks: refused.
	_, err = Run(bg(), Config[string]{Watcher: w, Store: openMem(d), Resume: kv.CursorFromUint64(9)})
	if !errors.Is(err, ErrConfig) {
		t.Fatalf("resume ahead of the store: %v, want ErrConfig", err)
	}
	// One behind it is allowed (the overlap is folded again).
	c, err = Run(bg(), Config[string]{Watcher: w, Store: openMem(d), Resume: kv.CursorFromUint64(4)})
	if err != nil || rev(t, c) != 6 {
		t.Fatalf("resume behind the store: %v, %v", c, err)
	}
}

// Missing Watcher and invalid scopes are refused before anything starts.
func TestConfigValidation(t *testing.T) {
	if _, err := Run(bg(), Config[string]{}); !errors.Is(err, ErrConfig) {
		t.Fatalf("no watcher: %v", err)
	}
	_, err := Run(bg(), Config[string]{Watcher: &scriptWatcher{}, Scope: kv.Prefix("a..b")})
	if !errors.Is(err, ErrConfig) || !errors.Is(err, kv.ErrInvalidScope) {
		t.Fatalf("bad scope: %v", err)
	}
}
