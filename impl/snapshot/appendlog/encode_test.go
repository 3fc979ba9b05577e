package appendlog

import (
	"bytes"
	"errors"
	"fmt"
	"testing"

	"github.com/slipstream-go/slipstream/impl/kv"
)

// seqEntries is a fold of n entries, in the order of their keys.
func seqEntries(n int) fold {
	f := make(fold, n)
	for i := range f {
		k := fmt.Sprintf("k%07d", i)
		f[i] = fentry{rec: appendPut(nil, k, bytes.Repeat([]byte{byte(i)}, i%37), kv.VersionFromUint64(uint64(i))), tag: tagOf(k)}
	}
	return f
}

// writePuts writes, in the order given, exactly the records a one-by-one encoding writes,
// for short sequences and for ones spanning many more chunks than are encoded ahead.
func TestWritePutsKeepsOrder(t *testing.T) {
	for _, n := range []int{0, 1, chunkEntries - 1, chunkEntries, chunkEntries + 1, chunkEntries*(chunksAhead+3) + 17} {
		var want []byte
		f := seqEntries(n)
		for _, e := range f {
			want = appendPut(want, e.key(), e.value(), e.ver())
		}
		var got bytes.Buffer
		if err := writePuts(&got, putSource{f: f}); err != nil || !bytes.Equal(got.Bytes(), want) {
			t.Fatalf("n=%d: %d bytes (err %v), want the %d bytes of one-by-one encoding", n, got.Len(), err, len(want))
		}
	}
}

// failAfter is a writer that fails from its n-th write on.
type failAfter struct{ n, writes int }

var errWrite = errors.New("disk full")

func (f *failAfter) Write(p []byte) (int, error) {
	f.writes++
	if f.writes >= f.n {
		return 0, errWrite
	}
	return len(p), nil
}

// A failing write is returned (the first one), and writePuts stops writing after it.
func TestWritePutsReturnsTheWriteError(t *testing.T) {
	for _, n := range []int{1, 2, chunksAhead + 2} {
		w := &failAfter{n: n}
		if err := writePuts(w, putSource{f: seqEntries(chunkEntries * (chunksAhead + 4))}); !errors.Is(err, errWrite) || w.writes != n {
			t.Fatalf("fail at write %d: %v after %d writes", n, err, w.writes)
		}
	}
}
