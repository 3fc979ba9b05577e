package transport

import (
	"bytes"
	"fmt"
	"testing"
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
