package appendlog

import (
	"fmt"
	"testing"

	"github.com/slipstream-go/slipstream/impl/kv"
)

// hydrate applies n distinct 1 KiB puts in batches of 100 and returns how many compactions
// (renames over the log) they caused.
func hydrate(t *testing.T, opts Options, n int) int {
	t.Helper()
	fs := newFaultFS()
	opts.FS = fs
	s, err := Open(logPath(t), opts)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	value := make([]byte, 1024)
	batch := make([]kv.Update, 0, 100)
	for i := 1; i <= n; i++ {
		batch = append(batch, kv.Update{Op: kv.OpPut, Key: fmt.Sprintf("k%07d", i), Value: value, Version: kv.VersionFromUint64(uint64(i))})
		if len(batch) == cap(batch) {
			if err := s.Apply(batch, kv.CursorFromUint64(uint64(i))); err != nil {
				t.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	return fs.count("rename")
}

// With the default (adaptive) threshold, hydrating a fold of 48 MiB compacts a logarithmic
// number of times; a fixed 10 MiB threshold compacts once per 10 MiB, rewriting the whole fold
// each time.
func TestDefaultThresholdCompactsLogarithmically(t *testing.T) {
	if testing.Short() {
		t.Skip("writes about 150 MiB")
	}
	const n = 48 * 1024 // 48 MiB of values
	adaptive := hydrate(t, Options{}, n)
	fixed := hydrate(t, Options{CompactThreshold: DefaultCompactThreshold}, n)
	// Adaptive: compactions at about 10, 20 and 40 MiB of fold.
	if adaptive < 1 || adaptive > 3 {
		t.Errorf("default threshold: %d compactions while folding 48 MiB, want 1..3", adaptive)
	}
	if fixed < 4 {
		t.Errorf("fixed 10 MiB threshold: %d compactions while folding 48 MiB, want at least 4", fixed)
	}
}

// Opening a log that Load left compact does not count its body toward the next compaction.
func TestOpenDoesNotCountTheCompactBodyTowardCompaction(t *testing.T) {
	path := logPath(t)
	s, err := Open(path, Options{CompactThreshold: NeverCompact})
	if err != nil {
		t.Fatal(err)
	}
	big := make([]byte, 2048)
	if err := s.Apply([]kv.Update{{Op: kv.OpPut, Key: "a", Value: big, Version: kv.VersionFromUint64(1)}}, kv.CursorFromUint64(1)); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	fs := newFaultFS()
	s, err = Open(path, Options{CompactThreshold: 1024, FS: fs})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Apply(nil, kv.CursorFromUint64(2)); err != nil {
		t.Fatal(err)
	}
	if got := fs.count("rename"); got != 0 {
		t.Errorf("a 14-byte Apply after opening a compact 2 KiB log caused %d compactions, want 0", got)
	}
}
