package transport

import (
	"bytes"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/slipstream-go/slipstream/impl/kv"
)

// rankFromName reads back exactly the rank payloadName wrote, and never panics on other names.
func FuzzRankFromName(f *testing.F) {
	f.Add("fold.payloads/0000000000000005-ab.tar")
	f.Add("fold.payloads/foreign.tar")
	f.Add("-")
	f.Add("")
	f.Fuzz(func(t *testing.T, name string) {
		r, ok := rankFromName(name)
		if !ok {
			return
		}
		base := name[bytes.LastIndexByte([]byte(name), '/')+1:]
		if want := fmt.Sprintf("%016x", r); !bytes.EqualFold([]byte(base[:16]), []byte(want)) {
			t.Fatalf("rank %d read from %q", r, name)
		}
	})
}

// checkEmbedded accepts a stream only when it is a tar whose first entry is MANIFEST.json with
// exactly the pointer's bytes; it never panics.
func FuzzCheckEmbedded(f *testing.F) {
	ptr := []byte(`{"schema_version":1}`)
	f.Add(tarOf(f, "MANIFEST.json", ptr), ptr)
	f.Add(tarOf(f, "MANIFEST.json", []byte("other")), ptr)
	f.Add(tarOf(f, "data/x", ptr), ptr)
	f.Add([]byte("not a tar"), ptr)
	f.Fuzz(func(t *testing.T, stream, ptr []byte) {
		if checkEmbedded(bytes.NewReader(stream), ptr) != nil {
			return
		}
		if !bytes.Equal(mustFirstEntry(t, stream), ptr) {
			t.Fatal("accepted a stream whose first entry is not the pointer")
		}
	})
}

// keyCreated reads a creation time only from a key exactly as PointerKey writes it for a
// non-zero incarnation of base, reads back the time PointerKey wrote, and never panics.
func FuzzKeyCreated(f *testing.F) {
	f.Add("fold", "fold.i1700000000000000001", int64(1))
	f.Add("fold", "fold.i0042", int64(-5))
	f.Add("fold", "fold", int64(0))
	f.Add("a.i5", "a.i5.i7", int64(9))
	f.Fuzz(func(t *testing.T, base, key string, ns int64) {
		if n := keyCreated(base, key); n != 0 {
			if n < 0 || key != base+".i"+strconv.FormatInt(n, 10) {
				t.Fatalf("keyCreated(%q, %q) = %d from a key PointerKey does not write", base, key, n)
			}
		}
		if ns <= 0 {
			return
		}
		inc, err := kv.NewIncarnation("b", time.Unix(0, ns))
		if err != nil {
			t.Fatal(err) // every positive creation time is valid
		}
		if got := keyCreated(base, PointerKey(base, inc)); got != ns {
			t.Fatalf("keyCreated(%q, PointerKey(%q, %d ns)) = %d", base, base, ns, got)
		}
	})
}
