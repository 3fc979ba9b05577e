package appendlog

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/slipstream-go/slipstream/impl/kv"
)

// requireWholeRecords fails unless every entry of f is a whole PUT record whose checksum
// matches its contents (the record encoded afresh from its key, value and version), and ends
// its slice, so that no append to it reaches other bytes.
func requireWholeRecords(t *testing.T, how string, f fold) {
	t.Helper()
	for _, e := range f {
		if want := appendPut(nil, e.key(), e.value(), e.ver()); !bytes.Equal(e.rec, want) || cap(e.rec) != len(e.rec) {
			t.Fatalf("%s: entry %q is the record %x (capacity %d), want %x", how, e.key(), e.rec, cap(e.rec), want)
		}
	}
}

// Every way an entry enters a fold keeps it as its whole record, checksum included: Apply (puts, overwrites, and
// deletes that move the last entry into the hole), a Load replaying record by record, and a
// the parallel parse of a large clean log's PUTs.
func TestFoldEntriesAreWholeRecords(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "fold.log")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(5, 6))
	rev := uint64(0)
	for range 40 {
		var batch []kv.Update
		for range 500 {
			rev++
			u := kv.Update{Op: kv.OpPut, Key: fmt.Sprintf("k%04d", rng.IntN(3000)), Version: kv.VersionFromUint64(rev)}
			if rng.IntN(5) == 0 {
				u.Op = kv.OpDelete
			} else {
				u.Value = make([]byte, rng.IntN(120))
				for i := range u.Value {
					u.Value[i] = byte(rng.Uint32())
				}
			}
			batch = append(batch, u)
		}
		if err := s.Apply(batch, kv.CursorFromUint64(rev)); err != nil {
			t.Fatal(err)
		}
	}
	requireWholeRecords(t, "after Apply", s.entries)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	replayed, err := Load(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	requireWholeRecords(t, "after a replaying Load", replayed.entries)

	big := make(map[string]kv.Entry)
	for i := range 30_000 { // over 2 MiB: Load takes the parallel path
		k := fmt.Sprintf("big-%06d", i)
		big[k] = kv.Entry{Key: k, Value: make([]byte, 64+i%40), Version: kv.VersionFromUint64(uint64(i + 1))}
	}
	rp, _ := putPrefix(EncodeCompacted(big, kv.CursorFromUint64(30_000)), loadParallelMin)
	if len(rp.entries) != len(big) {
		t.Fatalf("the parallel parse folded %d of %d entries", len(rp.entries), len(big))
	}
	requireWholeRecords(t, "after a parallel Load", rp.entries)
}
