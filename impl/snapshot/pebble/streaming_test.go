package pebble

import (
	"bytes"
	"fmt"
	"runtime"
	"testing"

	"github.com/slipstream-go/slipstream/impl/kv"
)

// allocatedBy reports the bytes the Go heap handed out while f ran.
func allocatedBy(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// Range streams: taking the first entry of a large fold allocates a small fraction of the
// fold, where copying the matching set first would allocate all of it.
func TestRangeDoesNotLoadTheMatchingSet(t *testing.T) {
	s := open(t, t.TempDir(), Options{})
	defer mustClose(t, s)
	const n, size = 4000, 1024 // 4 MiB of values
	value := bytes.Repeat([]byte("x"), size)
	var rev uint64
	for i := 0; i < n; i += 100 {
		var b []kv.Update
		for j := i; j < i+100; j++ {
			rev++
			b = append(b, kv.Update{Op: kv.OpPut, Key: fmt.Sprintf("k%05d", j), Value: value, Version: kv.VersionFromUint64(rev)})
		}
		if err := s.Apply(b, kv.CursorFromUint64(rev)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Settle(); err != nil {
		t.Fatal(err)
	}
	first := allocatedBy(func() {
		for _, err := range s.Range("k") {
			if err != nil {
				t.Fatal(err)
			}
			break
		}
	})
	all := allocatedBy(func() {
		for _, err := range s.Range("k") {
			if err != nil {
				t.Fatal(err)
			}
		}
	})
	t.Logf("first entry: %d bytes allocated; all %d entries: %d bytes", first, n, all)
	if all < n*size {
		t.Fatalf("a full Range allocated %d bytes, less than the %d bytes of values it copies: the measure is broken", all, n*size)
	}
	if first > n*size/20 {
		t.Fatalf("taking one entry allocated %d bytes, over 5%% of the fold's %d bytes of values", first, n*size)
	}
}
