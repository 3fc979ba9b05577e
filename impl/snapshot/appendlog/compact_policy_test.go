package appendlog

import (
	"fmt"
	"testing"

	"github.com/slipstream-go/slipstream/impl/kv"
)

// putKeys applies puts of keys k0000001..k<n> with 1 KiB values at revisions from rev on, in
// batches of 100, calling after each Apply.
func putKeys(t *testing.T, s *Store, n int, rev uint64, after func()) {
	t.Helper()
	value := make([]byte, 1024)
	batch := make([]kv.Update, 0, 100)
	for i := 1; i <= n; i++ {
		batch = append(batch, kv.Update{Op: kv.OpPut, Key: fmt.Sprintf("k%07d", i), Value: value, Version: kv.VersionFromUint64(rev)})
		if len(batch) == cap(batch) {
			if err := s.Apply(batch, kv.CursorFromUint64(rev)); err != nil {
				t.Fatal(err)
			}
			batch = batch[:0]
			after()
		}
		rev++
	}
}

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
	putKeys(t, s, n, 1, func() {})
	return fs.count("rename")
}

// With the default (adaptive) policy, hydrating a fold of 48 MiB of distinct keys never
// compacts (every record is live); a fixed 10 MiB threshold compacts once per 10 MiB appended,
// rewriting the whole fold each time.
func TestDefaultPolicyDoesNotCompactALiveLog(t *testing.T) {
	if testing.Short() {
		t.Skip("writes about 150 MiB")
	}
	const n = 48 * 1024 // 48 MiB of values
	adaptive := hydrate(t, Options{}, n)
	fixed := hydrate(t, Options{CompactThreshold: DefaultCompactThreshold}, n)
	if adaptive != 0 {
		t.Errorf("default policy: %d compactions while folding 48 MiB of distinct keys, want 0", adaptive)
	}
	if fixed < 4 {
		t.Errorf("fixed 10 MiB threshold: %d compactions while folding 48 MiB, want at least 4", fixed)
	}
}

// With the default policy, overwriting a 12 MiB fold again and again compacts about once per
// fold's worth of dead records, and the file never grows past twice the fold plus the
// threshold (and one batch).
func TestDefaultPolicyCompactsDeadRecords(t *testing.T) {
	const n = 12 * 1024 // 12 MiB of values
	fs := newFaultFS()
	s, err := Open(logPath(t), Options{FS: fs})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	live := int64(0)
	putKeys(t, s, n, 1, func() { live = s.w.size })
	bound := 2*live + DefaultCompactThreshold + 100*1100
	for round := range 4 {
		putKeys(t, s, n, uint64(n*(round+1)+1), func() {
			if s.w.size > bound {
				t.Fatalf("round %d: the log is %d bytes, more than twice the %d-byte fold plus the threshold", round, s.w.size, live)
			}
		})
	}
	if got := fs.count("rename"); got < 2 || got > 4 {
		t.Errorf("4 rewrites of a 12 MiB fold: %d compactions, want 2..4", got)
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
