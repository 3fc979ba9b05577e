package appendlog

import (
	"bytes"
	"errors"
	"path/filepath"
	"testing"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/snapshot"
)

// FuzzLoad feeds arbitrary files to Load. It must never panic; it either refuses the file
// (ErrCorrupted or ErrInvalidFormat, the file untouched) or returns the state replay found and
// leaves a file that loads to that state again without being rewritten.
func FuzzLoad(f *testing.F) {
	seedPath := filepath.Join(f.TempDir(), "seed.snap")
	f.Add([]byte{})
	f.Add(header[:3])
	f.Add(unhex(f, goldenHeader+goldenPutAX1+goldenCursor1+goldenDeleteA2+goldenEmptyCursor))
	sampleLog := writeBatches(f, seedPath, sample()...)
	f.Add(sampleLog)
	f.Add(sampleLog[:len(sampleLog)-5])
	f.Add(append(bytes.Clone(sampleLog), 0, 0, 0, 0, 0, 0, 0))
	f.Add(append(append(bytes.Clone(sampleLog[:40]), 0, 0, 0, 0, 0), sampleLog[40:]...))
	st := testStamp(1)
	f.Add(EncodeCompactedStamped(nil, kv.Cursor{}, st))
	f.Add(writeBatches(f, seedPath+".stamp", batch{[]kv.Update{putU("a", "1", 1)}, kv.CursorFromUint64(1), &st})[:len(header)+22+26]) // the STAMP without its CURSOR
	path := "/fuzz/fold.snap"
	opts := Options{FS: newMemFS()}
	f.Fuzz(func(t *testing.T, data []byte) {
		mem := opts.FS.(*memFS)
		mem.put(path, data)
		snap, err := Load(path, opts)
		if err != nil {
			if !errors.Is(err, snapshot.ErrCorrupted) && !errors.Is(err, snapshot.ErrInvalidFormat) {
				t.Fatalf("load: %v, want ErrCorrupted or ErrInvalidFormat", err)
			}
			if !bytes.Equal(mem.get(path), data) {
				t.Fatal("a refused file was changed")
			}
			return
		}
		got := stateOf(snap)
		if !isHeaderPrefix(data) {
			r, err := replay(data)
			if err != nil {
				t.Fatalf("load accepted what replay refuses: %v", err)
			}
			if want := stateOf(&Snapshot{Cursor: r.cursor, Stamp: r.stamp, entries: r.entries}); !want.equal(got) {
				t.Fatal("load returned another state than replay")
			}
		}
		after := mem.get(path)
		if !bytes.Equal(after, data) && !bytes.Equal(after, EncodeCompactedStamped(got.entries, got.cursor, got.stamp)) {
			t.Fatalf("load left %x, neither the input nor its compacted form", after)
		}
		again, err := Load(path, opts)
		if err != nil || !stateOf(again).equal(got) {
			t.Fatalf("second load: %v, or another state", err)
		}
		if !bytes.Equal(mem.get(path), after) {
			t.Fatal("second load rewrote the file")
		}
	})
}
